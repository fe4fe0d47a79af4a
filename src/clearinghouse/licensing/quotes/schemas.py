"""Pydantic models of quotes (a use, priced) and referrals (what a quote cannot clear)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field

from clearinghouse.core.bounds import BoundedDate, Version
from clearinghouse.core.schemas import Strict
from clearinghouse.core.shares import format_share
from clearinghouse.licensing.catalogue.offer_schemas import PriceIn
from clearinghouse.licensing.domain import Quote
from clearinghouse.licensing.quotes.facts import use_to_json
from clearinghouse.licensing.schema_types import Code, Count, Currency, Days, Id, MoneyOut, Text
from clearinghouse.licensing.terms import PortionUnit, Purpose
from clearinghouse.platforms.schemas import ChannelName
from clearinghouse.registry.domain import Right
from clearinghouse.registry.repository import EmbodimentLink

UseQuantity = Annotated[int, Field(strict=True, ge=1, le=1_000_000_000_000)]

# -- quotes ---------------------------------------------------------------------------------------


class PortionIn(Strict):
    unit: PortionUnit
    value: Count | None = None


class UseTerms(Strict):
    """A use, apart from the works it is of."""

    purpose: Purpose
    channels: list[ChannelName] = Field(min_length=1, max_length=20)
    uses: Count = 1
    portion: PortionIn = Field(default_factory=lambda: PortionIn(unit=PortionUnit.WHOLE))
    modified: bool = False
    territories: list[Code] = Field(default_factory=lambda: ["CN"], min_length=1, max_length=300)
    territories_excluded: list[Code] = Field(default_factory=list, max_length=300)
    start: BoundedDate | None = Field(None, description="First day; today if left out")
    term_days: Days | None = Field(365, description="Days; null for perpetual")
    exclusive: bool = False
    max_plays: UseQuantity | None = Field(
        None, description="Running licences: the most plays covered in the term; null: unbounded")
    max_copies: UseQuantity | None = Field(
        None, description="Running licences: the most copies covered in the term; null: unbounded")


class QuoteCreate(UseTerms):
    work_ids: list[Id] = Field(min_length=1, max_length=50)
    currency: Currency = "CNY"
    licensee_id: Id | None = Field(None, description="Only the operator may quote for a licensee")


class ContactOut(BaseModel):
    party_id: str
    name: str
    email: str | None
    phone: str | None


class QuoteLineOut(BaseModel):
    work_id: str
    work_title: str
    right: str
    holder_id: str
    holder_name: str
    share: str
    offer_id: str | None
    offer_version: int | None
    template_id: str | None
    template_code: str | None
    currency: str
    fixed_fee_minor: int | None
    advance_minor: int | None
    minimum_guarantee_minor: int | None
    per_1000_plays_minor: int | None
    per_copy_minor: int | None
    revenue_share_pct: str | None
    upfront_minor: int
    upfront_converted_minor: int
    owner_fee_minor: int
    holder_net_minor: int
    countries: list[str] = Field(
        default_factory=list,
        description="The countries this line clears (ISO 3166-1 alpha-2); empty on quotes made "
        "before lines stated them: the whole territory of the use")


class UnclearableOut(BaseModel):
    work_id: str
    right: str
    holder_id: str | None
    reason: str
    message: str
    contact: ContactOut | None
    share: str | None
    countries: list[str] = Field(
        default_factory=list, description="The countries this part could not be cleared in")


class CurrencyTotal(BaseModel):
    currency: str
    upfront_minor: int


class RateUsed(BaseModel):
    base: str
    quote: str
    rate: str
    effective: str


class FeesUsed(BaseModel):
    licensee_pct: str
    owner_pct: str


class TotalsOut(BaseModel):
    by_currency: list[CurrencyTotal]
    currency: str
    subtotal_minor: int
    licensee_fee_minor: int
    owner_fee_minor: int
    total_minor: int
    rates: list[RateUsed]
    fees: FeesUsed


class RecordingRef(BaseModel):
    work_id: str
    title: str
    isrc: str | None


class AlsoNeededOut(BaseModel):
    """What the quote does not clear although the use probably needs it: a composition named
    without any of its recordings clears the song only, not a recording's master."""

    work_id: str = Field(description="The composition the quote names")
    work_title: str
    right: Literal["master_use"] = "master_use"
    reason: Literal["recording_not_named"] = "recording_not_named"
    recordings: list[RecordingRef] = Field(description="Its recordings, oldest first (at most 5)")
    recordings_total: int
    message: str
    message_zh: str


