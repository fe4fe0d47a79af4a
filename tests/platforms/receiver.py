"""A real webhook receiver on 127.0.0.1: answers from a script of status codes, verifies each
signature as a platform would, and records what it got."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from clearinghouse.platforms.webhooks import domain


@dataclass
class Received:
    delivery_id: str
    event: str
    signature_ok: bool
    body: dict[str, Any]
    status: int


@dataclass
class Receiver:
    url: str
    statuses: list[int]  # answered in turn; the last one repeats
    secret: str = ""
    got: list[Received] = field(default_factory=list)

    def next_status(self) -> int:
        return self.statuses.pop(0) if len(self.statuses) > 1 else self.statuses[0]

    @property
    def accepted(self) -> list[Received]:
        return [r for r in self.got if 200 <= r.status < 300]


@contextmanager
def receiver(*statuses: int) -> Iterator[Receiver]:
    state = Receiver(url="", statuses=list(statuses) or [200])

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 (http.server's name)
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            ok = domain.verify(state.secret, self.headers.get(domain.TIMESTAMP_HEADER, ""),
                               self.headers.get(domain.SIGNATURE_HEADER, ""), body,
                               datetime.now(UTC), window_seconds=10**10)
            status = state.next_status() if ok else 400
            state.got.append(Received(self.headers.get(domain.DELIVERY_HEADER, ""),
                                      self.headers.get(domain.EVENT_HEADER, ""), ok,
                                      json.loads(body), status))
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.url = f"http://127.0.0.1:{server.server_address[1]}/hooks"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
