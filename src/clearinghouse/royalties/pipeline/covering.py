"""Which licence covers a play or copy line (rule 3 of `match`), decided once per **use** rather
than once per line, and once for both outcomes.

A line's outcome depends only on its use: the work, the party, the licence it names, the right,
the day, the territory, the channel and the kind (`USE`). A period has far fewer uses than
lines (every play of a song on one platform, in one country, on one day is one use), so the
grants are joined to the distinct uses, each use gets its decision — the chosen licence's lines
(one row each: the fan-out) when covered, else the nearest grant and the reason — and each line
then takes its use's rows in one join whose build side is the small decision table. Matched and
unlicensed both read that one decision (no second candidate join, no per-line grouping).

Licences that bound their plays or copies (`max_plays`, `max_copies`) are then applied per line
(`within_bounds`): only the lines of such licences are ranked.
"""

from __future__ import annotations

from datetime import date

import ibis
from ibis.expr.types import BooleanValue, Table

from clearinghouse.royalties.contracts import UnlicensedReason
from clearinghouse.usage.records import UsageKind

KEY = ("report_id", "line_no")
USE = ("_work", "_party", "license_id", "right", "usage_date", "territory", "channel", "kind")
ACTIVE = "active"
_DECISION = ("_chosen", "_line_id", "_right", "_limit", "_reason", "_nearest")


def _true(expr: BooleanValue) -> BooleanValue:
    """SQL's NULL as false: a comparison with a missing value is not a match."""
    return expr.fill_null(False)


def _candidates(uses: Table, grants: Table, period_start: date, period_end: date) -> Table:
    """Each use beside every grant of its work to its party (of its named licence only, when it
    names one), with the checks each grant passes: `_covers`, `_miss` (the first check failed),
    `_score` (how many of the four passed)."""
    g = grants.select(**{f"g_{c}": grants[c] for c in grants.columns})
    c = uses.join(g, [uses._work == g.g_work_id, uses._party == g.g_licensee_id])
    c = c.filter(c.license_id.isnull() | (c.g_license_id == c.license_id),
                 c.right.isnull() | (c.g_right == c.right))
    dated = c.usage_date.notnull()
    started = _true(ibis.ifelse(dated, c.g_valid_from <= c.usage_date,
                                c.g_valid_from <= ibis.literal(period_start)))
    not_ended = _true(c.g_valid_to.isnull() | ibis.ifelse(
        dated, c.usage_date < c.g_valid_to, ibis.literal(period_end) <= c.g_valid_to))
    in_country = _true(c.g_country == c.territory)
    on_channel = _true(c.g_channel == c.channel)
    active = c.g_status == ACTIVE
    checks = [started & not_ended, in_country, on_channel, active]
    miss = ibis.cases(
        (~started, UnlicensedReason.NOT_YET_VALID.value),
        (~not_ended, UnlicensedReason.EXPIRED.value),
        (~in_country, UnlicensedReason.OTHER_TERRITORY.value),
        (~on_channel, UnlicensedReason.OTHER_CHANNEL.value),
        (~active, UnlicensedReason.NOT_ACTIVE.value),
        else_=ibis.null().cast("string"),
    )
    score = sum((check.cast("int64") for check in checks[1:]), checks[0].cast("int64"))
    return c.mutate(_miss=miss, _score=score).mutate(_covers=ibis._._miss.isnull())


def decisions(plays: Table, grants: Table, licences: Table, period_start: date,
              period_end: date) -> Table:
    """The decision of every use of `plays` that has a grant of its work to its party: USE
    columns (prefixed `_u`) and

    - covered: one row per line of the chosen licence (the smallest id that covers it, so a use
      is never paid twice): `_chosen`, `_line_id`, `_right`, `_limit` (the licence's bound on
      this kind, null: none);
    - not covered: one row, the grant that came closest (most checks passed, then the smaller
      licence id): `_nearest` and `_reason`, the first check it failed.

    A use without any grant has no row (never licensed)."""
    uses = plays.select(*USE).distinct()
    c = _candidates(uses, grants, period_start, period_end)
    covering_grants = c.filter(c._covers)
    chosen = covering_grants.group_by(*USE).aggregate(_chosen=covering_grants.g_license_id.min())
    chosen = chosen.select(**_use(chosen), _chosen=chosen._chosen)

    fan = covering_grants.join(chosen, [*_same_use(covering_grants, chosen),
                                        covering_grants.g_license_id == chosen._chosen])
    copies = fan.kind == UsageKind.COPIES.value
    bounds = licences.select(_l_id=licences.license_id, _max_plays=licences.max_plays,
                             _max_copies=licences.max_copies)
    fan = fan.left_join(bounds, fan._chosen == bounds._l_id)
    fan = fan.select(**_use(fan), _chosen=fan._chosen, _line_id=fan.g_line_id,
                     _right=fan.g_right,
                     _limit=ibis.ifelse(copies, fan._max_copies, fan._max_plays),
                     _reason=ibis.null().cast("string"), _nearest=ibis.null().cast("string"))

    near = c.anti_join(chosen, _same_use(c, chosen))
    near = near.mutate(_rank=ibis.row_number().over(
        group_by=list(USE), order_by=[ibis.desc("_score"), "g_license_id", "_miss"]))
    near = near.filter(near._rank == 0)
    near = near.select(**_use(near), _chosen=ibis.null().cast("string"),
                       _line_id=ibis.null().cast("string"), _right=ibis.null().cast("string"),
                       _limit=ibis.null().cast("int64"),
                       _reason=near._miss, _nearest=near.g_license_id)
    return fan.union(near)


