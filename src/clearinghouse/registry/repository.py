"""All registry SQL lives here: small query functions over a session."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Literal

from sqlalchemy import (
    ColumnElement,
    String,
    bindparam,
    case,
    cast,
    func,
    literal_column,
    or_,
    select,
    union_all,
    update,
)
from sqlalchemy.orm import Session, aliased

from clearinghouse.registry.domain import RelationKind
from clearinghouse.registry.tables import (
    ApiKey,
    Holding,
    Mandate,
    OwnershipConflict,
    Party,
    Work,
    WorkIdentifier,
    WorkRelation,
    WorkType,
)


def get_party(session: Session, party_id: str, *, for_update: bool = False) -> Party | None:
    if for_update:
        return session.scalars(select(Party).where(Party.id == party_id).with_for_update()).first()
    return session.get(Party, party_id)


def list_parties(
    session: Session, *, role: str | None, offset: int, limit: int, name: str | None = None
) -> tuple[Sequence[Party], int]:
    query = select(Party)
    if name:
        # A few letters of any of its names, or its id (the operator's console searches);
        # autoescape: a typed % or _ is a character, not a wildcard.
        lower = name.lower()
        query = query.where(or_(func.lower(Party.name).contains(lower, autoescape=True),
                                func.lower(Party.name_en).contains(lower, autoescape=True),
                                Party.name_zh.contains(name, autoescape=True), Party.id == name))
    if role:
        # JSON arrays are not portably indexable; the role list is short, so match the text.
        query = query.where(cast(Party.roles, String).like(f'%"{role}"%'))
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = session.scalars(query.order_by(Party.id).offset(offset).limit(limit)).all()
    return rows, total


def find_key_by_lookup(session: Session, lookup: str) -> ApiKey | None:
    return session.scalars(select(ApiKey).where(ApiKey.lookup == lookup)).first()


def key_and_party_by_lookup(session: Session, lookup: str) -> tuple[ApiKey, Party] | None:
    """A key with its party in one statement: every authenticated request asks."""
    row = session.execute(select(ApiKey, Party).join(Party, Party.id == ApiKey.party_id)
                          .where(ApiKey.lookup == lookup)).first()
    return None if row is None else (row[0], row[1])


def key_ids_by_lookup(session: Session, lookups: Iterable[str]) -> dict[str, str]:
    wanted = sorted(set(lookups))
    if not wanted:
        return {}
    rows = session.execute(select(ApiKey.lookup, ApiKey.id).where(ApiKey.lookup.in_(wanted)))
    return {lookup: key_id for lookup, key_id in rows}


def set_keys_last_used(session: Session, used: Mapping[str, datetime]) -> None:
    """Move each key's `last_used_at` forward (never back: batches may arrive out of order)."""
    for key_id, at in sorted(used.items()):
        session.execute(
            update(ApiKey)
            .where(ApiKey.id == key_id, or_(ApiKey.last_used_at.is_(None), ApiKey.last_used_at < at))
            .values(last_used_at=at)
        )


def list_keys(session: Session, party_id: str) -> Sequence[ApiKey]:
    return session.scalars(
        select(ApiKey).where(ApiKey.party_id == party_id).order_by(ApiKey.created_at)
    ).all()


def mandates_of_agent(session: Session, agent_id: str) -> Sequence[Mandate]:
    return session.scalars(select(Mandate).where(Mandate.agent_id == agent_id)).all()


def list_mandates(
    session: Session, party_id: str | None, *, offset: int, limit: int
) -> tuple[Sequence[Mandate], int]:
    query = select(Mandate)
    if party_id:
        query = query.where(or_(Mandate.agent_id == party_id, Mandate.owner_id == party_id))
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    return session.scalars(query.order_by(Mandate.id).offset(offset).limit(limit)).all(), total


def get_work_type(session: Session, code: str) -> WorkType | None:
    return session.get(WorkType, code)


def list_work_types(session: Session) -> Sequence[WorkType]:
    return session.scalars(select(WorkType).order_by(WorkType.code)).all()


def get_work(session: Session, work_id: str, *, for_update: bool = False) -> Work | None:
    if for_update:
        return session.scalars(select(Work).where(Work.id == work_id).with_for_update()).first()
    return session.get(Work, work_id)


def works_by_ids(session: Session, ids: Sequence[str]) -> dict[str, Work]:
    if not ids:
        return {}
    return {w.id: w for w in session.scalars(select(Work).where(Work.id.in_(ids)))}


def page_of_works_of_party(session: Session, party_id: str, *, offset: int, limit: int
                           ) -> tuple[Sequence[Work], int]:
    """Works the party registered or holds an accepted holding in, newest first, and the total."""
    held = select(Holding.work_id).where(Holding.holder_id == party_id, Holding.status == "active")
    query = select(Work).where(or_(Work.registrant_id == party_id, Work.id.in_(held)))
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = session.scalars(query.order_by(Work.created_at.desc(), Work.id).offset(offset).limit(limit)).all()
    return rows, total


