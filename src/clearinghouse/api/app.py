"""The FastAPI application factory. Engines are made here, per app, never at import time."""

from __future__ import annotations

import importlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import anyio.to_thread
from fastapi import Depends, FastAPI
from fastapi_offline import FastAPIOffline
from pydantic import BaseModel

from clearinghouse import __version__
from clearinghouse.api import auth, errors
from clearinghouse.api.admission import AdmissionControl, Limits
from clearinghouse.api.deps import clean_path_params
from clearinghouse.api.limits import BodySizeLimit
from clearinghouse.api.responses import BASE
from clearinghouse.core.db import make_engine, ping, session_factory, unit_of_work
from clearinghouse.core.jobs.runner import JobRunner, Recovery, recover_interrupted
from clearinghouse.core.settings import Settings, get_settings
from clearinghouse.platforms import service as platforms_service
from clearinghouse.registry import import_job, import_recovery
from clearinghouse.search.endpoints import SearchRoute
from clearinghouse.usage import job as usage_job
from clearinghouse.usage.cleaning.rules import CleaningRules
from clearinghouse.web import shell as web_shell
from clearinghouse.wiring import wire

# Each feature (each part of licensing) mounts its own router, from the endpoints module in the
# folder named after it; order decides the order in the OpenAPI document.
FEATURE_ROUTERS = (
    "clearinghouse.search.endpoints",
    "clearinghouse.registry.endpoints",
    "clearinghouse.registry.import_endpoints",
    "clearinghouse.licensing.catalogue.endpoints",
    "clearinghouse.licensing.quotes.endpoints",
    "clearinghouse.licensing.purchases.endpoints",
    "clearinghouse.licensing.licenses.endpoints",
    "clearinghouse.licensing.delivery.endpoints",
    "clearinghouse.licensing.certificates.endpoints",
    "clearinghouse.licensing.payments.endpoints",
    "clearinghouse.ledger.endpoints",
    "clearinghouse.platforms.endpoints",
    "clearinghouse.core.jobs.endpoints",
    "clearinghouse.usage.endpoints",
    "clearinghouse.royalties.endpoints",
    "clearinghouse.royalties.claims.endpoints",
    "clearinghouse.royalties.unlicensed.endpoints",
    "clearinghouse.analytics.deals.endpoints",
    "clearinghouse.analytics.metrics.endpoints",
    "clearinghouse.enforcement.endpoints",
    "clearinghouse.platforms.webhooks.endpoints",
    "clearinghouse.enforcement.notices.endpoints",
    "clearinghouse.identification.references.endpoints",
    "clearinghouse.identification.uploads.endpoints",
)
# Kinds of job that clean up after a crash (e.g. undo an all-or-nothing import's batches).
JOB_RECOVERIES: dict[str, Recovery] = {import_job.KIND: import_recovery.recover,
                                        usage_job.KIND: usage_job.recover}
UPLOAD_PATHS = ("/api/v1/works/import", "/file", "/api/v1/usage/reports", "/references",
                "/api/v1/identify")


class Health(BaseModel):
    status: str
    version: str
    database: str


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    CleaningRules.from_config(settings.usage_cleaning)  # a mistake in the thresholds stops the start
    wire()  # registry writes reach the search index
    url = settings.resolved_database_url
    # More connections than admitted requests, so an admitted request never waits for one.
    db_options: dict[str, Any] = {"pool_size": settings.max_active_requests + settings.max_active_uploads + 4,
                  "pool_timeout": settings.db_pool_timeout_seconds,
                  "busy_timeout_ms": settings.sqlite_busy_timeout_ms,
                  "statement_timeout_ms": settings.statement_timeout_ms}
    engine = make_engine(url, **db_options)
    read_engine = make_engine(url, immediate=False, **db_options) if url.startswith("sqlite") else engine
    sessions, read_sessions = session_factory(engine), session_factory(read_engine)
    jobs = JobRunner(sessions, read_sessions)

    @asynccontextmanager
    async def lifespan(running: FastAPI) -> AsyncIterator[None]:
        # More worker threads than admitted requests: dependencies and the endpoint of one request
        # take turns on threads, and must always find one free.
        limiter = anyio.to_thread.current_default_thread_limiter()
        limiter.total_tokens = max(limiter.total_tokens,
                                   2 * (settings.max_active_requests + settings.max_active_uploads) + 8)
        recover_interrupted(sessions, JOB_RECOVERIES)  # jobs a crash or a stop left unfinished
        with unit_of_work(read_sessions) as session:
            platforms_service.refresh(session)  # the stored platform list, not the seed file's
        yield
        jobs.shutdown()
        auth.close(running)
        engine.dispose()
        read_engine.dispose()

    # The API explorer's assets are served by the app itself: no CDN at run time.
    app = FastAPIOffline(
        title="Clearinghouse API",
        version=__version__,
        description="One-stop rights clearinghouse for short video and multimedia.",
        lifespan=lifespan,
        dependencies=[Depends(clean_path_params)],
    )
    app.state.settings = settings
    app.state.engine = engine
    app.state.sessions = sessions
    app.state.read_sessions = read_sessions
    app.state.jobs = jobs
    errors.install(app)
    auth.install(app, settings)  # before any route: every route checks a key that is sent

    @app.get("/healthz", response_model=Health, tags=["health"], responses=BASE)
    def healthz() -> Health:
        ping(read_engine)
        return Health(status="ok", version=__version__, database=engine.dialect.name)

    for module_name in FEATURE_ROUTERS:
        app.include_router(importlib.import_module(module_name).router)
    app.router.routes.insert(0, SearchRoute())  # most requests are searches: see its docstring
    web_shell.install(app)  # the web pages: outside the OpenAPI document, beside the API

    return _with_limits(app, settings)


def _is_upload(method: str, path: str) -> bool:
    """Only a POST to an upload route sends a file: reading a list or downloading a file at the
    same path is an ordinary request."""
    return method == "POST" and (path.startswith(UPLOAD_PATHS[0]) or path.endswith(UPLOAD_PATHS[1])
                                 or path == UPLOAD_PATHS[2] or path.endswith(UPLOAD_PATHS[3])
                                 or path == UPLOAD_PATHS[4])


def _with_limits(app: FastAPI, settings: Settings) -> FastAPI:
    # Added last is outermost: the size limit wraps admission, which reads bodies before queueing.
    app.add_middleware(
        AdmissionControl,
        limits=Limits(max_active=settings.max_active_requests, max_queued=settings.max_queued_requests,
                      queue_timeout=settings.queue_timeout_seconds,
                      max_active_uploads=settings.max_active_uploads,
                      body_timeout=settings.body_timeout_seconds,
                      max_loop_lag=settings.max_loop_lag_seconds),
        is_upload=_is_upload,
        bypass=lambda path: path == "/healthz",
    )
    app.add_middleware(
        BodySizeLimit,
        max_bytes=settings.max_body_bytes,
        upload_max_bytes=settings.max_upload_bytes,
        is_upload=_is_upload,
    )
    return app
