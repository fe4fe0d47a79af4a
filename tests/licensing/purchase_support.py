"""Test support for purchase, certificates and delivery: a small market with hand-priced quotes.

Quotes are written as rows of the `quotes` table in the shape the quote engine writes (the
contract in docs/licensing.md), so amounts can be checked by hand; one test also buys a quote
made by the real quote engine.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from clearinghouse.core.clock import utcnow
from clearinghouse.core.db import unit_of_work
from clearinghouse.core.ids import new_id
from clearinghouse.registry.domain import Role
from tests.support.factories import Actor, make_actor, make_holding, make_work

OPERATOR_TOKEN_NAME = "operator"


@dataclass
class Market:
    operator: Actor
    publisher: Actor  # holds 60% of the synchronisation right
    writer: Actor  # holds the other 40%
    licensee: Actor
    work_id: str
    extra: dict[str, Any] = field(default_factory=dict)


def make_market(sessions: sessionmaker[Session]) -> Market:
    operator = make_actor(sessions, "清算所 Operator", Role.OPERATOR)
    publisher = make_actor(sessions, "星光音乐出版 Starlight Publishing", Role.OWNER)
    writer = make_actor(sessions, "李雷 Li Lei", Role.OWNER)
    licensee = make_actor(sessions, "一条 Yitiao", Role.LICENSEE)
    work_id = make_work(sessions, publisher, title="月光 Moonlight")
    make_holding(sessions, publisher, work_id, share="60")
    make_holding(sessions, writer, work_id, share="40")
    return Market(operator, publisher, writer, licensee, work_id)


def use_of(work_id: str, **changes: Any) -> dict[str, Any]:
    return {
        "work_ids": [work_id],
        "purpose": "commercial",
        "channels": ["douyin", "kuaishou"],
        "uses": 1,
        "portion": {"unit": "seconds", "value": 30},
        "modified": False,
        "territories": ["CN"],
        "territories_excluded": [],
        "start": date.today().isoformat(),
        "term_days": 365,
        "exclusive": False,
    } | changes


def line(
    work_id: str,
    holder: Actor,
    name: str,
    share: str,
    upfront: int,
    owner_fee: int,
    right: str = "synchronisation",
) -> dict[str, Any]:
    return {
        "work_id": work_id,
        "work_title": "月光 Moonlight",
        "right": right,
        "holder_id": holder.party_id,
        "holder_name": name,
        "share": share,
        "offer_id": None,
        "offer_version": None,
        "template_id": None,
        "template_code": "sv-commercial-1y",
        "currency": "CNY",
        "fixed_fee_minor": upfront,
        "advance_minor": None,
        "minimum_guarantee_minor": None,
        "per_1000_plays_minor": None,
        "per_copy_minor": None,
        "revenue_share_pct": None,
        "upfront_minor": upfront,
        "upfront_converted_minor": upfront,
        "owner_fee_minor": owner_fee,
        "holder_net_minor": upfront - owner_fee,
    }


def worked_example_lines(m: Market) -> list[dict[str, Any]]:
    """600.00 + 400.00 CNY for the two shares; 10% owner fee deducted from each."""
    return [
        line(m.work_id, m.publisher, "星光音乐出版 Starlight Publishing", "60", 60_000, 6_000),
        line(m.work_id, m.writer, "李雷 Li Lei", "40", 40_000, 4_000),
    ]


def make_quote(
    sessions: sessionmaker[Session],
    licensee: Actor,
    lines: list[dict[str, Any]],
    *,
    use: dict[str, Any],
    licensee_fee: int | None = None,
    unclearable: list[dict[str, Any]] | None = None,
    expires_in: timedelta = timedelta(days=7),
    status: str = "open",
) -> str:
    """A quote row as the engine writes it; the licensee fee is 5% of the subtotal unless given."""
    from clearinghouse.licensing.tables import Quote

    subtotal = sum(x["upfront_converted_minor"] for x in lines)
    owner_fee = sum(x["owner_fee_minor"] for x in lines)
    fee = subtotal * 5 // 100 if licensee_fee is None else licensee_fee
    totals = {
        "currency": "CNY",
        "subtotal_minor": subtotal,
        "licensee_fee_minor": fee,
        "owner_fee_minor": owner_fee,
        "total_minor": subtotal + fee,
        "rates": [],
        "fees": {"licensee_pct": "5", "owner_pct": "10"},
    }
    quote_id = new_id("quo")
    with unit_of_work(sessions) as s:
        s.add(
            Quote(
                id=quote_id,
                licensee_id=licensee.party_id,
                use=use,
                currency="CNY",
                lines=lines,
                unclearable=unclearable or [],
                totals=totals,
                status=status,
                source="quote",
                expires_at=utcnow() + expires_in,
            )
        )
    return quote_id


def buy(client: Any, actor: Actor, quote_id: str, key: str | None = None, **body: Any) -> Any:
    """Buy with an Idempotency-Key of the quote's id unless told otherwise."""
    return client.post(
        f"/api/v1/quotes/{quote_id}/purchase",
        json=body or None,
        headers=actor.headers | {"Idempotency-Key": key or quote_id},
    )


def pay(
    client: Any, operator: Actor, license_body: dict[str, Any], reference: str = "BANK-0001"
) -> Any:
    payment = license_body["payment"]
    return client.post(
        f"/api/v1/payments/{payment['id']}/mark-paid",
        json={"reference": reference},
        headers=operator.headers,
    )


def bought_and_paid(
    client: Any,
    sessions: sessionmaker[Session],
    m: Market,
    days_ago: int = 0,
    **use_changes: Any,
) -> dict:
    quote_id = make_quote(
        sessions, m.licensee, worked_example_lines(m), use=use_of(m.work_id, **use_changes)
    )
    lic = buy(client, m.licensee, quote_id, key=quote_id)
    assert lic.status_code == 201, lic.text
    assert pay(client, m.operator, lic.json()).status_code == 200
    if days_ago:
        bought_long_ago(sessions, lic.json()["id"], days_ago)
    return client.get(f"/api/v1/licenses/{lic.json()['id']}", headers=m.licensee.headers).json()


def bought_long_ago(sessions: sessionmaker[Session], license_id: str, days: int) -> None:
    """Move a license's period `days` back, as if bought then: a license never starts before
    the day it is bought, so only time (or this) makes one expire."""
    from clearinghouse.licensing.licenses import grants_repository
    from clearinghouse.licensing.licenses.tables import License

    shift = timedelta(days=days)
    with unit_of_work(sessions) as s:
        lic = s.get(License, license_id)
        assert lic is not None
        lic.valid_from -= shift
        lic.valid_to = None if lic.valid_to is None else lic.valid_to - shift
        lic.use = lic.use | {"start": lic.valid_from.isoformat()}
        grants_repository.set_period(s, lic.id, lic.valid_from, lic.valid_to)


def counts(sessions: sessionmaker[Session]) -> dict[str, int]:
    """Rows a purchase writes; a failed purchase must leave every one of them as it was."""
    from clearinghouse.ledger.tables import LedgerEntry, LedgerPosting
    from clearinghouse.licensing.licenses.tables import (
        License,
        LicenseEvent,
        LicenseGrant,
        LicenseLine,
        Payment,
    )

    with sessions() as s:
        return {
            t.__tablename__: s.scalar(select(func.count()).select_from(t)) or 0
            for t in (License, LicenseLine, LicenseGrant, LicenseEvent, Payment, LedgerEntry,
                      LedgerPosting)
        }
