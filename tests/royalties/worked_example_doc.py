"""Reading docs/royalties-worked-example.md: its commands and its tables, for the tests that run
the one and check the others (the page is the one source of the figures)."""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PAGE = ROOT / "docs" / "royalties-worked-example.md"
MARKER = "<!-- worked-example:{} -->"
PLATFORMS = {"抖音": "douyin", "快手": "kuaishou"}


def _section(text: str, name: str) -> list[str]:
    marker = MARKER.format(name)
    assert marker in text, f"{PAGE.name} lost its {marker}"
    lines = text.split(marker, 1)[1].lstrip("\n").splitlines()
    return lines[:next((i for i, ln in enumerate(lines) if not ln.strip()), len(lines))]


def table(name: str) -> list[dict[str, str]]:
    """The markdown table after the page's marker, as rows keyed by header."""
    section = _section(PAGE.read_text("utf-8"), name)
    rows = [[cell.strip() for cell in ln.strip().strip("|").split("|")] for ln in section]
    header, body = rows[0], rows[2:]
    return [dict(zip(header, row, strict=True)) for row in body]


def minor(cell: str) -> int:
    """'1,187,654' → 1187654; '712.59' → 71259 (fen); '—' → 0."""
    if cell in ("—", "-", ""):
        return 0
    value = Decimal(cell.replace(",", ""))
    return int(value * 100) if "." in cell else int(value)


@dataclass
class Commands:
    env: dict[str, str] = field(default_factory=dict)
    lookups: dict[str, str] = field(default_factory=dict)  # shell variable → demo key suffix
    runs: list[tuple[list[str], str | None]] = field(default_factory=list)  # (argv, > file)


def commands() -> Commands:
    """The page's command block: exports, the jq look-ups of party ids, and each command."""
    text = PAGE.read_text("utf-8")
    block = text.split(MARKER.format("commands"), 1)[1].split("```sh\n", 1)[1].split("```", 1)[0]
    out = Commands()
    for line in block.splitlines():
        if line.startswith("export "):
            name, _, value = line.removeprefix("export ").partition("=")
            out.env[name] = shlex.split(value)[0]
        elif match := re.match(r'^(\w+)=\$\(jq .*endswith\("(\w+)"\).*\)$', line):
            out.lookups[match[1]] = match[2]
        elif line.startswith("clearinghouse "):
            argv = shlex.split(line)[1:]
            target = None
            if ">" in argv:
                at = argv.index(">")
                argv, target = argv[:at], argv[at + 1]
            out.runs.append((argv, target))
        else:
            assert not line.strip(), f"a line the test cannot run: {line!r}"
    return out
