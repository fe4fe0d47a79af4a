"""Pydantic models of the delivery API: signed download links and a work's stored file."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from clearinghouse.core.schemas import Strict
from clearinghouse.licensing.schema_types import Id


class DownloadLinkRequest(Strict):
    work_id: Id | None = Field(
        None, description="One work of the license; all of them if left out"
    )


class DownloadLink(BaseModel):
    work_id: str
    file_name: str | None
    size: int | None
    sha256: str | None
    url: str
    token: str
    expires_at: datetime


class DownloadLinks(BaseModel):
    license_id: str
    expires_at: datetime
    links: list[DownloadLink]


class FileOut(BaseModel):
    work_id: str
    file_name: str | None
    size: int
    sha256: str
    version: int
