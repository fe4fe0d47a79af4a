"""Quote benchmark: a song (composition + recording), 4 holders across 2 rights, 20 offers each.

    .venv/bin/python -m bench.quote [--engine-quotes 5000] [--service-quotes 500]
        [--requests 500] [--seed 7]

Measures, on a temporary SQLite database:
  1. the pure engine (facts already gathered), against a naive engine in the same run that checks
     every offer against every template for every line, with no index and no cached territories;
  2. the service in-process: gathering the facts from the database and pricing (read only), and
     the whole use case (gather, price, store the quote, commit);
  3. HTTP: POST /api/v1/quotes against a real uvicorn on 127.0.0.1 (httpx, keep-alive, one
     request at a time), against GET /healthz on the same connection as the floor.
Targets: >= 2,000 quotes/s in-process (engine) and p99 < 20 ms over HTTP. Results also go to
bench/out/quote.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import httpx
from rich.console import Console
from rich.table import Table

from clearinghouse.access.domain import Role
from clearinghouse.core.db import make_engine, session_factory, unit_of_work
from clearinghouse.core.migrate import upgrade
from clearinghouse.core.territories import expand
from clearinghouse.licensing.catalogue import offers as offers_service
from clearinghouse.licensing.catalogue import templates as templates_service
from clearinghouse.licensing.catalogue.offer_schemas import OfferCreate
from clearinghouse.licensing.quotes import service as quotes_service
from clearinghouse.licensing.quotes.engine import Market, build_quote, needed_rights
from clearinghouse.licensing.quotes.pricing import PricedDraft, RateBook, price_drafts
from clearinghouse.licensing.quotes.schemas import QuoteCreate
from clearinghouse.licensing.terms import Use, expand_channels
from clearinghouse.registry import claims_service, holdings_service, parties_service, works_service
from clearinghouse.registry.schemas import (
    ClaimAccept,
    HoldingCreate,
    KeyCreate,
    PartyCreate,
    WorkCreate,
)
from clearinghouse.wiring import wire

OUT = Path(__file__).parent / "out"
# The templates migration 0003 seeds (a fresh database has exactly these).
SEEDED = Path(__file__).parents[1] / "src/clearinghouse/migrations/seeds/0003_catalogue.json"
DEFAULT_TEMPLATES = json.loads(SEEDED.read_text("utf-8"))["license_templates"]
console = Console()
USE = {"purpose": "advertising", "channels": ["douyin"], "uses": 1,
       "portion": {"unit": "seconds", "value": 15}, "territories": ["CN"], "term_days": 365,
       "currency": "CNY"}


# -- the catalogue --------------------------------------------------------------------------------


def _party(s: Any, name: str, *roles: Role) -> tuple[Any, str]:
    party = parties_service.create_party(s, None, PartyCreate(name=name, roles=list(roles)))
    _, token = parties_service.create_key(s, None, KeyCreate(party_id=party.id))
    return parties_service.principal_for(s, party), token


def build_catalogue(sessions: Any, seed: int, offers_per_holder: int) -> dict[str, Any]:
    """Four holders (two publishers 50/50 on synchronisation, two labels 60/40 on master use),
    each with `offers_per_holder` offers over the default templates, CNY and USD, seeded."""
    rng = random.Random(seed)
    codes = [t["code"] for t in DEFAULT_TEMPLATES]
    with unit_of_work(sessions) as s:
        licensee, token = _party(s, "Brand", Role.LICENSEE)
        holders = [_party(s, name, Role.OWNER)[0]
                   for name in ("Pub A", "Pub B", "Label C", "Label D")]
        song = works_service.create_work(s, holders[0], WorkCreate(
            type="musical_composition", title="Bench song", length=200))
        master = works_service.create_work(s, holders[2], WorkCreate.model_validate({
            "type": "sound_recording", "title": "Bench recording", "length": 200,
            "relations": [{"kind": "embodies", "work_id": song.id}]}))
        plan = [(holders[0], song, "synchronisation", "50"),
                (holders[1], song, "synchronisation", "50"),
                (holders[2], master, "master_use", "60"), (holders[3], master, "master_use", "40")]
        registrant = {song.id: holders[0], master.id: holders[2]}
        for holder, work, right, share in plan:
            held = holdings_service.create_holding(s, holder, work.id, HoldingCreate.model_validate({
                "rights": [right], "share": share, "territories": ["WORLD"],
                "valid_from": "2020-01-01", "warranty": {"accepted": True}}))
            if holder is not registrant[work.id]:  # a co-holder's holding is a claim until accepted
                claims_service.accept_claim(s, registrant[work.id], held.id, ClaimAccept(),
                                            held.version)
        for holder, work, right, _ in plan:
            for i in range(offers_per_holder):
                usd = rng.random() < 0.3
                offers_service.create_offer(s, holder, OfferCreate.model_validate({
                    "template_id": codes[i % len(codes)], "rights": [right],
                    "scope": "catalogue" if i % 5 == 0 else "works",
                    "work_ids": [] if i % 5 == 0 else [work.id],
                    "currency": "USD" if usd else "CNY",
                    "fixed_fee_minor": rng.randrange(10_000, 1_000_000),
                    "advance_minor": rng.choice([None, rng.randrange(0, 100_000)]),
                    "per_1000_plays_minor": rng.choice([None, rng.randrange(1, 100)])}))
    return {"licensee": licensee, "token": token, "work_ids": [master.id]}


# -- the naive baseline ---------------------------------------------------------------------------


def naive_quote(use: Use, currency: str, market: Market, today: date) -> dict[str, Any]:
    """The same answer the hard way: every offer x every template for every line, territories
    expanded afresh each time, nothing indexed. (Unclearable parts are not reported.)"""
    from clearinghouse.licensing.quotes.engine import template_covers_terms

    book = RateBook(market.rates, today)
    countries = expand(use.territories, use.territories_excluded)
    channels = expand_channels(use.channels)
    templates = list(market.templates.values())
    drafts = []
    parts = [(w, r) for w in use.work_ids for r in needed_rights(market.works[w].category, use)]
    parts += [(e, r) for w in use.work_ids for e in market.works[w].embodies
              for r in needed_rights(market.works[e].category, use)]
    for work_id, right in parts:
        work = market.works[work_id]
        holders = sorted({h.holder_id for h in market.holdings
                          if h.work_id == work_id and right in h.rights})
        for holder_id in holders:
            held = [h for h in market.holdings if h.work_id == work_id and h.holder_id == holder_id]
            best = None
            for offer in market.offers:
                for t in templates:
                    t_countries = expand(*_template_codes(t.code))
                    if (t.id != offer.template_id or offer.holder_id != holder_id
                            or right not in offer.rights or offer.declined
                            or not offer.covers_work(work_id)
                            or not template_covers_terms(t, use, channels)
                            or not countries <= t_countries
                            or not use.portion.fits_within(t.portion, work.length)):
                        continue
                    cost = book.convert(offer.price.upfront_minor, offer.price.currency, currency)
                    if cost is not None and (best is None or (cost, offer.id) < best[:2]):
                        best = (cost, offer.id, offer, t)
            if best is not None:
                _, _, offer, t = best
                drafts.append(PricedDraft(work_id, work.title, right, holder_id, holder_id,
                                          max(h.share_ppm for h in held), offer.price, offer.id,
                                          offer.version, t.id, t.code))
    lines, totals = price_drafts(drafts, currency, book, market.fees)
    return totals


def _template_codes(code: str) -> tuple[list[str], list[str]]:
    t = next(t for t in DEFAULT_TEMPLATES if t["code"] == code)
    return t["territories"], t.get("territories_excluded", [])


# -- measuring ------------------------------------------------------------------------------------


def rate(fn: Any, n: int) -> float:
    fn()  # warm
    started = time.perf_counter()
    for _ in range(n):
        fn()
    return n / (time.perf_counter() - started)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def percentiles(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    q = statistics.quantiles(ordered, n=100, method="inclusive")
    return {"p50_ms": round(q[49] * 1000, 2), "p99_ms": round(q[98] * 1000, 2),
            "mean_ms": round(statistics.fmean(ordered) * 1000, 2)}


def over_http(data_dir: Path, token: str, work_ids: list[str], requests: int) -> dict[str, Any]:
    port = _free_port()
    env = os.environ | {"CLEARINGHOUSE_DATA_DIR": str(data_dir)}
    env.pop("CLEARINGHOUSE_DATABASE_URL", None)
    server = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "clearinghouse.api.app:create_app", "--factory",
         "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning", "--no-access-log"],
        env=env)
    base = f"http://127.0.0.1:{port}"
    try:
        with httpx.Client(base_url=base, timeout=10,
                          headers={"Authorization": f"Bearer {token}"}) as client:
            for _ in range(200):
                try:
                    if client.get("/healthz").status_code == 200:
                        break
                except httpx.TransportError:
                    time.sleep(0.05)
            else:
                raise SystemExit("the server did not start")
            body = USE | {"work_ids": work_ids}

            def timed(call: Any) -> list[float]:
                for _ in range(20):
                    call()  # warm the connection and the server's caches
                out = []
                for _ in range(requests):
                    started = time.perf_counter()
                    r = call()
                    out.append(time.perf_counter() - started)
                    if r.status_code >= 300:
                        raise SystemExit(f"{r.status_code}: {r.text[:300]}")
                return out

            quotes = timed(lambda: client.post("/api/v1/quotes", json=body))
            health = timed(lambda: client.get("/healthz"))
    finally:
        server.terminate()
        server.wait(timeout=10)
    return {"quote": percentiles(quotes), "healthz": percentiles(health), "requests": requests}


def main() -> None:
    wire()  # registry writes reach the search index, as in the app
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--engine-quotes", type=int, default=5000)
    parser.add_argument("--naive-quotes", type=int, default=300)
    parser.add_argument("--service-quotes", type=int, default=500)
    parser.add_argument("--requests", type=int, default=500)
    parser.add_argument("--offers", type=int, default=20, help="Offers per holder")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="bench-quote-") as tmp:
        data_dir = Path(tmp)
        engine = make_engine(f"sqlite:///{data_dir / 'clearinghouse.sqlite3'}")
        upgrade(engine)
        sessions = session_factory(engine)
        cat = build_catalogue(sessions, args.seed, args.offers)
        today = datetime.now(UTC).date()
        data = QuoteCreate.model_validate(USE | {"work_ids": cat["work_ids"]})
        use = quotes_service.use_of(data, data.work_ids, today)
        with unit_of_work(sessions) as s:
            # The pure engines get every offer and template (the service reads only the offers on
            # templates whose terms fit the use), so both face all 80 offers x 6 templates.
            gathered = quotes_service.gather(s, use, "CNY", today)
            every_offer = offers_service.active_offers(
                s, sorted({h.holder_id for h in gathered.holdings}), list(gathered.works))
            market = replace(gathered, templates=templates_service.active_template_facts(s),
                             offers=[offers_service.facts_of(o) for o in every_offer])
        assert len(market.offers) == 4 * args.offers
        result = build_quote(use, "CNY", market, today)
        assert build_quote(use, "CNY", gathered, today) == result
        assert len(result.lines) == 4 and not result.unclearable, result
        assert naive_quote(use, "CNY", market, today) == result.totals  # same answer

        engine_qps = rate(lambda: build_quote(use, "CNY", market, today), args.engine_quotes)
        naive_qps = rate(lambda: naive_quote(use, "CNY", market, today), args.naive_quotes)

        def read_only() -> None:
            with unit_of_work(sessions) as s:
                build_quote(use, "CNY", quotes_service.gather(s, use, "CNY", today), today)

        def full() -> None:
            with unit_of_work(sessions) as s:
                quotes_service.create_quote(s, cat["licensee"], data, 3600)

        gather_qps = rate(read_only, args.service_quotes)
        service_qps = rate(full, args.service_quotes)
        engine.dispose()
        http = over_http(data_dir, cat["token"], cat["work_ids"], args.requests)

    report(args, engine_qps, naive_qps, gather_qps, service_qps, http)


def report(args: argparse.Namespace, engine_qps: float, naive_qps: float, gather_qps: float,
           service_qps: float, http: dict[str, Any]) -> None:
    table = Table(title="Quote: song (composition + recording), 4 holders, 2 rights, "
                        f"{args.offers} offers per holder (SQLite)")
    for col in ("measure", "result", "baseline", "ratio", "target"):
        table.add_column(col)
    table.add_row("engine, in-process", f"{engine_qps:,.0f} quotes/s",
                  f"naive {naive_qps:,.0f} quotes/s", f"{engine_qps / naive_qps:,.1f}x",
                  ">= 2,000/s " + ("ok" if engine_qps >= 2000 else "MISSED"))
    table.add_row("service: gather + price (read only)", f"{gather_qps:,.0f} quotes/s",
                  f"engine {engine_qps:,.0f}/s", f"{gather_qps / engine_qps:.2f}x", "")
    table.add_row("service: gather + price + store + commit", f"{service_qps:,.0f} quotes/s",
                  f"engine {engine_qps:,.0f}/s", f"{service_qps / engine_qps:.2f}x", "")
    q, h = http["quote"], http["healthz"]
    table.add_row(f"HTTP POST /quotes p50 ({http['requests']} requests)", f"{q['p50_ms']} ms",
                  f"/healthz {h['p50_ms']} ms", f"{q['p50_ms'] / h['p50_ms']:.1f}x", "")
    table.add_row("HTTP POST /quotes p99", f"{q['p99_ms']} ms", f"/healthz {h['p99_ms']} ms",
                  f"{q['p99_ms'] / h['p99_ms']:.1f}x",
                  "< 20 ms " + ("ok" if q["p99_ms"] < 20 else "MISSED"))
    console.print(table)
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "quote.json").write_text(json.dumps({
        "at": datetime.now(UTC).isoformat(timespec="seconds"), "machine": platform.platform(),
        "python": platform.python_version(), "cpus": os.cpu_count(), "args": vars(args),
        "engine_qps": round(engine_qps), "naive_qps": round(naive_qps),
        "service_read_qps": round(gather_qps), "service_full_qps": round(service_qps),
        "http": http}, indent=2))


if __name__ == "__main__":
    main()
