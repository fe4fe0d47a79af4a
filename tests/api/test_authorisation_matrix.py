"""Who may do what on whose objects: every operation in the OpenAPI, as every role, on owner A's
objects. A new endpoint fails `test_every_operation_is_in_the_matrix` until it is added here."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient

from clearinghouse.core.db import make_engine, session_factory, unit_of_work
from clearinghouse.core.settings import Settings
from clearinghouse.enforcement.notices import MatchedRange, NoticeFacts
from clearinghouse.enforcement.notices import service as notices
from clearinghouse.platforms.webhooks import service as webhooks
from clearinghouse.usage.lake import Lake
from tests.api import claims_matrix, enforcement_matrix
from tests.api.matrix_world import ROLES, SLIVER, MatrixWorld, build_matrix_world
from tests.licensing.catalogue_world import ad_use, offer_body
from tests.usage.support import PERIOD

EVERYONE = frozenset(ROLES)
SIGNED_IN = EVERYONE - {"anonymous"}
OPERATOR = frozenset({"operator"})
A_SIDE = frozenset({"owner_a", "agent", "operator"})  # A, its agent for every right, the operator
REGISTERING = A_SIDE | {"owner_b"}  # owner B may register, but on A's work only as a claim
LICENSEE = frozenset({"licensee"})
LICENSE_READERS = A_SIDE | LICENSEE  # the licensee, the holder paid through it (and its agent)
NOT_SEEN = {"licensee": 404, "platform": 404}  # a claim is hidden from those it does not concern
CLAIM_SIDES = frozenset({"owner_a", "agent", "licensee", "platform", "operator"})  # content claims
ONLY_B_UNSEEN = {"owner_b": 404}  # of the signed-in, only owner B stands outside a content claim

Call = Callable[[MatrixWorld, str], Any]


@dataclass(frozen=True)
class Rule:
    call: Call
    allowed: frozenset[str]  # these roles get 2xx
    others: int = 403  # every other signed-in role (the anonymous caller gets 401)
    special: Mapping[str, int] = field(default_factory=dict)

    def expected(self, role: str) -> int | str:
        if role in self.special:
            return self.special[role]
        if role in self.allowed:
            return "2xx"
        return 401 if role == "anonymous" else self.others


def get(url: str, **kwargs: Any) -> Call:
    return lambda w, role: w.call(role, "GET", url.format(**w.ids), **kwargs)


def post(url: str, body: Callable[[MatrixWorld, str], Any] | None = None) -> Call:
    return lambda w, role: w.call(role, "POST", url.format(**w.ids),
                                  json=body(w, role) if body else None)


def _unlicensed_use(w: MatrixWorld) -> dict[str, Any]:
    """The licensee's unlicensed use of a fresh, unpriced work of owner A (a fresh period)."""
    from tests.royalties.unlicensed_support import unlicensed_use

    period = f"2025-{w.counter % 12 + 1:02d}"
    w.counter += 1
    return unlicensed_use(Lake(w.client.app.state.settings.lake_dir), period, w.fresh_work(),
                          w.party("licensee"))


def _unlicensed_action(kind: str) -> Callable[[MatrixWorld], str]:
    """Owner A's fresh offer (at its stated price) or claim against the licensee."""
    def make(w: MatrixWorld) -> str:
        extra = {"price": "100.00"} if kind == "offers" else {"amount": "100.00"}
        return str(w.ok("owner_a", "POST", f"/api/v1/unlicensed/{kind}",
                        json=_unlicensed_use(w) | extra)["id"])
    return make


def _royalty_run(w: MatrixWorld, role: str) -> Any:
    resp = w.call(role, "POST", f"/api/v1/royalties/periods/{w.fresh_royalty_period()}/run")
    w.client.app.state.jobs.wait_idle(timeout=60)
    return resp


def _holding_for(w: MatrixWorld, role: str) -> dict[str, Any]:
    # Owners register for themselves; the agent and the operator for owner A.
    holder = w.party(role) if role.startswith("owner") else w.party("owner_a")
    return SLIVER | {"holder_id": holder}


def _on(fresh: Callable[[MatrixWorld], str], method: str, url: str,
        body: Callable[[MatrixWorld, str], Any] | None = None, versioned: str | None = None) -> Call:
    """Call `url` (with `{id}`) on a fresh object; `versioned` names where to read its version."""
    def run(w: MatrixWorld, role: str) -> Any:
        ident = fresh(w)
        version = w.version_of(versioned.format(id=ident)) if versioned else None
        return w.call(role, method, url.format(id=ident), version=version,
                      json=body(w, role) if body else None)
    return run


def _on_license(action: str, body: dict[str, Any], **state: bool) -> Call:
    def run(w: MatrixWorld, role: str) -> Any:
        lic = w.fresh_license(**state)
        target = lic["payment"] if action in ("mark-paid", "cancel") else lic
        kind = "payments" if target is lic["payment"] else "licenses"
        return w.call(role, "POST", f"/api/v1/{kind}/{target['id']}/{action}", json=body,
                      version=target["version"])
    return run


def _on_claim(action: str) -> Call:
    def run(w: MatrixWorld, role: str) -> Any:
        claim = w.fresh_claim()
        return w.call(role, "POST", f"/api/v1/holdings/{claim['id']}/{action}",
                      version=claim["version"])
    return run


def _on_referral(action: str, body: dict[str, Any] | None = None) -> Call:
    def run(w: MatrixWorld, role: str) -> Any:
        ref = w.fresh_referral()
        return w.call(role, "POST", f"/api/v1/referrals/{ref['id']}/{action}",
                      json=(body or {}) | {"message": "矩阵"}, version=ref["version"])
    return run


