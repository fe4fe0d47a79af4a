"""W3C ODRL 2.2 policies (JSON-LD) for offers and licenses, and reading a license's terms back.

An offer becomes an `odrl:Offer`, a license an `odrl:Agreement`: one permission per work and right,
constrained by the use (purpose, channels, territory, period, number of uses, portion) and with a
duty to compensate. Our rights map to ODRL actions where ODRL has one; the rest (synchronisation,
master use, mechanical, name and likeness) and the operands ODRL lacks (seconds or words of a work,
exclusivity) live in our profile namespace `PROFILE_NS`, documented in docs/licensing.md.

The `@context` is inline, so reading a policy never fetches anything from the network.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from clearinghouse.core.money import Money
from clearinghouse.core.territories import expand
from clearinghouse.licensing import domain
from clearinghouse.licensing.domain import Unclearable, use_from_json
from clearinghouse.licensing.policies.vocabulary import (  # noqa: F401  (re-exported)
    ACTIONS,
    CONTEXT,
    CURRENCY_URN,
    ODRL_NS,
    PROFILE,
    PROFILE_NS,
    RIGHTS_BY_ACTION_IRI,
    XSD_NS,
)
from clearinghouse.licensing.terms import Portion, PortionUnit, Purpose


class OdrlError(ValueError):
    pass


@dataclass(frozen=True)
class Grant:
    """One permission: a right in a work, granted by a holder, for a price (or None)."""

    work_id: str
    right: str
    holder_id: str
    amount: Money | None = None
    # Where this grant holds, when narrower than the policy's territory (a partial license).
    countries: tuple[str, ...] | None = None
    share: str | None = None  # percent of the right this holder grants


@dataclass(frozen=True)
class Scope:
    """The limits every permission of a policy shares. For an offer, maxima rather than one use."""

    purposes: tuple[str, ...]
    channels: tuple[str, ...]
    territories: tuple[str, ...]  # ISO 3166 alpha-2
    territories_excluded: tuple[str, ...] = ()
    max_uses: int | None = None
    portion: Portion = field(default_factory=lambda: Portion(PortionUnit.WHOLE))
    modified: bool = True
    start: date | None = None  # a license's period; an offer has a maximum term instead
    end: date | None = None
    max_term_days: int | None = None
    exclusive: bool = False


@dataclass(frozen=True)
class Compensation:
    currency: str
    total_minor: int  # what the assignee pays in all (lines and fees)
    by_grant: tuple[tuple[str, str, str, int], ...]  # (work_id, right, holder_id, amount_minor)


def _iri(base: str, kind: str, ident: str) -> str:
    return f"{base.rstrip('/')}/api/v1/{kind}/{ident}"


def _constraint(left: str, op: str, right: Any) -> dict[str, Any]:
    return {"leftOperand": left, "operator": op, "rightOperand": right}


def _typed(value: str, xsd: str) -> dict[str, str]:
    return {"@value": value, "@type": f"xsd:{xsd}"}


def scope_constraints(scope: Scope) -> list[dict[str, Any]]:
    out = [
        _constraint(
            "purpose",
            "eq" if len(scope.purposes) == 1 else "isAnyOf",
            scope.purposes[0] if len(scope.purposes) == 1 else list(scope.purposes),
        ),
        _constraint("deliveryChannel", "isAnyOf", list(scope.channels)),
        _constraint("spatial", "isAnyOf", list(scope.territories)),
    ]
    if scope.territories_excluded:
        out.append(_constraint("spatial", "isNoneOf", list(scope.territories_excluded)))
    if scope.start is not None:
        out.append(_constraint("dateTime", "gteq", _typed(scope.start.isoformat(), "date")))
    if scope.end is not None:
        out.append(_constraint("dateTime", "lt", _typed(scope.end.isoformat(), "date")))
    if scope.max_term_days is not None:
        out.append(
            _constraint("elapsedTime", "lteq", _typed(f"P{scope.max_term_days}D", "duration"))
        )
    if scope.max_uses is not None:
        out.append(_constraint("count", "lteq", _typed(str(scope.max_uses), "integer")))
    if scope.portion.unit == PortionUnit.PERCENT:
        out.append(_constraint("percentage", "lteq", _typed(str(scope.portion.value), "decimal")))
    elif scope.portion.unit in (PortionUnit.SECONDS, PortionUnit.WORDS):
        out.append(
            _constraint(
                f"ch:{scope.portion.unit.value}",
                "lteq",
                _typed(str(scope.portion.value), "integer"),
            )
        )
    return out


def _narrowed(constraints: list[dict[str, Any]], g: Grant) -> list[dict[str, Any]]:
    """The policy's constraints with this grant's own countries as its territory."""
    spatial = _constraint("spatial", "isAnyOf", list(g.countries or ()))
    return [
        spatial if (c["leftOperand"], c["operator"]) == ("spatial", "isAnyOf") else c
        for c in constraints
    ]


def _compensate(amount: Money, payee_iri: str) -> dict[str, Any]:
    return {
        "action": [
            {
                "rdf:value": {"@id": "odrl:compensate"},
                "refinement": [
                    {
                        "leftOperand": "payAmount",
                        "operator": "eq",
                        "rightOperand": _typed(str(amount.to_decimal()), "decimal"),
                        "unit": CURRENCY_URN + amount.currency,
                    }
                ],
            }
        ],
        "compensatedParty": payee_iri,
        "amountMinor": amount.minor,
    }


def policy(
    *,
    kind: str,
    uid: str,
    base_url: str,
    assigner: str,
    assignee: str | None,
    grants: Sequence[Grant],
    scope: Scope,
    total: Money | None = None,
) -> dict[str, Any]:
    """A compact ODRL policy; `assigner`/`assignee` are party ids, grants name their own holder."""
    if kind not in ("Offer", "Agreement"):
        raise OdrlError(f"unsupported policy type {kind}")
    constraints = scope_constraints(scope)
    permissions = []
    for g in grants:
        if g.right not in ACTIONS:
            raise OdrlError(f"right {g.right!r} has no ODRL action")
        holder = _iri(base_url, "parties", g.holder_id)
        rule: dict[str, Any] = {
            "target": _iri(base_url, "works", g.work_id),
            "action": ACTIONS[g.right],
            "assigner": holder,
            "constraint": constraints if g.countries is None else _narrowed(constraints, g),
        }
        if g.share is not None:
            rule["ch:share"] = g.share
        if g.amount is not None and g.amount.minor > 0:
            rule["duty"] = [_compensate(g.amount, holder)]
        permissions.append(rule)
    doc: dict[str, Any] = {
        "@context": CONTEXT,
        "type": kind,
        "uid": uid,
        "profile": PROFILE,
        "assigner": _iri(base_url, "parties", assigner),
        "permission": permissions,
        "exclusive": scope.exclusive,
    }
    if assignee is not None:
        doc["assignee"] = _iri(base_url, "parties", assignee)
    if not scope.modified:
        # ODRL's own way of saying "use the original only": a prohibition of modify.
        doc["prohibition"] = [{"target": p["target"], "action": "modify"} for p in permissions]
    if total is not None and assignee is not None and total.minor > 0:
        # What the assignee pays the clearinghouse in all: the lines plus the service fee.
        doc["obligation"] = [
            {
                "assigner": doc["assigner"],
                "assignee": doc["assignee"],
                **_compensate(total, doc["assigner"]),
            }
        ]
    return doc


# -- our records as policies --------------------------------------------------------------------


def _spatial(codes: Sequence[str]) -> tuple[str, ...]:
    return tuple(sorted(expand(list(codes)))) if codes else ()


def agreement_for_license(lic: Any, base_url: str, operator_id: str) -> dict[str, Any]:
    """A license as an odrl:Agreement: the clearinghouse assigns for each line's holder."""
    use = use_from_json(lic.use)
    scope = Scope(
        purposes=(use.purpose.value,),
        channels=tuple(sorted(c.value for c in use.channels)),
        territories=_spatial(use.territories),
        territories_excluded=_spatial(use.territories_excluded),
        max_uses=use.uses,
        portion=use.portion,
        modified=use.modified,
        start=lic.valid_from,
        end=lic.valid_to,
        exclusive=bool(lic.exclusive),
    )
    grants = [
        Grant(g.work_id, g.right, g.holder_id, Money(lic.currency, g.amount_minor),
              g.countries or None, g.share)
        for g in (domain.Grant.of_line(line) for line in lic.lines)
    ]
    doc = policy(
        kind="Agreement",
        uid=_iri(base_url, "licenses", lic.id),
        base_url=base_url,
        assigner=operator_id,
        assignee=lic.licensee_id,
        grants=grants,
        scope=scope,
        total=Money(lic.currency, lic.total_minor),
    )
    parts = [Unclearable.from_json(u) for u in getattr(lic, "unclearable", None) or []]
    _not_cleared(doc, parts, grants, scope, base_url)
    return doc


