"""`clearinghouse parties|keys|mandates|works …`: a thin shell over the registry services."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from clearinghouse.access.domain import Role
from clearinghouse.cli.context import (
    acting_as,
    database,
    emit_json,
    emit_record,
    emit_table,
    local_operator,
)
from clearinghouse.registry import claims_service as claims
from clearinghouse.registry import parties_service as parties
from clearinghouse.registry import repository, views
from clearinghouse.registry import works_service as works
from clearinghouse.registry.domain import Right
from clearinghouse.registry.schemas import (
    ClaimAccept,
    ClaimReject,
    KeyCreate,
    MandateCreate,
    PartyCreate,
    WorkCreate,
)

JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON for scripts")]
AsOpt = Annotated[str | None, typer.Option("--as", help="Act as this party id (default: the operator)")]

parties_app = typer.Typer(help="People and organisations: owners, agents, licensees, platforms.")
keys_app = typer.Typer(help="API keys (shown once, stored hashed).")
mandates_app = typer.Typer(help="Agent mandates: which owners and rights an agent acts for.")
works_app = typer.Typer(help="Register, show, search and import works.")
holdings_app = typer.Typer(help="Claims on works: list the pending ones, accept or reject them.")


@parties_app.command("create")
def party_create(
    name: str,
    role: Annotated[list[Role], typer.Option("--role", help="Repeat for several roles")],
    name_en: Annotated[str | None, typer.Option()] = None,
    name_zh: Annotated[str | None, typer.Option()] = None,
    email: Annotated[str | None, typer.Option()] = None,
    phone: Annotated[str | None, typer.Option()] = None,
    public_contact: Annotated[bool, typer.Option("--public-contact")] = False,
    as_json: JsonOpt = False,
) -> None:
    """Create a party (operator)."""
    with database() as db:
        data = PartyCreate(name=name, roles=role, name_en=name_en, name_zh=name_zh, email=email,
                           phone=phone, contact_public=public_contact)
        out = views.party_out(parties.create_party(db, local_operator(db), data), None)
    emit_json(out) if as_json else emit_record(out, "party")


@parties_app.command("list")
def party_list(
    role: Annotated[Role | None, typer.Option()] = None,
    limit: int = 50,
    offset: int = 0,
    as_json: JsonOpt = False,
) -> None:
    with database() as db:
        op = local_operator(db)
        rows, total = repository.list_parties(db, role=role.value if role else None, offset=offset, limit=limit)
        out = [views.party_out(p, op).model_dump(mode="json") for p in rows]
    if as_json:
        emit_json({"items": out, "total": total})
    else:
        emit_table(out, ["id", "name", "roles"], title=f"{total} parties")


@parties_app.command("show")
def party_show(party_id: str, as_json: JsonOpt = False) -> None:
    with database() as db:
        out = views.party_out(parties.get_party(db, party_id), local_operator(db))
    emit_json(out) if as_json else emit_record(out, "party")


@keys_app.command("create")
def key_create(party_id: str, name: str = "cli", as_json: JsonOpt = False) -> None:
    """Issue an API key for a party; the token is printed once."""
    with database() as db:
        key, token = parties.create_key(db, local_operator(db), KeyCreate(party_id=party_id, name=name))
        out = {"id": key.id, "party_id": key.party_id, "name": key.name, "token": token}
    emit_json(out) if as_json else emit_record(out, "API key (copy the token now; it is not shown again)")


@keys_app.command("revoke")
def key_revoke(key_id: str) -> None:
    with database() as db:
        parties.revoke_key(db, local_operator(db), key_id)
    typer.echo(f"revoked {key_id}")


@mandates_app.command("create")
def mandate_create(
    agent_id: str,
    owner_id: str,
    right: Annotated[list[Right], typer.Option("--right", help="Repeat; none means every right")] = [],  # noqa: B006
    valid_from: Annotated[str | None, typer.Option(help="YYYY-MM-DD, default today")] = None,
    valid_to: Annotated[str | None, typer.Option(help="YYYY-MM-DD, exclusive")] = None,
    as_json: JsonOpt = False,
) -> None:
    with database() as db:
        data = MandateCreate(agent_id=agent_id, owner_id=owner_id, rights=right,
                             valid_from=date.fromisoformat(valid_from) if valid_from else date.today(),
                             valid_to=date.fromisoformat(valid_to) if valid_to else None)
        out = views.mandate_out(parties.create_mandate(db, local_operator(db), data))
    emit_json(out) if as_json else emit_record(out, "mandate")


@works_app.command("add")
def work_add(
    file: Annotated[Path | None, typer.Option("--file", "-f", help="A JSON file with the work")] = None,
    title: Annotated[str | None, typer.Option()] = None,
    type_: Annotated[str | None, typer.Option("--type")] = None,
    as_party: AsOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Register one work, from --title/--type or a JSON file in the API's format."""
    payload = json.loads(file.read_text(encoding="utf-8")) if file else {}
    if title:
        payload["title"] = title
    if type_:
        payload["type"] = type_
    data = WorkCreate.model_validate(payload)
    with database() as db:
        who = acting_as(db, as_party) or local_operator(db)
        out = views.work_out(db, works.create_work(db, who, data))
    emit_json(out) if as_json else emit_record(out, "work")