def _purchase(in_body: bool) -> Call:
    def run(w: MatrixWorld, role: str) -> Any:
        quote = w.fresh_quote()
        key = {"Idempotency-Key": w.unique("matrix-")}
        if in_body:
            return w.call(role, "POST", "/api/v1/licenses", json={"quote_id": quote}, headers=key)
        return w.call(role, "POST", f"/api/v1/quotes/{quote}/purchase", headers=key)
    return run


def _refer_quote(w: MatrixWorld, role: str) -> Any:
    quote = w.fresh_quote(w.fresh_work())  # A has not priced this work: its part is referable
    return w.call(role, "POST", f"/api/v1/quotes/{quote}/referrals", json={"message": "请报价"})


def _refer(w: MatrixWorld, role: str) -> Any:
    work = w.fresh_work()
    body = {k: v for k, v in ad_use([work]).items() if k != "work_ids"}
    return w.call(role, "POST", "/api/v1/referrals", json=body | {
        "work_id": work, "right": "synchronisation", "holder_id": w.party("owner_a")})


def _verify(w: MatrixWorld, role: str) -> Any:
    return w.call(role, "POST", "/api/v1/certificates/verify",
                  content=json.dumps(w.ids["certificate"], ensure_ascii=False).encode(),
                  headers={"Content-Type": "application/json"})


def _edit(url: str, body: Callable[[MatrixWorld, str], Any]) -> Call:
    def run(w: MatrixWorld, role: str) -> Any:
        target = url.format(**w.ids)
        return w.call(role, "PATCH", target, json=body(w, role), version=w.version_of(target))
    return run

HOOKS = "/api/v1/platforms/me/webhooks"
PLATFORM = frozenset({"platform"})


def _webhook_call(method: str, url: str, *, fresh: bool = True) -> Call:
    """As `role`, on a fresh endpoint of the platform's; whatever is left is removed after, so
    the platform stays under its limit of endpoints."""
    def run(w: MatrixWorld, role: str) -> Any:
        made = w.ok("platform", "POST", HOOKS, json={"url": f"https://{w.unique('h')}.example/"})
        if fresh:
            resp = w.call(role, method, url.format(id=made["id"]))
        else:
            resp = w.call(role, method, url, json={"url": f"https://{w.unique('h')}.example/"})
        for endpoint in w.ok("platform", "GET", HOOKS):
            w.call("platform", "DELETE", f"{HOOKS}/{endpoint['id']}")
        return resp
    return run


def _dead_letter(w: MatrixWorld) -> str:
    """A delivery to the platform that is a dead letter (its endpoint removed), and a live
    endpoint to redeliver it to."""
    for endpoint in w.ok("platform", "GET", HOOKS):
        w.ok("platform", "DELETE", f"{HOOKS}/{endpoint['id']}")
    made = w.ok("platform", "POST", HOOKS, json={"url": f"https://{w.unique('h')}.example/"})
    with unit_of_work(w.sessions) as s:
        delivery = webhooks.enqueue(s, platform_party_id=w.party("platform"), event="notice.issued",
                                    payload={"matrix": True}, now=datetime.now(UTC))
    assert delivery is not None
    w.ok("platform", "DELETE", f"{HOOKS}/{made['id']}")  # its pending delivery is dead-lettered
    w.ok("platform", "POST", HOOKS, json={"url": f"https://{w.unique('h')}.example/"})
    return delivery


def _notice(w: MatrixWorld) -> str:
    """A notice about owner A's song, sent to the platform."""
    facts = NoticeFacts(work_title="作品", owner_name="甲 Owner A", upload_ref=w.unique("dy-"),
                        platform_name="抖音", ranges=(MatchedRange(1, 6, 10, 15),), score=0.9,
                        false_match_rate=1e-4, policy="warn", issued_at=datetime.now(UTC),
                        work_id=w.ids["song"])
    with unit_of_work(w.sessions) as s:
        return notices.issue(s, facts, w.party("platform"), datetime.now(UTC)).id



PRICE = {"price": {"currency": "CNY", "fixed_fee_minor": 88_800}}

def _reference_of_song(w: MatrixWorld) -> str:
    """Owner A's reference media on its song (the same small file: one reference, made again
    after a DELETE)."""
    from tests.licensing.media_samples import wav

    return str(w.ok("owner_a", "POST", f"/api/v1/works/{w.ids['song']}/references",
                    files={"file": ("song.wav", wav(), "audio/wav")})["id"])


def _add_reference(w: MatrixWorld, role: str) -> Any:
    from tests.licensing.media_samples import wav

    return w.call(role, "POST", f"/api/v1/works/{w.ids['song']}/references",
                  files={"file": ("song.wav", wav(), "audio/wav")})


IDENTIFY_FACTS = {"upload_ref": "matrix-1", "uploaded_on": "2026-11-30", "territory": "CN",
                  "channel": "douyin"}


def _identify(w: MatrixWorld, role: str) -> Any:
    from tests.licensing.media_samples import wav

    return w.call(role, "POST", "/api/v1/identify", params=IDENTIFY_FACTS,
                  files={"file": ("upload.wav", wav(), "audio/wav")})


def _identification_of_licensee(w: MatrixWorld) -> str:
    return str(_identify(w, "licensee").json()["id"])


METRICS_READERS = frozenset({"operator", "owner_a", "owner_b", "platform"})
DEALS_CSV = ("month,company,business,category,round,amount_text,investors\n"
             "2017-07,日日煮,生活短视频内容机构,content,B轮,1亿人民币,X\n").encode()


