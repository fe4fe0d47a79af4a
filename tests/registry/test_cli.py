"""The registry from the command line: tables for people, JSON and exit codes for scripts."""

from __future__ import annotations

import json


def test_init_creates_the_operator_once_and_shows_its_key_once(cli):
    first = cli.json("init")
    assert first["operator_key"].startswith("chk_")
    second = cli.json("init")
    assert second["operator_id"] == first["operator_id"]
    assert second["operator_key"] is None


def test_parties_keys_and_works_round_trip(cli, tmp_path):
    cli.json("init")
    owner = cli.json("parties", "create", "一条视频", "--role", "owner", "--name-en", "Yitiao")
    assert owner["roles"] == ["owner"]
    key = cli.json("keys", "create", owner["id"])
    assert key["token"].startswith("chk_")

    work_file = tmp_path / "work.json"
    work_file.write_text(json.dumps({
        "type": "short_video", "title": "深夜食堂", "length": 58,
        "identifiers": [{"scheme": "platform:douyin", "value": "7012345678901234567"}],
    }, ensure_ascii=False), encoding="utf-8")
    work = cli.json("works", "add", "--file", str(work_file), "--as", owner["id"])
    assert work["registrant_id"] == owner["id"]
    shown = cli.json("works", "show", work["id"])
    assert shown["title"] == "深夜食堂" and shown["holdings"] == []

    table = cli("works", "show", work["id"])
    assert table.exit_code == 0 and "深夜食堂" in table.stdout


def test_exit_codes_scripts_can_rely_on(cli):
    cli.json("init")
    missing = cli("works", "show", "wrk_nope")
    assert missing.exit_code == 3
    assert "not_found" in missing.stderr
    bad_type = cli("works", "add", "--title", "x", "--type", "hologram")
    assert bad_type.exit_code == 4
    assert "unknown work type" in bad_type.stderr


def test_work_types_listed(cli):
    rows = cli.json("works", "types")
    assert {"code": "short_video", "category": "audiovisual", "name_en": "Short video",
            "name_zh": "短视频", "length_unit": "seconds"} in rows
