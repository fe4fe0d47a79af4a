"""SQL for "which works can be licensed routinely for this use": a condition on one work id.

The search's use filter adds this condition to its candidate query, so the full-text engine, the
filters, the LIMIT and the capped count all work as before; the quote engine then prices only
the page. The condition mirrors the engine's rules on what can be checked per row cheaply:

* every right the use needs (by the work type's category, plus the composition a recording
  embodies) has active holdings covering the whole period in an overlapping territory whose
  shares reach 100 %;
* every such holder has an active, priced (not declined) offer for that right on a template
  that fits the use and covers the work (catalogue scope, or the work named), and no declined
  offer of that holder on the same template covers it;
* no holding is collectively managed, no open ownership conflict overlaps the period, and a
  modified use is not of a work whose author approves edits;
* the use's portion fits the work (unit and length).

Per-country share gaps, template territories narrower than the use and percent limits that
depend on a work's length are left to the engine (see search/use_filter.py).

Speed: evaluated on every match, that condition made a use search 5-20x slower. So it comes
second, behind a semi-join on `clearable_works` (licensing/catalogue/tables.py): a work is a
candidate only when it has a row for its category's first needed right on a fitting
template, which every work the condition admits has. The condition then runs on those few works only, and the categories
with no such row at all are left out of it (it names only what can clear).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import bindparam, text
from sqlalchemy.orm import Session

from clearinghouse.core.shares import FULL_SHARE_PPM

# `d.work_id` is the search document's work; the caller's query provides `d`.
WORK_ID = "d.work_id"


@dataclass(frozen=True)
class UseConditionInput:
    """What the condition needs to know about the use, worked out by the caller (pure data)."""

    rights_by_category: Mapping[str, Sequence[str]]  # the rights a work of each category needs
    linked_category: str | None  # a work of this category carries what it embodies ("recording")
    template_ids: Sequence[str]  # active templates whose terms fit the use
    start: date
    end: date | None  # exclusive; None for a perpetual use
    territory_codes: Sequence[str] | None  # codes a holding must name to overlap; None: any
    modified: bool
    portion_length_unit: str | None = None  # "seconds"/"words": the work must be measured so
    portion_value: int | None = None


@dataclass
class _Builder:
    spec: UseConditionInput
    params: dict[str, Any] = field(default_factory=dict)

    def bind(self, name: str, value: Any) -> str:
        key = f"u_{name}"
        self.params[key] = value
        return f":{key}"

    def right_pattern(self, right: str) -> str:
        # JSON lists are short; matching their text is portable across SQLite and PostgreSQL.
        return self.bind(f"r_{right}", f'%"{right}"%')

    def covers_work(self, alias: str, work: str) -> str:
        return (f"({alias}.scope = 'catalogue' OR "
                f"CAST({alias}.work_ids AS TEXT) LIKE '%\"' || {work} || '\"%')")

    def holdings_for(self, work: str, right: str) -> str:
        s = self.spec
        conds = [f"h.work_id = {work}", "h.status = 'active'",
                 f"CAST(h.rights AS TEXT) LIKE {self.right_pattern(right)}",
                 f"h.valid_from <= {self.bind('start', s.start)}"]
        if s.end is None:
            conds.append("h.valid_to IS NULL")
        else:
            conds.append(f"(h.valid_to IS NULL OR h.valid_to >= {self.bind('end', s.end)})")
        if s.territory_codes is not None:
            names = []
            for code in s.territory_codes:
                pattern = self.bind("t_" + code, '%"' + code + '"%')
                names.append(f"CAST(h.territories AS TEXT) LIKE {pattern}")
            conds.append(f"({' OR '.join(names)})")
        return " AND ".join(conds)

    def priced_offer(self, work: str, right: str) -> str:
        templates = ", ".join(self.bind(f"tpl{i}", t) for i, t in enumerate(self.spec.template_ids))
        pattern = self.right_pattern(right)
        declined_sibling = (
            "SELECT 1 FROM offers o2 WHERE o2.holder_id = o.holder_id"
            " AND o2.template_id = o.template_id AND o2.status = 'active' AND o2.declined"
            f" AND CAST(o2.rights AS TEXT) LIKE {pattern} AND {self.covers_work('o2', work)}")
        return (
            "SELECT 1 FROM offers o WHERE o.holder_id = h.holder_id AND o.status = 'active'"
            f" AND NOT o.declined AND o.template_id IN ({templates})"
            f" AND CAST(o.rights AS TEXT) LIKE {pattern} AND {self.covers_work('o', work)}"
            f" AND NOT EXISTS ({declined_sibling})")

    def part_clears(self, work: str, right: str) -> str:
        held = self.holdings_for(work, right)
        s = self.spec
        overlaps = f"(c.period_end IS NULL OR c.period_end > {self.bind('start', s.start)})"
        if s.end is not None:
            overlaps += f" AND c.period_start < {self.bind('end', s.end)}"
        full = self.bind("full", FULL_SHARE_PPM)
        return (
            f"(SELECT COALESCE(SUM(h.share_ppm), 0) FROM holdings h WHERE {held}) >= {full}"
            f" AND NOT EXISTS (SELECT 1 FROM holdings h WHERE {held}"
            f" AND (h.collective OR NOT EXISTS ({self.priced_offer(work, right)})))"
            f" AND NOT EXISTS (SELECT 1 FROM conflicts c WHERE c.work_id = {work}"
            f" AND c.right = {self.bind(f'right_{right}', right)} AND c.status = 'open'"
            f" AND c.kind = 'over_claim' AND {overlaps})")

    def work_clears(self, works: str, types: str, with_linked: bool) -> str:
        """The category switch: the work clears every right its category needs."""
        work = f"{works}.id"
        branches = []
        for category, rights in sorted(self.spec.rights_by_category.items()):
            parts = [f"{types}.category = {self.bind(f'cat_{category}', category)}"]
            parts += [self.part_clears(work, r) for r in rights]
            if with_linked and category == self.spec.linked_category:
                parts.append(self.linked_clear(work))
            branches.append("(" + " AND ".join(parts) + ")")
        moral = (f" AND {works}.moral_rights <> 'approval_required'"
                 if self.spec.modified else "")
        return f"({' OR '.join(branches) or '1 = 0'}){moral}"

    def linked_clear(self, work: str) -> str:
        inner = self.work_clears("lw", "lt", with_linked=False)
        return ("NOT EXISTS (SELECT 1 FROM work_relations rel"
                " JOIN works lw ON lw.id = rel.to_work_id"
                " JOIN work_types lt ON lt.code = lw.type_code"
                f" WHERE rel.from_work_id = {work} AND rel.kind = 'embodies' AND NOT ({inner}))")

    def portion(self) -> str:
        s = self.spec
        if s.portion_length_unit is None:
            return ""
        out = f" AND wt.length_unit = {self.bind('portion_unit', s.portion_length_unit)}"
        if s.portion_value is not None:
            out += f" AND (w.length IS NULL OR w.length >= {self.bind('portion', s.portion_value)})"
        return out


def _anchors(spec: UseConditionInput) -> dict[str, str]:
    """Per category, the right whose clearable_works rows a work must have (the first it needs)."""
    return {category: rights[0] for category, rights in sorted(spec.rights_by_category.items())
            if rights}


_PROBE = text('SELECT 1 FROM clearable_works WHERE template_id IN :templates'
              ' AND category = :category AND "right" = :right LIMIT 1'
              ).bindparams(bindparam("templates", expanding=True))


def _categories_with_rows(session: Session, spec: UseConditionInput) -> list[str]:
    """The categories any work of which may clear the use: one index probe each."""
    templates = list(spec.template_ids)
    return [category for category, right in _anchors(spec).items()
            if session.execute(_PROBE, {"templates": templates, "category": category,
                                        "right": right}).first() is not None]


def _candidates(b: _Builder, categories: Sequence[str]) -> str:
    """Works with a row for their category's anchor right on a fitting template."""
    templates = ", ".join(b.bind(f"tpl{i}", t) for i, t in enumerate(b.spec.template_ids))
    anchors = _anchors(b.spec)
    parts = [
        f"SELECT c.work_id FROM clearable_works c WHERE c.template_id IN ({templates})"
        f" AND c.category = {b.bind(f'cat_{category}', category)}"
        f' AND c."right" = {b.bind(f"anchor_{category}", anchors[category])}'
        for category in categories]
    return f"{WORK_ID} IN ({' UNION ALL '.join(parts)})"


def routinely_clearable(session: Session, spec: UseConditionInput) -> tuple[str, dict[str, Any]]:
    """SQL true when the work `d.work_id` can be priced for the use without a referral (see the
    module's docstring for what the engine checks beyond it), and its bind parameters."""
    if not spec.template_ids or not spec.rights_by_category:
        return "1 = 0", {}
    categories = _categories_with_rows(session, spec)
    if not categories:
        return "1 = 0", {}
    live = {c: spec.rights_by_category[c] for c in categories}
    b = _Builder(dataclasses.replace(spec, rights_by_category=live))
    body = b.work_clears("w", "wt", with_linked=True)
    sql = (f"{_candidates(b, categories)}"
           " AND EXISTS (SELECT 1 FROM works w JOIN work_types wt ON wt.code = w.type_code"
           f" WHERE w.id = {WORK_ID}{b.portion()} AND {body})")
    return sql, b.params
