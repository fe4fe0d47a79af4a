"""The platform's console: is an upload's use licensed (a work, its uploader, a day on the
platform), and which licences cover uses on the platform, held by its creators.

A platform party sees only its own platforms: those the operator linked to it (the platform
list's `party_id`). The answer is the coverage service's (coverage.py), which lets a platform ask
about uses on its platforms; nothing is decided here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from clearinghouse.access.domain import Principal, Role
from clearinghouse.core.errors import Forbidden, NotFound, ValidationFailed
from clearinghouse.core.identifiers import PLATFORM_PREFIX, InvalidIdentifier, normalize_identifier
from clearinghouse.licensing.licenses import coverage, repository
from clearinghouse.licensing.licenses.tables import License
from clearinghouse.platforms import service as platforms_service
from clearinghouse.registry import repository as registry
from clearinghouse.registry.tables import Party, Work


@dataclass(frozen=True)
class UploadCheck:
    work: Work
    uploader: Party
    channel: str
    country: str
    on: date
    license_ids: list[str]

    @property
    def licensed(self) -> bool:
        return bool(self.license_ids)


def platforms_of(principal: Principal, session: Session) -> list[str]:
    """The codes of the platforms the caller runs; a caller without the platform role is refused."""
    if not principal.has(Role.PLATFORM):
        raise Forbidden("only a platform uses the platform console")
    return platforms_service.codes_run_by(session, principal.party_id)


def _own(principal: Principal, session: Session, channel: str) -> str:
    codes = platforms_of(principal, session)
    if channel not in codes:
        raise Forbidden("ask about uses on your own platform", field="channel",
                        details={"your_platforms": codes})
    return channel


def find_work(session: Session, reference: str) -> Work:
    """A work by its id, or by an identifier `scheme:value` (ISRC, ISWC, `platform:douyin:…`)."""
    text = reference.strip()
    if not text:
        raise ValidationFailed("give the work's id or an identifier such as isrc:CNA001700001",
                               field="work")
    if ":" in text:
        if text.lower().startswith(PLATFORM_PREFIX):
            scheme, _, rest = text.partition(":")
            name, _, value = rest.partition(":")
            scheme = f"{scheme}:{name}"
        else:
            scheme, _, value = text.partition(":")
        try:
            work_id = registry.identifier_owner(session, *normalize_identifier(scheme, value))
        except InvalidIdentifier as exc:
            raise ValidationFailed(str(exc), field="work") from exc
    else:
        work_id = text
    work = registry.get_work(session, work_id) if work_id else None
    if work is None:
        raise NotFound(f"no work {text!r} is registered", field="work")
    return work


def check_upload(session: Session, principal: Principal, *, work: str, uploader_id: str,
                 channel: str, country: str, on: date) -> UploadCheck:
    """Is this use (the work, in an upload by this creator, on our platform, that day) licensed?"""
    code = _own(principal, session, channel)
    found = find_work(session, work)
    uploader = registry.get_party(session, uploader_id.strip())
    if uploader is None:
        raise NotFound(f"no party {uploader_id.strip()!r}: give the creator's clearinghouse id",
                       field="uploader")
    q = coverage.question(found.id, uploader.id, code, country, on)
    return UploadCheck(found, uploader, q.channel, q.country, q.on,
                       coverage.covering(session, principal, q))


def licences_on(session: Session, principal: Principal, channel: str, *, offset: int,
                limit: int) -> tuple[Sequence[License], int]:
    """The licences that grant uses on the caller's platform, newest first."""
    return repository.licenses_on_channel(session, _own(principal, session, channel),
                                          offset=offset, limit=limit)