def _not_cleared(
    doc: dict[str, Any],
    parts: list[Unclearable],
    grants: Sequence[Grant],
    scope: Scope,
    base_url: str,
) -> None:
    """What a partial license did not clear: every part in `ch:notCleared` (work, right, holder,
    share, countries, reason), and an ODRL prohibition where no permission grants that right in
    that work in those countries (so a reader that knows only ODRL sees it is not licensed)."""
    if not parts:
        return
    granted: dict[tuple[str, str], set[str]] = {}
    for g in grants:
        granted.setdefault((g.work_id, g.right), set()).update(g.countries or scope.territories)
    listed, prohibited = [], []
    for part in parts:
        countries = sorted(part.countries or scope.territories)
        target = _iri(base_url, "works", part.work_id)
        listed.append({
            "target": target,
            "ch:right": part.right,
            "ch:holder": _iri(base_url, "parties", part.holder_id) if part.holder_id else None,
            "ch:share": part.share,
            "ch:countries": countries,
            "ch:reason": part.reason,
        })
        nobody = [c for c in countries if c not in granted.get((part.work_id, part.right), ())]
        if nobody and part.right in ACTIONS:
            prohibited.append({
                "target": target,
                "action": ACTIONS[part.right],
                "constraint": [_constraint("spatial", "isAnyOf", nobody)],
            })
    doc["ch:notCleared"] = listed
    if prohibited:
        doc["prohibition"] = list(doc.get("prohibition", [])) + prohibited


