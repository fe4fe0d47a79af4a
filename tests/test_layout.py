"""The package layout the code promises (docs/architecture.md): SQL lives in repositories.

Only repository modules (`repository.py`, `*_repository.py`), table modules (`tables.py`), the
database plumbing (core/db.py, core/bulk.py, backup/database.py) and migrations may import the
names that build SQL from SQLAlchemy. Everything else asks a repository function whose name says
what it fetches. Column types (for tables) and `Session` (for type hints) are fine anywhere.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "src" / "clearinghouse"

# Names that build or run SQL; importing any of them means the module writes SQL itself.
SQL_BUILDING = frozenset({
    "select", "insert", "update", "delete", "text", "func", "cast", "or_", "and_", "not_",
    "bindparam", "case", "union", "union_all", "literal", "literal_column", "column", "table",
    "exists", "distinct", "tuple_", "null", "true", "false", "lateral", "outerjoin", "join",
    "aliased", "with_polymorphic", "selectinload", "joinedload", "contains_eager",
    "Select", "Insert", "Update", "Delete", "BindParameter", "TextClause",
})

ALLOWED_NAMES = ("repository.py", "tables.py")
ALLOWED_SUFFIX = "_repository.py"
ALLOWED_MODULES = frozenset({"core/db.py", "core/bulk.py", "backup/database.py"})
ALLOWED_FOLDERS = ("migrations/",)

# Modules still holding SQL while their owners rewrite them (issue 11): the quote engine and
# purchase (typed quotes), search's page details. Each entry goes once its SQL has moved to a
# repository; the list is meant to end empty.
STILL_MOVING = frozenset({
})


def _may_write_sql(relative: str) -> bool:
    name = relative.rsplit("/", 1)[-1]
    return (
        name in ALLOWED_NAMES
        or name.endswith(ALLOWED_SUFFIX)
        or relative in ALLOWED_MODULES
        or relative.startswith(ALLOWED_FOLDERS)
        or relative in STILL_MOVING
    )


def sql_imports(source: str) -> list[str]:
    """The SQL-building names a module takes from sqlalchemy: `from sqlalchemy[.x] import name`,
    and `sa.name` where `import sqlalchemy[.x] as sa` (at any depth, inside functions too)."""
    tree = ast.parse(source)
    found: list[str] = []
    module_aliases: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "sqlalchemy":
            found += [f"{node.module}.{a.name}" for a in node.names if a.name in SQL_BUILDING]
        elif isinstance(node, ast.Import):
            module_aliases |= {
                (a.asname or a.name).split(".")[0]
                for a in node.names
                if a.name.split(".")[0] == "sqlalchemy"
            }
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Attribute)
            and node.attr in SQL_BUILDING
            and isinstance(node.value, ast.Name)
            and node.value.id in module_aliases
        ):
            found.append(f"{node.value.id}.{node.attr}")
    return found


def _modules() -> list[tuple[str, Path]]:
    return sorted((p.relative_to(PACKAGE).as_posix(), p) for p in PACKAGE.rglob("*.py"))


def test_sql_is_built_only_in_repositories_and_tables():
    offenders = {
        relative: names
        for relative, path in _modules()
        if not _may_write_sql(relative) and (names := sql_imports(path.read_text("utf-8")))
    }
    assert not offenders, (
        "SQL outside a repository: move these queries into the feature's repository.py and call "
        f"a function named for what it fetches: {offenders}"
    )


def test_the_still_moving_list_names_only_modules_that_still_hold_sql():
    """An entry whose SQL has moved must leave the list, so it cannot hide new SQL later."""
    by_name = dict(_modules())
    stale = [m for m in sorted(STILL_MOVING)
             if m not in by_name or not sql_imports(by_name[m].read_text("utf-8"))]
    assert not stale, f"remove from STILL_MOVING (no SQL there any more): {stale}"


@pytest.mark.parametrize("source", [
    "from sqlalchemy import select\n",
    "from sqlalchemy import Session, func\n",
    "from sqlalchemy.dialects.postgresql import insert as pg_insert\n",
    "from sqlalchemy.orm import aliased\n",
    "import sqlalchemy as sa\n\ndef f(s):\n    return s.execute(sa.text('SELECT 1'))\n",
    "def f(s):\n    from sqlalchemy import String, cast\n    return cast('x', String)\n",
])
def test_the_check_sees_sql_however_it_is_imported(source: str):
    assert sql_imports(source)


@pytest.mark.parametrize("source", [
    "from sqlalchemy.orm import Session, sessionmaker\n",
    "from sqlalchemy import BigInteger, ForeignKey, String\n",
    "from sqlalchemy.exc import IntegrityError\n",
])
def test_types_sessions_and_errors_are_not_sql(source: str):
    assert sql_imports(source) == []


def test_ledger_does_not_import_licensing():
    """The ledger is below licensing: licensing posts entries, the ledger knows no licences."""
    importers = []
    for relative, path in _modules():
        if not relative.startswith("ledger/"):
            continue
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            names = ([node.module or ""] if isinstance(node, ast.ImportFrom)
                     else [a.name for a in node.names] if isinstance(node, ast.Import) else [])
            importers += [f"{relative}: {n}" for n in names
                          if n.startswith("clearinghouse.licensing")]
    assert not importers, importers
