"""The routine license templates, exchange rate and fee schedule a fresh clearinghouse starts with.

Data, seeded by migration 0003 (and documented in docs/licensing.md). The operator edits or adds
templates afterwards through the API or `clearinghouse templates create`. Prices are never here:
owners set every price in their own offers.
"""

from __future__ import annotations

from typing import Any

DEFAULT_TEMPLATES: list[dict[str, Any]] = [
    {
        "code": "creator-short-video-30s",
        "name_en": "Creator short video, up to 30 seconds",
        "name_zh": "创作者短视频（30秒以内）",
        "description_en": "Commercial creator content on any short-video platform: up to 30 "
                          "seconds of the work, in one production, edits allowed, worldwide, "
                          "for one year.",
        "description_zh": "在任一短视频平台发布的商业创作内容：使用作品不超过30秒，"
                          "用于一部作品，允许剪辑，全球范围，期限一年。",
        "purpose": "commercial", "channels": ["any_short_video"], "max_uses": 1,
        "portion_unit": "seconds", "portion_value": 30, "modification": "edits_allowed",
        "territories": ["WORLD"], "term_days": 365, "exclusive": False,
    },
    {
        "code": "branded-short-video-ad",
        "name_en": "Branded short-video advertisement, up to 60 seconds",
        "name_zh": "品牌短视频广告（60秒以内）",
        "description_en": "Advertising on short-video platforms and the web in mainland China: up "
                          "to 60 seconds, one production, edits subject to the author's approval, "
                          "one year.",
        "description_zh": "在中国大陆的短视频平台及网站投放广告：使用不超过60秒，"
                          "用于一部作品，修改须经作者同意，期限一年。",
        "purpose": "advertising", "channels": ["any_short_video", "web"], "max_uses": 1,
        "portion_unit": "seconds", "portion_value": 60, "modification": "edits_with_approval",
        "territories": ["CN"], "term_days": 365, "exclusive": False,
    },
    {
        "code": "film-promo-clip",
        "name_en": "Film clip in a promotion, up to 30 seconds",
        "name_zh": "电影片段推广使用（30秒以内）",
        "description_en": "Up to 30 seconds of a film clip in advertising on short-video "
                          "platforms, the web and broadcast in Greater China, unedited, for "
                          "180 days.",
        "description_zh": "在大中华区的短视频平台、网站及广播电视中以广告形式"
                          "使用电影片段不超过30秒，不得修改，期限180天。",
        "purpose": "advertising", "channels": ["any_short_video", "web", "broadcast"],
        "max_uses": 1, "portion_unit": "seconds", "portion_value": 30,
        "modification": "original_only", "territories": ["GREATER_CHINA"], "term_days": 180,
        "exclusive": False,
    },
    {
        "code": "internal-presentation",
        "name_en": "Internal presentation",
        "name_zh": "内部演示",
        "description_en": "Inside one organisation, on its internal network: the whole work, "
                          "up to 10 uses, worldwide, perpetual.",
        "description_zh": "仅限机构内部网络使用：可使用全部作品，至多10次，"
                          "全球范围，永久。",
        "purpose": "internal", "channels": ["internal_network"], "max_uses": 10,
        "portion_unit": "whole", "portion_value": None, "modification": "edits_allowed",
        "territories": ["WORLD"], "term_days": None, "exclusive": False,
    },
    {
        "code": "photo-in-video",
        "name_en": "Photograph in a short video",
        "name_zh": "短视频中使用图片",
        "description_en": "A whole image in commercial short videos on any platform: up to 3 "
                          "placements, edits allowed, worldwide, one year.",
        "description_zh": "在任一平台的商业短视频中使用完整图片：至多3处，"
                          "允许修改，全球范围，期限一年。",
        "purpose": "commercial", "channels": ["any_short_video"], "max_uses": 3,
        "portion_unit": "whole", "portion_value": None, "modification": "edits_allowed",
        "territories": ["WORLD"], "term_days": 365, "exclusive": False,
    },
    {
        "code": "exclusive-brand-campaign",
        "name_en": "Exclusive brand campaign",
        "name_zh": "品牌独家推广",
        "description_en": "Exclusive advertising use in mainland China on short-video platforms, "
                          "the web and broadcast: the whole work, up to 5 uses, edits subject to "
                          "the author's approval, one year. No other license may overlap it.",
        "description_zh": "在中国大陆短视频平台、网站及广播电视独家用于广告："
                          "可使用全部作品，至多5处，修改须经作者同意，期限一年；"
                          "期间不得与其他许可重叠。",
        "purpose": "advertising", "channels": ["any_short_video", "web", "broadcast"],
        "max_uses": 5, "portion_unit": "whole", "portion_value": None,
        "modification": "edits_with_approval", "territories": ["CN"], "term_days": 365,
        "exclusive": True,
    },
]

# The 2017 Q3 market report converts at 6.6 CNY per USD.
DEFAULT_RATES: list[dict[str, Any]] = [
    {"base": "USD", "quote": "CNY", "rate": "6.6", "effective": "2017-07-01",
     "source": "short-video market report 2017 Q3"},
]

DEFAULT_FEES: list[dict[str, Any]] = [
    {"licensee_pct": "5", "owner_pct": "10", "effective": "2017-07-01"},
]