def _import_deals(w: MatrixWorld, role: str) -> Any:
    return w.call(role, "POST", "/api/v1/analytics/deals", params={"label": "matrix"},
                  content=DEALS_CSV, headers={"Content-Type": "text/csv"})


def _deal_summary(w: MatrixWorld, role: str) -> Any:
    """The summary of an import the operator made (any signed-in party reads it)."""
    _import_deals(w, "operator")
    return w.call(role, "GET", "/api/v1/analytics/deals/summary")


MATRIX: dict[tuple[str, str], Rule] = {
    ("GET", "/healthz"): Rule(get("/healthz"), EVERYONE),
    # -- registry ------------------------------------------------------------------------------
    ("GET", "/api/v1/me"): Rule(get("/api/v1/me"), SIGNED_IN),
    ("GET", "/api/v1/parties"): Rule(get("/api/v1/parties"), EVERYONE),
    ("POST", "/api/v1/parties"): Rule(post("/api/v1/parties", lambda w, r: {
        "name": w.unique("新 "), "roles": ["owner"]}), OPERATOR),
    ("GET", "/api/v1/parties/{party_id}"): Rule(
        lambda w, r: w.call(r, "GET", f"/api/v1/parties/{w.party('owner_a')}"), EVERYONE),
    ("PATCH", "/api/v1/parties/{party_id}"): Rule(
        lambda w, r: _edit(f"/api/v1/parties/{w.party('owner_a')}",
                           lambda w, r: {"phone": w.unique("010-")})(w, r),
        frozenset({"owner_a", "operator"})),
    ("POST", "/api/v1/keys"): Rule(post("/api/v1/keys", lambda w, r: {
        "party_id": w.party("owner_a")}), OPERATOR),
    ("GET", "/api/v1/parties/{party_id}/keys"): Rule(
        lambda w, r: w.call(r, "GET", f"/api/v1/parties/{w.party('owner_a')}/keys"),
        frozenset({"owner_a", "operator"})),
    ("POST", "/api/v1/keys/{key_id}/revoke"): Rule(
        _on(lambda w: w.fresh_key(), "POST", "/api/v1/keys/{id}/revoke"),
        frozenset({"owner_a", "operator"})),
    ("POST", "/api/v1/mandates"): Rule(post("/api/v1/mandates", lambda w, r: {
        "agent_id": w.party("agent"), "owner_id": w.party("owner_a"), "rights": ["reproduce"],
        "valid_from": "2020-01-01"}), frozenset({"owner_a", "operator"})),
    ("GET", "/api/v1/mandates"): Rule(get("/api/v1/mandates"), SIGNED_IN),
    ("GET", "/api/v1/work-types"): Rule(get("/api/v1/work-types"), EVERYONE),
    ("POST", "/api/v1/work-types"): Rule(post("/api/v1/work-types", lambda w, r: {
        "code": w.unique("matrix_type_"), "category": "image", "name_en": "Sticker",
        "name_zh": "贴纸", "length_unit": "pixels"}), OPERATOR),
    ("GET", "/api/v1/works"): Rule(get("/api/v1/works", params={"q": "作品"}), EVERYONE),
    ("POST", "/api/v1/works"): Rule(post("/api/v1/works", lambda w, r: {
        "type": "photograph", "title": w.unique("照片 ")}), REGISTERING),
    ("POST", "/api/v1/works/import"): Rule(lambda w, r: w.call(
        r, "POST", "/api/v1/works/import", content=json.dumps([{
            "type": "photograph", "title": w.unique("导入 ")}]).encode(),
        headers={"Content-Type": "application/json"}), REGISTERING),
    # A job is its owner's (and the operator's): to anyone else it does not exist.
    ("GET", "/api/v1/jobs/{job_id}"): Rule(_on(lambda w: w.fresh_job(), "GET", "/api/v1/jobs/{id}"),
                                           frozenset({"owner_a", "operator"}), others=404),
    ("GET", "/api/v1/works/{work_id}"): Rule(get("/api/v1/works/{song}"), EVERYONE),
    ("PATCH", "/api/v1/works/{work_id}"): Rule(
        _edit("/api/v1/works/{song}", lambda w, r: {"description": f"edited as {r}"}), A_SIDE),
    ("GET", "/api/v1/works/{work_id}/holdings"): Rule(
        get("/api/v1/works/{song}/holdings"), EVERYONE),
    ("POST", "/api/v1/works/{work_id}/holdings"): Rule(
        post("/api/v1/works/{song}/holdings", _holding_for), REGISTERING),
    ("GET", "/api/v1/holdings/{holding_id}"): Rule(get("/api/v1/holdings/{holding}"), EVERYONE),
    ("PATCH", "/api/v1/holdings/{holding_id}"): Rule(_on(
        lambda w: w.fresh_holding(), "PATCH", "/api/v1/holdings/{id}",
        lambda w, r: {"share": "0.5"}, versioned="/api/v1/holdings/{id}"), A_SIDE),
    ("POST", "/api/v1/holdings/{holding_id}/withdraw"): Rule(_on(
        lambda w: w.fresh_holding(), "POST", "/api/v1/holdings/{id}/withdraw",
        versioned="/api/v1/holdings/{id}"), A_SIDE),
    ("POST", "/api/v1/holdings/{holding_id}/accept"): Rule(
        _on_claim("accept"), A_SIDE, special=NOT_SEEN),  # owner B: not its own claim (403)
    ("POST", "/api/v1/holdings/{holding_id}/reject"): Rule(
        _on_claim("reject"), A_SIDE, special=NOT_SEEN),
    ("GET", "/api/v1/conflicts"): Rule(get("/api/v1/conflicts"), SIGNED_IN),
    ("POST", "/api/v1/conflicts/{conflict_id}/resolve"): Rule(_on(
        lambda w: w.fresh_conflict(), "POST", "/api/v1/conflicts/{id}/resolve",
        lambda w, r: {"resolution": "settled by the matrix"}), OPERATOR),
    ("GET", "/api/v1/audit"): Rule(get("/api/v1/audit"), SIGNED_IN),
    # -- catalogue -----------------------------------------------------------------------------
    ("GET", "/api/v1/templates"): Rule(get("/api/v1/templates"), EVERYONE),
    ("POST", "/api/v1/templates"): Rule(post("/api/v1/templates", lambda w, r: {
        "code": w.unique("matrix-new-"), "name_en": "Sticker", "name_zh": "贴纸",
        "purpose": "commercial", "channels": ["weibo"], "max_uses": 1, "portion_unit": "seconds",
        "portion_value": 3, "modification": "edits_allowed", "territories": ["CN"],
        "term_days": 90}), OPERATOR),
    ("GET", "/api/v1/templates/{template_ref}"): Rule(
        get("/api/v1/templates/branded-short-video-ad"), EVERYONE),
    ("PATCH", "/api/v1/templates/{template_ref}"): Rule(_on(
        lambda w: w.fresh_template(), "PATCH", "/api/v1/templates/{id}",
        lambda w, r: {"name_en": f"renamed by {r}"}, versioned="/api/v1/templates/{id}"),
        OPERATOR),
    ("POST", "/api/v1/offers"): Rule(post("/api/v1/offers", lambda w, r: offer_body(
        [w.ids["song"]], ["synchronisation"], fixed_fee_minor=10_000)
        | {"holder_id": w.party("owner_a")}), A_SIDE),
    ("GET", "/api/v1/offers"): Rule(get("/api/v1/offers"), SIGNED_IN),
    ("GET", "/api/v1/offers/{offer_id}"): Rule(get("/api/v1/offers/{offer}"), EVERYONE),
    ("PATCH", "/api/v1/offers/{offer_id}"): Rule(_on(
        lambda w: w.fresh_offer(), "PATCH", "/api/v1/offers/{id}",
        lambda w, r: {"fixed_fee_minor": 12_000}, versioned="/api/v1/offers/{id}"), A_SIDE),
    ("POST", "/api/v1/offers/{offer_id}/withdraw"): Rule(_on(
        lambda w: w.fresh_offer(), "POST", "/api/v1/offers/{id}/withdraw",
        versioned="/api/v1/offers/{id}"), A_SIDE),
    ("GET", "/api/v1/works/{work_id}/offers"): Rule(get("/api/v1/works/{song}/offers"), EVERYONE),
    ("GET", "/api/v1/offers/{offer_id}/odrl"): Rule(get("/api/v1/offers/{offer}/odrl"), EVERYONE),
    ("GET", "/api/v1/exchange-rates"): Rule(get("/api/v1/exchange-rates"), EVERYONE),
    ("POST", "/api/v1/exchange-rates"): Rule(post("/api/v1/exchange-rates", lambda w, r: {
        "base": "EUR", "quote": "CNY", "rate": "7.8",
        "effective": f"2030-01-{ROLES.index(r) + 1:02d}"}), OPERATOR),
    ("GET", "/api/v1/fee-schedules"): Rule(get("/api/v1/fee-schedules"), EVERYONE),
    ("GET", "/api/v1/fee-schedules/current"): Rule(get("/api/v1/fee-schedules/current"), EVERYONE),
    ("POST", "/api/v1/fee-schedules"): Rule(post("/api/v1/fee-schedules", lambda w, r: {
        "licensee_pct": "5", "owner_pct": "10",
        "effective": f"2090-01-{ROLES.index(r) + 1:02d}"}), OPERATOR),
    # -- quotes and referrals ------------------------------------------------------------------
    ("POST", "/api/v1/quotes"): Rule(post("/api/v1/quotes", lambda w, r: ad_use([w.ids["song"]])),
                                     LICENSEE | OPERATOR),
    ("GET", "/api/v1/quotes"): Rule(get("/api/v1/quotes"), SIGNED_IN),
    ("GET", "/api/v1/quotes/{quote_id}"): Rule(get("/api/v1/quotes/{quote}"), LICENSEE | OPERATOR),
    ("POST", "/api/v1/quotes/{quote_id}/referrals"): Rule(_refer_quote, LICENSEE),
    ("POST", "/api/v1/referrals"): Rule(_refer, LICENSEE),
    ("GET", "/api/v1/referrals"): Rule(get("/api/v1/referrals"), SIGNED_IN),
    ("GET", "/api/v1/referrals/{referral_id}"): Rule(
        get("/api/v1/referrals/{referral}"), LICENSE_READERS),
    ("POST", "/api/v1/referrals/{referral_id}/messages"): Rule(post(
        "/api/v1/referrals/{referral}/messages", lambda w, r: {"body": f"from {r}"}),
        LICENSE_READERS),
    ("POST", "/api/v1/referrals/{referral_id}/accept"): Rule(
        _on_referral("accept", PRICE), A_SIDE, special={"licensee": 409}),  # only a counter
    ("POST", "/api/v1/referrals/{referral_id}/counter"): Rule(
        _on_referral("counter", PRICE), A_SIDE),
    ("POST", "/api/v1/referrals/{referral_id}/decline"): Rule(_on_referral("decline"), A_SIDE),
    ("POST", "/api/v1/referrals/{referral_id}/withdraw"): Rule(_on_referral("withdraw"), LICENSEE),
    # -- licenses, payments, delivery, certificates, ledger ------------------------------------
    ("POST", "/api/v1/quotes/{quote_id}/purchase"): Rule(_purchase(in_body=False), LICENSEE),
    ("POST", "/api/v1/licenses"): Rule(_purchase(in_body=True), LICENSEE),
    ("GET", "/api/v1/licenses"): Rule(get("/api/v1/licenses"), SIGNED_IN),
    # The licensee asks about itself; the work's holder (and its agent) and the operator too.
    ("GET", "/api/v1/licenses/coverage"): Rule(lambda w, role: w.call(
        role, "GET", f"/api/v1/licenses/coverage?work_id={w.ids['song']}"
        f"&licensee_id={w.party('licensee')}&channel=douyin&country=CN"), LICENSE_READERS),
    ("GET", "/api/v1/licenses/{license_id}"): Rule(
        get("/api/v1/licenses/{license}"), LICENSE_READERS),
    ("GET", "/api/v1/licenses/{license_id}/events"): Rule(
        get("/api/v1/licenses/{license}/events"), LICENSE_READERS),
    ("POST", "/api/v1/licenses/{license_id}/revoke"): Rule(
        _on_license("revoke", {"reason_code": "error", "note": "matrix"}), OPERATOR),
    ("POST", "/api/v1/licenses/{license_id}/suspend"): Rule(
        _on_license("suspend", {"reason_code": "rights_dispute", "note": "matrix"}, paid=True), OPERATOR),
    ("POST", "/api/v1/licenses/{license_id}/reinstate"): Rule(
        _on_license("reinstate", {"note": "matrix"}, suspended=True), OPERATOR),
    ("GET", "/api/v1/payments/{payment_id}"): Rule(
        get("/api/v1/payments/{payment}"), LICENSEE | OPERATOR),
    ("POST", "/api/v1/payments/{payment_id}/mark-paid"): Rule(
        _on_license("mark-paid", {"reference": "BANK-MATRIX"}), OPERATOR),
    ("POST", "/api/v1/payments/{payment_id}/cancel"): Rule(
        _on_license("cancel", {"reason": "never paid"}), OPERATOR),
    ("GET", "/api/v1/payments"): Rule(get("/api/v1/payments"), OPERATOR),
    ("POST", "/api/v1/payments/reconcile"): Rule(lambda w, r: w.call(
        r, "POST", "/api/v1/payments/reconcile", content=b"date,amount,currency,remark\n",
        headers={"Content-Type": "text/csv"}), OPERATOR),
    ("PUT", "/api/v1/works/{work_id}/file"): Rule(lambda w, r: w.call(
        r, "PUT", f"/api/v1/works/{w.ids['song']}/file", content=b"A's master" * 50,
        headers={"Content-Type": "application/octet-stream"}), A_SIDE),
    ("POST", "/api/v1/licenses/{license_id}/download-link"): Rule(
        post("/api/v1/licenses/{license}/download-link"), LICENSEE | OPERATOR),
    ("GET", "/api/v1/downloads/{token}"): Rule(get("/api/v1/downloads/{token}"), EVERYONE),
    ("GET", "/api/v1/downloads/{token}/licence.json"): Rule(
        get("/api/v1/downloads/{token}/licence.json"), EVERYONE),
    ("GET", "/api/v1/licenses/{license_id}/certificate"): Rule(
        get("/api/v1/licenses/{license}/certificate"), LICENSE_READERS),
    ("GET", "/api/v1/licenses/{license_id}/certificate.pdf"): Rule(
        get("/api/v1/licenses/{license}/certificate.pdf"), LICENSE_READERS),
    ("GET", "/api/v1/licenses/{license_id}/credential"): Rule(
        get("/api/v1/licenses/{license}/credential"), LICENSE_READERS),
    ("POST", "/api/v1/certificates/verify"): Rule(_verify, EVERYONE),
    ("GET", "/api/v1/certificates/keys"): Rule(get("/api/v1/certificates/keys"), EVERYONE),
    ("GET", "/.well-known/did.json"): Rule(get("/.well-known/did.json"), EVERYONE),
    ("GET", "/api/v1/licenses/{license_id}/odrl"): Rule(
        get("/api/v1/licenses/{license}/odrl"), LICENSE_READERS),
    ("GET", "/verify/{license_id}"): Rule(get("/verify/{license}"), EVERYONE),
    ("GET", "/api/v1/ledger/balances"): Rule(get("/api/v1/ledger/balances"), SIGNED_IN),
    ("GET", "/api/v1/ledger/entries"): Rule(get("/api/v1/ledger/entries"), SIGNED_IN),
    ("POST", "/api/v1/ledger/entries/{entry_id}/reverse"): Rule(_on(
        lambda w: w.fresh_entry(), "POST", "/api/v1/ledger/entries/{id}/reverse",
        lambda w, r: {"memo": "matrix"}), OPERATOR),
    # -- usage reports: platforms, licensees and the operator report; a report is its
    # reporter's and the operator's, to anyone else it does not exist.
    ("POST", "/api/v1/usage/reports"): Rule(lambda w, r: w.call(
        r, "POST", "/api/v1/usage/reports", content=w.usage_csv(),
        params={"format": "csv", "period": PERIOD}, headers={"Content-Type": "text/csv"}),
        frozenset({"platform", "licensee", "operator"})),
    ("GET", "/api/v1/usage/reports"): Rule(get("/api/v1/usage/reports"), SIGNED_IN),
    ("GET", "/api/v1/usage/reports/{report_id}"): Rule(
        _on(lambda w: w.fresh_usage_report(), "GET", "/api/v1/usage/reports/{id}"),
        frozenset({"platform", "operator"}), others=404),
    ("GET", "/api/v1/usage/reports/{report_id}/rejections"): Rule(
        _on(lambda w: w.fresh_usage_report(), "GET", "/api/v1/usage/reports/{id}/rejections"),
        frozenset({"platform", "operator"}), others=404),
    # -- royalties: the operator runs, closes and pays; a statement line is its holder's (and
    # agent's) and its licensee's, to anyone else it does not exist.
    ("POST", "/api/v1/royalties/periods/{period}/run"): Rule(_royalty_run, OPERATOR),
    ("POST", "/api/v1/royalties/periods/{period}/close"): Rule(lambda w, r: w.call(
        r, "POST", f"/api/v1/royalties/periods/{w.fresh_royalty_period()}/close"), OPERATOR),
    ("GET", "/api/v1/royalties/runs/{run_id}"): Rule(
        get("/api/v1/royalties/runs/{run}"), OPERATOR, others=404),
    ("GET", "/api/v1/statements"): Rule(lambda w, r: w.call(
        r, "GET", "/api/v1/statements", params={"period": w.ids["royalty_period"]}), SIGNED_IN),
    ("GET", "/api/v1/statements/lines/{line_id}/trail"): Rule(
        get("/api/v1/statements/lines/{statement_line}/trail"),
        frozenset({"owner_a", "agent", "licensee", "operator"}), others=404),
    ("GET", "/api/v1/payouts"): Rule(get("/api/v1/payouts", params={"period": PERIOD}), SIGNED_IN),
    ("POST", "/api/v1/payouts"): Rule(lambda w, r: w.call(
        r, "POST", "/api/v1/payouts", params={"period": PERIOD}), OPERATOR),
    # -- usage claims: owners (and A's agent for A) find and claim; a claim is its claimant's,
    # its filer's and the operator's, to anyone else it does not exist; the operator decides.
    ("GET", "/api/v1/unmatched-usage"): Rule(claims_matrix.search, REGISTERING),
    ("POST", "/api/v1/usage-claims"): Rule(claims_matrix.create, frozenset({"owner_a", "agent"})),
    ("GET", "/api/v1/usage-claims"): Rule(get("/api/v1/usage-claims"), REGISTERING),
    ("GET", "/api/v1/usage-claims/{claim_id}"): Rule(_on(
        claims_matrix.fresh_claim, "GET", "/api/v1/usage-claims/{id}"), A_SIDE, others=404),
    ("POST", "/api/v1/usage-claims/{claim_id}/withdraw"): Rule(_on(
        claims_matrix.fresh_claim, "POST", "/api/v1/usage-claims/{id}/withdraw"),
        frozenset({"owner_a", "agent"}), others=404, special={"operator": 403}),
    ("POST", "/api/v1/usage-claims/{claim_id}/decision"): Rule(_on(
        claims_matrix.fresh_claim, "POST", "/api/v1/usage-claims/{id}/decision",
        lambda w, r: {"decision": "reject", "reason": "other", "note": "矩阵"}), OPERATOR),
    # -- unlicensed use into action: the owner of the work offers or claims; an offer or claim is
    # its owner's and its user's, to anyone else it does not exist.
    ("GET", "/api/v1/unlicensed/uses"): Rule(lambda w, r: w.call(
        r, "GET", "/api/v1/unlicensed/uses", params={"period": _unlicensed_use(w)["period"]}),
        frozenset({"owner_a", "owner_b"})),
    ("POST", "/api/v1/unlicensed/offers"): Rule(post(
        "/api/v1/unlicensed/offers", lambda w, r: _unlicensed_use(w) | {"price": "100.00"}),
        frozenset({"owner_a"})),
    ("POST", "/api/v1/unlicensed/claims"): Rule(post(
        "/api/v1/unlicensed/claims", lambda w, r: _unlicensed_use(w) | {"amount": "100.00"}),
        frozenset({"owner_a"})),
    ("GET", "/api/v1/unlicensed/actions"): Rule(get("/api/v1/unlicensed/actions"), SIGNED_IN),
    ("GET", "/api/v1/unlicensed/actions/{action_id}"): Rule(_on(
        _unlicensed_action("claims"), "GET", "/api/v1/unlicensed/actions/{id}"),
        frozenset({"owner_a", "licensee"}), others=404),
    ("POST", "/api/v1/unlicensed/actions/{action_id}/withdraw"): Rule(_on(
        _unlicensed_action("claims"), "POST", "/api/v1/unlicensed/actions/{id}/withdraw"),
        frozenset({"owner_a"}), others=404, special={"licensee": 403}),
    ("POST", "/api/v1/unlicensed/actions/{action_id}/dispute"): Rule(_on(
        _unlicensed_action("claims"), "POST", "/api/v1/unlicensed/actions/{id}/dispute",
        lambda w, r: {"note": "licensed elsewhere"}),
        frozenset({"licensee"}), others=404, special={"owner_a": 403}),
    ("POST", "/api/v1/unlicensed/actions/{action_id}/accept"): Rule(_on(
        _unlicensed_action("offers"), "POST", "/api/v1/unlicensed/actions/{id}/accept"),
        frozenset({"licensee"}), others=404, special={"owner_a": 403}),
    ("GET", "/api/v1/payouts/posted"): Rule(get("/api/v1/payouts/posted"), SIGNED_IN),
    ("POST", "/api/v1/payouts/{payout_id}/sent"): Rule(_on(
        lambda w: w.fresh_payout(), "POST", "/api/v1/payouts/{id}/sent",
        lambda w, r: {"reference": "matrix", "sent_on": "2026-01-02"}), OPERATOR),
    # -- content claims: the owner's side (A, its agent) and the uploader's (the licensee, its
    # platform) and the operator see a claim; to anyone else it does not exist. The operator
    # decides escalated disputes; it takes no side's step.
    ("GET", "/api/v1/enforcement/policies"): Rule(get("/api/v1/enforcement/policies"),
                                                  frozenset({"owner_a", "owner_b"})),
    ("PUT", "/api/v1/enforcement/policies"): Rule(enforcement_matrix.set_policy,
                                                  frozenset({"owner_a", "agent"})),
    ("DELETE", "/api/v1/enforcement/policies"): Rule(enforcement_matrix.clear_policy,
                                                     frozenset({"owner_a", "agent"})),
    ("GET", "/api/v1/claims"): Rule(get("/api/v1/claims"), SIGNED_IN),
    ("GET", "/api/v1/claims/{claim_id}"): Rule(enforcement_matrix.on_claim(""), CLAIM_SIDES,
                                               others=404),
    ("POST", "/api/v1/claims/{claim_id}/withdraw"): Rule(enforcement_matrix.on_claim(
        "/withdraw", {}), frozenset({"owner_a", "agent"}), special=ONLY_B_UNSEEN),
    ("POST", "/api/v1/claims/{claim_id}/buy"): Rule(enforcement_matrix.on_claim("/buy"),
        frozenset(), special=ONLY_B_UNSEEN | {"licensee": 409, "platform": 409}),  # no offer
    ("POST", "/api/v1/claims/{claim_id}/earnings"): Rule(enforcement_matrix.on_claim(
        "/earnings", {"amount": "1.00", "currency": "CNY"}, policy="monetise"),
        frozenset({"platform"}), special=ONLY_B_UNSEEN),
    ("POST", "/api/v1/claims/{claim_id}/dispute"): Rule(enforcement_matrix.on_claim(
        "/dispute", {"reason": "own_work", "evidence": "矩阵"}),
        frozenset({"licensee", "platform"}), special=ONLY_B_UNSEEN),
    ("POST", "/api/v1/claims/{claim_id}/dispute/answer"): Rule(enforcement_matrix.on_claim(
        "/dispute/answer", {"decision": "release"}, state="disputed"),
        frozenset({"owner_a", "agent"}), special=ONLY_B_UNSEEN),
    ("POST", "/api/v1/claims/{claim_id}/dispute/escalate"): Rule(enforcement_matrix.on_claim(
        "/dispute/escalate", {}, state="upheld"),
        frozenset({"licensee", "platform"}), special=ONLY_B_UNSEEN),
    ("POST", "/api/v1/claims/{claim_id}/dispute/decide"): Rule(enforcement_matrix.on_claim(
        "/dispute/decide", {"winner": "owner", "note": "矩阵"}, state="escalated"), OPERATOR),
    ("GET", "/api/v1/disputes"): Rule(get("/api/v1/disputes"), SIGNED_IN),
    # -- platforms ------------------------------------------------------------------------------
    ("GET", "/api/v1/platforms"): Rule(get("/api/v1/platforms"), EVERYONE),
    ("GET", "/api/v1/platforms/{code}"): Rule(get("/api/v1/platforms/douyin"), EVERYONE),
    ("POST", "/api/v1/platforms"): Rule(post("/api/v1/platforms", lambda w, r: {
        "code": w.unique("matrix_"), "name_zh": w.unique("矩阵平台"),
        "name_en": w.unique("Matrix platform ")}), OPERATOR),
    ("PATCH", "/api/v1/platforms/{code}"): Rule(
        _edit("/api/v1/platforms/douyin", lambda w, r: {"name_en": "Douyin"}), OPERATOR),
    # -- webhooks and notices (docs/notices.md): a platform's own; the operator sees all -------
    ("POST", HOOKS): Rule(_webhook_call("POST", HOOKS, fresh=False), PLATFORM),
    ("GET", HOOKS): Rule(get(HOOKS), PLATFORM),
    ("DELETE", HOOKS + "/{endpoint_id}"): Rule(_webhook_call("DELETE", HOOKS + "/{id}"),
                                               PLATFORM | OPERATOR),
    ("GET", HOOKS + "/deliveries"): Rule(get(HOOKS + "/deliveries"), PLATFORM | OPERATOR),
    ("GET", HOOKS + "/dead-letters"): Rule(get(HOOKS + "/dead-letters"), PLATFORM | OPERATOR),
    ("POST", HOOKS + "/deliveries/{delivery_id}/redeliver"): Rule(_on(
        _dead_letter, "POST", HOOKS + "/deliveries/{id}/redeliver"), PLATFORM | OPERATOR),
    ("GET", "/api/v1/notices"): Rule(get("/api/v1/notices"), SIGNED_IN),
    ("GET", "/api/v1/notices/{notice_id}"): Rule(_on(
        _notice, "GET", "/api/v1/notices/{id}"), A_SIDE | PLATFORM, others=404),
    # -- identification ---------------------------------------------------------------------
    ("POST", "/api/v1/works/{work_id}/references"): Rule(_add_reference, A_SIDE),
    ("GET", "/api/v1/works/{work_id}/references"): Rule(
        get("/api/v1/works/{song}/references"), A_SIDE),
    ("GET", "/api/v1/references/{reference_id}"): Rule(
        _on(_reference_of_song, "GET", "/api/v1/references/{id}"), A_SIDE),
    ("DELETE", "/api/v1/references/{reference_id}"): Rule(
        _on(_reference_of_song, "DELETE", "/api/v1/references/{id}"), A_SIDE),
    ("POST", "/api/v1/identify"): Rule(_identify, frozenset({"operator", "licensee"})),
    ("GET", "/api/v1/identify/{identification_id}"): Rule(
        _on(_identification_of_licensee, "GET", "/api/v1/identify/{id}"),
        frozenset({"operator", "licensee"}), others=404),
    # -- analytics -----------------------------------------------------------------------------
    ("POST", "/api/v1/analytics/deals"): Rule(_import_deals, OPERATOR),
    ("GET", "/api/v1/analytics/deals"): Rule(get("/api/v1/analytics/deals"), SIGNED_IN),
    ("GET", "/api/v1/analytics/deals/summary"): Rule(_deal_summary, SIGNED_IN),
    # Usage metrics: the operator (market), a platform (its own), an owner (its works' audience).
    ("GET", "/api/v1/analytics/metrics"): Rule(
        get("/api/v1/analytics/metrics", params={"period": PERIOD}), METRICS_READERS),
    ("GET", "/api/v1/analytics/overlap"): Rule(
        get("/api/v1/analytics/overlap", params={"period": PERIOD}), METRICS_READERS),
    ("GET", "/api/v1/analytics/demographics"): Rule(
        get("/api/v1/analytics/demographics", params={"period": PERIOD, "attribute": "gender"}),
        METRICS_READERS),
}


