"""Pydantic models of the catalogue API: templates, offers, rates and fees, quotes, referrals.

Money is whole minor units (strict integers: 12.5 or "125" is refused) plus an ISO 4217 currency;
percentages and rates are decimal strings, never floats.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, Field, StringConstraints, model_validator

from clearinghouse.core.money import Money, MoneyError, check_currency
from clearinghouse.licensing.terms import Channel, Modification, PortionUnit, Purpose
from clearinghouse.registry.domain import Right, format_share
from clearinghouse.registry.schemas import Strict


def _currency(value: str) -> str:
    try:
        return check_currency(value)
    except MoneyError as exc:
        raise ValueError(str(exc)) from exc


Currency = Annotated[str, StringConstraints(strip_whitespace=True, min_length=3, max_length=3),
                     AfterValidator(_currency)]
Minor = Annotated[int, Field(strict=True, ge=0, le=10**15, description="Whole minor units")]
Pct = Annotated[str, StringConstraints(pattern=r"^\d{1,3}(\.\d{1,4})?$"),
                Field(description="Percent as a decimal string, e.g. \"5.5\"")]
Code = Annotated[str, StringConstraints(strip_whitespace=True, min_length=2, max_length=40)]
Id = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=40)]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=4000)]
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Count = Annotated[int, Field(strict=True, ge=1, le=100_000)]
Days = Annotated[int, Field(strict=True, ge=1, le=36_600)]


class MoneyOut(BaseModel):
    currency: str
    minor: int
    display: str

    @classmethod
    def of(cls, currency: str, minor: int) -> MoneyOut:
        return cls(currency=currency, minor=minor, display=Money(currency, minor).format("en"))


# -- templates ------------------------------------------------------------------------------------


class TemplateTerms(Strict):
    purpose: Purpose
    channels: list[Channel] = Field(min_length=1, max_length=20)
    max_uses: Count = Field(description="Placements in one production")
    portion_unit: PortionUnit
    portion_value: Count | None = Field(None, description="Seconds, percent or words; null: whole")
    modification: Modification
    territories: list[Code] = Field(min_length=1, max_length=300)
    territories_excluded: list[Code] = Field(default_factory=list, max_length=300)
    term_days: Days | None = Field(description="Days from the start; null for perpetual")
    exclusive: bool = False


class TemplateCreate(TemplateTerms):
    code: Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]{1,59}$")]
    name_en: Name
    name_zh: Name
    description_en: Text | None = None
    description_zh: Text | None = None
    active: bool = True


class TemplateUpdate(Strict):
    """Names, descriptions and `active` change any time; terms only while no offer prices it."""

    name_en: Name | None = None
    name_zh: Name | None = None
    description_en: Text | None = None
    description_zh: Text | None = None
    active: bool | None = None
    purpose: Purpose | None = None
    channels: list[Channel] | None = Field(None, min_length=1, max_length=20)
    max_uses: Count | None = None
    portion_unit: PortionUnit | None = None
    portion_value: Count | None = None
    modification: Modification | None = None
    territories: list[Code] | None = Field(None, min_length=1, max_length=300)
    territories_excluded: list[Code] | None = Field(None, max_length=300)
    term_days: Days | None = None
    exclusive: bool | None = None
    version: int | None = Field(None, description="Or send If-Match with the ETag")


class TemplateOut(BaseModel):
    id: str
    code: str
    name_en: str
    name_zh: str
    description_en: str | None
    description_zh: str | None
    purpose: str
    channels: list[str]
    max_uses: int
    portion_unit: str
    portion_value: int | None
    modification: str
    territories: list[str]
    territories_excluded: list[str]
    term_days: int | None
    exclusive: bool
    active: bool
    version: int
    created_at: datetime
    updated_at: datetime


# -- offers (rate cards) --------------------------------------------------------------------------


class PriceIn(Strict):
    currency: Currency
    fixed_fee_minor: Minor | None = None
    per_1000_plays_minor: Minor | None = None
    per_copy_minor: Minor | None = None
    revenue_share_pct: Pct | None = None
    advance_minor: Minor | None = None
    minimum_guarantee_minor: Minor | None = None


class OfferCreate(PriceIn):
    template_id: Id = Field(description="The template's id or code")
    holder_id: Id | None = Field(None, description="The owner priced; defaults to the caller")
    rights: list[Right] = Field(min_length=1, max_length=9)
    scope: Literal["works", "catalogue"] = "works"
    work_ids: list[Id] = Field(default_factory=list, max_length=500,
                               description="The works priced (scope `works`)")
    declined: bool = Field(False, description="The holder will not license this template")

    @model_validator(mode="after")
    def _scope_needs_works(self) -> OfferCreate:
        if self.scope == "works" and not self.work_ids:
            raise ValueError("work_ids: name at least one work, or use scope 'catalogue'")
        if self.scope == "catalogue" and self.work_ids:
            raise ValueError("work_ids: a catalogue offer covers every work the holder holds; "
                             "leave work_ids empty")
        return self


class OfferUpdate(Strict):
    currency: Currency | None = None
    fixed_fee_minor: Minor | None = None
    per_1000_plays_minor: Minor | None = None
    per_copy_minor: Minor | None = None
    revenue_share_pct: Pct | None = None
    advance_minor: Minor | None = None
    minimum_guarantee_minor: Minor | None = None
    rights: list[Right] | None = Field(None, min_length=1, max_length=9)
    work_ids: list[Id] | None = Field(None, min_length=1, max_length=500)
    declined: bool | None = None
    version: int | None = Field(None, description="Or send If-Match with the ETag")


class OfferOut(BaseModel):
    id: str
    holder_id: str
    template_id: str
    template_code: str
    scope: str
    work_ids: list[str]
    rights: list[str]
    currency: str
    fixed_fee_minor: int | None
    per_1000_plays_minor: int | None
    per_copy_minor: int | None
    revenue_share_pct: str | None
    advance_minor: int | None
    minimum_guarantee_minor: int | None
    fixed_fee: MoneyOut | None
    declined: bool
    status: str
    created_by: str
    version: int
    created_at: datetime
    updated_at: datetime


class VersionBody(Strict):
    version: int | None = Field(None, description="Or send If-Match with the ETag")


# -- exchange rates and fees ----------------------------------------------------------------------


class RateCreate(Strict):
    base: Currency
    quote: Currency
    rate: Annotated[str, StringConstraints(pattern=r"^\d{1,12}(\.\d{1,12})?$")] = Field(
        description="Units of `quote` per one `base`, as a decimal string (e.g. \"6.6\")")
    effective: date
    source: Annotated[str, StringConstraints(max_length=200)] | None = None


class RateOut(BaseModel):
    id: int
    base: str
    quote: str
    rate: str
    effective: date
    source: str | None


class FeeCreate(Strict):
    licensee_pct: Pct = Field(description="Added on top of the licensee's price")
    owner_pct: Pct = Field(description="Deducted from each holder's proceeds")
    effective: date


class FeeOut(BaseModel):
    id: int
    licensee_pct: str
    owner_pct: str
    effective: date


# -- quotes ---------------------------------------------------------------------------------------


class PortionIn(Strict):
    unit: PortionUnit
    value: Count | None = None


class UseTerms(Strict):
    """A use, apart from the works it is of."""

    purpose: Purpose
    channels: list[Channel] = Field(min_length=1, max_length=20)
    uses: Count = 1
    portion: PortionIn = Field(default_factory=lambda: PortionIn(unit=PortionUnit.WHOLE))
    modified: bool = False
    territories: list[Code] = Field(default_factory=lambda: ["CN"], min_length=1, max_length=300)
    territories_excluded: list[Code] = Field(default_factory=list, max_length=300)
    start: date | None = Field(None, description="First day; today if left out")
    term_days: Days | None = Field(365, description="Days; null for perpetual")
    exclusive: bool = False


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


class UnclearableOut(BaseModel):
    work_id: str
    right: str
    holder_id: str | None
    reason: str
    message: str
    contact: ContactOut | None
    share: str | None


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


class QuoteOut(BaseModel):
    id: str
    licensee_id: str
    use: dict[str, Any]
    currency: str
    lines: list[QuoteLineOut]
    unclearable: list[UnclearableOut]
    totals: TotalsOut
    total: MoneyOut
    status: Literal["open", "purchased", "expired"]
    source: Literal["quote", "referral"]
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
    version: int | None = None


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


def template_out(t: Any) -> TemplateOut:
    return TemplateOut.model_validate(t, from_attributes=True)


def offer_out(o: Any, template_code: str) -> OfferOut:
    fixed = None if o.fixed_fee_minor is None else MoneyOut.of(o.currency, o.fixed_fee_minor)
    return OfferOut(
        id=o.id, holder_id=o.holder_id, template_id=o.template_id, template_code=template_code,
        scope=o.scope, work_ids=list(o.work_ids), rights=list(o.rights), currency=o.currency,
        fixed_fee_minor=o.fixed_fee_minor, per_1000_plays_minor=o.per_1000_plays_minor,
        per_copy_minor=o.per_copy_minor, revenue_share_pct=o.revenue_share_pct,
        advance_minor=o.advance_minor, minimum_guarantee_minor=o.minimum_guarantee_minor,
        fixed_fee=fixed, declined=o.declined, status=o.status, created_by=o.created_by,
        version=o.version, created_at=o.created_at, updated_at=o.updated_at)


def rate_out(r: Any) -> RateOut:
    return RateOut(id=r.id, base=r.base, quote=r.quote, rate=r.rate, effective=r.effective,
                   source=r.source)


def fee_out(f: Any) -> FeeOut:
    return FeeOut(id=f.id, licensee_pct=f.licensee_pct, owner_pct=f.owner_pct,
                  effective=f.effective)


def quote_out(q: Any, status: Literal["open", "purchased", "expired"]) -> QuoteOut:
    return QuoteOut(
        id=q.id, licensee_id=q.licensee_id, use=dict(q.use), currency=q.currency,
        lines=[QuoteLineOut(**line) for line in q.lines],
        unclearable=[UnclearableOut(**u) for u in q.unclearable],
        totals=TotalsOut(**q.totals), total=MoneyOut.of(q.currency, int(q.totals["total_minor"])),
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
