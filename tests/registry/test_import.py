"""Bulk import of a catalogue (CSV, JSON, JSON Lines) through the API and the CLI."""

from __future__ import annotations

import json
from datetime import date

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from clearinghouse.access.domain import Role
from clearinghouse.core.db import unit_of_work
from clearinghouse.core.tables import AuditEvent
from clearinghouse.registry import parties_service
from clearinghouse.registry.schemas import MandateCreate
from clearinghouse.registry.tables import Holding, Work, WorkRelation
from tests.support.factories import make_actor, make_work

URL = "/api/v1/works/import"
HEADER = ("ref,type,title,title_en,creators,language,tags,identifiers,relations,"
          "rights,share,territories,valid_from,warranty")
SONG = ("song,musical_composition,夏日的风,Summer Breeze,林夕:lyricist; 陈光荣:composer,zh,"
        "流行;summer,iswc:T-034.524.680-1,,synchronisation;mechanical,100,CN,2020-01-01,yes")
RECORDING = ("rec,sound_recording,夏日的风（录音）,Summer Breeze (recording),,zh,,"
             "isrc:CN-A01-17-00001,embodies=song,master_use,100,WORLD,2020-01-01,是")
CATALOGUE = "\n".join([HEADER, SONG, RECORDING]) + "\n"


def post(client, actor, body: bytes, content_type: str = "text/csv", **params):
    headers = actor.headers | {"content-type": content_type}
    return client.post(URL, content=body, headers=headers, params=params)


def finished(client, actor, resp) -> dict:
    """The job a POST started, once it has run (the runner's thread is waited for, not polled)."""
    assert resp.status_code in (200, 202), resp.text
    client.app.state.jobs.wait_idle(timeout=120)
    job = client.get(f"/api/v1/jobs/{resp.json()['id']}", headers=actor.headers).json()
    assert job["status"] == "succeeded", job
    return job


def imported(client, actor, body: bytes, content_type: str = "text/csv", **params) -> dict:
    """The import report of a file posted as the body."""
    return finished(client, actor, post(client, actor, body, content_type, **params))["result"]


def count(sessions, model, **where) -> int:
    with unit_of_work(sessions) as s:
        query = select(func.count()).select_from(model)
        for key, value in where.items():
            query = query.where(getattr(model, key) == value)
        return s.scalar(query) or 0


def by_ref(report) -> dict:
    return {r["ref"]: r for r in report["rows"]}


# -- formats ----------------------------------------------------------------------------------


def test_csv_upload_registers_works_holdings_and_the_in_file_relation(client, sessions):
    owner = make_actor(sessions, "星河音乐出版", Role.OWNER)
    resp = client.post(URL, files={"file": ("catalogue.csv", CATALOGUE.encode(), "text/csv")},
                       headers=owner.headers)
    assert resp.status_code == 202, resp.text
    assert resp.headers["location"] == f"/api/v1/jobs/{resp.json()['id']}"
    report = finished(client, owner, resp)["result"]
    assert (report["format"], report["encoding"]) == ("csv", "utf-8")
    summary = (report["total"], report["accepted"], report["rejected"], report["applied"])
    assert summary == (2, 2, 0, True)
    rows = by_ref(report)
    assert [r["row"] for r in report["rows"]] == [2, 3]  # spreadsheet rows: the header is row 1
    song = client.get(f"/api/v1/works/{rows['song']['work_id']}").json()
    assert song["title"] == "夏日的风"
    assert song["alt_titles"] == [{"title": "Summer Breeze", "language": "en"}]
    assert song["creators"][0] == {"name": "林夕", "role": "lyricist", "party_id": None}
    assert song["identifiers"] == [{"scheme": "iswc", "value": "T0345246801"}]
    assert song["tags"] == ["summer", "流行"]
    recording = client.get(f"/api/v1/works/{rows['rec']['work_id']}").json()
    assert {"kind": "embodies", "from_work_id": recording["id"],
            "to_work_id": song["id"]} in recording["relations"]
    holdings = client.get(f"/api/v1/works/{song['id']}/holdings").json()["items"]
    assert [(h["holder_id"], h["share"], h["territories"]) for h in holdings] == [
        (owner.party_id, "100", ["CN"])]
    assert holdings[0]["id"] in rows["song"]["holding_ids"]


