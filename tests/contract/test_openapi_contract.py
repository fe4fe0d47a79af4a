"""Property-based contract test: schemathesis over our own OpenAPI finds no 5xx, no undocumented
status code, no response outside its schema, and every error in the one error shape."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from clearinghouse.access.domain import Role
from clearinghouse.core.db import make_engine, session_factory
from clearinghouse.core.settings import Settings
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


def one_error_shape(ctx, response, case):  # noqa: ANN001, ANN201
    """Every error, whatever produced it, uses {"error": {"code", "message", "details"}}."""
    if response.status_code >= 400:
        body = response.json()
        assert set(body) == {"error"}, body
        assert isinstance(body["error"].get("code"), str) and isinstance(body["error"].get("message"), str)


CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_schema_conformance, one_error_shape]
MODES = [GenerationMode.POSITIVE, GenerationMode.NEGATIVE]


def _operations(schema):
    for result in schema.get_all_operations():
        yield result.ok()


def _exercise(operation, mode, headers, examples):
    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(max_examples=examples, deadline=None, database=None, derandomize=True,
              suppress_health_check=list(HealthCheck))
    def run(case):
        case.call_and_validate(headers=headers, checks=CHECKS)

    run()


@pytest.mark.parametrize("who", ["operator", "owner", "anonymous"])
def test_api_keeps_its_contract(api_schema, contract_env, who):
    """Generated valid and invalid requests against every operation, as each kind of caller."""
    headers = {} if who == "anonymous" else contract_env[1][who].headers
    failures = []
    count = 0
    for operation in _operations(api_schema):
        for mode in MODES:
            try:
                _exercise(operation, mode, headers, examples=12)
            except Unsatisfiable:
                continue  # nothing invalid can be generated for an operation without inputs
            except (Exception, ExceptionGroup) as exc:  # collect all, report together
                failures.append(f"{operation.label} [{mode.value}]: {str(exc)[:800]}")
        count += 1
    assert count >= 15
    assert not failures, "\n\n".join(failures)
