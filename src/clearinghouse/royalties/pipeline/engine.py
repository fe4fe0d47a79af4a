"""An Ibis backend by name: DuckDB in-process (the default) or Apache Spark (`local[N]` or a
cluster's master URL). The pipeline's expressions are the same on both; only reading Parquet
files and handing results back as Arrow differ, and they differ here only.

Results come back through Arrow, never pandas: a nullable integer column of money would
otherwise pass through a float.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

import ibis
import pyarrow as pa
from ibis.backends import BaseBackend
from ibis.expr.types import Table


class EngineName(StrEnum):
    DUCKDB = "duckdb"
    SPARK = "spark"


@dataclass
class Engine:
    name: EngineName
    backend: BaseBackend
    spark: Any = None  # the SparkSession when name is SPARK

    def read_parquet(self, paths: Sequence[Path], schema: pa.Schema) -> Table:
        """The rows of `paths` (at least one) as one table of `schema`'s columns.

        Columns come from the files only: the lake's `period=…/reporter=…` folders are not
        read as columns (the files carry both)."""
        files = [str(p) for p in paths]
        if self.spark is None:
            table = self.backend.read_parquet(files, hive_partitioning=False)
        else:
            table = self._spark_table(self.spark.read.parquet(*files))
        return table.select(*schema.names)

    def arrow_batches(self, expr: Table, schema: pa.Schema) -> Iterator[pa.RecordBatch]:
        """The rows of `expr` as record batches of `schema` (columns in its order)."""
        expr = expr.select(*schema.names)
        if self.spark is None:
            # Straight from DuckDB's Arrow stream (ibis 12's batch reader predates DuckDB 2).
            sql = str(self.backend.compile(expr))
            relation = self.backend.con.sql(sql)
            reader = getattr(relation, "to_arrow_reader", None) or relation.fetch_arrow_reader
            for batch in reader(100_000):
                yield batch.cast(schema)
            return
        # Spark hands the result to the driver as Arrow (pyspark ≥ 4), no pandas in between.
        table = self.spark.sql(str(self.backend.compile(expr))).toArrow()
        yield from table.cast(schema).to_batches(max_chunksize=100_000)

    def _spark_table(self, frame: Any) -> Table:
        name = f"t_{uuid.uuid4().hex[:12]}"
        frame.createOrReplaceTempView(name)
        return self.backend.table(name)


def connect(
    name: str | EngineName = EngineName.DUCKDB,
    *,
    database: str | Path | None = None,
    master: str | None = None,
    spark_session: Any = None,
) -> Engine:
    """DuckDB on `database` (a file, or memory when None); or Spark on `master` (`local[N]`,
    default all cores, or a cluster URL), or on `spark_session` when one is already running."""
    engine = EngineName(name)
    if engine is EngineName.DUCKDB:
        return Engine(engine, ibis.duckdb.connect(str(database) if database else ":memory:"))
    session = spark_session or _spark_session(master or f"local[{os.cpu_count() or 1}]")
    return Engine(engine, ibis.pyspark.connect(session), session)


def _spark_session(master: str) -> Any:
    from pyspark.sql import SparkSession

    builder = (SparkSession.builder.master(master).appName("clearinghouse-royalties")
               .config("spark.ui.enabled", "false")
               .config("spark.sql.session.timeZone", "UTC"))
    if master.startswith("local"):
        # A laptop's hostname may resolve to an address the driver cannot bind.
        os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
        # Spark's 200 shuffle partitions are for clusters; one machine wants a few per core.
        builder = builder.config("spark.sql.shuffle.partitions", str(2 * (os.cpu_count() or 1)))
    return builder.getOrCreate()
