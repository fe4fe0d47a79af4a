"""The market the authorisation matrix walks: owner A's priced, licensed song, and everyone else.

One app and one database for the whole matrix. Calls that change state act on fresh objects
(`fresh_*`), so the order in which roles and operations run does not matter.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from clearinghouse.access.domain import Role
from clearinghouse.core.db import unit_of_work
from clearinghouse.core.ids import new_id
from clearinghouse.ledger.tables import LedgerEntry
from clearinghouse.registry import parties_service
from clearinghouse.registry.schemas import KeyCreate, MandateCreate
from clearinghouse.royalties import payout_records, runs_repository, runs_service
from clearinghouse.royalties.tables import StatementLine
from clearinghouse.usage.lake import Lake
from tests.licensing.catalogue_world import ad_use, offer_body
from tests.support.factories import Actor, make_actor, make_holding, make_work
from tests.usage.support import PERIOD

ROLES = ("anonymous", "operator", "owner_a", "owner_b", "agent", "licensee", "platform")
SLIVER = {"rights": ["perform_public"], "share": "0.0001", "territories": ["AQ"],
          "warranty": {"accepted": True}}


@dataclass
class MatrixWorld:
    client: TestClient
    sessions: sessionmaker[Session]
    actors: dict[str, Actor]
    ids: dict[str, Any] = field(default_factory=dict)  # the standing objects, by name
    counter: int = 0

    # -- calling -------------------------------------------------------------------------------

    def headers(self, role: str) -> dict[str, str]:
        return {} if role == "anonymous" else self.actors[role].headers

    def call(self, role: str, method: str, url: str, *, version: int | None = None,
             headers: dict[str, str] | None = None, **kwargs: Any) -> Any:
        extra = {"If-Match": f'"{version}"'} if version is not None else {}
        return self.client.request(method, url, headers=self.headers(role) | extra | (headers or {}),
                                   **kwargs)

    def ok(self, role: str, method: str, url: str, **kwargs: Any) -> Any:
        """A setup call that must succeed; its JSON."""
        resp = self.call(role, method, url, **kwargs)
        assert resp.status_code < 300, (method, url, resp.status_code, resp.text)
        return resp.json()

    def party(self, role: str) -> str:
        return self.actors[role].party_id

    def unique(self, prefix: str) -> str:
        self.counter += 1
        return f"{prefix}{self.counter}"

    def version_of(self, url: str) -> int:
        return int(self.ok("operator", "GET", url)["version"])

    # -- fresh objects, all owner A's unless said otherwise ------------------------------------

    def fresh_work(self, *, priced: bool = False) -> str:
        work = make_work(self.sessions, self.actors["owner_a"], title=self.unique("作品 "),
                         length=200)
        make_holding(self.sessions, self.actors["owner_a"], work)
        if priced:
            self.ok("owner_a", "POST", "/api/v1/offers",
                    json=offer_body([work], ["synchronisation"], fixed_fee_minor=10_000))
        return work

    def fresh_holding(self) -> str:
        return make_holding(self.sessions, self.actors["owner_a"], self.ids["song"],
                            rights=["reproduce"], share="1", territories=["JP"])

    def fresh_claim(self, work: str | None = None) -> dict[str, Any]:
        """Owner B's pending claim on A's song (or another work of A's)."""
        claim = self.ok("owner_b", "POST", f"/api/v1/works/{work or self.ids['song']}/holdings",
                        json=SLIVER)
        assert claim["status"] == "pending"
        return claim

    def fresh_offer(self) -> str:
        body = offer_body([self.ids["song"]], ["synchronisation"], fixed_fee_minor=10_000)
        return str(self.ok("owner_a", "POST", "/api/v1/offers", json=body)["id"])

    def fresh_conflict(self) -> str:
        """An over-claim: the operator registers a second 100% for owner B on a fresh work."""
        work = self.fresh_work()
        self.ok("operator", "POST", f"/api/v1/works/{work}/holdings",
                json=SLIVER | {"holder_id": self.party("owner_b"), "rights": ["synchronisation"],
                               "share": "100", "territories": ["WORLD"]})
        conflicts = self.ok("operator", "GET", "/api/v1/conflicts",
                            params={"status": "open", "limit": 100})["items"]
        return str(next(c["id"] for c in conflicts if c["work_id"] == work))

    def fresh_job(self) -> str:
        """An import job owner A started (its owner and the operator may read it)."""
        rows = json.dumps([{"type": "photograph", "title": self.unique("任务 ")}]).encode()
        resp = self.call("owner_a", "POST", "/api/v1/works/import", content=rows,
                         headers={"Content-Type": "application/json"})
        assert resp.status_code == 202, resp.text
        return str(resp.json()["id"])

    def usage_csv(self) -> bytes:
        return (f"date,platform_content_id,territory,plays\n{PERIOD}-01,{self.unique('v')},CN,5\n"
                f"{PERIOD}-01,v,CN,-1\n").encode()

    def fresh_usage_report(self) -> str:
        """A usage report the platform submitted, landed (its reporter and the operator see it)."""
        resp = self.call("platform", "POST", "/api/v1/usage/reports", content=self.usage_csv(),
                         params={"format": "csv", "period": PERIOD},
                         headers={"Content-Type": "text/csv"})
        assert resp.status_code == 202, resp.text
        self.client.app.state.jobs.wait_idle(timeout=60)
        return str(resp.json()["id"])

    def fresh_quote(self, work: str | None = None) -> str:
        use = ad_use([work or self.ids["song"]], start=date.today().isoformat())
        return str(self.ok("licensee", "POST", "/api/v1/quotes", json=use)["id"])

    def fresh_license(self, *, paid: bool = False, suspended: bool = False) -> dict[str, Any]:
        quote = self.fresh_quote()
        lic = self.ok("licensee", "POST", f"/api/v1/quotes/{quote}/purchase",
                      headers={"Idempotency-Key": uuid.uuid4().hex})
        if paid or suspended:
            payment = lic["payment"]
            self.ok("operator", "POST", f"/api/v1/payments/{payment['id']}/mark-paid",
                    json={"reference": self.unique("BANK-")}, version=payment["version"])
            lic = self.ok("licensee", "GET", f"/api/v1/licenses/{lic['id']}")
        if suspended:
            lic = self.ok("operator", "POST", f"/api/v1/licenses/{lic['id']}/suspend",
                          json={"reason_code": "rights_dispute", "note": "checking a complaint"},
                          version=lic["version"])
        return dict(lic)

    def fresh_referral(self) -> dict[str, Any]:
        """The licensee asks owner A, by referral, for a use of a work A has not priced."""
        work = self.fresh_work()
        body = ad_use([work]) | {"work_id": work, "right": "synchronisation",
                                 "holder_id": self.party("owner_a"), "message": "请报价"}
        del body["work_ids"]
        return dict(self.ok("licensee", "POST", "/api/v1/referrals", json=body))

    def fresh_key(self) -> str:
        with unit_of_work(self.sessions) as s:
            key, _ = parties_service.create_key(s, None, KeyCreate(party_id=self.party("owner_a")))
            return key.id

    def fresh_template(self) -> str:
        body = {"code": self.unique("matrix-tpl-"), "name_en": "Matrix", "name_zh": "矩阵",
                "purpose": "commercial", "channels": ["weibo"], "max_uses": 1,
                "portion_unit": "seconds", "portion_value": 3, "modification": "edits_allowed",
                "territories": ["CN"], "term_days": 90}
        return str(self.ok("operator", "POST", "/api/v1/templates", json=body)["id"])

    def fresh_entry(self) -> str:
        lic = self.fresh_license(paid=True)
        with self.sessions() as s:
            return str(s.scalars(select(LedgerEntry.id).where(
                LedgerEntry.subject_id.in_([lic["id"], lic["payment"]["id"]]))).first())


    def fresh_royalty_period(self) -> str:
        """A month of long ago, run (with nothing reported): open, ready to close or rerun."""
        self.counter += 1
        period = f"{2000 + self.counter // 12}-{self.counter % 12 + 1:02d}"
        with unit_of_work(self.sessions) as s:
            runs_service.run_period(s, Lake(self.client.app.state.settings.lake_dir), period)
        return period

    def fresh_statement_line(self) -> str:
        """A line of the standing run, paid to owner A, licensed to the licensee."""
        with unit_of_work(self.sessions) as s:
            line = StatementLine(
                id=new_id("stl"), run_id=self.ids["run"], period=self.ids["royalty_period"],
                holder_id=self.party("owner_a"), licensee_id=self.party("licensee"),
                license_id=self.ids["license"], license_line_id=None, work_id=self.ids["song"],
                right="synchronisation", channels=["douyin"], territories=["CN"], plays=1000,
                copies=0, revenue={}, currency="CNY", license_currency="CNY", earned_minor=50,
                recouped_minor=0, payable_minor=50, true_up_minor=0, due_minor=50,
                licensee_fee_minor=2, owner_fee_minor=5, holder_net_minor=45,
                payout_currency="CNY", holder_payout_minor=45, trail=[], entry_ids=[])
            s.add(line)
            return line.id


    def fresh_payout(self) -> str:
        """A payout to owner A, posted and not yet sent."""
        with unit_of_work(self.sessions) as s:
            return payout_records.record_due(s, self.ids["royalty_period"], self.party("owner_a"),
                                             "CNY", 4_500, "lje_matrix").id


def build_matrix_world(client: TestClient, sessions: sessionmaker[Session]) -> MatrixWorld:
    actors = {
        "operator": make_actor(sessions, "清算所 Operator", Role.OPERATOR),
        "owner_a": make_actor(sessions, "甲 Owner A", Role.OWNER),
        "owner_b": make_actor(sessions, "乙 Owner B", Role.OWNER),
        "agent": make_actor(sessions, "MCN Agent", Role.AGENT),
        "licensee": make_actor(sessions, "品牌 Licensee", Role.LICENSEE),
        "platform": make_actor(sessions, "抖音 Platform", Role.PLATFORM),
    }
    with unit_of_work(sessions) as s:  # A's agent, for every right
        parties_service.create_mandate(s, None, MandateCreate(
            agent_id=actors["agent"].party_id, owner_id=actors["owner_a"].party_id,
            valid_from=date(2020, 1, 1)))
    w = MatrixWorld(client, sessions, actors)
    song = w.ids["song"] = w.fresh_work(priced=True)
    w.ids["holding"] = next(h["id"] for h in w.ok("anonymous", "GET", f"/api/v1/works/{song}/holdings")["items"])
    w.ids["offer"] = w.fresh_offer()
    w.ids["claim"] = w.fresh_claim()["id"]  # owner B stays a claimant on A's song throughout
    w.ok("owner_a", "PUT", f"/api/v1/works/{song}/file", content=b"A's master" * 50,
         headers={"Content-Type": "application/octet-stream"})
    w.ids["quote"] = w.fresh_quote()
    lic = w.fresh_license(paid=True)
    w.ids["license"], w.ids["payment"] = lic["id"], lic["payment"]["id"]
    w.ids["referral"] = w.fresh_referral()["id"]
    links = w.ok("licensee", "POST", f"/api/v1/licenses/{lic['id']}/download-link")
    w.ids["token"] = links["links"][0]["token"]
    w.ids["certificate"] = w.ok("licensee", "GET", f"/api/v1/licenses/{lic['id']}/certificate")
    w.ids["royalty_period"] = w.fresh_royalty_period()
    with unit_of_work(sessions) as s:
        w.ids["run"] = runs_repository.current_run(s, w.ids["royalty_period"]).id  # type: ignore[union-attr]
    w.ids["statement_line"] = w.fresh_statement_line()
    return w
