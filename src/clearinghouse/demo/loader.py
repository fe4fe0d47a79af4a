"""Load the demo market through the real services, once, and hand out the fixed demo keys.

The keys below are published in docs/demo.md on purpose, so that a newcomer can try every
role at once: they are for a local demo database only and must never exist anywhere else.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table
from sqlalchemy.orm import Session, sessionmaker

from clearinghouse.access.domain import Principal, Role, parse_token
from clearinghouse.accounts import repository as accounts_repository
from clearinghouse.accounts import service as accounts_service
from clearinghouse.core.db import unit_of_work
from clearinghouse.core.errors import NotFound
from clearinghouse.core.settings import Settings, get_settings
from clearinghouse.demo import names
from clearinghouse.demo import repository as demo_repository
from clearinghouse.demo.bootstrap import ensure_operator
from clearinghouse.demo.catalogue import (
    EXAMPLE_SONG_KEY,
    HoldingSpec,
    WorkSpec,
    build_catalogue,
    demo_offers,
)
from clearinghouse.demo.platform_licences import LICENSEES, PERIOD, license_example_song
from clearinghouse.demo.usage_month import seed_example_month
from clearinghouse.licensing.catalogue import offers as offers_service
from clearinghouse.licensing.catalogue import templates as templates_service
from clearinghouse.licensing.catalogue.offer_schemas import OfferCreate
from clearinghouse.platforms import service as platforms_service
from clearinghouse.platforms.schemas import PlatformUpdate
from clearinghouse.registry import (
    claims_service,
    holdings_service,
    parties_service,
    repository,
    works_service,
)
from clearinghouse.registry.domain import HoldingStatus, PartyKind, Right
from clearinghouse.registry.schemas import (
    ClaimAccept,
    HoldingCreate,
    KeyCreate,
    MandateCreate,
    PartyCreate,
    Warranty,
    WorkCreate,
)
from clearinghouse.registry.tables import Party, Work

DEMO_ONLY = ("These API keys are for the local demo only: they are published in docs/demo.md, "
             "so anyone can use them. Never load the demo into a database others can reach.")
MANDATES_FROM = date(2017, 1, 1)


@dataclass(frozen=True)
class DemoKey:
    role: str
    party: str  # party key, as in demo.names / demo.catalogue
    token: str
    path: str  # what the one-line curl example asks for


DEMO_KEYS = (
    DemoKey("operator", "operator", "chk_de0000000001_demo-operator",
            "/api/v1/conflicts?status=open"),
    DemoKey("owner (studio)", "yitiao", "chk_de0000000002_demo-owner-yitiao", "/api/v1/me"),
    DemoKey("owner (studio)", "ergeng", "chk_de0000000003_demo-owner-ergeng", "/api/v1/conflicts"),
    DemoKey("agent (MCN)", "mcn", "chk_de0000000004_demo-agent-mcn", "/api/v1/mandates"),
    DemoKey("licensee (brand)", "brand", "chk_de0000000005_demo-licensee-brand",
            "/api/v1/works?q=夏日"),
    DemoKey("platform", "douyin", "chk_de0000000006_demo-platform-douyin", "/api/v1/me"),
    DemoKey("owner (publisher)", "pub_a", "chk_de0000000007_demo-publisher", "/api/v1/conflicts"),
    DemoKey("owner (label)", "label", "chk_de0000000008_demo-label", "/api/v1/me"),
    DemoKey("platform", "kuaishou", "chk_de0000000009_demo-platform-kuaishou",
            "/api/v1/statements?period=2026-06"),
)
# The studio owner's key doubles as the marker that the demo is loaded.
MARKER = DEMO_KEYS[1]


@dataclass(frozen=True)
class DemoSignIn:
    role: str
    party: str
    email: str
    password: str  # published in docs/demo.md: the local demo only


# A sign-in for the web pages for every role, and for two owners (docs/demo.md).
DEMO_SIGN_INS = tuple(
    DemoSignIn(k.role, k.party, f"{k.party}@demo.clearinghouse.example", f"demo-{k.party}-password")
    for k in DEMO_KEYS[:6]
) + (DemoSignIn("licensee (creator)", "creator", "creator@demo.clearinghouse.example",
                "demo-creator-password"),
     DemoSignIn("platform", "kuaishou", "kuaishou@demo.clearinghouse.example",
                "demo-kuaishou-password"))


def _lookup(token: str) -> str:
    parsed = parse_token(token)
    assert parsed is not None, token
    return parsed[0]


def _party_specs() -> dict[str, PartyCreate]:
    def org(zh: str, en: str, *roles: Role, key: str, kind: PartyKind = PartyKind.ORGANISATION,
            public: bool = True) -> PartyCreate:
        return PartyCreate(kind=kind, name=zh, name_zh=zh, name_en=en, roles=list(roles),
                           email=f"{key}@demo.clearinghouse.example", contact_public=public)

    specs = {key: org(zh, en, Role.OWNER, key=key) for key, zh, en, _ in names.STUDIOS}
    specs |= {key: org(zh, en, Role.PLATFORM, key=key) for key, zh, en, _ in names.PLATFORMS}
    for key in LICENSEES:  # they license music for their platforms (the worked example)
        specs[key].roles.append(Role.LICENSEE)
    specs |= {key: org(zh, en, Role.OWNER, key=key) for key, zh, en in names.PUBLISHERS}
    specs["label"] = org(*names.LABEL, Role.OWNER, key="label")
    specs["mcn"] = org(*names.MCN, Role.AGENT, key="mcn")
    specs["society"] = org(*names.SOCIETY, Role.AGENT, key="society")
    specs["songwriter"] = org(*names.SONGWRITER, Role.OWNER, key="songwriter",
                              kind=PartyKind.PERSON, public=False)
    specs["brand"] = org(*names.BRAND, Role.LICENSEE, key="brand")
    specs["creator"] = org(*names.CREATOR, Role.LICENSEE, key="creator", kind=PartyKind.PERSON,
                           public=False)
    return specs


def _create_parties(session: Session) -> dict[str, Party]:
    operator_key = DEMO_KEYS[0].token
    op_id = str(ensure_operator(session, fixed_token=operator_key)["operator_id"])
    if repository.find_key_by_lookup(session, _lookup(operator_key)) is None:
        # `clearinghouse init` ran first: give its operator the demo key as well.
        parties_service.create_key(session, None, KeyCreate(party_id=op_id, name="demo"),
                                   fixed_token=operator_key)
    parties = {"operator": parties_service.get_party(session, op_id)}
    operator = parties_service.principal_for(session, parties["operator"])
    for key, spec in _party_specs().items():
        parties[key] = parties_service.create_party(session, operator, spec)
    for key, *_ in names.PLATFORMS:  # each platform party runs the listed platform of its code
        try:
            row = platforms_service.get_platform(session, key)
        except NotFound:
            continue  # the operator removed it from the list
        platforms_service.update_platform(session, operator, key,
                                          PlatformUpdate.model_validate({"party_id": parties[key].id}),
                                          row.version)
    grants: list[tuple[str, str, list[Right]]] = [("mcn", s, []) for s in names.MCN_STUDIOS]
    grants += [("society", pub, [Right.PERFORM_PUBLIC]) for pub, _, _ in names.PUBLISHERS]
    for agent, owner, rights in grants:
        parties_service.create_mandate(session, operator, MandateCreate(
            agent_id=parties[agent].id, owner_id=parties[owner].id, rights=rights,
            valid_from=MANDATES_FROM))
    for demo_key in DEMO_KEYS[1:]:
        parties_service.create_key(session, operator,
                                   KeyCreate(party_id=parties[demo_key.party].id, name="demo"),
                                   fixed_token=demo_key.token)
    return parties


def _holding(spec: HoldingSpec, parties: dict[str, Party]) -> HoldingCreate:
    return HoldingCreate(
        holder_id=parties[spec.holder].id, rights=[Right(r) for r in spec.rights], share=spec.share,
        territories=list(spec.territories), valid_from=spec.valid_from, valid_to=spec.valid_to,
        administrator_id=parties[spec.administrator].id if spec.administrator else None,
        collective=spec.collective, warranty=Warranty(accepted=True),
    )


def _create_works(session: Session, parties: dict[str, Party],
                  catalogue: list[WorkSpec]) -> dict[str, Work]:
    principals: dict[str, Principal] = {}

    def acting(key: str) -> Principal:  # after the mandates exist, so agents carry them
        if key not in principals:
            principals[key] = parties_service.principal_for(session, parties[key])
        return principals[key]

    works: dict[str, Work] = {}
    for spec in catalogue:
        data = WorkCreate.model_validate(spec.fields | {
            "on_behalf_of": parties[spec.on_behalf_of].id if spec.on_behalf_of else None,
            "relations": [{"kind": kind, "work_id": works[target].id}
                          for kind, target in spec.relations],
        })
        work = works_service.create_work(session, acting(spec.registrant), data)
        for holding in spec.holdings:
            row = holdings_service.create_holding(session, acting(holding.by or holding.holder),
                                                  work.id, _holding(holding, parties))
            if row.status == HoldingStatus.PENDING and not holding.disputed:
                # A co-publisher's share is a claim on the lead publisher's song: it accepts it.
                claims_service.accept_claim(session, acting(spec.registrant), row.id,
                                            ClaimAccept(), row.version)
        works[spec.key] = work
    return works


def add_demo_offers(session: Session, parties: dict[str, Party], works: dict[str, Work]) -> None:
    """The owners' rate cards (catalogue offers) on the default templates.

    An offer whose template the operator has removed is skipped alone. `works` is unused while
    every demo offer covers a catalogue.
    """
    for spec in demo_offers():
        try:
            template = templates_service.get_template(session, spec.template)
        except NotFound:
            continue
        acting = parties_service.principal_for(session, parties[spec.by or spec.holder])
        offers_service.create_offer(session, acting, OfferCreate(
            template_id=template.id, holder_id=parties[spec.holder].id,
            rights=[Right(r) for r in spec.rights], scope="catalogue", currency=spec.currency,
            fixed_fee_minor=spec.fixed_fee_minor, per_1000_plays_minor=spec.per_1000_plays_minor,
            declined=spec.declined))


def load_demo(session: Session, base_url: str | None = None) -> dict[str, Any]:
    """Load the demo once (a second run finds the marker key and adds nothing); the keys, with
    examples that name `base_url` (default: the configured public address)."""
    created = repository.find_key_by_lookup(session, _lookup(MARKER.token)) is None
    if created:
        parties = _create_parties(session)
        works = _create_works(session, parties, build_catalogue())
        add_demo_offers(session, parties, works)
        license_example_song(session, parties, works, EXAMPLE_SONG_KEY)
        session.flush()
    add_demo_sign_ins(session)
    return _credentials(session, created, (base_url or get_settings().public_url).rstrip("/"))


def add_demo_sign_ins(session: Session) -> None:
    """The demo sign-ins that do not exist yet (a demo loaded before accounts existed gets them)."""
    for sign_in in DEMO_SIGN_INS:
        if accounts_repository.account_by_email(session, sign_in.email) is not None:
            continue
        key = next(k for k in DEMO_KEYS if k.party == sign_in.party) if sign_in.party != "creator" else None
        party_id = _party_of(session, key.token) if key else demo_repository.party_by_email(
            session, sign_in.email)
        if party_id is not None:
            accounts_service.create_account(session, party_id, sign_in.email, sign_in.password,
                                            sign_in.role)


def seed_demo_usage(sessions: sessionmaker[Session], read_sessions: sessionmaker[Session],
                    settings: Settings) -> str | None:
    """The worked example's month, reported by 抖音 and 快手 and run (once); the period, or None
    where this demo predates the example (no 快手 key)."""
    with unit_of_work(read_sessions) as s:
        ids = {k.party: _party_of(s, k.token) for k in DEMO_KEYS if k.party in (*LICENSEES, "operator")}
    if any(party_id is None for party_id in ids.values()):
        return None
    reporters = {key: str(ids[key]) for key in LICENSEES}
    seed_example_month(sessions, read_sessions, settings, reporters, str(ids["operator"]))
    return PERIOD


def _party_of(session: Session, token: str) -> str | None:
    key = repository.find_key_by_lookup(session, _lookup(token))
    return key.party_id if key else None


def demo_counts(session: Session) -> dict[str, int]:
    return demo_repository.market_counts(session)


def _credentials(session: Session, created: bool, base: str) -> dict[str, Any]:
    keys = []
    for demo_key in DEMO_KEYS:
        key = repository.find_key_by_lookup(session, _lookup(demo_key.token))
        party = parties_service.get_party(session, key.party_id) if key else None
        keys.append({
            "role": demo_key.role, "party_name": party.name if party else None,
            "party_id": party.id if party else None, "api_key": demo_key.token,
            "curl": f"curl -H 'Authorization: Bearer {demo_key.token}' '{base}{demo_key.path}'",
        })
    sign_ins = [{"role": s.role, "email": s.email, "password": s.password} for s in DEMO_SIGN_INS]
    return {"note": DEMO_ONLY, "created": created, "base_url": base, "keys": keys,
            "sign_ins": sign_ins, "web": f"{base}/",
            "counts": demo_counts(session)}


def print_credentials(creds: dict[str, Any], console: Console | None = None) -> None:
    console = console or Console()
    counts = creds["counts"]
    state = "loaded" if creds["created"] else "already loaded, nothing added"
    console.print(f"[bold]Demo data {state}[/bold]: {counts['parties']} parties, "
                  f"{counts['works']} works, {counts['holdings']} holdings, "
                  f"{counts['open_conflicts']} open conflicts.")
    if creds.get("usage_period"):
        console.print(f"Usage of {creds['usage_period']} reported by 抖音 and 快手 and run: see "
                      "docs/royalties-worked-example.md.", highlight=False)
    table = Table(title="Demo API keys (local demo only)")
    for column in ("role", "party", "party id"):
        table.add_column(column, overflow="fold")
    table.add_column("API key", no_wrap=True)  # kept whole, to copy
    for row in creds["keys"]:
        table.add_row(row["role"], row["party_name"] or "", row["party_id"] or "", row["api_key"])
    console.print(table)
    base = escape(creds["base_url"])  # an IPv6 host is written in brackets
    sign_ins = Table(title="Demo sign-ins for the web pages (local demo only)")
    for column in ("role", "email", "password"):
        sign_ins.add_column(column, overflow="fold")
    for row in creds["sign_ins"]:
        sign_ins.add_row(row["role"], row["email"], row["password"])
    console.print(sign_ins)
    console.print(f"[bold]Web[/bold] {base}/  [bold]API[/bold] {base}/api/v1  [bold]docs[/bold] {base}/docs",
                  highlight=False)
    console.print("[bold]Try it[/bold] (one line each):")
    for row in creds["keys"]:
        console.print(f"  # {row['role']}, {row['party_name']}", highlight=False)
        console.print(f"  {row['curl']}", soft_wrap=True, highlight=False, markup=False)
    console.print(f"[yellow]{DEMO_ONLY}[/yellow]")
