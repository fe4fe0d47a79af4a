"""The signed terms of a certificate, in data and in words a person compares with what they hold.

Read from the signed payload (never from what the license record says now), tolerant of missing
or odd fields as the PDF labels are; prices are left out, since the answer is public.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from clearinghouse.core.territories import UnknownTerritory, country_name, region_names
from clearinghouse.licensing.certificates.labels import DASH, ZH, as_dict, as_list
from clearinghouse.licensing.certificates.schemas import (
    NamedParty,
    NotClearedPart,
    VerifiedRight,
    VerifiedTerms,
    VerifiedWork,
)

STATUS_WORDS: dict[str, tuple[str, str]] = {
    "valid": ("in force", "有效"),
    "not_yet_valid": ("not yet in force", "尚未生效"),
    "pending_payment": ("not paid", "未付款"),
    "suspended": ("suspended", "已暂停"),
    "revoked": ("revoked", "已撤销"),
    "expired": ("expired", "已过期"),
}


def _str(value: Any) -> str | None:
    return None if value is None or isinstance(value, dict | list) else str(value)


def _day(value: Any) -> date | None:
    try:
        return date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


def _codes(value: Any) -> list[str]:
    return [str(v) for v in as_list(value) if isinstance(v, str | int)]


def _party(value: Any) -> NamedParty:
    party = as_dict(value)
    return NamedParty(id=_str(party.get("id")), name=_str(party.get("name")))


def english(code: str) -> str:
    text = code.replace("_", " ")
    return text.capitalize() if code.islower() else text


def chinese(code: str) -> str:
    return ZH.get(code, english(code))


def _place(code: str) -> tuple[str, str]:
    region = region_names().get(code.upper())
    if region is not None:
        return region
    try:
        name = country_name(code)
    except UnknownTerritory:
        name = code
    return name, ZH.get(code.upper(), name)


def _places(codes: list[str]) -> tuple[str, str]:
    names = [_place(c) for c in codes]
    return ", ".join(n[0] for n in names) or DASH, "、".join(n[1] for n in names) or DASH


def _line_places(line: dict[str, Any]) -> list[str] | None:
    # Version 2 certificates sign each line's `countries`; `territories` is read for older ones.
    for key in ("countries", "territories"):
        if isinstance(line.get(key), list):
            return _codes(line[key])
    return None


def verified_terms(payload: dict[str, Any], status: str, day: date) -> VerifiedTerms:
    """The terms of a signed certificate payload; `status` is the license's state on `day`."""
    cert = as_dict(payload)
    terms = as_dict(cert.get("terms"))
    works = [
        VerifiedWork(
            id=_str(w.get("id")),
            title=_str(w.get("title")),
            type=_str(w.get("type")),
            identifiers={
                str(k): str(v) for k, v in as_dict(w.get("identifiers")).items() if _str(v)
            },
        )
        for w in map(as_dict, as_list(cert.get("works")))
    ]
    rights = [
        VerifiedRight(
            work_id=_str(r.get("work_id")),
            right=_str(r.get("right")),
            holder=_party(r.get("holder")),
            share=_str(r.get("share")),
            territories=_line_places(r),
        )
        for r in map(as_dict, as_list(cert.get("rights")))
    ]
    not_cleared = [
        NotClearedPart(
            work_id=_str(p.get("work_id")),
            right=_str(p.get("right")),
            holder=_party(p.get("holder")),
            share=_str(p.get("share")),
            territories=_line_places(p),
            reason=_str(p.get("reason")),
        )
        for p in map(as_dict, as_list(cert.get("not_cleared")))
    ]
    out = VerifiedTerms(
        licensee=_party(cert.get("licensee")),
        works=works,
        rights=rights,
        territories=_codes(terms.get("territories")),
        territories_excluded=_codes(terms.get("territories_excluded")),
        channels=_codes(terms.get("channels")),
        valid_from=_day(cert.get("valid_from")),
        valid_until=_day(cert.get("valid_until")),
        exclusive=terms.get("exclusive") is True,
        not_cleared=not_cleared,
        status=status,  # type: ignore[arg-type]
        in_words=[],
        in_words_zh=[],
    )
    out.in_words, out.in_words_zh = _in_words(out, day, open_ended="valid_until" in cert)
    return out


