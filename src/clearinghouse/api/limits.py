"""Request body size limit, enforced on the declared length and on the bytes actually sent."""

from __future__ import annotations

import json
from collections.abc import Callable

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from clearinghouse.api.admission import has_body


class _TooLarge(Exception):
    pass


class BodySizeLimit:
    def __init__(self, app: ASGIApp, max_bytes: int, upload_max_bytes: int,
                 is_upload: Callable[[str, str], bool]) -> None:
        self.app, self.max_bytes, self.upload_max, self.is_upload = app, max_bytes, upload_max_bytes, is_upload

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not has_body(scope):
            await self.app(scope, receive, send)
            return
        limit = self.upload_max if self.is_upload(scope.get("method", "GET"), scope["path"]) else self.max_bytes
        headers = dict(scope.get("headers") or [])
        # A browser's form (the web pages) gets a page it can show; API clients, the JSON error.
        page = b"text/html" in headers.get(b"accept", b"").lower()
        declared = headers.get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > limit:
            await _reject(send, limit, page)
            return
        received = 0
        started = False

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise _TooLarge
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counting_receive, tracking_send)
        except _TooLarge:
            if not started:
                await _reject(send, limit, page)


# Outside the pages' language choice (nothing of the app has run): both languages, no markup to
# style, nothing inline (the pages' CSP).
TOO_LARGE_PAGE = ("<!doctype html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\">"
                  "<title>文件太大 · Too large</title></head><body><main><h1>文件太大 · The file is too large</h1>"
                  "<p>上限为 {mib} MB，请返回并选择较小的文件。</p>"
                  "<p lang=\"en\">The limit is {mib} MB: go back and choose a smaller file.</p>"
                  "</main></body></html>")


async def _reject(send: Send, limit: int, page: bool = False) -> None:
    if page:
        body = TOO_LARGE_PAGE.format(mib=f"{limit / 1_048_576:.3g}").encode()
        content_type = b"text/html; charset=utf-8"
    else:
        body = json.dumps({"error": {"code": "payload_too_large",
                                     "message": f"request body is over the limit of {limit} bytes",
                                     "details": {"limit_bytes": limit}}}).encode()
        content_type = b"application/json"
    await send({"type": "http.response.start", "status": 413,
                "headers": [(b"content-type", content_type), (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})
