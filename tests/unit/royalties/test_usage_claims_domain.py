"""What an accepted usage claim aliases, and which items cannot be claimed at all."""

from __future__ import annotations

import pytest

from clearinghouse.core.errors import Conflict, ValidationFailed
from clearinghouse.royalties.claims.domain import (
    Alias,
    Item,
    alias_of,
    require_pending,
    require_reason,
)


def _item(reason: str = "unknown_identifier", identifier: str | None = None,
          title: str | None = None) -> Item:
    return Item("2026-06", reason, identifier, title)


def test_codes_are_aliased_as_matching_compares_them() -> None:
    # Matching compares ISRCs upper case without separators: the alias must be stored so too.
    assert alias_of(_item(identifier="isrc:cn-a01-99-00009")) == Alias("isrc", "CNA019900009")
    assert alias_of(_item(identifier="iswc:T-034.524.680-1")) == Alias("iswc", "T0345246801")


def test_a_platform_content_id_is_aliased_under_its_platform() -> None:
    assert alias_of(_item(identifier="platform:douyin:70 1")) == Alias("platform:douyin", "70 1")


def test_an_item_known_by_title_only_is_aliased_by_its_title_key() -> None:
    ambiguous = _item("ambiguous_title", title="ＴＷＩＮ 双生!")
    assert alias_of(ambiguous) == Alias("title", "twin双生")


@pytest.mark.parametrize(("reason", "identifier", "field"), [
    ("unknown_license", "license:lic_1", "reason"),  # the reporter's licence is mended elsewhere
    ("no_holder", "isrc:CNA019900009", "reason"),  # the work is known: register a holding
    ("unknown_identifier", "work:wrk_x", "identifier"),  # a work id is not an alias
    ("unknown_identifier", "platform::123", "identifier"),  # no platform to alias under
    ("unknown_identifier", "isrc:--", "identifier"),
    ("unknown_identifier", None, "identifier"),  # neither identifier nor title
])
def test_items_a_claim_cannot_mend_are_refused(reason: str, identifier: str | None,
                                               field: str) -> None:
    with pytest.raises(ValidationFailed) as refused:
        alias_of(_item(reason, identifier, title="!!" if identifier is None else None))
    assert refused.value.field == field


def test_only_a_pending_claim_moves_and_a_rejection_says_why() -> None:
    require_pending("pending", "ucl_1")
    for status in ("accepted", "rejected", "withdrawn"):
        with pytest.raises(Conflict):
            require_pending(status, "ucl_1")
    with pytest.raises(ValidationFailed):
        require_reason(None, None)
    with pytest.raises(ValidationFailed):
        require_reason("other", "  ")
    assert require_reason("other", "duplicate upload") == "other"
    assert require_reason("not_the_work", None) == "not_the_work"
