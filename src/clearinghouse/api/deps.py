"""Request dependencies: the transaction (commit or roll back) and who is calling."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Header, Query, Request
from sqlalchemy.orm import Session

from clearinghouse.access.domain import Principal
from clearinghouse.api.auth import optional_principal, require_principal
from clearinghouse.core.db import unit_of_work
from clearinghouse.core.errors import ValidationFailed
from clearinghouse.core.settings import Settings

READ_METHODS = {"GET", "HEAD", "OPTIONS"}


def get_session(request: Request) -> Iterator[Session]:
    """Entrypoints own transactions: commit when the endpoint returns, roll back on any error."""
    state = request.app.state
    factory = state.read_sessions if request.method in READ_METHODS else state.sessions
    with unit_of_work(factory) as session:
        yield session


DB = Annotated[Session, Depends(get_session, scope="function")]

# Who is calling: authenticated once per request in api/auth.py.
Caller = Annotated[Principal, Depends(require_principal)]
MaybeCaller = Annotated[Principal | None, Depends(optional_principal)]
Offset = Annotated[int, Query(ge=0, le=1_000_000, description="Items to skip")]
Limit = Annotated[int, Query(ge=1, le=100, description="Items per page (at most 100)")]


def if_match_version(
    if_match: Annotated[str | None, Header(description=(
        "The ETag you read, e.g. `\"3\"` (or send `version` in the body). A stale version is "
        "refused with 412; where an update needs the version, leaving out both is 428."))] = None,
) -> int | None:
    if if_match is None:
        return None
    text = if_match.strip()
    if text.startswith("W/"):
        text = text[2:]
    text = text.strip('"')
    if not text.isdigit() or len(text) > 9:
        raise ValidationFailed("If-Match must be an ETag such as \"3\"", field="If-Match")
    return int(text)


IfMatch = Annotated[int | None, Depends(if_match_version)]


def settings_of(request: Request) -> Settings:
    return request.app.state.settings  # type: ignore[no-any-return]


def etag(version: int) -> str:
    return f'"{version}"'
