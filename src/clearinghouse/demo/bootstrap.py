"""The first run: an operator party and its first API key."""

from __future__ import annotations

from sqlalchemy.orm import Session

from clearinghouse.access.domain import Role
from clearinghouse.registry import parties_service as parties
from clearinghouse.registry import repository
from clearinghouse.registry.schemas import KeyCreate, PartyCreate
from clearinghouse.registry.tables import Party

OPERATOR_NAME = "版权结算中心 Clearinghouse Operator"


def find_operator(session: Session) -> Party | None:
    return repository.first_operator_party(session)


def ensure_operator(session: Session, fixed_token: str | None = None) -> dict[str, str | None]:
    """Create the operator once; its key is printed only when it is created."""
    party = find_operator(session)
    if party is not None:
        return {"operator_id": party.id, "operator_key": None,
                "note": "operator exists; issue more keys with `clearinghouse keys create`"}
    party = parties.create_party(
        session, None,
        PartyCreate(name=OPERATOR_NAME, name_en="Clearinghouse Operator", name_zh="版权结算中心",
                    roles=[Role.OPERATOR], email="operator@clearinghouse.example", contact_public=True),
    )
    _, token = parties.create_key(session, None, KeyCreate(party_id=party.id, name="operator"),
                                  fixed_token=fixed_token)
    return {"operator_id": party.id, "operator_key": token, "note": "keep this key: it is shown once"}
