"""Display text for the certificate PDF: bilingual labels for codes, money, dates, parties.

Every helper takes any JSON value and returns text; a missing or odd value shows as a dash, since
a certificate must render even when an optional field is absent.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from babel.numbers import format_currency, get_currency_precision

from clearinghouse.core.territories import region_members, region_names

DASH = "—"

# Chinese for the vocabulary the licensing service uses; anything else is shown as it is.
ZH = {
    "advertising": "广告", "commercial": "商业", "non_commercial": "非商业", "internal": "内部",
    "original_only": "仅限原样使用", "edits_allowed": "允许修改",
    "edits_with_approval": "修改须经批准", "seconds": "秒", "percent": "%", "words": "字",
    "whole": "全部", "musical_composition": "音乐作品", "sound_recording": "录音制品",
    "audiovisual_work": "视听作品", "short_video": "短视频", "film_clip": "电影片段",
    "photograph": "摄影作品", "literary_work": "文字作品", "graphic_work": "美术作品",
    "software": "计算机软件", "reproduce": "复制权", "distribute": "发行权",
    "perform_public": "表演权", "display_public": "展览权", "modify": "改编权",
    "synchronisation": "同步权", "mechanical": "机械复制权", "master_use": "录音使用权",
    "name_likeness": "姓名肖像权", "douyin": "抖音", "kuaishou": "快手", "bilibili": "哔哩哔哩",
    "weibo": "微博", "xigua": "西瓜视频", "wechat_channels": "微信视频号", "meipai": "美拍",
    "miaopai": "秒拍", "any_short_video": "所有短视频平台", "web": "网站", "broadcast": "广播电视",
    "physical": "实体复制品", "internal_network": "内部网络", "youtube": "YouTube",
    "tiktok": "TikTok", "CN": "中国大陆", "HK": "中国香港", "MO": "中国澳门", "TW": "中国台湾",
    # Why a part was not cleared (the quote's reason codes).
    "unclaimed_share": "无人登记持有", "ownership_conflict": "权属争议",
    "collective_management": "集体管理", "author_approval_required": "须经作者同意",
    "declined": "权利人拒绝", "no_offer": "无常规报价", "no_exchange_rate": "无可用汇率",
}


def as_dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def text(value: Any) -> str:
    return DASH if value is None or value == "" else str(value)


def term(value: Any) -> str:
    """A code in both languages ('advertising' -> '广告 Advertising'), a list joined."""
    if isinstance(value, bool):
        return "是 Yes" if value else "否 No"
    if value is None or value == "" or value == []:
        return DASH
    if isinstance(value, list):
        return ", ".join(term(v) for v in value)
    code = str(value)
    if code not in ZH:
        return code
    english = code.replace("_", " ")
    english = english.capitalize() if code.islower() else english
    return ZH[code] if ZH[code].lower() == english.lower() else f"{ZH[code]} {english}"


def territories(codes: Any) -> str:
    # Region names are data in core (WORLD, GREATER_CHINA, ...); countries fall back to `term`.
    regions = region_names()
    shown = []
    for code in as_list(codes) or ([codes] if codes else []):
        names = regions.get(str(code).upper())
        shown.append(f"{names[1]} {names[0]}" if names else term(code))
    return ", ".join(shown) or DASH


def countries(codes: Any) -> str:
    """A line's countries: a region's name when they are exactly one region, else the codes
    (by name when there are few)."""
    listed = sorted({str(c).upper() for c in as_list(codes)})
    if not listed:
        return DASH
    for code, (name_en, name_zh) in region_names().items():
        if set(listed) == region_members(code):
            return f"{name_zh} {name_en}"
    return territories(listed) if len(listed) <= 6 else ", ".join(listed)


def portion(value: Any) -> str:
    part = as_dict(value)
    if not part:
        return DASH
    amount = "" if part.get("value") is None else f"{part['value']} "
    return f"{amount}{term(part.get('unit')).lower()}"


def party_name(party: Any, fallback: Any = None) -> Any:
    party = as_dict(party)
    return party.get("name") or party.get("id") or fallback


def validity(cert: dict[str, Any]) -> str:
    start, end = cert.get("valid_from"), cert.get("valid_until")
    if start and "valid_until" in cert and end is None:
        return f"{start}  –  长期 no end date"
    return f"{text(start)}  –  {text(end)}"


def timestamp(value: Any) -> str:
    """'2026-11-23T10:00:00Z' -> '2026-11-23 10:00:00 UTC'."""
    shown = text(value)
    if shown.endswith("Z") and "T" in shown:
        shown = shown[:-1].replace("T", " ") + " UTC"
    return shown


def format_money(amount_minor: Any, currency: Any) -> str:
    """Integer minor units -> '¥12,345.00' (zh_CN; JPY shows as 'JP¥'); never a float."""
    if not isinstance(amount_minor, int) or isinstance(amount_minor, bool):
        return DASH
    code = str(currency or "").upper()
    if len(code) != 3 or not code.isalpha():
        return f"{amount_minor} {code}".strip()  # no way to know the decimals: show it raw
    try:
        amount = Decimal(amount_minor).scaleb(-int(get_currency_precision(code)))
        shown = format_currency(amount, code, locale="zh_CN")
        if not _drawable(shown):
            # Signs such as ₩ or ₹ are in neither PDF font: spell the ISO code instead.
            shown = format_currency(amount, code, "¤¤\xa0#,##0.00", locale="zh_CN")
        return shown
    except (ValueError, KeyError, ArithmeticError):
        return f"{amount_minor} {code}"


def _drawable(shown: str) -> bool:
    try:
        shown.encode("cp1252")  # what the PDF's Helvetica can draw
    except UnicodeEncodeError:
        return False
    return True
