"""SQL of license_grants: write a license's grants, keep their status in step, answer coverage.

The batch form loads the questions into a temporary table (COPY on PostgreSQL, executemany on
SQLite) and answers them all with one join on the coverage index, instead of one query each.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

from sqlalchemy import delete, insert, or_, select, update
from sqlalchemy.orm import Session

from clearinghouse.core.db import is_postgres
from clearinghouse.licensing.licenses.grants import CoverageQuestion
from clearinghouse.licensing.licenses.tables import LicenseGrant

ACTIVE = "active"
GRANT_COLUMNS = (
    "license_id", "line_id", "work_id", "right", "licensee_id", "country", "channel",
    "valid_from", "valid_to", "status", "exclusive",
)
# Temporary table of a batch; "right" is quoted everywhere since it is a keyword in SQL.
_QUESTIONS = "coverage_questions"
_QUESTION_COLUMNS = 'seq, work_id, licensee_id, channel, country, day, "right"'
_BATCH_JOIN = f"""
SELECT q.seq, g.license_id
FROM {_QUESTIONS} q
JOIN license_grants g
  ON g.work_id = q.work_id AND g.licensee_id = q.licensee_id AND g.country = q.country
 AND g.channel = q.channel AND g.valid_from <= q.day
 AND (g.valid_to IS NULL OR g.valid_to > q.day)
 AND g.status = 'active' AND (q."right" IS NULL OR g."right" = q."right")
"""


def add(session: Session, rows: Sequence[dict[str, Any]]) -> None:
    """Insert grant rows (one executemany)."""
    if rows:
        session.execute(insert(LicenseGrant), list(rows))


def remove_for_license(session: Session, license_id: str) -> None:
    session.execute(delete(LicenseGrant).where(LicenseGrant.license_id == license_id))


def set_status(session: Session, license_id: str, status: str) -> None:
    """Mirror a license's new status on its grants."""
    session.execute(
        update(LicenseGrant).where(LicenseGrant.license_id == license_id).values(status=status)
    )


def set_period(session: Session, license_id: str, valid_from: date, valid_to: date | None) -> None:
    """Mirror a license's period on its grants (a period is fixed at purchase; tests move it)."""
    session.execute(
        update(LicenseGrant)
        .where(LicenseGrant.license_id == license_id)
        .values(valid_from=valid_from, valid_to=valid_to)
    )


def covering(session: Session, q: CoverageQuestion) -> list[str]:
    """Ids of the active licenses that cover the question, sorted."""
    query = select(LicenseGrant.license_id).distinct().where(
        LicenseGrant.work_id == q.work_id,
        LicenseGrant.licensee_id == q.licensee_id,
        LicenseGrant.country == q.country,
        LicenseGrant.channel == q.channel,
        LicenseGrant.valid_from <= q.on,
        or_(LicenseGrant.valid_to.is_(None), LicenseGrant.valid_to > q.on),
        LicenseGrant.status == ACTIVE,
    )
    if q.right is not None:
        query = query.where(LicenseGrant.right == q.right)
    return sorted(session.scalars(query))


def _raw(session: Session) -> Any:
    """The DBAPI connection of the session's transaction (for COPY and executemany)."""
    return session.connection().connection.driver_connection


def _load_questions(session: Session, questions: Sequence[CoverageQuestion]) -> None:
    rows = (
        (i, q.work_id, q.licensee_id, q.channel, q.country, q.on.isoformat(), q.right)
        for i, q in enumerate(questions)
    )
    conn = _raw(session)
    if is_postgres(session):
        with conn.cursor() as cur:
            cur.execute(
                f"CREATE TEMP TABLE IF NOT EXISTS {_QUESTIONS} (seq integer, work_id text, "
                'licensee_id text, channel text, country text, day date, "right" text) '
                "ON COMMIT DROP"
            )
            cur.execute(f"TRUNCATE {_QUESTIONS}")
            with cur.copy(f"COPY {_QUESTIONS} ({_QUESTION_COLUMNS}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            cur.execute(f"ANALYZE {_QUESTIONS}")
        return
    cur = conn.cursor()
    try:
        if cur.execute("PRAGMA temp_store").fetchone()[0] != 2:
            # In memory, not a temporary file (changing it drops temporary tables: first time
            # on this connection only).
            cur.execute("PRAGMA temp_store=MEMORY")
        cur.execute(
            f"CREATE TEMP TABLE IF NOT EXISTS {_QUESTIONS} (seq INTEGER, work_id TEXT, "
            'licensee_id TEXT, channel TEXT, country TEXT, day TEXT, "right" TEXT)'
        )
        cur.execute(f"DELETE FROM {_QUESTIONS}")
        cur.executemany(f"INSERT INTO {_QUESTIONS} VALUES (?, ?, ?, ?, ?, ?, ?)", rows)
    finally:
        cur.close()


def covering_batch(session: Session, questions: Sequence[CoverageQuestion]) -> list[list[str]]:
    """For each question, in order, the ids of the active licenses that cover it (sorted)."""
    answers: list[list[str]] = [[] for _ in questions]
    if not questions:
        return answers
    _load_questions(session, questions)
    conn = _raw(session)
    cur = conn.cursor()
    try:
        cur.execute(_BATCH_JOIN)
        while chunk := cur.fetchmany(50_000):
            for seq, license_id in chunk:
                found = answers[seq]
                if license_id not in found:
                    found.append(license_id)
        if not is_postgres(session):
            cur.execute(f"DELETE FROM {_QUESTIONS}")
    finally:
        cur.close()
    for found in answers:
        if len(found) > 1:
            found.sort()
    return answers


def blocking_rows(
    session: Session, work_ids: Sequence[str], statuses: Iterable[str], *, on: date
) -> Sequence[Any]:
    """Grants on these works, in these statuses, not past their end on `on`."""
    return session.execute(
        select(
            LicenseGrant.license_id, LicenseGrant.work_id, LicenseGrant.right,
            LicenseGrant.country, LicenseGrant.channel, LicenseGrant.valid_from,
            LicenseGrant.valid_to, LicenseGrant.exclusive,
        ).where(
            LicenseGrant.work_id.in_(list(work_ids)),
            LicenseGrant.status.in_(list(statuses)),
            or_(LicenseGrant.valid_to.is_(None), LicenseGrant.valid_to > on),
        )
    ).all()


def bulk_load(session: Session, rows: Iterable[tuple[Any, ...]]) -> None:
    """Many grants at once, as tuples in GRANT_COLUMNS order (the benchmark, bulk backfills):
    COPY on PostgreSQL, one executemany on SQLite."""
    conn = _raw(session)
    columns = ", ".join(f'"{c}"' for c in GRANT_COLUMNS)
    if is_postgres(session):
        with conn.cursor() as cur, cur.copy(f"COPY license_grants ({columns}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        return
    cur = conn.cursor()
    try:
        marks = ", ".join("?" for _ in GRANT_COLUMNS)
        cur.executemany(f"INSERT INTO license_grants ({columns}) VALUES ({marks})", rows)
    finally:
        cur.close()
