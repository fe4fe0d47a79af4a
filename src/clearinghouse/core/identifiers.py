"""Work and party identifiers: validation by format and check digit, and normalisation.

`normalize_identifier(scheme, value)` returns the stored form of an identifier or raises
`InvalidIdentifier` with a reason a person can act on. Input is forgiving: surrounding
whitespace, letter case, full-width characters (NFKC), hyphens, dots and spaces used as
separators, and a leading scheme label (``ISBN``, ``ISAN``, ...) are accepted. Output is strict:

========  =========================================  ======================================
scheme    stored form                                check
========  =========================================  ======================================
isrc      ``CNA011700001`` (12 chars)                format only (ISRC has no check digit)
iswc      ``T0345246801``                            weighted mod-10 check digit
isan      ``00000000D07A0090Q`` (+ ``00000000X``)    ISO 7064 MOD 37,36 check character(s)
isbn      ``9780306406157`` (always ISBN-13)         ISBN-10 mod 11 / ISBN-13 mod 10
isni      ``0000000121032683``                       ISO 7064 MOD 11-2
dci       ``DCI...`` upper-cased                     format only (see below)
platform  ``platform:<code>``, value unchanged         known platform; value non-empty,
                                                     printable, no whitespace
========  =========================================  ======================================

The DCI (数字版权唯一标识符, Digital Copyright Identifier, issued in China) has no public
check-digit specification that we rely on, so a DCI is validated by format only: ``DCI``
followed by 8 to 32 ASCII letters, digits or hyphens.

Platform identifiers use the scheme ``platform:<name>`` where ``<name>`` is any name of a
platform in the platform list (`core.platforms`): its code or an alias in Chinese or English
(``platform:抖音``, ``platform:Douyin`` and ``platform:douyin`` are one scheme); the scheme is
stored with the code. A name that is no platform's is refused with the platforms it resembles.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

from clearinghouse.core import platforms

SCHEMES: frozenset[str] = frozenset({"isrc", "iswc", "isan", "isbn", "isni", "dci"})
PLATFORM_PREFIX = "platform:"
PLATFORM_VALUE_MAX = 128

_ALNUM36 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_DASHES = dict.fromkeys(map(ord, "\u2010\u2011\u2012\u2013\u2014\u2015\u2212"), "-")
_SEPARATORS = re.compile(r"[\s\-.]+")
_ISRC = re.compile(r"[A-Z]{2}[A-Z0-9]{3}[0-9]{7}")
_HEX = re.compile(r"[0-9A-F]*")
_DCI = re.compile(r"DCI[A-Z0-9-]{8,32}")


class InvalidIdentifier(ValueError):
    """An identifier that does not parse or whose check digit is wrong."""

    def __init__(self, scheme: str, value: str, reason: str) -> None:
        self.scheme = scheme
        self.value = value
        self.reason = reason
        known = scheme in SCHEMES or scheme.startswith(PLATFORM_PREFIX)
        label = scheme.upper() if scheme in SCHEMES else scheme
        super().__init__(f"invalid {label} {value!r}: {reason}" if known else reason)


# --- check digits --------------------------------------------------------------------------


def _digits(value: str, length: int, what: str) -> list[int]:
    if len(value) != length or not (value.isascii() and value.isdigit()):
        raise ValueError(f"{what} needs exactly {length} digits, got {value!r}")
    return [int(c) for c in value]


def iswc_check_digit(digits: str) -> str:
    """Check digit for the 9 digits of an ISWC: (10 - (1 + sum(i * d_i)) mod 10) mod 10."""
    total = 1 + sum(i * d for i, d in enumerate(_digits(digits, 9, "an ISWC body"), start=1))
    return str((10 - total % 10) % 10)


def isbn13_check_digit(digits: str) -> str:
    """Check digit for the first 12 digits of an ISBN-13 (weights 1, 3, 1, 3, ...)."""
    total = sum(d * (3 if i % 2 else 1) for i, d in enumerate(_digits(digits, 12, "an ISBN-13")))
    return str((10 - total % 10) % 10)


def isbn10_check_digit(digits: str) -> str:
    """Check character for the first 9 digits of an ISBN-10 (weights 10..2, mod 11; 10 is X)."""
    total = sum(d * (10 - i) for i, d in enumerate(_digits(digits, 9, "an ISBN-10")))
    check = (11 - total % 11) % 11
    return "X" if check == 10 else str(check)


def mod37_36_check_char(chars: str) -> str:
    """ISO 7064 MOD 37,36 (hybrid) check character over characters 0-9 and A-Z."""
    if not chars or any(c not in _ALNUM36 for c in chars):
        raise ValueError(f"MOD 37,36 works on characters 0-9 and A-Z, got {chars!r}")
    product = 36
    for c in chars:
        total = (product + _ALNUM36.index(c)) % 36 or 36
        product = (total * 2) % 37
    return _ALNUM36[(37 - product) % 36]


def isni_check_char(digits: str) -> str:
    """ISO 7064 MOD 11-2 check character for the first 15 digits of an ISNI (10 is X)."""
    product = 0
    for d in _digits(digits, 15, "an ISNI body"):
        product = ((product + d) * 2) % 11
    check = (12 - product) % 11
    return "X" if check == 10 else str(check)


# --- per-scheme parsers --------------------------------------------------------------------


def _digits_only(text: str) -> bool:
    return text.isascii() and text.isdigit()


def _compact(value: str, label: str) -> str:
    """Upper-case, drop a leading scheme label (``ISBN-13: ``, ``ISAN ``) and all separators."""
    text = re.sub(rf"^{label}[\s:]+", "", value.upper())
    return _SEPARATORS.sub("", text)


def _check(scheme: str, value: str, expected: str, got: str, what: str) -> None:
    if expected != got:
        raise InvalidIdentifier(scheme, value, f"{what} should be {expected}, got {got}")


def _isrc(value: str) -> str:
    code = _compact(value, "ISRC")
    if len(code) != 12:
        raise InvalidIdentifier("isrc", value, f"an ISRC has 12 characters, got {len(code)}")
    if not _ISRC.fullmatch(code):
        raise InvalidIdentifier(
            "isrc", value,
            "an ISRC is CC-XXX-YY-NNNNN: a 2-letter country code, a 3-character registrant "
            "code (letters or digits), a 2-digit year and a 5-digit designation",
        )
    return code


def _iswc(value: str) -> str:
    code = _compact(value, "ISWC")
    if not (len(code) == 11 and code[0] == "T" and _digits_only(code[1:])):
        raise InvalidIdentifier(
            "iswc", value, "an ISWC is T followed by 10 digits, e.g. T-034.524.680-1"
        )
    _check("iswc", value, iswc_check_digit(code[1:10]), code[10], "ISWC check digit")
    return code


def _isan(value: str) -> str:
    code = _compact(value, "ISAN")
    if len(code) not in (17, 26):
        raise InvalidIdentifier(
            "isan", value,
            "an ISAN is 16 hex digits and a check character, optionally followed by an "
            f"8-hex-digit version and a second check character; got {len(code)} characters",
        )
    body, version = code[:16], code[17:25]
    if not (_HEX.fullmatch(body) and _HEX.fullmatch(version)):
        raise InvalidIdentifier(
            "isan", value, "the ISAN root, episode and version must be hexadecimal (0-9, A-F)"
        )
    _check("isan", value, mod37_36_check_char(body), code[16], "ISAN check character")
    if version:
        _check("isan", value, mod37_36_check_char(body + version), code[25],
               "ISAN version check character")
    return code


def _isbn(value: str) -> str:
    code = _compact(value, r"ISBN(?:-?1[03](?=[\s:]))?")
    if len(code) == 10:
        if not (_digits_only(code[:9]) and (_digits_only(code[9]) or code[9] == "X")):
            raise InvalidIdentifier("isbn", value, "an ISBN-10 is 9 digits and a digit or X")
        _check("isbn", value, isbn10_check_digit(code[:9]), code[9], "ISBN-10 check digit")
        body = "978" + code[:9]
        return body + isbn13_check_digit(body)
    if len(code) == 13:
        if not _digits_only(code):
            raise InvalidIdentifier("isbn", value, "an ISBN-13 is 13 digits")
        if code[:3] not in ("978", "979"):
            raise InvalidIdentifier("isbn", value, "an ISBN-13 starts with 978 or 979")
        _check("isbn", value, isbn13_check_digit(code[:12]), code[12], "ISBN-13 check digit")
        return code
    raise InvalidIdentifier(
        "isbn", value, f"an ISBN has 10 or 13 digits, got {len(code)} characters"
    )


def _isni(value: str) -> str:
    code = _compact(value, "ISNI")
    if not (
        len(code) == 16 and _digits_only(code[:15]) and (_digits_only(code[15]) or code[15] == "X")
    ):
        raise InvalidIdentifier(
            "isni", value, "an ISNI is 15 digits and a check digit or X, e.g. 0000 0001 2103 2683"
        )
    _check("isni", value, isni_check_char(code[:15]), code[15], "ISNI check character")
    return code


def _dci(value: str) -> str:
    code = value.upper()
    if not _DCI.fullmatch(code):
        raise InvalidIdentifier(
            "dci", value, "a DCI is 'DCI' followed by 8 to 32 letters, digits or hyphens"
        )
    return code


def _platform(scheme: str, value: str) -> tuple[str, str]:
    name = scheme[len(PLATFORM_PREFIX) :].strip()
    if not name:
        raise InvalidIdentifier(
            scheme, value, "name the platform, e.g. platform:douyin or platform:抖音"
        )
    try:
        code = platforms.current().resolve(name)
    except platforms.UnknownPlatform as err:
        raise InvalidIdentifier(scheme, value, str(err)) from None
    scheme = PLATFORM_PREFIX + code
    if not value:
        raise InvalidIdentifier(scheme, value, "a platform id may not be empty")
    if len(value) > PLATFORM_VALUE_MAX:
        raise InvalidIdentifier(
            scheme, value,
            f"a platform id has at most {PLATFORM_VALUE_MAX} characters, got {len(value)}",
        )
    if not value.isprintable() or any(c.isspace() for c in value):
        raise InvalidIdentifier(
            scheme, value, "a platform id may not contain whitespace or control characters"
        )
    return scheme, value


_PARSERS: dict[str, Callable[[str], str]] = {
    "isrc": _isrc, "iswc": _iswc, "isan": _isan, "isbn": _isbn, "isni": _isni, "dci": _dci,
}


def _known() -> str:
    return ", ".join(sorted(SCHEMES)) + ", platform:<name>"


def normalize_identifier(scheme: str, value: str) -> tuple[str, str]:
    """Return ``(scheme, value)`` in stored form, or raise `InvalidIdentifier`."""
    if not isinstance(scheme, str) or not isinstance(value, str):
        raise InvalidIdentifier(str(scheme), str(value), "scheme and value must be strings")
    name = scheme.strip().lower()
    try:
        if name.startswith(PLATFORM_PREFIX):
            return _platform(scheme.strip(), value.strip())
        parser = _PARSERS.get(name)
        if parser is None:
            raise InvalidIdentifier(
                scheme, value, f"unknown identifier scheme {scheme!r}; known: {_known()}"
            )
        text = unicodedata.normalize("NFKC", value).translate(_DASHES).strip()
        return name, parser(text)
    except InvalidIdentifier as exc:  # report what the caller sent, not our cleaned copy
        raise InvalidIdentifier(exc.scheme, value, exc.reason) from None


def is_valid(scheme: str, value: str) -> bool:
    """True when `normalize_identifier` accepts the identifier."""
    try:
        normalize_identifier(scheme, value)
    except InvalidIdentifier:
        return False
    return True
