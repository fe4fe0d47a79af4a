"""Warning notices sent on an owner's behalf: documents (HTML, PDF; 中文, English) rendered from
plain facts (`render`), and their records and delivery to the platform (`service.issue`)."""

from __future__ import annotations

from clearinghouse.enforcement.notices.document import FORMATS, Format, render
from clearinghouse.enforcement.notices.facts import DISPUTE_REASONS, MatchedRange, NoticeFacts
from clearinghouse.enforcement.notices.wording import LANGUAGES, Language

__all__ = ["DISPUTE_REASONS", "FORMATS", "LANGUAGES", "Format", "Language", "MatchedRange",
           "NoticeFacts", "render"]
