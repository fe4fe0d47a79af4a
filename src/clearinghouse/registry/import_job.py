"""The import as a job: a check pass over the whole file that only reads, then a write pass that
commits one batch of works at a time, so that no write transaction is long. The check pass keeps
each batch's accepted rows in a spool (import_spool) for the write pass, which does not read the
file again. A writer thread writes each batch while the next one is built.

Default mode keeps the good rows and reports the bad ones. All-or-nothing writes only when the
check pass rejected nothing; should the database still refuse a row while writing (something
changed between the passes), or the job be stopped, the batches already committed are deleted
again and nothing is applied. Each batch records what it wrote in its own transaction, so a
crash is cleaned up the same way at the next start (see import_recovery). A dry run stops after
the check pass.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import closing
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import Any

from sqlalchemy.exc import DataError, IntegrityError
from sqlalchemy.orm import Session

from clearinghouse.access.domain import Principal
from clearinghouse.core.audit import record
from clearinghouse.core.clock import utcnow
from clearinghouse.core.collector import fewer_collections
from clearinghouse.core.db import is_postgres, unit_of_work
from clearinghouse.core.ids import new_id
from clearinghouse.core.jobs.runner import JobContext, JobStopped
from clearinghouse.registry import import_recovery as recovery
from clearinghouse.registry import import_repository as repo
from clearinghouse.registry.import_book import RowBook
from clearinghouse.registry.import_formats import ImportOptions, WorkDraft
from clearinghouse.registry.import_reading import CatalogueFile
from clearinghouse.registry.import_report import build_report
from clearinghouse.registry.import_spool import BatchSpool, SpooledBatch
from clearinghouse.registry.import_writer import Row, WorkRecord, WorkRows, work_record, work_rows
from clearinghouse.registry.importer import LookupFacts, RowChecker, apply_facts, lookup_keys

KIND = "works.import"
BATCH = 1000  # works per write transaction (and per look-up of the check pass)
Written = tuple[int, WorkRows, list[tuple[int, str]]]


@dataclass
class _InFlight:
    """A batch handed to the writer thread."""

    future: Future[bool]
    ready: list[Written]
    mark: recovery.BatchMark
    works: int
    refused: dict[str, int] = field(default_factory=dict)  # work id -> row index, after a refusal


@dataclass(frozen=True)
class ImportRequest:
    file: CatalogueFile
    principal: Principal
    options: ImportOptions
    delete_file: bool = False  # an upload spooled for this job; never the user's own file


def dedupe_key(sha256: str, file: CatalogueFile, options: ImportOptions) -> str | None:
    """The same file with the same mode finds the first job; a dry run may be repeated."""
    if options.dry_run:
        return None
    return f"sha256={sha256};{file.format};{file.encoding};all_or_nothing={options.all_or_nothing}"


def run_import(ctx: JobContext, request: ImportRequest) -> dict[str, Any]:
    try:
        with fewer_collections(), closing(BatchSpool()) as spool:
            return _ImportRun(ctx, request, spool).run()
    finally:
        if request.delete_file:
            Path(request.file.path).unlink(missing_ok=True)


def _batches(drafts: Iterable[WorkDraft]) -> Iterator[list[WorkDraft]]:
    iterator = iter(drafts)
    while batch := list(islice(iterator, BATCH)):
        yield batch


class _ImportRun:
    def __init__(self, ctx: JobContext, request: ImportRequest, spool: BatchSpool) -> None:
        self.ctx, self.file, self.options = ctx, request.file, request.options
        self.spool = spool
        self.principal = request.principal
        self.book = RowBook()
        self.total = self.file.works * (1 if self.options.dry_run else 2)
        self.done = 0
        self.written: list[str] = []
        self.pending: dict[int, list[tuple[int, Row]]] = {}  # relations waiting for a later row
        self.mark: recovery.BatchMark | None = None  # how far the committed batches got

    def run(self) -> dict[str, Any]:
        with self.ctx.read_sessions() as session:
            self.checker = RowChecker(self.principal, repo.type_categories(session))
            self.snapshot_text = not is_postgres(session)
        self._check_pass()
        rejected = self.book.rejected_count > 0
        applied = not self.options.dry_run and not (self.options.all_or_nothing and rejected)
        import_id = None
        if applied:
            self.book.assign_work_ids()
            applied = self._write_pass()
        if applied and self.written:
            import_id = new_id("imp")
            with unit_of_work(self.ctx.sessions) as session:
                record(session, self.principal, "works.import", "import", import_id, None, {
                    "format": self.file.format, "encoding": self.file.encoding, "job_id": self.ctx.job_id,
                    "rows": len(self.book), "works": len(self.written)})
        self.ctx.progress(self.total, self.total, "done")
        return build_report(self.book, self.file, self.options, applied, import_id)

    # -- check pass: reads only ------------------------------------------------------------------

    def _check_pass(self) -> None:
        handled = 0
        for batch in _batches(self.file.drafts()):
            self.ctx.check_stop()
            for draft in batch:
                self.checker.check(draft)
            identifiers, parties = lookup_keys(batch, self.principal)
            with self.ctx.read_sessions() as session:
                facts = LookupFacts(repo.registered_identifiers(session, identifiers),
                                    repo.party_roles(session, parties))
            records: list[tuple[int, WorkRecord]] = []
            for draft in batch:
                apply_facts(draft, facts, self.principal)
                work_type = draft.data.type if draft.data else None
                index = self.book.note(draft, self.checker.categories.get(work_type or ""))
                if not draft.errors and not self.options.dry_run:
                    records.append((index, work_record(draft, self.principal)))
            handled += len(batch)
            last = batch[-1]
            if not self.options.dry_run:
                self.spool.add(SpooledBatch(len(batch), handled,
                                            last.extra_rows[-1] if last.extra_rows else last.row,
                                            records))
            self._advance(len(batch), "checking")
        targets = sorted(self.book.external_targets())
        for start in range(0, len(targets), BATCH):
            chunk = targets[start:start + BATCH]
            with self.ctx.read_sessions() as session:
                found = repo.work_categories(session, chunk)
            self.book.external.update({t: found.get(t) for t in chunk})
        self.book.resolve_relations()

    def _advance(self, rows: int, stage: str) -> None:
        self.done += rows
        self.ctx.progress(self.done, self.total, stage)

    # -- write pass: one short transaction per batch --------------------------------------------

    def _write_pass(self) -> bool:
        try:
            return self._write_batches()
        except JobStopped:
            raise JobStopped(self._stopped(recovery.SHUT_DOWN)) from None
        except KeyboardInterrupt:  # the command line: the runner reports it, we keep the promise
            self._stopped("stopped from the keyboard")
            raise

    def _stopped(self, why: str) -> str:
        """Cut short between batches: all-or-nothing takes back what it wrote."""
        works = len(self.written)
        if self.mark is None:
            return recovery.nothing_written(why)
        if self.options.all_or_nothing:
            self._undo(f"all-or-nothing: {why}")
            return recovery.undone(why, works)
        return recovery.partly_written(why, works, self.mark)

    def _write_batches(self) -> bool:
        """Batch N+1 is built while batch N is written in a thread of its own: SQLite and the
        driver work without the GIL, so the two overlap. What N+1 must learn from N (a row the
        database refused) is applied before N+1 is written; one batch is in flight at a time."""
        flight: _InFlight | None = None
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="import-writer") as writer:
            try:
                for batch in self.spool:
                    ready = self._build_batch(batch)
                    if flight is not None:
                        flight.future.result()  # a Ctrl-C while waiting leaves it to the drain
                        landed, flight = flight, None
                        if not self._settle(landed):
                            return False
                        if landed.refused:
                            ready = self._without_refused_targets(ready, landed.refused)
                    self.ctx.check_stop()  # a stop is honoured before the next batch is written
                    mark = recovery.BatchMark(self.options.all_or_nothing, batch.through_row,
                                              batch.handled, self.file.works)
                    flight = _InFlight(writer.submit(self._commit_batch, ready, mark), ready,
                                       mark, batch.works)
                if flight is not None:
                    flight.future.result()
                    landed, flight = flight, None
                    return self._settle(landed)
                return True
            finally:
                if flight is not None:  # stopped or failed while a batch was being written
                    self._drain(flight)

    def _build_batch(self, batch: SpooledBatch) -> list[Written]:
        now = utcnow()
        ready: list[Written] = []
        for index, work in batch.records:
            if not self.book.rejected(index):  # rows of later batches may have rejected it
                built = self._build(index, work, now)
                if built is not None:
                    ready.append(built)
        return ready

    def _commit_batch(self, ready: list[Written], mark: recovery.BatchMark) -> bool:
        """In the writer thread: one transaction; False when the database refused a row."""
        batch = WorkRows()
        for _, rows, _ in ready:
            batch.extend(rows)
        batch.audit.append(self._batch_event(batch.work_ids, mark))
        try:
            with unit_of_work(self.ctx.sessions) as session:
                repo.insert_rows(session, batch)
        except (IntegrityError, DataError):
            return False
        return True

    def _settle(self, landed: _InFlight) -> bool:
        """Back in this thread, once a batch's transaction is over: its rows are written, or
        written again one by one (all-or-nothing: undone, and False)."""
        if landed.future.result():
            self._written(landed.ready, landed.mark)
        elif not self._commit_one_by_one(landed.ready, landed.mark):
            self._undo("all-or-nothing: the database refused a row while writing")
            return False
        else:
            landed.refused = {rows.work_ids[0]: index for index, rows, _ in landed.ready
                              if index not in self.book.work_ids}
        self._advance(landed.works, "writing")
        return True

    def _drain(self, flight: _InFlight) -> None:
        try:
            committed = flight.future.result()
        except Exception:  # noqa: BLE001 (its transaction was rolled back: nothing was written)
            return
        if committed:
            self._written(flight.ready, flight.mark)

    def _without_refused_targets(self, ready: list[Written], refused: dict[str, int]) -> list[Written]:
        """Rows built before the database refused the rows they refer to are not written
        (as `_build` refuses them when the refusal came first)."""
        kept: list[Written] = []
        for item in ready:
            index, rows, _ = item
            own = rows.work_ids[0]
            target = next((refused[r["to_work_id"]] for r in rows.relations
                           if r["from_work_id"] == own and r["to_work_id"] in refused), None)
            if target is None:
                kept.append(item)
                continue
            self.book.reject(index, "relations", f"it refers to row {self.book.rows[target]}, "
                             "which the database refused")
            self._unplaced(index)
            for waiting in self.pending.values():  # its links to rows further down go too
                waiting[:] = [entry for entry in waiting if entry[0] != index]
        return kept

    def _build(self, index: int, record: WorkRecord, now: Any) -> Written | None:
        book = self.book
        work_id = book.work_ids[index]
        relations = [row for _, row in self.pending.get(index, [])]
        for kind, target_ref, in_file in record.relations:
            if not book.names_a_row(target_ref, in_file):
                relations.append({"from_work_id": work_id, "to_work_id": target_ref, "kind": kind})
                continue
            target = book.ref_index[target_ref]
            if target > index:  # written with the later row, when both exist
                self.pending.setdefault(target, []).append(
                    (index, {"from_work_id": work_id, "to_work_id": book.work_ids[target],
                             "kind": kind}))
            elif target not in book.work_ids:  # the database refused it while writing
                book.reject(index, "relations", f"it refers to row {book.rows[target]}, which the "
                            "database refused")
                self._unplaced(index)
                return None
            else:
                relations.append({"from_work_id": work_id, "to_work_id": book.work_ids[target],
                                  "kind": kind})
        rows, placed = work_rows(record, work_id, self.principal, now, relations,
                                 snapshot_text=self.snapshot_text)
        return index, rows, placed

    def _batch_event(self, work_ids: list[str], mark: recovery.BatchMark) -> Row:
        return recovery.batch_event(self.principal, utcnow(), self.ctx.job_id, work_ids, mark)

    def _commit_one_by_one(self, ready: list[Written], mark: recovery.BatchMark) -> bool:
        """A row the database refuses is rolled back alone (all-or-nothing: the whole batch)."""
        kept: list[Written] = []
        session: Session = self.ctx.sessions()
        try:
            for item in ready:
                index, rows, _ = item
                try:
                    with session.begin_nested():
                        repo.insert_rows(session, rows)
                except (IntegrityError, DataError) as exc:
                    self._refused(index, exc)
                else:
                    kept.append(item)
            if self.options.all_or_nothing and len(kept) < len(ready):
                session.rollback()
                return False
            work_ids = [work_id for _, rows, _ in kept for work_id in rows.work_ids]
            repo.insert_rows(session, WorkRows(audit=[self._batch_event(work_ids, mark)]))
            session.commit()
        finally:
            session.close()
        self._written(kept, mark)
        return True

    def _refused(self, index: int, exc: IntegrityError | DataError) -> None:
        reason = str(exc.orig).strip().splitlines()[0] if exc.orig else "refused"
        self.book.reject(index, "row", f"the database refused this row (a duplicate?): {reason}")
        self._unplaced(index)

    def _unplaced(self, index: int) -> None:
        """A row that will not be written after all: rows written before it lose their link."""
        del self.book.work_ids[index]
        for source, _ in self.pending.pop(index, []):
            self.book.notes.setdefault(source, []).append(
                (self.book.rows[source], "relations",
                 f"not linked to row {self.book.rows[index]}, which the database refused"))

    def _written(self, items: list[Written], mark: recovery.BatchMark) -> None:
        self.mark = mark
        for index, rows, placed in items:
            self.pending.pop(index, None)
            self.written.extend(rows.work_ids)
            if placed:
                self.book.holding_ids[index] = placed
        if items:
            self.ctx.wrote = True

    def _undo(self, reason: str) -> None:
        recovery.delete_written(self.ctx.sessions, self.principal, self.ctx.job_id, self.written,
                                reason)
        self.written.clear()
        self.book.work_ids.clear()
        self.book.holding_ids.clear()
        self.ctx.wrote = False
