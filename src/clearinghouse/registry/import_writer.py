"""The rows one checked work becomes: what `create_work` and `create_holding` would write
(work, identifiers, creators, tags, holdings, conflicts, audit events, the work as change listeners see it), built
in memory so that a batch of works is written with a few multi-row statements. Pure: no I/O.

The check pass turns each accepted row into a `WorkRecord` (plain values, normalised once), which
is all the write pass needs: records are cheap to keep between the passes (import_spool), where
the parsed file and its validation models would have to be read and built again.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache
from typing import Any, NamedTuple

from clearinghouse.access.domain import Principal
from clearinghouse.core.changes import NewWork
from clearinghouse.core.identifiers import normalize_identifier
from clearinghouse.core.ids import new_id
from clearinghouse.core.shares import parse_share
from clearinghouse.core.territories import expand, normalize_codes
from clearinghouse.registry.domain import HoldingSlice, find_conflicts
from clearinghouse.registry.holdings_service import DEFAULT_WARRANTY
from clearinghouse.registry.import_formats import WorkDraft
from clearinghouse.registry.import_snapshots import SnapshotLayout
from clearinghouse.registry.schemas import HoldingCreate

Row = dict[str, Any]


@dataclass
class WorkRows:
    """Everything one work writes; a batch is their concatenation."""

    work_ids: list[str] = field(default_factory=list)
    works: list[Row] = field(default_factory=list)
    identifiers: list[Row] = field(default_factory=list)
    creators: list[Row] = field(default_factory=list)
    tags: list[Row] = field(default_factory=list)
    holdings: list[Row] = field(default_factory=list)
    relations: list[Row] = field(default_factory=list)
    conflicts: list[Row] = field(default_factory=list)
    audit: list[Row] = field(default_factory=list)
    documents: list[NewWork] = field(default_factory=list)

    def extend(self, other: WorkRows) -> None:
        for name in self.__dataclass_fields__:
            getattr(self, name).extend(getattr(other, name))


class HoldingRecord(NamedTuple):
    row: int  # the spreadsheet row (or line) that gave it
    holder_id: str
    rights: list[str]  # sorted
    share_ppm: int
    territories: list[str]
    territories_excluded: list[str]
    valid_from: date | None  # None: the day it is written
    valid_to: date | None
    administrator_id: str | None
    collective: bool
    warranty_text: str | None


class WorkRecord(NamedTuple):
    """One accepted row: the validated values as the tables store them, nothing else."""

    type_code: str
    title: str
    alt_titles: list[Row]
    language: str | None
    length: int | None
    description: str | None
    publication_date: date | None
    moral_rights: str
    registrant_id: str
    identifiers: list[tuple[str, str]]  # normalised, first of each kept
    creators: list[tuple[str, str, str | None]]  # (name, role, party id)
    tags: list[str]  # lower case, sorted, distinct
    relations: list[tuple[str, str, bool | None]]  # (kind, target, in file: see RowBook)
    holdings: list[HoldingRecord]


def work_record(draft: WorkDraft, principal: Principal) -> WorkRecord:
    """The record of a row that passed every check (its models are set)."""
    data = draft.data
    assert data is not None
    return WorkRecord(
        data.type, data.title, [t.model_dump() for t in data.alt_titles], data.language,
        data.length, data.description, data.publication_date, data.moral_rights.value,
        data.on_behalf_of or principal.party_id,
        list(dict.fromkeys(normalize_identifier(i.scheme, i.value) for i in data.identifiers)),
        [(c.name, c.role, c.party_id) for c in data.creators], sorted({t.lower() for t in data.tags}),
        [(r.kind, r.target, r.in_file) for r in draft.relations],
        [_holding_record(h.row, h.data, principal) for h in draft.holdings if h.data is not None])


def _holding_record(row: int, data: HoldingCreate, principal: Principal) -> HoldingRecord:
    return HoldingRecord(
        row, data.holder_id or principal.party_id, sorted({r.value for r in data.rights}),
        share_ppm(data.share), _codes(tuple(data.territories)),
        _codes(tuple(data.territories_excluded)), data.valid_from, data.valid_to,
        data.administrator_id, data.collective, data.warranty.text)


share_ppm = lru_cache(maxsize=1024)(parse_share)  # a catalogue repeats a few shares ("100")


@lru_cache(maxsize=1024)
def _codes(codes: tuple[str, ...]) -> list[str]:
    return normalize_codes(codes)  # a catalogue repeats a few territory lists


def _iso(value: date | None) -> str | None:
    return None if value is None else value.isoformat()


class _Layouts(NamedTuple):
    work: SnapshotLayout
    holding: SnapshotLayout


# The snapshots' keys: the rows' columns in the order work_rows and _holdings build them (the
# order create_work's and create_holding's snapshots have), then what the work snapshot adds.
WORK_SNAPSHOT_KEYS = (
    "id", "version", "created_at", "updated_at", "type_code", "title", "alt_titles", "language",
    "length", "description", "publication_date", "moral_rights", "registrant_id", "file_key",
    "file_name", "file_size", "file_sha256", "identifiers", "creators", "tags")
HOLDING_SNAPSHOT_KEYS = (
    "id", "version", "created_at", "updated_at", "work_id", "holder_id", "rights", "share_ppm",
    "territories", "territories_excluded", "valid_from", "valid_to", "administrator_id",
    "collective", "status", "manages_work", "warranty_text", "warranted_by", "warranted_at")


@lru_cache(maxsize=4)
def _layouts(stamp: str, importer_id: str) -> _Layouts:
    """A batch's snapshot templates: the values all its rows share are encoded once."""
    return _Layouts(
        SnapshotLayout(WORK_SNAPSHOT_KEYS, {
            "version": 1, "created_at": stamp, "updated_at": stamp, "file_key": None,
            "file_name": None, "file_size": None, "file_sha256": None}),
        SnapshotLayout(HOLDING_SNAPSHOT_KEYS, {
            "version": 1, "created_at": stamp, "updated_at": stamp, "status": "active",
            "manages_work": True, "warranted_by": importer_id, "warranted_at": stamp}))


