"""The import's audit snapshots, written from per-batch templates (import_snapshots), are byte for
byte the JSON text SQLAlchemy stored for the snapshot dicts before: `json.dumps` of the row with
its times as ISO text, plus the work's identifiers, creators and tags."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

from clearinghouse.access.domain import Principal
from clearinghouse.core.bulk import JsonText
from clearinghouse.registry.import_snapshots import SnapshotLayout, json_value
from clearinghouse.registry.import_writer import HoldingRecord, WorkRecord, work_rows

NOW = datetime(2026, 11, 30, 14, 29, 38, 123456, tzinfo=UTC)
IMPORTER = Principal(party_id="pty_importer", roles=frozenset({"owner"}), key_id="key_1")


def _holding(row: int, **changes) -> HoldingRecord:  # noqa: ANN003
    values = dict(row=row, holder_id="pty_importer", rights=["mechanical", "synchronisation"],
                  share_ppm=1_000_000, territories=["CN"], territories_excluded=[],
                  valid_from=date(2020, 1, 1), valid_to=None, administrator_id=None,
                  collective=False, warranty_text=None)
    return HoldingRecord(**(values | changes))


RECORDS = [
    WorkRecord("musical_composition", "夏日的风", [{"title": "Summer Breeze", "language": "en"}],
               "zh", 215, "第一行\n第二行 \"quoted\" \\ back\tslash \u2028 😀", date(2017, 8, 1),
               "approval_required", "pty_owner",
               [("iswc", "T0345246801"), ("isrc", "CNA011700001")],
               [("林夕", "lyricist", None), ("陈光荣", "composer", "pty_composer")],
               ["summer", "流行"], [], [_holding(2), _holding(3, holder_id="pty_other",
                                                           share_ppm=400_000, valid_from=None,
                                                           valid_to=date(2031, 1, 1),
                                                           territories_excluded=["TW"],
                                                           administrator_id="pty_agent",
                                                           collective=True,
                                                           warranty_text="我保证 \x7f")]),
    WorkRecord("photograph", "Rock 'n' Roll \\ Blues \"Live\"", [], None, None, None, None,
               "not_stated", "pty_importer", [], [], [], [], []),
]


def _old_snapshots(out) -> list[str]:  # noqa: ANN001
    """The snapshots as import_writer built them before the templates, serialised by json.dumps."""
    stamp = NOW.isoformat()
    work = out.works[0]
    iso = lambda value: None if value is None else value.isoformat()  # noqa: E731
    texts = [json.dumps(work | {
        "created_at": stamp, "updated_at": stamp, "publication_date": iso(work["publication_date"]),
        "identifiers": [f"{i['scheme']}:{i['value']}" for i in out.identifiers],
        "creators": [f"{c['role']}:{c['name']}" for c in out.creators],
        "tags": [t["tag"] for t in out.tags]})]
    for row in out.holdings:
        texts.append(json.dumps(row | {
            "created_at": stamp, "updated_at": stamp, "warranted_at": stamp,
            "valid_from": iso(row["valid_from"]), "valid_to": iso(row["valid_to"])}))
    return texts


def _snapshots(out) -> list:  # noqa: ANN001
    return [e["after"] for e in out.audit if e["action"] in ("work.create", "holding.create")]


def test_work_and_holding_snapshots_are_the_json_text_stored_before():
    for index, record in enumerate(RECORDS):
        out, _ = work_rows(record, f"wrk_{index}", IMPORTER, NOW, [])
        assert all(type(text) is JsonText for text in _snapshots(out))
        assert _snapshots(out) == _old_snapshots(out)
        # PostgreSQL's path keeps the dicts (orjson makes its jsonb): the same snapshots.
        out, _ = work_rows(record, f"wrk_{index}", IMPORTER, NOW, [], snapshot_text=False)
        assert [json.dumps(after) for after in _snapshots(out)] == _old_snapshots(out)


def test_a_golden_work_snapshot():
    out, _ = work_rows(RECORDS[1], "wrk_golden", IMPORTER, NOW, [])
    assert out.audit[0]["after"] == (
        '{"id": "wrk_golden", "version": 1, "created_at": "2026-11-30T14:29:38.123456+00:00", '
        '"updated_at": "2026-11-30T14:29:38.123456+00:00", "type_code": "photograph", '
        '"title": "Rock \'n\' Roll \\\\ Blues \\"Live\\"", "alt_titles": [], "language": null, '
        '"length": null, "description": null, "publication_date": null, '
        '"moral_rights": "not_stated", "registrant_id": "pty_importer", "file_key": null, '
        '"file_name": null, "file_size": null, "file_sha256": null, "identifiers": [], '
        '"creators": [], "tags": []}')


def test_every_kind_of_value_is_encoded_as_json_dumps_does():
    values = ["", "ascii", "中文", "😀", "\x00\x1f\x7f\u2028", '"\\/', 0, -12, 10**20, True, False,
              None, 1.5, float("inf"), [], ["a", "乙"], [1, "a"], [["nested"]], {"k": [None]},
              {"b": 1, "a": 2}]
    for value in values:
        assert json_value(value) == json.dumps(value), value
    layout = SnapshotLayout(["a", "b", "c", "d"], {"b": "shared 共享", "d": [1, 2]})
    assert layout.variable == ("a", "c")
    for a, c in zip(values, reversed(values), strict=True):
        assert layout.text((a, c)) == json.dumps({"a": a, "b": "shared 共享", "c": c, "d": [1, 2]})
