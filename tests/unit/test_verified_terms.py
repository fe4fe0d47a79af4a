"""The signed terms in words, as the verify page and the API show them: each right with the
countries its line was granted in, and what the licence does not cover (a partial purchase)."""

from __future__ import annotations

from datetime import date

from clearinghouse.licensing.certificates.wording import verified_terms

PAYLOAD = {
    "licensee": {"id": "pty_b", "name": "一条 Yitiao"},
    "valid_from": "2026-05-01", "valid_until": "2027-04-30",
    "works": [{"id": "wrk_r", "title": "月光 Moonlight", "type": "sound_recording", "identifiers": {}}],
    "terms": {"territories": ["CN", "HK"], "channels": ["douyin"], "exclusive": False},
    "rights": [{"work_id": "wrk_r", "right": "master_use", "holder": {"name": "Label"},
                "share": "100", "countries": ["CN"]}],
    "not_cleared": [{"work_id": "wrk_r", "right": "master_use", "holder": None, "share": "100",
                     "countries": ["HK"], "reason": "unclaimed_share"}],
}


def test_each_right_states_its_own_countries_and_what_was_not_cleared_is_listed():
    terms = verified_terms(PAYLOAD, "valid", date(2026, 6, 1))
    assert terms.rights[0].territories == ["CN"]  # signed per line as `countries` (version 2)
    assert [(p.right, p.territories, p.reason) for p in terms.not_cleared] == [
        ("master_use", ["HK"], "unclaimed_share")]
    assert "Right: Master use in 月光 Moonlight, from Label (share 100%), in China" in terms.in_words
    assert "Not cleared: Master use in 月光 Moonlight, in Hong Kong (Unclaimed share)" in terms.in_words
    assert any(line.startswith("未获许可：") and "无人登记持有" in line for line in terms.in_words_zh)


def test_a_certificate_without_not_cleared_lists_nothing_as_not_cleared():
    old = {k: v for k, v in PAYLOAD.items() if k != "not_cleared"}
    terms = verified_terms(old, "valid", date(2026, 6, 1))
    assert terms.not_cleared == []
    assert not any(line.startswith("Not cleared") for line in terms.in_words)