@works_app.command("show")
def work_show(work_id: str, as_json: JsonOpt = False) -> None:
    with database() as db:
        work = works.get_work(db, work_id)
        out = views.work_out(db, work).model_dump(mode="json")
        holdings = views.holdings_out(db, list(repository.holdings_of_work(db, work_id)))
        out["holdings"] = [h.model_dump(mode="json") for h in holdings]
    if as_json:
        emit_json(out)
        return
    holdings = out.pop("holdings")
    emit_record(out, "work")
    emit_table(holdings, ["holder_name", "rights", "share", "territories", "valid_from", "valid_to", "in_conflict"],
               title="holdings")


@works_app.command("types")
def work_types(as_json: JsonOpt = False) -> None:
    """List work types (types are data; the operator adds new ones through the API)."""
    with database() as db:
        rows = [{"code": t.code, "category": t.category, "name_en": t.name_en, "name_zh": t.name_zh,
                 "length_unit": t.length_unit} for t in repository.list_work_types(db)]
    emit_json(rows) if as_json else emit_table(rows, ["code", "category", "name_en", "name_zh", "length_unit"])


VersionOpt = Annotated[int, typer.Option("--version", help="The claim's version you read (see `claims`)")]
NoteOpt = Annotated[str | None, typer.Option("--note", help="Why, for the claimant and the audit log")]
CLAIM_COLUMNS = ["id", "holder_name", "rights", "share", "territories", "valid_from", "version"]


@holdings_app.command("claims")
def holding_claims(work_id: str, as_party: AsOpt = None, as_json: JsonOpt = False) -> None:
    """Pending claims on a work (as its manager, or a claimant its own)."""
    with database() as db:
        who = acting_as(db, as_party) or local_operator(db)
        out = [h.model_dump(mode="json") for h in views.holdings_out(db, list(claims.pending_claims(db, who, work_id)))]
    emit_json(out) if as_json else emit_table(out, CLAIM_COLUMNS, title=f"{len(out)} pending claims")


@holdings_app.command("accept")
def holding_accept(
    holding_id: str,
    version: VersionOpt,
    manages_work: Annotated[bool, typer.Option("--manages-work", help="Also make the claimant a manager")] = False,
    note: NoteOpt = None,
    as_party: AsOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Accept a claim (a manager of the work, or the operator): it becomes an accepted holding."""
    with database() as db:
        who = acting_as(db, as_party) or local_operator(db)
        data = ClaimAccept(manages_work=manages_work, note=note)
        out = views.holdings_out(db, [claims.accept_claim(db, who, holding_id, data, version)])[0]
    emit_json(out) if as_json else emit_record(out, "holding")


@holdings_app.command("reject")
def holding_reject(
    holding_id: str, version: VersionOpt, note: NoteOpt = None, as_party: AsOpt = None, as_json: JsonOpt = False
) -> None:
    """Reject a claim (a manager of the work, or the operator)."""
    with database() as db:
        who = acting_as(db, as_party) or local_operator(db)
        out = views.holdings_out(db, [claims.reject_claim(db, who, holding_id, ClaimReject(note=note), version)])[0]
    emit_json(out) if as_json else emit_record(out, "holding")
