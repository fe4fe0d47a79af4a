"""Every user-visible string of the pages goes through the catalogue, and Chinese has them all."""

from __future__ import annotations

import re
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from clearinghouse.web import features, i18n

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "src" / "clearinghouse"
METHODS = [("**/pages.py", "python"), ("**_pages.py", "python"), ("**/error_words.py", "python"),
           ("**/templates/**.html", "jinja2")]
OPTIONS = {"**/templates/**.html": {"extensions": "jinja2.ext.i18n", "trim_blocks": "true",
                                    "lstrip_blocks": "true"}}
# What may stand outside {{ _() }} in a template: markup, expressions, names of the languages
# themselves (shown in their own language on purpose), punctuation and numbers.
JINJA = re.compile(r"{%.*?%}|{{.*?}}|{#.*?#}", re.S)
TAGS = re.compile(r"<[^>]*>", re.S)
SELF_NAMED = {"English", "中文"}


def _extracted() -> set[str]:
    found = extract_from_dir(str(PACKAGE), METHODS, keywords={"_": None, "gettext": None, "N_": None},
                             options_map=OPTIONS)
    return {message for _, _, message, _, _ in found if isinstance(message, str)}


def test_every_extracted_message_is_in_the_chinese_catalogue_and_translated():
    with i18n.catalogue_path("zh").open("rb") as po:
        catalogue = read_po(po, locale="zh")
    extracted = _extracted()
    assert len(extracted) >= 100  # the pages of this first slice
    missing = sorted(m for m in extracted if m not in catalogue)
    assert not missing, f"run `make messages` and translate: {missing}"
    untranslated = sorted(m.id for m in catalogue if m.id and not m.string)
    assert not untranslated, untranslated
    fuzzy = sorted(m.id for m in catalogue if m.id and m.fuzzy)
    assert not fuzzy, fuzzy


def test_no_template_shows_text_outside_the_catalogue():
    literal: list[str] = []
    for folder in features.template_dirs().values():
        for template in sorted(folder.glob("*.html")):
            text = TAGS.sub(" ", JINJA.sub(" ", template.read_text("utf-8")))
            words = [w for w in re.findall(r"[^\W\d_]{2,}", text) if w not in SELF_NAMED]
            literal += [f"{template.name}: {w}" for w in words]
    assert not literal, literal


def test_a_browser_that_asks_for_any_chinese_gets_chinese_and_others_their_first_known():
    assert i18n.from_accept_language("zh-TW,zh;q=0.9") == "zh"
    assert i18n.from_accept_language("fr-FR, en;q=0.8, zh;q=0.5") == "en"
    assert i18n.from_accept_language("de") == i18n.DEFAULT == "zh"
    assert i18n.choose("en", "zh-CN") == "en"
    assert i18n.choose("xx", "en") == "en"  # a cookie of no known language is ignored
