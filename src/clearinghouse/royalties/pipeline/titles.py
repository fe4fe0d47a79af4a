"""The key a title is matched by: society statements name works by title, typed by hand on
another system. NFKC (full-width to half-width), case-folded, and only letters and digits kept,
so "Moonlight!", "ＭＯＯＮＬＩＧＨＴ" and "moon light" are one title. Pure."""

from __future__ import annotations

import unicodedata


def title_key(title: str) -> str:
    folded = unicodedata.normalize("NFKC", title).casefold()
    return "".join(ch for ch in folded if unicodedata.category(ch)[0] in "LN")
