"""A run's society amounts: split among the holders, posted to the ledger, kept as statement lines.

All of a run's amounts are split at once (`society_split`, the largest remainder of
`splits.split`). The ledger gets one `royalty.society` entry per holder and currency for the
run (the cash received for that holder's parts: its net to its earnings, the owner fee to the
operator) and one per currency for the shares nobody holds (to suspense), instead of one per
work, right and territory: the books hold the same sums, and each part keeps its own statement
line (work, right, territory, its share and fee as a trail) naming the entry that paid it.
Statement lines go in with one multi-row insert. Flush only.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from clearinghouse.access.domain import Principal
from clearinghouse.core.ids import new_id
from clearinghouse.core.territories import expand
from clearinghouse.ledger import service as ledger_service
from clearinghouse.ledger.domain import SaleLine
from clearinghouse.ledger.royalty_entries import society_distribution
from clearinghouse.royalties import runs_repository as repo
from clearinghouse.royalties.domain import FeeRates
from clearinghouse.royalties.matched_usage import SocietyAmount
from clearinghouse.royalties.society_split import owner_fees, split_amounts
from clearinghouse.royalties.splits import Holding, held_right
from clearinghouse.royalties.tables import RoyaltyRun

RUN_SUBJECT = "royalty_run"


def holdings_of(session: Session, work_ids: Sequence[str], first_day: date, last_day: date
                ) -> dict[str, list[Holding]]:
    """The works' accepted holdings in force in the period, one per right held."""
    out: dict[str, list[Holding]] = {}
    for h in repo.holdings_of(session, work_ids, first_day, last_day):
        countries = expand(h.territories, h.territories_excluded)
        for right in h.rights:
            out.setdefault(h.work_id, []).append(Holding(h.holder_id, right, h.share_ppm, countries))
    return out


@dataclass(frozen=True)
class _Payable:
    amount: SocietyAmount
    right: str
    shares: list[tuple[str, int]]


def _payable(society: Sequence[SocietyAmount], holdings: dict[str, list[Holding]]
             ) -> tuple[list[_Payable], int]:
    """The amounts that can be split, with their shares; and how many cannot: an amount naming
    no right where the work's holdings there are of several, a net negative amount (an
    adjustment), no holder, shares over 100%. Those are counted, for the operator to settle."""
    payable: list[_Payable] = []
    skipped = 0
    for amount in society:
        held = [h for h in holdings.get(amount.work_id, [])
                if not h.territories or amount.territory in h.territories]
        rights = {h.right for h in held}
        right = held_right(amount.right) if amount.right else (
            next(iter(rights)) if len(rights) == 1 else None)
        shares: dict[str, int] = defaultdict(int)
        for h in held:
            if h.right == right:  # one holder's several slices there are one part
                shares[h.party_id] += h.share_ppm
        if (right is None or amount.amount_minor <= 0 or not shares
                or min(shares.values()) <= 0 or sum(shares.values()) > 1_000_000):
            skipped += 1
            continue
        payable.append(_Payable(amount, right, sorted(shares.items())))
    return payable, skipped


def post_society(session: Session, run: RoyaltyRun, society: Sequence[SocietyAmount],
                 holdings: dict[str, list[Holding]], fees: FeeRates,
                 actor: Principal | None) -> tuple[int, int]:
    """Split, post and state the run's society amounts: (statement lines stored, amounts
    not split)."""
    payable, skipped = _payable(society, holdings)
    if not payable:
        return 0, skipped
    parts = split_amounts([p.amount.amount_minor for p in payable], [p.shares for p in payable])
    amounts = parts.amount_minor.tolist()
    fee_of = owner_fees(parts.amount_minor, fees.owner_pct).tolist()
    index = parts.amount_index.tolist()
    ppm = parts.share_ppm.tolist()

    received: dict[tuple[str, str | None], list[int]] = defaultdict(lambda: [0, 0, 0])
    for i, party_id in enumerate(parts.party_ids):
        currency = payable[index[i]].amount.currency
        totals = received[(currency, party_id)]
        totals[0] += amounts[i]
        totals[1] += 0 if party_id is None else amounts[i] - fee_of[i]
        totals[2] += 0 if party_id is None else fee_of[i]
    entry_of = _post_entries(session, run, received, len(payable), actor)

    rows = []
    for i, party_id in enumerate(parts.party_ids):
        if party_id is None:
            continue  # the unheld share: in suspense, on nobody's statement
        p, part, fee = payable[index[i]], amounts[i], fee_of[i]
        a = p.amount
        rows.append({
            "id": new_id("stl"), "run_id": run.id, "period": run.period, "holder_id": party_id,
            "licensee_id": None, "license_id": None, "license_line_id": None,
            "work_id": a.work_id, "right": p.right, "channels": [], "territories": [a.territory],
            "plays": 0, "copies": 0, "revenue": {a.currency: a.amount_minor},
            "currency": a.currency, "license_currency": a.currency, "earned_minor": part,
            "recouped_minor": 0, "payable_minor": part, "true_up_minor": 0, "due_minor": part,
            "licensee_fee_minor": 0, "owner_fee_minor": fee, "holder_net_minor": part - fee,
            "payout_currency": a.currency, "holder_payout_minor": part - fee,
            "trail": [{"name": "society share", "value": f"{a.amount_minor} × {ppm[i]} ppm, "
                       "largest remainder", "note": f"{part} {a.currency} minor"},
                      {"name": "owner fee", "value": f"{part} × {fees.owner_pct}%",
                       "note": str(fee)}],
            "entry_ids": [entry_of[key]] if (key := (a.currency, party_id)) in entry_of else [],
        })
    repo.add_statement_lines(session, rows)
    return len(rows), skipped


def _post_entries(session: Session, run: RoyaltyRun,
                  received: dict[tuple[str, str | None], list[int]], amounts: int,
                  actor: Principal | None) -> dict[tuple[str, str | None], str]:
    """One entry per holder and currency (and per currency for the unheld shares), in a stable
    order; their ids by (currency, holder)."""
    entry_of: dict[tuple[str, str | None], str] = {}
    for (currency, party_id), (total, net, fee) in sorted(
            received.items(), key=lambda item: (item[0][0], item[0][1] or "")):
        if total == 0:
            continue
        if party_id is None:
            memo = f"society amounts, {run.period}: the shares nobody holds ({currency})"
            entry = society_distribution(currency, total, [], total, memo)
        else:
            memo = (f"society amounts, {run.period}: {party_id}'s parts of the {amounts} work, "
                    f"right and territory amounts ({currency})")
            entry = society_distribution(currency, total, [SaleLine(party_id, net, fee, memo)], 0,
                                         memo)
        entry_of[(currency, party_id)] = ledger_service.post(
            session, entry, subject=(RUN_SUBJECT, run.id), actor=actor).id
    return entry_of
