"""Mounts the pages on the app: security headers, static files, the language switch, and the
page routers of every feature (web/features.py)."""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Response
from fastapi.staticfiles import StaticFiles
from starlette.middleware.gzip import GZipMiddleware
from starlette.types import ASGIApp

from clearinghouse.web import features, i18n
from clearinghouse.web.pages import Page, page_router, safe_next
from clearinghouse.web.security import SecurityHeaders
from clearinghouse.web.timing import ServerTiming

STATIC_DIR = Path(__file__).parent / "static"
# htmx comes from npm (package.json; `npm ci` in `make install`), served by the app, never a CDN.
# Without it every page still works: forms post and links navigate.
VENDOR_DIR = Path(__file__).resolve().parents[3] / "node_modules" / "htmx.org" / "dist"
STATIC_CACHE = "public, max-age=3600"

router = page_router()


@router.get("/language/{code}")
def switch_language(page: Page, code: str, next: str | None = None) -> Response:  # noqa: A002
    """Remembers the chosen language in a cookie for a year, then back to the page."""
    response = page.redirect(safe_next(next))
    if code in i18n.LANGUAGES:
        response.set_cookie(i18n.COOKIE, code, max_age=365 * 86400, httponly=True,
                            samesite="lax", secure=page.is_https, path="/")
    return response


class CachedStaticFiles(StaticFiles):
    """Our CSS and htmx, kept by the browser for an hour (then revalidated with the ETag)."""

    def file_response(self, *args: Any, **kwargs: Any) -> Response:
        response = super().file_response(*args, **kwargs)
        response.headers.setdefault("cache-control", STATIC_CACHE)
        return response


def _static(directory: Path, *, check_dir: bool = True) -> ASGIApp:
    # Compressed: htmx shrinks from 51 KB to 16 KB. Pages are not compressed on purpose: a page
    # holding the form token beside echoed input (the search box) would be open to BREACH.
    return GZipMiddleware(CachedStaticFiles(directory=directory, check_dir=check_dir), minimum_size=500)


def install(app: FastAPI) -> None:
    app.mount("/static/vendor", _static(VENDOR_DIR, check_dir=False), name="vendor")
    app.mount("/static", _static(STATIC_DIR), name="static")
    app.include_router(router)
    for module_name in features.PAGE_MODULES:
        app.include_router(importlib.import_module(module_name).router)
    app.add_middleware(SecurityHeaders)
    app.add_middleware(ServerTiming)
