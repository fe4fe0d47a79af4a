"""django-music-publisher's royalty calculation against ours, on the same statement.

    PYTHONPATH=src .venv/bin/python -m bench.usage_dmp [--rows 200000] [--works 1000] [--seed 7]

One catalogue registered in both systems: `--works` works, each with one recording (its ISRC)
and two or three controlled writers / holders (50/50, 60/40 or 33.33/33.33/33.34, so some splits
leave odd cents). One statement in the shape of django-music-publisher's own 200,000-row sample
(`Work ID, Title, Library, CD Identifier, Right type, Amount, ISRC`; its work ids, P/M/S, amounts
with cents) of `--rows` rows, 1% of them for works neither system knows. Then:
- django-music-publisher 26 (in process, a throwaway SQLite database, no server): its own
  `RoyaltyCalculation` ("fee" algorithm, work ids from its Work ID column, the right per row,
  0% fee), timed from the CSV to its output CSV;
- ours (a throwaway data directory and SQLite database, the app in process, its modules
  imported beforehand as a running server has them, like django-music-publisher's): the same file
  submitted as a society statement (`POST /api/v1/usage/reports?format=society`, EUR, HR) and
  landed, the period run (match on DuckDB, split, post to the ledger, statement lines), timed
  from the upload to the statement lines read back. We match on the ISRC (the Work ID column
  holds django-music-publisher's ids, which we do not know).
Prints rows/s of each, the ratio, and whether each pays out exactly what came in: the sum of what
the holders get, each payment in whole cents, against the sum of the matched rows' amounts.
"""

from __future__ import annotations

import argparse
import csv
import importlib
import io
import os
import random
import tempfile
import time
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal
from pathlib import Path
from typing import Any

PERIOD = "2026-06"
SPLITS = (("50", "50"), ("60", "40"), ("33.33", "33.33", "33.34"))
HEADER = ["Work ID", "Title", "Library", "CD Identifier", "Right type", "Amount", "ISRC"]
CENT = Decimal("0.01")


@dataclass
class Result:
    seconds: float  # wall
    cpu: float  # CPU seconds of this process, all threads (steadier on a shared machine)
    paid: Decimal  # the holders' payments, each in whole cents, summed
    paid_exact: Decimal  # the same before rounding to cents (what the tool writes)


def isrc(work: int) -> str:
    return f"CNA01{work:07d}"


def statement(rows: int, works: int, seed: int) -> tuple[bytes, Decimal]:
    """The statement's bytes and the sum of the amounts of rows for known works."""
    rng = random.Random(seed)
    out = io.StringIO()
    writer = csv.writer(out, quoting=csv.QUOTE_MINIMAL, lineterminator="\n")
    writer.writerow(HEADER)
    known = Decimal(0)
    for _ in range(rows):
        work = rng.randrange(works) if rng.random() > 0.01 else works + rng.randrange(works)
        amount = Decimal(rng.randrange(1, 100_000)) / 100
        if work < works:
            known += amount
        writer.writerow([f"MK{work:06d}", f"Song {work}", "The Cool Music Library", "Internet",
                         rng.choice("PMS"), f"{amount:.2f}", isrc(work)])
    return out.getvalue().encode(), known


# --- django-music-publisher ------------------------------------------------------------------

