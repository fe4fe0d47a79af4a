"""Usage lines → matched / unlicensed / unmatched, as Ibis expressions (no engine's own SQL), so
DuckDB and Spark run the same plan. Every input line ends in exactly one outcome.

1. The licence a line names, if any, must be the reporter's own or one on a platform the
   reporter runs (a platform reports its uploaders' licensed uses); otherwise UNKNOWN_LICENSE.
2. The work: the line's work id, else its ISRC, ISWC or platform content id (`platform:<channel>`)
   through the registry's identifiers, else the one work of the licence it names, else (society
   amounts only) its title, when an accepted usage claim settled it (identifiers of scheme
   "title") or exactly one work has that normalised title (several: AMBIGUOUS_TITLE). None of
   these: UNKNOWN_IDENTIFIER. Accepted usage claims add their ISRC, ISWC and platform ids to
   the identifiers too.
3. Plays and copies: the grants of that work to the licensee (the named licence's, else the
   reporter's own licences) that cover the territory, the channel and the day (a line without a
   day: every day of the period, [period_start, period_end)), with the licence active. Covered →
   MATCHED on one licence (the smallest id when several cover the same use, so a use is never
   paid twice) and fanned out to each of its lines for the work: one matched row per co-holder's
   line, rating splits by the line. Not covered → UNLICENSED, with the grant that came closest
   (most of the checks passed) as evidence, and the first check it failed as the reason; no
   grant at all → NEVER_LICENSED. Decided once per use for both outcomes (`covering.py`).
   A licence that bounds its plays or copies (`max_plays`, `max_copies`) covers them in order
   (day, a line without one on the period's first day; then report, then line number), counting
   what it covered in earlier periods (`used_before`): the line that crosses the bound is split
   (its first part MATCHED, the rest, with its share of the revenue, UNLICENSED), and every later
   line is UNLICENSED OVER_LICENSED_USES with that licence as evidence.
4. Society amounts: money already collected for a work and right is paid to its holders, not
   rated by a licence: MATCHED with no licence when an accepted holding of the work has the right
   (any right when the line names none), else UNMATCHED NO_HOLDER.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

import ibis
from ibis.expr.types import BooleanValue, Table

from clearinghouse.royalties.contracts import UnlicensedReason, UnmatchedReason
from clearinghouse.royalties.pipeline import covering
from clearinghouse.royalties.splits import HELD_RIGHT
from clearinghouse.usage.records import UsageKind

KEY = ("report_id", "line_no")
_HEAD = ("period", "report_id", "reporter_id", "line_no")
_AMOUNTS = ("usage_date", "channel", "territory", "kind", "plays", "copies", "revenue_minor",
            "currency")
ANY_RIGHT = "*"  # a society line naming no right: any holding of the work pays it
TITLE_ALIAS = "title"  # identifiers of this scheme: a title key an accepted usage claim settled


@dataclass(frozen=True)
class Inputs:
    """The exported database tables (`inputs.SCHEMAS`) as tables of one engine."""

    grants: Table
    licences: Table
    licence_works: Table
    identifiers: Table
    works: Table
    titles: Table
    holdings: Table
    platform_parties: Table


ComputeOnce = Callable[[str, Table], Table]


def _as_expression(name: str, table: Table) -> Table:
    return table


@dataclass(frozen=True)
class Outcomes:
    matched: Table
    unlicensed: Table
    unmatched: Table


def titles_wanted(lines: Table) -> Table:
    """The distinct titles that may need matching by title (society amounts); the caller maps
    each to `titles.title_key` and hands the mapping (title, title_key) to `match`."""
    return (lines.filter((lines.kind == UsageKind.AMOUNT.value) & lines.title.notnull())
            .select("title").distinct())


def _str() -> ibis.Value:
    return ibis.null().cast("string")


def _true(expr: BooleanValue) -> BooleanValue:
    """SQL's NULL as false: a comparison with a missing value is not a match."""
    return expr.fill_null(False)


def _code(value: ibis.Value) -> ibis.Value:
    """An ISRC or ISWC as the registry stores it: upper case, no separators ("cn-a01-17-00001"
    is CNA011700001)."""
    return value.upper().replace("-", "").replace(".", "").replace(" ", "")


