"""Which works each routine template may clear, per right: the use filter's index.

A row (template, work, right) says that an active, non-collective holding of that right on the
work belongs to a holder with an active, priced offer for it on that template which covers the
work. Every work a use clears has such a row for each right it needs, so the search intersects
its matches with these rows (an indexed semi-join) and checks the full rule only on what is
left. Derived: `clearable_repository.refresh_clearable_works` rewrites a work's rows whenever
its holdings or its holders' offers change; migration 0012 filled it for existing data.
"""

from __future__ import annotations

from sqlalchemy import Index, String
from sqlalchemy.orm import Mapped, mapped_column

from clearinghouse.core.db import Base


class ClearableWork(Base):
    __tablename__ = "clearable_works"
    # The search asks "works of this category with this right on one of these templates".
    template_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    category: Mapped[str] = mapped_column(String(20), primary_key=True)
    right: Mapped[str] = mapped_column(String(30), primary_key=True)
    work_id: Mapped[str] = mapped_column(String(40), primary_key=True)

    __table_args__ = (Index("ix_clearable_works_work_id", "work_id"),)
