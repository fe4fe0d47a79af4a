"""Shares of a right as parts per million, and their percentage text. Pure."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

FULL_SHARE_PPM = 1_000_000  # shares are parts per million: 100% == 1_000_000


class ShareError(ValueError):
    pass


def parse_share(value: str | int | Decimal) -> int:
    """A percentage such as "33.3333" or 50 into parts per million, refusing <=0 and >100."""
    try:
        pct = Decimal(str(value))
    except InvalidOperation as exc:
        raise ShareError(f"share {value!r} is not a number") from exc
    if not pct.is_finite():
        raise ShareError("share must be a finite percentage")
    ppm = pct * 10_000
    if ppm != ppm.to_integral_value():
        raise ShareError("share has more than 4 decimals of a percent")
    if ppm <= 0:
        raise ShareError("share must be more than 0%")
    if ppm > FULL_SHARE_PPM:
        raise ShareError(f"share {pct}% is over 100%")
    return int(ppm)


def format_share(ppm: int) -> str:
    """Parts per million back to a percentage string without trailing zeros ("50", "33.3333")."""
    text = format(Decimal(ppm) / 10_000, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text

