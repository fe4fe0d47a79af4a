"""The import's rules: every check a row must pass, exactly as `POST /works` and
`POST /works/{id}/holdings` would make it, so that a rejected row lists all its reasons.

Pure: `RowChecker.check` needs nothing but the row; `apply_facts` adds what the database knows
(registered identifiers, parties and their roles), looked up for a batch of rows at once.
References between rows are resolved afterwards by import_book.RowBook.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from typing import Any

from pydantic import ValidationError

from clearinghouse.access.domain import Principal, Role
from clearinghouse.core.identifiers import InvalidIdentifier, normalize_identifier
from clearinghouse.core.shares import ShareError
from clearinghouse.core.territories import UnknownTerritory, expand, normalize_codes
from clearinghouse.registry import holdings_service
from clearinghouse.registry.domain import ALL_RIGHTS, RelationKind
from clearinghouse.registry.import_formats import HoldingDraft, ImportOptions, WorkDraft
from clearinghouse.registry.import_writer import share_ppm
from clearinghouse.registry.schemas import HoldingCreate, WorkCreate

__all__ = ["ImportOptions", "RowChecker", "LookupFacts", "apply_facts"]

PERMISSION = ("an owner imports holdings only for itself, an agent only for the owners and "
              "rights its mandate covers")
RELATION_KINDS = {k.value for k in RelationKind}


def _field(loc: tuple[Any, ...]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "row"


@lru_cache(maxsize=1024)
def territories_problem(included: tuple[str, ...], excluded: tuple[str, ...]) -> tuple[str, str] | None:
    """(field, message) when the territories are unusable; cached, as a catalogue repeats them."""
    try:
        if not expand(normalize_codes(list(included)), normalize_codes(list(excluded))):
            return "territories_excluded", "the territories exclude every country"
    except UnknownTerritory as exc:
        in_included = exc.code.upper() in {c.upper() for c in included}
        return ("territories" if in_included else "territories_excluded"), str(exc)
    return None


class RowChecker:
    """Checks one row at a time; remembers the first row of each identifier in the file."""

    def __init__(self, principal: Principal, categories: dict[str, str]) -> None:
        self.principal = principal
        self.categories = categories  # work type code -> category
        self.first_row_of: dict[tuple[str, str], int] = {}

    def check(self, draft: WorkDraft) -> None:
        self._check_work(draft)
        self._check_identifiers(draft)
        seen: set[tuple[str, str]] = set()
        for rel in draft.relations:
            if rel.kind not in RELATION_KINDS:
                draft.fail(rel.field, f"unknown relation {rel.kind!r}; use one of "
                           f"{', '.join(sorted(RELATION_KINDS))}")
            elif (rel.kind, rel.target) in seen:
                draft.fail(rel.field, f"the relation {rel.kind} to {rel.target!r} is listed twice")
            seen.add((rel.kind, rel.target))
        for holding in draft.holdings:
            self._check_holding(draft, holding)

    def _check_work(self, draft: WorkDraft) -> None:
        try:
            draft.data = WorkCreate.model_validate(draft.payload)
        except ValidationError as exc:
            for err in exc.errors():
                draft.fail(_field(err["loc"]), err["msg"])
        work_type = draft.payload.get("type")
        if isinstance(work_type, str) and work_type.strip() and work_type.strip() not in self.categories:
            known = ", ".join(sorted(self.categories))
            draft.fail("type", f"unknown work type {work_type!r}; known: {known}")
        owner = draft.data.on_behalf_of if draft.data else None
        if owner and not self.principal.acts_for(owner, ALL_RIGHTS):
            draft.fail("on_behalf_of", "no mandate for every right to register works for that owner")

    def _check_identifiers(self, draft: WorkDraft) -> None:
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
            first = self.first_row_of.setdefault(key, draft.row)
            if first != draft.row:
                draft.fail(f"identifiers[{i}].value",
                           f"{key[0].upper()} {key[1]} is also in row {first} of this file")

    def _check_holding(self, draft: WorkDraft, holding: HoldingDraft) -> None:
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
            share_ppm(data.share)
        except ShareError as exc:
            fail("share", str(exc))
        problem = territories_problem(tuple(data.territories), tuple(data.territories_excluded))
        if problem is not None:
            fail(*problem)
        if data.valid_to is not None and data.valid_to <= (data.valid_from or date.today()):
            fail("valid_to", "valid_to must be after valid_from")
        if not data.warranty.accepted:
            fail("warranty", "the holder must warrant that it may grant licenses for this holding")
        rights = sorted({r.value for r in data.rights})
        if not holdings_service.may_manage_holding(self.principal,
                                                   data.holder_id or self.principal.party_id, rights):
            fail("holder_id", PERMISSION)


# -- what the database knows, for a batch of rows ---------------------------------------------


@dataclass
class LookupFacts:
    identifiers: dict[tuple[str, str], str] = field(default_factory=dict)  # -> registered work
    party_roles: dict[str, list[str]] = field(default_factory=dict)


def lookup_keys(drafts: list[WorkDraft], principal: Principal) -> tuple[set[tuple[str, str]], set[str]]:
    """The identifiers and party ids a batch of checked rows mentions."""
    identifiers: set[tuple[str, str]] = set()
    parties: set[str] = set()
    for draft in drafts:
        if draft.data is None:
            continue
        identifiers.update(_identifier_keys(draft.data))
        parties.update(c.party_id for c in draft.data.creators if c.party_id)
        if draft.data.on_behalf_of:
            parties.add(draft.data.on_behalf_of)
        for holding in draft.holdings:
            if holding.data is not None:
                parties.add(holding.data.holder_id or principal.party_id)
                if holding.data.administrator_id:
                    parties.add(holding.data.administrator_id)
    return identifiers, parties


def _identifier_keys(data: WorkCreate) -> list[tuple[str, str]]:
    keys = []
    for item in data.identifiers:
        try:
            keys.append(normalize_identifier(item.scheme, item.value))
        except InvalidIdentifier:
            continue
    return keys


def apply_facts(draft: WorkDraft, facts: LookupFacts, principal: Principal) -> None:
    """The checks that need the database, with the services' own messages."""
    data = draft.data
    if data is None:
        return
    for i, item in enumerate(data.identifiers):
        try:
            key = normalize_identifier(item.scheme, item.value)
        except InvalidIdentifier:
            continue
        owner = facts.identifiers.get(key)
        if owner is not None:
            draft.fail(f"identifiers[{i}].value",
                       f"{key[0].upper()} {key[1]} is already registered to work {owner}")
    if data.on_behalf_of and data.on_behalf_of not in facts.party_roles:
        draft.fail("on_behalf_of", f"party {data.on_behalf_of} not found")
    for i, creator in enumerate(data.creators):
        if creator.party_id and creator.party_id not in facts.party_roles:
            draft.fail(f"creators[{i}].party_id", f"party {creator.party_id} not found")
    for holding in draft.holdings:
        if holding.data is None:
            continue
        holder = holding.data.holder_id or principal.party_id
        roles = facts.party_roles.get(holder)
        if roles is None:
            draft.fail(holding.prefix + "holder_id", f"party {holder} not found", holding.row)
        elif Role.OWNER.value not in roles:
            draft.fail(holding.prefix + "holder_id", "the holder must be a party with the owner role",
                       holding.row)
        admin = holding.data.administrator_id
        if admin and Role.AGENT.value not in facts.party_roles.get(admin, []):
            draft.fail(holding.prefix + "administrator_id", "the administrator must be an agent party",
                       holding.row)
