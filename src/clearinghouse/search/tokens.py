"""Text normalisation and tokenisation shared by the index and the query parser.

Python is the single source of truth for tokens: the SQLite FTS5 table uses the `ascii`
tokenizer (which splits only on ASCII punctuation and spaces, and our tokens hold none) and the
PostgreSQL tsvector is built from a literal, so both engines see exactly the tokens made here.

- NFKC folds full-width letters and digits (`ＳＵＭＭＥＲ` -> `summer`) and compatibility forms;
  everything is case-folded; accents are dropped from Latin, Greek and Cyrillic letters only
  (Japanese voicing marks carry meaning and are kept).
- Han ideographs and kana become one token per character, so a phrase of consecutive
  characters finds any 1-, 2- or n-character substring of a Chinese title.
- Other letters and digits form word tokens; everything else (punctuation, symbols, emoji,
  SQL or FTS operators) separates tokens and can never reach a query as syntax.
- Brackets, quotes and clause punctuation (`（）【】《》「」 , ; : ! ? ， 。 、 · /`) also *break*
  a field: the index puts a gap token there, so a phrase never runs across them (`克现` must
  not find `坦克（现场版）`). Spaces, hyphens, apostrophes and full stops join words as before
  (`summer city` still finds `Summer-City`, `don't` finds `Don't`).
- SQLite also indexes the *pairs* of each field (`character_pairs`, `name_pairs`): a phrase of
  two or more characters, or of a name's words, is asked as the phrase of its pairs, whose
  doclists are short (search/expressions.py).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

MAX_TOKEN_CHARS = 60  # longer "words" are cut, the same way on both sides
# Occupies a position between two separate values of one field (two alt titles, two creators)
# so that a phrase cannot run from one into the next. The tokenizer never produces it, so no
# query can match it.
GAP = "\u00b7"
# Joins two tokens into one pair token (`pair`): a separator, so never inside a token.
PAIR_JOIN = "\u2027"

_CJK_RANGES = (
    (0x3007, 0x3007),  # 〇
    (0x3040, 0x30FF),  # hiragana, katakana
    (0x31F0, 0x31FF),  # katakana phonetic extensions
    (0x3400, 0x4DBF),  # CJK extension A
    (0x4E00, 0x9FFF),  # CJK unified ideographs
    (0xF900, 0xFAFF),  # CJK compatibility ideographs
    (0x20000, 0x3134F),  # CJK extensions B-G
)
_ACCENT_STRIPPED_BELOW = 0x0530  # Latin, Greek, Cyrillic, Armenian
# Punctuation that ends a phrase: every bracket and quote (categories Ps, Pe, Pi, Pf) and the
# clause marks below. Apostrophes and full stops sit inside names and titles ("Don't",
# "Vol. 2", "Mr. Smith"), so they only separate words, as spaces do.
_BREAK_CATEGORIES = frozenset({"Ps", "Pe", "Pi", "Pf"})
_BREAK_MARKS = frozenset(",;:!?/|\u00b7\u30fb\uff0c\u3002\u3001\uff1b\uff1a\uff01\uff1f\uff5c\uff0f")
_NOT_BREAKS = frozenset("'\u2018\u2019")


def is_cjk(char: str) -> bool:
    code = ord(char)
    return any(lo <= code <= hi for lo, hi in _CJK_RANGES)


def _is_word_char(char: str) -> bool:
    if char.isascii():
        return char.isalnum()
    return unicodedata.category(char)[0] in "LNM"


_SEPARATOR, _WORD, _CJK, _BREAK = 0, 1, 2, 3


def _is_break(char: str) -> bool:
    if char in _NOT_BREAKS:
        return False
    return char in _BREAK_MARKS or unicodedata.category(char) in _BREAK_CATEGORIES


@lru_cache(maxsize=1 << 16)
def _kind(char: str) -> int:
    """What a character is to the tokenizer; cached, as a text repeats few distinct characters
    (bulk indexing spends most of its time here otherwise)."""
    if is_cjk(char):
        return _CJK
    if _is_word_char(char):
        return _WORD
    return _BREAK if _is_break(char) else _SEPARATOR


# Text of ASCII and CJK unified ideographs only (most catalogue titles, names and tags): NFKC,
# NFD and NFC leave it as it is, it has no accents and only ASCII letters fold, so it
# normalises to `text.lower()` and tokenizes by one regular expression (`_PLAIN_TOKEN`),
# without the character loop below. tests/unit/test_search_tokens.py holds the two ways equal.
_IDEOGRAPHS = "\u3400-\u4dbf\u4e00-\u9fff"
_PLAIN = re.compile(f"[\\x00-\\x7f{_IDEOGRAPHS}]*")
# A word or one ideograph; a breaking mark (the ASCII ones of _BREAK_MARKS, brackets).
_PLAIN_TOKEN = re.compile(f"[a-z0-9]+|[{_IDEOGRAPHS}]")
_PLAIN_BREAK = re.compile(r"[!(),/:;?\[\]{|}]")
_PLAIN_TOKEN_OR_BREAK = re.compile(f"({_PLAIN_TOKEN.pattern})|{_PLAIN_BREAK.pattern}")


def normalise(text: str) -> str:
    """NFKC, case-folded, accents removed from European scripts."""
    if text.isascii() or _PLAIN.fullmatch(text):  # only the case folds (see _PLAIN)
        return text.lower()
    return _normalise_unicode(text)


def _normalise_unicode(text: str) -> str:
    folded = unicodedata.normalize("NFKC", text).casefold()
    decomposed = unicodedata.normalize("NFD", folded)
    out: list[str] = []
    base = 0
    for char in decomposed:
        if unicodedata.category(char) == "Mn":
            if base < _ACCENT_STRIPPED_BELOW:
                continue
        else:
            base = ord(char)
        out.append(char)
    return unicodedata.normalize("NFC", "".join(out))


@dataclass(frozen=True)
class Token:
    text: str
    cjk: bool
    run: int  # tokens with the same run number touched each other in the text
    after_break: bool = False  # breaking punctuation stands between it and the token before


def tokenize(text: str) -> list[Token]:
    tokens: list[Token] = []
    word: list[str] = []
    run = 0
    broken = False  # a break since the last token

    def flush() -> None:
        nonlocal broken
        if word:
            tokens.append(Token("".join(word)[:MAX_TOKEN_CHARS], False, run,
                                broken and bool(tokens)))
            word.clear()
            broken = False

    for char in normalise(text):
        kind = _kind(char)
        if kind == _CJK:
            flush()
            tokens.append(Token(char, True, run, broken and bool(tokens)))
            broken = False
        elif kind == _WORD:
            word.append(char)
        else:
            flush()
            run += 1
            broken = broken or kind == _BREAK
    flush()
    return tokens


def token_texts(text: str) -> list[str]:
    """The texts of `tokenize(text)`, without building Token objects (indexing needs only these)."""
    texts: list[str] = []
    word: list[str] = []
    for char in normalise(text):
        kind = _kind(char)
        if kind == _WORD:
            word.append(char)
            continue
        if word:
            texts.append("".join(word)[:MAX_TOKEN_CHARS])
            word.clear()
        if kind == _CJK:
            texts.append(char)
    if word:
        texts.append("".join(word)[:MAX_TOKEN_CHARS])
    return texts


def field_tokens(text: str) -> list[str]:
    """`token_texts`, with a gap token wherever breaking punctuation stood between two tokens."""
    if text.isascii() or _PLAIN.fullmatch(text):
        return _plain_field_tokens(text.lower())
    return _field_tokens_by_character(text)


def _field_tokens_by_character(text: str) -> list[str]:
    texts: list[str] = []
    word: list[str] = []
    broken = False
    for char in normalise(text):
        kind = _kind(char)
        if kind == _WORD:
            word.append(char)
            continue
        if word:
            if broken and texts:
                texts.append(GAP)
            texts.append("".join(word)[:MAX_TOKEN_CHARS])
            word.clear()
            broken = False
        if kind == _CJK:
            if broken and texts:
                texts.append(GAP)
            texts.append(char)
            broken = False
        elif kind == _BREAK:
            broken = True
    if word:
        if broken and texts:
            texts.append(GAP)
        texts.append("".join(word)[:MAX_TOKEN_CHARS])
    return texts


def _plain_field_tokens(lowered: str) -> list[str]:
    """`field_tokens` of a normalised text of ASCII and ideographs only (see _PLAIN)."""
    if not _PLAIN_BREAK.search(lowered):
        texts: list[str] = _PLAIN_TOKEN.findall(lowered)
        if len(lowered) > MAX_TOKEN_CHARS:
            texts = [t[:MAX_TOKEN_CHARS] for t in texts]
        return texts
    texts = []
    broken = False
    for match in _PLAIN_TOKEN_OR_BREAK.finditer(lowered):
        token = match.group(1)
        if token is None:
            broken = True
            continue
        if broken and texts:
            texts.append(GAP)
        texts.append(token[:MAX_TOKEN_CHARS])
        broken = False
    return texts


def indexed_text(values: list[str]) -> str:
    """Several values of one field as one indexed string, with a gap token between values and
    at breaking punctuation inside one."""
    parts = [" ".join(field_tokens(v)) for v in values]
    return f" {GAP} ".join(p for p in parts if p)


def pair(first: str, second: str) -> str:
    """Two tokens that stand side by side as one token: two Chinese characters together
    (`夏日`), others with PAIR_JOIN between (`chloe\u2027turner`), which no token holds."""
    if len(first) == 1 == len(second) and _kind(first) == _CJK == _kind(second):
        return first + second
    return first + PAIR_JOIN + second


def _is_cjk_token(token: str) -> bool:
    return len(token) == 1 and _kind(token) == _CJK


def _pairs(indexed: str, pairable: Callable[[str], bool]) -> str:
    pairs: list[str] = []
    before = ""  # the previous token when it was pairable
    chained = False  # the last pair written ends with `before`
    ended = ""  # the token the last pair written ends with
    for token in indexed.split(" "):
        if token != GAP and pairable(token):
            if before:
                # Pairs side by side read as a phrase only when one ends with the token the
                # next starts with; where a run ends on the token the next run starts with,
                # a gap keeps them apart (a gap at every break was 13 % of the pair tokens).
                if not chained and before == ended:
                    pairs.append(GAP)
                pairs.append(pair(before, token))
                chained, ended = True, token
            else:
                chained = False
            before = token
        else:
            before, chained = "", False
    return " ".join(pairs)


def character_pairs(indexed: str) -> str:
    """The pair tokens of an indexed field (`indexed_text`): every two Chinese characters (or
    kana) that stand side by side, as one token, with a gap token where two runs of them
    could otherwise read as one.

    A phrase of n characters is then a phrase of its n-1 pairs, and FTS5 reads the doclists of
    pairs (short) instead of those of single common characters (`城市夏日`: four long walks).
    The gap keeps a phrase of pairs inside one run: without it `坦克` then `克现` from
    `坦克（克现场` would read as `坦克现`.
    """
    if indexed.isascii():  # no Chinese: no pairs (most Latin titles, tags and identifiers)
        return ""
    return _pairs(indexed, _is_cjk_token)


def name_pairs(indexed: str) -> str:
    """As `character_pairs`, for names: every two tokens side by side inside one value, words
    too (`chloe\u2027turner`), so a name of common words (`Noah Wright`: 2 ms walking both
    words' doclists for its 1,000 matches) is one short doclist."""
    if " " not in indexed:
        return ""
    return _pairs(indexed, bool)


def joined(tokens: list[Token]) -> str:
    """Query tokens as the index writes them (with gaps at breaks), for the exact-title match."""
    out: list[str] = []
    for token in tokens:
        if token.after_break:
            out.append(GAP)
        out.append(token.text)
    return " ".join(out)


@dataclass(frozen=True)
class Segment:
    """A unit the query requires: one Latin word, or a run of CJK characters as a phrase."""

    tokens: tuple[str, ...]
    cjk: bool


def segments(tokens: list[Token]) -> list[Segment]:
    out: list[Segment] = []
    run_tokens: list[str] = []
    current_run = None
    for token in tokens:
        if token.cjk and current_run == token.run and run_tokens:
            run_tokens.append(token.text)
            continue
        if run_tokens:
            out.append(Segment(tuple(run_tokens), True))
            run_tokens = []
        if token.cjk:
            run_tokens = [token.text]
            current_run = token.run
        else:
            out.append(Segment((token.text,), False))
            current_run = None
    if run_tokens:
        out.append(Segment(tuple(run_tokens), True))
    return out
