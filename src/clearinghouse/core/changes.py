"""Change notification: the registry says which works changed; features that keep derived data
(the search index today, identification next) listen.

The registry sits below its readers, so it cannot call them; it calls this hook instead, inside
the transaction that made the change. Listeners subscribe in one place, `clearinghouse.wiring`,
which the app, the CLI and the tests all call. A change with nobody listening is a wiring bug, not
a quiet no-op: it raises, so a write path that forgot the wiring fails instead of leaving works
unsearchable.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from sqlalchemy.orm import Session


@dataclass(frozen=True)
class NewWork:
    """A work a bulk import wrote with Core statements, as listeners need it (no ORM object)."""

    work_id: str
    title: str
    alt_titles: Sequence[dict[str, Any]]
    creators: Sequence[str]
    tags: Sequence[str]
    identifiers: Sequence[tuple[str, str]]
    type_code: str
    language: str | None
    owners: Iterable[str]


class WorkListener(Protocol):
    def works_changed(self, session: Session, work_ids: Sequence[str]) -> None:
        """Works created or changed (fields, relations or holders) in this transaction."""

    def works_added(self, session: Session, works: Sequence[NewWork]) -> None:
        """Works a bulk import created in this transaction."""

    def works_removed(self, session: Session, work_ids: Sequence[str]) -> None:
        """Works about to be deleted in this transaction."""


class NotWired(RuntimeError):
    pass


_listeners: list[WorkListener] = []


def subscribe(listener: WorkListener) -> None:
    """Add a listener once (subscribing again is harmless: wiring runs per app and per command)."""
    if listener not in _listeners:
        _listeners.append(listener)


def _wired() -> list[WorkListener]:
    if not _listeners:
        raise NotWired("works changed but nothing listens: call clearinghouse.wiring.wire() at start-up")
    return _listeners


def works_changed(session: Session, work_ids: Sequence[str]) -> None:
    for listener in _wired():
        listener.works_changed(session, work_ids)


def works_added(session: Session, works: Sequence[NewWork]) -> None:
    for listener in _wired():
        listener.works_added(session, works)


def works_removed(session: Session, work_ids: Sequence[str]) -> None:
    for listener in _wired():
        listener.works_removed(session, work_ids)
