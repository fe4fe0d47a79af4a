"""What a verification answers, for a given day: the rule and its words (no database access).

A genuine signature is not enough: the license must also be good on the day asked (today unless
the verifier names another, e.g. the day a video was uploaded). The rule, in order:

- revoked: a revoked license never verifies, for any day (revocation withdraws it);
- on an earlier day than today, the state the license had at the end of that day (UTC), read
  from its history of state changes; today or later, its state now;
- not paid (pending_payment) on that day: pending_payment;
- before its first day, or before the license existed: not_yet_valid;
- on or after the first day after its period: expired;
- suspended on that day: suspended; otherwise valid.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from clearinghouse.licensing.licenses.service import EXPIRED, PENDING, REVOKED, SUSPENDED

# The states of a genuine document's license on a day; the rest are about the document itself.
LICENSE_RESULTS = ("valid", "not_yet_valid", "expired", "suspended", "revoked", "pending_payment")
DOCUMENT_RESULTS = ("tampered", "unknown_key", "malformed", "unknown_license")

# (English, Chinese); `{day}` is the day asked, `{start}` the license's first day.
MESSAGES: dict[str, tuple[str, str]] = {
    "valid": (
        "genuine, and the license is in force on {day}",
        "真实有效，许可在{day}处于有效状态",
    ),
    "not_yet_valid": (
        "genuine, but the license is not yet in force on {day}: it starts on {start}",
        "真实，但许可在{day}尚未生效，自{start}起生效",
    ),
    "pending_payment": (
        "genuine, but the license was not paid on {day}, so it was not in force",
        "真实，但许可在{day}尚未付款，未生效",
    ),
    "suspended": (
        "genuine, but the license is suspended on {day}",
        "真实，但许可在{day}处于暂停状态",
    ),
    "revoked": ("genuine, but the license was revoked", "真实，但许可已被撤销"),
    "expired": (
        "genuine, but the license has expired by {day}",
        "真实，但许可在{day}已过期",
    ),
    "tampered": (
        "the document was altered after it was signed: its signature does not match",
        "内容在签发后被改动，签名不符",
    ),
    "unknown_key": (
        "signed with a key this clearinghouse does not have: not one of its documents",
        "签名密钥不属于本平台，并非本平台签发",
    ),
    "malformed": (
        "the signature or proof is missing or damaged, so the document cannot be checked",
        "签名或证明缺失或损坏，无法验证",
    ),
    "unknown_license": (
        "genuinely signed, but no such license exists here",
        "签名真实，但本平台没有该许可",
    ),
}


def standing_on(
    day: date,
    today: date,
    status_now: str,
    valid_from: date,
    valid_to: date | None,
    history: Sequence[tuple[date, str]],
) -> str:
    """The result for a genuine document of this license on `day`.

    `history` is the license's state changes as (day, new state), oldest first; `valid_to` is
    the first day after the period (None: no end)."""
    if status_now == REVOKED:
        return "revoked"
    status: str | None = status_now
    if day < today:
        earlier = [state for changed, state in history if changed <= day]
        status = earlier[-1] if earlier else (None if history else status_now)
    if status is None:  # the license did not exist yet on that day
        return "not_yet_valid"
    if status == PENDING:
        return "pending_payment"
    if status == EXPIRED:
        return "expired"
    if day < valid_from:
        return "not_yet_valid"
    if valid_to is not None and day >= valid_to:
        return "expired"
    if status == REVOKED:  # revoked then, though not now: impossible, a revocation is final
        return "revoked"
    return "suspended" if status == SUSPENDED else "valid"


def words(result: str, day: date, start: date | None) -> tuple[str, str]:
    en, zh = MESSAGES[result]
    shown_start = start.isoformat() if start else "—"
    return (
        en.format(day=day.isoformat(), start=shown_start),
        zh.format(day=day.isoformat(), start=shown_start),
    )
