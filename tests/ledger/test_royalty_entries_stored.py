"""Royalty entries stored in the real ledger (SQLite and PostgreSQL) and read back over HTTP:
the worked example's three periods (docs/royalties.md) as each party's balances show them."""

from __future__ import annotations

from dataclasses import replace

from clearinghouse.access.domain import Role
from clearinghouse.core.db import unit_of_work
from clearinghouse.ledger import service as ledger_service
from clearinghouse.ledger.royalty_entries import reverse_all
from clearinghouse.royalties.domain import Carried, PeriodUsage, rate_line
from clearinghouse.royalties.postings import rating_entries
from tests.support.factories import Actor, make_actor
from tests.unit.royalties.test_rating import FEES, NO_RATES, label_line


def _balances(client, actor: Actor) -> dict[tuple[str, str], int]:  # noqa: ANN001
    r = client.get("/api/v1/ledger/balances", headers=actor.headers)
    assert r.status_code == 200, r.text
    return {(b["purpose"], b["balance"]["currency"]): b["balance"]["minor"] for b in r.json()}


def _post_three_periods(sessions, label: Actor, platform: Actor) -> list[tuple[str, object]]:  # noqa: ANN001
    terms = replace(label_line(), holder_id=label.party_id, licensee_id=platform.party_id)
    carried = Carried.start(terms)
    posted = []
    with unit_of_work(sessions) as s:
        for period, plays in (("2026-01", 1_200_000), ("2026-02", 2_000_500), ("2026-03", 1_000_001)):
            rating = rate_line(terms, period, PeriodUsage(plays=plays), carried, NO_RATES, FEES)
            carried = rating.carried
            for entry in rating_entries(rating):
                row = ledger_service.post(s, entry, subject=("royalty_run", period))
                posted.append((row.id, entry))
    return posted


def test_each_party_sees_the_worked_example_in_its_balances(client, sessions):  # noqa: ANN001
    label = make_actor(sessions, "Label", Role.OWNER)
    platform = make_actor(sessions, "抖音", Role.PLATFORM)
    _post_three_periods(sessions, label, platform)
    # The label: 540.23 + 1,259.77 = 1,800.00 CNY earned beyond its advance, all 1,000.00 recouped.
    assert _balances(client, label) == {("earnings", "CNY"): 180_000,
                                        ("advance_recouped", "CNY"): 100_000}
    # The platform owes 630.26 + 1,469.74 = 2,100.00 CNY; its advance paid 1,000.00 of royalties.
    assert _balances(client, platform) == {("payable", "CNY"): 210_000,
                                           ("advance_applied", "CNY"): 100_000}


def test_reversing_a_revoked_licences_royalties_clears_every_stored_balance(client, sessions):  # noqa: ANN001
    label = make_actor(sessions, "Label", Role.OWNER)
    platform = make_actor(sessions, "快手", Role.PLATFORM)
    posted = _post_three_periods(sessions, label, platform)
    with unit_of_work(sessions) as s:
        for reversal in reverse_all(posted, "licence revoked"):  # type: ignore[arg-type]
            ledger_service.post(s, reversal, subject=("license", "lic_1"))
    assert set(_balances(client, label).values()) <= {0}
    assert set(_balances(client, platform).values()) <= {0}
