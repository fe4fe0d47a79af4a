"""What the catalogue commands share: their common options, and command-line input made into the
API's models (amounts in major units, "3000.00" CNY, become the API's minor units)."""

from __future__ import annotations

from typing import Annotated, Any, TypeVar

import typer
from pydantic import BaseModel
from pydantic import ValidationError as PydanticError

from clearinghouse.cli.context import acting_as, fail, local_operator
from clearinghouse.core.errors import ValidationFailed
from clearinghouse.core.money import Money, MoneyError

M = TypeVar("M", bound=BaseModel)
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON for scripts")]
AsOpt = Annotated[str | None, typer.Option("--as", help="Act as this party id (default: operator)")]
Amount = Annotated[str | None, typer.Option(help="Major units, e.g. 3000.00")]


def validated(model: type[M], payload: dict[str, Any]) -> M:
    """Pydantic errors as the CLI's usual error line (exit code 4), naming the field."""
    try:
        return model.model_validate(payload)
    except PydanticError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "input"
        fail(ValidationFailed(f"{where}: {first['msg']}", field=where))


def acting(db: Any, party: str | None) -> Any:
    return acting_as(db, party) or local_operator(db)


def _minor(currency: str, amount: str | None, field: str) -> int | None:
    if amount is None:
        return None
    try:
        return Money.from_decimal(currency, amount).minor
    except MoneyError as exc:
        raise ValidationFailed(str(exc), field=field) from exc


def price_fields(currency: str, fixed: str | None, per_1000: str | None, per_copy: str | None,
                 share: str | None, advance: str | None, mg: str | None) -> dict[str, Any]:
    return {"currency": currency, "fixed_fee_minor": _minor(currency, fixed, "fixed"),
            "per_1000_plays_minor": _minor(currency, per_1000, "per_1000_plays"),
            "per_copy_minor": _minor(currency, per_copy, "per_copy"), "revenue_share_pct": share,
            "advance_minor": _minor(currency, advance, "advance"),
            "minimum_guarantee_minor": _minor(currency, mg, "minimum_guarantee")}
