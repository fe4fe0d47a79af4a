"""Keeps the search index in step with the registry (filled in by the search feature)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from clearinghouse.registry.tables import Work


def index_work(session: Session, work: Work) -> None:
    """Placeholder until the search index lands."""
    return None
