"""A rated period for the earnings, statement and payout tests: the scene of scene.py, its
publisher's line at 50.00 CNY per 1,000 plays against a 1,000.00 CNY advance, its writer's at
33.33 CNY per 1,000 plays; 15,001 plays of June reported through the usage API and run.
By hand (test_runs.py): the writer is paid 449.98 CNY, the publisher 0 (all recouped)."""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from clearinghouse.accounts import service as accounts_service
from clearinghouse.core.db import unit_of_work
from clearinghouse.licensing.licenses import grants_repository
from clearinghouse.licensing.licenses.tables import License, LicenseLine
from clearinghouse.royalties import runs_repository, runs_service
from clearinghouse.royalties.tables import StatementLine
from clearinghouse.usage.lake import Lake
from tests.royalties.scene import Scene, build
from tests.support.factories import Actor
from tests.usage.support import csv_report, landed, post_report
from tests.web.support import PASSWORD, sign_in

JUNE, JULY = "2026-06", "2026-07"


def rated_june(client: Any, sessions: sessionmaker[Session]) -> Scene:
    scene = build(client, sessions)
    m = scene.market
    with unit_of_work(sessions) as s:
        lic = s.get(License, scene.licence["id"])
        assert lic is not None
        lic.valid_from, lic.valid_to = date(2026, 6, 1), date(2026, 8, 1)
        grants_repository.set_period(s, lic.id, lic.valid_from, lic.valid_to)
        for line in s.scalars(select(LicenseLine).where(LicenseLine.license_id == lic.id)):
            if line.holder_id == m.publisher.party_id:
                line.per_1000_plays_minor, line.advance_minor = 5_000, 100_000
            else:
                line.per_1000_plays_minor = 3_333
    rows = [f"{JUNE}-15,,{scene.licence['id']},CN,douyin,{n},," for n in (10_000, 5_001)]
    report = landed(client, m.licensee, post_report(client, m.licensee, csv_report(*rows),
                                                    period=JUNE))
    assert report["status"] == "landed", report
    with unit_of_work(sessions) as s:
        runs_service.run_period(s, Lake(client.app.state.settings.lake_dir), JUNE)
    return scene


def rated_july(client: Any, sessions: sessionmaker[Session], scene: Scene) -> None:
    """30,003 plays of July run after June: the writer is paid 900.00 CNY (test_runs.py)."""
    m = scene.market
    body = csv_report(f"{JULY}-15,,{scene.licence['id']},CN,douyin,30003,,")
    report = landed(client, m.licensee, post_report(client, m.licensee, body, period=JULY))
    assert report["status"] == "landed", report
    with unit_of_work(sessions) as s:
        runs_service.run_period(s, Lake(client.app.state.settings.lake_dir), JULY)


def line_of(sessions: sessionmaker[Session], holder: Actor) -> str:
    """The id of `holder`'s statement line of June's current run."""
    with unit_of_work(sessions) as s:
        run = runs_repository.current_run(s, JUNE)
        assert run is not None
        return str(s.scalars(select(StatementLine.id).where(
            StatementLine.run_id == run.id, StatementLine.holder_id == holder.party_id)).one())


def browser_of(client: Any, sessions: sessionmaker[Session], actor: Actor, email: str) -> TestClient:
    """Another browser on the same app, signed in as an account of `actor`'s party."""
    with unit_of_work(sessions) as s:
        accounts_service.create_account(s, actor.party_id, email, PASSWORD, email.split("@")[0])
    browser = TestClient(client.app, raise_server_exceptions=False)
    signed = sign_in(browser, email, PASSWORD)
    assert signed.status_code == 303, signed.text[-500:]
    return browser