def offer_policy(offer: Any, template: Any, base_url: str) -> dict[str, Any]:
    """A holder's rate card for one template as an odrl:Offer (no assignee: open to any licensee).

    A catalogue-wide offer targets the holder's catalogue; the price is the fixed fee for the
    holder's share, and running royalties ride along as profile properties of the duty."""
    wider = Purpose(template.purpose)
    scope = Scope(
        purposes=tuple(p.value for p in Purpose if p.rank <= wider.rank),
        channels=tuple(template.channels),
        territories=_spatial(template.territories),
        territories_excluded=_spatial(template.territories_excluded or []),
        max_uses=template.max_uses,
        portion=Portion(PortionUnit(template.portion_unit), template.portion_value),
        modified=template.modification != "original_only",
        max_term_days=template.term_days,
        exclusive=bool(template.exclusive),
    )
    fee = Money(offer.currency, offer.fixed_fee_minor) if offer.fixed_fee_minor else None
    works = list(offer.work_ids) if offer.scope == "works" else []
    grants = [Grant(w, r, offer.holder_id, fee) for w in works for r in offer.rights]
    doc = policy(
        kind="Offer",
        uid=_iri(base_url, "offers", offer.id),
        base_url=base_url,
        assigner=offer.holder_id,
        assignee=None,
        grants=grants,
        scope=scope,
    )
    if not works:  # the whole catalogue: one permission per right on the holder's works
        catalogue = _iri(base_url, "parties", offer.holder_id) + "/works"
        doc["permission"] = [
            {
                "target": catalogue,
                "action": ACTIONS[r],
                "assigner": doc["assigner"],
                "constraint": scope_constraints(scope),
                **({"duty": [_compensate(fee, doc["assigner"])]} if fee else {}),
            }
            for r in offer.rights
        ]
    running = {
        k: getattr(offer, k)
        for k in (
            "per_1000_plays_minor",
            "per_copy_minor",
            "revenue_share_pct",
            "advance_minor",
            "minimum_guarantee_minor",
        )
        if getattr(offer, k) is not None
    }
    if running:
        doc["ch:runningRoyalty"] = {
            "ch:currency": offer.currency,
            **{f"ch:{k}": str(v) for k, v in running.items()},
        }
    doc["ch:template"] = template.code
    return doc
