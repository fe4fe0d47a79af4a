"""The SQL of a work's public page (`GET /api/v1/works/{id}`) and of the works a licence
certificate names: Core selects of the columns shown, no ORM loading.

Loading the `Work` record took six statements (the work, its creators, identifiers and tags by
`selectin`, its type, its relations) plus the ORM's identity-map work for each row, on one of
the most requested routes. Here: the work's columns with its type's length unit, then every
list of the page in one `UNION ALL`, each list in the order the API shows it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Integer, String, bindparam, cast, literal_column, null, or_, select, union_all
from sqlalchemy.orm import Session

from clearinghouse.registry.tables import (
    Work,
    WorkCreator,
    WorkIdentifier,
    WorkRelation,
    WorkTag,
    WorkType,
)


@dataclass(frozen=True)
class WorkPage:
    work: Any  # a row of the works table's columns, plus `length_unit` (None: type gone)
    creators: list[tuple[str, str, str | None]]  # (name, role, party id), in credit order
    identifiers: list[tuple[str, str]]  # (scheme, value), in registration order
    tags: list[str]  # in tag order
    relations: list[tuple[str, str, str]]  # (kind, from work, to work), oldest first


def _part(kind: str, order: Any, a: Any, b: Any = None, c: Any = None) -> Any:
    """One list of the page as rows of (kind, order, a, b, c)."""
    return select(literal_column(f"'{kind}'").label("kind"), cast(order, Integer).label("n"),
                  cast(a, String).label("a"), cast(b if b is not None else null(), String).label("b"),
                  cast(c if c is not None else null(), String).label("c"))


# Built once: constructing a union's column collections and its cache key on every call cost
# more CPU than running it. `:work_id` is bound at execution.
_WORK_ID = bindparam("work_id", type_=String)
# Table columns, not ORM attributes: a Core statement skips the ORM's compile and load steps.
_W, _T, _C, _I = Work.__table__.c, WorkType.__table__.c, WorkCreator.__table__.c, WorkIdentifier.__table__.c
_TAG, _R = WorkTag.__table__.c, WorkRelation.__table__.c
_WORK = (select(*_W, _T.length_unit).select_from(Work.__table__.outerjoin(WorkType.__table__, _T.code == _W.type_code))
         .where(_W.id == _WORK_ID))
_LISTS = union_all(
    _part("c", _C.position, _C.name, _C.role, _C.party_id).where(_C.work_id == _WORK_ID),
    _part("i", _I.id, _I.scheme, _I.value).where(_I.work_id == _WORK_ID),
    _part("t", literal_column("0"), _TAG.tag).where(_TAG.work_id == _WORK_ID),
    _part("r", _R.id, _R.kind, _R.from_work_id, _R.to_work_id)
    .where(or_(_R.from_work_id == _WORK_ID, _R.to_work_id == _WORK_ID)),
).subquery()
# Tags sort by the database's collation, as the ORM's `order_by` did; creators by position.
_PAGE_LISTS = select(_LISTS).order_by(_LISTS.c.kind, _LISTS.c.n, _LISTS.c.a)


def work_page(session: Session, work_id: str) -> WorkPage | None:
    work = session.execute(_WORK, {"work_id": work_id}).first()
    if work is None:
        return None
    rows = session.execute(_PAGE_LISTS, {"work_id": work_id}).all()
    return WorkPage(
        work=work,
        creators=[(r.a, r.b, r.c) for r in rows if r.kind == "c"],
        identifiers=[(r.a, r.b) for r in rows if r.kind == "i"],
        tags=[r.a for r in rows if r.kind == "t"],
        relations=[(r.a, r.b, r.c) for r in rows if r.kind == "r"],
    )


@dataclass(frozen=True)
class WorkIdentity:
    """How a certificate names a work."""

    id: str
    title: str
    type_code: str
    identifiers: list[tuple[str, str]]  # (scheme, value), in registration order


def work_identities(session: Session, work_ids: Sequence[str]) -> dict[str, WorkIdentity]:
    """The works by id (those that exist), in one statement whatever their number."""
    if not work_ids:
        return {}
    found: dict[str, WorkIdentity] = {}
    for r in session.execute(_IDENTITIES, {"ids": sorted(set(work_ids))}):
        work = found.setdefault(r.id, WorkIdentity(r.id, r.title, r.type_code, []))
        if r.scheme is not None:  # a work without identifiers comes as one row of NULLs
            work.identifiers.append((r.scheme, r.value))
    return found


# Each work with each of its identifiers, in registration order (built once: certificates and
# pages name works on hot paths).
_IDENTITIES = (select(Work.id, Work.title, Work.type_code, WorkIdentifier.scheme,
                      WorkIdentifier.value)
               .outerjoin(WorkIdentifier, WorkIdentifier.work_id == Work.id)
               .where(Work.id.in_(bindparam("ids", expanding=True)))
               .order_by(Work.id, WorkIdentifier.id))
