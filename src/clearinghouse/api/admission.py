"""Admission control: a bounded number of requests are handled at once; the rest wait briefly in a
bounded queue or are answered 503 at once.

Why: requests run in a pool of worker threads and hold a database connection while they do. With
no bound, a burst of clients filled every thread with requests waiting for a connection held by
requests waiting for a thread, and the server never answered again. Admitting fewer requests than
there are threads and connections means an admitted request never waits for either, and a server
past its capacity says so in milliseconds instead of timing out.

A request's body is read *before* it takes a turn (within `body_timeout` seconds), so a client that
sends half a body and stalls holds nothing but its own socket. Uploads (files, imports) are too big
to buffer: they have their own small lane instead. Health checks are never queued.

A queue only sheds what it sees. When the process is out of CPU, the event loop itself falls
behind (requests wait in socket buffers before any middleware runs), so the loop's lag is watched
too: while it is over `max_loop_lag` seconds and every turn is taken, new requests are answered
503 at once, which costs almost nothing and lets the admitted ones finish.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable
from dataclasses import dataclass

import anyio
from starlette.types import ASGIApp, Message, Receive, Scope, Send


@dataclass(frozen=True)
class Limits:
    max_active: int  # requests handled at once
    max_queued: int  # requests that may wait for a turn
    queue_timeout: float  # seconds a request may wait for its turn
    max_active_uploads: int  # uploads handled at once (their own lane, no queue)
    body_timeout: float  # seconds a client has to send the whole body of a normal request
    max_loop_lag: float = 0.5  # seconds the event loop may fall behind before new requests are shed


class LoopLag:
    """How far behind the event loop runs: a timer that should fire every `tick` seconds notes how
    late it fired (smoothed, so one slow tick does not flip it)."""

    def __init__(self, tick: float = 0.05) -> None:
        self.tick, self.lag = tick, 0.0
        self._task: asyncio.Task[None] | None = None

    def watch(self) -> None:
        if self._task is None or self._task.done():
            self._task = asyncio.get_running_loop().create_task(self._run())

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            expected = loop.time() + self.tick
            await asyncio.sleep(self.tick)
            late = max(0.0, loop.time() - expected)
            self.lag = late if late > self.lag else 0.8 * self.lag + 0.2 * late


class _Lane:
    """A counting semaphore that knows how many are waiting, made lazily on the running loop."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.waiting = 0
        self._sem: anyio.Semaphore | None = None

    @property
    def sem(self) -> anyio.Semaphore:
        if self._sem is None:
            self._sem = anyio.Semaphore(self.size)
        return self._sem

    @property
    def free(self) -> int:
        return self.sem.value


class AdmissionControl:
    def __init__(self, app: ASGIApp, limits: Limits, is_upload: Callable[[str, str], bool],
                 bypass: Callable[[str], bool]) -> None:
        self.app, self.limits, self.is_upload, self.bypass = app, limits, is_upload, bypass
        self.requests = _Lane(limits.max_active)
        self.uploads = _Lane(limits.max_active_uploads)
        self.loop_lag = LoopLag()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or self.bypass(scope["path"]):
            await self.app(scope, receive, send)
            return
        self.loop_lag.watch()
        # A late loop alone may be one slow moment (or a test holding the interpreter); with every
        # turn taken as well, the process is out of CPU.
        if self.loop_lag.lag > self.limits.max_loop_lag and self.requests.free == 0:
            await _overloaded(send)
            return
        if self.is_upload(scope.get("method", "GET"), scope["path"]):
            await self._upload(scope, receive, send)
            return
        if has_body(scope):
            body = await _read_body(receive, self.limits.body_timeout)
            if body is None:
                await _refuse(send, 408, "request_timeout", "the request body did not arrive in time", None)
                return
            receive = _replay(body, receive)
        # else nothing can stall: the app reads the empty body as it comes.
        lane = self.requests
        if lane.free > 0 and lane.waiting == 0:
            lane.sem.acquire_nowait()  # a free turn: no timer, no trip round the event loop
        elif not await self._wait_for_turn(lane):
            await _overloaded(send)
            return
        try:
            await self.app(scope, receive, send)
        finally:
            lane.sem.release()

    async def _wait_for_turn(self, lane: _Lane) -> bool:
        if lane.free == 0 and lane.waiting >= self.limits.max_queued:
            return False
        lane.waiting += 1
        try:
            with anyio.move_on_after(self.limits.queue_timeout) as waited:
                await lane.sem.acquire()
        finally:
            lane.waiting -= 1
        return not waited.cancelled_caught

    async def _upload(self, scope: Scope, receive: Receive, send: Send) -> None:
        lane = self.uploads
        if lane.free == 0:
            await _overloaded(send, what="uploads")
            return
        await lane.sem.acquire()
        try:
            await self.app(scope, receive, send)
        finally:
            lane.sem.release()


def has_body(scope: Scope) -> bool:
    """Whether the request may send a body. In HTTP/1 only one with a Content-Length or a
    Transfer-Encoding header does (ASGI gives header names in lower case); HTTP/2 needs neither."""
    if scope.get("http_version", "1.1") not in ("1.0", "1.1"):
        return True
    return any(name in (b"content-length", b"transfer-encoding") for name, _ in scope["headers"])


async def _read_body(receive: Receive, timeout: float) -> list[Message] | None:
    """The request's messages up to the end of its body, or None when the client is too slow.
    (The body's size is bounded by the BodySizeLimit middleware outside this one.)"""
    messages: list[Message] = []
    deadline = time.monotonic() + timeout
    with anyio.move_on_after(timeout):
        while time.monotonic() <= deadline:
            message = await receive()
            messages.append(message)
            if message["type"] != "http.request" or not message.get("more_body", False):
                return messages
    return None


def _replay(messages: list[Message], receive: Receive) -> Receive:
    pending = list(messages)

    async def replayed() -> Message:
        if pending:
            return pending.pop(0)
        return await receive()  # after the body: a disconnect, when the client goes away

    return replayed


async def _overloaded(send: Send, what: str = "requests") -> None:
    await _refuse(send, 503, "overloaded", f"the server is at capacity for {what}; retry shortly",
                  {"retry_after_seconds": 1}, retry_after=True)


async def _refuse(send: Send, status: int, code: str, message: str, details: object,
                  retry_after: bool = False) -> None:
    body = json.dumps({"error": {"code": code, "message": message, "details": details}}).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
               (b"connection", b"close" if status == 408 else b"keep-alive")]
    if retry_after:
        headers.append((b"retry-after", b"1"))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