# The same operations on owner B's pending claim rather than A's accepted holding.
ON_THE_CLAIM: dict[str, Rule] = {
    "read the claim": Rule(get("/api/v1/holdings/{claim}"), A_SIDE | {"owner_b"}, others=404,
                           special={"anonymous": 404}),
    "change the claim": Rule(lambda w, r: w.call(
        r, "PATCH", f"/api/v1/holdings/{w.ids['claim']}", json={"territories": ["AQ"]},
        version=w.version_of(f"/api/v1/holdings/{w.ids['claim']}")),
        frozenset({"owner_b", "operator"})),  # its holder's side; A decides, it does not edit
}


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory, sqlite_template) -> Iterator[MatrixWorld]:  # noqa: ANN001
    from clearinghouse.api.app import create_app

    data = tmp_path_factory.mktemp("matrix")
    shutil.copyfile(sqlite_template, data / "clearinghouse.sqlite3")
    url = f"sqlite:///{data / 'clearinghouse.sqlite3'}"
    engine = make_engine(url)
    settings = Settings(data_dir=data, database_url=url, max_body_bytes=65_536)
    with TestClient(create_app(settings), raise_server_exceptions=False) as client:
        yield build_matrix_world(client, session_factory(engine))
    engine.dispose()


def _operations(world: MatrixWorld) -> set[tuple[str, str]]:
    spec = world.client.get("/openapi.json").json()
    return {(method.upper(), path) for path, ops in spec["paths"].items() for method in ops}


