"""Property-based contract test: schemathesis over our own OpenAPI finds no 5xx, no undocumented
status code, no response outside its schema, and every error in the one error shape."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from clearinghouse.core.db import make_engine, session_factory, unit_of_work
from clearinghouse.core.settings import Settings
from clearinghouse.registry.domain import Role
from tests.support.factories import make_actor, make_holding, make_work


@pytest.fixture(scope="module")
def contract_env(tmp_path_factory, sqlite_template):
    import shutil

    from clearinghouse.api.app import create_app

    data = tmp_path_factory.mktemp("contract")
    db = data / "clearinghouse.sqlite3"
    shutil.copyfile(sqlite_template, db)
    url = f"sqlite:///{db}"
    engine = make_engine(url)
    sessions = session_factory(engine)
    operator = make_actor(sessions, "Operator", Role.OPERATOR)
    owner = make_actor(sessions, "Owner", Role.OWNER, Role.LICENSEE)
    work = make_work(sessions, owner)
    make_holding(sessions, owner, work)
    app = create_app(Settings(data_dir=data, database_url=url, max_body_bytes=65_536))
    yield app, {"operator": operator, "owner": owner}
    engine.dispose()


@pytest.fixture(scope="module")
def api_schema(contract_env):
    return schemathesis.openapi.from_asgi("/openapi.json", contract_env[0])


schema = schemathesis.pytest.from_fixture("api_schema")


def one_error_shape(ctx, response, case):  # noqa: ANN001, ANN201
    if response.status_code >= 400:
        body = response.json()
        assert set(body) == {"error"}, body
        assert isinstance(body["error"].get("code"), str) and isinstance(body["error"].get("message"), str)


CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_schema_conformance, one_error_shape]


@schema.parametrize()
@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.data_too_large])
def test_api_keeps_its_contract_as_operator(case, contract_env):
    actor = contract_env[1]["operator"]
    case.call_and_validate(headers=actor.headers, checks=CHECKS)


@schema.parametrize()
@settings(max_examples=10, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.data_too_large])
def test_api_keeps_its_contract_anonymously(case, contract_env):
    case.call_and_validate(checks=CHECKS)
