"""Search use case: validate the request, walk the relevance tiers, and describe the hits."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from clearinghouse.core.errors import ValidationFailed
from clearinghouse.core.identifiers import PLATFORM_PREFIX, InvalidIdentifier, normalize_identifier
from clearinghouse.core.money import Money
from clearinghouse.search import page_repository, ranking, repository, use_filter
from clearinghouse.search.query import (
    EVERYTHING,
    EXACT_TITLE,
    MAX_QUERY_CHARS,
    TOTAL_CAP,
    Filters,
    Mode,
    SearchRequest,
    TextQuery,
    Tier,
    parse_text,
)
from clearinghouse.search.schemas import SearchPage
from clearinghouse.search.tokens import normalise

MAX_LIMIT = 100
MAX_FILTER_CHARS = {"type": 40, "tag": 100, "language": 20, "creator": 200, "owner": 300,
                    "identifier": 200}
# Up to this many matches are fetched at once and ranked in Python: one query instead of one
# per tier. Measured on the benchmark: it halves narrow searches (an owner's works) and helps
# PostgreSQL's round trips; at 200 the extra row reads cost more than the queries saved.
RANK_IN_PYTHON_MAX = 50
# A match set up to this size is ranked in one statement (repository.fetch_ranked): tier, then
# relevance inside the tier (ranking.order_key). Larger sets are walked tier by tier in document
# order, which stops as soon as the page is full; scoring tens of thousands of matches of `夏`
# to order them would not (see docs/search.md, "Order").
RANK_IN_ONE_QUERY_MAX = TOTAL_CAP
MAX_OWNER_PARTIES = 20  # an owner filter narrows to a few parties, not to half the directory
LINKED_PER_HIT = 10  # a standard with hundreds of covers shows the first ten and a count


@dataclass(frozen=True)
class SearchParams:
    q: str | None = None
    type: str | None = None
    tag: str | None = None
    creator: str | None = None
    owner: str | None = None
    identifier: str | None = None
    language: str | None = None
    offset: int = 0
    limit: int = 20
    use: use_filter.UseParams | None = None  # search by intended use (search/use_filter.py)


def _clean(value: str | None, field: str, max_chars: int) -> str | None:
    """Drop control characters and lone surrogates; None when nothing is left."""
    if value is None:
        return None
    if len(value) > max_chars:
        raise ValidationFailed(f"{field} may have at most {max_chars} characters", field=field)
    cleaned = "".join(c for c in value if unicodedata.category(c) not in ("Cc", "Cs")).strip()
    return cleaned or None


def _given(value: str | None) -> bool:
    return value is not None and value.strip() != ""


def _type_codes(session: Session, code: str) -> tuple[str, ...]:
    types = repository.work_types(session)
    known = {c for c, _ in types}
    wanted = code.strip().lower()
    if wanted not in known:
        raise ValidationFailed(f"unknown work type {code!r}; known: {', '.join(sorted(known))}",
                               field="type")
    found = {wanted}
    changed = True
    while changed:  # subtypes of subtypes too
        before = len(found)
        found |= {c for c, parent in types if parent in found}
        changed = len(found) != before
    return tuple(sorted(found))


def _identifier(value: str) -> tuple[str, str]:
    if value.lower().startswith(PLATFORM_PREFIX):
        scheme, sep, rest = value.partition(":")
        name, sep2, ident = rest.partition(":")
        scheme, ident, sep = f"{scheme}:{name}", ident, sep2
    else:
        scheme, sep, ident = value.partition(":")
    if not sep or not scheme.strip() or not ident.strip():
        raise ValidationFailed("identifier must be scheme:value, e.g. isrc:CNA001700001",
                               field="identifier")
    try:
        return normalize_identifier(scheme, ident)
    except InvalidIdentifier as exc:
        raise ValidationFailed(str(exc), field="identifier") from exc


def _owner_ids(session: Session, owner: str) -> tuple[str, ...]:
    ids = repository.parties_matching(session, owner, limit=MAX_OWNER_PARTIES + 1)
    if len(ids) > MAX_OWNER_PARTIES:
        raise ValidationFailed(
            f"owner {owner!r} matches more than {MAX_OWNER_PARTIES} parties; "
            "give a party id or more of the name", field="owner")
    return tuple(ids)


def build_request(session: Session, params: SearchParams,
                  by_use: use_filter.UseFilter | None = None) -> SearchRequest:
    if not 1 <= params.limit <= MAX_LIMIT:
        raise ValidationFailed(f"limit must be 1 to {MAX_LIMIT}", field="limit")
    if params.offset < 0:
        raise ValidationFailed("offset must not be negative", field="offset")
    q = _clean(params.q, "q", MAX_QUERY_CHARS)
    type_code = _clean(params.type, "type", MAX_FILTER_CHARS["type"])
    tag = _clean(params.tag, "tag", MAX_FILTER_CHARS["tag"])
    language = _clean(params.language, "language", MAX_FILTER_CHARS["language"])
    creator_text = _clean(params.creator, "creator", MAX_FILTER_CHARS["creator"])
    owner = _clean(params.owner, "owner", MAX_FILTER_CHARS["owner"])
    identifier = _clean(params.identifier, "identifier", MAX_FILTER_CHARS["identifier"])

    creator = parse_text(creator_text) if creator_text else None
    text = parse_text(q) if q else None
    type_codes = _type_codes(session, type_code) if type_code else ()
    scheme_value = _identifier(identifier) if identifier else None
    owner_ids = _owner_ids(session, owner) if owner else ()
    doc_no = repository.doc_no_for_identifier(session, *scheme_value) if scheme_value else None
    # Text that is not blank but holds nothing searchable (emoji, punctuation, control or
    # format characters) matches nothing, rather than falling back to "everything"; so do an
    # identifier no work has and an owner no party matches.
    matchable = not (
        (_given(params.q) and text is None)
        or (_given(params.creator) and creator is None)
        or (owner is not None and not owner_ids)
        or (scheme_value is not None and doc_no is None)
    )
    filters = Filters(
        type_codes=type_codes,
        tag=normalise(tag) if tag else None,
        language=normalise(language) if language else None,
        creator=creator,
        owner_ids=owner_ids,
        doc_no=doc_no,
        work_condition=(by_use.sql, by_use.params) if by_use else None,
    )
    return SearchRequest(text=text, filters=filters, matchable=matchable,
                         offset=params.offset, limit=params.limit)


@dataclass(frozen=True)
class Hit:
    doc_no: int
    work_id: str
    tier: str


def find(session: Session, req: SearchRequest) -> tuple[list[Hit], int, bool]:
    """The page of hits in relevance order, the total (capped), and whether it was capped.

    The matches are found once (`repository.match_set`: counted up to the cap and, on SQLite,
    listed); ranking them reads those documents by number rather than asking the full-text
    index again. Only a match set beyond the cap is walked tier by tier."""
    if not req.matchable:
        return [], 0, False
    if req.text is None:
        return _listing(session, req)
    every_match = req.text.every_match()
    matches = repository.match_set(session, req.text, every_match, req.filters, cap=TOTAL_CAP + 1)
    counted = matches.count
    if counted == 0:
        return [], 0, False
    if counted <= RANK_IN_PYTHON_MAX:
        ranked = _rank_in_python(session, req, matches)
        return ranked[req.offset:req.offset + req.limit], len(ranked), False
    few = counted <= min(TOTAL_CAP, RANK_IN_ONE_QUERY_MAX)  # the cap + 1 means "more"
    if few:
        tiers = req.text.tiers()
        names = [EXACT_TITLE, *(t.name for t in tiers)]
        found = repository.fetch_ranked(session, req.text, every_match, tiers, req.filters,
                                        req.offset, req.limit, within=matches)
        return [Hit(doc_no, work_id, names[tier]) for doc_no, work_id, tier in found], counted, False
    hits, _, _ = _walk_tiers(session, req, [EXACT_TITLE, *_tiers_worth_walking(session, req.text)])
    return hits, *_total(counted, req.offset + len(hits))


def _listing(session: Session, req: SearchRequest) -> tuple[list[Hit], int, bool]:
    """No text: the works passing the filters in document order. Where the engine lists the
    first matches with their count (SQLite), a page inside them is cut from that list;
    otherwise the page is fetched first and counting is needed only when it is full."""
    counted: int | None = None
    if repository.lists_matches(session):
        matches = repository.match_set(session, None, EVERYTHING, req.filters, cap=TOTAL_CAP + 1)
        counted = matches.count
        if counted <= TOTAL_CAP or req.offset + req.limit <= counted:
            found = repository.hits_listed(session, matches.first(req.offset, req.limit))
            hits = [Hit(doc_no, work_id, EVERYTHING) for doc_no, work_id in found]
            return hits, *_total(counted, req.offset + len(hits))
    hits, skip, want = _walk_tiers(session, req, [EVERYTHING])
    if want > 0:  # every match has been seen, so the total is known without counting
        return hits, req.offset - skip + len(hits), False
    if counted is None:
        counted = repository.count_docs(session, None, EVERYTHING, req.filters, cap=TOTAL_CAP + 1)
    return hits, *_total(counted, req.offset + len(hits))


def _tiers_worth_walking(session: Session, text: TextQuery) -> list[Tier]:
    """The query's tiers, less the phrase tiers that no document can fill: when no document
    holds the last word whole, or (PostgreSQL, several words) none holds the phrase.

    A phrase needs every word whole, and a query ending in a prefix (`trav`) usually has no
    such word: on PostgreSQL, asking for that empty tier walked the whole table in document
    order (1.8 s at a million works) before the next tier could fill the page.
    """
    tiers = text.tiers()
    if text.last_is_prefix and not repository.word_occurs(session, text.tokens[-1]):
        tiers = [t for t in tiers if t.include.mode != Mode.PHRASE]
    if len(text.segments) > 1 and repository.walking_an_empty_tier_reads_the_table(session):
        # A name typed as text (`Chloe Turner`) is rarely a title: its title phrase tiers come
        # before the creator tier and are usually empty (2.8 s at p95 on a million works).
        tiers = [t for t in tiers
                 if t.include.mode != Mode.PHRASE or repository.tier_occurs(session, text, t)]
    return tiers


def _total(counted: int, seen: int) -> tuple[int, bool]:
    """The total to report and whether it is capped; past the cap, at least what was paged."""
    if counted <= TOTAL_CAP:
        return counted, False
    return max(TOTAL_CAP, seen), True


def _walk_tiers(session: Session, req: SearchRequest,
                tiers: list[Tier | str]) -> tuple[list[Hit], int, int]:
    """One query per tier until the page is full; returns the hits, the offset still to skip
    (when the offset lies beyond every match) and how many more the page could take."""
    hits: list[Hit] = []
    skip, want = req.offset, req.limit
    position = 0
    while position < len(tiers) and want > 0:
        tier = tiers[position]
        if _title_phrase_pair(tiers, position) and repository.lists_matches(session):
            assert req.text is not None
            pair = repository.fetch_title_phrases(session, req.text, req.filters,
                                                  limit=skip + want + 1)
            if len(pair) <= skip + want:  # every match of both tiers, in one walk
                for name, in_title in (("title_phrase", True), ("alt_title_phrase", False)):
                    of_tier = [(doc_no, work_id) for doc_no, work_id, t in pair if t == in_title]
                    taken = of_tier[skip:skip + want]
                    hits.extend(Hit(doc_no, work_id, name) for doc_no, work_id in taken)
                    skip, want = max(0, skip - len(of_tier)), want - len(taken)
                position += 2
                continue
        found = repository.fetch_hits(session, req.text, tier, req.filters, skip, want)
        if found:
            name = tier if isinstance(tier, str) else tier.name
            hits.extend(Hit(doc_no, work_id, name) for doc_no, work_id in found)
            want -= len(found)
            skip = 0
        elif skip:
            skip -= repository.count_docs(session, req.text, tier, req.filters, cap=skip)
        position += 1
    return hits, skip, want


def _title_phrase_pair(tiers: list[Tier | str], position: int) -> bool:
    """Whether the title phrase tier comes here, the alternative-title phrase tier right after
    (a query of several words). Each is a walk of the same words' doclists, and for a name
    typed as text both are usually empty, so each walked them to the end (`Mary Young`: 1.5 and
    2 ms at a million works); one walk of the two fields finds both tiers when they are small."""
    names = [t if isinstance(t, str) else t.name for t in tiers[position:position + 2]]
    return names == ["title_phrase", "alt_title_phrase"]


def _rank_in_python(session: Session, req: SearchRequest,
                    matches: repository.MatchSet | None = None) -> list[Hit]:
    """Few matches: fetch them all with one query and sort them by tier here."""
    assert req.text is not None
    rank = ranking.tier_rank(req.text)
    scored: list[tuple[tuple[int, int, int, int], Hit]] = []
    for doc_no, work_id, doc, licences_sold in repository.fetch_documents(
            session, req.text, req.text.every_match(), req.filters, limit=RANK_IN_PYTHON_MAX,
            within=matches):
        # The full-text engine found it, so it matches somewhere: "other" at worst.
        tier = ranking.tier_of(req.text, doc) or "other"
        key = ranking.order_key(rank.get(tier, len(rank)), ranking.field_length(tier, doc),
                                licences_sold, doc_no)
        scored.append((key, Hit(doc_no, work_id, tier)))
    return [hit for _, hit in sorted(scored, key=lambda s: s[0])]


def _describe(session: Session, hits: list[Hit], offset: int) -> list[dict[str, Any]]:
    """The page's works with what a result shows, each with its recordings or compositions: one
    query for the links of every hit, one for the hits and their linked works together, none
    per hit. Plain dicts shaped as `WorkHit` (search/schemas.py): the API serialises them once;
    building pydantic models of every nested item cost more than the page's queries."""
    if not hits:
        return []
    ids = [h.work_id for h in hits]
    links = page_repository.embodiment_links(session, ids, per_work=LINKED_PER_HIT)
    works = page_repository.work_summaries(
        session, list(dict.fromkeys(ids + [link.linked_id for link in links])))

    def linked(work: page_repository.WorkSummary) -> dict[str, Any]:
        return {"id": work.id, "type": work.type_code, "title": work.title,
                "identifiers": [{"scheme": s, "value": v} for s, v in work.identifiers],
                "creators": work.creators,
                "holders": [{"party_id": p, "name": n} for p, n in work.holders]}

    recordings: dict[str, list[dict[str, Any]]] = {}
    recordings_total: dict[str, int] = {}
    compositions: dict[str, list[dict[str, Any]]] = {}
    for link in links:
        if link.linked_id not in works:
            continue  # deleted between the two reads
        if link.linked_as == "recording":
            recordings.setdefault(link.work_id, []).append(linked(works[link.linked_id]))
            recordings_total[link.work_id] = link.total
        else:
            compositions.setdefault(link.work_id, []).append(linked(works[link.linked_id]))
    out: list[dict[str, Any]] = []
    for position, hit in enumerate(hits, start=offset + 1):
        work = works[hit.work_id]
        item = linked(work)
        item.update(
            alt_titles=[{"title": str(a.get("title", "")), "language": a.get("language")}
                        for a in work.alt_titles],
            tags=work.tags, score=position, match=hit.tier, version=work.version,
            recordings=recordings.get(work.id, []),
            recordings_total=recordings_total.get(work.id, 0),
            compositions=compositions.get(work.id, []), from_price=None)
        out.append(item)
    return out


def search_answer(session: Session, params: SearchParams) -> dict[str, Any]:
    """The page of results as the JSON the API answers (shaped as `SearchPage`)."""
    repository.begin_search(session)
    by_use = use_filter.parse(session, params.use) if params.use and params.use.given() else None
    req = build_request(session, params, by_use)
    hits, total, capped = find(session, req)
    prices: dict[str, int] = {}
    if by_use is not None:
        prices = use_filter.from_prices(session, by_use, [h.work_id for h in hits])
        # The few the condition admits but the engine cannot price leave the page and the total.
        dropped = len(hits) - len(prices)
        hits = [h for h in hits if h.work_id in prices]
        total = max(total - dropped, req.offset + len(hits))
    items = _describe(session, hits, req.offset)
    if by_use is not None:
        for item in items:
            price = Money(by_use.currency, prices[item["id"]])
            item["from_price"] = {"currency": price.currency, "amount": str(price.to_decimal()),
                                  "minor": price.minor}
    return {"items": items, "total": total, "offset": req.offset, "limit": req.limit,
            "total_capped": capped}


def search(session: Session, params: SearchParams) -> SearchPage:
    """The page of results as models, for the web pages and the CLI."""
    return SearchPage.model_validate(search_answer(session, params))
