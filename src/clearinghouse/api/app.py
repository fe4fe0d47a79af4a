"""The FastAPI application factory. Engines are made here, per app, never at import time."""

from __future__ import annotations

import importlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi_offline import FastAPIOffline
from pydantic import BaseModel
from sqlalchemy import text

from clearinghouse import __version__
from clearinghouse.api import auth, errors
from clearinghouse.api.limits import BodySizeLimit
from clearinghouse.api.responses import BASE
from clearinghouse.core.db import make_engine, session_factory
from clearinghouse.core.settings import Settings, get_settings

# Each feature contributes one router; order decides the order in the OpenAPI document.
FEATURE_ROUTERS = (
    "clearinghouse.search.endpoints",
    "clearinghouse.registry.endpoints",
    "clearinghouse.registry.import_endpoints",
    "clearinghouse.licensing.endpoints",
    "clearinghouse.ledger.endpoints",
)
UPLOAD_PATHS = ("/api/v1/works/import", "/file")


class Health(BaseModel):
    status: str
    version: str
    database: str


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    url = settings.resolved_database_url
    engine = make_engine(url)
    read_engine = make_engine(url, immediate=False) if url.startswith("sqlite") else engine

    @asynccontextmanager
    async def lifespan(running: FastAPI) -> AsyncIterator[None]:
        yield
        auth.close(running)
        engine.dispose()
        read_engine.dispose()

    # The API explorer's assets are served by the app itself: no CDN at run time.
    app = FastAPIOffline(
        title="Clearinghouse API",
        version=__version__,
        description="One-stop rights clearinghouse for short video and multimedia.",
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.engine = engine
    app.state.sessions = session_factory(engine)
    app.state.read_sessions = session_factory(read_engine)
    errors.install(app)
    auth.install(app, settings)  # before any route: every route checks a key that is sent

    @app.get("/healthz", response_model=Health, tags=["health"], responses=BASE)
    def healthz() -> Health:
        with read_engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        return Health(status="ok", version=__version__, database=engine.dialect.name)

    for module_name in FEATURE_ROUTERS:
        app.include_router(importlib.import_module(module_name).router)

    return _with_limits(app, settings)


def _with_limits(app: FastAPI, settings: Settings) -> FastAPI:
    app.add_middleware(
        BodySizeLimit,
        max_bytes=settings.max_body_bytes,
        upload_max_bytes=settings.max_upload_bytes,
        is_upload=lambda path: path.startswith(UPLOAD_PATHS[0]) or path.endswith(UPLOAD_PATHS[1]),
    )
    return app
