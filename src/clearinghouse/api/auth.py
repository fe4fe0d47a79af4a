"""Who is calling: every request's `Authorization` header is checked strictly, before anything else.

A request without the header is anonymous (public routes serve it, the others answer 401). A
header that is present must be `Bearer <a well-formed key>` of a live key, on every route, public
ones included; anything else is 401. Failed attempts are throttled per client address and per key
prefix (429 with Retry-After), tallied for the audit log, and a key's use sets its
`last_used_at`; both are written in batches by api/auth_writer.py, never per request.
"""

from __future__ import annotations

import inspect
import ipaddress
import logging
from collections.abc import Awaitable, Callable
from typing import Annotated

from fastapi import Depends, FastAPI, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.exceptions import RequestValidationError
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.orm import Session, sessionmaker

from clearinghouse.access.domain import Principal, Role, key_prefix, parse_token
from clearinghouse.access.throttle import FailedAuthThrottle, ThrottleLimits
from clearinghouse.api import auth_openapi
from clearinghouse.api.auth_writer import AuthEventWriter
from clearinghouse.core.clock import utcnow
from clearinghouse.core.errors import DomainError, Forbidden, TooManyAttempts, Unauthenticated
from clearinghouse.core.settings import Settings
from clearinghouse.registry.auth_events import AuthEventBuffer
from clearinghouse.registry.parties_service import authenticate
from clearinghouse.registry.works_service import REGISTERING_ROLES

log = logging.getLogger("clearinghouse.auth")
# Declares the bearer scheme in the OpenAPI of the operations that need a key; parsing is ours.
bearer_scheme = HTTPBearer(auto_error=False, description="An API key: `Authorization: Bearer chk_…`")
Network = ipaddress.IPv4Network | ipaddress.IPv6Network


class AuthGuard:
    """Per app: the failed-attempt throttle, the tally and its writer, the trusted proxies."""

    def __init__(self, settings: Settings, sessions: sessionmaker[Session],
                 read_sessions: sessionmaker[Session]) -> None:
        self.throttle = FailedAuthThrottle(ThrottleLimits(
            per_client=settings.auth_failures_per_client,
            per_key_prefix=settings.auth_failures_per_key_prefix,
            window_seconds=settings.auth_failure_window_seconds,
        ))
        self.events = AuthEventBuffer()
        self.writer = AuthEventWriter(self.events, sessions, settings.auth_record_seconds)
        self.read_sessions = read_sessions
        self.trusted_proxies = settings.trusted_proxy_networks

    def client_address(self, request: Request) -> str:
        """The peer; behind a trusted proxy, the nearest X-Forwarded-For hop that is not one."""
        peer = request.client.host if request.client else "unknown"
        if not _within(peer, self.trusted_proxies):
            return peer  # a client's own X-Forwarded-For is never believed
        hops = [h.strip() for line in request.headers.getlist("x-forwarded-for")
                for h in line.split(",") if h.strip()]
        for hop in reversed(hops):
            if not _within(hop, self.trusted_proxies):
                return hop[:64]
        return hops[0][:64] if hops else peer

    def authenticate(self, request: Request) -> Principal | None:
        values = request.headers.getlist("authorization")
        if not values:
            return None
        client = self.client_address(request)
        token = _bearer_token(values)
        parsed = parse_token(token) if token else None
        lookup = parsed[0] if parsed else None
        wait = self.throttle.retry_after(client, lookup)
        if wait:
            self._tally(client, lookup, throttled=True)
            raise TooManyAttempts(f"too many failed API-key attempts; retry in {wait} s",
                                  retry_after=wait)
        if token is None or parsed is None:
            self._failed(client, None)
            raise Unauthenticated("send an API key as `Authorization: Bearer chk_…`; "
                                  "this header is not one")
        try:
            with self.read_sessions() as session:
                principal = authenticate(session, token)
        except Unauthenticated:
            self._failed(client, lookup)
            raise
        if principal.key_id is not None:
            self.events.key_used(principal.key_id, utcnow())
            self.writer.ensure_running()
        return principal

    def _failed(self, client: str, lookup: str | None) -> None:
        limit_reached = self.throttle.record_failure(client, lookup)
        if limit_reached:
            log.warning("failed API-key attempts: limit reached for client %s, key prefix %s",
                        client, key_prefix(lookup) if lookup else "-")
        self._tally(client, lookup, limit_reached=limit_reached)

    def _tally(self, client: str, lookup: str | None, *, throttled: bool = False,
               limit_reached: bool = False) -> None:
        self.events.failure(client, lookup, utcnow(), throttled=throttled, limit_reached=limit_reached)
        self.writer.ensure_running()


