"""Where identification hands its matches to enforcement (contract 2:
`enforcement.service.act_on_matches`). Enforcement lives on another branch until the merge; until
then every unlicensed match is recorded as "matched" and nothing is claimed. The merge replaces
the body of `act_on_matches` with a call to enforcement's."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy.orm import Session

from clearinghouse.identification.uploads.domain import MatchOutcome, UploadFacts, WorkMatch


def act_on_matches(session: Session, *, upload: UploadFacts, matches: Sequence[WorkMatch],
                   now: datetime) -> list[MatchOutcome]:
    del session, upload, now  # enforcement uses them; this stand-in does not
    return [MatchOutcome(m.work_id, "matched") for m in matches]
