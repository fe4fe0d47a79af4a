"""Use cases for works and work types."""

from __future__ import annotations

from sqlalchemy.orm import Session

from clearinghouse.access.domain import Principal, Role
from clearinghouse.core import changes
from clearinghouse.core.audit import record, snapshot
from clearinghouse.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from clearinghouse.core.identifiers import InvalidIdentifier, normalize_identifier
from clearinghouse.core.ids import new_id
from clearinghouse.core.versioning import check_version
from clearinghouse.registry import page_repository, repository
from clearinghouse.registry.domain import ALL_RIGHTS, RelationKind

# Re-exported: delivery checks uploads with them.
from clearinghouse.registry.management import can_manage_work as can_manage_work
from clearinghouse.registry.management import require_manage as require_manage
from clearinghouse.registry.parties_service import get_party, require_operator
from clearinghouse.registry.schemas import (
    CreatorIn,
    IdentifierIn,
    RelationIn,
    WorkCreate,
    WorkTypeCreate,
    WorkUpdate,
)
from clearinghouse.registry.tables import (
    Work,
    WorkCreator,
    WorkIdentifier,
    WorkRelation,
    WorkTag,
    WorkType,
)

REGISTERING_ROLES = (Role.OWNER, Role.AGENT, Role.OPERATOR)

# Which category may point at which with a relation (from -> allowed targets).
RELATION_RULES: dict[str, dict[str, set[str]]] = {
    RelationKind.EMBODIES: {"recording": {"composition"}, "audiovisual": {"composition", "recording"}},
    RelationKind.CONTAINS: {
        "audiovisual": {"composition", "recording", "audiovisual", "image", "text"},
    },
}


def get_work(session: Session, work_id: str, *, for_update: bool = False) -> Work:
    work = repository.get_work(session, work_id, for_update=for_update)
    if work is None:
        raise NotFound(f"work {work_id} not found", field="work_id")
    return work


def get_work_page(session: Session, work_id: str) -> page_repository.WorkPage:
    """What a work's public page shows, read without loading ORM records."""
    page = page_repository.work_page(session, work_id)
    if page is None:
        raise NotFound(f"work {work_id} not found", field="work_id")
    return page


def get_type(session: Session, code: str, field: str = "type") -> WorkType:
    work_type = repository.get_work_type(session, code)
    if work_type is None:
        known = ", ".join(t.code for t in repository.list_work_types(session))
        raise ValidationFailed(f"unknown work type {code!r}; known: {known}", field=field)
    return work_type


def create_work_type(session: Session, principal: Principal, data: WorkTypeCreate) -> WorkType:
    require_operator(principal)
    if repository.get_work_type(session, data.code) is not None:
        raise Conflict(f"work type {data.code} exists", field="code")
    if data.parent_code:
        get_type(session, data.parent_code, "parent_code")
    work_type = WorkType(**data.model_dump())
    session.add(work_type)
    session.flush()
    record(session, principal, "work_type.create", "work_type", work_type.code, None, data.model_dump())
    return work_type


def _identifiers(session: Session, items: list[IdentifierIn], work_id: str) -> list[WorkIdentifier]:
    out: list[WorkIdentifier] = []
    seen: set[tuple[str, str]] = set()
    for i, item in enumerate(items):
        try:
            scheme, value = normalize_identifier(item.scheme, item.value)
        except InvalidIdentifier as exc:
            raise ValidationFailed(str(exc), field=f"identifiers[{i}].value") from exc
        if (scheme, value) in seen:
            continue
        seen.add((scheme, value))
        owner = repository.identifier_owner(session, scheme, value)
        if owner is not None and owner != work_id:
            raise Conflict(
                f"{scheme.upper()} {value} is already registered to work {owner}",
                field=f"identifiers[{i}].value",
            )
        out.append(WorkIdentifier(scheme=scheme, value=value))
    return out


def _creators(session: Session, items: list[CreatorIn]) -> list[WorkCreator]:
    for i, c in enumerate(items):
        if c.party_id and repository.get_party(session, c.party_id) is None:
            raise ValidationFailed(f"party {c.party_id} not found", field=f"creators[{i}].party_id")
    return [WorkCreator(position=i, name=c.name, role=c.role, party_id=c.party_id) for i, c in enumerate(items)]