def _within(address: str, networks: tuple[Network, ...]) -> bool:
    if not networks:
        return False
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in net for net in networks)


def _bearer_token(values: list[str]) -> str | None:
    """The token of exactly one `Bearer <token>` header (scheme case-insensitive), else None."""
    if len(values) != 1:
        return None
    scheme, _, token = values[0].strip().partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token or any(c.isspace() for c in token):
        return None
    return token


def principal_of(request: Request) -> Principal | None:
    """The caller, authenticated once per request (the app-wide dependency runs it first)."""
    if not hasattr(request.state, "principal"):
        guard: AuthGuard = request.app.state.auth
        request.state.principal = guard.authenticate(request)
    principal: Principal | None = request.state.principal
    return principal


async def check_credentials(request: Request) -> None:
    """App-wide: a bad `Authorization` header is refused on every route, before its inputs.
    Async: most requests send no header and need no database, so they skip the thread pool
    (a sync dependency cost every request a trip through it)."""
    if "authorization" in request.headers:
        await run_in_threadpool(principal_of, request)
    else:
        request.state.principal = None


async def _principal(request: Request) -> Principal | None:
    # Async on purpose: the app-wide check has already looked the key up, and a sync dependency
    # would cost each request another trip through the thread pool (which is what saturates first).
    if hasattr(request.state, "principal"):
        cached: Principal | None = request.state.principal
        return cached
    return await run_in_threadpool(principal_of, request)


async def optional_principal(request: Request) -> Principal | None:
    return await _principal(request)


async def require_principal(
    request: Request,
    _scheme: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer_scheme)],
) -> Principal:
    principal = await _principal(request)
    if principal is None:
        raise Unauthenticated("this endpoint needs an API key: send `Authorization: Bearer <key>`")
    return principal


_ROLE_GATES: set[Callable[[Principal], Awaitable[Principal]]] = set()


def _role_gate(*roles: Role, who: str) -> Callable[[Principal], Awaitable[Principal]]:
    """A dependency, so it answers 403 before the body is validated (a 422 would come first)."""

    async def gate(caller: Annotated[Principal, Depends(require_principal)]) -> Principal:
        if not caller.has(*roles):
            raise Forbidden(f"only {who} may do this")
        return caller

    _ROLE_GATES.add(gate)
    return gate


OperatorCaller = Annotated[Principal, Depends(_role_gate(Role.OPERATOR, who="the operator"))]
RightsManagerCaller = Annotated[Principal, Depends(_role_gate(
    *REGISTERING_ROLES, who="owners, their agents and the operator"))]
LicenseeCaller = Annotated[Principal, Depends(_role_gate(Role.LICENSEE, who="a licensee"))]
QuoteRequesterCaller = Annotated[Principal, Depends(_role_gate(
    Role.LICENSEE, Role.OPERATOR, who="a licensee or the operator"))]


def install(app: FastAPI, settings: Settings) -> None:
    """Call after errors.install and before any route is added (routes added later get the check)."""
    app.state.auth = AuthGuard(settings, app.state.sessions, app.state.read_sessions)
    app.router.dependencies.append(Depends(check_credentials))
    _check_access_before_unreadable_body(app)
    auth_openapi.install(app)


async def _check_access_of(request: Request) -> None:
    """The route's key and role checks, as its dependencies would have run them."""
    await run_in_threadpool(principal_of, request)
    dependant = getattr(request.scope.get("route"), "dependant", None)
    calls = {d.call for d in dependant.dependencies} if dependant else set()
    gates = [call for call in calls if call in _ROLE_GATES]
    if gates or require_principal in calls:
        caller = await require_principal(request, None)
        for gate in gates:
            await gate(caller)


async def _response(answer: Response | Awaitable[Response]) -> Response:
    return await answer if inspect.isawaitable(answer) else answer


def _check_access_before_unreadable_body(app: FastAPI) -> None:
    """FastAPI parses a JSON body before any dependency runs, so a body that is not JSON at all
    would answer 422 before the key and role are looked at: look at them first there too."""
    answer_validation = app.exception_handlers[RequestValidationError]
    answer_domain = app.exception_handlers[DomainError]

    async def access_first(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, RequestValidationError)
        if any(e.get("type") == "json_invalid" for e in exc.errors()):
            try:
                await _check_access_of(request)
            except DomainError as refused:
                return await _response(answer_domain(request, refused))
        return await _response(answer_validation(request, exc))

    app.add_exception_handler(RequestValidationError, access_first)


def close(app: FastAPI) -> None:
    """At shutdown: write what the tally still holds."""
    app.state.auth.writer.close()