def work_ids_of_party(session: Session, party_id: str) -> set[str]:
    """The ids of the works the party registered or holds an accepted holding in (the rule of
    page_of_works_of_party)."""
    held = select(Holding.work_id).where(Holding.holder_id == party_id, Holding.status == "active")
    return set(session.scalars(select(Work.id).where(or_(Work.registrant_id == party_id,
                                                         Work.id.in_(held)))))


def identifier_owner(session: Session, scheme: str, value: str) -> str | None:
    return session.scalar(
        select(WorkIdentifier.work_id).where(
            WorkIdentifier.scheme == scheme, WorkIdentifier.value == value
        )
    )


def relations_of(session: Session, work_id: str) -> Sequence[WorkRelation]:
    return session.scalars(
        select(WorkRelation)
        .where(or_(WorkRelation.from_work_id == work_id, WorkRelation.to_work_id == work_id))
        .order_by(WorkRelation.id)
    ).all()


def linked_work_ids(session: Session, work_id: str, kind: str) -> list[str]:
    """Works that `work_id` points to with `kind` (e.g. the composition a recording embodies)."""
    return list(
        session.scalars(
            select(WorkRelation.to_work_id).where(
                WorkRelation.from_work_id == work_id, WorkRelation.kind == kind
            )
        )
    )


@dataclass(frozen=True)
class EmbodimentLink:
    """`linked_id` is a recording of `work_id` (a composition) or the composition it embodies."""

    work_id: str
    work_title: str
    linked_as: Literal["recording", "composition"]
    linked_id: str
    linked_title: str
    linked_code: str | None  # the linked work's ISRC (or ISWC), if it has one
    total: int  # how many works are linked to `work_id` this way, shown or not


def _embodiment_side(work_end: Any, linked_end: Any, linked_as: str) -> Any:
    # Joined inside each side, where the relation's index drives the plan: joined outside the
    # window, SQLite scanned every work (a second per page at a million works).
    work, linked = aliased(Work), aliased(Work)
    # The scheme is tested inside the aggregate, not in WHERE: given `scheme IN`, SQLite walked
    # the (scheme, value) index, every ISRC, for each row.
    code = (select(func.min(case((WorkIdentifier.scheme.in_(("isrc", "iswc")),
                                  WorkIdentifier.value))))
            .where(WorkIdentifier.work_id == linked.id).scalar_subquery())
    return (select(
        work_end.label("work_id"), work.title.label("work_title"),
        literal_column(f"'{linked_as}'").label("linked_as"), linked_end.label("linked_id"),
        linked.title.label("linked_title"), code.label("linked_code"),
        func.count().over(partition_by=work_end).label("total"),
        func.row_number().over(partition_by=work_end, order_by=linked_end).label("n"))
        .join(work, work.id == work_end).join(linked, linked.id == linked_end)
        .where(WorkRelation.kind == RelationKind.EMBODIES.value,
               work_end.in_(bindparam("ids", expanding=True))))


# Built once: building this statement cost twice what running it does.
_LINKS = union_all(
    _embodiment_side(WorkRelation.to_work_id, WorkRelation.from_work_id, "recording"),
    _embodiment_side(WorkRelation.from_work_id, WorkRelation.to_work_id, "composition"),
).subquery()
_EMBODIMENT_LINKS = (
    select(_LINKS.c.work_id, _LINKS.c.work_title, _LINKS.c.linked_as, _LINKS.c.linked_id,
           _LINKS.c.linked_title, _LINKS.c.linked_code, _LINKS.c.total)
    .where(_LINKS.c.n <= bindparam("per_work"))
    .order_by(_LINKS.c.work_id, _LINKS.c.linked_as, _LINKS.c.linked_id))


def embodiment_links(session: Session, work_ids: Sequence[str], *,
                     per_work: int) -> list[EmbodimentLink]:
    """Both ends of `embodies` for many works in one query: each work's recordings and the
    compositions it embodies, at most `per_work` of each (oldest registration first)."""
    if not work_ids:
        return []
    rows = session.execute(_EMBODIMENT_LINKS, {"ids": list(work_ids), "per_work": per_work})
    return [EmbodimentLink(*row) for row in rows]


def holdings_of_work(
    session: Session, work_id: str, *, active_only: bool = True, statuses: Sequence[str] | None = None
) -> Sequence[Holding]:
    """Accepted holdings by default; `statuses` names others (claims, withdrawn ones) as well."""
    query = select(Holding).where(Holding.work_id == work_id)
    if statuses is not None:
        query = query.where(Holding.status.in_(list(statuses)))
    elif active_only:
        query = query.where(Holding.status == "active")
    return session.scalars(query.order_by(Holding.created_at, Holding.id)).all()


