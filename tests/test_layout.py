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


# -- layering: the package graph is acyclic, and no import hides inside a function ---------------
# Entrypoints sit on top and may import anything; between all other modules, packages form a DAG
# (docs/architecture.md, "Layers"). Each licensing sub-package counts as a package of its own.
ENTRYPOINT_NAMES = frozenset({"endpoints.py", "cli.py", "pages.py"})  # pages.py: web pages
ENTRYPOINT_MODULES = frozenset({"api/app.py", "cli/main.py"})


def _is_entrypoint(relative: str) -> bool:
    name = relative.rsplit("/", 1)[-1]
    return (relative in ENTRYPOINT_MODULES or name in ENTRYPOINT_NAMES
            or name.endswith(("_endpoints.py", "_cli.py", "_pages.py")))


def package_of(module: str) -> str:
    """`clearinghouse.licensing.quotes.engine` -> `licensing.quotes`; `clearinghouse.search.x` -> `search`."""
    parts = module.split(".")[1:]
    if not parts or not ((PACKAGE / parts[0]).is_dir() or (PACKAGE / f"{parts[0]}.py").is_file()):
        return ""  # the root package itself (`from clearinghouse import __version__`)
    if parts[:1] == ["licensing"] and len(parts) > 1 and (PACKAGE / "licensing" / parts[1]).is_dir():
        return f"licensing.{parts[1]}"
    return parts[0]


def _imported_modules(tree: ast.AST) -> list[tuple[int, str]]:
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("clearinghouse"):
            found += [(node.lineno, f"{node.module}.{a.name}") for a in node.names]
        elif isinstance(node, ast.Import):
            found += [(node.lineno, a.name) for a in node.names if a.name.startswith("clearinghouse")]
    return found


def package_edges(sources: dict[str, str]) -> dict[tuple[str, str], list[str]]:
    """(from package, to package) -> the imports that make the edge, from {relative path: source}."""
    edges: dict[tuple[str, str], list[str]] = {}
    for relative, source in sources.items():
        if _is_entrypoint(relative) or relative.startswith("migrations/"):
            continue
        here = package_of("clearinghouse." + relative.removesuffix(".py").replace("/", "."))
        for line, target in _imported_modules(ast.parse(source)):
            there = package_of(target)
            if there and there != here:
                edges.setdefault((here, there), []).append(f"{relative}:{line} imports {target}")
    return edges


def find_cycle(edges: dict[tuple[str, str], list[str]]) -> list[str] | None:
    """One cycle of packages (first package repeated at the end), or None."""
    graph: dict[str, list[str]] = {}
    for a, b in edges:
        graph.setdefault(a, []).append(b)
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return path[path.index(nxt):] + [nxt]
            if nxt not in state and (cycle := visit(nxt)):
                return cycle
        path.pop()
        state[node] = 2
        return None

    for start in sorted(graph):
        if start not in state and (cycle := visit(start)):
            return cycle
    return None


def _explain(cycle: list[str], edges: dict[tuple[str, str], list[str]]) -> str:
    return "\n".join(f"{a} -> {b}: " + "; ".join(edges[(a, b)][:5]) for a, b in zip(cycle, cycle[1:], strict=False))


def functions_importing_clearinghouse(source: str) -> list[str]:
    """`line: import` for each import of a clearinghouse module inside a function."""
    found = []
    for fn in ast.walk(ast.parse(source)):
        if isinstance(fn, ast.FunctionDef | ast.AsyncFunctionDef):
            found += [f"{line}: {target} (in {fn.name})" for line, target in _imported_modules(fn)]
    return sorted(set(found))


def _sources() -> dict[str, str]:
    return {relative: path.read_text("utf-8") for relative, path in _modules()}


def test_packages_import_each_other_without_cycles():
    edges = package_edges(_sources())
    cycle = find_cycle(edges)
    assert cycle is None, (
        "package cycle (move the shared piece down into core/ or the lower package, or announce "
        f"through core/changes.py): {' -> '.join(cycle or [])}\n{_explain(cycle or [], edges)}"
    )


def test_no_module_imports_clearinghouse_inside_a_function():
    offenders = {relative: found for relative, source in _sources().items()
                 if (found := functions_importing_clearinghouse(source))}
    assert not offenders, f"import at the top of the module (a cycle is fixed by layering): {offenders}"


def test_the_cycle_check_sees_a_cycle_and_names_its_imports():
    edges = package_edges({
        "registry/works_service.py": "from clearinghouse.search import indexer\n",
        "search/indexer.py": "from clearinghouse.registry.tables import Work\n",
        "search/endpoints.py": "from clearinghouse.api.app import create_app\n",  # top layer: no edge
    })
    assert find_cycle(edges) == ["registry", "search", "registry"]
    assert "registry/works_service.py:1 imports clearinghouse.search.indexer" in _explain(
        ["registry", "search", "registry"], edges)
    assert find_cycle(package_edges({"licensing/quotes/engine.py":
                                     "from clearinghouse.licensing.catalogue.domain import Price\n"})) is None


def test_the_import_check_sees_imports_in_functions_and_methods():
    source = ("def f():\n    from clearinghouse.core import clock\n"
              "class A:\n    async def g(self):\n        import clearinghouse.search.indexer\n"
              "def h():\n    import uvicorn\n")
    assert [f.split(" (")[0] for f in functions_importing_clearinghouse(source)] == [
        "2: clearinghouse.core.clock", "5: clearinghouse.search.indexer"]
