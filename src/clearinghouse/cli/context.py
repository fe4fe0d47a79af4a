"""What every CLI command shares: opening the database, acting as a party, printing, exit codes."""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import date, datetime
from decimal import Decimal
from typing import Any, NoReturn

import typer
from pydantic import BaseModel
from rich.console import Console
from rich.table import Table
from sqlalchemy.orm import Session, sessionmaker

from clearinghouse.access.domain import Principal
from clearinghouse.core.db import make_engine, session_factory, unit_of_work
from clearinghouse.core.errors import DomainError
from clearinghouse.core.migrate import upgrade
from clearinghouse.core.settings import get_settings
from clearinghouse.registry.parties_service import get_party, principal_for
from clearinghouse.registry.repository import first_operator_party
from clearinghouse.wiring import wire

console = Console()
err_console = Console(stderr=True)

# Exit codes scripts can rely on (documented in docs/cli.md).
EXIT_CODES = {
    "not_found": 3, "validation_failed": 4, "conflict": 5, "forbidden": 6, "unauthenticated": 6,
    "stale_version": 5, "version_required": 4, "gone": 3, "payload_too_large": 4,
}


@contextmanager
def database(migrate: bool = True) -> Iterator[Session]:
    """One transaction against the configured database, migrated to the latest schema."""
    wire()
    settings = get_settings()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    engine = make_engine(settings.resolved_database_url)
    try:
        if migrate:
            upgrade(engine)
        with unit_of_work(session_factory(engine)) as session:
            yield session
    except DomainError as exc:
        fail(exc)
    finally:
        engine.dispose()


@contextmanager
def session_factories() -> Iterator[tuple[sessionmaker[Session], sessionmaker[Session]]]:
    """(writes, reads) for work that opens many short transactions of its own (jobs)."""
    wire()
    settings = get_settings()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    url = settings.resolved_database_url
    engine = make_engine(url)
    read_engine = make_engine(url, immediate=False) if url.startswith("sqlite") else engine
    try:
        upgrade(engine)
        yield session_factory(engine), session_factory(read_engine)
    except DomainError as exc:
        fail(exc)
    finally:
        engine.dispose()
        read_engine.dispose()


def acting_as(session: Session, party_id: str | None) -> Principal | None:
    """None is the local operator (whoever holds the data directory)."""
    if party_id is None:
        return None
    return principal_for(session, get_party(session, party_id))


def local_operator(session: Session) -> Principal:
    """The operator party, for services that need a principal."""
    party = first_operator_party(session)
    if party is None:
        raise typer.BadParameter("no operator party yet: run `clearinghouse init` first")
    return principal_for(session, party)


def fail(exc: DomainError) -> NoReturn:
    err_console.print(f"[red]error[/red] ({exc.code}): {exc.message}")
    if exc.field:
        err_console.print(f"  field: {exc.field}")
    raise typer.Exit(EXIT_CODES.get(exc.code, 1))


def _plain(value: Any) -> Any:
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json")
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def emit_json(value: Any) -> None:
    typer.echo(json.dumps(_plain(value), ensure_ascii=False, indent=2))


def emit_table(rows: Sequence[dict[str, Any]], columns: Sequence[str], title: str | None = None) -> None:
    table = Table(title=title, show_lines=False)
    for col in columns:
        table.add_column(col)
    for row in rows:
        table.add_row(*("" if row.get(c) is None else str(_plain(row.get(c))) for c in columns))
    console.print(table)


def emit_record(value: BaseModel | dict[str, Any], title: str | None = None) -> None:
    data = _plain(value)
    table = Table(title=title, show_header=False)
    table.add_column("field", style="bold")
    table.add_column("value")
    for key, val in data.items():
        table.add_row(key, json.dumps(val, ensure_ascii=False) if isinstance(val, dict | list) else str(val))
    console.print(table)
