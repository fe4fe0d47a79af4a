"""Warning notices sent on an owner's behalf: documents (HTML, PDF; 中文, English) rendered from
plain facts (`render`), and their records and delivery to the platform (`service.issue`)."""

from __future__ import annotations

from typing import Literal

from clearinghouse.enforcement.notices.facts import (
    DISPUTE_REASONS,
    MatchedRange,
    NoticeFacts,
)
from clearinghouse.enforcement.notices.wording import LANGUAGES, Language

Format = Literal["html", "pdf"]
FORMATS: tuple[Format, ...] = ("html", "pdf")


def render(facts: NoticeFacts, *, language: Language, format: Format) -> bytes:  # noqa: A002
    """The notice document: UTF-8 HTML or a PDF, in Chinese or English."""
    if language not in LANGUAGES:
        raise ValueError(f"language is one of {LANGUAGES}")
    if format == "html":
        from clearinghouse.enforcement.notices.html import render_html
        return render_html(facts, language)
    if format == "pdf":
        from clearinghouse.enforcement.notices.pdf import render_pdf
        return render_pdf(facts, language)
    raise ValueError(f"format is one of {FORMATS}")


__all__ = ["DISPUTE_REASONS", "FORMATS", "LANGUAGES", "Format", "Language", "MatchedRange",
           "NoticeFacts", "render"]