def _same_use(lines: Table, decision: Table) -> list[BooleanValue]:
    """`lines` and `decision` (USE columns prefixed `_u`) of the same use; a column both leave
    empty (no day, no licence named, no right) is the same."""
    return [lines[name].identical_to(decision[f"_u{name}"]) for name in USE]


def _use(t: Table) -> dict[str, ibis.Value]:
    return {f"_u{name}": t[name] for name in USE}


def decided(plays: Table, decision: Table) -> Table:
    """`plays` with their use's decision: a covered line once per line of its licence, any
    other line once (a line whose use has no decision row: every decision column null)."""
    joined = plays.left_join(decision, _same_use(plays, decision))
    return joined.select(*plays.columns, *_DECISION)


def within_bounds(plays: Table, decision: Table, used_before: Table | None,
                  period_start: date) -> Table:
    """The covered lines of licences that bound their plays (or copies), once each, with `_in`,
    the part the licence still covers, and `_over`, the rest. They count in order (day, a line
    without one on the period's first day; then report, then line number) from what the licence
    covered in earlier periods (`used_before`: license_id, kind, used)."""
    # An inner join on the few bounded uses: with none, the engine need not read the lines.
    bounded = decision.filter(decision._limit.notnull())
    bounded = bounded.select(*(f"_u{name}" for name in USE), "_chosen", "_limit").distinct()
    c = plays.join(bounded, _same_use(plays, bounded)).select(*plays.columns, "_chosen", "_limit")
    if used_before is not None:
        used = used_before.select(_ul=used_before.license_id, _uk=used_before.kind,
                                  _used=used_before.used)
        c = c.left_join(used, [c._chosen == used._ul, c.kind == used._uk]).select(
            *c.columns, "_used")
    else:
        c = c.mutate(_used=ibis.literal(None, type="int64"))
    quantity = ibis.ifelse(c.kind == UsageKind.COPIES.value, c.copies, c.plays)
    order = [c.usage_date.fill_null(ibis.literal(period_start)), c.report_id, c.line_no]
    # DuckDB sums BIGINT as HUGEINT: back to int64 so the parts stay integers.
    running = quantity.sum().over(ibis.cumulative_window(group_by=[c._chosen, c.kind],
                                                         order_by=order)).cast("int64")
    before = running - quantity + c._used.fill_null(0)
    within = ibis.least(quantity, ibis.greatest(c._limit - before, 0))
    return c.mutate(_in=within, _over=quantity - within).drop("_used")


def no_bounded_lines(plays: Table) -> Table:
    """`within_bounds`'s columns and no row: when no licence bounds its uses."""
    none = plays.limit(0)
    return none.select(*plays.columns, **{name: ibis.null().cast(kind) for name, kind in (
        ("_chosen", "string"), ("_limit", "int64"), ("_in", "int64"), ("_over", "int64"))})


def bounded_rows(bounded: Table, decision: Table) -> Table:
    """The matched part of each bounded line (`within_bounds`), fanned out to its licence's
    lines; a line wholly over its bound has none."""
    b = bounded.filter((bounded._in > 0) | (bounded._over == 0))
    fan = decision.filter(decision._chosen.notnull() & decision._limit.notnull())
    fan = fan.select(*(f"_u{name}" for name in USE), "_line_id", "_right")
    joined = b.join(fan, _same_use(b, fan))
    return joined.select(*b.columns, "_line_id", "_right")