def test_gbk_csv_from_chinese_excel_is_detected_or_named(client, sessions):
    owner = make_actor(sessions, "日日煮", Role.OWNER)
    gbk = CATALOGUE.encode("gbk")
    with pytest.raises(UnicodeDecodeError):
        gbk.decode("utf-8")  # the test file really is not UTF-8
    detected = imported(client, owner, gbk, dry_run="true")
    assert detected["encoding"] == "gb18030" and detected["accepted"] == 2
    named = imported(client, owner, gbk, encoding="gbk")
    assert named["encoding"] == "gbk"
    work_id = by_ref(named)["song"]["work_id"]
    assert client.get(f"/api/v1/works/{work_id}").json()["title"] == "夏日的风"


def test_utf8_with_bom_and_excel_unicode_text_are_read(client, sessions):
    owner = make_actor(sessions, "二更", Role.OWNER)
    report = imported(client, owner, "\ufeff".encode() + CATALOGUE.encode(), dry_run="true")
    assert report["accepted"] == 2
    tab_separated = CATALOGUE.replace(",", "\t").encode("utf-16")  # with its byte-order mark
    report = imported(client, owner, tab_separated, dry_run="true")
    assert (report["encoding"], report["accepted"]) == ("utf-16", 2)


def test_json_array_with_holdings_and_a_forward_reference(client, sessions):
    owner = make_actor(sessions, "一条", Role.OWNER)
    works = [
        {"ref": "video", "type": "short_video", "title": "一碗面的旅行", "length": 180,
         "relations": [{"kind": "contains", "ref": "rec"}],
         "identifiers": [{"scheme": "platform:douyin", "value": "6470000000000000001"}],
         "holdings": [{"rights": ["reproduce", "distribute"], "share": "100",
                       "territories": ["GREATER_CHINA"], "warranty": {"accepted": True}}]},
        {"ref": "rec", "type": "sound_recording", "title": "面馆BGM", "holdings": [
            {"rights": ["master_use"], "share": 100, "warranty": {"accepted": True}}]},
    ]
    report = imported(client, owner, json.dumps(works, ensure_ascii=False).encode(),
                      "application/json")
    assert report["format"] == "json" and report["accepted"] == 2
    rows = by_ref(report)
    assert rows["video"]["row"] == 1 and rows["rec"]["row"] == 2
    video = client.get(f"/api/v1/works/{rows['video']['work_id']}").json()
    assert video["relations"][0]["to_work_id"] == rows["rec"]["work_id"]
    assert count(sessions, Holding, holder_id=owner.party_id) == 2


def test_json_lines_reports_each_line_by_number(client, sessions):
    owner = make_actor(sessions, "何仙姑夫", Role.OWNER)
    photo = '{{"type": "photograph", "title": "{}"}}'
    lines = [photo.format("外滩夜景"), "", "{not json", photo.format("西湖晨雾")]
    report = imported(client, owner, "\n".join(lines).encode(), "application/x-ndjson")
    rows = {r["row"]: r for r in report["rows"]}
    assert rows[1]["status"] == "accepted" and rows[4]["status"] == "accepted"
    assert rows[3]["status"] == "rejected" and rows[3]["errors"][0]["field"] == "row"
    assert count(sessions, Work) == 2


def test_a_csv_row_longer_than_the_header_is_rejected_rather_than_cut(client, sessions):
    owner = make_actor(sessions, "一条", Role.OWNER)
    body = "type,title\nphotograph,外滩夜景,多出来的一格\nphotograph,西湖晨雾,\n".encode()
    rows = imported(client, owner, body)["rows"]
    assert rows[0]["status"] == "rejected" and rows[0]["errors"][0]["field"] == "row"
    assert rows[1]["status"] == "accepted"  # an empty trailing cell is harmless


# -- rejections and modes ---------------------------------------------------------------------

