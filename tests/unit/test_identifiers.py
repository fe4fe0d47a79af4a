"""Identifier validation and normalisation: formats, check digits, messages, round trips."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from clearinghouse.core.identifiers import (
    SCHEMES,
    InvalidIdentifier,
    is_valid,
    isbn10_check_digit,
    isbn13_check_digit,
    isni_check_char,
    iswc_check_digit,
    mod37_36_check_char,
    normalize_identifier,
)

DIGITS = "0123456789"
HEX = "0123456789ABCDEF"


def reason_of(scheme: str, value: str) -> str:
    with pytest.raises(InvalidIdentifier) as info:
        normalize_identifier(scheme, value)
    assert info.value.scheme in (scheme, scheme.strip().lower())
    assert info.value.value == value
    assert info.value.reason in str(info.value)
    return info.value.reason


def test_schemes_are_the_fixed_six():
    assert frozenset({"isrc", "iswc", "isan", "isbn", "isni", "dci"}) == SCHEMES


def test_invalid_identifier_is_a_value_error():
    assert issubclass(InvalidIdentifier, ValueError)


# --- check-digit helpers, hand-computed ----------------------------------------------------


def test_iswc_check_digit_by_hand():
    # 1 + 0*1 + 3*2 + 4*3 + 5*4 + 2*5 + 4*6 + 6*7 + 8*8 + 0*9 = 179 -> (10 - 9) % 10 = 1
    assert iswc_check_digit("034524680") == "1"
    # 1 + 1 + 4 + 9 + 16 + 25 + 36 + 49 + 64 + 81 = 286 -> (10 - 6) % 10 = 4
    assert iswc_check_digit("123456789") == "4"
    assert iswc_check_digit("000000000") == "9"  # 1 -> 9
    assert iswc_check_digit("000000001") == "0"  # 1 + 9 = 10 -> 0


def test_isbn_check_digits_by_hand():
    # 9+21+8+0+3+0+6+12+0+18+1+15 = 93 -> 7
    assert isbn13_check_digit("978030640615") == "7"
    # 0*10+3*9+0*8+6*7+4*6+0*5+6*4+1*3+5*2 = 130; 130 % 11 = 9 -> 2
    assert isbn10_check_digit("030640615") == "2"
    # 8*9+4*7+4*6+2*5+9*4+5*3+7*2 = 199; 199 % 11 = 1 -> 10 -> X
    assert isbn10_check_digit("080442957") == "X"


def test_mod37_36_by_hand():
    # p=36; s=(36+0) mod 36 -> 0 -> 36; p=72 mod 37=35; check=(37-35) mod 36 = 2
    assert mod37_36_check_char("0") == "2"
    # p=36; s=(36+1) mod 36 = 1; p=2; check=35 -> Z
    assert mod37_36_check_char("1") == "Z"


def test_isni_check_char_on_published_numbers():
    assert isni_check_char("000000012103268") == "3"
    assert isni_check_char("000000021825009") == "7"
    assert isni_check_char("000000012146438") == "X"


@pytest.mark.parametrize(
    ("func", "bad"),
    [(iswc_check_digit, "12345678"), (iswc_check_digit, "12345678a"),
     (isbn13_check_digit, "97803064061"), (isbn10_check_digit, "0306406150"),
     (isni_check_char, "00000001210326"), (mod37_36_check_char, ""),
     (mod37_36_check_char, "00a")],
)
def test_check_helpers_refuse_malformed_input(func, bad):
    with pytest.raises(ValueError):
        func(bad)


# --- published examples and their forms ----------------------------------------------------


@pytest.mark.parametrize(
    ("scheme", "value", "stored"),
    [
        ("isrc", "CN-A01-17-00001", "CNA011700001"),
        ("isrc", "cna011700001", "CNA011700001"),
        ("isrc", "US-RC1-76-07839", "USRC17607839"),
        ("isrc", "ISRC US-RC1-76-07839", "USRC17607839"),
        ("iswc", "T-034.524.680-1", "T0345246801"),
        ("iswc", "T0345246801", "T0345246801"),
        ("iswc", "t-123.456.789-4", "T1234567894"),
        ("isan", "ISAN 0000-0000-D07A-0090-Q-0000-0000-X", "00000000D07A0090Q00000000X"),
        ("isan", "0000-0000-d07a-0090-q", "00000000D07A0090Q"),
        ("isan", "0000-0001-8CFA-0000-I-0000-0000-K", "000000018CFA0000I00000000K"),
        ("isbn", "978-0-306-40615-7", "9780306406157"),
        ("isbn", "0-306-40615-2", "9780306406157"),
        ("isbn", "ISBN-13: 978-0-306-40615-7", "9780306406157"),
        ("isbn", "ISBN 0 306 40615 2", "9780306406157"),
        ("isbn", "0-8044-2957-x", "9780804429573"),
        ("isbn", "９７８－０－３０６－４０６１５－７", "9780306406157"),  # full-width input
        ("isni", "0000 0001 2103 2683", "0000000121032683"),
        ("isni", "ISNI 0000-0002-1825-0097", "0000000218250097"),
        ("isni", "0000 0001 2146 438x", "000000012146438X"),
        ("dci", "dci-2023-ab12cd", "DCI-2023-AB12CD"),
        ("DCI", "DCI12345678", "DCI12345678"),
    ],
)
def test_valid_identifiers_normalise(scheme, value, stored):
    assert normalize_identifier(scheme, value) == (scheme.lower(), stored)
    assert is_valid(scheme, value)
    # the stored form is itself accepted and unchanged
    assert normalize_identifier(scheme, stored) == (scheme.lower(), stored)


def test_scheme_is_case_and_space_insensitive():
    assert normalize_identifier(" ISWC ", "T-034.524.680-1") == ("iswc", "T0345246801")


# --- wrong check digits name the expected one -----------------------------------------------


@pytest.mark.parametrize(
    ("scheme", "value", "message"),
    [
        ("iswc", "T-034.524.680-2", "ISWC check digit should be 1, got 2"),
        ("iswc", "T1234567895", "ISWC check digit should be 4, got 5"),
        ("isbn", "978-0-306-40615-8", "ISBN-13 check digit should be 7, got 8"),
        ("isbn", "0-306-40615-3", "ISBN-10 check digit should be 2, got 3"),
        ("isbn", "0-8044-2957-1", "ISBN-10 check digit should be X, got 1"),
        ("isni", "0000 0001 2103 2684", "ISNI check character should be 3, got 4"),
        ("isan", "0000-0000-D07A-0090-R", "ISAN check character should be Q, got R"),
        ("isan", "0000-0000-D07A-0090-Q-0000-0000-Y",
         "ISAN version check character should be X, got Y"),
    ],
)
def test_wrong_check_digit_is_rejected_with_expected_value(scheme, value, message):
    assert reason_of(scheme, value) == message
    assert not is_valid(scheme, value)


def test_message_names_scheme_and_value():
    with pytest.raises(InvalidIdentifier) as info:
        normalize_identifier("iswc", "T-034.524.680-2")
    assert str(info.value) == (
        "invalid ISWC 'T-034.524.680-2': ISWC check digit should be 1, got 2"
    )


# --- malformed lengths and characters -------------------------------------------------------


@pytest.mark.parametrize(
    ("scheme", "value", "fragment"),
    [
        ("isrc", "CN-A01-17-0001", "12 characters, got 11"),
        ("isrc", "CN-A01-17-000011", "12 characters, got 13"),
        ("isrc", "C1-A01-17-00001", "2-letter country code"),
        ("isrc", "CN-A01-1X-00001", "CC-XXX-YY-NNNNN"),
        ("isrc", "CN-A_1-17-00001", "CC-XXX-YY-NNNNN"),
        ("iswc", "T-034.524.680", "T followed by 10 digits"),
        ("iswc", "X-034.524.680-1", "T followed by 10 digits"),
        ("iswc", "T-034.524.68A-1", "T followed by 10 digits"),
        ("isan", "0000-0000-D07A-0090", "got 16 characters"),
        ("isan", "0000-0000-D07G-0090-Q", "hexadecimal"),
        ("isan", "0000-0000-D07A-0090-Q-0000-000Z-X", "hexadecimal"),
        ("isbn", "978-0-306-40615", "10 or 13 digits, got 12"),
        ("isbn", "977-0-306-40615-0", "starts with 978 or 979"),
        ("isbn", "978-0-306-4061A-7", "13 digits"),
        ("isbn", "0-306-4061X-2", "9 digits and a digit or X"),
        ("isni", "0000 0001 2103 268", "15 digits"),
        ("isni", "0000 0001 2103 26X3", "15 digits"),
        ("dci", "DCI1234567", "8 to 32"),
        ("dci", "DCI" + "A" * 33, "8 to 32"),
        ("dci", "ABC12345678", "'DCI'"),
        ("dci", "DCI1234_5678", "letters, digits or hyphens"),
        ("isbn", "", "10 or 13 digits, got 0"),
    ],
)
def test_malformed_values_are_rejected(scheme, value, fragment):
    assert fragment in reason_of(scheme, value)


def test_non_ascii_digits_are_not_digits():
    # Arabic-Indic digits are str.isdigit() but are not identifier digits.
    assert not is_valid("iswc", "T\u0660\u0663\u0664524680" + "1")


# --- unknown schemes and platform ids -------------------------------------------------------


def test_unknown_scheme_lists_the_known_ones():
    reason = reason_of("xyz", "123")
    assert reason.startswith("unknown identifier scheme 'xyz'; known: ")
    for name in sorted(SCHEMES):
        assert name in reason
    assert "platform:<name>" in reason
    assert not is_valid("xyz", "123")


@pytest.mark.parametrize("name", ["douyin", "kuaishou", "meipai", "miaopai", "xigua", "bilibili",
                                  "youtube", "wechat_channels", "xiaohongshu"])
def test_platform_ids_keep_their_value(name):
    assert normalize_identifier(f"platform:{name}", "BV1xx411c7mD") == (
        f"platform:{name}", "BV1xx411c7mD")


def test_platform_scheme_is_lowercased_and_value_trimmed():
    assert normalize_identifier("Platform:Douyin", " 7234567890123456789 ") == (
        "platform:douyin", "7234567890123456789")


@pytest.mark.parametrize(("name", "code"), [
    ("抖音", "douyin"), ("快手", "kuaishou"), ("小红书", "xiaohongshu"), ("B站", "bilibili"),
    ("Ｂ站", "bilibili"), ("哔哩哔哩", "bilibili"), ("微信视频号", "wechat_channels"),
    ("视频号", "wechat_channels"), ("西瓜视频", "xigua"), ("KUAISHOU", "kuaishou"),
    ("WeChat Channels", "wechat_channels"), ("dou yin", "douyin"),
])
def test_a_platform_named_in_either_language_is_stored_by_its_code(name, code):
    """Defect 7: platform:抖音 was refused; any name of a platform now means its code."""
    assert normalize_identifier(f"platform:{name}", "123") == (f"platform:{code}", "123")


def test_an_unknown_platform_is_refused_with_close_matches():
    reason = reason_of("platform:抖因", "123")
    assert "unknown platform '抖因'" in reason and "douyin (抖音)" in reason
    assert "kuaishou (快手)" in reason_of("platform:kuaishu", "123")


@pytest.mark.parametrize(
    ("scheme", "value", "fragment"),
    [
        ("platform:douyin", "", "may not be empty"),
        ("platform:douyin", "   ", "may not be empty"),
        ("platform:douyin", "a b", "whitespace"),
        ("platform:douyin", "a\tb", "whitespace"),
        ("platform:douyin", "a\x00b", "control"),
        ("platform:douyin", "x" * 129, "at most 128 characters, got 129"),
        ("platform:", "123", "name the platform"),
        ("platform:some-new-site", "123", "unknown platform"),
        ("platform:douyin!", "123", "unknown platform"),
    ],
)
def test_bad_platform_ids_are_rejected(scheme, value, fragment):
    with pytest.raises(InvalidIdentifier) as info:
        normalize_identifier(scheme, value)
    assert fragment in info.value.reason


def test_platform_value_of_exactly_128_is_accepted():
    assert normalize_identifier("platform:youtube", "x" * 128)[1] == "x" * 128


# --- properties -----------------------------------------------------------------------------

nine_digits = st.text(alphabet=DIGITS, min_size=9, max_size=9)


def _replace(text: str, index: int, char: str) -> str:
    return text[:index] + char + text[index + 1 :]


@given(nine_digits)
def test_any_generated_iswc_validates_in_every_form(body):
    compact = "T" + body + iswc_check_digit(body)
    pretty = f"T-{body[:3]}.{body[3:6]}.{body[6:]}-{compact[-1]}"
    assert normalize_identifier("iswc", compact) == ("iswc", compact)
    assert normalize_identifier("iswc", pretty) == ("iswc", compact)


@given(nine_digits, st.integers(min_value=0, max_value=9), st.integers(min_value=1, max_value=9))
def test_iswc_single_digit_change(body, index, delta):
    compact = body + iswc_check_digit(body)
    changed = _replace(compact, index, str((int(compact[index]) + delta) % 10))
    # The check digit itself is always caught. A body digit at weight w changed by delta is
    # caught exactly when w * delta is not a multiple of 10 (the ISWC weights 1..9 share
    # factors with 10, so e.g. +2 at weight 5 goes unnoticed).
    caught = index == 9 or ((index + 1) * delta) % 10 != 0
    assert is_valid("iswc", "T" + changed) is not caught


def test_iswc_weight_blind_spot_is_real():
    # 034524680 -> 034544680 adds 2 at weight 5: the sum grows by 10 and the check still fits.
    assert is_valid("iswc", "T0345446801")


@given(st.sampled_from(["978", "979"]), nine_digits)
def test_any_generated_isbn13_validates(prefix, body):
    code = prefix + body + isbn13_check_digit(prefix + body)
    assert normalize_identifier("isbn", code) == ("isbn", code)


@given(st.sampled_from(["978", "979"]), nine_digits, st.integers(min_value=0, max_value=12),
       st.integers(min_value=1, max_value=9))
def test_isbn13_any_single_digit_change_is_invalid(prefix, body, index, delta):
    code = prefix + body + isbn13_check_digit(prefix + body)
    changed = _replace(code, index, str((int(code[index]) + delta) % 10))
    assert not is_valid("isbn", changed)


@given(nine_digits)
def test_isbn10_converts_to_the_matching_isbn13(body):
    isbn10 = body + isbn10_check_digit(body)
    expected = "978" + body + isbn13_check_digit("978" + body)
    assert normalize_identifier("isbn", isbn10) == ("isbn", expected)


@given(st.text(alphabet=DIGITS, min_size=15, max_size=15), st.integers(0, 14), st.integers(1, 9))
def test_isni_single_digit_change_is_caught(body, index, delta):
    code = body + isni_check_char(body)
    assert is_valid("isni", code)
    assert not is_valid("isni", _replace(code, index, str((int(code[index]) + delta) % 10)))


@given(st.text(alphabet=HEX, min_size=16, max_size=16), st.text(alphabet=HEX, min_size=8,
       max_size=8), st.integers(0, 15), st.integers(1, 15))
def test_isan_generated_validates_and_single_change_is_caught(body, version, index, delta):
    full = body + mod37_36_check_char(body) + version + mod37_36_check_char(body + version)
    assert normalize_identifier("isan", "ISAN " + full.lower()) == ("isan", full)
    changed = _replace(full, index, HEX[(HEX.index(full[index]) + delta) % 16])
    assert not is_valid("isan", changed)
