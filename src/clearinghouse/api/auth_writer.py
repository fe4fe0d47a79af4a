"""Writes the authentication tally (failed attempts, keys' last use) off the request path.

One daemon thread per app, started on the first event, writes a batch every `every_seconds` in a
short transaction of its own; closing the app writes what is left. A batch that cannot be
written (the database is down) is logged and dropped: it is bookkeeping, not data a user sent.
"""

from __future__ import annotations

import logging
import threading

from sqlalchemy.orm import Session, sessionmaker

from clearinghouse.core.db import unit_of_work
from clearinghouse.registry import auth_events
from clearinghouse.registry.auth_events import AuthEventBuffer

log = logging.getLogger("clearinghouse.auth")


class AuthEventWriter:
    def __init__(self, buffer: AuthEventBuffer, sessions: sessionmaker[Session],
                 every_seconds: float) -> None:
        self.buffer, self.sessions, self.every_seconds = buffer, sessions, every_seconds
        self._stop = threading.Event()
        self._write_lock = threading.Lock()
        self._start_lock = threading.Lock()
        self._thread: threading.Thread | None = None

    def ensure_running(self) -> None:
        if self._thread is not None or self._stop.is_set():
            return
        with self._start_lock:
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="auth-event-writer", daemon=True)
                self._thread.start()

    def _run(self) -> None:
        while not self._stop.wait(self.every_seconds):
            self.write_now()

    def write_now(self) -> None:
        """Write everything tallied so far (also called by tests and at shutdown)."""
        with self._write_lock:
            events = self.buffer.drain()
            if not events:
                return
            try:
                with unit_of_work(self.sessions) as session:
                    auth_events.write(session, events)
            except Exception:
                log.exception("could not write the authentication tally; %d rows dropped",
                              len(events.tallies) + len(events.key_uses))

    def close(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=self.every_seconds + 5)
        self.write_now()
