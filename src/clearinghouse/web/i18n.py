"""Languages of the pages: 中文 and English from one gettext catalogue (Babel), chosen per request.

The .po files are the source (committed); they are compiled in memory when the app starts, so
there is no build step and no .mo file to forget. English is the msgid itself.
"""

from __future__ import annotations

import io
from functools import lru_cache
from gettext import NullTranslations
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

LOCALE_DIR = Path(__file__).parent / "locale"
LANGUAGES = ("zh", "en")
DEFAULT = "zh"  # the market is China: a browser that states nothing gets Chinese
COOKIE = "ch_lang"
HTML_LANG = {"zh": "zh-CN", "en": "en"}


def catalogue_path(lang: str) -> Path:
    return LOCALE_DIR / lang / "LC_MESSAGES" / "messages.po"


@lru_cache(maxsize=len(LANGUAGES))
def translations(lang: str) -> NullTranslations:
    path = catalogue_path(lang)
    if lang == "en" or not path.exists():
        return NullTranslations()
    with path.open("rb") as po:
        catalog = read_po(po, locale=lang)
    compiled = io.BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    return Translations(compiled)


def from_accept_language(header: str | None) -> str:
    """The first language of the header we have (zh-* counts as zh), else the default."""
    if not header:
        return DEFAULT
    ranked: list[tuple[float, int, str]] = []
    for position, part in enumerate(header.split(",")[:20]):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        ranked.append((-quality, position, tag.strip().lower()))
    for _, _, tag in sorted(ranked):
        primary = tag.split("-")[0]
        if primary in LANGUAGES:
            return primary
    return DEFAULT


def choose(cookie: str | None, accept_language: str | None) -> str:
    """The language the person chose (cookie), else what the browser asks for."""
    if cookie in LANGUAGES:
        return str(cookie)
    return from_accept_language(accept_language)
