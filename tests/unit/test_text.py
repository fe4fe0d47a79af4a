"""Text hygiene (core/text.py): refused characters, kept characters, NFC."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from clearinghouse.core.text import TextRefused, clean

REFUSED_EVERYWHERE = ["\x00", "\x01", "\x1b", "\x7f", "\x85", "\x9f", "\u202a", "\u202b", "\u202c",
                      "\u202d", "\u202e", "\u2066", "\u2067", "\u2068", "\u2069", "\ud800", "\udfff"]


@pytest.mark.parametrize("char", REFUSED_EVERYWHERE, ids=lambda c: f"U+{ord(c):04X}")
def test_controls_bidi_overrides_and_surrogates_are_refused_in_any_field(char: str) -> None:
    for multiline in (False, True):
        with pytest.raises(TextRefused, match=f"U\\+{ord(char):04X} .* at position 4"):
            clean(f"abc{char}def", multiline=multiline)


def test_the_message_names_what_was_found() -> None:
    with pytest.raises(TextRefused, match=r"U\+202E \(RIGHT-TO-LEFT OVERRIDE, a bidi control"):
        clean("invoice\u202efdp.exe")
    with pytest.raises(TextRefused, match=r"U\+0000 \(NUL\)"):
        clean("a\x00")


@pytest.mark.parametrize("char", ["\t", "\n", "\r"])
def test_tab_and_line_breaks_only_in_multi_line_fields(char: str) -> None:
    assert clean(f"one{char}two", multiline=True) == f"one{char}two"
    with pytest.raises(TextRefused, match="single line"):
        clean(f"one{char}two")


def test_text_is_stored_in_nfc_and_bidi_marks_stay() -> None:
    assert clean("Cafe\u0301") == "Café"
    assert clean("\u05e9\u05dc\u05d5\u05dd\u200f (Hebrew)") == "\u05e9\u05dc\u05d5\u05dd\u200f (Hebrew)"
    assert clean("夏日的风 Summer") == "夏日的风 Summer"


@given(st.text())
def test_any_text_is_either_refused_or_returned_in_nfc(text: str) -> None:
    for multiline in (False, True):
        try:
            out = clean(text, multiline=multiline)
        except TextRefused:
            continue
        assert out == unicodedata.normalize("NFC", text)
        assert not any(unicodedata.category(c) in ("Cs",) for c in out)
        assert "\x00" not in out and "\u202e" not in out
