"""Security headers on every page (the JSON API and its explorer keep their own), HSTS on every
answer that went over https, and whether a request did: directly, or through a trusted TLS proxy.

The server runs without uvicorn's proxy headers; `CLEARINGHOUSE_TRUSTED_PROXIES` names the proxies
whose X-Forwarded-Proto (like their X-Forwarded-For) is believed. Anyone else's is ignored, so a
client cannot talk the app into or out of https.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable

from starlette.datastructures import Headers
from starlette.requests import HTTPConnection
from starlette.types import ASGIApp, Message, Receive, Scope, Send

# No inline script or style anywhere: htmx's own indicator style is turned off in the layout.
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; "
       "base-uri 'none'; object-src 'none'")
HEADERS = (
    (b"content-security-policy", CSP.encode()),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"same-origin"),
    (b"x-content-type-options", b"nosniff"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
)
# A year; browsers then never try plain http for this host (only sent over https, as RFC 6797 says).
HSTS = (b"strict-transport-security", b"max-age=31536000")
NOT_PAGES = ("/api/", "/docs", "/redoc", "/openapi.json", "/healthz")
Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def _trusted(peer: str | None, networks: Iterable[Network]) -> bool:
    try:
        address = ipaddress.ip_address(peer or "")
    except ValueError:
        return False
    return any(address in network for network in networks)


def came_over_https(connection: HTTPConnection) -> bool:
    """https to this server, or to a trusted proxy that says so (its own, nearest hop's value)."""
    if connection.scope.get("scheme") in ("https", "wss"):  # not `.url`: built per request
        return True
    auth = getattr(connection.app.state, "auth", None)
    networks = auth.trusted_proxies if auth is not None else ()
    peer = connection.client.host if connection.client else None
    if not networks or not _trusted(peer, networks):
        return False
    said = ",".join(Headers(scope=connection.scope).getlist("x-forwarded-proto"))
    hops = [part.strip().lower() for part in said.split(",") if part.strip()]
    return bool(hops) and hops[-1] == "https"


class SecurityHeaders:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        added = [] if scope["path"].startswith(NOT_PAGES) else list(HEADERS)
        if came_over_https(HTTPConnection(scope)):
            added.append(HSTS)
        if not added:
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), *added]
            await send(message)

        await self.app(scope, receive, with_headers)