BAD = "\n".join([
    HEADER,
    SONG,
    "x1,hologram,全息,,,,,,,synchronisation,50,CN,2020-01-01,yes",
    "x2,musical_composition,坏校验位,,,,,iswc:T-034.524.680-2,,,,,,",
    "x3,musical_composition,超额,,,,,,,synchronisation,150,CN,2020-01-01,yes",
    "x4,musical_composition,火星,,,,,,,synchronisation,50,MARS,2020-01-01,yes",
    "x5,musical_composition,重复,,,,,iswc:T0345246801,,,,,,",
    "x6,musical_composition,已登记,,,,,iswc:T-123.456.789-C,,,,,,",
]) + "\n"


def _registered_iswc() -> str:
    from clearinghouse.core.identifiers import iswc_check_digit

    return "T-123.456.789-" + iswc_check_digit("123456789")


def test_each_rejected_row_names_its_field_and_reason_and_valid_rows_are_applied(client, sessions):
    owner = make_actor(sessions, "星河音乐出版", Role.OWNER)
    iswc = _registered_iswc()
    make_work(sessions, owner, identifiers=[{"scheme": "iswc", "value": iswc}])
    body = BAD.replace("T-123.456.789-C", iswc).encode()
    report = imported(client, owner, body)
    assert (report["accepted"], report["rejected"], report["applied"]) == (1, 6, True)
    rows = by_ref(report)

    def fields(ref: str) -> dict[str, str]:
        assert rows[ref]["status"] == "rejected" and rows[ref]["work_id"] is None
        return {e["field"]: e["message"] for e in rows[ref]["errors"]}

    assert "unknown work type 'hologram'" in fields("x1")["type"]
    assert "check digit" in fields("x2")["identifiers[0].value"]
    assert "over 100%" in fields("x3")["share"]
    assert "MARS" in fields("x4")["territories"]
    assert "also in row 2 of this file" in fields("x5")["identifiers[0].value"]
    assert "already registered" in fields("x6")["identifiers[0].value"]
    assert rows["song"]["status"] == "accepted"
    assert count(sessions, Work) == 2  # the one made above and the song


def test_all_or_nothing_writes_nothing_when_a_row_is_rejected(client, sessions):
    owner = make_actor(sessions, "星河音乐出版", Role.OWNER)
    report = imported(client, owner, BAD.encode(), all_or_nothing="true")
    assert report["applied"] is False and report["import_id"] is None
    song = by_ref(report)["song"]
    assert (song["status"], song["work_id"], song["holding_ids"]) == ("accepted", None, [])
    assert count(sessions, Work) == 0 and count(sessions, Holding) == 0
    assert count(sessions, AuditEvent, action="work.create") == 0


def test_dry_run_checks_every_row_and_writes_nothing(client, sessions):
    owner = make_actor(sessions, "星河音乐出版", Role.OWNER)
    report = imported(client, owner, CATALOGUE.encode(), dry_run="true")
    assert (report["accepted"], report["applied"], report["dry_run"]) == (2, False, True)
    assert count(sessions, Work) == 0


# The same relation twice would break the unique (from, to, kind) constraint: the check pass
# rejects the row before anything is written.
TWICE = "\n".join([HEADER, SONG, RECORDING,
                        "rec2,sound_recording,重复关系,,,,,,embodies=song; embodies=song,,,,,",
                        "photo,photograph,最后一行,,,,,,,,,,,"]) + "\n"


def test_a_relation_listed_twice_rejects_its_row_alone_in_the_default_mode(client, sessions):
    owner = make_actor(sessions, "星河音乐出版", Role.OWNER)
    report = imported(client, owner, TWICE.encode())
    rows = by_ref(report)
    assert rows["rec2"]["status"] == "rejected"
    assert "listed twice" in rows["rec2"]["errors"][0]["message"]
    assert [rows[r]["status"] for r in ("song", "rec", "photo")] == ["accepted"] * 3
    assert count(sessions, Work) == 3
    assert count(sessions, Work, title="重复关系") == 0
    assert count(sessions, WorkRelation) == 1
    search = client.get("/api/v1/works", params={"q": "重复关系"}).json()
    assert search["total"] == 0  # its search document was rolled back with it
    assert client.get("/api/v1/works", params={"q": "最后一行"}).json()["total"] == 1


