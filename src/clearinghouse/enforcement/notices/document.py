"""`render`: a notice document in one language and one format."""

from __future__ import annotations

from typing import Literal

from clearinghouse.enforcement.notices.facts import NoticeFacts
from clearinghouse.enforcement.notices.html import render_html
from clearinghouse.enforcement.notices.pdf import render_pdf
from clearinghouse.enforcement.notices.wording import LANGUAGES, Language

Format = Literal["html", "pdf"]
FORMATS: tuple[Format, ...] = ("html", "pdf")


def render(facts: NoticeFacts, *, language: Language, format: Format) -> bytes:  # noqa: A002
    """The notice document: UTF-8 HTML or a PDF, in Chinese or English."""
    if language not in LANGUAGES:
        raise ValueError(f"language is one of {LANGUAGES}")
    if format == "html":
        return render_html(facts, language)
    if format == "pdf":
        return render_pdf(facts, language)
    raise ValueError(f"format is one of {FORMATS}")
