"""Pydantic models of the registry API: what callers send and what they get back."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, EmailStr, Field, StringConstraints, WithJsonSchema

from clearinghouse.access.domain import Role
from clearinghouse.core.bounds import BoundedDate, Version, WorkLength
from clearinghouse.core.currency_types import CirculatingCurrency
from clearinghouse.core.schemas import Strict
from clearinghouse.core.text import MultiLine, SingleLine
from clearinghouse.registry.domain import MoralRights, PartyKind, RelationKind, Right

# Every free-text field refuses control and bidi-override characters and is stored in NFC
# (core/text.py); every number and date is bounded (core/bounds.py).
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300), SingleLine]
Tag = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100), SingleLine]
Code = Annotated[str, StringConstraints(strip_whitespace=True, min_length=2, max_length=40), SingleLine]
Ref = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200), SingleLine]
Title = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500), SingleLine]
Language = Annotated[str, StringConstraints(min_length=2, max_length=20), SingleLine]
Phone = Annotated[str, StringConstraints(max_length=64), SingleLine]
Address = Annotated[str, StringConstraints(max_length=1000), MultiLine]
Description = Annotated[str, StringConstraints(max_length=5000), MultiLine]
SHARE_PATTERN = r"^\d{1,3}(\.\d{1,4})?$"


def _share_as_text(value: Any) -> Any:
    return str(value) if type(value) is int else value  # 50 is "50"; bool is not a share


# A percentage as a decimal string or a whole number; one type, so errors name just `share`.
ShareText = Annotated[str, StringConstraints(pattern=SHARE_PATTERN), BeforeValidator(_share_as_text),
                      WithJsonSchema({"anyOf": [{"type": "string", "pattern": SHARE_PATTERN},
                                                {"type": "integer", "minimum": 0, "maximum": 100}]})]

# -- parties and keys --------------------------------------------------------------------------


class PartyCreate(Strict):
    kind: PartyKind = PartyKind.ORGANISATION
    name: Name
    name_en: Name | None = None
    name_zh: Name | None = None
    roles: list[Role] = Field(min_length=1)
    email: EmailStr | None = None
    phone: Phone | None = None
    address: Address | None = None
    contact_public: bool = False
    isni: Ref | None = None


class PartyUpdate(Strict):
    name: Name | None = None
    name_en: Name | None = None
    name_zh: Name | None = None
    roles: list[Role] | None = Field(default=None, min_length=1)
    email: EmailStr | None = None
    phone: Phone | None = None
    address: Address | None = None
    contact_public: bool | None = None
    payout_currency: CirculatingCurrency | None = Field(
        None, description="What you are paid in as a holder (a circulating ISO 4217 code); "
        "null: the currency of each licence")


class Contact(BaseModel):
    email: str | None = None
    phone: str | None = None
    address: str | None = None


class PartyOut(BaseModel):
    id: str
    kind: str
    name: str
    name_en: str | None
    name_zh: str | None
    roles: list[str]
    isni: str | None
    contact: Contact | None = Field(description="Only when the party published it, or to itself and the operator")
    contact_public: bool
    payout_currency: str | None = Field(
        None, description="Only to the party itself and the operator; null: each licence's currency")
    version: int


class KeyCreate(Strict):
    party_id: Ref
    name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200), SingleLine] = "default"


class KeyOut(BaseModel):
    id: str
    party_id: str
    name: str
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


class KeyIssued(KeyOut):
    token: str = Field(description="Shown once. Send as `Authorization: Bearer <token>`.")


class MandateCreate(Strict):
    agent_id: Ref
    owner_id: Ref
    rights: list[Right] = Field(default_factory=list, description="Empty means every right")
    valid_from: BoundedDate
    valid_to: BoundedDate | None = None


class MandateOut(BaseModel):
    id: str
    agent_id: str
    owner_id: str
    rights: list[str]
    valid_from: date
    valid_to: date | None
    version: int


# -- works -------------------------------------------------------------------------------------


class WorkTypeCreate(Strict):
    code: Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]{1,39}$")]
    parent_code: Code | None = None
    category: Annotated[str, StringConstraints(pattern=r"^(composition|recording|audiovisual|image|text|software)$")]
    name_en: Name
    name_zh: Name
    length_unit: Annotated[str, StringConstraints(pattern=r"^(seconds|words|pages|pixels|bytes)$")]


class WorkTypeOut(BaseModel):
    code: str
    parent_code: str | None
    category: str
    name_en: str
    name_zh: str
    length_unit: str


class AltTitle(Strict):
    title: Title
    language: Language | None = None


class CreatorIn(Strict):
    name: Name
    role: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=40), SingleLine]
    party_id: Ref | None = None


class IdentifierIn(Strict):
    scheme: Code
    value: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200), SingleLine]


class RelationIn(Strict):
    kind: RelationKind
    work_id: Ref = Field(description="The work this one embodies, contains or derives from")


class WorkCreate(Strict):
    type: Code
    title: Title
    alt_titles: list[AltTitle] = Field(default_factory=list, max_length=20)
    creators: list[CreatorIn] = Field(default_factory=list, max_length=50)
    length: WorkLength | None = Field(default=None, description="In the work type's unit (seconds, words, pages, "
                                      "pixels or bytes)")
    language: Language | None = None
    tags: list[Tag] = Field(default_factory=list, max_length=50)
    description: Description | None = None
    publication_date: BoundedDate | None = None
    identifiers: list[IdentifierIn] = Field(default_factory=list, max_length=20)
    relations: list[RelationIn] = Field(default_factory=list, max_length=50)
    moral_rights: MoralRights = MoralRights.NOT_STATED
    on_behalf_of: Ref | None = Field(default=None, description="Owner an agent registers for")


class WorkUpdate(Strict):
    title: Title | None = None
    alt_titles: list[AltTitle] | None = Field(default=None, max_length=20)
    creators: list[CreatorIn] | None = Field(default=None, max_length=50)
    length: WorkLength | None = None
    language: Language | None = None
    tags: list[Tag] | None = Field(default=None, max_length=50)
    description: Description | None = None
    publication_date: BoundedDate | None = None
    identifiers: list[IdentifierIn] | None = Field(default=None, max_length=20)
    relations: list[RelationIn] | None = Field(default=None, max_length=50)
    moral_rights: MoralRights | None = None
    version: Version | None = Field(default=None, description="Or send If-Match with the ETag")


class CreatorOut(BaseModel):
    name: str
    role: str
    party_id: str | None


class IdentifierOut(BaseModel):
    scheme: str
    value: str


class RelationOut(BaseModel):
    kind: str
    from_work_id: str
    to_work_id: str


class WorkOut(BaseModel):
    id: str
    type: str
    title: str
    alt_titles: list[dict[str, Any]]
    creators: list[CreatorOut]
    length: int | None
    length_unit: str
    language: str | None
    tags: list[str]
    description: str | None
    publication_date: date | None
    identifiers: list[IdentifierOut]
    relations: list[RelationOut]
    moral_rights: str
    registrant_id: str
    has_file: bool
    version: int
    created_at: datetime
    updated_at: datetime


# -- holdings and conflicts --------------------------------------------------------------------


class Warranty(Strict):
    accepted: bool = Field(description="The holder warrants that it may grant licenses for this holding")
    text: Annotated[str, StringConstraints(max_length=2000), MultiLine] | None = None


class HoldingCreate(Strict):
    holder_id: Ref | None = Field(default=None, description="Defaults to the caller's party")
    rights: list[Right] = Field(min_length=1)
    share: ShareText = Field(description="Percent of the right held, e.g. \"50\" or \"33.3333\"")
    territories: list[Code] = Field(default_factory=lambda: ["WORLD"], min_length=1, max_length=300)
    territories_excluded: list[Code] = Field(default_factory=list, max_length=300)
    valid_from: BoundedDate | None = None
    valid_to: BoundedDate | None = None
    administrator_id: Ref | None = None
    collective: bool = Field(default=False, description="Administered by a collecting society")
    warranty: Warranty


class HoldingUpdate(Strict):
    rights: list[Right] | None = Field(default=None, min_length=1)
    share: ShareText | None = None
    territories: list[Code] | None = Field(default=None, min_length=1, max_length=300)
    territories_excluded: list[Code] | None = Field(default=None, max_length=300)
    valid_from: BoundedDate | None = None
    valid_to: BoundedDate | None = None
    administrator_id: Ref | None = None
    collective: bool | None = None
    version: Version | None = None


class HoldingOut(BaseModel):
    id: str
    work_id: str
    holder_id: str
    holder_name: str
    rights: list[str]
    share: str
    territories: list[str]
    territories_excluded: list[str]
    valid_from: date
    valid_to: date | None
    administrator_id: str | None
    collective: bool
    status: str = Field(description="`active` (accepted), `pending` (a claim awaiting the work's "
                        "managers), `rejected` or `withdrawn`")
    manages_work: bool = Field(description="The holder is one of the work's managers through it")
    in_conflict: bool
    warranted_by: str
    warranted_at: datetime
    warranty_text: str
    version: int


class ClaimAccept(Strict):
    manages_work: bool = Field(default=False, description="Also make the claimant a manager of the work")
    note: Annotated[str, StringConstraints(strip_whitespace=True, max_length=2000)] | None = None
    version: int | None = Field(default=None, description="Or send If-Match with the ETag")


class ClaimReject(Strict):
    note: Annotated[str, StringConstraints(strip_whitespace=True, max_length=2000)] | None = None
    version: int | None = Field(default=None, description="Or send If-Match with the ETag")


class ConflictOut(BaseModel):
    id: str
    work_id: str
    kind: str = Field(description="`over_claim` (accepted shares over 100%) or `claim` (a pending "
                      "claim on the work)")
    right: str
    holding_ids: list[str]
    party_ids: list[str]
    territories: list[str]
    period_start: date
    period_end: date | None
    total_share: str
    status: str
    detected_at: datetime
    resolved_at: datetime | None
    resolution: str | None


class ConflictResolve(Strict):
    resolution: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000), MultiLine]


class AuditOut(BaseModel):
    id: int
    at: datetime
    actor_party_id: str | None
    actor_key_id: str | None
    action: str
    entity_type: str
    entity_id: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None
