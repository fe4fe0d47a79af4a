"""Reading an ODRL Agreement back into a license's terms (the inverse of odrl.policy).

The document is expanded as JSON-LD first (pyld, inline context, no network), so the reader works
on full IRIs and does not care how the policy was compacted.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from clearinghouse.core.money import Money
from clearinghouse.licensing.policies.odrl import Compensation, OdrlError
from clearinghouse.licensing.policies.vocabulary import (
    CURRENCY_URN,
    ODRL_NS,
    PROFILE_NS,
    RIGHTS_BY_ACTION_IRI,
)
from clearinghouse.licensing.terms import Channel, Portion, PortionUnit, Purpose, Use

RDF_NS = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"


def _one(node: dict[str, Any], prop: str, ns: str = ODRL_NS) -> Any:
    values = node.get(ns + prop) or []
    return values[0] if values else None


def _scalar(value: Any) -> Any:
    if isinstance(value, dict):
        return value.get("@value", value.get("@id"))
    return value


def _last_segment(iri: str) -> str:
    return iri.rstrip("/").rsplit("/", 1)[-1]


def _read_constraints(permission: dict[str, Any]) -> dict[tuple[str, str], list[Any]]:
    out: dict[tuple[str, str], list[Any]] = {}
    for c in permission.get(ODRL_NS + "constraint", []):
        left = _scalar(_one(c, "leftOperand"))
        op = _scalar(_one(c, "operator"))
        if left is None or op is None:
            raise OdrlError("a constraint lacks leftOperand or operator")
        key = (left.removeprefix(ODRL_NS).removeprefix(PROFILE_NS), op.removeprefix(ODRL_NS))
        out[key] = [_scalar(v) for v in c.get(ODRL_NS + "rightOperand", [])]
    return out


def _read_duty(permission: dict[str, Any]) -> tuple[str, int] | None:
    for duty in permission.get(ODRL_NS + "duty", []):
        for action in duty.get(ODRL_NS + "action", []):
            if _scalar(_one(action, "value", RDF_NS)) != ODRL_NS + "compensate":
                continue
            for ref in action.get(ODRL_NS + "refinement", []):
                unit = _scalar(_one(ref, "unit")) or ""
                amount = _scalar(_one(ref, "rightOperand"))
                if not unit.startswith(CURRENCY_URN) or amount is None:
                    raise OdrlError("compensation needs a payAmount with an ISO 4217 unit")
                money = Money.from_decimal(unit.removeprefix(CURRENCY_URN), Decimal(str(amount)))
                return money.currency, money.minor
    return None


def _territory(permissions: list[dict[str, Any]]) -> tuple[str, ...]:
    """Every country some permission grants in (a partial license's lines may differ)."""
    seen: dict[str, None] = {}
    for p in permissions:
        for code in _read_constraints(p).get(("spatial", "isAnyOf"), []):
            seen.setdefault(code)
    return tuple(seen)


def read_agreement(
    doc: dict[str, Any],
) -> tuple[Use, list[dict[str, str]], Compensation | None]:
    """An Agreement back into (the use, [{work_id, right, holder_id}], the compensation).

    The document is expanded as JSON-LD first, so any compaction of the same policy reads the same.
    """
    from pyld import jsonld

    try:
        expanded = jsonld.expand(doc)
    except jsonld.JsonLdError as exc:
        raise OdrlError(f"not valid JSON-LD: {exc}") from exc
    policies = [n for n in expanded if ODRL_NS + "Agreement" in n.get("@type", [])]
    if len(policies) != 1:
        raise OdrlError("expected exactly one odrl:Agreement")
    node = policies[0]
    permissions = node.get(ODRL_NS + "permission", [])
    if not permissions:
        raise OdrlError("an agreement without permissions grants nothing")
    rights: list[dict[str, str]] = []
    paid: list[tuple[str, str, str, int]] = []
    currencies: set[str] = set()
    for p in permissions:
        action = _scalar(_one(p, "action"))
        if action not in RIGHTS_BY_ACTION_IRI:
            raise OdrlError(f"action {action} is not one this clearinghouse grants")
        row = {
            "work_id": _last_segment(_scalar(_one(p, "target"))),
            "right": RIGHTS_BY_ACTION_IRI[action],
            "holder_id": _last_segment(_scalar(_one(p, "assigner"))),
        }
        rights.append(row)
        duty = _read_duty(p)
        if duty is not None:
            currencies.add(duty[0])
            paid.append((row["work_id"], row["right"], row["holder_id"], duty[1]))
    c = _read_constraints(permissions[0])
    start = date.fromisoformat(c[("dateTime", "gteq")][0])
    end = c.get(("dateTime", "lt"))
    portion = Portion(PortionUnit.WHOLE)
    if ("percentage", "lteq") in c:
        portion = Portion(PortionUnit.PERCENT, int(Decimal(str(c[("percentage", "lteq")][0]))))
    for unit in (PortionUnit.SECONDS, PortionUnit.WORDS):
        if (unit.value, "lteq") in c:
            portion = Portion(unit, int(c[(unit.value, "lteq")][0]))
    purpose = (c.get(("purpose", "eq")) or c.get(("purpose", "isAnyOf")) or [None])[0]
    prohibited = {_scalar(_one(r, "action")) for r in node.get(ODRL_NS + "prohibition", [])}
    use = Use(
        work_ids=tuple(dict.fromkeys(r["work_id"] for r in rights)),
        purpose=Purpose(purpose),
        channels=frozenset(Channel(v) for v in c.get(("deliveryChannel", "isAnyOf"), [])),
        uses=int(c[("count", "lteq")][0]) if ("count", "lteq") in c else 1,
        portion=portion,
        modified=ODRL_NS + "modify" not in prohibited,
        territories=_territory(permissions),
        territories_excluded=tuple(c.get(("spatial", "isNoneOf"), [])),
        start=start,
        term_days=None if end is None else (date.fromisoformat(end[0]) - start).days,
        exclusive=bool(_scalar(_one(node, "exclusive", PROFILE_NS)) or False),
    )
    total = None
    for obligation in node.get(ODRL_NS + "obligation", []):
        total = _read_duty({ODRL_NS + "duty": [obligation]})
        if total is not None:
            currencies.add(total[0])
    if len(currencies) > 1:
        raise OdrlError("compensation in more than one currency")
    compensation = None
    if currencies:
        total_minor = total[1] if total is not None else sum(p[3] for p in paid)
        compensation = Compensation(currencies.pop(), total_minor, tuple(paid))
    return use, rights, compensation


def license_terms_from_odrl(
    doc: dict[str, Any],
) -> tuple[Use, list[dict[str, str]], Compensation | None]:
    """An Agreement back into (the use, [{work_id, right, holder_id}], the compensation). Any
    compaction of the same JSON-LD graph reads the same."""
    return read_agreement(doc)
