"""Notice use cases: issue a notice (record it, queue its webhook to the platform) and let the
owner, the platform and the operator read it. Services flush, never commit."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from clearinghouse.access.domain import Principal, Role
from clearinghouse.core.errors import NotFound, ValidationFailed
from clearinghouse.core.ids import new_id
from clearinghouse.enforcement.notices import Format, Language, render
from clearinghouse.enforcement.notices import repository as notices_repository
from clearinghouse.enforcement.notices.facts import NoticeFacts
from clearinghouse.enforcement.notices.tables import EnforcementNotice
from clearinghouse.platforms.webhooks import service as webhooks
from clearinghouse.registry import repository as registry

EVENT = "notice.issued"
LANGUAGES_SENT = "zh,en"


def notice_links(notice_id: str, base_url: str = "") -> dict[str, str]:
    """Where the notice is read (signed-in: the owner, the platform, the operator)."""
    path = f"{base_url.rstrip('/')}/api/v1/notices/{notice_id}"
    return {"html_zh": f"{path}?lang=zh", "html_en": f"{path}?lang=en",
            "pdf_zh": f"{path}?format=pdf&lang=zh", "pdf_en": f"{path}?format=pdf&lang=en"}


def issue(session: Session, facts: NoticeFacts, platform_party_id: str, now: datetime, *,
          claim_id: str | None = None, owner_party_id: str | None = None,
          base_url: str = "") -> EnforcementNotice:
    """Record the notice (its facts as sent, with its id) and queue a `notice.issued` webhook
    to the platform. The owner is `owner_party_id`, else the work's registrant."""
    party = registry.get_party(session, platform_party_id)
    if party is None or Role.PLATFORM.value not in party.roles:
        raise ValidationFailed(f"party {platform_party_id} is not a platform",
                               field="platform_party_id")
    if owner_party_id is None and facts.work_id is not None:
        work = registry.get_work(session, facts.work_id)
        if work is None:
            raise NotFound(f"work {facts.work_id} not found", field="work_id")
        owner_party_id = work.registrant_id
    notice_id = new_id("ntc")
    stated = dataclasses.replace(facts, notice_id=notice_id)
    row = EnforcementNotice(id=notice_id, claim_id=claim_id, work_id=facts.work_id,
                            owner_party_id=owner_party_id, platform_party_id=platform_party_id,
                            languages=LANGUAGES_SENT, facts=stated.as_json(), created_at=now)
    notices_repository.add(session, row)
    payload: dict[str, Any] = {"notice_id": notice_id, "claim_id": claim_id,
                               "facts": stated.as_json(), "links": notice_links(notice_id, base_url)}
    row.delivery_id = webhooks.enqueue(session, platform_party_id=platform_party_id, event=EVENT,
                                       payload=payload, now=now)
    session.flush()
    return row


def get_notice(session: Session, principal: Principal, notice_id: str) -> EnforcementNotice:
    """The notice, for its owner (or an agent acting for it), its platform or the operator; to
    anyone else it does not exist."""
    row = notices_repository.get(session, notice_id)
    if row is None or not _may_read(principal, row):
        raise NotFound(f"notice {notice_id} not found", field="notice_id")
    return row


def _may_read(principal: Principal, row: EnforcementNotice) -> bool:
    if principal.is_operator or principal.party_id == row.platform_party_id:
        return True
    return row.owner_party_id is not None and principal.acts_for(row.owner_party_id)


def list_notices(session: Session, principal: Principal, *,
                 as_platform: bool | None = None) -> Sequence[EnforcementNotice]:
    """Notices sent to the caller's platform or on its behalf (the operator: all)."""
    parties = None if principal.is_operator else [principal.party_id]
    return notices_repository.visible_to(session, parties, as_platform=as_platform)


def facts_of(row: EnforcementNotice) -> NoticeFacts:
    return NoticeFacts.from_json(row.facts)


def document(row: EnforcementNotice, language: Language, format: Format) -> bytes:  # noqa: A002
    return render(facts_of(row), language=language, format=format)
