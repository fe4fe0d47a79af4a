"""Why a license was revoked or suspended: a code from a fixed list, which anyone may read.

The operator's free-text note stays private to the license's parties; the public verification
page shows only the code and its label, so nothing written in a hurry about a licensee is
published to whoever scans a certificate.
"""

from __future__ import annotations

from enum import StrEnum


class ReasonCode(StrEnum):
    FRAUD = "fraud"
    RIGHTS_DISPUTE = "rights_dispute"
    NON_PAYMENT = "non_payment"
    OWNER_REQUEST = "owner_request"
    ERROR = "error"
    OTHER = "other"


# (English, Chinese) labels, as the verification page and the certificate tools show them.
LABELS: dict[ReasonCode, tuple[str, str]] = {
    ReasonCode.FRAUD: ("fraud", "欺诈"),
    ReasonCode.RIGHTS_DISPUTE: ("rights dispute", "权属争议"),
    ReasonCode.NON_PAYMENT: ("not paid", "未付款"),
    ReasonCode.OWNER_REQUEST: ("at the rights holder's request", "应权利人要求"),
    ReasonCode.ERROR: ("issued in error", "误签发"),
    ReasonCode.OTHER: ("other reason", "其他原因"),
}


def label(code: str | None) -> str | None:
    return LABELS[ReasonCode(code)][0] if code else None


def label_zh(code: str | None) -> str | None:
    return LABELS[ReasonCode(code)][1] if code else None


def describe() -> str:
    """The codes and their meaning, for help texts and error messages."""
    return ", ".join(f"{code.value} ({LABELS[code][0]})" for code in ReasonCode)
