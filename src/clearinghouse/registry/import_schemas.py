"""Pydantic models of the bulk import: the per-row report the API returns and the CLI prints."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

ImportFormat = Literal["csv", "json", "jsonl"]
RowStatus = Literal["accepted", "rejected"]


class RowError(BaseModel):
    field: str = Field(description="The column (CSV) or field path (JSON) at fault, or `row`")
    message: str


class RowReport(BaseModel):
    row: int = Field(
        description="CSV: the spreadsheet row (the header is row 1); JSON: the position in the "
        "array (from 1); JSON Lines: the line number"
    )
    ref: str | None = Field(description="The row's `ref`, if it has one")
    status: RowStatus = Field(description="`accepted` in a dry run means it would be accepted")
    work_id: str | None = Field(description="The new work; null when nothing was applied")
    holding_ids: list[str] = Field(default_factory=list)
    errors: list[RowError] = Field(default_factory=list)


class ImportReport(BaseModel):
    import_id: str | None = Field(description="Audit id of the import; null if nothing was written")
    format: ImportFormat
    encoding: str = Field(description="The encoding the file was read with (given or detected)")
    total: int
    accepted: int
    rejected: int
    applied: bool = Field(description="False in a dry run, or all-or-nothing with a rejected row")
    dry_run: bool
    all_or_nothing: bool
    rows: list[RowReport]