def test_every_operation_is_in_the_matrix(world):
    operations = _operations(world)
    assert sorted(operations - set(MATRIX)) == [], "add these operations to MATRIX"
    assert sorted(set(MATRIX) - operations) == [], "these operations no longer exist"


def _walk(world: MatrixWorld, rule: Rule) -> list[str]:
    """Call as every role; what differs from the rule, in the one error shape or not."""
    wrong = []
    for role in ROLES:
        resp = rule.call(world, role)
        expected, ok = rule.expected(role), 200 <= resp.status_code < 300
        if (expected == "2xx" and not ok) or (expected != "2xx" and resp.status_code != expected):
            wrong.append(f"{role}: expected {expected}, got {resp.status_code} {resp.text[:200]}")
        elif not ok and not resp.json()["error"]["code"]:
            wrong.append(f"{role}: not the one error shape: {resp.text[:200]}")
    return wrong


@pytest.mark.parametrize("operation", sorted(MATRIX), ids=" ".join)
def test_who_may_do_what(world, operation):
    wrong = _walk(world, MATRIX[operation])
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("case", sorted(ON_THE_CLAIM))
def test_who_may_see_and_change_a_claim(world, case):
    wrong = _walk(world, ON_THE_CLAIM[case])
    assert not wrong, "\n".join(wrong)


