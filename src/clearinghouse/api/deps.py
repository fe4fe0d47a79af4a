"""Request dependencies: the transaction (commit or roll back) and who is calling."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Annotated, Concatenate, ParamSpec, TypeVar

from fastapi import Depends, Header, Query, Request
from pydantic import StringConstraints
from sqlalchemy.orm import Session, sessionmaker
from starlette.concurrency import run_in_threadpool

from clearinghouse.access.domain import Principal
from clearinghouse.api.auth import optional_principal, require_principal
from clearinghouse.core.db import unit_of_work
from clearinghouse.core.errors import ValidationFailed
from clearinghouse.core.settings import Settings
from clearinghouse.core.text import SingleLine, TextRefused, clean

READ_METHODS = {"GET", "HEAD", "OPTIONS"}


def get_session(request: Request) -> Iterator[Session]:
    """Entrypoints own transactions: commit when the endpoint returns, roll back on any error."""
    state = request.app.state
    factory = state.read_sessions if request.method in READ_METHODS else state.sessions
    with unit_of_work(factory) as session:
        yield session


def get_read_session(request: Request) -> Iterator[Session]:
    """A read-only transaction whatever the method: for the reading part of a write (a quote is
    priced here, then stored in a short write transaction of its own)."""
    with unit_of_work(request.app.state.read_sessions) as session:
        yield session


DB = Annotated[Session, Depends(get_session, scope="function")]
ReadDB = Annotated[Session, Depends(get_read_session, scope="function")]


def write_sessions(request: Request) -> sessionmaker[Session]:
    """For endpoints that read first and write briefly at the end: `with unit_of_work(...)`."""
    return request.app.state.sessions  # type: ignore[no-any-return]


P = ParamSpec("P")
T = TypeVar("T")


async def in_transaction(sessions: sessionmaker[Session],
                         work: Callable[Concatenate[Session, P], T], *args: P.args,
                         **kwargs: P.kwargs) -> T:
    """Run `work(session, ...)` in one transaction (commit on return, roll back on error) and in
    one trip through the thread pool. A `DB` dependency costs three trips (open, endpoint,
    commit), and on a hot route those hand-offs cost more CPU than its queries."""
    def whole() -> T:
        with unit_of_work(sessions) as session:
            return work(session, *args, **kwargs)

    return await run_in_threadpool(whole)


def read_sessions(request: Request) -> sessionmaker[Session]:
    """For reads: on SQLite these never take the write lock."""
    return request.app.state.read_sessions  # type: ignore[no-any-return]


# Who is calling: authenticated once per request in api/auth.py, in a short read transaction of
# its own (a write request must not take the write lock to find out who is calling).
Caller = Annotated[Principal, Depends(require_principal)]
MaybeCaller = Annotated[Principal | None, Depends(optional_principal)]
# An id or code in a query string: the same text rules as in bodies (core/text.py).
RefParam = Annotated[str, StringConstraints(strip_whitespace=True, max_length=200), SingleLine]
Offset = Annotated[int, Query(ge=0, le=1_000_000, description="Items to skip")]
Limit = Annotated[int, Query(ge=1, le=100, description="Items per page (at most 100)")]


async def clean_path_params(request: Request) -> None:
    """Path parameters are ids and codes: refuse control and bidi characters in them as in bodies
    (a NUL would otherwise reach PostgreSQL, which cannot store or compare it). Async: pure work,
    not worth a trip through the thread pool."""
    for name, value in request.path_params.items():
        if isinstance(value, str):
            try:
                clean(value)
            except TextRefused as exc:
                raise ValidationFailed(f"path.{name}: {exc}", field=f"path.{name}") from None


async def if_match_version(
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
