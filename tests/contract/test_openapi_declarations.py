"""What the OpenAPI document promises about keys, throttling and versions, over the whole spec."""

from __future__ import annotations

from typing import Any

import pytest

from clearinghouse.core.settings import Settings

# Updates whose version is optional (operator bookkeeping): a stale one is 412, none is fine.
VERSION_OPTIONAL = {("post", "/api/v1/payments/{payment_id}/mark-paid"),
                    ("post", "/api/v1/payments/{payment_id}/cancel")}


@pytest.fixture(scope="module")
def operations(tmp_path_factory) -> dict[tuple[str, str], dict[str, Any]]:  # noqa: ANN001
    from clearinghouse.api.app import create_app

    data = tmp_path_factory.mktemp("spec")
    app = create_app(Settings(data_dir=data, database_url=f"sqlite:///{data / 'spec.sqlite3'}"))
    paths = app.openapi()["paths"]
    return {(method, path): op for path, ops in paths.items() for method, op in ops.items()}


def test_every_operation_says_whether_it_needs_a_key(operations):
    for key, op in operations.items():
        assert op["security"] in ([], [{"HTTPBearer": []}]), key
    assert sum(op["security"] == [] for op in operations.values()) >= 15


def test_every_operation_documents_bad_keys_and_throttling(operations):
    """A key that is sent is checked on every route, public ones included."""
    for key, op in operations.items():
        assert "401" in op["responses"], key
        throttled = op["responses"].get("429")
        assert throttled is not None, key
        assert "Retry-After" in throttled["headers"], key


def _takes_if_match(op: dict[str, Any]) -> bool:
    return any(p["in"] == "header" and p["name"].lower() == "if-match" for p in op.get("parameters", []))


def test_if_match_operations_document_412_and_428(operations):
    versioned = {key for key, op in operations.items() if _takes_if_match(op)}
    assert len(versioned) >= 15
    for key in versioned:
        responses = operations[key]["responses"]
        assert "412" in responses, key
        assert ("428" in responses) == (key not in VERSION_OPTIONAL), key
    documented_428 = {key for key, op in operations.items() if "428" in op["responses"]}
    assert documented_428 == versioned - VERSION_OPTIONAL
