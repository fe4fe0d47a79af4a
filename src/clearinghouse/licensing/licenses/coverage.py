"""Is this use licensed? The question every later feature asks, answered from license_grants.

`covering` answers one question for a caller who may ask it: the licensee about itself, the
holders and managers of the work (or their agents) about anyone, a platform about uses on the
platforms it runs (its uploads), the operator about anything.
`covering_batch` answers many at once for trusted callers inside the process (the usage pipeline,
identification); it does not check access, its callers do. `write_for` stores a new license's
grants at purchase.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlalchemy.orm import Session

from clearinghouse.access.domain import Principal, Role
from clearinghouse.core import platforms
from clearinghouse.core.errors import Forbidden, NotFound, ValidationFailed
from clearinghouse.core.territories import ALL_COUNTRIES
from clearinghouse.licensing.licenses import grants_repository, grants_snapshot
from clearinghouse.licensing.licenses.grants import CoverageQuestion, LineScope, grant_rows
from clearinghouse.licensing.licenses.tables import License
from clearinghouse.licensing.terms import Channel, resolve_channel, short_video_platforms
from clearinghouse.platforms import service as platforms_service
from clearinghouse.registry import repository
from clearinghouse.registry.domain import ALL_RIGHTS
from clearinghouse.registry.management import managers_of


def question(
    work_id: str,
    licensee_id: str,
    channel: str,
    country: str,
    on: date,
    right: str | None = None,
) -> CoverageQuestion:
    """A checked question: one platform, one country, a known right."""
    try:
        platform = resolve_channel(channel.strip())
    except platforms.UnknownPlatform as err:
        raise ValidationFailed(str(err), field="channel", details=[
            {"field": "channel", "message": str(err), "close_matches": err.close_matches}]) from None
    if platform == Channel.ANY_SHORT_VIDEO:
        raise ValidationFailed(
            "ask about one platform (a use happens on one): e.g. "
            + ", ".join(sorted(c.value for c in short_video_platforms())),
            field="channel",
        )
    code = country.strip().upper()
    if code not in ALL_COUNTRIES:
        raise ValidationFailed(
            f"unknown country {country!r}: use an ISO 3166-1 alpha-2 code such as CN or HK "
            "(one country, not a region)",
            field="country",
        )
    if right is not None and right not in ALL_RIGHTS:
        raise ValidationFailed(
            f"unknown right {right!r}; use one of: {', '.join(sorted(ALL_RIGHTS))}", field="right"
        )
    return CoverageQuestion(work_id, licensee_id, platform.value, code, on, right)


def _may_ask(session: Session, principal: Principal, q: CoverageQuestion) -> bool:
    if principal.is_operator or principal.party_id == q.licensee_id:
        return True
    if principal.has(Role.PLATFORM) and q.channel in platforms_service.codes_run_by(
            session, principal.party_id):
        return True  # a platform checks the uploads on its own platform
    work = repository.get_work(session, q.work_id)
    if work is None:
        raise NotFound(f"work {q.work_id} not found", field="work_id")
    rights = [q.right] if q.right else list(ALL_RIGHTS)
    if managers_of(session, work).within(principal, rights):
        return True
    for h in repository.holdings_of_works(session, [q.work_id]):
        if q.right is not None and q.right not in h.rights:
            continue
        if principal.acts_for(h.holder_id, [q.right] if q.right else list(h.rights)):
            return True
    return False


def covering(session: Session, principal: Principal, q: CoverageQuestion) -> list[str]:
    """The active licenses that cover the question (none: the use is not licensed)."""
    if not _may_ask(session, principal, q):
        raise Forbidden(
            "ask about your own licenses, about works you hold or manage, or (a platform) "
            "about uses on your platform",
            field="licensee_id",
        )
    return grants_repository.covering(session, q)


def covering_batch(session: Session, questions: Sequence[CoverageQuestion]) -> list[list[str]]:
    """For each question, in order, the covering license ids; one dict probe each, from an
    in-memory copy of the active grants kept in step with the database (grants_snapshot.py)."""
    return grants_snapshot.covering_batch(session, questions)


def write_for(session: Session, lic: License) -> None:
    """Store what a newly bought license grants (its lines must be flushed)."""
    grants_repository.add(
        session,
        grant_rows(
            license_id=lic.id,
            licensee_id=lic.licensee_id,
            lines=[LineScope(ln.id, ln.work_id, ln.right, ln.countries) for ln in lic.lines],
            channels=lic.use["channels"],
            valid_from=lic.valid_from,
            valid_to=lic.valid_to,
            status=lic.status,
            exclusive=lic.exclusive,
        ),
    )
