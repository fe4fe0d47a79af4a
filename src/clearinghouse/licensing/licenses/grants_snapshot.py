"""Answer many coverage questions at once from an in-memory copy of the active grants.

An index probe per question is a few microseconds of SQL each, too slow for a million questions
a call; a dict probe per question is not. The copy (one per engine, shared by the process's
sessions) catches up before every batch: it reloads the (work, licensee) pairs that
license_grant_changes logged since it last looked, or everything when the log says so (a bulk
load) or when a change it had seen is gone (its transaction rolled back). It reads through the
caller's session, so a batch sees what that session sees, its own uncommitted grants included.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from clearinghouse.licensing.licenses import grants_repository
from clearinghouse.licensing.licenses.grants import CoverageQuestion, GrantIndex


@dataclass
class _Copy:
    index: GrantIndex
    seq: int  # the last logged change it has applied
    token: str | None


_copies: weakref.WeakKeyDictionary[Engine, _Copy] = weakref.WeakKeyDictionary()
_guard = threading.Lock()  # one refresh at a time; answers never see a half-applied refresh


def covering_batch(session: Session, questions: Sequence[CoverageQuestion]) -> list[list[str]]:
    """For each question, in order, the ids of the active licenses that cover it (sorted)."""
    if not questions:
        return []
    with _guard:
        return _fresh(session).index.covering(questions)


def _fresh(session: Session) -> _Copy:
    bind = session.get_bind()
    engine = bind if isinstance(bind, Engine) else bind.engine  # a session bound to a connection
    copy = _copies.get(engine)
    if copy is not None and grants_repository.change_is_logged(session, copy.seq, copy.token):
        changes = grants_repository.changes_since(session, copy.seq)
        if not changes:
            return copy
        if all(work_id is not None for _, _, work_id, _ in changes):
            pairs = sorted({(w, p) for _, _, w, p in changes if w is not None and p is not None})
            copy.index.replace(pairs, grants_repository.active_rows_of(session, pairs))
            copy.seq, copy.token = changes[-1][0], changes[-1][1]
            return copy
    # First use, a bulk load, or a change it applied was rolled back: load everything.
    seq, token = grants_repository.last_change(session)  # before the rows: nothing slips between
    index = GrantIndex()
    index.replace([], grants_repository.active_rows(session))
    copy = _copies[engine] = _Copy(index, seq, token)
    return copy
