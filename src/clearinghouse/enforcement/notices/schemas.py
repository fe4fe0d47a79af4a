"""Pydantic models of the notice API."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field

from clearinghouse.enforcement.notices.service import facts_of, notice_links
from clearinghouse.enforcement.notices.tables import EnforcementNotice


class NoticeOut(BaseModel):
    id: str
    claim_id: str | None
    work_id: str | None
    owner_party_id: str | None
    platform_party_id: str
    languages: list[str]
    created_at: datetime
    delivery_id: str | None = Field(description="The first webhook delivery that carried it; "
                                                 "null when the platform has no endpoint")
    facts: dict[str, Any]
    links: dict[str, str]


def notice_out(row: EnforcementNotice, base_url: str = "") -> NoticeOut:
    return NoticeOut(id=row.id, claim_id=row.claim_id, work_id=row.work_id,
                     owner_party_id=row.owner_party_id, platform_party_id=row.platform_party_id,
                     languages=row.languages.split(","), created_at=row.created_at,
                     delivery_id=row.delivery_id, facts=facts_of(row).as_json(),
                     links=notice_links(row.id, base_url))
