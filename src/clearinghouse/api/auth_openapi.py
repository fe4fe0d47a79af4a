"""The OpenAPI says which operations are public: those that need no key carry `security: []`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import FastAPI

METHODS = {"get", "put", "post", "delete", "options", "head", "patch", "trace"}


def mark_public_operations(schema: dict[str, Any]) -> dict[str, Any]:
    """FastAPI writes `security` only where a route needs the bearer key; say so for the rest."""
    for operations in schema.get("paths", {}).values():
        for method, operation in operations.items():
            if method in METHODS:
                operation.setdefault("security", [])
    return schema


def install(app: FastAPI) -> None:
    generate: Callable[[], dict[str, Any]] = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = mark_public_operations(generate())
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