def _work_line(work: VerifiedWork) -> tuple[str, str]:
    ids = "; ".join(f"{scheme.upper()} {value}" for scheme, value in work.identifiers.items())
    kind = work.type or ""
    en = f"Work: {work.title or work.id or DASH} ({'; '.join(filter(None, [english(kind), ids]))})"
    zh = f"作品：{work.title or work.id or DASH}（{'；'.join(filter(None, [chinese(kind), ids]))}）"
    return en.replace(" ()", ""), zh.replace("（）", "")


def _in_words(t: VerifiedTerms, day: date, open_ended: bool) -> tuple[list[str], list[str]]:
    titles = {w.id: w.title or w.id for w in t.works}
    licensee = t.licensee.name or t.licensee.id or DASH
    en = [f"Licensee: {licensee}"]
    zh = [f"被许可方：{licensee}"]
    for work in t.works:
        line_en, line_zh = _work_line(work)
        en.append(line_en)
        zh.append(line_zh)
    for r in t.rights:
        right = r.right or DASH
        title = titles.get(r.work_id, r.work_id) or DASH
        holder = r.holder.name or r.holder.id or DASH
        share = f" (share {r.share}%)" if r.share else ""
        where_en, where_zh = _places(r.territories) if r.territories is not None else ("", "")
        en.append(f"Right: {english(right)} in {title}, from {holder}{share}"
                  + (f", in {where_en}" if where_en else ""))
        zh.append(f"权利：{chinese(right)}，作品 {title}，权利人 {holder}"
                  + (f"（份额 {r.share}%）" if r.share else "") + (f"，地域 {where_zh}" if where_zh else ""))
    places_en, places_zh = _places(t.territories)
    if t.territories_excluded:
        out_en, out_zh = _places(t.territories_excluded)
        places_en, places_zh = f"{places_en}, excluding {out_en}", f"{places_zh}（不含 {out_zh}）"
    en.append(f"Territories: {places_en}")
    zh.append(f"地域：{places_zh}")
    en.append("Channels: " + (", ".join(english(c) for c in t.channels) or DASH))
    zh.append("渠道：" + ("、".join(chinese(c) for c in t.channels) or DASH))
    start = t.valid_from.isoformat() if t.valid_from else DASH
    if t.valid_until is None and open_ended:
        en.append(f"Period: from {start}, no end date")
        zh.append(f"期限：自 {start} 起，长期")
    else:
        end = t.valid_until.isoformat() if t.valid_until else DASH
        en.append(f"Period: {start} to {end} (both days included)")
        zh.append(f"期限：{start} 至 {end}（含首尾两日）")
    for part in t.not_cleared:
        title = titles.get(part.work_id, part.work_id) or DASH
        where_en, where_zh = _places(part.territories) if part.territories else ("", "")
        reason = part.reason or DASH
        en.append(f"Not cleared: {english(part.right or DASH)} in {title}"
                  + (f", in {where_en}" if where_en else "") + f" ({english(reason)})")
        zh.append(f"未获许可：{chinese(part.right or DASH)}，作品 {title}"
                  + (f"，地域 {where_zh}" if where_zh else "") + f"（{chinese(reason)}）")
    en.append(f"Exclusive: {'yes' if t.exclusive else 'no'}")
    zh.append(f"独家：{'是' if t.exclusive else '否'}")
    status_en, status_zh = STATUS_WORDS[t.status]
    en.append(f"Status on {day.isoformat()}: {status_en}")
    zh.append(f"{day.isoformat()}的状态：{status_zh}")
    return en, zh