def test_a_relation_listed_twice_leaves_nothing_in_all_or_nothing(client, sessions):
    owner = make_actor(sessions, "星河音乐出版", Role.OWNER)
    report = imported(client, owner, TWICE.encode(), all_or_nothing="true")
    assert report["applied"] is False and report["rejected"] == 1
    assert count(sessions, Work) == 0 and count(sessions, WorkRelation) == 0
    assert count(sessions, Holding) == 0 and count(sessions, AuditEvent, entity_type="work") == 0


# -- permissions ------------------------------------------------------------------------------


def test_an_owner_cannot_import_holdings_for_another_owner(client, sessions):
    owner = make_actor(sessions, "一条", Role.OWNER)
    other = make_actor(sessions, "二更", Role.OWNER)
    body = ("type,title,holder_id,rights,share,warranty\n"
            f"short_video,别人的视频,{other.party_id},reproduce,100,yes\n"
            f"short_video,自己的视频,{owner.party_id},reproduce,100,yes\n").encode()
    rows = imported(client, owner, body)["rows"]
    assert rows[0]["status"] == "rejected"
    assert rows[0]["errors"][0]["field"] == "holder_id"
    assert "only for itself" in rows[0]["errors"][0]["message"]
    assert rows[1]["status"] == "accepted"
    assert count(sessions, Holding, holder_id=other.party_id) == 0


def test_an_agent_imports_co_owned_holdings_within_its_mandate_only(client, sessions):
    mcn = make_actor(sessions, "星光MCN", Role.AGENT)
    a = make_actor(sessions, "一条", Role.OWNER)
    b = make_actor(sessions, "二更", Role.OWNER)
    stranger = make_actor(sessions, "日日煮", Role.OWNER)
    with unit_of_work(sessions) as s:
        for owner in (a, b):
            parties_service.create_mandate(s, None, MandateCreate(
                agent_id=mcn.party_id, owner_id=owner.party_id, valid_from=date(2020, 1, 1)))
    body = "\n".join([
        "ref,type,title,holder_id,rights,share,territories,valid_from,warranty",
        f"duet,musical_composition,合写的歌,{a.party_id},synchronisation,60,CN,2020-01-01,yes",
        f"duet,,,{b.party_id},synchronisation,40,CN,2020-01-01,yes",  # a second holding
        f"solo,musical_composition,越权,{stranger.party_id},synchronisation,100,CN,2020-01-01,yes",
    ]).encode()
    report = imported(client, mcn, body)
    rows = {r["row"]: r for r in report["rows"]}
    assert rows[2]["status"] == rows[3]["status"] == "accepted"
    assert rows[2]["work_id"] == rows[3]["work_id"]
    holdings = client.get(f"/api/v1/works/{rows[2]['work_id']}/holdings").json()["items"]
    assert sorted((h["holder_id"], h["share"]) for h in holdings) == sorted(
        [(a.party_id, "60"), (b.party_id, "40")])
    assert rows[4]["status"] == "rejected" and rows[4]["errors"][0]["field"] == "holder_id"


def test_a_licensee_may_not_import(client, sessions):
    brand = make_actor(sessions, "品牌方", Role.LICENSEE)
    resp = post(client, brand, CATALOGUE.encode())
    assert resp.status_code == 403


# -- malformed files --------------------------------------------------------------------------


