"""Deal flow over HTTP: the operator imports a deal CSV; signed-in parties read its summary
under the report's conventions, or their own (`usd_cny`, `several_million`, …)."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response
from starlette.concurrency import run_in_threadpool

from clearinghouse.analytics.deals import repository, service
from clearinghouse.analytics.deals.csv_reading import MAX_BYTES
from clearinghouse.analytics.deals.domain import Conventions
from clearinghouse.analytics.deals.schemas import (
    DealImportOut,
    DealSummaryOut,
    import_out,
    summary_out,
)
from clearinghouse.api.deps import DB, Caller, Limit, Offset, write_sessions
from clearinghouse.api.responses import AUTHED, WRITE
from clearinghouse.core.db import unit_of_work
from clearinghouse.core.errors import Forbidden, PayloadTooLarge, ValidationFailed
from clearinghouse.core.schemas import Page

router = APIRouter(prefix="/api/v1/analytics", tags=["analytics"])
CSV_BODY = {"requestBody": {"required": True, "content": {
    "text/csv": {"schema": {"type": "string", "format": "binary"}},
    "multipart/form-data": {"schema": {"type": "object", "required": ["file"], "properties": {
        "file": {"type": "string", "format": "binary"}}}}}}}
Vague = Annotated[Decimal, Query(gt=0, le=Decimal("1e12"), max_digits=16, decimal_places=2,
                                 description="What a vague amount counts as, in its currency")]
Label = Annotated[str, Query(min_length=1, max_length=200, pattern=r"^[^\x00-\x1f]*$",
                             description="A name for this import, e.g. 2017Q3")]


async def read_upload(request: Request) -> bytes:
    """The CSV from the raw body or the multipart field `file`, at most MAX_BYTES."""
    media = request.headers.get("content-type", "").partition(";")[0].strip().lower()
    if media == "multipart/form-data":
        form = await request.form(max_files=1, max_fields=5)
        part = form.get("file")
        if part is None or isinstance(part, str):
            raise ValidationFailed("send the deal file in the multipart field `file`", field="file")
        data = await part.read(MAX_BYTES + 1)
    else:
        data = bytearray()
        async for chunk in request.stream():
            data += chunk
            if len(data) > MAX_BYTES:
                break
        data = bytes(data)
    if len(data) > MAX_BYTES:
        raise PayloadTooLarge(f"the deal file is over {MAX_BYTES} bytes",
                              details={"limit_bytes": MAX_BYTES})
    return data


@router.post("/deals", response_model=DealImportOut, status_code=201, responses=WRITE,
             openapi_extra=CSV_BODY)
async def import_deals(request: Request, response: Response, caller: Caller,
                       label: Label) -> DealImportOut:
    """Operator: import deal records (CSV: month, company, business, category, round,
    amount_text, investors — see docs/analytics.md). Every line is checked before anything is
    stored; any problem refuses the file with each line and column named (422). The same file
    again answers 200 with its first import."""
    if not caller.is_operator:
        raise Forbidden("only the operator imports deal records")
    data = await read_upload(request)
    parsed = await run_in_threadpool(service.parse_file, data)

    def store() -> DealImportOut:
        with unit_of_work(write_sessions(request)) as db:
            imported = service.import_deals(db, caller, parsed, label)
            if not imported.created:
                response.status_code = 200
            return import_out(imported.record)

    return await run_in_threadpool(store)


@router.get("/deals", response_model=Page[DealImportOut], responses=AUTHED)
def list_imports(db: DB, caller: Caller, offset: Offset = 0, limit: Limit = 20
                 ) -> Page[DealImportOut]:
    """Deal imports, newest first."""
    rows, total = repository.list_imports(db, offset, limit)
    return Page(items=[import_out(r) for r in rows], total=total, offset=offset, limit=limit)


@router.get("/deals/summary", response_model=DealSummaryOut, responses=AUTHED)
def deal_summary(
    db: DB, caller: Caller,
    import_id: Annotated[str | None, Query(max_length=40, description="Default: the latest")] = None,
    quarter: Annotated[str | None, Query(pattern=r"^\d{4}Q[1-4]$", description="e.g. 2017Q3")] = None,
    usd_cny: Annotated[Decimal, Query(gt=0, le=1000, max_digits=10, decimal_places=6,
                                      description="CNY per USD (the report: 6.6)")] = Decimal("6.6"),
    several_hundred_thousand: Vague = Decimal(100_000),
    several_million: Vague = Decimal(1_000_000),
    tens_of_millions: Vague = Decimal(10_000_000),
    hundreds_of_millions: Vague = Decimal(100_000_000),
) -> DealSummaryOut:
    """Events and amounts by month, round and category, totals in CNY and USD, and the
    report's headline. Vague amounts (数十万, 数百万, 数千万, 数亿) count as the conventions say
    (the report's by default); undisclosed ones count as events without money."""
    record = service.chosen_import(db, import_id)
    conventions = Conventions(several_hundred_thousand, several_million, tens_of_millions,
                              hundreds_of_millions, usd_cny)
    return summary_out(record, quarter, service.summary(db, record, conventions, quarter))