def _audit(principal: Principal, at: datetime, action: str, entity: str, entity_id: str,
           after: Row | str) -> Row:
    """As audit.record writes it; `after` holds JSON values already (dates as ISO text), or is
    their JSON text (import_snapshots)."""
    return {"at": at, "actor_party_id": principal.party_id, "actor_key_id": principal.key_id,
            "action": action, "entity_type": entity, "entity_id": entity_id, "before": None,
            "after": after}


def work_rows(record: WorkRecord, work_id: str, principal: Principal, now: datetime,
              relations: list[Row], *, snapshot_text: bool = True,
              ) -> tuple[WorkRows, list[tuple[int, str]]]:
    """The rows of one accepted work, and (row, holding id) of its holdings. `snapshot_text`:
    the audit snapshots as their JSON text (SQLite stores that text; PostgreSQL's jsonb is
    faster from the dicts, by orjson, see core.bulk)."""
    out = WorkRows(work_ids=[work_id], relations=relations)
    work: Row = {
        "id": work_id, "version": 1, "created_at": now, "updated_at": now,
        "type_code": record.type_code, "title": record.title, "alt_titles": record.alt_titles,
        "language": record.language, "length": record.length, "description": record.description,
        "publication_date": record.publication_date, "moral_rights": record.moral_rights,
        "registrant_id": record.registrant_id, "file_key": None, "file_name": None,
        "file_size": None, "file_sha256": None,
    }
    out.works.append(work)
    identifiers = record.identifiers
    out.identifiers = [{"work_id": work_id, "scheme": s, "value": v} for s, v in identifiers]
    out.creators = [{"work_id": work_id, "position": i, "name": name, "role": role,
                     "party_id": party_id} for i, (name, role, party_id) in enumerate(record.creators)]
    tags = record.tags
    out.tags = [{"work_id": work_id, "tag": t} for t in tags]
    stamp = now.isoformat()
    layouts = _layouts(stamp, principal.party_id) if snapshot_text else None
    snapshot: Row | str
    if layouts is None:
        snapshot = work | {"created_at": stamp, "updated_at": stamp,
                           "publication_date": _iso(record.publication_date),
                           "identifiers": [f"{s}:{v}" for s, v in identifiers],
                           "creators": [f"{role}:{name}" for name, role, _ in record.creators],
                           "tags": tags}
    else:
        snapshot = layouts.work.text((
            work_id, record.type_code, record.title, record.alt_titles, record.language,
            record.length, record.description, _iso(record.publication_date),
            record.moral_rights, record.registrant_id, [f"{s}:{v}" for s, v in identifiers],
            [f"{role}:{name}" for name, role, _ in record.creators], tags))
    out.audit.append(_audit(principal, now, "work.create", "work", work_id, snapshot))
    placed = _holdings(record, work_id, principal, now, stamp,
                       layouts.holding if layouts else None, out)
    _conflicts(out, principal, now)
    owners = [record.registrant_id, *(h.holder_id for h in record.holdings)]
    out.documents.append(NewWork(
        work_id=work_id, title=record.title, alt_titles=record.alt_titles,
        creators=[name for name, _, _ in record.creators], tags=tags, identifiers=identifiers,
        type_code=record.type_code, language=record.language, owners=dict.fromkeys(owners)))
    return out, placed