def dmp_setup(folder: Path, works: int) -> None:
    """Django configured in process on a throwaway SQLite file, migrated, the catalogue added."""
    import django
    from django.conf import settings

    settings.configure(
        INSTALLED_APPS=["django.contrib.contenttypes", "django.contrib.auth", "taggit",
                        "music_publisher"],
        DATABASES={"default": {"ENGINE": "django.db.backends.sqlite3",
                               "NAME": str(folder / "dmp.sqlite3")}},
        TEMPLATES=[{"BACKEND": "django.template.backends.django.DjangoTemplates",
                    "APP_DIRS": True}],
        USE_TZ=True, DEFAULT_AUTO_FIELD="django.db.models.AutoField", SOFTWARE="bench",
        SOFTWARE_VERSION="1", PUBLISHER_CODE="MK", PUBLISHER_NAME="BENCH PUBLISHER",
        PUBLISHER_IPI_NAME="00000000199", PUBLISHER_IPI_BASE=None, PUBLISHER_SOCIETY_PR="52",
        PUBLISHER_SOCIETY_MR="44", PUBLISHER_SOCIETY_SR="44",
        PUBLISHING_AGREEMENT_PUBLISHER_PR=Decimal("0.5"),
        PUBLISHING_AGREEMENT_PUBLISHER_MR=Decimal("1"),
        PUBLISHING_AGREEMENT_PUBLISHER_SR=Decimal("1"),
        OPTION_FILES=False, OPTION_FORCE_CASE=None, OPTION_CWR_WORKS_PER_FILE=1000,
        OPTION_CWR_SYNC_WORK_LIMIT=None)
    django.setup()
    from django.core.management import call_command
    from music_publisher import models as m

    call_command("migrate", verbosity=0)
    writers = m.Writer.objects.bulk_create([
        m.Writer(last_name=name, first_name="Bench", generally_controlled=True, publisher_fee=0)
        for name in ("ALPHA", "BETA", "GAMMA")])
    work_rows = m.Work.objects.bulk_create([m.Work(title=f"SONG {w}", _work_id=f"MK{w:06d}")
                                            for w in range(works)])
    m.Recording.objects.bulk_create([m.Recording(work=work, isrc=isrc(w))
                                     for w, work in enumerate(work_rows)])
    m.WriterInWork.objects.bulk_create([
        m.WriterInWork(work=work, writer=writers[i], controlled=True, capacity="CA",
                       relative_share=Decimal(share))
        for w, work in enumerate(work_rows) for i, share in enumerate(SPLITS[w % len(SPLITS)])])


class _Upload(io.StringIO):
    name = "statement.csv"


def dmp_run(body: bytes, folder: Path) -> Result:
    """Its `RoyaltyCalculation` as its view runs it, without the HTTP form around it."""
    from music_publisher.royalty_calculation import RoyaltyCalculation

    class Form:
        file = io.TextIOWrapper(io.BytesIO(body), encoding="utf-8", newline="")
        cleaned_data = {"in_file": _Upload(), "work_id_column": "0", "work_id_source": "MK",
                        "amount_column": "5", "right_type_column": "4", "algo": "fee",
                        "default_fee": Decimal(0)}

    began, cpu = time.perf_counter(), time.process_time()
    path = RoyaltyCalculation(Form()).out_file_path
    seconds, cpu = time.perf_counter() - began, time.process_time() - cpu
    paid = paid_exact = Decimal(0)
    with open(path, encoding="utf-8", newline="") as output:
        rows = csv.reader(output)
        columns = next(rows)
        net, fee = columns.index("Net amount"), columns.index("Fee amount")
        for row in rows:
            if len(row) <= net:
                continue  # "ERROR: Work not found"
            share = Decimal(row[net]) + Decimal(row[fee])  # one writer's part of one row
            paid_exact += share
            paid += share.quantize(CENT, ROUND_HALF_EVEN)  # paid out in whole cents
    os.remove(path)
    return Result(seconds, cpu, paid, paid_exact)


# --- ours ----------------------------------------------------------------------------------

def ours_setup(folder: Path, works: int) -> tuple[Any, Any, list[str]]:
    """The app in process on a throwaway data directory; the catalogue through the services."""
    from clearinghouse.access.domain import Role
    from clearinghouse.api.app import create_app
    from clearinghouse.core.db import unit_of_work
    from clearinghouse.core.migrate import upgrade
    from clearinghouse.core.settings import Settings
    from clearinghouse.registry import claims_service, holdings_service, parties_service, works_service
    from clearinghouse.registry.domain import HoldingStatus
    from clearinghouse.registry.schemas import (
        ClaimAccept,
        HoldingCreate,
        KeyCreate,
        PartyCreate,
        WorkCreate,
    )

    # What a running server has loaded already, as django-music-publisher's modules are loaded
    # before its timing starts: the landing and the run's modules, DuckDB, Ibis and its compiler.
    for module in ("clearinghouse.usage.job", "clearinghouse.usage.landing_batches",
                   "clearinghouse.royalties.run_job", "clearinghouse.royalties.pipeline.run",
                   "ibis.backends.duckdb", "sqlglot.dialects.duckdb"):
        importlib.import_module(module)
    data_dir = folder / "data"
    data_dir.mkdir()
    app = create_app(Settings(data_dir=data_dir))
    upgrade(app.state.engine)
    sessions = app.state.sessions
    with unit_of_work(sessions) as s:
        operator = parties_service.create_party(s, None, PartyCreate(name="Operator",
                                                                     roles=[Role.OPERATOR]))
        _, token = parties_service.create_key(s, None, KeyCreate(party_id=operator.id))
        holders = [parties_service.create_party(s, None, PartyCreate(name=name, roles=[Role.OWNER]))
                   for name in ("Alpha", "Beta", "Gamma")]
        holder_ids = [h.id for h in holders]
    with unit_of_work(sessions) as s:
        principals = [parties_service.principal_for(s, parties_service.get_party(s, h), None)
                      for h in holder_ids]
        for w in range(works):
            work = works_service.create_work(s, principals[0], WorkCreate.model_validate({
                "type": "musical_composition", "title": f"Song {w}",
                "identifiers": [{"scheme": "isrc", "value": isrc(w)}]}))
            for i, share in enumerate(SPLITS[w % len(SPLITS)]):
                holding = holdings_service.create_holding(s, principals[i], work.id, HoldingCreate.model_validate({
                    "share": share, "territories": ["WORLD"],
                    "rights": ["perform_public", "mechanical", "synchronisation"],
                    "valid_from": "2020-01-01", "warranty": {"accepted": True}}))
                if holding.status == HoldingStatus.PENDING:  # a co-holder's claim, accepted
                    claims_service.accept_claim(s, principals[0], holding.id, ClaimAccept(),
                                                holding.version)
    return app, {"Authorization": f"Bearer {token}"}, holder_ids


