"""What a notice says in each language: one table of sentences per language, filled from the
facts. The notice is a document sent to a third party, so its language is chosen per notice
(not the reader's web language) and both wordings live here, side by side."""

from __future__ import annotations

from typing import Literal

from clearinghouse.enforcement.notices.facts import NoticeFacts, clock, span
from clearinghouse.licensing.certificates.labels import format_money

Language = Literal["zh", "en"]
LANGUAGES: tuple[Language, ...] = ("zh", "en")
SENDER = {"zh": "权利结算中心", "en": "Rights Clearinghouse"}

LABELS: dict[str, dict[str, str]] = {
    "zh": {
        "title": "版权侵权警告通知",
        "notice_id": "通知编号",
        "issued_at": "发出时间",
        "sender": "发件人",
        "on_behalf": "{sender}代表权利人{owner}发出本通知。",
        "work": "作品",
        "owner": "权利人",
        "upload": "上传内容",
        "platform": "平台",
        "ranges": "匹配片段",
        "in_upload": "上传内容中",
        "in_reference": "参考作品中",
        "score": "匹配得分",
        "false_match_rate": "误匹配率",
        "policy": "权利人的处理方式",
        "what_you_can_do": "上传者可以做什么",
        "buy": "购买许可：报价 {quote}，价格 {price}。付款后本主张即以已许可结案。",
        "buy_link": "购买链接",
        "dispute": "提出异议，理由可以是：{reasons}。",
        "dispute_link": "异议链接",
        "deadline": "期限：{deadline}（含当日）。",
        "no_action": "无需操作；如有异议可随时提出。",
        "footer": "本通知根据内容识别结果自动生成；匹配得分与误匹配率见上。一项主张在被接受前不构成权利。",
    },
    "en": {
        "title": "Notice of copyright infringement",
        "notice_id": "Notice",
        "issued_at": "Issued",
        "sender": "Sender",
        "on_behalf": "{sender} sends this notice on behalf of the rights owner, {owner}.",
        "work": "Work",
        "owner": "Rights owner",
        "upload": "Upload",
        "platform": "Platform",
        "ranges": "Matched ranges",
        "in_upload": "In the upload",
        "in_reference": "In the reference",
        "score": "Score",
        "false_match_rate": "False match rate",
        "policy": "The owner's policy",
        "what_you_can_do": "What the uploader can do",
        "buy": "Buy a licence: quote {quote}, price {price}. Once paid, the claim closes as licensed.",
        "buy_link": "Buy",
        "dispute": "Dispute the claim, giving one of these reasons: {reasons}.",
        "dispute_link": "Dispute",
        "deadline": "Deadline: {deadline} (inclusive).",
        "no_action": "Nothing to do; you may dispute at any time.",
        "footer": "Generated from a content identification match; score and false match rate "
                  "above. A claim is not a right until accepted.",
    },
}

POLICY_WORDS = {
    "zh": {"block": "屏蔽该上传内容", "track": "跟踪使用情况", "warn": "警告",
           "offer": "提供许可"},
    "en": {"block": "block the upload", "track": "track its use", "warn": "warn",
           "offer": "offer a licence"},
}
REASON_WORDS = {
    "zh": {"licensed": "已持有许可", "own_work": "本人作品", "fair_use": "合理使用",
           "public_domain": "公有领域", "not_a_match": "并非匹配"},
    "en": {"licensed": "holds a licence", "own_work": "own work", "fair_use": "fair use",
           "public_domain": "public domain", "not_a_match": "not a match"},
}


def notice_lines(facts: NoticeFacts, language: Language) -> dict[str, object]:
    """Everything a notice shows, as plain text in one language (the renderers escape it)."""
    words = LABELS[language]
    sep = "、" if language == "zh" else ", "
    rows = [
        (words["work"], facts.work_title),
        (words["owner"], facts.owner_name),
        (words["upload"], facts.upload_ref),
        (words["platform"], facts.platform_name),
        (words["score"], f"{facts.score:.3f}"),
        (words["false_match_rate"], f"{facts.false_match_rate:.1e}"),
        (words["policy"], POLICY_WORDS[language][facts.policy]),
    ]
    options: list[tuple[str, str | None, str | None]] = []  # (sentence, link label, link)
    if facts.quote_id or facts.buy_url:
        price = (format_money(facts.price_minor, facts.currency)
                 if facts.price_minor is not None else "—")
        options.append((words["buy"].format(quote=facts.quote_id or "—", price=price),
                        words["buy_link"], facts.buy_url))
    if facts.dispute_url or facts.dispute_reasons:
        reasons = sep.join(REASON_WORDS[language][r] for r in facts.dispute_reasons)
        options.append((words["dispute"].format(reasons=reasons), words["dispute_link"],
                        facts.dispute_url))
    if not options:
        options.append((words["no_action"], None, None))
    return {
        "lang": language,
        "title": words["title"],
        "sender": SENDER[language],
        "header": [(words["notice_id"], facts.notice_id or "—"),
                   (words["issued_at"], facts.issued_at.strftime("%Y-%m-%d %H:%M UTC")),
                   (words["sender"], SENDER[language])],
        "on_behalf": words["on_behalf"].format(sender=SENDER[language], owner=facts.owner_name),
        "rows": rows,
        "ranges_label": words["ranges"],
        "range_heads": (words["in_upload"], words["in_reference"]),
        "ranges": [(span(r.query_start_s, r.query_end_s),
                    span(r.reference_start_s, r.reference_end_s)) for r in facts.ranges],
        "options_label": words["what_you_can_do"],
        "options": options,
        "deadline": (words["deadline"].format(deadline=facts.deadline.isoformat())
                     if facts.deadline else None),
        "footer": words["footer"],
    }


__all__ = ["LANGUAGES", "Language", "clock", "notice_lines"]
