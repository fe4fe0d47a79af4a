"""Mounts the pages on the app: security headers, static files, the language switch, and the
page routers of every feature (web/features.py)."""

from __future__ import annotations

import importlib
from pathlib import Path

from fastapi import FastAPI, Response
from fastapi.staticfiles import StaticFiles

from clearinghouse.web import features, i18n
from clearinghouse.web.pages import Page, page_router, safe_next
from clearinghouse.web.security import SecurityHeaders

STATIC_DIR = Path(__file__).parent / "static"
# htmx comes from npm (package.json; `npm ci` in `make install`), served by the app, never a CDN.
# Without it every page still works: forms post and links navigate.
VENDOR_DIR = Path(__file__).resolve().parents[3] / "node_modules" / "htmx.org" / "dist"

router = page_router()


@router.get("/language/{code}")
def switch_language(page: Page, code: str, next: str | None = None) -> Response:  # noqa: A002
    """Remembers the chosen language in a cookie for a year, then back to the page."""
    response = page.redirect(safe_next(next))
    if code in i18n.LANGUAGES:
        response.set_cookie(i18n.COOKIE, code, max_age=365 * 86400, httponly=True,
                            samesite="lax", secure=page.is_https, path="/")
    return response


def install(app: FastAPI) -> None:
    app.mount("/static/vendor", StaticFiles(directory=VENDOR_DIR, check_dir=False), name="vendor")
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    app.include_router(router)
    for module_name in features.PAGE_MODULES:
        app.include_router(importlib.import_module(module_name).router)
    app.add_middleware(SecurityHeaders)
