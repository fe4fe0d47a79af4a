"""Keeps `clearable_works` in step with the registry through the core change hook: the registry
announces which works changed (holdings, relations, type), and their rows are rewritten here,
in the same transaction. Offer changes call the repository directly (offers live here)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.orm import Session

from clearinghouse.core.changes import NewWork
from clearinghouse.licensing.catalogue.clearable_repository import (
    add_clearable_works,
    forget_clearable_works,
    refresh_clearable_works,
)


class ClearableWorksListener:
    def works_changed(self, session: Session, work_ids: Sequence[str]) -> None:
        refresh_clearable_works(session, work_ids=work_ids)

    def works_added(self, session: Session, works: Sequence[NewWork]) -> None:
        add_clearable_works(session, [w.work_id for w in works],
                            {holder for w in works for holder in w.owners})

    def works_removed(self, session: Session, work_ids: Sequence[str]) -> None:
        # Announced before the works are deleted: rewriting would re-read their holdings.
        forget_clearable_works(session, work_ids)


CLEARABLE_WORKS = ClearableWorksListener()
