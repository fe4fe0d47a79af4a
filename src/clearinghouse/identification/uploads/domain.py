"""What an upload's licence says and what identification concluded. Pure. (The upload's facts
and matches are enforcement's types: identification hands them over as they are.)"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from clearinghouse.core.media_match import MediaMatch
from clearinghouse.enforcement.domain import MatchOutcome

# What the licence inside the file came to (read before any fingerprinting):
LicenceVerdict = Literal[
    "no_manifest",  # no C2PA manifest, or one without our licence assertion
    "licensed",  # genuine, and the licence covers this use: no claim for its works
    "tampered",  # the file changed after it was signed
    "untrusted",  # signed by someone other than this clearinghouse
    "unknown_licence",  # names a licence we never issued
    "not_covering",  # genuine, but the licence does not cover this use (inactive, place, date…)
]
Outcome = Literal["licensed", "claimed", "below_threshold", "matched"]


@dataclass(frozen=True)
class LicenceEvidence:
    verdict: LicenceVerdict
    licence_id: str | None = None
    licensee_id: str | None = None
    covered_work_ids: tuple[str, ...] = ()
    problems: tuple[str, ...] = ()

    @property
    def licensed(self) -> bool:
        return self.verdict == "licensed"


@dataclass(frozen=True)
class WorkResult:
    """One work found in (or licensed for) the upload: its best match and what came of it."""

    work_id: str
    work_title: str
    outcome: Outcome
    match: MediaMatch | None = None  # None: licensed by the file's manifest, not heard or seen
    licence_id: str | None = None
    claim_id: str | None = None
    policy: str | None = None
    problems: list[str] = field(default_factory=list)


def best_per_work(matches: list[tuple[str, MediaMatch]]) -> dict[str, MediaMatch]:
    """The highest-scoring match of each work (a work may have several references)."""
    best: dict[str, MediaMatch] = {}
    for work_id, match in matches:
        held = best.get(work_id)
        if held is None or match.score > held.score:
            best[work_id] = match
    return best


def licensed_outcomes(evidence: LicenceEvidence | None,
                      work_ids: list[str]) -> dict[str, MatchOutcome]:
    """The works the file's own licence covers: licensed, whatever the fingerprints say."""
    if evidence is None or not evidence.licensed:
        return {}
    return {w: MatchOutcome(w, "licensed", evidence.licence_id, None, None)
            for w in work_ids if w in evidence.covered_work_ids}