def _holdings(record: WorkRecord, work_id: str, principal: Principal, now: datetime, stamp: str,
              layout: SnapshotLayout | None, out: WorkRows) -> list[tuple[int, str]]:
    placed = []
    today = date.today() if any(h.valid_from is None for h in record.holdings) else None
    for holding in record.holdings:
        row: Row = {
            "id": new_id("hld"), "version": 1, "created_at": now, "updated_at": now,
            "work_id": work_id, "holder_id": holding.holder_id, "rights": holding.rights,
            "share_ppm": holding.share_ppm, "territories": holding.territories,
            "territories_excluded": holding.territories_excluded,
            "valid_from": holding.valid_from or today, "valid_to": holding.valid_to,
            "administrator_id": holding.administrator_id, "collective": holding.collective,
            # The importer registers the work (or holds every right's mandate for its owner), so
            # the work's manager registers these holdings: accepted, and they manage the work.
            "status": "active", "manages_work": True,
            "warranty_text": holding.warranty_text or DEFAULT_WARRANTY,
            "warranted_by": principal.party_id, "warranted_at": now,
        }
        out.holdings.append(row)
        snapshot: Row | str = row | {
            "created_at": stamp, "updated_at": stamp, "warranted_at": stamp,
            "valid_from": _iso(row["valid_from"]), "valid_to": _iso(row["valid_to"]),
        } if layout is None else layout.text((
            row["id"], work_id, holding.holder_id, holding.rights, holding.share_ppm,
            holding.territories, holding.territories_excluded, _iso(row["valid_from"]),
            _iso(holding.valid_to), holding.administrator_id, holding.collective,
            row["warranty_text"]))
        out.audit.append(_audit(principal, now, "holding.create", "holding", row["id"], snapshot))
        placed.append((holding.row, row["id"]))
    return placed


def _conflicts(out: WorkRows, principal: Principal, now: datetime) -> None:
    """Shares of one work's holdings that add up to more than 100% open a conflict, as
    holdings_service.refresh_conflicts would."""
    if len(out.holdings) < 2:
        return
    slices = [HoldingSlice(h["id"], h["holder_id"], frozenset(h["rights"]), h["share_ppm"],
                           expand(h["territories"], h["territories_excluded"]), h["valid_from"],
                           h["valid_to"]) for h in out.holdings]
    for c in find_conflicts(slices):
        row: Row = {
            "id": new_id("cfl"), "work_id": out.work_ids[0], "right": c.right,
            "fingerprint": c.fingerprint, "holding_ids": list(c.holding_ids),
            "party_ids": list(c.party_ids), "territories": list(c.countries),
            "period_start": c.period_start, "period_end": c.period_end,
            "total_share_ppm": c.total_share_ppm, "status": "open", "detected_at": now,
            "resolved_at": None, "resolution": None,
        }
        out.conflicts.append(row)
        snapshot = row | {"period_start": _iso(c.period_start), "period_end": _iso(c.period_end),
                          "detected_at": now.isoformat()}
        out.audit.append(_audit(principal, now, "conflict.open", "conflict", row["id"], snapshot))
