"""The rows one checked work becomes: what `create_work` and `create_holding` would write
(work, identifiers, creators, tags, holdings, conflicts, audit events, the work as change listeners see it), built
in memory so that a batch of works is written with a few multi-row statements. Pure: no I/O.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from clearinghouse.access.domain import Principal
from clearinghouse.core.changes import NewWork
from clearinghouse.core.identifiers import normalize_identifier
from clearinghouse.core.ids import new_id
from clearinghouse.core.shares import parse_share
from clearinghouse.core.territories import expand, normalize_codes
from clearinghouse.registry.domain import HoldingSlice, find_conflicts
from clearinghouse.registry.holdings_service import DEFAULT_WARRANTY
from clearinghouse.registry.import_formats import WorkDraft

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


def _iso(value: date | None) -> str | None:
    return None if value is None else value.isoformat()


def _audit(principal: Principal, at: datetime, action: str, entity: str, entity_id: str,
           after: Row) -> Row:
    """As audit.record writes it; `after` holds JSON values already (dates as ISO text)."""
    return {"at": at, "actor_party_id": principal.party_id, "actor_key_id": principal.key_id,
            "action": action, "entity_type": entity, "entity_id": entity_id, "before": None,
            "after": after}


def work_rows(draft: WorkDraft, work_id: str, principal: Principal, now: datetime,
              relations: list[Row]) -> tuple[WorkRows, list[tuple[int, str]]]:
    """The rows of one accepted work, and (row, holding id) of its holdings."""
    data = draft.data
    assert data is not None
    out = WorkRows(work_ids=[work_id], relations=relations)
    registrant = data.on_behalf_of or principal.party_id
    work: Row = {
        "id": work_id, "version": 1, "created_at": now, "updated_at": now, "type_code": data.type,
        "title": data.title, "alt_titles": [t.model_dump() for t in data.alt_titles],
        "language": data.language, "length": data.length, "description": data.description,
        "publication_date": data.publication_date, "moral_rights": data.moral_rights.value,
        "registrant_id": registrant, "file_key": None, "file_name": None, "file_size": None,
        "file_sha256": None,
    }
    out.works.append(work)
    identifiers = list(dict.fromkeys(normalize_identifier(i.scheme, i.value) for i in data.identifiers))
    out.identifiers = [{"work_id": work_id, "scheme": s, "value": v} for s, v in identifiers]
    out.creators = [{"work_id": work_id, "position": i, "name": c.name, "role": c.role,
                     "party_id": c.party_id} for i, c in enumerate(data.creators)]
    tags = sorted({t.lower() for t in data.tags})
    out.tags = [{"work_id": work_id, "tag": t} for t in tags]
    stamp = now.isoformat()
    snapshot = work | {"created_at": stamp, "updated_at": stamp,
                       "publication_date": _iso(data.publication_date),
                       "identifiers": [f"{s}:{v}" for s, v in identifiers],
                       "creators": [f"{c.role}:{c.name}" for c in data.creators], "tags": tags}
    out.audit.append(_audit(principal, now, "work.create", "work", work_id, snapshot))
    placed = _holdings(draft, work_id, principal, now, out)
    _conflicts(out, principal, now)
    owners = [registrant, *(h["holder_id"] for h in out.holdings)]
    out.documents.append(NewWork(
        work_id=work_id, title=data.title, alt_titles=work["alt_titles"],
        creators=[c.name for c in data.creators], tags=tags, identifiers=identifiers,
        type_code=data.type, language=data.language, owners=dict.fromkeys(owners)))
    return out, placed


def _holdings(draft: WorkDraft, work_id: str, principal: Principal, now: datetime,
              out: WorkRows) -> list[tuple[int, str]]:
    placed = []
    for holding in draft.holdings:
        data = holding.data
        assert data is not None
        row: Row = {
            "id": new_id("hld"), "version": 1, "created_at": now, "updated_at": now,
            "work_id": work_id, "holder_id": data.holder_id or principal.party_id,
            "rights": sorted({r.value for r in data.rights}), "share_ppm": parse_share(data.share),
            "territories": normalize_codes(data.territories),
            "territories_excluded": normalize_codes(data.territories_excluded),
            "valid_from": data.valid_from or date.today(), "valid_to": data.valid_to,
            "administrator_id": data.administrator_id, "collective": data.collective,
            # The importer registers the work (or holds every right's mandate for its owner), so
            # the work's manager registers these holdings: accepted, and they manage the work.
            "status": "active", "manages_work": True,
            "warranty_text": data.warranty.text or DEFAULT_WARRANTY,
            "warranted_by": principal.party_id, "warranted_at": now,
        }
        out.holdings.append(row)
        stamp = now.isoformat()
        snapshot = row | {"created_at": stamp, "updated_at": stamp, "warranted_at": stamp,
                          "valid_from": _iso(row["valid_from"]), "valid_to": _iso(row["valid_to"])}
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
