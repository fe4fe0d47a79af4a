"""A currency field of the API: an ISO 4217 code in circulation (for any feature's schemas)."""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator, StringConstraints

from clearinghouse.core.money import MoneyError, check_circulating_currency


def _circulating(value: str) -> str:
    try:
        return check_circulating_currency(value)
    except MoneyError as exc:
        raise ValueError(str(exc)) from exc


CirculatingCurrency = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=3, max_length=3),
    AfterValidator(_circulating),
]
