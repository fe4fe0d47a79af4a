"""A notice as one self-contained HTML document (styles inline, no external assets), every
fact escaped by Jinja2's autoescape."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from clearinghouse.enforcement.notices.facts import NoticeFacts
from clearinghouse.enforcement.notices.wording import Language, notice_lines

SAFE_SCHEMES = ("https://", "http://")


@lru_cache(maxsize=1)
def _environment() -> Environment:
    return Environment(loader=FileSystemLoader(Path(__file__).parent / "document"),
                       autoescape=select_autoescape(default=True, default_for_string=True),
                       undefined=StrictUndefined)


def render_html(facts: NoticeFacts, language: Language) -> bytes:
    lines = notice_lines(facts, language)
    # A link is shown only when it is a web address: never a javascript: or data: URL.
    lines["options"] = [(sentence, label, link if link and link.startswith(SAFE_SCHEMES) else None)
                        for sentence, label, link in lines["options"]]  # type: ignore[attr-defined]
    return _environment().get_template("notice.html").render(n=lines).encode("utf-8")
