"""Pydantic models of the platform API, and the channel-name type every channel input uses."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Literal

from pydantic import BaseModel, Field, StringConstraints

from clearinghouse.access.domain import Principal
from clearinghouse.core.bounds import Version
from clearinghouse.core.schemas import Strict
from clearinghouse.core.text import SingleLine

if TYPE_CHECKING:
    from clearinghouse.platforms.tables import PlatformRow

# A channel or platform as a person writes it: a code or an alias in Chinese or English
# (抖音, Douyin, B站, web, …). Services resolve it to a code (`platforms.service.channels_named`).
ChannelName = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=100),
    SingleLine,
    Field(description="A channel code (web, broadcast, any_short_video, …) or a platform's code "
                      "or alias in Chinese or English (抖音, Douyin, B站); stored as the code"),
]
PlatformName = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100), SingleLine
]
PlatformCode = Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+(?:_[a-z0-9]+)*$",
                                                 max_length=32)]
PlatformType = Literal["general", "aggregator"]
PartyRef = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=40), SingleLine
]


class PlatformCreate(Strict):
    code: PlatformCode
    name_zh: PlatformName
    name_en: PlatformName
    aliases: list[PlatformName] = Field(default_factory=list, max_length=50)
    platform_type: PlatformType | None = Field(
        None, description="general (综合平台) or aggregator (聚合平台); null if not known")
    short_video: bool = Field(True, description="Included when a use names any_short_video")
    party_id: PartyRef | None = Field(None, description="The platform's own party (role platform)")


class PlatformUpdate(Strict):
    """Change names, aliases (the whole list), type, short-video flag or the party link; the
    code never changes."""

    name_zh: PlatformName | None = None
    name_en: PlatformName | None = None
    aliases: list[PlatformName] | None = Field(None, max_length=50)
    platform_type: PlatformType | None = None
    short_video: bool | None = None
    party_id: PartyRef | None = Field(None, description="Send null to remove the link")
    version: Version | None = Field(None, description="Or send If-Match with the ETag")


class PlatformOut(BaseModel):
    code: str
    name_zh: str
    name_en: str
    aliases: list[str]
    platform_type: str | None
    short_video: bool
    party_id: str | None = Field(description="Shown to the operator and to the linked party only")
    version: int


def platform_out(row: PlatformRow, viewer: Principal | None) -> PlatformOut:
    # The party link is the platform's business: shown to the operator and to that party.
    sees_link = viewer is not None and (viewer.is_operator or viewer.party_id == row.party_id)
    return PlatformOut(
        code=row.code, name_zh=row.name_zh, name_en=row.name_en,
        aliases=[a.alias for a in row.aliases], platform_type=row.platform_type,
        short_video=row.short_video, party_id=row.party_id if sees_link else None,
        version=row.version,
    )