@pytest.mark.parametrize(("body", "content_type", "params", "field", "words"), [
    (b"PK\x03\x04rest-of-a-workbook", "text/csv", {}, "file", "zip"),
    (b"\x00\x01\x02binary", "application/octet-stream", {}, "file", "binary"),
    (b"\x80\x80\xff\xff", "text/csv", {}, "encoding", "encoding"),
    (b"\xff\xfe\x41", "text/csv", {}, "encoding", "utf-16"),
    ("标题\n".encode("gbk"), "text/csv", {"encoding": "utf-8"}, "encoding", "utf-8"),
    (b"type,title\n", "text/csv", {"encoding": "klingon"}, "encoding", "unknown encoding"),
    (b"type,title\n", "text/csv", {"encoding": "rot13"}, "encoding", "unknown encoding"),
    (b"type,title\n", "text/csv", {"encoding": "utf\x008"}, "encoding", "unknown encoding"),
    ("夏日的风,歌曲\n".encode(), "text/csv", {}, "header", "no header"),
    (b"type,title,colour\nphotograph,x,red\n", "text/csv", {}, "header", "colour"),
    (b"title,length\nx,3\n", "text/csv", {}, "header", "type"),
    (b"type,title\n", "text/csv", {}, "file", "no rows"),
    (b"", "text/csv", {}, "file", "empty"),
    (b'{"type": "photograph"}', "application/json", {}, "file", "array"),
    (b'[{"type": ', "application/json", {}, "file", "not valid JSON"),
    (b"[" * 100_000, "application/json", {}, "file", "nested too deeply"),
    (b"type,title\nphotograph,x\n", "application/x-ndjson", {}, "file", "JSON Lines"),
])
def test_a_malformed_file_is_a_422_naming_the_problem(client, sessions, body, content_type,
                                                       params, field, words):
    owner = make_actor(sessions, "星河音乐出版", Role.OWNER)
    resp = post(client, owner, body, content_type, **params)
    assert resp.status_code == 422, resp.text
    error = resp.json()["error"]
    assert error["details"][0]["field"] == field
    assert words.lower() in error["message"].lower()
    assert count(sessions, Work) == 0


def test_an_unsupported_media_type_is_a_415(client, sessions):
    owner = make_actor(sessions, "星河音乐出版", Role.OWNER)
    resp = post(client, owner, b"<works/>", "application/xml")
    assert resp.status_code == 415
    assert resp.json()["error"]["code"] == "unsupported_media_type"


# -- command line -----------------------------------------------------------------------------


@pytest.fixture
def cli(db_url, tmp_path, monkeypatch):
    from clearinghouse.core.settings import get_settings

    monkeypatch.setenv("CLEARINGHOUSE_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("CLEARINGHOUSE_DATABASE_URL", db_url)
    get_settings.cache_clear()
    from clearinghouse.cli.main import app

    yield lambda *args: CliRunner().invoke(app, ["works", "import", *map(str, args)])
    get_settings.cache_clear()


def test_cli_imports_a_gbk_file_and_exits_0(cli, sessions, tmp_path):
    owner = make_actor(sessions, "日日煮", Role.OWNER)
    path = tmp_path / "目录.csv"
    path.write_bytes(CATALOGUE.encode("gbk"))
    result = cli(path, "--as", owner.party_id)
    assert result.exit_code == 0, result.output
    assert "accepted" in result.output
    assert count(sessions, Work, registrant_id=owner.party_id) == 2


def test_cli_exits_4_listing_rejected_rows_and_applies_the_valid_ones(cli, sessions, tmp_path):
    owner = make_actor(sessions, "星河音乐出版", Role.OWNER)
    path = tmp_path / "bad.csv"
    path.write_text(BAD, encoding="utf-8")
    result = cli(path, "--as", owner.party_id, "--json")
    assert result.exit_code == 4, result.output
    report = json.loads(result.stdout)
    assert report["rejected"] == 6 and report["applied"] is True
    assert count(sessions, Work) == 1
    table = cli(path, "--as", owner.party_id, "--dry-run")
    assert table.exit_code == 4 and "hologram" in table.output


def test_cli_all_or_nothing_exits_4_and_applies_nothing(cli, sessions, tmp_path):
    owner = make_actor(sessions, "星河音乐出版", Role.OWNER)
    path = tmp_path / "bad.csv"
    path.write_text(BAD, encoding="utf-8")
    result = cli(path, "--as", owner.party_id, "--all-or-nothing")
    assert result.exit_code == 4
    assert "nothing applied" in result.output
    assert count(sessions, Work) == 0
