"""Pydantic models of the license and payment API (delivery, certificates and the ledger have
their own schemas modules)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal, cast

from pydantic import BaseModel, Field, StringConstraints

from clearinghouse.core.bounds import Version
from clearinghouse.core.schemas import Strict
from clearinghouse.core.shares import format_share
from clearinghouse.core.text import MultiLine, SingleLine
from clearinghouse.licensing.licenses import reasons
from clearinghouse.licensing.licenses import service as licenses
from clearinghouse.licensing.licenses.reasons import ReasonCode
from clearinghouse.licensing.licenses.tables import License, LicenseLine, Payment
from clearinghouse.licensing.schema_types import MAX_MINOR, Id, MoneyOut

Reason = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000), MultiLine]


class PurchaseBody(Strict):
    accept_partial: bool = Field(
        False, description="Buy what can be cleared and leave the referral-only parts"
    )
    expected_total_minor: int | None = Field(
        None,
        ge=0,
        le=MAX_MINOR,
        description="The total you saw, in minor units; if the quote's differs you get 409",
    )


class LicenseCreate(PurchaseBody):
    quote_id: Id


class LicenseLineOut(BaseModel):
    id: str
    work_id: str
    work_title: str
    right: str
    holder_id: str
    holder_name: str
    share: str = Field(description="Percent of the right this holder grants")
    offer_id: str | None
    offer_version: int | None
    template_code: str | None
    price: MoneyOut = Field(description="This line's price in the license currency")
    owner_fee: MoneyOut
    holder_net: MoneyOut
    running: dict[str, Any] = Field(
        description="Running-royalty terms reported against later usage"
    )
    countries: list[str] = Field(
        description="Where this line grants its right (ISO 3166-1 alpha-2); a partial purchase "
        "may clear a right in fewer countries than the use names"
    )
    valid_from: date
    valid_to: date | None = Field(description="Exclusive end date; null: perpetual")


class CoverageOut(BaseModel):
    """The answer to "is this use licensed?" for one work, licensee, platform, country and day."""

    covered: bool
    license_ids: list[str] = Field(description="The active licenses that cover it")
    work_id: str
    licensee_id: str
    channel: str
    country: str
    on: date
    right: str | None


PaymentStatus = Literal["pending", "paid", "cancelled"]


class PaymentOut(BaseModel):
    id: str
    license_id: str
    provider: str
    status: PaymentStatus
    amount: MoneyOut
    reference: str = Field(description="Quote this on the bank transfer")
    instructions: dict[str, Any]
    provider_reference: str | None
    created_at: datetime
    paid_at: datetime | None
    cancelled_at: datetime | None
    cancel_reason: str | None
    version: int


LicenseStatus = Literal["pending_payment", "active", "expired", "revoked", "suspended"]


class LicenseOut(BaseModel):
    id: str
    quote_id: str
    licensee_id: str
    status: LicenseStatus
    status_reason_code: ReasonCode | None = Field(
        description="Why it was revoked or suspended; public (the verification page shows it)"
    )
    status_reason_label: str | None = Field(description="The reason code in words")
    status_reason: str | None = Field(
        description="The operator's note, or what the system did; for the license's parties only"
    )
    use: dict[str, Any]
    work_ids: list[str]
    rights: list[str]
    exclusive: bool
    valid_from: date
    valid_to: date | None = Field(description="Exclusive end date; null for a perpetual license")
    subtotal: MoneyOut
    licensee_fee: MoneyOut
    owner_fee: MoneyOut
    total: MoneyOut
    totals: dict[str, Any]
    unclearable: list[dict[str, Any]] = Field(
        description="Parts the license does not cover (bought partially)"
    )
    lines: list[LicenseLineOut]
    payment: PaymentOut | None
    downloads: int
    certificate_url: str
    verify_url: str
    odrl_url: str
    created_at: datetime
    activated_at: datetime | None
    version: int


class LicenseEventOut(BaseModel):
    at: datetime
    action: str
    from_status: str | None
    to_status: str
    reason_code: ReasonCode | None
    reason: str | None
    actor_party_id: str | None


class StatusChange(Strict):
    reason_code: ReasonCode | None = Field(
        None,
        description="Required: why, as the public verification page will show it: "
        + reasons.describe(),
    )
    note: Reason | None = Field(
        None, description="Optional, private: kept for the license's parties, never shown publicly"
    )
    version: Version | None = Field(None, description="The version you read (or send If-Match)")


class Revocation(StatusChange):
    refund: bool | None = Field(
        None,
        description="Refund a paid license: reverse its sale and owe the licensee what it paid "
        "(`licensee:<id>:refunds_due`). By default yes when the reason is `error`, "
        "`rights_dispute` or `owner_request`, no otherwise",
    )


class Reinstatement(Strict):
    note: Reason | None = Field(None, description="Optional, for the license's parties")
    version: Version | None = Field(None, description="The version you read (or send If-Match)")


class MarkPaid(Strict):
    reference: Annotated[
        str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200), SingleLine
    ] = Field(description="The bank's reference of the transfer")
    version: Version | None = None


class CancelPayment(Strict):
    reason: Reason | None = None
    version: Version | None = None


# -- views: table rows to the models above -------------------------------------------------------


def payment_out(p: Payment) -> PaymentOut:
    return PaymentOut(
        id=p.id,
        license_id=p.license_id,
        provider=p.provider,
        status=cast(PaymentStatus, p.status),
        amount=MoneyOut.of(p.currency, p.amount_minor),
        reference=p.reference,
        instructions=p.instructions,
        provider_reference=p.provider_reference,
        created_at=p.created_at,
        paid_at=p.paid_at,
        cancelled_at=p.cancelled_at,
        cancel_reason=p.cancel_reason,
        version=p.version,
    )


def _line_out(line: LicenseLine, lic: License) -> LicenseLineOut:
    currency = lic.currency
    running = {
        k: getattr(line, k)
        for k in (
            "per_1000_plays_minor",
            "per_copy_minor",
            "revenue_share_pct",
            "advance_minor",
            "minimum_guarantee_minor",
        )
        if getattr(line, k) is not None
    }
    if running:
        running["currency"] = line.offer_currency
    return LicenseLineOut(
        id=line.id,
        work_id=line.work_id,
        work_title=line.work_title,
        right=line.right,
        holder_id=line.holder_id,
        holder_name=line.holder_name,
        share=format_share(line.share_ppm),
        offer_id=line.offer_id,
        offer_version=line.offer_version,
        template_code=line.template_code,
        price=MoneyOut.of(currency, line.upfront_converted_minor),
        owner_fee=MoneyOut.of(currency, line.owner_fee_minor),
        holder_net=MoneyOut.of(currency, line.holder_net_minor),
        running=running,
        countries=list(line.countries),
        valid_from=lic.valid_from,
        valid_to=lic.valid_to,
    )


def license_out(lic: License, base_url: str, details: licenses.PageDetails) -> LicenseOut:
    """The API view of a license; `details` come from `licenses.page_details`, read per page."""
    base = base_url.rstrip("/")
    c = lic.currency
    return LicenseOut(
        id=lic.id,
        quote_id=lic.quote_id,
        licensee_id=lic.licensee_id,
        status=cast(LicenseStatus, licenses.effective_status(lic)),
        status_reason_code=cast("ReasonCode | None", lic.status_reason_code),
        status_reason_label=reasons.label(lic.status_reason_code),
        status_reason=lic.status_reason,
        use=lic.use,
        work_ids=lic.work_ids,
        rights=lic.rights,
        exclusive=lic.exclusive,
        valid_from=lic.valid_from,
        valid_to=lic.valid_to,
        subtotal=MoneyOut.of(c, lic.subtotal_minor),
        licensee_fee=MoneyOut.of(c, lic.licensee_fee_minor),
        owner_fee=MoneyOut.of(c, lic.owner_fee_minor),
        total=MoneyOut.of(c, lic.total_minor),
        totals=lic.totals,
        unclearable=lic.unclearable,
        lines=[_line_out(line, lic) for line in lic.lines],
        payment=payment_out(details.payment) if details.payment is not None else None,
        downloads=details.downloads,
        certificate_url=f"{base}/api/v1/licenses/{lic.id}/certificate",
        verify_url=f"{base}/verify/{lic.id}",
        odrl_url=f"{base}/api/v1/licenses/{lic.id}/odrl",
        created_at=lic.created_at,
        activated_at=lic.activated_at,
        version=lic.version,
    )
