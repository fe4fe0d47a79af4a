"""Batch extraction for a large catalogue: files are decoded and fingerprinted in parallel (on
Spark, or on this machine's cores) and their prints loaded into the index on the driver.

The catalogue is a folder with one subfolder per work, named by the work's id; every file in it
is a reference of that work. Prints travel as bytes (the fingerprint packages' to_bytes form),
so executors need only the packages, never the database. The catalogue is the operator's own, so
executors decode in their own process; uploads from outside always go through the worker with its
deadline and memory cap (isolated.py).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

from clearinghouse.core.errors import DomainError
from clearinghouse.identification.references.prints import Prints, extract_path


@dataclass(frozen=True)
class Extracted:
    work_id: str
    path: str
    prints: Prints | None
    error: str | None = None


def catalogue_files(root: Path) -> list[tuple[str, Path]]:
    """(work id, file) for every file under root/<work id>/, in a stable order."""
    return [(folder.name, path) for folder in sorted(root.iterdir()) if folder.is_dir()
            for path in sorted(folder.iterdir()) if path.is_file()]


def extract_one(max_seconds: float, item: tuple[str, str]) -> Extracted:
    """One file's prints, or why it has none. Runs on an executor."""
    work_id, path = item
    try:
        return Extracted(work_id, path, extract_path(Path(path), max_seconds))
    except DomainError as exc:
        return Extracted(work_id, path, None, f"{exc.code}: {exc.message}")


def extract_local(files: Iterable[tuple[str, Path]], max_seconds: float,
                  workers: int | None = None) -> Iterator[Extracted]:
    """On this machine's cores, in the order given."""
    items = [(work_id, str(path)) for work_id, path in files]
    with ProcessPoolExecutor(max_workers=workers or os.cpu_count() or 1) as pool:
        yield from pool.map(partial(extract_one, max_seconds), items)


def extract_spark(spark: Any, files: Iterable[tuple[str, Path]],
                  max_seconds: float) -> list[Extracted]:
    """On a Spark session's executors (one task per file); the results come back to the driver."""
    items = [(work_id, str(path)) for work_id, path in files]
    if not items:
        return []
    rdd = spark.sparkContext.parallelize(items, numSlices=len(items))
    return list(rdd.map(partial(extract_one, max_seconds)).collect())


def spark_session(master: str) -> Any:
    """A local (or cluster) Spark session for the CLI; tests pass their own."""
    from pyspark.sql import SparkSession

    if master.startswith("local"):
        os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)  # tasks need this venv's PyAV
    return (SparkSession.builder.master(master).appName("clearinghouse-references")
            .config("spark.ui.enabled", "false").getOrCreate())