def _relations(session: Session, work: Work, category: str, items: list[RelationIn]) -> list[WorkRelation]:
    out: list[WorkRelation] = []
    for i, rel in enumerate(items):
        target = repository.get_work(session, rel.work_id)
        if target is None or target.id == work.id:
            raise ValidationFailed(f"related work {rel.work_id} not found", field=f"relations[{i}].work_id")
        target_category = get_type(session, target.type_code).category
        allowed = RELATION_RULES.get(rel.kind, {}).get(category)
        if rel.kind != RelationKind.DERIVED_FROM and (allowed is None or target_category not in allowed):
            raise ValidationFailed(
                f"a {category} work cannot '{rel.kind.value}' a {target_category} work",
                field=f"relations[{i}].kind",
            )
        out.append(WorkRelation(from_work_id=work.id, to_work_id=target.id, kind=rel.kind.value))
    return out


def create_work(session: Session, principal: Principal, data: WorkCreate) -> Work:
    if not principal.has(*REGISTERING_ROLES):
        raise Forbidden("only owners, agents and the operator register works")
    registrant = principal.party_id
    if data.on_behalf_of and data.on_behalf_of != principal.party_id:
        get_party(session, data.on_behalf_of)
        # The registrant manages the whole work, so registering for an owner takes its mandate
        # for every right, as managing the work does.
        if not principal.acts_for(data.on_behalf_of, ALL_RIGHTS):
            raise Forbidden("no mandate for every right to register for that owner", field="on_behalf_of")
        registrant = data.on_behalf_of
    work_type = get_type(session, data.type)
    work = Work(
        id=new_id("wrk"),
        type_code=work_type.code,
        title=data.title,
        alt_titles=[t.model_dump() for t in data.alt_titles],
        language=data.language,
        length=data.length,
        description=data.description,
        publication_date=data.publication_date,
        moral_rights=data.moral_rights.value,
        registrant_id=registrant,
    )
    work.identifiers = _identifiers(session, data.identifiers, work.id)
    work.creators = _creators(session, data.creators)
    work.tags = [WorkTag(tag=t) for t in sorted({t.lower() for t in data.tags})]
    session.add(work)
    session.flush()
    for rel in _relations(session, work, work_type.category, data.relations):
        session.add(rel)
    session.flush()
    changes.works_changed(session, [work.id])
    record(session, principal, "work.create", "work", work.id, None, work_snapshot(work))
    return work


def update_work(
    session: Session, principal: Principal, work_id: str, data: WorkUpdate, version: int | None
) -> Work:
    work = get_work(session, work_id, for_update=True)  # version check and write as one step
    require_manage(session, principal, work)
    check_version(work.version, version if version is not None else data.version)
    before = work_snapshot(work)
    fields = data.model_dump(exclude_unset=True, exclude={"version"})
    for key in ("title", "length", "language", "description", "publication_date"):
        if key in fields:
            setattr(work, key, fields[key])
    if data.alt_titles is not None:
        work.alt_titles = [t.model_dump() for t in data.alt_titles]
    if data.moral_rights is not None:
        work.moral_rights = data.moral_rights.value
    if data.identifiers is not None:
        new_ids = _identifiers(session, data.identifiers, work.id)
        work.identifiers.clear()
        session.flush()  # free the unique (scheme, value) slots before re-adding
        work.identifiers.extend(new_ids)
    if data.creators is not None:
        work.creators = _creators(session, data.creators)
    if data.tags is not None:
        work.tags.clear()
        session.flush()
        work.tags.extend(WorkTag(tag=t) for t in sorted({t.lower() for t in data.tags}))
    if data.relations is not None:
        for rel in repository.relations_of(session, work.id):
            if rel.from_work_id == work.id:
                session.delete(rel)
        session.flush()
        for rel in _relations(session, work, get_type(session, work.type_code).category, data.relations):
            session.add(rel)
    work.touch()
    session.flush()
    changes.works_changed(session, [work.id])
    record(session, principal, "work.update", "work", work.id, before, work_snapshot(work))
    return work


def work_snapshot(work: Work) -> dict[str, object]:
    data = snapshot(work)
    data["identifiers"] = [f"{i.scheme}:{i.value}" for i in work.identifiers]
    data["creators"] = [f"{c.role}:{c.name}" for c in work.creators]
    data["tags"] = [t.tag for t in work.tags]
    return data