def ours_run(app: Any, headers: dict[str, str], body: bytes) -> Result:
    from fastapi.testclient import TestClient

    from clearinghouse.core.db import unit_of_work
    from clearinghouse.royalties import runs_repository

    with TestClient(app) as client:
        began, cpu = time.perf_counter(), time.process_time()
        posted = client.post("/api/v1/usage/reports", content=body,
                             headers=headers | {"content-type": "text/csv"},
                             params={"format": "society", "period": PERIOD, "currency": "EUR",
                                     "territory": "HR"})
        assert posted.status_code in (200, 202), posted.text
        app.state.jobs.wait_idle()
        report = client.get(f"/api/v1/usage/reports/{posted.json()['id']}", headers=headers).json()
        assert report["status"] == "landed", report
        run = client.post(f"/api/v1/royalties/periods/{PERIOD}/run", headers=headers)
        assert run.status_code == 202, run.text
        app.state.jobs.wait_idle()
        job = client.get(run.headers["Location"], headers=headers).json()
        assert job["status"] == "succeeded", job
        with unit_of_work(app.state.sessions) as s:
            run_row = runs_repository.current_run(s, PERIOD)
            lines = runs_repository.statement_lines(s, run_row.id)
            paid = sum(Decimal(ln.earned_minor) for ln in lines) / 100
        seconds, cpu = time.perf_counter() - began, time.process_time() - cpu
    return Result(seconds, cpu, paid, paid)


def compare(rows: int, works: int, seed: int) -> None:
    """Both on one generated statement; prints the table."""
    os.environ.setdefault("CLEARINGHOUSE_LOG_LEVEL", "warning")
    body, known = statement(rows, works, seed)
    with tempfile.TemporaryDirectory(prefix="bench-dmp-") as tmp:
        folder = Path(tmp)
        began = time.perf_counter()
        dmp_setup(folder, works)
        app, headers, _ = ours_setup(folder, works)
        print(f"\ndjango-music-publisher comparison: catalogue of {works:,} works in both "
              f"({time.perf_counter() - began:.0f} s); statement of {rows:,} rows, "
              f"{len(body) / 2**20:.1f} MiB, {known:,} EUR for known works")
        theirs = dmp_run(body, folder)
        ours = ours_run(app, headers, body)
    print(f"{'':<24}{'wall s':>8}{'CPU s':>8}{'rows/CPU-s':>12}{'paid, in cents':>17}"
          f"{'= in?':>7}{'paid unrounded':>20}")
    for name, r in (("django-music-publisher", theirs), ("clearinghouse", ours)):
        print(f"{name:<24}{r.seconds:>8.1f}{r.cpu:>8.1f}{rows / r.cpu:>12,.0f}{r.paid:>17,}"
              f"{'yes' if r.paid == known else 'no':>7}{r.paid_exact:>20,}")
    print(f"ours / django-music-publisher, rows per CPU-second: {theirs.cpu / ours.cpu:,.2f}x "
          f"(wall: {theirs.seconds / ours.seconds:,.2f}x)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--works", type=int, default=1_000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    compare(args.rows, args.works, args.seed)


if __name__ == "__main__":
    main()
