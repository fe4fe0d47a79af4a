"""Write docs/cli.md from the CLI's own --help, so the reference never drifts from the code.

Run: .venv/bin/python -m scripts.cli_reference  (tests/test_cli_reference.py checks it is current)
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import typer
from typer.testing import CliRunner

ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")

HEADER = """# Command line reference

`clearinghouse` is a thin shell over the same services as the API. It acts on the database
named by `CLEARINGHOUSE_DATABASE_URL` (default: SQLite in `CLEARINGHOUSE_DATA_DIR`, `data/`).
Commands act as the local operator unless `--as PARTY_ID` says otherwise. Output is a table by
default; `--json` prints JSON for scripts.

Exit codes: `0` success; `2` bad usage; `3` not found; `4` invalid input (or some import rows
rejected); `5` conflict or stale version; `6` forbidden; `1` anything else.

This page is generated from `--help` by `python -m scripts.cli_reference`.
"""


def _walk(cmd: object, path: list[str]):  # noqa: ANN202
    yield path, cmd
    commands = getattr(cmd, "commands", None)  # groups have sub-commands
    if commands:
        for name in sorted(commands):
            yield from _walk(commands[name], [*path, name])


def render() -> str:
    from clearinghouse.cli.main import app

    root = typer.main.get_command(app)
    runner = CliRunner()
    parts = [HEADER]
    for path, _ in _walk(root, []):
        result = runner.invoke(app, [*path, "--help"], prog_name="clearinghouse",
                               env={"COLUMNS": "100", "NO_COLOR": "1", "TERM": "dumb"})
        plain = ANSI.sub("", result.stdout)  # in case the environment forces colour
        text = "\n".join(line.rstrip() for line in plain.strip("\n").splitlines())
        title = " ".join(["clearinghouse", *path])
        parts.append(f"\n## `{title}`\n\n```text\n{text}\n```\n")
    return "".join(parts)


def main() -> None:
    target = Path(__file__).resolve().parent.parent / "docs" / "cli.md"
    target.write_text(render(), encoding="utf-8")
    sys.stdout.write(f"wrote {target}\n")


if __name__ == "__main__":
    main()
