"""The shared Previous / Next links of paged lists (statements, payouts, unmatched, unlicensed)."""

from __future__ import annotations

from clearinghouse.web.pages import environment


def _pager(offset: int, shown: int, total: int) -> str:
    template = environment("en").get_template("shell/pager.html")
    return template.render(pager_base="/operator/unmatched?period=2026-06&", offset=offset,
                           shown=shown, pager_total=total)


def test_a_middle_page_links_both_ways_with_the_query_kept() -> None:
    html = _pager(offset=50, shown=50, total=120)
    assert 'href="/operator/unmatched?period=2026-06&amp;offset=0">Previous' in html
    assert 'href="/operator/unmatched?period=2026-06&amp;offset=100" id="next">Next' in html


def test_the_first_and_last_pages_link_only_one_way() -> None:
    first, last = _pager(offset=0, shown=50, total=120), _pager(offset=100, shown=50, total=150)
    assert "Previous" not in first and 'offset=50" id="next"' in first
    assert "Next" not in last and "offset=50\">Previous" in last
