"""Factories: parties with keys, works and holdings, made through the real services."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from clearinghouse.access.domain import Role
from clearinghouse.core.db import unit_of_work
from clearinghouse.registry import claims_service, holdings_service, parties_service, works_service
from clearinghouse.registry.domain import HoldingStatus
from clearinghouse.registry.schemas import (
    ClaimAccept,
    HoldingCreate,
    KeyCreate,
    PartyCreate,
    WorkCreate,
)


@dataclass
class Actor:
    party_id: str
    token: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


def make_actor(sessions: sessionmaker[Session], name: str, *roles: Role) -> Actor:
    with unit_of_work(sessions) as s:
        party = parties_service.create_party(s, None, PartyCreate(name=name, roles=list(roles)))
        _, token = parties_service.create_key(s, None, KeyCreate(party_id=party.id))
        return Actor(party.id, token)


def principal(s: Session, actor: Actor):  # noqa: ANN201
    return parties_service.principal_for(s, parties_service.get_party(s, actor.party_id), None)


def make_work(sessions: sessionmaker[Session], owner: Actor, **fields: Any) -> str:
    payload: dict[str, Any] = {"type": "musical_composition", "title": "测试作品 Test Work"} | fields
    with unit_of_work(sessions) as s:
        return works_service.create_work(s, principal(s, owner), WorkCreate.model_validate(payload)).id


def make_holding(sessions: sessionmaker[Session], owner: Actor, work_id: str, *, accept: bool = True,
                 **fields: Any) -> str:
    """A holding registered by `owner`; on a work it does not manage that is a claim, which the
    work's registrant then accepts (as co-holders do) unless `accept=False` leaves it pending."""
    payload: dict[str, Any] = {
        "rights": ["synchronisation"], "share": "100", "territories": ["WORLD"],
        "valid_from": date(2020, 1, 1).isoformat(), "warranty": {"accepted": True},
    } | fields
    with unit_of_work(sessions) as s:
        holding = holdings_service.create_holding(
            s, principal(s, owner), work_id, HoldingCreate.model_validate(payload)
        )
        if accept and holding.status == HoldingStatus.PENDING:
            registrant = works_service.get_work(s, work_id).registrant_id
            decider = parties_service.principal_for(s, parties_service.get_party(s, registrant))
            claims_service.accept_claim(s, decider, holding.id, ClaimAccept(), holding.version)
        return holding.id
