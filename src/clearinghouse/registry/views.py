"""Turn stored rows into API response models (kept apart so CLI and API share them)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from clearinghouse.access.domain import Principal
from clearinghouse.core.shares import format_share
from clearinghouse.registry import repository
from clearinghouse.registry.holdings_service import open_conflict_holding_ids
from clearinghouse.registry.page_repository import WorkPage
from clearinghouse.registry.parties_service import may_see_contact, may_see_settings
from clearinghouse.registry.schemas import (
    ConflictOut,
    Contact,
    CreatorOut,
    HoldingOut,
    IdentifierOut,
    KeyOut,
    MandateOut,
    PartyOut,
    RelationOut,
    WorkOut,
)
from clearinghouse.registry.tables import ApiKey, Holding, Mandate, OwnershipConflict, Party, Work


def party_out(party: Party, viewer: Principal | None) -> PartyOut:
    contact = (
        Contact(email=party.email, phone=party.phone, address=party.address)
        if may_see_contact(viewer, party)
        else None
    )
    return PartyOut(
        id=party.id, kind=party.kind, name=party.name, name_en=party.name_en, name_zh=party.name_zh,
        roles=list(party.roles), isni=party.isni, contact=contact,
        contact_public=party.contact_public, version=party.version,
        payout_currency=party.payout_currency if may_see_settings(viewer, party) else None,
    )


def key_out(key: ApiKey) -> KeyOut:
    return KeyOut(id=key.id, party_id=key.party_id, name=key.name, created_at=key.created_at,
                  last_used_at=key.last_used_at, revoked_at=key.revoked_at)


def mandate_out(m: Mandate) -> MandateOut:
    return MandateOut(id=m.id, agent_id=m.agent_id, owner_id=m.owner_id, rights=list(m.rights),
                      valid_from=m.valid_from, valid_to=m.valid_to, version=m.version)


def work_out(session: Session, work: Work) -> WorkOut:
    work_type = repository.get_work_type(session, work.type_code)
    relations = [
        RelationOut(kind=r.kind, from_work_id=r.from_work_id, to_work_id=r.to_work_id)
        for r in repository.relations_of(session, work.id)
    ]
    return WorkOut(
        id=work.id, type=work.type_code, title=work.title, alt_titles=list(work.alt_titles),
        creators=[CreatorOut(name=c.name, role=c.role, party_id=c.party_id) for c in work.creators],
        length=work.length, length_unit=work_type.length_unit if work_type else "seconds",
        language=work.language, tags=[t.tag for t in work.tags], description=work.description,
        publication_date=work.publication_date,
        identifiers=[IdentifierOut(scheme=i.scheme, value=i.value) for i in work.identifiers],
        relations=relations, moral_rights=work.moral_rights, registrant_id=work.registrant_id,
        has_file=work.file_key is not None, version=work.version,
        created_at=work.created_at, updated_at=work.updated_at,
    )


def work_page_out(page: WorkPage) -> WorkOut:
    """The same answer as `work_out`, from the page's Core rows (registry/page_repository.py)."""
    work = page.work
    return WorkOut(
        id=work.id, type=work.type_code, title=work.title, alt_titles=list(work.alt_titles),
        creators=[CreatorOut(name=n, role=r, party_id=p) for n, r, p in page.creators],
        length=work.length, length_unit=work.length_unit or "seconds",
        language=work.language, tags=page.tags, description=work.description,
        publication_date=work.publication_date,
        identifiers=[IdentifierOut(scheme=s, value=v) for s, v in page.identifiers],
        relations=[RelationOut(kind=k, from_work_id=f, to_work_id=t) for k, f, t in page.relations],
        moral_rights=work.moral_rights, registrant_id=work.registrant_id,
        has_file=work.file_key is not None, version=work.version,
        created_at=work.created_at, updated_at=work.updated_at,
    )


def holdings_out(session: Session, holdings: list[Holding]) -> list[HoldingOut]:
    in_conflict: set[str] = set()
    for work_id in {h.work_id for h in holdings}:
        in_conflict |= open_conflict_holding_ids(session, work_id)
    parties = {h.holder_id: repository.get_party(session, h.holder_id) for h in holdings}
    names = {pid: (p.name if p is not None else pid) for pid, p in parties.items()}
    return [
        HoldingOut(
            id=h.id, work_id=h.work_id, holder_id=h.holder_id,
            holder_name=names[h.holder_id],
            rights=list(h.rights), share=format_share(h.share_ppm), territories=list(h.territories),
            territories_excluded=list(h.territories_excluded), valid_from=h.valid_from,
            valid_to=h.valid_to, administrator_id=h.administrator_id, collective=h.collective,
            status=h.status, manages_work=h.manages_work, in_conflict=h.id in in_conflict,
            warranted_by=h.warranted_by,
            warranted_at=h.warranted_at, warranty_text=h.warranty_text, version=h.version,
        )
        for h in holdings
    ]


def conflict_out(c: OwnershipConflict) -> ConflictOut:
    return ConflictOut(
        id=c.id, work_id=c.work_id, kind=c.kind, right=c.right, holding_ids=list(c.holding_ids),
        party_ids=list(c.party_ids), territories=list(c.territories), period_start=c.period_start,
        period_end=c.period_end, total_share=format_share(c.total_share_ppm), status=c.status,
        detected_at=c.detected_at, resolved_at=c.resolved_at, resolution=c.resolution,
    )
