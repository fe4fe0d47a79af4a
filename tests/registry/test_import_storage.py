"""The import's bulk insert (core.bulk) stores exactly what SQLAlchemy's own insert stores: the
same JSON text, the same date and time text, the same column defaults, on every engine."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone

from sqlalchemy import insert, select

from clearinghouse.core import bulk
from clearinghouse.core.db import unit_of_work
from clearinghouse.core.jobs.tables import Job
from clearinghouse.core.tables import AuditEvent

BEIJING = timezone(timedelta(hours=8))
AT = datetime(2026, 3, 1, 12, 30, 15, 123456, tzinfo=UTC)


def _raw(sessions, table, key_column, keys: list[str]) -> list[tuple]:
    """Rows as the driver returns them (no SQLAlchemy result processing), minus the key."""
    with unit_of_work(sessions) as s:
        rows = s.connection().exec_driver_sql(
            str(select(table).where(table.c[key_column].in_(keys)).order_by(table.c[key_column])
                .compile(s.get_bind(), compile_kwargs={"literal_binds": True}))).all()
    position = list(table.c.keys()).index(key_column)
    return [tuple(v for i, v in enumerate(row) if i != position and not (
        table is AuditEvent.__table__ and i == 0)) for row in rows]


def test_bulk_insert_stores_json_times_and_defaults_as_sqlalchemy_does(sessions):
    audit = AuditEvent.__table__
    def audit_rows(tag: str) -> list[dict]:
        return [{"at": AT.astimezone(BEIJING) if i else AT, "actor_party_id": None,
                 "actor_key_id": None, "action": "work.create", "entity_type": "work",
                 "entity_id": f"{tag}{i}", "before": None,
                 "after": {"title": "夏日的风", "share": 1_000_000, "tags": ["流行"], "none": None}}
                for i in range(3)]

    jobs = Job.__table__
    def job_rows(tag: str) -> list[dict]:  # status and progress_done are left to their defaults
        return [{"id": f"{tag}{i}", "kind": "works.import", "owner_party_id": "pty_x",
                 "dedupe_key": None, "result": {"rows": [1, 2]} if i else None, "error": None,
                 "created_at": AT, "updated_at": AT + timedelta(days=i), "started_at": None,
                 "finished_at": AT.astimezone(BEIJING)} for i in range(3)]

    with unit_of_work(sessions) as s:
        bulk.insert_many(s, audit, audit_rows("bulk"))
        s.execute(insert(audit), audit_rows("core"))
        bulk.insert_many(s, jobs, job_rows("bulk"))
        s.execute(insert(jobs), job_rows("core"))
    for table, key in ((audit, "entity_id"), (jobs, "id")):
        stored_bulk = _raw(sessions, table, key, [f"bulk{i}" for i in range(3)])
        stored_core = _raw(sessions, table, key, [f"core{i}" for i in range(3)])
        assert len(stored_bulk) == 3 and stored_bulk == stored_core, table.name
    with unit_of_work(sessions) as s:
        job = s.get(Job, "bulk1")
        assert (job.status, job.progress_done, job.result) == ("queued", 0, {"rows": [1, 2]})
        assert job.finished_at == AT


def test_json_text_made_beforehand_is_stored_as_the_dict_would_be(sessions):
    """The import's audit snapshots arrive as their json.dumps text (JsonText): stored as the
    dict itself would be, on every engine (jsonb parses it into the same value)."""
    audit = AuditEvent.__table__
    after = {"title": "夏日的风 \"Live\"", "share": 1_000_000, "tags": ["流行"], "none": None}

    def rows(tag: str, value) -> list[dict]:  # noqa: ANN001
        return [{"at": AT, "actor_party_id": None, "actor_key_id": None, "action": "work.create",
                 "entity_type": "work", "entity_id": f"{tag}{i}", "before": None, "after": value}
                for i in range(2)]

    with unit_of_work(sessions) as s:
        bulk.insert_many(s, audit, rows("text", bulk.JsonText(json.dumps(after))))
        s.execute(insert(audit), rows("dict", after))
    stored_text = _raw(sessions, audit, "entity_id", ["text0", "text1"])
    assert stored_text == _raw(sessions, audit, "entity_id", ["dict0", "dict1"])
    with unit_of_work(sessions) as s:
        assert s.scalar(select(AuditEvent.after).where(AuditEvent.entity_id == "text1")) == after


def test_json_reads_back_the_values_written_even_beyond_64_bit_integers(sessions):
    """JSON columns are read by orjson where it gives the same value (an import's report is read
    back whole): an integer beyond 64 bits must still come back as that integer, never a float."""
    result = {"rows": [{"row": 2, "work_id": "wrk_x", "errors": []}], "total": 1,
              "big": 2**70, "long": -123456789012345678901234567890, "ratio": 0.1,
              "text": "夏日 \"Live\" \\ é"}
    with unit_of_work(sessions) as s:
        s.execute(insert(Job.__table__), [{
            "id": "job_json", "kind": "works.import", "owner_party_id": "pty_x", "dedupe_key": None,
            "result": result, "error": None, "created_at": AT, "updated_at": AT,
            "started_at": None, "finished_at": None}])
    with unit_of_work(sessions) as s:
        stored = s.get(Job, "job_json").result
    assert stored == result
    assert type(stored["big"]) is int and type(stored["long"]) is int
