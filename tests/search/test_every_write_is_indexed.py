"""Registry writes reach the search index through the change hook (core/changes.py), whichever
door they come in by: the API and the CLI both wire it, and an unwired write fails loudly."""

from __future__ import annotations

import pytest

from clearinghouse.access.domain import Role
from clearinghouse.core import changes
from clearinghouse.core.db import unit_of_work
from clearinghouse.registry import parties_service, works_service
from clearinghouse.registry.schemas import WorkCreate
from tests.support.factories import make_actor


@pytest.fixture
def unwired(monkeypatch):  # noqa: ANN001, ANN201
    """Forget the test suite's own wiring, so only the entrypoint's call to wire() can index."""
    monkeypatch.setattr(changes, "_listeners", [])


def test_a_work_added_through_the_api_is_found_by_search(unwired, client, sessions):  # noqa: ANN001
    owner = make_actor(sessions, "灯会唱片", Role.OWNER)
    created = client.post("/api/v1/works", headers=owner.headers,
                          json={"type": "short_video", "title": "Lantern Festival Night"})
    assert created.status_code == 201, created.text
    found = client.get("/api/v1/works", params={"q": "Lantern"})
    assert found.status_code == 200
    assert [w["id"] for w in found.json()["items"]] == [created.json()["id"]]


def test_a_work_added_through_the_cli_is_found_by_search(unwired, cli):  # noqa: ANN001
    cli.json("init")
    work = cli.json("works", "add", "--title", "Lantern Festival Night", "--type", "short_video")
    found = cli.json("works", "search", "Lantern")
    assert [w["id"] for w in found["items"]] == [work["id"]]


def test_a_write_with_nobody_listening_fails_instead_of_going_unindexed(unwired, sessions):  # noqa: ANN001
    owner = make_actor(sessions, "灯会唱片", Role.OWNER)
    with pytest.raises(changes.NotWired), unit_of_work(sessions) as s:
        principal = parties_service.principal_for(s, parties_service.get_party(s, owner.party_id))
        works_service.create_work(s, principal, WorkCreate(type="short_video", title="Unindexed"))
