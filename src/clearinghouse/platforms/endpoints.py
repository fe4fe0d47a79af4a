"""Platform endpoints: anyone reads the list; the operator adds platforms, aliases, party links."""

from __future__ import annotations

from fastapi import APIRouter, Response

from clearinghouse.api.auth import OperatorCaller
from clearinghouse.api.deps import DB, IfMatch, MaybeCaller, etag
from clearinghouse.api.responses import PUBLIC, UPDATE, WRITE
from clearinghouse.platforms import service
from clearinghouse.platforms.schemas import (
    PlatformCreate,
    PlatformOut,
    PlatformUpdate,
    platform_out,
)

router = APIRouter(prefix="/api/v1/platforms", tags=["platforms"])


@router.get("", response_model=list[PlatformOut], responses=PUBLIC)
def list_platforms(db: DB, viewer: MaybeCaller) -> list[PlatformOut]:
    """Every platform a use may name, with its names and aliases in Chinese and English. Public:
    a licensee picks a platform before it has a key. Any of these names is accepted wherever a
    channel or a platform identifier is asked for, and stored as the code."""
    return [platform_out(r, viewer) for r in service.list_platforms(db)]


@router.get("/{code}", response_model=PlatformOut, responses=PUBLIC)
def get_platform(db: DB, viewer: MaybeCaller, code: str, response: Response) -> PlatformOut:
    """One platform by its code."""
    row = service.get_platform(db, code)
    response.headers["ETag"] = etag(row.version)
    return platform_out(row, viewer)


@router.post("", response_model=PlatformOut, status_code=201, responses=WRITE)
def create_platform(db: DB, caller: OperatorCaller, body: PlatformCreate) -> PlatformOut:
    """Operator: add a platform (audited)."""
    return platform_out(service.create_platform(db, caller, body), caller)


@router.patch("/{code}", response_model=PlatformOut, responses=UPDATE)
def update_platform(db: DB, caller: OperatorCaller, code: str, body: PlatformUpdate,
                    if_match: IfMatch, response: Response) -> PlatformOut:
    """Operator: change a platform's names, aliases, type or party link (audited); the code
    stays, so quotes and licences that name it keep their meaning."""
    row = service.update_platform(db, caller, code, body, if_match)
    response.headers["ETag"] = etag(row.version)
    return platform_out(row, caller)
