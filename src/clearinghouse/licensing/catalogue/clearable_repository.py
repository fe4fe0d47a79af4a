"""Keeps `clearable_works` (licensing/catalogue/tables.py) in step with holdings and offers.

One function for every write path: a change to a work's holdings rewrites that work's rows, a
change to a holder's offers rewrites the rows of every work the holder holds. Conflicts,
relations, periods and territories are not stored here: the use filter reads them live on the
few works these rows admit (use_offers_repository.py).
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from sqlalchemy import bindparam, text
from sqlalchemy.orm import Session

from clearinghouse.registry.domain import Right

# JSON lists are short; matching their text is portable across SQLite and PostgreSQL (as in
# use_offers_repository). VALUES columns are called column1 by both engines.
_RIGHTS = ", ".join(f"('{r.value}')" for r in Right)
_ROWS = (
    'SELECT DISTINCT o.template_id, wt.category, r.column1, h.work_id'
    " FROM holdings h"
    " JOIN works w ON w.id = h.work_id"
    " JOIN work_types wt ON wt.code = w.type_code"
    " JOIN offers o ON o.holder_id = h.holder_id AND o.status = 'active' AND NOT o.declined"
    f" JOIN (VALUES {_RIGHTS}) AS r ON CAST(h.rights AS TEXT) LIKE '%\"' || r.column1 || '\"%'"
    " AND CAST(o.rights AS TEXT) LIKE '%\"' || r.column1 || '\"%'"
    " WHERE h.status = 'active' AND NOT h.collective"
    " AND (o.scope = 'catalogue' OR CAST(o.work_ids AS TEXT) LIKE '%\"' || h.work_id || '\"%')")
_INSERT = 'INSERT INTO clearable_works (template_id, category, "right", work_id) '
_HAS_OFFERS = ("SELECT 1 FROM offers WHERE holder_id IN :holders AND status = 'active'"
               " AND NOT declined LIMIT 1")
_HOLDERS_WORKS = "SELECT work_id FROM holdings WHERE holder_id IN :holders"


def refresh_clearable_works(session: Session, *, work_ids: Collection[str] = (),
                            holder_ids: Collection[str] = ()) -> None:
    """Rewrite the rows of these works and of every work these holders hold (any status: a
    withdrawn holding's rows go too). Call after the change is flushed."""
    scopes: list[tuple[str, dict[str, Any], str]] = []
    if work_ids:
        scopes.append((":works", {"works": sorted(set(work_ids))}, "works"))
    if holder_ids:
        scopes.append((f"({_HOLDERS_WORKS})", {"holders": sorted(set(holder_ids))}, "holders"))
    for subset, params, name in scopes:
        session.execute(text(f"DELETE FROM clearable_works WHERE work_id IN {subset}")
                        .bindparams(bindparam(name, expanding=True)), params)
        session.execute(text(f"{_INSERT}{_ROWS} AND h.work_id IN {subset}")
                        .bindparams(bindparam(name, expanding=True)), params)


def add_clearable_works(session: Session, work_ids: Collection[str],
                        holder_ids: Collection[str]) -> None:
    """Rows of works created just now (they have none yet), held by `holder_ids`: a bulk import
    of a holder without an active offer, the usual case, costs one indexed look-up a batch."""
    if not work_ids or session.execute(text(_HAS_OFFERS).bindparams(
            bindparam("holders", expanding=True)), {"holders": sorted(set(holder_ids))}).first() is None:
        return
    session.execute(text(f"{_INSERT}{_ROWS} AND h.work_id IN :works")
                    .bindparams(bindparam("works", expanding=True)), {"works": sorted(set(work_ids))})


def forget_clearable_works(session: Session, work_ids: Collection[str]) -> None:
    if work_ids:
        session.execute(text("DELETE FROM clearable_works WHERE work_id IN :works")
                        .bindparams(bindparam("works", expanding=True)),
                        {"works": sorted(set(work_ids))})


def rebuild_clearable_works(session: Session) -> None:
    """Every row anew (after a bulk load that bypassed the services)."""
    session.execute(text("DELETE FROM clearable_works"))
    session.execute(text(f"{_INSERT}{_ROWS}"))
