"""Keeps the search index in step with the registry.

The registry does not know search: it announces changed works through the core change hook
(core/changes.py), and `SearchIndexListener`, subscribed by `clearinghouse.wiring.wire`, indexes
them inside the transaction that made the change, so a search never sees a half-registered work.
A work's owners (registrant and active holders) are indexed too, so the owner filter is an index
lookup; holding changes announce the work again. Bulk imports announce their new works in one
call; loaders that insert rows behind the registry's back call `rebuild` once at the end.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy.orm import Session

from clearinghouse.core.changes import NewWork
from clearinghouse.registry.tables import Work
from clearinghouse.search import index_repository as repository
from clearinghouse.search.documents import IndexedDocument, build_document


def document_of(session: Session, work: Work) -> IndexedDocument:
    owners = [work.registrant_id, *repository.active_holder_ids(session, work.id)]
    return build_document(
        work_id=work.id,
        title=work.title,
        alt_titles=work.alt_titles,
        creators=[c.name for c in work.creators],
        tags=[t.tag for t in work.tags],
        identifiers=[(i.scheme, i.value) for i in work.identifiers],
        type_code=work.type_code,
        language=work.language,
        owners=dict.fromkeys(owners),
    )


def index_work(session: Session, work: Work) -> None:
    """Add or refresh one work's document (one upsert; nothing happens if its text is unchanged)."""
    repository.upsert_document(session, document_of(session, work))


def add_new_documents(session: Session, works: Sequence[NewWork]) -> None:
    """Documents of works a bulk import created in this transaction."""
    repository.add_new_documents(session, [
        build_document(work_id=w.work_id, title=w.title, alt_titles=w.alt_titles, creators=w.creators,
                       tags=w.tags, identifiers=w.identifiers, type_code=w.type_code,
                       language=w.language, owners=w.owners)
        for w in works
    ])


def remove_works(session: Session, work_ids: Sequence[str]) -> None:
    """Call before deleting works in bulk."""
    repository.delete_documents(session, work_ids)


def remove_work(session: Session, work_id: str) -> None:
    """Call before deleting a work: the index refers to it."""
    repository.delete_document(session, work_id)


@dataclass(frozen=True)
class RebuildStats:
    documents: int
    seconds: float


def rebuild(session: Session, batch: int = 5000) -> RebuildStats:
    """Index every work afresh, numbering documents in work-id order (used after bulk loads)."""
    started = time.perf_counter()
    repository.clear_documents(session)
    count = 0
    for works in repository.iter_work_fields(session, batch=batch):
        docs = [
            build_document(work_id=w.id, title=w.title, alt_titles=w.alt_titles,
                           creators=w.creators, tags=w.tags, identifiers=w.identifiers,
                           type_code=w.type_code, language=w.language, owners=w.owners)
            for w in works
        ]
        repository.insert_documents(session, docs, first_doc_no=count + 1)
        count += len(docs)
    repository.finish_rebuild(session, count)
    return RebuildStats(documents=count, seconds=time.perf_counter() - started)


# -- holdings change a work's owners -----------------------------------------------------------


class SearchIndexListener:
    """Keeps the index in step with the registry's announced changes (core/changes.py)."""

    def works_changed(self, session: Session, work_ids: Sequence[str]) -> None:
        for work_id in work_ids:
            work = session.get(Work, work_id)
            if work is not None:
                index_work(session, work)

    def works_added(self, session: Session, works: Sequence[NewWork]) -> None:
        add_new_documents(session, works)

    def works_removed(self, session: Session, work_ids: Sequence[str]) -> None:
        remove_works(session, work_ids)


SEARCH_INDEX = SearchIndexListener()
