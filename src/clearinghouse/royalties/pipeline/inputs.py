"""What matching needs from the SQL database, written as Parquet files for the engine to read:
the same files feed DuckDB and Spark, and rows stream through in batches (bounded memory).

    grants           every licence_grants row (licence, line, work, right, licensee, country,
                     channel, validity, status)
    licences         licence id → licensee, the most plays and copies it covers (null: no bound)
    licence_works    licence id → work id (a line naming only its licence finds its work here)
    works            every work id
    identifiers      scheme, value → work id (ISRC, ISWC, platform:<code> content ids), and the
                     aliases accepted usage claims made (those schemes and "title")
    titles           normalised title → work id (titles.title_key, alternative titles too)
    holdings         work id, right of accepted holdings (who can be paid a society's amount)
    platform_parties platform code → the party that runs it (a platform reports its uploads)
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
from sqlalchemy.orm import Session

from clearinghouse.royalties.pipeline import repository
from clearinghouse.royalties.pipeline.titles import title_key

BATCH_ROWS = 50_000

_S, _D = pa.string(), pa.date32()
SCHEMAS: dict[str, pa.Schema] = {
    "grants": pa.schema([
        ("license_id", _S), ("line_id", _S), ("work_id", _S), ("right", _S),
        ("licensee_id", _S), ("country", _S), ("channel", _S), ("valid_from", _D),
        ("valid_to", _D), ("status", _S)]),
    "licences": pa.schema([("license_id", _S), ("licensee_id", _S), ("max_plays", pa.int64()),
                           ("max_copies", pa.int64())]),
    "licence_works": pa.schema([("license_id", _S), ("work_id", _S)]),
    "identifiers": pa.schema([("scheme", _S), ("value", _S), ("work_id", _S)]),
    "works": pa.schema([("work_id", _S)]),
    "titles": pa.schema([("title_key", _S), ("work_id", _S)]),
    "holdings": pa.schema([("work_id", _S), ("right", _S)]),
    "platform_parties": pa.schema([("code", _S), ("party_id", _S)]),
}


@dataclass(frozen=True)
class InputFiles:
    folder: Path

    def path(self, name: str) -> Path:
        return self.folder / f"{name}.parquet"


def _title_rows(rows: Sequence[Sequence[Any]]) -> list[tuple[str, str]]:
    out: set[tuple[str, str]] = set()
    for work_id, title, alt_titles in rows:
        for text in [title, *(alt.get("title", "") for alt in alt_titles or [])]:
            key = title_key(text or "")
            if key:
                out.add((key, work_id))
    return sorted(out)


def _holding_rows(rows: Sequence[Sequence[Any]]) -> list[tuple[str, str]]:
    return sorted({(work_id, right) for work_id, rights in rows for right in rights})


def _work_ids(rows: Sequence[Sequence[Any]]) -> list[tuple[str]]:
    return [(row[0],) for row in rows]


def _licence_rows(rows: Sequence[Sequence[Any]]) -> list[tuple[Any, ...]]:
    return [(licence_id, licensee_id, (use or {}).get("max_plays"), (use or {}).get("max_copies"))
            for licence_id, licensee_id, use in rows]


def _same(rows: Sequence[Sequence[Any]]) -> Sequence[Sequence[Any]]:
    return rows


_SOURCES: dict[str, tuple[Callable[[Session, int], repository.Rows],
                          Callable[[Sequence[Sequence[Any]]], Sequence[Sequence[Any]]]]] = {
    "grants": (repository.grants, _same),
    "licences": (repository.licences, _licence_rows),
    "licence_works": (repository.licence_works, _same),
    "identifiers": (repository.identifiers, _same),
    "works": (repository.work_titles, _work_ids),
    "titles": (repository.work_titles, _title_rows),
    "holdings": (repository.active_holdings, _holding_rows),
    "platform_parties": (repository.platform_parties, _same),
}


def _write(path: Path, schema: pa.Schema, batches: Iterable[Sequence[Sequence[Any]]]) -> int:
    count = 0
    with pq.ParquetWriter(path, schema) as writer:
        for rows in batches:
            if rows:
                columns = list(zip(*rows, strict=True))
                writer.write_batch(pa.record_batch(
                    [pa.array(col, type=f.type) for col, f in zip(columns, schema, strict=True)],
                    schema=schema))
                count += len(rows)
    return count


def export(session: Session, folder: Path, *, batch_rows: int = BATCH_ROWS) -> InputFiles:
    """Write every input table under `folder` (created); returns where they are."""
    folder.mkdir(parents=True, exist_ok=True)
    files = InputFiles(folder)
    for name, (read, shape) in _SOURCES.items():
        batches: Iterator[Sequence[Sequence[Any]]] = (shape(rows) for rows in read(session, batch_rows))
        _write(files.path(name), SCHEMAS[name], batches)
    return files
