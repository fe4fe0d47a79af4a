"""The operator's payments page (/operator/payments): payments waiting for money, a bank statement
checked (what would match) and then confirmed; and a licence's pro-forma invoice PDF. The rules
are the reconciliation service's; this reads the form and shows its answer."""

from __future__ import annotations

import base64
import binascii
from typing import Any

from fastapi import Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response

from clearinghouse.api.deps import DB, settings_of, write_sessions
from clearinghouse.core.db import unit_of_work
from clearinghouse.core.errors import Conflict, Forbidden, PayloadTooLarge, ValidationFailed
from clearinghouse.core.money import Money
from clearinghouse.licensing.payments import matching
from clearinghouse.licensing.payments import service as reconciliation
from clearinghouse.licensing.payments.invoice import invoice_for
from clearinghouse.licensing.payments.invoice_pdf import render_invoice_pdf
from clearinghouse.licensing.payments.statement import MAX_ROWS, MAX_STATEMENT_BYTES, read_statement
from clearinghouse.web.pages import Page, PageContext, SignedInPerson, page_router

router = page_router()
TEMPLATE = "payments/operator.html"
LOCALES = {"zh": "zh_CN", "en": "en"}


def N_(message: str) -> str:  # noqa: N802 - marks a message for extraction; translated on render
    return message


RESULTS = {
    matching.MATCHED: N_("pays this payment"),
    matching.UNMATCHED: N_("no reference of ours in the remark"),
    matching.AMBIGUOUS: N_("the remark names several payments"),
    matching.AMOUNT_MISMATCH: N_("the amount or currency differs from the payment's"),
    matching.ALREADY_PAID: N_("the payment is already paid"),
    matching.NOT_PAYABLE: N_("the payment was cancelled"),
    matching.DUPLICATE: N_("an earlier row of this statement already pays it"),
}
NO_FILE = N_("Choose the bank statement (CSV) to check.")


def _operator(person: Any) -> None:
    if not person.principal.is_operator:
        raise Forbidden("only the operator reconciles payments")


def _money(page: PageContext, amount: Money) -> str:
    return amount.format(LOCALES[page.lang])


def _view(page: PageContext, result: reconciliation.Reconciliation) -> list[dict[str, Any]]:
    return [{"line": o.row.line, "on": o.row.on.isoformat(), "payer": o.row.payer,
             "amount": _money(page, o.row.amount), "remark": o.row.remark, "result": o.result,
             "why": page.gettext(RESULTS[o.result]),
             "reference": o.payment.reference if o.payment else "",
             "license_id": o.payment.license_id if o.payment else "",
             "expected": _money(page, o.payment.amount) if o.payment else ""}
            for o in result.outcomes]


def _page(page: PageContext, request: Request, *, status_code: int = 200, error: str | None = None,
          details: Any = None, rows: list[dict[str, Any]] | None = None, statement: str = "",
          confirmed: bool = False) -> Response:
    person = page.signed_in
    assert person is not None
    with request.app.state.read_sessions() as session:
        waiting = reconciliation.pending(session, person.principal)
    pending = [{"reference": p.reference, "license_id": p.license_id, "payer": p.payer_name,
                "amount": _money(page, Money(p.currency, p.amount_minor)),
                "since": p.created_at.date().isoformat()} for p in waiting]
    matched = [r for r in rows or [] if r["result"] == matching.MATCHED]
    others = [r for r in rows or [] if r["result"] != matching.MATCHED]
    return page.render(TEMPLATE, status_code=status_code, pending=pending, error=error,
                       details=details or [], checked=rows is not None, matched=matched,
                       others=others, statement=statement, confirmed=confirmed,
                       max_kib=MAX_STATEMENT_BYTES // 1024, max_rows=MAX_ROWS)


@router.get("/operator/payments")
async def payments_to_reconcile(page: Page, request: Request, person: SignedInPerson) -> Response:
    _operator(person)
    return await run_in_threadpool(lambda: _page(page, request))


@router.post("/operator/payments/check")
async def check_statement(page: Page, request: Request, person: SignedInPerson) -> Response:
    """The statement read and matched; nothing written. The page offers to confirm the matches."""
    _operator(person)
    form = await request.form(max_files=1, max_fields=2)
    upload = form.get("statement")
    if upload is None or isinstance(upload, str) or not upload.filename:
        return await run_in_threadpool(lambda: _page(page, request, status_code=422,
                                                     error=page.gettext(NO_FILE)))
    raw = await upload.read(MAX_STATEMENT_BYTES + 1)
    return await run_in_threadpool(_reconcile, page, request, raw, False)


@router.post("/operator/payments/confirm")
async def confirm_statement(page: Page, request: Request, person: SignedInPerson) -> Response:
    """The checked statement again (from the check page's hidden field), matched and confirmed in
    one transaction; a payment confirmed before is listed as already paid, never paid twice."""
    _operator(person)
    form = await request.form(max_files=0, max_fields=2)
    encoded = form.get("statement")
    try:
        raw = base64.b64decode(str(encoded or ""), validate=True)
    except (binascii.Error, ValueError):
        raw = b""
    return await run_in_threadpool(_reconcile, page, request, raw, True)


def _reconcile(page: PageContext, request: Request, raw: bytes, confirm: bool) -> Response:
    person = page.signed_in
    assert person is not None
    try:
        rows = read_statement(raw)  # the whole statement is checked before any transaction
        factory = write_sessions(request) if confirm else request.app.state.read_sessions
        with unit_of_work(factory) as session:
            result = reconciliation.reconcile(session, person.principal, rows, confirm=confirm)
    except (ValidationFailed, PayloadTooLarge, Conflict) as exc:  # the statement's fault: say why
        return _page(page, request, status_code=exc.status, error=exc.message,
                     details=exc.details if isinstance(exc.details, list) else [])
    statement = "" if confirm else base64.b64encode(raw).decode("ascii")
    return _page(page, request, rows=_view(page, result), statement=statement, confirmed=confirm)


@router.get("/licences/{license_id}/invoice.pdf")
def invoice_pdf(db: DB, person: SignedInPerson, request: Request, license_id: str) -> Response:
    """The licensee of the licence and the operator: what to pay, into which account, quoting what."""
    invoice = invoice_for(db, person.principal, license_id, settings_of(request))
    return Response(render_invoice_pdf(invoice), media_type="application/pdf",
                    headers={"Content-Disposition": f'attachment; filename="{invoice.number}.pdf"'})