def _lookup(base: Table, table: Table, on: dict[str, str], take: dict[str, str]) -> Table:
    """`base` with `take` columns (new name → `table` column) from the row of `table` whose
    `on` columns (base column → table column) are equal; null when none. `table` must be unique
    on its `on` columns."""
    right = table.select(**{f"_k{i}": table[col] for i, col in enumerate(on.values())},
                         **{new: table[col] for new, col in take.items()})
    joined = base.left_join(right, [base[col] == right[f"_k{i}"] for i, col in enumerate(on)])
    return joined.select(*base.columns, *take)


def _with_licence(lines: Table, t: Inputs) -> Table:
    on_platform = (t.grants.join(t.platform_parties, t.grants.channel == t.platform_parties.code)
                   .select("license_id", "party_id").distinct().mutate(_seen=ibis.literal(True)))
    b = _lookup(lines, t.licences, {"license_id": "license_id"}, {"_licensee": "licensee_id"})
    b = _lookup(b, on_platform, {"license_id": "license_id", "reporter_id": "party_id"},
                {"_on_platform": "_seen"})
    licence_ok = (b.license_id.isnull() | _true(b._licensee == b.reporter_id)
                  | b._on_platform.notnull())
    return b.mutate(_licence_ok=licence_ok,
                    _party=ibis.ifelse(b.license_id.isnull(), b.reporter_id, b._licensee))


def _with_work(b: Table, t: Inputs, line_title_keys: Table) -> Table:
    ids = t.identifiers
    one_work = (t.licence_works.group_by("license_id")
                .aggregate(_n=ibis._.work_id.nunique(), _work=ibis._.work_id.min())
                .filter(ibis._._n == 1))
    by_title = (t.titles.group_by("title_key")
                .aggregate(_tn=ibis._.work_id.nunique(), _twork=ibis._.work_id.min()))
    b = b.mutate(_scheme=ibis.literal("platform:") + b.channel, _isrc=_code(b.isrc),
                 _iswc=_code(b.iswc))
    b = _lookup(b, t.works, {"work_id": "work_id"}, {"_w_id": "work_id"})
    b = _lookup(b, ids.filter(ids.scheme == "isrc"), {"_isrc": "value"}, {"_w_isrc": "work_id"})
    b = _lookup(b, ids.filter(ids.scheme == "iswc"), {"_iswc": "value"}, {"_w_iswc": "work_id"})
    b = _lookup(b, ids, {"_scheme": "scheme", "platform_content_id": "value"},
                {"_w_platform": "work_id"})
    b = _lookup(b, one_work, {"license_id": "license_id"}, {"_w_licence": "_work"})
    b = _lookup(b, line_title_keys, {"title": "title"}, {"_tkey": "title_key"})
    b = _lookup(b, by_title, {"_tkey": "title_key"}, {"_tn": "_tn", "_twork": "_twork"})
    b = _lookup(b, ids.filter(ids.scheme == TITLE_ALIAS), {"_tkey": "value"},
                {"_w_title_alias": "work_id"})
    society = b.kind == UsageKind.AMOUNT.value
    # A title an accepted usage claim settled names its work even where several share it.
    by_title_work = ibis.ifelse(society, ibis.coalesce(
        b._w_title_alias, ibis.ifelse(_true(b._tn == 1), b._twork, _str())), _str())
    work = ibis.coalesce(b._w_id, b._w_isrc, b._w_iswc, b._w_platform, b._w_licence, by_title_work)
    reason = ibis.cases(
        (~b._licence_ok, UnmatchedReason.UNKNOWN_LICENSE.value),
        (work.isnull() & society & _true(b._tn > 1), UnmatchedReason.AMBIGUOUS_TITLE.value),
        (work.isnull(), UnmatchedReason.UNKNOWN_IDENTIFIER.value),
        else_=_str(),
    )
    identifier = ibis.cases(
        (b.work_id.notnull(), "work:" + b.work_id),
        (b.isrc.notnull(), "isrc:" + b.isrc),
        (b.iswc.notnull(), "iswc:" + b.iswc),
        (b.platform_content_id.notnull(),
         "platform:" + b.channel.fill_null("") + ":" + b.platform_content_id),
        (b.license_id.notnull(), "license:" + b.license_id),
        else_=_str(),
    )
    return b.mutate(_work=work, _unmatched=reason, _identifier=identifier)


def _part(t: Table, quantity: ibis.Value, revenue: ibis.Value) -> dict[str, ibis.Value]:
    """`_amounts` of part of a line: `quantity` of its plays or copies and `revenue`."""
    copies = t.kind == UsageKind.COPIES.value
    return _amounts(t) | {"plays": ibis.ifelse(copies, t.plays, quantity),
                          "copies": ibis.ifelse(copies, quantity, t.copies),
                          "revenue_minor": revenue}


