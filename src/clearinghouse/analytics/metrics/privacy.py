"""Small-cell suppression. Pure.

A figure about fewer than `k` people is not shown. Nor is one that could be recovered by
subtracting published figures from a published total: when a breakdown hides exactly one cell,
the smallest other cell is hidden too (secondary suppression), so no subtraction of what is
shown gives a hidden cell back.
"""

from __future__ import annotations

from collections.abc import Mapping

DEFAULT_K = 50


def suppressed_keys(cells: Mapping[str, int], k: int) -> set[str]:
    """The keys of one breakdown (parts of a published total) that must not be shown."""
    hidden = {key for key, users in cells.items() if users < k}
    if len(hidden) == 1 and len(cells) > 1:
        shown = sorted((users, key) for key, users in cells.items() if key not in hidden)
        hidden.add(shown[0][1])
    return hidden


def shown(users: int, k: int) -> int | None:
    """A lone figure (not part of a breakdown): itself from k people up, else nothing."""
    return users if users >= k else None
