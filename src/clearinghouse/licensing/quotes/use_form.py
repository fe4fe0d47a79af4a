"""The use form of the web pages: its fields, their defaults and choices, read into a QuoteCreate.

Only reading and defaults live here; every rule of a use stays in the quote service and schemas.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from urllib.parse import urlencode

from pydantic import ValidationError

from clearinghouse.core.errors import ValidationFailed
from clearinghouse.licensing.quotes.schemas import QuoteCreate

# The short-video platforms people ask for most, first; every one is a code of the platform list.
CHANNELS = ("douyin", "kuaishou", "bilibili", "xiaohongshu", "wechat_channels", "weibo",
            "youtube", "tiktok")
TERRITORIES = ("CN", "GREATER_CHINA", "APAC", "WORLD")
TERMS_DAYS = (30, 90, 365, 730)
FIELDS = ("work_id", "channel", "seconds", "edited", "territory", "start", "term_days")


@dataclass(frozen=True)
class UseForm:
    """What a person states about her use; the defaults are the commonest short video."""

    work_id: str
    channel: str = "douyin"
    seconds: int = 30
    edited: bool = False
    territory: str = "CN"
    start: date | None = None  # today
    term_days: int = 365

    def query(self) -> str:
        values = {"work_id": self.work_id, "channel": self.channel, "seconds": self.seconds,
                  "edited": "1" if self.edited else "0", "territory": self.territory,
                  "term_days": self.term_days}
        if self.start is not None:
            values["start"] = self.start.isoformat()
        return urlencode(values)

    def quote_create(self) -> QuoteCreate:
        try:
            return QuoteCreate.model_validate({
                "work_ids": [self.work_id], "purpose": "commercial", "channels": [self.channel],
                "portion": {"unit": "seconds", "value": self.seconds}, "modified": self.edited,
                "territories": [self.territory], "start": self.start, "term_days": self.term_days})
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(p) for p in first["loc"])
            raise ValidationFailed(f"{where}: {first['msg']}", field=where) from None


def _int(value: str | None, field: str, default: int, low: int, high: int) -> int:
    if value is None or not value.strip():
        return default
    text = value.strip()
    if not text.isdigit() or not low <= int(text) <= high:
        raise ValidationFailed(f"{field} must be a whole number from {low} to {high}", field=field)
    return int(text)


def read(params: dict[str, str], work_id: str | None = None) -> UseForm:
    """The form as sent (query string or body); missing fields take their defaults."""
    chosen = (work_id or params.get("work_id") or "").strip()
    if not chosen or len(chosen) > 40:
        raise ValidationFailed("choose the work to license", field="work_id")
    form = UseForm(work_id=chosen)
    start = None
    if (params.get("start") or "").strip():
        try:
            start = date.fromisoformat(params["start"].strip())
        except ValueError:
            raise ValidationFailed("start must be a date such as 2026-12-01", field="start") from None
    channel = (params.get("channel") or form.channel).strip()[:40]
    territory = (params.get("territory") or form.territory).strip()[:40]
    return replace(form, channel=channel, territory=territory, start=start,
                   seconds=_int(params.get("seconds"), "seconds", form.seconds, 1, 36_000),
                   edited=(params.get("edited") or "0") in ("1", "true", "on"),
                   term_days=_int(params.get("term_days"), "term_days", form.term_days, 1, 36_600))