def managing_holders(session: Session, work_id: str, on: date) -> list[str]:
    """Holders whose accepted holding manages the work and has not ended by `on`."""
    return list(
        session.scalars(
            select(Holding.holder_id).where(
                Holding.work_id == work_id, Holding.status == "active", Holding.manages_work.is_(True),
                or_(Holding.valid_to.is_(None), Holding.valid_to > on),
            ).distinct()
        )
    )


def holdings_of_works(session: Session, work_ids: Sequence[str]) -> Sequence[Holding]:
    if not work_ids:
        return []
    return session.scalars(
        select(Holding)
        .where(Holding.work_id.in_(work_ids), Holding.status == "active")
        .order_by(Holding.work_id, Holding.created_at, Holding.id)
    ).all()


def get_holding(session: Session, holding_id: str, *, for_update: bool = False) -> Holding | None:
    if for_update:
        return session.scalars(select(Holding).where(Holding.id == holding_id).with_for_update()).first()
    return session.get(Holding, holding_id)


def work_ids_held_by(session: Session, party_id: str) -> list[str]:
    return list(
        session.scalars(
            select(Holding.work_id).where(Holding.holder_id == party_id, Holding.status == "active").distinct()
        )
    )


def conflicts_of_work(session: Session, work_id: str) -> Sequence[OwnershipConflict]:
    return session.scalars(
        select(OwnershipConflict).where(OwnershipConflict.work_id == work_id)
    ).all()


def open_conflicts_of_works(session: Session, work_ids: Sequence[str]) -> Sequence[OwnershipConflict]:
    if not work_ids:
        return []
    return session.scalars(
        select(OwnershipConflict).where(OwnershipConflict.work_id.in_(work_ids),
                                        OwnershipConflict.status == "open")
        .order_by(OwnershipConflict.work_id, OwnershipConflict.id)
    ).all()


def list_conflicts(session: Session, *, status: str | None) -> list[OwnershipConflict]:
    query = select(OwnershipConflict)
    if status:
        query = query.where(OwnershipConflict.status == status)
    return list(session.scalars(query.order_by(OwnershipConflict.detected_at, OwnershipConflict.id)))


def get_conflict(session: Session, conflict_id: str) -> OwnershipConflict | None:
    return session.get(OwnershipConflict, conflict_id)


def today_mandates(session: Session, agent_id: str, on: date) -> Sequence[Mandate]:
    return session.scalars(
        select(Mandate).where(
            Mandate.agent_id == agent_id,
            Mandate.valid_from <= on,
            or_(Mandate.valid_to.is_(None), Mandate.valid_to > on),
        )
    ).all()


def _is_operator() -> ColumnElement[bool]:
    return cast(Party.roles, String).like('%"operator"%')


def first_operator_party(session: Session) -> Party | None:
    """The operator: the first party registered with the operator role (made by `init`)."""
    return session.scalars(select(Party).where(_is_operator()).order_by(Party.created_at)).first()


def operator_and_party_name(session: Session, party_id: str) -> tuple[tuple[str, str] | None, str | None]:
    """The operator's (id, name) as `first_operator_party` finds it, and the name of `party_id`
    (None when it does not exist): one statement, for a certificate's issuer and licensee."""
    rows = session.execute(
        select(Party.id, Party.name, _is_operator().label("operator"))
        .where(or_(Party.id == party_id, _is_operator())).order_by(Party.created_at)).all()
    operator = next(((r.id, r.name) for r in rows if r.operator), None)
    return operator, next((r.name for r in rows if r.id == party_id), None)


def lock_works(session: Session, work_ids: Sequence[str]) -> None:
    """Lock the works' rows until the transaction ends (`SELECT … FOR UPDATE`), in id order so
    that two transactions locking overlapping sets never deadlock."""
    session.execute(
        select(Work.id).where(Work.id.in_(sorted(set(work_ids)))).order_by(Work.id).with_for_update()
    ).all()


def active_holdings_of_holder(session: Session, holder_id: str) -> Sequence[Holding]:
    """Every accepted holding of one holder (ended ones too: callers check the dates)."""
    return session.scalars(
        select(Holding).where(Holding.holder_id == holder_id, Holding.status == "active")
    ).all()


def page_of_holdings_of_holder(session: Session, holder_id: str, *, offset: int, limit: int
                               ) -> tuple[Sequence[Holding], int]:
    """Every holding of one holder, claims and withdrawn ones too, newest first, and the total."""
    query = select(Holding).where(Holding.holder_id == holder_id)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = session.scalars(query.order_by(Holding.created_at.desc(), Holding.id).offset(offset).limit(limit)).all()
    return rows, total