def test_owner_b_claims_on_as_work_and_gets_only_what_a_accepts(world):
    """The issue's takeover, walked as owner B: a claim, refused edits, then A's acceptance."""
    w = world
    song = w.fresh_work(priced=True)
    claim = w.fresh_claim(song)
    edits = {
        "rename": lambda: w.call("owner_b", "PATCH", f"/api/v1/works/{song}",
                                 json={"title": "Taken"}, version=w.version_of(f"/api/v1/works/{song}")),
        "relations": lambda: w.call("owner_b", "PATCH", f"/api/v1/works/{song}",
                                    json={"relations": []}, version=w.version_of(f"/api/v1/works/{song}")),
        "file": lambda: w.call("owner_b", "PUT", f"/api/v1/works/{song}/file", content=b"swap",
                               headers={"Content-Type": "application/octet-stream"}),
        "price": lambda: w.call("owner_b", "POST", "/api/v1/offers", json=offer_body(
            [song], ["perform_public"], fixed_fee_minor=1)),
    }
    for name, attempt in edits.items():
        resp = attempt()
        assert resp.status_code in (403, 422), (name, resp.status_code, resp.text)
    accepted = w.call("owner_a", "POST", f"/api/v1/holdings/{claim['id']}/accept",
                      version=claim["version"])
    assert accepted.status_code == 200 and accepted.json()["status"] == "active"
    # Accepted rights may be priced; the work itself stays A's to manage.
    assert edits["price"]().status_code == 201
    for name in ("rename", "relations", "file"):
        assert edits[name]().status_code == 403, name
