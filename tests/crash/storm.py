"""Drive a real server with concurrent purchases, payments and imports until it is killed.

Every request is recorded with what came back (a status) or that nothing did (cut off by the
kill), so the checks after the restart know what the client was told.

Imports: `POST /works/import` answers 202 with a job that writes the file in the background;
the job's id is recorded so that the checks after the restart read the job's state.
"""

from __future__ import annotations

import itertools
import queue
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx

from clearinghouse.demo.loader import DEMO_KEYS

KEYS = {k.party: k.token for k in DEMO_KEYS}
BRAND = {"Authorization": f"Bearer {KEYS['brand']}"}  # the demo licensee
OPERATOR = {"Authorization": f"Bearer {KEYS['operator']}"}
OWNER = {"Authorization": f"Bearer {KEYS['yitiao']}"}  # a demo studio that imports its catalogue
IMPORT_TITLE = "崩溃测试 b{batch:03d} r{row:03d}"
IMPORT_RIGHTS = ["mechanical", "synchronisation"]


def import_isrc(batch: int, row: int) -> str:
    return f"CNX9K26{batch:02d}{row:03d}"  # normalised form of CN-X9K-26-BBRRR


def catalogue_csv(batch: int, rows: int) -> str:
    lines = ["type,title,identifiers,tags,rights,share,territories,valid_from,warranty"]
    for row in range(rows):
        title = IMPORT_TITLE.format(batch=batch, row=row)
        lines.append(f"musical_composition,{title},isrc:{import_isrc(batch, row)},crash-test,"
                     f"{';'.join(IMPORT_RIGHTS)},100,WORLD,2020-01-01,yes")
    return "\n".join(lines) + "\n"


def make_quotes(http: httpx.Client, count: int) -> list[str]:
    """Quotes for the worked example's use of 星空的风 (three holders), one per purchase."""
    found = http.get("/api/v1/works", params={"q": "星空的风", "type": "sound_recording"})
    work_id = found.json()["items"][0]["id"]
    use = {"work_ids": [work_id], "purpose": "advertising", "channels": ["douyin"], "uses": 1,
           "portion": {"unit": "seconds", "value": 15}, "territories": ["CN"], "term_days": 365}
    quotes = []
    for _ in range(count):
        made = http.post("/api/v1/quotes", json=use, headers=BRAND)
        assert made.status_code == 201 and not made.json()["unclearable"], made.text
        quotes.append(made.json()["id"])
    return quotes


@dataclass
class Sent:
    """One request: its status, or None when the kill cut it off before an answer came."""

    status: int | None = None
    body: dict[str, Any] | None = None


def _send(http: httpx.Client, method: str, url: str, **kwargs: Any) -> Sent | None:
    """None when the request never reached the server (it was already dead)."""
    try:
        response = http.request(method, url, **kwargs)
    except httpx.ConnectError:
        return None
    except httpx.TransportError:
        return Sent()
    body = response.json() if response.headers.get("content-type", "").startswith("application/json") else None
    return Sent(response.status_code, body)


class Storm:
    def __init__(self, base_url: str, quotes: list[str], *, buyers: int = 4, importers: int = 2,
                 rows_per_import: int = 30) -> None:
        self.base_url, self.quotes, self.rows_per_import = base_url, quotes, rows_per_import
        self.buyers, self.importers = buyers, importers
        self.purchases: dict[str, Sent] = {}  # by idempotency key (the quote id)
        self.payments: dict[str, Sent] = {}  # by payment id
        self.imports: dict[int, Sent] = {}  # by batch number
        self._todo: queue.Queue[str] = queue.Queue()
        self._batches = itertools.count()
        self._stop = threading.Event()
        self._answered = threading.Semaphore(0)

    def _buyer(self) -> None:
        with httpx.Client(base_url=self.base_url, timeout=120) as http:
            while not self._stop.is_set():
                try:
                    quote = self._todo.get_nowait()
                except queue.Empty:
                    return
                sent = _send(http, "POST", f"/api/v1/quotes/{quote}/purchase",
                             headers=BRAND | {"Idempotency-Key": quote})
                if sent is None:
                    return
                self.purchases[quote] = sent
                if sent.status is None:
                    return
                self._answered.release()
                if sent.status == 201 and sent.body and sent.body.get("payment"):
                    payment_id = sent.body["payment"]["id"]
                    paid = _send(http, "POST", f"/api/v1/payments/{payment_id}/mark-paid",
                                 json={"reference": f"BANK-{quote}"}, headers=OPERATOR)
                    if paid is None:
                        return
                    self.payments[payment_id] = paid

    def _importer(self) -> None:
        with httpx.Client(base_url=self.base_url, timeout=120) as http:
            while not self._stop.is_set():
                batch = next(self._batches)
                sent = submit_import(http, batch, self.rows_per_import)
                if sent is None:
                    return
                self.imports[batch] = sent
                if sent.status is None:
                    return

    def run_until_killed(self, kill: Callable[[], None], after_purchases: int, patience: float = 180) -> None:
        """Start everyone, kill the server once `after_purchases` purchases were answered."""
        for quote in self.quotes:
            self._todo.put(quote)
        threads = [threading.Thread(target=self._buyer) for _ in range(self.buyers)]
        threads += [threading.Thread(target=self._importer) for _ in range(self.importers)]
        for t in threads:
            t.start()
        deadline = time.monotonic() + patience
        try:
            for _ in range(after_purchases):
                if not self._answered.acquire(timeout=max(0.0, deadline - time.monotonic())):
                    raise AssertionError(f"only {len(self.purchases)} purchases answered in {patience} s")
        finally:
            kill()
            self._stop.set()
            for t in threads:
                t.join(timeout=120)

    def cut_off(self) -> int:
        everything = [*self.purchases.values(), *self.payments.values(), *self.imports.values()]
        return sum(1 for s in everything if s.status is None)


def submit_import(http: httpx.Client, batch: int, rows: int) -> Sent | None:
    """Start the import of one catalogue file (202 and its job)."""
    return _send(http, "POST", "/api/v1/works/import", content=catalogue_csv(batch, rows).encode(),
                 headers=OWNER | {"Content-Type": "text/csv"})
