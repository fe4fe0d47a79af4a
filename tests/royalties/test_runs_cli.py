"""`clearinghouse royalties run|close`, `statements`, `payouts`: a period run, stated, closed and
then refused, from the command line."""

from __future__ import annotations

import json

from clearinghouse.access.domain import Role
from clearinghouse.core.db import make_engine, session_factory
from tests.support.factories import make_actor

PERIOD = "2026-01"


def test_run_statements_close_and_refuse(cli, db_url):
    engine = make_engine(db_url)
    make_actor(session_factory(engine), "清算所 Operator", Role.OPERATOR)
    engine.dispose()

    ran = cli("royalties", "run", PERIOD, "--json")
    assert ran.exit_code == 0, ran.output
    run = json.loads(ran.stdout)
    assert (run["period"], run["status"], run["engine"]) == (PERIOD, "current", "duckdb")

    stated = cli("statements", PERIOD, "--format", "csv")
    assert stated.exit_code == 0, stated.output
    assert stated.stdout.splitlines()[0].startswith("id,period,holder_id,work_id")
    assert cli.json("payouts", PERIOD, "--json") == []

    assert cli("royalties", "close", PERIOD).exit_code == 0
    refused = cli("royalties", "run", PERIOD)
    assert refused.exit_code != 0 and "closed" in refused.output
    assert cli("statements", "2026-13").exit_code != 0  # not a month
