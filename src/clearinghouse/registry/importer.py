"""Bulk import of a catalogue: check every row, then apply the valid ones in one transaction.

`check_drafts` runs the API's own rules (schemas, identifier check digits, shares, territories,
permissions) over every row so that a rejected row lists all its reasons; `run_import` then
creates each work and its holdings through works_service/holdings_service inside a savepoint,
so a row the database refuses rolls back alone, and the whole import is one transaction.
Search needs nothing more: create_work indexes each work in the same savepoint, so a rolled
back row leaves no document behind (a full `search.indexer.rebuild` would cost the whole
catalogue for every import).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from pydantic import ValidationError
from sqlalchemy.exc import DataError, IntegrityError
from sqlalchemy.orm import Session

from clearinghouse.access.domain import Principal
from clearinghouse.core.errors import DomainError, Forbidden
from clearinghouse.core.identifiers import InvalidIdentifier, normalize_identifier
from clearinghouse.core.ids import new_id
from clearinghouse.core.territories import UnknownTerritory, expand, normalize_codes
from clearinghouse.registry import holdings_service, repository, works_service
from clearinghouse.registry.audit import record
from clearinghouse.registry.domain import ALL_RIGHTS, RelationKind, ShareError, parse_share
from clearinghouse.registry.import_formats import (
    HoldingDraft,
    ImportOptions,
    ParsedFile,
    WorkDraft,
    parse_file,
)
from clearinghouse.registry.import_schemas import ImportReport, RowError, RowReport, RowStatus
from clearinghouse.registry.schemas import HoldingCreate, RelationIn, WorkCreate

__all__ = ["ImportOptions", "check_drafts", "parse_file", "run_import"]

Progress = Callable[[int, int], None]
PERMISSION = ("an owner imports holdings only for itself, an agent only for the owners and "
              "rights its mandate covers")
RELATION_KINDS = {k.value for k in RelationKind}


def _field(loc: tuple[Any, ...]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "row"


# -- checking (no writes) ---------------------------------------------------------------------


def check_drafts(drafts: list[WorkDraft], principal: Principal, known_types: set[str]) -> None:
    """Add every reason to reject each row; duplicates within the file name the earlier row."""
    refs = {d.ref: d for d in drafts if d.ref}
    seen: dict[tuple[str, str], int] = {}
    for draft in drafts:
        _check_work(draft, principal, known_types)
        _check_identifiers(draft, seen)
        for rel in draft.relations:
            if rel.kind not in RELATION_KINDS:
                draft.fail(rel.field, f"unknown relation {rel.kind!r}; use one of "
                           f"{', '.join(sorted(RELATION_KINDS))}")
            elif rel.in_file and (rel.target not in refs or refs[rel.target] is draft):
                draft.fail(rel.field, f"no other row of this file has ref {rel.target!r}")
        for holding in draft.holdings:
            _check_holding(draft, holding, principal)


def _check_work(draft: WorkDraft, principal: Principal, known_types: set[str]) -> None:
    try:
        draft.data = WorkCreate.model_validate(draft.payload)
    except ValidationError as exc:
        for err in exc.errors():
            draft.fail(_field(err["loc"]), err["msg"])
    work_type = draft.payload.get("type")
    if isinstance(work_type, str) and work_type.strip() and work_type.strip() not in known_types:
        known = ", ".join(sorted(known_types))
        draft.fail("type", f"unknown work type {work_type!r}; known: {known}")
    owner = draft.data.on_behalf_of if draft.data else None
    if owner and not principal.acts_for(owner, ALL_RIGHTS):
        draft.fail("on_behalf_of", "no mandate for every right to register works for that owner")


def _check_identifiers(draft: WorkDraft, seen: dict[tuple[str, str], int]) -> None:
    items = draft.payload.get("identifiers")
    for i, item in enumerate(items if isinstance(items, list) else []):
        if not (isinstance(item, dict) and isinstance(item.get("scheme"), str)
                and isinstance(item.get("value"), str)):
            continue  # the schema check reports the shape
        try:
            key = normalize_identifier(item["scheme"].strip(), item["value"].strip())
        except InvalidIdentifier as exc:
            draft.fail(f"identifiers[{i}].value", str(exc))
            continue
        first = seen.setdefault(key, draft.row)
        if first != draft.row:
            draft.fail(f"identifiers[{i}].value",
                       f"{key[0].upper()} {key[1]} is also in row {first} of this file")


def _check_holding(draft: WorkDraft, holding: HoldingDraft, principal: Principal) -> None:
    def fail(name: str, message: str) -> None:
        draft.fail(holding.prefix + name, message, holding.row)

    if not isinstance(holding.payload, dict):
        fail("row", "a holding must be a JSON object")
        return
    try:
        data = holding.data = HoldingCreate.model_validate(holding.payload)
    except ValidationError as exc:
        for err in exc.errors():
            fail(_field(err["loc"]), err["msg"])
        return
    try:
        parse_share(data.share)
    except ShareError as exc:
        fail("share", str(exc))
    try:
        excluded = normalize_codes(data.territories_excluded)
        if not expand(normalize_codes(data.territories), excluded):
            fail("territories_excluded", "the territories exclude every country")
    except UnknownTerritory as exc:
        in_included = exc.code.upper() in {c.upper() for c in data.territories}
        fail("territories" if in_included else "territories_excluded", str(exc))
    if data.valid_to is not None and data.valid_to <= (data.valid_from or date.today()):
        fail("valid_to", "valid_to must be after valid_from")
    if not data.warranty.accepted:
        fail("warranty", "the holder must warrant that it may grant licenses for this holding")
    rights = sorted({r.value for r in data.rights})
    if not holdings_service.may_manage_holding(principal, data.holder_id or principal.party_id,
                                               rights):
        fail("holder_id", PERMISSION)


def apply_order(drafts: list[WorkDraft]) -> list[WorkDraft]:
    """File order, except that a row comes after the rows of this file it refers to."""
    refs = {d.ref: d for d in drafts if d.ref}
    placed: list[WorkDraft] = []
    done: set[int] = set()
    pending = list(drafts)
    while pending:
        waiting = []
        for draft in pending:
            deps = [refs[r.target] for r in draft.relations if r.in_file and r.target in refs]
            if all(id(dep) in done or dep is draft for dep in deps):
                placed.append(draft)
                done.add(id(draft))
            else:
                waiting.append(draft)
        if len(waiting) == len(pending):  # nothing moved: the rest refer to each other in a loop
            for draft in waiting:
                draft.fail("relations", "these rows refer to each other in a circle")
            placed.extend(waiting)
            break
        pending = waiting
    return placed


# -- applying ---------------------------------------------------------------------------------


class _HoldingRefused(Exception):
    def __init__(self, holding: HoldingDraft, exc: DomainError) -> None:
        super().__init__(exc.message)
        self.holding, self.error = holding, exc


def _apply(session: Session, principal: Principal, draft: WorkDraft,
           ids: dict[str, WorkDraft]) -> None:
    assert draft.data is not None
    relations: list[RelationIn] = []
    for rel in draft.relations:
        target = ids[rel.target].work_id if rel.in_file else rel.target
        if target is None:
            draft.fail(rel.field, f"it refers to row {ids[rel.target].row} "
                       f"(ref {rel.target!r}), which was rejected")
            return
        relations.append(RelationIn(kind=RelationKind(rel.kind), work_id=target))
    try:
        with session.begin_nested():  # a refused row rolls back alone
            work = works_service.create_work(session, principal,
                                             draft.data.model_copy(update={"relations": relations}))
            for holding in draft.holdings:
                assert holding.data is not None
                try:
                    holding.holding_id = holdings_service.create_holding(
                        session, principal, work.id, holding.data).id
                except DomainError as exc:
                    raise _HoldingRefused(holding, exc) from exc
    except _HoldingRefused as refused:
        name = "holder_id" if refused.error.field == "party_id" else refused.error.field or "row"
        draft.fail(refused.holding.prefix + name, refused.error.message, refused.holding.row)
    except DomainError as exc:
        draft.fail(exc.field or "row", exc.message)
    except (IntegrityError, DataError) as exc:
        reason = str(exc.orig).strip().splitlines()[0] if exc.orig else "refused"
        draft.fail("row", f"the database refused this row (a duplicate?): {reason}")
    else:
        draft.work_id = work.id
        return
    for holding in draft.holdings:  # rolled back with the savepoint
        holding.holding_id = None


def run_import(
    session: Session,
    principal: Principal,
    data: bytes,
    options: ImportOptions,
    on_progress: Progress | None = None,
) -> ImportReport:
    """Import a catalogue file; flushes only, the caller commits (entrypoints own transactions)."""
    if not principal.has(*works_service.REGISTERING_ROLES):
        raise Forbidden("only owners, agents and the operator import works")
    parsed = parse_file(data, options)
    known_types = {t.code for t in repository.list_work_types(session)}
    check_drafts(parsed.drafts, principal, known_types)
    refs = {d.ref: d for d in parsed.drafts if d.ref}
    total = len(parsed.drafts)
    outer = session.begin_nested()  # lets all-or-nothing and dry runs undo every row at the end
    for done, draft in enumerate(apply_order(parsed.drafts), 1):
        if not draft.errors:
            _apply(session, principal, draft, refs)
        if on_progress is not None:
            on_progress(done, total)
    rejected = any(d.errors for d in parsed.drafts)
    applied = not options.dry_run and not (options.all_or_nothing and rejected)
    import_id = None
    if applied:
        outer.commit()
        written = sum(1 for d in parsed.drafts if d.work_id)
        if written:
            import_id = new_id("imp")
            record(session, principal, "works.import", "import", import_id, None, {
                "format": parsed.format, "encoding": parsed.encoding, "rows": total,
                "works": written,
            })
    else:
        outer.rollback()
        for draft in parsed.drafts:
            draft.work_id = None
            for holding in draft.holdings:
                holding.holding_id = None
    return _report(parsed, options, applied, import_id)


def _report(parsed: ParsedFile, options: ImportOptions, applied: bool,
            import_id: str | None) -> ImportReport:
    rows: list[RowReport] = []
    for draft in parsed.drafts:
        status: RowStatus = "rejected" if draft.errors else "accepted"
        for row in (draft.row, *draft.extra_rows):
            errors = [RowError(field=f, message=m) for r, f, m in draft.errors if r == row]
            if status == "rejected" and not errors:
                others = sorted({r for r, _, _ in draft.errors})
                errors = [RowError(field="ref", message="rejected with its work: see row(s) "
                                   + ", ".join(map(str, others)))]
            rows.append(RowReport(row=row, ref=draft.ref, status=status, work_id=draft.work_id,
                                  holding_ids=[h.holding_id for h in draft.holdings
                                               if h.row == row and h.holding_id],
                                  errors=errors))
    rows.sort(key=lambda r: r.row)
    accepted = sum(1 for r in rows if r.status == "accepted")
    return ImportReport(
        import_id=import_id, format=parsed.format, encoding=parsed.encoding,  # type: ignore[arg-type]
        total=len(rows), accepted=accepted, rejected=len(rows) - accepted, applied=applied,
        dry_run=options.dry_run, all_or_nothing=options.all_or_nothing, rows=rows,
    )
