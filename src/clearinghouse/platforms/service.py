"""Platform list use cases: read it, resolve names against it, let the operator change it.

The list lives in the `platforms` table; each process keeps it in memory (`core.platforms`) and
`refresh` reloads it when the stored list changed (one small query), so a platform the operator
adds is understood by every process at its next refresh. Services flush, never commit.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy.orm import Session

from clearinghouse.access.domain import Principal, Role
from clearinghouse.core import platforms
from clearinghouse.core.audit import record, snapshot
from clearinghouse.core.errors import Conflict, NotFound, ValidationFailed
from clearinghouse.core.versioning import check_version
from clearinghouse.platforms import repository
from clearinghouse.platforms.schemas import PlatformCreate, PlatformUpdate
from clearinghouse.platforms.tables import PlatformAlias, PlatformRow
from clearinghouse.registry.parties_service import get_party, require_operator


def as_platform(row: PlatformRow) -> platforms.Platform:
    return platforms.Platform(
        code=row.code, name_zh=row.name_zh, name_en=row.name_en,
        aliases=tuple(a.alias for a in row.aliases), short_video=row.short_video,
        platform_type=row.platform_type, party_id=row.party_id,
    )


def refresh(session: Session) -> platforms.PlatformDirectory:
    """The stored list, reloaded into this process only when it changed since the last load."""
    stamp = repository.fingerprint(session)
    directory = platforms.current()
    if directory.fingerprint != stamp:
        directory = platforms.install(
            (as_platform(r) for r in repository.all_platforms(session)), stamp
        )
    return directory


def list_platforms(session: Session) -> Sequence[PlatformRow]:
    refresh(session)
    return repository.all_platforms(session)


def codes_run_by(session: Session, party_id: str) -> list[str]:
    """The codes of the platforms this party runs (a platform party linked by the operator)."""
    return repository.codes_of_party(session, party_id)


def get_platform(session: Session, code: str, *, for_update: bool = False) -> PlatformRow:
    row = repository.get(session, code, for_update=for_update)
    if row is None:
        raise NotFound(f"platform {code} not found", field="code")
    return row


def _audit_view(row: PlatformRow) -> dict[str, Any]:
    return snapshot(row) | {"aliases": [a.alias for a in row.aliases]}


def _check_party(session: Session, party_id: str | None) -> None:
    if party_id is not None and Role.PLATFORM.value not in get_party(session, party_id).roles:
        raise ValidationFailed(f"party {party_id} does not have the platform role",
                               field="party_id")


def _check_fits(session: Session, candidate: platforms.Platform) -> None:
    """The list with `candidate` in it must still give each name to one platform."""
    others = [as_platform(r) for r in repository.all_platforms(session) if r.code != candidate.code]
    try:
        platforms.current().replaced([*others, candidate])
    except ValueError as err:
        raise Conflict(str(err), field="aliases") from err


def _set_aliases(row: PlatformRow, aliases: Sequence[str]) -> None:
    wanted = {platforms.fold(a): a for a in aliases}
    keep = [a for a in row.aliases if a.alias_key in wanted]
    known = {a.alias_key for a in keep}
    row.aliases = keep + [PlatformAlias(alias=text, alias_key=key)
                          for key, text in wanted.items() if key not in known]


def _installed(session: Session) -> None:
    session.flush()
    refresh(session)


def create_platform(session: Session, principal: Principal, data: PlatformCreate) -> PlatformRow:
    require_operator(principal)
    if repository.get(session, data.code) is not None:
        raise Conflict(f"platform {data.code} exists", field="code")
    _check_party(session, data.party_id)
    _check_fits(session, platforms.Platform(
        data.code, data.name_zh, data.name_en, tuple(data.aliases), data.short_video,
        data.platform_type, data.party_id))
    row = PlatformRow(code=data.code, name_zh=data.name_zh, name_en=data.name_en,
                      platform_type=data.platform_type, short_video=data.short_video,
                      party_id=data.party_id)
    _set_aliases(row, data.aliases)
    repository.add(session, row)
    record(session, principal, "platform.create", "platform", row.code, None, _audit_view(row))
    _installed(session)
    return row


def update_platform(session: Session, principal: Principal, code: str, data: PlatformUpdate,
                    version: int | None) -> PlatformRow:
    require_operator(principal)
    row = get_platform(session, code, for_update=True)
    check_version(row.version, data.version if data.version is not None else version)
    changes = data.model_dump(exclude_unset=True, exclude={"version"})
    if "party_id" in changes:
        _check_party(session, changes["party_id"])
    current = as_platform(row)
    merged = {k: v for k, v in changes.items() if k != "aliases"}
    aliases = tuple(changes["aliases"]) if changes.get("aliases") is not None else current.aliases
    _check_fits(session, platforms.Platform(
        code, merged.get("name_zh") or current.name_zh, merged.get("name_en") or current.name_en,
        aliases, merged.get("short_video", current.short_video),
        merged.get("platform_type", current.platform_type), merged.get("party_id", row.party_id)))
    before = _audit_view(row)
    for key, value in merged.items():
        if value is None and key in ("name_zh", "name_en", "short_video"):
            continue  # required fields: null means unchanged
        setattr(row, key, value)
    if changes.get("aliases") is not None:
        _set_aliases(row, changes["aliases"])
    row.touch()
    session.flush()
    record(session, principal, "platform.update", "platform", row.code, before, _audit_view(row))
    _installed(session)
    return row
