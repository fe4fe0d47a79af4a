"""The sign-in lockout holds across worker processes and restarts: the failures are rows of the
database, so a second app on the same database (another `serve --workers` process, or the server
after a restart) refuses the locked email too; on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import create_engine, func, select, update

from clearinghouse.accounts import domain
from clearinghouse.accounts.tables import SignInFailure
from clearinghouse.core.clock import utcnow
from tests.web.support import PASSWORD, sign_in, sign_up


def _app(url: str, data_dir: Path):  # noqa: ANN202
    from clearinghouse.api.app import create_app
    from clearinghouse.core.settings import Settings

    data_dir.mkdir(parents=True, exist_ok=True)
    return create_app(Settings(data_dir=data_dir, database_url=url))


def test_a_second_app_on_the_same_database_sees_the_lockout(demo_db_url: str, tmp_path: Path):
    with TestClient(_app(demo_db_url, tmp_path / "one"), raise_server_exceptions=False) as first:
        assert sign_up(first, "shared-lock@example.com").status_code == 303
        first.cookies.clear()
        for _ in range(domain.FAILURES_PER_ACCOUNT):
            assert sign_in(first, "shared-lock@example.com", "not the password").status_code == 401
    # `first` is shut down: a restart, or another worker process that never saw these failures
    with TestClient(_app(demo_db_url, tmp_path / "two"), raise_server_exceptions=False) as second:
        locked = sign_in(second, "shared-lock@example.com", PASSWORD)
        assert locked.status_code == 429 and int(locked.headers["retry-after"]) > 0
        assert "ch_session" not in locked.headers.get("set-cookie", "")
        assert sign_in(second, "someone-else@example.com", "wrong").status_code == 401  # per email

        engine = create_engine(demo_db_url)
        try:
            with engine.begin() as db:
                stored = db.scalars(select(SignInFailure.subject)).all()
                assert stored and all(len(s) == 64 for s in stored)  # hashes, never the email
                assert not any("@" in s for s in stored)
                # The window passes: the failures age out and the right password works again.
                long_ago = utcnow() - timedelta(seconds=domain.FAILURE_WINDOW_SECONDS + 1)
                db.execute(update(SignInFailure).values(failed_at=long_ago))
        finally:
            engine.dispose()
        assert sign_in(second, "shared-lock@example.com", PASSWORD).status_code == 303
        assert sign_in(second, "shared-lock@example.com", "wrong again").status_code == 401
        engine = create_engine(demo_db_url)
        try:
            with engine.begin() as db:  # the old rows were pruned when the new failure came
                assert db.scalar(select(func.count()).select_from(SignInFailure)) == 2
        finally:
            engine.dispose()
