"""SQL of license_grants: write a license's grants, keep their status in step, answer coverage.

Every write also logs the (work, licensee) pairs it touched in license_grant_changes, so that the
in-memory copy that answers batches (grants_snapshot.py) reloads only those. On PostgreSQL a
writer first takes the log's table lock (held to commit): log rows then commit in `seq` order, and
a reader that has seen seq N never misses a change below it. SQLite has one writer at a time.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Iterator, Sequence
from datetime import date
from typing import Any

from sqlalchemy import delete, insert, literal, or_, select, text, update
from sqlalchemy.orm import Session

from clearinghouse.core.db import is_postgres
from clearinghouse.licensing.licenses.grants import CoverageQuestion
from clearinghouse.licensing.licenses.tables import LicenseGrant, LicenseGrantChange

ACTIVE = "active"
GRANT_COLUMNS = (
    "license_id", "line_id", "work_id", "right", "licensee_id", "country", "channel",
    "valid_from", "valid_to", "status", "exclusive",
)


def _lock_log(session: Session) -> None:
    if is_postgres(session):
        # EXCLUSIVE lets readers in and other writers of grants wait for this commit.
        session.execute(text("LOCK TABLE license_grant_changes IN EXCLUSIVE MODE"))


def _log_license(session: Session, license_id: str) -> None:
    """Log the pairs of one license's grants (before they change or go)."""
    _lock_log(session)
    pairs = (
        select(literal(secrets.token_hex(8)), LicenseGrant.work_id, LicenseGrant.licensee_id)
        .where(LicenseGrant.license_id == license_id)
        .distinct()
    )
    session.execute(
        insert(LicenseGrantChange).from_select(["token", "work_id", "licensee_id"], pairs)
    )


_GRANTS_INSERT = LicenseGrant.__table__.insert()
_CHANGES_INSERT = LicenseGrantChange.__table__.insert()


def add(session: Session, rows: Sequence[dict[str, Any]]) -> None:
    """Insert grant rows (one executemany)."""
    if rows:
        _lock_log(session)
        session.flush()  # the lines they point at first, as the ORM's autoflush would
        # Core executemany on the tables: the ORM's bulk path only added per-row work here.
        conn = session.connection()
        conn.execute(_GRANTS_INSERT, list(rows))
        token = secrets.token_hex(8)
        pairs = sorted({(r["work_id"], r["licensee_id"]) for r in rows})
        conn.execute(_CHANGES_INSERT, [{"token": token, "work_id": w, "licensee_id": p}
                                       for w, p in pairs])


def remove_for_license(session: Session, license_id: str) -> None:
    _log_license(session, license_id)
    session.execute(delete(LicenseGrant).where(LicenseGrant.license_id == license_id))


def set_status(session: Session, license_id: str, status: str) -> None:
    """Mirror a license's new status on its grants."""
    _log_license(session, license_id)
    session.execute(
        update(LicenseGrant).where(LicenseGrant.license_id == license_id).values(status=status)
    )


def set_period(session: Session, license_id: str, valid_from: date, valid_to: date | None) -> None:
    """Mirror a license's period on its grants (a period is fixed at purchase; tests move it)."""
    _log_license(session, license_id)
    session.execute(
        update(LicenseGrant)
        .where(LicenseGrant.license_id == license_id)
        .values(valid_from=valid_from, valid_to=valid_to)
    )


def log_reload_all(session: Session) -> None:
    """Tell in-memory copies to reload everything (after a bulk load or a backfill)."""
    _lock_log(session)
    session.execute(insert(LicenseGrantChange).values(token=secrets.token_hex(8)))


def last_change(session: Session) -> tuple[int, str | None]:
    """(seq, token) of the newest logged change; (0, None) when none."""
    row = session.execute(
        select(LicenseGrantChange.seq, LicenseGrantChange.token)
        .order_by(LicenseGrantChange.seq.desc())
        .limit(1)
    ).first()
    return (row.seq, row.token) if row else (0, None)


def change_is_logged(session: Session, seq: int, token: str | None) -> bool:
    """Is change `seq` still there as it was seen (not rolled back and its number reused)?"""
    if seq == 0:
        return True
    found = session.scalar(select(LicenseGrantChange.token).where(LicenseGrantChange.seq == seq))
    return found == token


def changes_since(session: Session, seq: int) -> list[tuple[int, str, str | None, str | None]]:
    """(seq, token, work_id, licensee_id) of the changes after `seq`, in order."""
    rows = session.execute(
        select(LicenseGrantChange.seq, LicenseGrantChange.token, LicenseGrantChange.work_id,
               LicenseGrantChange.licensee_id)
        .where(LicenseGrantChange.seq > seq)
        .order_by(LicenseGrantChange.seq)
    )
    return [tuple(r) for r in rows]  # type: ignore[misc]


_ACTIVE_ROWS = (
    'SELECT license_id, line_id, work_id, "right", licensee_id, country, channel, valid_from, '
    "valid_to FROM license_grants WHERE status = 'active'"
)


def active_rows(session: Session) -> Iterator[tuple[Any, ...]]:
    """Every active grant row (license_id, line_id, work_id, right, licensee_id, country, channel,
    valid_from, valid_to), streamed through the driver: millions of rows, no ORM on the way."""
    conn = _raw(session)
    # PostgreSQL: a server-side cursor, so the client never holds all rows at once.
    cur = conn.cursor(name="active_grants") if is_postgres(session) else conn.cursor()
    try:
        cur.execute(_ACTIVE_ROWS)
        while chunk := cur.fetchmany(50_000):
            yield from chunk
    finally:
        cur.close()


def active_rows_of(session: Session, pairs: Sequence[tuple[str, str]]) -> list[Any]:
    """The active grant rows of these (work_id, licensee_id) pairs, same columns."""
    found: list[Any] = []
    for start in range(0, len(pairs), 200):  # an OR of 200 pairs: well inside SQLite's depth limit
        chunk = pairs[start:start + 200]
        found += session.execute(
            select(
                LicenseGrant.license_id, LicenseGrant.line_id, LicenseGrant.work_id,
                LicenseGrant.right, LicenseGrant.licensee_id, LicenseGrant.country,
                LicenseGrant.channel, LicenseGrant.valid_from, LicenseGrant.valid_to,
            ).where(
                LicenseGrant.status == ACTIVE,
                or_(*(
                    (LicenseGrant.work_id == w) & (LicenseGrant.licensee_id == p)
                    for w, p in chunk
                )),
            )
        ).all()
    return found


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
    COPY on PostgreSQL, one executemany on SQLite. In-memory copies reload everything."""
    log_reload_all(session)
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