def match(lines: Table, t: Inputs, line_title_keys: Table, *, period_start: date,
          period_end: date, used_before: Table | None = None,
          computed_once: ComputeOnce = _as_expression, any_bounded: bool = True) -> Outcomes:
    """The three outcomes of `lines` (USAGE_LINE_SCHEMA columns) for one period, whose days are
    [period_start, period_end). `used_before`: (license_id, kind, used), the plays or copies each
    bounded licence covered in earlier periods. `computed_once(name, table)`: the same rows,
    computed once for all three outcomes (a caller writing them to a file and reading it back);
    by default they stay expressions, which an engine may compute once per outcome.
    `any_bounded`: False when no licence bounds its plays or copies (no line need be ranked)."""
    b = _with_work(_with_licence(lines, t), t, line_title_keys)
    unmatched_early = b.filter(b._unmatched.notnull())
    known = b.filter(b._unmatched.isnull())
    society = known.filter(known.kind == UsageKind.AMOUNT.value)
    plays = known.filter(known.kind != UsageKind.AMOUNT.value)

    # Society amounts: held or not.
    held = t.holdings.select("work_id", "right").union(
        t.holdings.select("work_id", right=ibis.literal(ANY_RIGHT))).distinct()
    society = society.mutate(_hright=society.right.substitute(HELD_RIGHT).fill_null(ANY_RIGHT))
    held_on = [society._work == held.work_id, society._hright == held.right]
    society_held = society.semi_join(held, held_on)
    no_holder = society.anti_join(held, held_on)

    # Plays and copies: decided once per use, for both outcomes (covering.py).
    decision = computed_once("decisions", covering.decisions(
        plays, t.grants, t.licences, period_start, period_end))
    decided = covering.decided(plays, decision)
    bounded = computed_once("bounded", covering.within_bounds(
        plays, decision, used_before, period_start) if any_bounded
        else covering.no_bounded_lines(plays))
    whole = decided.filter(decided._chosen.notnull() & decided._limit.isnull())
    part = covering.bounded_rows(bounded, decision)
    quantity = ibis.ifelse(part.kind == UsageKind.COPIES.value, part.copies, part.plays)
    matched_plays = _matched(whole, _amounts(whole)).union(_matched(part, _part(
        part, part._in, ibis.ifelse(part._over == 0, part.revenue_minor,
                                    part.revenue_minor * part._in // quantity))))
    over = bounded.filter(bounded._over > 0)
    over_quantity = ibis.ifelse(over.kind == UsageKind.COPIES.value, over.copies, over.plays)
    over_licensed = over.select(
        *_HEAD, work_id=over._work, reason=ibis.literal(UnlicensedReason.OVER_LICENSED_USES.value),
        nearest_license_id=over._chosen,
        **_part(over, over._over,
                over.revenue_minor - over.revenue_minor * over._in // over_quantity))
    matched_society = society_held.select(
        *_HEAD, work_id=society_held._work, license_id=_str(), license_line_id=_str(),
        right=society_held.right, **_amounts(society_held))

    uncovered = decided.filter(decided._chosen.isnull())
    unlicensed = uncovered.select(
        *_HEAD, work_id=uncovered._work,
        reason=uncovered._reason.fill_null(UnlicensedReason.NEVER_LICENSED.value),
        nearest_license_id=uncovered._nearest, **_amounts(uncovered))

    unmatched_first = unmatched_early.select(*_HEAD, reason=unmatched_early._unmatched,
                                             identifier=unmatched_early._identifier,
                                             title=unmatched_early.title,
                                             **_amounts(unmatched_early))
    unmatched_held = no_holder.select(*_HEAD, reason=ibis.literal(UnmatchedReason.NO_HOLDER.value),
                                      identifier=no_holder._identifier, title=no_holder.title,
                                      **_amounts(no_holder))
    return Outcomes(
        matched=matched_plays.union(matched_society),
        unlicensed=unlicensed.union(over_licensed),
        unmatched=unmatched_first.union(unmatched_held),
    )


def _matched(t: Table, amounts: dict[str, ibis.Value]) -> Table:
    """Matched rows of covered lines, one per line of the chosen licence."""
    return t.select(*_HEAD, work_id=t._work, license_id=t._chosen, license_line_id=t._line_id,
                    right=t._right, **amounts)


def _amounts(t: Table) -> dict[str, ibis.Value]:
    return {name: t[name] for name in _AMOUNTS}
