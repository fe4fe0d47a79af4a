"""The pure parts of matching: the key a society statement's title is matched by, and a period's
days."""

from __future__ import annotations

from datetime import date

from clearinghouse.royalties.pipeline.run import period_days
from clearinghouse.royalties.pipeline.titles import title_key


def test_titles_typed_on_other_systems_are_one_title() -> None:
    assert title_key("月光 Moonlight") == title_key("月光ＭＯＯＮＬＩＧＨＴ!") == title_key("月光 moon-light") \
        == "月光moonlight"
    assert title_key("Twin 双生") != title_key("Twins 双生")
    assert title_key("—!?") == ""  # nothing to match by


def test_a_period_is_its_month_end_exclusive_across_the_year_end() -> None:
    assert period_days("2026-06") == (date(2026, 6, 1), date(2026, 7, 1))
    assert period_days("2026-12") == (date(2026, 12, 1), date(2027, 1, 1))
