"""Money as the API shows it, for any feature's schemas: whole minor units, currency, display."""

from __future__ import annotations

from pydantic import BaseModel

from clearinghouse.core.money import Money


class MoneyOut(BaseModel):
    currency: str
    minor: int
    display: str

    @classmethod
    def of(cls, currency: str, minor: int) -> MoneyOut:
        return cls(currency=currency, minor=minor, display=Money(currency, minor).format("en"))
