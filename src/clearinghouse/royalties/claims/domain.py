"""Usage claims without a database: what may be claimed, what an accepted claim aliases, and the
moves between states. Pure.

An item of the unmatched report is (period, reason, identifier, title), as the report groups it.
Only an item nobody could name a work for may be claimed (an unknown identifier or an ambiguous
title); an unknown licence or a work without holders is mended elsewhere, not by a claim.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from clearinghouse.core.errors import Conflict, ValidationFailed
from clearinghouse.royalties.contracts import UnmatchedReason
from clearinghouse.royalties.pipeline.titles import title_key

CLAIMABLE = frozenset({UnmatchedReason.UNKNOWN_IDENTIFIER.value,
                       UnmatchedReason.AMBIGUOUS_TITLE.value})
TITLE_SCHEME = "title"  # an alias by title: its value is the title's `title_key`
CODE_SCHEMES = ("isrc", "iswc")  # stored as matching compares them: upper case, no separators
PLATFORM = "platform"
MAX_IDENTIFIER, MAX_TITLE = 300, 500
MAX_EVIDENCE, MAX_EVIDENCE_FILE, MAX_NOTE = 4000, 500, 1000


class ClaimStatus(StrEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"


class RejectReason(StrEnum):
    CLAIMED_BY_ANOTHER = "claimed_by_another"  # another claim on the item was accepted
    INSUFFICIENT_EVIDENCE = "insufficient_evidence"
    NOT_THE_WORK = "not_the_work"  # the evidence shows another work
    OTHER = "other"  # the note says why


@dataclass(frozen=True)
class Item:
    """One group of the unmatched report."""

    period: str
    reason: str
    identifier: str | None
    title: str | None


@dataclass(frozen=True)
class Alias:
    """What matching looks a line up by: (scheme, value) as the registry's identifiers hold
    them (`platform:<channel>` for a platform's content ids), or ("title", title key)."""

    scheme: str
    value: str


def _code(value: str) -> str:
    return value.upper().replace("-", "").replace(".", "").replace(" ", "")


def alias_of(item: Item) -> Alias:
    """The alias accepting a claim on `item` records; refused when the item cannot be claimed."""
    if item.reason not in CLAIMABLE:
        raise ValidationFailed(
            f"an item unmatched for {item.reason!r} cannot be claimed: only an unknown identifier "
            "or an ambiguous title can", field="reason")
    if item.identifier:
        kind, _, rest = item.identifier.partition(":")
        if kind in CODE_SCHEMES and _code(rest):
            return Alias(kind, _code(rest))
        channel, _, content_id = rest.partition(":")
        if kind == PLATFORM and channel and content_id:
            return Alias(f"{PLATFORM}:{channel}", content_id)
        raise ValidationFailed(
            f"identifier {item.identifier!r} cannot be claimed: claim an ISRC, an ISWC, a "
            "platform content id or a title", field="identifier")
    key = title_key(item.title or "")
    if not key:
        raise ValidationFailed("the item has neither an identifier nor a title",
                               field="identifier")
    return Alias(TITLE_SCHEME, key)


def require_pending(status: str, claim_id: str) -> None:
    if status != ClaimStatus.PENDING:
        raise Conflict(f"claim {claim_id} is {status}: only a pending claim can change",
                       field="status")


def require_reason(decision_reason: str | None, note: str | None) -> str:
    """A rejection names a reason; `other` needs the note that explains it."""
    if decision_reason is None:
        raise ValidationFailed("a rejection needs a reason", field="reason")
    if decision_reason == RejectReason.OTHER and not (note or "").strip():
        raise ValidationFailed("reason 'other' needs a note saying why", field="note")
    return decision_reason
