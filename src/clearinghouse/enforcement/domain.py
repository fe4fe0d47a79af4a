"""Content claims, policies and disputes without a framework: what an identified upload is, which
policy applies, which step each side may take from which status, and where escrowed money goes.

    claim:   open --(a licence bought)--> licensed
               |--(owner) withdraw--> withdrawn
               |--(dispute: owner releases, operator decides for the uploader)--> released
               |--(dispute: owner does not answer in time)--> lapsed
               \\--(owner upholds)--> upheld --(operator decides for the uploader)--> released

    dispute: awaiting_owner --(owner) release--> released            (uploader wins)
               |            --(deadline passes)--> lapsed            (uploader wins)
               \\--(owner) uphold--> upheld --(uploader) escalate--> escalated
                                       |                               |--(operator)--> decided_for_uploader
                                       |                               \\--(operator)--> decided_for_owner
                                       \\--(escalation deadline passes)--> accepted   (owner wins)
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Literal

from clearinghouse.core.errors import Conflict
from clearinghouse.core.media_match import MediaMatch

# A match acts only when a non-matching upload would score this high less often than this.
CLAIM_MAX_FALSE_MATCH_RATE = 1e-3
DEFAULT_ANSWER_DAYS = 14
MAX_EVIDENCE_CHARS = 4000


class Policy(StrEnum):
    BLOCK = "block"  # the platform takes the upload down
    TRACK = "track"  # the owner watches; the upload stays up
    WARN = "warn"  # a warning notice goes to the uploader
    OFFER = "offer"  # the claim carries a quote the uploader can buy in one step
    MONETISE = "monetise"  # the upload stays up; its earnings go to the owner


DEFAULT_POLICY = Policy.TRACK  # what applies where the owner set nothing


class ClaimStatus(StrEnum):
    OPEN = "open"
    LICENSED = "licensed"
    RELEASED = "released"
    UPHELD = "upheld"
    WITHDRAWN = "withdrawn"
    LAPSED = "lapsed"


class DisputeReason(StrEnum):
    HOLDS_LICENCE = "holds_licence"
    OWN_WORK = "own_work"
    FAIR_USE = "fair_use"  # 合理使用
    PUBLIC_DOMAIN = "public_domain"
    NOT_A_MATCH = "not_a_match"


class DisputeStatus(StrEnum):
    AWAITING_OWNER = "awaiting_owner"
    UPHELD = "upheld"
    ESCALATED = "escalated"
    RELEASED = "released"
    LAPSED = "lapsed"
    ACCEPTED = "accepted"  # upheld and not escalated in time
    DECIDED_FOR_UPLOADER = "decided_for_uploader"
    DECIDED_FOR_OWNER = "decided_for_owner"
    CLOSED = "closed"  # the claim ended another way (licensed, withdrawn)


class Side(StrEnum):
    OWNER = "owner"
    UPLOADER = "uploader"


# Open disputes hold the upload's earnings in escrow; the rest have a winner (or none: closed).
OPEN_DISPUTES = frozenset({DisputeStatus.AWAITING_OWNER, DisputeStatus.UPHELD,
                           DisputeStatus.ESCALATED})
WINNER: dict[DisputeStatus, Side] = {
    DisputeStatus.RELEASED: Side.UPLOADER, DisputeStatus.LAPSED: Side.UPLOADER,
    DisputeStatus.DECIDED_FOR_UPLOADER: Side.UPLOADER, DisputeStatus.CLOSED: Side.UPLOADER,
    DisputeStatus.ACCEPTED: Side.OWNER, DisputeStatus.DECIDED_FOR_OWNER: Side.OWNER,
}


class Step(StrEnum):
    RELEASE = "release"
    UPHOLD = "uphold"
    ESCALATE = "escalate"
    DECIDE_FOR_UPLOADER = "decide_for_uploader"
    DECIDE_FOR_OWNER = "decide_for_owner"
    LAPSE = "lapse"
    CLOSE = "close"


_DISPUTE_MOVES: dict[Step, tuple[frozenset[DisputeStatus], DisputeStatus]] = {
    Step.RELEASE: (frozenset({DisputeStatus.AWAITING_OWNER}), DisputeStatus.RELEASED),
    Step.UPHOLD: (frozenset({DisputeStatus.AWAITING_OWNER}), DisputeStatus.UPHELD),
    Step.ESCALATE: (frozenset({DisputeStatus.UPHELD}), DisputeStatus.ESCALATED),
    Step.DECIDE_FOR_UPLOADER: (frozenset({DisputeStatus.ESCALATED}),
                               DisputeStatus.DECIDED_FOR_UPLOADER),
    Step.DECIDE_FOR_OWNER: (frozenset({DisputeStatus.ESCALATED}), DisputeStatus.DECIDED_FOR_OWNER),
    Step.CLOSE: (OPEN_DISPUTES, DisputeStatus.CLOSED),
}
# What the claim becomes when its dispute ends this way (None: the claim's status stays).
CLAIM_AFTER: dict[DisputeStatus, ClaimStatus | None] = {
    DisputeStatus.RELEASED: ClaimStatus.RELEASED, DisputeStatus.LAPSED: ClaimStatus.LAPSED,
    DisputeStatus.UPHELD: ClaimStatus.UPHELD, DisputeStatus.ESCALATED: None,
    DisputeStatus.DECIDED_FOR_UPLOADER: ClaimStatus.RELEASED,
    DisputeStatus.DECIDED_FOR_OWNER: ClaimStatus.UPHELD, DisputeStatus.ACCEPTED: None,
    DisputeStatus.CLOSED: None,
}


def next_dispute_status(status: DisputeStatus, step: Step) -> DisputeStatus:
    """The status after `step`, or a Conflict naming the statuses it is allowed from."""
    if step is Step.LAPSE:
        if status is DisputeStatus.AWAITING_OWNER:
            return DisputeStatus.LAPSED
        if status is DisputeStatus.UPHELD:
            return DisputeStatus.ACCEPTED
        raise Conflict(f"a dispute that is {status.value} cannot lapse", field="status")
    allowed, after = _DISPUTE_MOVES[step]
    if status not in allowed:
        raise Conflict(f"a dispute that is {status.value} cannot be {step.value}d",
                       field="status", details={"status": status.value,
                                                "allowed_from": sorted(s.value for s in allowed)})
    return after


def lapse_due(status: DisputeStatus, deadline: datetime, now: datetime) -> bool:
    """Waiting on a side (the owner's answer, the uploader's escalation) past its deadline."""
    return status in (DisputeStatus.AWAITING_OWNER, DisputeStatus.UPHELD) and now >= deadline


def answer_deadline(opened: datetime, days: int) -> datetime:
    return opened + timedelta(days=days)


def check_claim_open_for(status: ClaimStatus, what: str,
                         allowed: Sequence[ClaimStatus] = (ClaimStatus.OPEN,)) -> None:
    if status not in allowed:
        raise Conflict(f"a claim that is {status.value} cannot be {what}", field="status",
                       details={"status": status.value,
                                "allowed_from": sorted(s.value for s in allowed)})


# -- the identified upload (contract 2: refs calls act_on_matches with these) ---------------------


@dataclass(frozen=True)
class LicenceEvidence:
    """A licence the upload itself carries (a C2PA manifest with our licence assertion, already
    verified by identification): it counts when that licence covers this work and use."""

    license_id: str


@dataclass(frozen=True)
class UploadFacts:
    platform_party_id: str | None
    uploader_party_id: str | None
    upload_ref: str  # the platform's content id
    uploaded_on: date
    territory: str  # ISO 3166 alpha-2
    channel: str  # a platform code, e.g. douyin
    duration_s: float
    licence_checked: LicenceEvidence | None = None


@dataclass(frozen=True)
class WorkMatch:
    work_id: str
    reference_id: int | str
    match: MediaMatch


# "matched" is identification's: found, with nobody named to claim against.
OutcomeKind = Literal["licensed", "claimed", "below_threshold", "matched"]


@dataclass(frozen=True)
class MatchOutcome:
    work_id: str
    outcome: OutcomeKind
    licence_id: str | None
    claim_id: str | None
    policy: str | None


def above_threshold(match: MediaMatch, max_false_match_rate: float = CLAIM_MAX_FALSE_MATCH_RATE
                    ) -> bool:
    return match.false_match_rate <= max_false_match_rate


def matched_seconds(match: MediaMatch) -> float:
    """How much of the reference the upload uses (an image: none, 0.0)."""
    return max(0.0, match.reference_end - match.reference_start)


def portion_fits(matched_s: float, portion: dict[str, object] | None) -> bool:
    """Does a licence's portion allow `matched_s` seconds? A portion in seconds bounds it; whole,
    percent and words are not checked against a duration here (a licensed use is never claimed:
    where the bound cannot be read, the licence is taken to cover)."""
    if not portion or portion.get("unit") != "seconds":
        return True
    value = portion.get("value")
    return not isinstance(value, int) or math.floor(matched_s) <= value


# -- policies ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PolicyRule:
    work_id: str | None  # None: the owner-wide default
    territory: str | None  # None: every territory
    policy: Policy


def policy_for(rules: Sequence[PolicyRule], work_id: str, territory: str) -> Policy:
    """The most specific rule: the work in that territory, the work everywhere, the owner's
    default; none set: track."""
    best: tuple[int, Policy] | None = None
    for rule in rules:
        if rule.work_id not in (None, work_id) or rule.territory not in (None, territory):
            continue
        rank = (2 if rule.work_id else 0) + (1 if rule.territory else 0)
        if best is None or rank > best[0]:
            best = (rank, rule.policy)
    return best[1] if best else DEFAULT_POLICY


# -- escrow: where an upload's reported earnings go ----------------------------------------------


def earnings_destination(claim_status: ClaimStatus, dispute_status: DisputeStatus | None
                         ) -> Literal["owner", "escrow", "uploader"]:
    """Money a monetised upload earns: the owner's, held while a dispute is open, the uploader's
    once the uploader has won."""
    if dispute_status is not None and dispute_status in OPEN_DISPUTES:
        return "escrow"
    if claim_status in (ClaimStatus.RELEASED, ClaimStatus.LAPSED, ClaimStatus.WITHDRAWN,
                        ClaimStatus.LICENSED):
        return "uploader"
    return "owner"
