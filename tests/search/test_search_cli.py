"""`clearinghouse works search` and `clearinghouse search reindex` on a SQLite data directory."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from clearinghouse.access.domain import Role
from clearinghouse.cli.main import app
from clearinghouse.core.db import make_engine, session_factory
from clearinghouse.core.settings import get_settings
from tests.licensing.catalogue_world import build_world
from tests.support.factories import make_actor, make_work

runner = CliRunner()


@pytest.fixture
def data_dir(tmp_path, sqlite_url, monkeypatch):  # noqa: ANN001, ANN201
    monkeypatch.setenv("CLEARINGHOUSE_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("CLEARINGHOUSE_DATABASE_URL", sqlite_url)
    get_settings.cache_clear()
    engine = make_engine(sqlite_url)
    sessions = session_factory(engine)
    owner = make_actor(sessions, "夏日唱片", Role.OWNER)
    works = {
        "city": make_work(sessions, owner, title="夏日城市", alt_titles=[{"title": "Summer City"}],
                          tags=["美食"]),
        "breeze": make_work(sessions, owner, type="short_video", title="Summer Breeze",
                            identifiers=[{"scheme": "isrc", "value": "CN-A00-17-00001"}]),
    }
    engine.dispose()
    yield works
    get_settings.cache_clear()


def run(*args: str):  # noqa: ANN201
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result


def test_works_search_json(data_dir):  # noqa: ANN001
    out = json.loads(run("works", "search", "summ", "--json").stdout)
    assert [i["id"] for i in out["items"]] == [data_dir["breeze"], data_dir["city"]]
    assert out["total"] == 2 and out["items"][0]["match"] == "title_partial"
    by_id = json.loads(run("works", "search", "--identifier", "isrc:CNA001700001", "--json").stdout)
    assert [i["id"] for i in by_id["items"]] == [data_dir["breeze"]]
    filtered = json.loads(run("works", "search", "夏", "--tag", "美食", "--limit", "1",
                              "--json").stdout)
    assert [i["id"] for i in filtered["items"]] == [data_dir["city"]]


def test_works_search_table_and_errors(data_dir):  # noqa: ANN001
    table = run("works", "search", "夏日")
    assert "夏日城市" in table.stdout and "1 work matches" in table.stdout
    bad = runner.invoke(app, ["works", "search", "x", "--type", "hologram"])
    assert bad.exit_code == 4  # validation_failed
    assert "type" in bad.output


def test_search_reindex(data_dir):  # noqa: ANN001
    out = json.loads(run("search", "reindex", "--json").stdout)
    assert out["documents"] == 2
    again = json.loads(run("works", "search", "Summer", "--json").stdout)
    assert [i["id"] for i in again["items"]] == [data_dir["breeze"], data_dir["city"]]



def test_search_by_intended_use_lists_what_routine_offers_clear_with_the_price(cli, sessions):
    w = build_world(sessions)
    for actor, fixed in ((w.pub_a, "3000.00"), (w.pub_b, "2000.00")):
        cli.json("offers", "create", "--template", "branded-short-video-ad", "--right",
                 "synchronisation", "--work", w.song, "--currency", "CNY", "--fixed", fixed,
                 "--as", actor.party_id)
    use = ("--purpose", "advertising", "--channel", "抖音", "--portion", "15s",
           "--territory", "CN")
    page = cli.json("works", "search", *use)
    # 3,000.00 + 2,000.00 + the licensee's 5 %; the recording's master use has no offer.
    assert [(i["id"], i["from_price"]["amount"]) for i in page["items"]] == [(w.song, "5250.00")]
    assert "5250.00" in cli("works", "search", *use).output
    bad = cli("works", "search", "--purpose", "advertising", "--channel", "抖因")
    assert bad.exit_code != 0 and "channels" in bad.output
