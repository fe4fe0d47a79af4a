"""Pydantic models of verification answers (certificates, credentials, the public status page)."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, Field

from clearinghouse.licensing.licenses.reasons import ReasonCode

Result = Literal[
    "valid",
    "not_yet_valid",
    "pending_payment",
    "suspended",
    "revoked",
    "expired",
    "tampered",
    "unknown_key",
    "unknown_license",
    "malformed",
]


class NamedParty(BaseModel):
    id: str | None = None
    name: str | None = None


class VerifiedWork(BaseModel):
    id: str | None = None
    title: str | None = None
    type: str | None = None
    identifiers: dict[str, str] = Field(default_factory=dict, description="scheme -> value")


class VerifiedRight(BaseModel):
    work_id: str | None = None
    right: str | None = None
    holder: NamedParty = Field(default_factory=NamedParty)
    share: str | None = Field(None, description="The holder's share in percent, e.g. `60`")
    territories: list[str] | None = Field(
        None, description="Where this line is granted, when the document says so per line"
    )


class NotClearedPart(VerifiedRight):
    """A part of the use the license does not cover (a partial purchase), and why."""

    reason: str | None = Field(None, description="A stable code, e.g. `unclaimed_share`")


class VerifiedTerms(BaseModel):
    """What the signed document grants, to compare with what the holder of it says it grants."""

    licensee: NamedParty
    works: list[VerifiedWork]
    rights: list[VerifiedRight]
    territories: list[str] = Field(description="ISO 3166 codes or region codes, as signed")
    territories_excluded: list[str] = Field(default_factory=list)
    channels: list[str]
    valid_from: date | None = None
    valid_until: date | None = Field(None, description="The last valid day (inclusive)")
    exclusive: bool
    not_cleared: list[NotClearedPart] = Field(
        default_factory=list, description="What the license does not cover, as signed"
    )
    status: Result = Field(description="The license's state on the day asked")
    in_words: list[str] = Field(description="The same, one line per item, in English")
    in_words_zh: list[str] = Field(description="The same, one line per item, in Chinese")


class FileSignatureOut(BaseModel):
    """The file's own signature: PAdES in a certificate PDF, C2PA in a delivered media file."""

    kind: Literal["pdf", "c2pa"]
    format: str = Field(description="The file's type, told from its content")
    signed: bool
    intact: bool = Field(description="Unchanged since it was signed")
    trusted: bool = Field(description="Signed by this clearinghouse's certificate authority")
    modified_after_signing: bool = False
    signer: str | None = None
    signed_at: str | None = None
    problems: list[str] = Field(default_factory=list)


class VerifyResult(BaseModel):
    result: Result
    valid: bool = Field(description="True only for a genuine document of a license in force")
    message: str
    message_zh: str
    at: date = Field(description="The day the answer is for (today unless `at` was given)")
    verified: Literal["certificate", "credential", "license"] | None = Field(
        None, description="What was checked: a signed certificate, a credential, or (the public "
        "status page) the license record"
    )
    license_id: str | None = None
    key_id: str | None = None
    status: str | None = Field(None, description="The license's status now, when known")
    reason_code: ReasonCode | None = Field(
        None, description="Why a revoked or suspended license was (a code, never the note)"
    )
    reason_label: str | None = None
    reason_label_zh: str | None = None
    valid_from: date | None = None
    valid_to: date | None = Field(None, description="The first day after the period")
    terms: VerifiedTerms | None = Field(
        None, description="What the genuine document grants, in data and in words (no prices)"
    )
    file_signature: FileSignatureOut | None = Field(
        default=None, description="The signature of the file itself, when it carries one (PDF, media)"
    )