class QuoteOut(BaseModel):
    id: str
    licensee_id: str
    use: dict[str, Any]
    currency: str
    lines: list[QuoteLineOut]
    unclearable: list[UnclearableOut]
    also_needed: list[AlsoNeededOut] = Field(
        default_factory=list,
        description="Hints, not part of the price: a named composition whose recordings were not "
        "named. Using a recording needs its master right too; quoting the recording instead "
        "clears both on one quote. Empty when the quote names a recording of each song",
    )
    totals: TotalsOut
    total: MoneyOut
    status: Literal["open", "purchased", "expired"]
    source: Literal["quote", "referral", "unlicensed_use"]
    referral_id: str | None
    created_at: datetime
    expires_at: datetime
    version: int


# -- referrals ------------------------------------------------------------------------------------


class PartRef(Strict):
    work_id: Id
    right: Right
    holder_id: Id


class ReferralsFromQuote(Strict):
    parts: list[PartRef] = Field(default_factory=list, max_length=100,
                                 description="Unclearable parts to refer; all referable if empty")
    message: Text | None = None


class ReferralCreate(UseTerms):
    work_id: Id
    right: Right
    holder_id: Id
    currency: Currency = "CNY"
    message: Text | None = None


class ReferralStep(Strict):
    """Accept (holder: with a price; licensee: a counter), counter (with a price), decline,
    withdraw. Send the version you read (or If-Match)."""

    price: PriceIn | None = None
    message: Text | None = None
    version: Version | None = None


class MessageCreate(Strict):
    body: Text


class MessageOut(BaseModel):
    id: int
    author_id: str
    kind: str
    body: str | None
    price: dict[str, Any] | None
    at: datetime


class ReferralOut(BaseModel):
    id: str
    licensee_id: str
    holder_id: str
    administrator_id: str | None
    work_id: str
    right: str
    share: str
    use: dict[str, Any]
    currency: str
    reason: str | None
    from_quote_id: str | None
    status: Literal["open", "countered", "accepted", "declined", "withdrawn", "purchased"]
    price: dict[str, Any] | None
    quote_id: str | None
    messages: list[MessageOut]
    version: int
    created_at: datetime
    updated_at: datetime


# -- views: table rows to the models above --------------------------------------------------------


def _recordings_hint(links: Sequence[EmbodimentLink]) -> AlsoNeededOut:
    """One composition's recordings (`links`, oldest first), and what to do, in both languages."""
    song, first, total = links[0].work_title, links[0], links[0].total
    if total == 1:
        en = f"quote recording {first.linked_id} ({first.linked_title}) instead"
        zh = f"请改为对录音 {first.linked_id}（{first.linked_title}）询价"
    else:
        en = (f"quote one of its {total} recordings instead, e.g. {first.linked_id} "
              f"({first.linked_title})")
        zh = f"请改为对其任一录音（共 {total} 个，例如 {first.linked_id}（{first.linked_title}））询价"
    return AlsoNeededOut(
        work_id=first.work_id, work_title=song,
        recordings=[RecordingRef(work_id=r.linked_id, title=r.linked_title, isrc=r.linked_code)
                    for r in links],
        recordings_total=total,
        message=f"To use a recording of {song} you also need its master right (master_use), "
                f"which this quote does not clear: {en}, which clears both.",
        message_zh=f"如需使用《{song}》的录音，还需取得该录音的录音制品权（master_use），"
                   f"本报价不包含此项：{zh}，一次即可同时清算两者。")


def quote_out(q: Quote, status: Literal["open", "purchased", "expired"],
              recordings_not_named: Sequence[EmbodimentLink] = ()) -> QuoteOut:
    by_song: dict[str, list[EmbodimentLink]] = {}
    for link in recordings_not_named:
        by_song.setdefault(link.work_id, []).append(link)
    return QuoteOut(
        id=q.id, licensee_id=q.licensee_id, use=use_to_json(q.use), currency=q.currency,
        lines=[QuoteLineOut(**line.to_json()) for line in q.lines],
        unclearable=[UnclearableOut(**u.to_json()) for u in q.unclearable],
        also_needed=[_recordings_hint(links) for links in by_song.values()],
        totals=TotalsOut(**q.totals.to_json()), total=MoneyOut.of(q.currency, q.totals.total_minor),
        status=status, source=q.source, referral_id=q.referral_id, created_at=q.created_at,
        expires_at=q.expires_at, version=q.version)


def referral_out(r: Any, messages: list[Any]) -> ReferralOut:
    return ReferralOut(
        id=r.id, licensee_id=r.licensee_id, holder_id=r.holder_id,
        administrator_id=r.administrator_id, work_id=r.work_id, right=r.right,
        share=format_share(r.share_ppm), use=dict(r.use), currency=r.currency, reason=r.reason,
        from_quote_id=r.from_quote_id, status=r.status, price=r.price, quote_id=r.quote_id,
        messages=[MessageOut(id=m.id, author_id=m.author_id, kind=m.kind, body=m.body,
                             price=m.price, at=m.at) for m in messages],
        version=r.version, created_at=r.created_at, updated_at=r.updated_at)
