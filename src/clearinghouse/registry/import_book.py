"""What an import remembers of every row between its passes, in a few compact dictionaries.

Rows are numbered by their position among the file's works (`index`). The check pass notes each
row's refs, relations and errors; `resolve_relations` then settles references between rows in
linear time (dictionaries and one topological sweep), rejecting a row whose target is missing,
of the wrong kind, rejected, or part of a circle. The write pass reads the verdicts and the
pre-assigned work ids from here; only rejected rows keep their errors.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field

from clearinghouse.core.ids import new_id
from clearinghouse.registry.domain import RelationKind
from clearinghouse.registry.import_formats import WorkDraft
from clearinghouse.registry.works_service import RELATION_RULES

Error = tuple[int, str, str]  # (spreadsheet row or line, field, message)


@dataclass(frozen=True, slots=True)  # one per relation of the file: keep them small
class Edge:
    source: int  # index of the row that names the relation
    field: str
    kind: str
    target: str  # a ref of this file or a registered work id
    in_file: bool | None  # None (CSV): a ref if the file has it, else a work id if it looks like one


@dataclass
class RowBook:
    rows: list[int] = field(default_factory=list)  # first spreadsheet row / line of each work
    refs: list[str | None] = field(default_factory=list)
    categories: list[str | None] = field(default_factory=list)
    extra_rows: dict[int, list[int]] = field(default_factory=dict)
    ref_index: dict[str, int] = field(default_factory=dict)
    errors: dict[int, list[Error]] = field(default_factory=dict)
    edges: list[Edge] = field(default_factory=list)
    external: dict[str, str | None] = field(default_factory=dict)  # work id -> category, if it exists
    work_ids: dict[int, str] = field(default_factory=dict)  # accepted rows, assigned before writing
    holding_ids: dict[int, list[tuple[int, str]]] = field(default_factory=dict)
    notes: dict[int, list[Error]] = field(default_factory=dict)  # on accepted rows

    def __len__(self) -> int:
        return len(self.rows)

    def note(self, draft: WorkDraft, category: str | None) -> int:
        """Record a checked row; its errors (if any) make it rejected."""
        index = len(self.rows)
        self.rows.append(draft.row)
        self.refs.append(draft.ref)
        self.categories.append(category)
        if draft.extra_rows:
            self.extra_rows[index] = list(draft.extra_rows)
        if draft.ref:
            first = self.ref_index.setdefault(draft.ref, index)
            if first != index:
                draft.fail("ref", f"ref {draft.ref!r} is already used by row {self.rows[first]}; "
                           "rows adding holdings to a work must directly follow it")
        for rel in draft.relations:
            self.edges.append(Edge(index, rel.field, rel.kind, rel.target, rel.in_file))
        if draft.errors:
            self.errors[index] = list(draft.errors)
        return index

    def rejected(self, index: int) -> bool:
        return index in self.errors

    def reject(self, index: int, field_name: str, message: str, row: int | None = None) -> None:
        entry = (row or self.rows[index], field_name, message)
        entries = self.errors.setdefault(index, [])
        if entry not in entries:
            entries.append(entry)

    def external_targets(self) -> set[str]:
        """Registered works the rows may name (looked up before `resolve_relations`)."""
        return {e.target for e in self.edges if e.in_file is False
                or (e.in_file is None and e.target.startswith("wrk_"))}

    def in_file(self, edge: Edge) -> bool:
        return self.names_a_row(edge.target, edge.in_file)

    def names_a_row(self, target: str, in_file: bool | None) -> bool:
        if in_file is not None:
            return in_file
        return target in self.ref_index or not target.startswith("wrk_")

    def resolve_relations(self) -> None:
        """Check every relation, then reject rows that depend on rejected rows or on a circle."""
        depends_on: dict[int, set[int]] = {}
        for edge in self.edges:
            if edge.kind not in {k.value for k in RelationKind}:
                continue  # already rejected by the row check
            found, target_category = self._target_category(edge)
            if not found:
                continue
            source_category = self.categories[edge.source]
            allowed = RELATION_RULES.get(RelationKind(edge.kind), {}).get(source_category or "")
            # A row of unknown type is rejected already; its dependants learn that below.
            if (edge.kind != RelationKind.DERIVED_FROM and source_category and target_category
                    and (allowed is None or target_category not in allowed)):
                self.reject(edge.source, edge.field,
                            f"a {source_category} work cannot '{edge.kind}' a {target_category} work")
            if self.in_file(edge):
                depends_on.setdefault(edge.source, set()).add(self.ref_index[edge.target])
        self._propagate(depends_on)

    def _target_category(self, edge: Edge) -> tuple[bool, str | None]:
        """Whether the target exists, and its category (None for a row of unknown type)."""
        if not self.in_file(edge):
            category = self.external.get(edge.target)
            if category is None:
                self.reject(edge.source, edge.field, f"related work {edge.target} not found")
            return category is not None, category
        target = self.ref_index.get(edge.target)
        if target is None or target == edge.source:
            self.reject(edge.source, edge.field, f"no other row of this file has ref {edge.target!r}")
            return False, None
        return True, self.categories[target]

    def _propagate(self, depends_on: dict[int, set[int]]) -> None:
        """Kahn's sweep: a row is settled once all its targets are; leftovers form circles."""
        dependents: dict[int, list[int]] = {}
        waiting = {source: len(targets) for source, targets in depends_on.items()}
        for source, targets in depends_on.items():
            for target in targets:
                dependents.setdefault(target, []).append(source)
        ready = deque(t for t in dependents if t not in waiting)
        while ready:
            target = ready.popleft()
            for source in dependents.get(target, ()):
                if self.rejected(target):
                    self.reject(source, "relations", f"it refers to row {self.rows[target]} "
                                f"(ref {self.refs[target]!r}), which was rejected")
                waiting[source] -= 1
                if waiting[source] == 0:
                    ready.append(source)
        for source, left in waiting.items():
            if left:
                self.reject(source, "relations", "these rows refer to each other in a circle")

    def assign_work_ids(self) -> None:
        """Ids for every accepted row before anything is written, so that a relation to a row
        further down the file knows its target."""
        for index in range(len(self.rows)):
            if not self.rejected(index):
                self.work_ids[index] = new_id("wrk")

    @property
    def rejected_count(self) -> int:
        return len(self.errors)
