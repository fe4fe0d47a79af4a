"""The import's audit snapshots as JSON text, byte for byte what SQLAlchemy stores for the dict
(`json.dumps`, its serialiser for JSON columns), built from a template per batch.

Every work and holding of an import writes an audit snapshot, and encoding those dicts was a
tenth of an import. The rows of one batch share their keys and many values (the batch's instant,
version 1, the importer, status): a `SnapshotLayout` encodes the keys and those shared values
once, so that a row only encodes what differs. Every value is encoded as `json.dumps` would
encode it (strings by the same C escaper, anything unusual by `json.dumps` itself), hence the
text is the same. Pure: no I/O.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from json.encoder import encode_basestring_ascii
from typing import Any

from clearinghouse.core.bulk import JsonText

__all__ = ["SnapshotLayout", "json_value"]

_escape = encode_basestring_ascii  # json.dumps's own escaper (ensure_ascii=True)


def json_value(value: Any) -> str:
    """`json.dumps(value)`, faster for the values a snapshot holds most."""
    kind = type(value)
    if kind is str:
        return _escape(value)
    if value is None:
        return "null"
    if kind is int:
        return int.__repr__(value)
    if kind is bool:
        return "true" if value else "false"
    if kind is list and all(type(item) is str for item in value):
        return "[" + ", ".join(map(_escape, value)) + "]"
    return json.dumps(value)


class SnapshotLayout:
    """Snapshots with these keys, in this order, where `shared` keys have the same value in
    every row: `text(values)` takes the other keys' values, in key order."""

    def __init__(self, keys: Sequence[str], shared: Mapping[str, Any]) -> None:
        self.variable: tuple[str, ...] = tuple(k for k in keys if k not in shared)
        literals, pending = [], "{"
        for position, key in enumerate(keys):
            pending += ("" if position == 0 else ", ") + _escape(key) + ": "
            if key in shared:
                pending += json_value(shared[key])
            else:
                literals.append(pending)
                pending = ""
        self._literals = tuple(literals)
        self._tail = pending + "}"
        self._lists: dict[tuple[str, ...], str] = {}  # rights, territories: a few lists repeat

    def text(self, values: Sequence[Any]) -> JsonText:
        parts = []
        for literal, value in zip(self._literals, values, strict=True):
            kind = type(value)
            if kind is str:
                parts.append(literal + _escape(value))
            elif value is None:
                parts.append(literal + "null")
            elif kind is list and all(type(item) is str for item in value):
                key = tuple(value)
                encoded = self._lists.get(key)
                if encoded is None:
                    encoded = self._lists[key] = json_value(value)
                parts.append(literal + encoded)
            else:
                parts.append(literal + json_value(value))
        return JsonText("".join(parts) + self._tail)
