"""What the usage-claims API takes and gives back. Every field is bounded."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, Field, StringConstraints

from clearinghouse.core.schemas import Strict
from clearinghouse.core.text import MultiLine, SingleLine
from clearinghouse.royalties.claims import domain
from clearinghouse.royalties.claims.domain import ClaimStatus, RejectReason
from clearinghouse.royalties.claims.tables import UsageClaim

PeriodText = Annotated[str, StringConstraints(pattern=r"^\d{4}-\d{2}$"),
                       Field(description="The month, YYYY-MM")]
Ref = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=40),
                SingleLine]
Identifier = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1,
                                              max_length=domain.MAX_IDENTIFIER), SingleLine]
Title = Annotated[str, StringConstraints(min_length=1, max_length=domain.MAX_TITLE), SingleLine]
Evidence = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1,
                                            max_length=domain.MAX_EVIDENCE), MultiLine]
EvidenceFile = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1,
                                                max_length=domain.MAX_EVIDENCE_FILE), SingleLine]
Note = Annotated[str, StringConstraints(strip_whitespace=True, max_length=domain.MAX_NOTE),
                 MultiLine]
ClaimableReason = Literal["unknown_identifier", "ambiguous_title"]


class ClaimCreate(Strict):
    period: PeriodText
    reason: ClaimableReason = Field(description="The item's reason, as the unmatched report gives it")
    identifier: Identifier | None = Field(
        default=None, description="As the report gives it, e.g. `isrc:CNA011700001`; none for "
        "an item known by its title only")
    title: Title | None = Field(default=None, description="The title as reported, if any")
    work_id: Ref = Field(description="The work it is: one the claimant holds or manages")
    party_id: Ref | None = Field(default=None, description="The owner claiming; defaults to the "
                                 "caller's party (an agent names the owner it acts for)")
    evidence: Evidence = Field(description="Why this use is of that work")
    evidence_file: EvidenceFile | None = Field(
        default=None, description="Where the evidence can be seen (a link or a file reference)")


class ClaimDecision(Strict):
    decision: Literal["accept", "reject"]
    reason: RejectReason | None = Field(default=None, description="Why it is rejected (required "
                                        "to reject)")
    note: Note | None = None


class ClaimOut(BaseModel):
    id: str
    status: ClaimStatus
    claimant_id: str
    filed_by_id: str
    work_id: str
    period: str
    reason: str
    identifier: str | None
    title: str | None
    alias: str = Field(description="What matching will know the work by once accepted, "
                       "`<scheme>:<value>`")
    evidence: str
    evidence_file: str | None
    created_at: datetime
    decided_at: datetime | None
    decided_by_id: str | None
    decision_reason: str | None
    decision_note: str | None


class DecisionOut(BaseModel):
    claim: ClaimOut
    rejected_claim_ids: list[str] = Field(description="Other claims on the item rejected as "
                                          "claimed_by_another")
    period_closed: bool = Field(description="The item's period is closed: it is not rated again; "
                                "the alias applies to periods run from now on")
    rerun_needed: bool = Field(description="The item's open period must be run again to match "
                               "the item: accepting started that run (`rerun_job_id`)")
    rerun_job_id: str | None = Field(None, description="The run started on acceptance: poll "
                                     "GET /api/v1/jobs/{id}")


class UnmatchedItemOut(BaseModel):
    period: str
    reason: str
    identifier: str | None
    title: str | None
    plays: int
    revenue_minor: int | None = Field(description="The amount reported, in minor units")
    currency: str | None


def claim_out(claim: UsageClaim) -> ClaimOut:
    return ClaimOut(
        id=claim.id, status=ClaimStatus(claim.status), claimant_id=claim.claimant_id,
        filed_by_id=claim.filed_by_id, work_id=claim.work_id, period=claim.period,
        reason=claim.reason, identifier=claim.identifier, title=claim.title,
        alias=f"{claim.alias_scheme}:{claim.alias_value}", evidence=claim.evidence,
        evidence_file=claim.evidence_file, created_at=claim.created_at,
        decided_at=claim.decided_at, decided_by_id=claim.decided_by_id,
        decision_reason=claim.decision_reason, decision_note=claim.decision_note)
