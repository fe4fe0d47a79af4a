"""docs/royalties-worked-example.md, run: its commands through the real CLI on its files, and
every table of the page checked against what they print."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from clearinghouse.core.db import make_engine, session_factory
from clearinghouse.demo.usage_month import REPORTS, report_csv
from clearinghouse.registry.tables import Party
from clearinghouse.royalties import runs_repository
from clearinghouse.royalties.splits import split
from tests.royalties.worked_example_doc import PLATFORMS, ROOT, commands, minor, table

SQLITE_ONLY = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
STATEMENT_AMOUNTS = {"Plays": "plays", "Earned": "earned_minor", "Recouped": "recouped_minor",
                     "Payable": "payable_minor", "MG true-up": "true_up_minor", "Due": "due_minor",
                     "Licensee fee": "licensee_fee_minor", "Owner fee": "owner_fee_minor",
                     "Holder net": "holder_net_minor"}


def test_the_example_files_are_the_reports_the_demo_sends():
    for report in REPORTS:
        assert (ROOT / "docs" / "examples" / report.file_name).read_bytes() == report_csv(report)


def _party_ids(db_url: str, names: set[str]) -> dict[str, str]:
    engine = make_engine(db_url)
    try:
        with session_factory(engine)() as s:
            found = dict(s.execute(select(Party.name, Party.id).where(Party.name.in_(names))).all())
    finally:
        engine.dispose()
    assert set(found) == names
    return found


class Page:
    """The page's commands, run in order through the CLI, as far as asked."""

    def __init__(self, cli: Any, monkeypatch: pytest.MonkeyPatch) -> None:
        self.cli, self.page, self.ids, self.done = cli, commands(), {}, 0
        for name, value in self.page.env.items():
            if name != "CLEARINGHOUSE_DATA_DIR":  # the fixture's own data directory instead
                monkeypatch.setenv(name, value)
        monkeypatch.chdir(ROOT)  # the page runs from the repository root (docs/examples/…)

    def run_until(self, *stop: str) -> None:
        """Run the commands up to (not including) the one that is `stop`, or all of them."""
        for argv, target in self.page.runs[self.done:]:
            if tuple(argv) == stop:
                return
            self.done += 1
            argv = [self.ids.get(a.removeprefix("$"), a) if a.startswith("$") else a for a in argv]
            result = self.cli(*argv)
            assert result.exit_code == 0, (argv, result.output)
            if target is not None and argv[0] == "demo":
                keys = json.loads(result.stdout)["keys"]
                for var, suffix in self.page.lookups.items():
                    self.ids[var] = next(k["party_id"] for k in keys if k["api_key"].endswith(suffix))
        assert not stop, f"the page no longer runs {stop}"


def _run_counts(db_url: str, period: str) -> dict[str, int]:
    engine = make_engine(db_url)
    try:
        with session_factory(engine)() as s:
            run = runs_repository.current_run(s, period)
            assert run is not None
            return dict(run.counts)
    finally:
        engine.dispose()


@SQLITE_ONLY
def test_the_pages_commands_print_the_pages_figures(cli, db_url, monkeypatch):  # noqa: ANN001
    period = "2026-06"
    page = Page(cli, monkeypatch)
    page.run_until("payouts", period, "--post")
    ids = page.ids

    reporters = {"douyin": ids["DOUYIN"], "kuaishou": ids["KUAISHOU"]}
    for row in table("reports"):
        platform = row["File"].split("-")[0]
        [report] = cli.json("usage", "status", "--as", reporters[platform])
        assert report["status"] == "landed"
        assert (report["lines_read"], report["lines_accepted"], report["lines_rejected"]) == (
            minor(row["Lines"]), minor(row["Accepted"]), minor(row["Rejected"]))
        detail = cli.json("usage", "status", report["id"], "--as", reporters[platform])
        assert detail["totals"]["plays"] == minor(row["Plays"])

    counts = _run_counts(db_url, period)
    [outcomes] = table("outcomes")
    assert {k: counts[k] for k in ("lines", "matched_rows", "unlicensed", "unmatched",
                                           "statement_lines")} == {
        "lines": minor(outcomes["Lines"]), "matched_rows": minor(outcomes["Matched rows"]),
        "unlicensed": minor(outcomes["Unlicensed"]), "unmatched": minor(outcomes["Unmatched"]),
        "statement_lines": minor(outcomes["Statement lines"])}

    rows = table("statements")
    holders = _party_ids(db_url, {r["Holder"] for r in rows})
    stated = json.loads(cli("statements", period, "--format", "json").stdout)
    by_key = {(ln["channels"][0], ln["holder_id"]): ln for ln in stated}
    assert len(by_key) == len(stated) == len(rows)
    for row in rows:
        line = by_key[PLATFORMS[row["Platform"]], holders[row["Holder"]]]
        assert {field: line[field] for field in STATEMENT_AMOUNTS.values()} == {
            field: minor(row[header]) for header, field in STATEMENT_AMOUNTS.items()}, row
        assert line["territories"] == ["CN"] and line["currency"] == "CNY"

    payouts = {p["party_id"]: p for p in cli.json("payouts", period)}
    for row in table("payouts"):
        paid = payouts[holders[row["Holder"]]]
        assert (paid["amount_minor"], paid["paid"]) == (minor(row["Earnings"]),
                                                        row["Paid"] == "yes"), row
    page.run_until()  # posts them: what was paid is gone, what was under the threshold carries
    carried = {holders[r["Holder"]]: minor(r["Earnings"]) for r in table("payouts") if r["Paid"] != "yes"}
    assert {p["party_id"]: p["amount_minor"] for p in cli.json("payouts", period)} == carried

    split_rows = table("split")
    whole = sum(minor(r["Part"]) for r in split_rows)
    shares = [(holders[r["Holder"]], int(r["Share"].rstrip("%")) * 10_000) for r in split_rows]
    parts = {p.party_id: p.amount_minor for p in split(whole, shares).parts}
    assert parts == {holders[r["Holder"]]: minor(r["Part"]) for r in split_rows}


def test_the_page_is_linked_from_the_readme_and_the_royalties_page():
    for page in (ROOT / "README.md", ROOT / "docs" / "royalties.md"):
        assert "royalties-worked-example.md" in Path(page).read_text("utf-8"), page
