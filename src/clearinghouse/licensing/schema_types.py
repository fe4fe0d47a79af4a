"""Field types the licensing schemas share (MoneyOut, money as the API shows it, is core's).

Money is whole minor units (strict integers: 12.5 or "125" is refused) plus a circulating ISO 4217
currency (no XAU, XTS, XXX, XDR or fund codes); percentages and rates are decimal strings, never
floats.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator, Field, StringConstraints

from clearinghouse.core.money import MoneyError, check_circulating_currency
from clearinghouse.core.money_schemas import MoneyOut as MoneyOut  # re-exported for licensing
from clearinghouse.core.text import MultiLine, SingleLine


def _currency(value: str) -> str:
    try:
        return check_circulating_currency(value)
    except MoneyError as exc:
        raise ValueError(str(exc)) from exc


Currency = Annotated[str, StringConstraints(strip_whitespace=True, min_length=3, max_length=3),
                     AfterValidator(_currency)]
MAX_MINOR = 10**15  # a quadrillion minor units: far above any license, far below BIGINT
Minor = Annotated[int, Field(strict=True, ge=0, le=MAX_MINOR, description="Whole minor units")]
Pct = Annotated[str, StringConstraints(pattern=r"^\d{1,3}(\.\d{1,4})?$"),
                Field(description="Percent as a decimal string, e.g. \"5.5\"")]
# Text refuses control and bidi-override characters and is stored in NFC (core/text.py).
Code = Annotated[str, StringConstraints(strip_whitespace=True, min_length=2, max_length=40), SingleLine]
Id = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=40), SingleLine]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=4000), MultiLine]
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200), SingleLine]
Count = Annotated[int, Field(strict=True, ge=1, le=100_000)]
Days = Annotated[int, Field(strict=True, ge=1, le=36_600)]
