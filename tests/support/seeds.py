"""The rows a fresh database is seeded with (migration 0003's frozen seed), for tests that need them
without a database."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import clearinghouse.migrations

_SEEDS = Path(clearinghouse.migrations.__file__).parent / "seeds"


def seeded_templates() -> list[dict[str, Any]]:
    return json.loads((_SEEDS / "0003_catalogue.json").read_text("utf-8"))["license_templates"]
