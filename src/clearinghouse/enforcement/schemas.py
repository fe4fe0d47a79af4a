"""Pydantic models of claims, disputes, policies and reported earnings."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field, StringConstraints

from clearinghouse.core.schemas import Strict
from clearinghouse.core.text import MultiLine
from clearinghouse.enforcement.domain import MAX_EVIDENCE_CHARS, DisputeReason, Policy
from clearinghouse.enforcement.tables import ClaimDispute, ClaimEvent, ContentClaim, EnforcementPolicy
from clearinghouse.licensing.schema_types import Currency, Id

Note = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000),
                 MultiLine]
Evidence = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1,
                                            max_length=MAX_EVIDENCE_CHARS), MultiLine]
Amount = Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^\d{1,13}(\.\d{1,4})?$"),
                   Field(description="Major units as a decimal string, e.g. \"12.50\"; never a float")]
Territory = Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^[A-Za-z]{2}$")]


class PolicyIn(Strict):
    work_id: Id | None = Field(None, description="The work; null: your default for your works")
    territory: Territory | None = Field(None, description="ISO 3166 alpha-2; null: everywhere")
    policy: Policy


class PolicyOut(BaseModel):
    id: str
    owner_id: str
    work_id: str | None
    territory: str | None
    policy: str = Field(description="block | track | warn | offer | monetise")
    set_by: str
    updated_at: datetime


class DisputeIn(Strict):
    reason: DisputeReason = Field(description="holds_licence | own_work | fair_use (合理使用) | "
                                              "public_domain | not_a_match")
    evidence: Evidence


class AnswerIn(Strict):
    decision: Literal["uphold", "release"]
    note: Note | None = Field(None, description="Why (required to uphold)")


class EscalateIn(Strict):
    note: Note | None = None


class DecideIn(Strict):
    winner: Literal["uploader", "owner"]
    note: Note


class WithdrawIn(Strict):
    note: Note | None = None


class EarningsIn(Strict):
    amount: Amount
    currency: Currency
    note: Note | None = None


class EarningsOut(BaseModel):
    claim_id: str
    destination: str = Field(description="owner (its earnings) | escrow (held: a dispute is open)")


class ClaimOut(BaseModel):
    id: str
    work_id: str
    owner_id: str
    reference_id: str
    platform_id: str | None
    uploader_id: str | None
    upload_ref: str
    uploaded_on: date
    territory: str
    channel: str
    duration_s: float
    media_kind: str
    matched: dict[str, Any] = Field(description="query_start/end, reference_start/end (seconds), "
                                                "seconds, speed, mirrored")
    score: float
    false_match_rate: float
    policy: str = Field(description="block | track | warn | offer | monetise")
    status: str = Field(description="open | licensed | released | upheld | withdrawn | lapsed")
    quote_id: str | None = Field(description="The licence offered (policy offer)")
    license_id: str | None
    created_at: datetime
    updated_at: datetime


class DisputeOut(BaseModel):
    id: str
    claim_id: str
    reason: str
    evidence: str
    status: str = Field(description="awaiting_owner | upheld | escalated | released | lapsed | "
                                    "accepted | decided_for_uploader | decided_for_owner | closed")
    opened_by: str
    deadline: datetime = Field(description="When the side waited on (owner; uploader once "
                                           "upheld) runs out of time")
    owner_note: str | None
    decision_note: str | None
    escrow_released: bool
    created_at: datetime
    updated_at: datetime


class EventOut(BaseModel):
    at: datetime
    actor_id: str | None
    side: str = Field(description="owner | uploader | platform | operator | system")
    event: str
    note: str | None
    amount_minor: int | None
    currency: str | None


class ClaimDetail(BaseModel):
    claim: ClaimOut
    dispute: DisputeOut | None
    history: list[EventOut]
    escrow_held: dict[str, int] = Field(description="Minor units held per currency")


def claim_out(c: ContentClaim) -> ClaimOut:
    return ClaimOut.model_validate(c, from_attributes=True)


def dispute_out(d: ClaimDispute) -> DisputeOut:
    return DisputeOut.model_validate(d, from_attributes=True)


def event_out(e: ClaimEvent) -> EventOut:
    return EventOut.model_validate(e, from_attributes=True)


def policy_out(p: EnforcementPolicy) -> PolicyOut:
    return PolicyOut.model_validate(p, from_attributes=True)
