"""All SQL of the royalty pipeline: what matching needs from the operational database, read as
plain rows in batches (no ORM objects), for `inputs` to write as Parquet."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from itertools import chain
from typing import Any

from sqlalchemy import Select, case, exists, select
from sqlalchemy.orm import Session

from clearinghouse.licensing.licenses.service import ACTIVE, EXPIRED
from clearinghouse.licensing.licenses.tables import License, LicenseGrant, LicenseLine
from clearinghouse.platforms.tables import PlatformRow
from clearinghouse.registry.domain import HoldingStatus
from clearinghouse.registry.tables import Holding, Work, WorkIdentifier
from clearinghouse.royalties.claims.repository import accepted_aliases

Rows = Iterator[Sequence[Sequence[Any]]]
MATCHING_SCHEMES = ("isrc", "iswc")  # and every "platform:<code>"
PLATFORM_PREFIX = "platform:"


def _batches(session: Session, query: Select[*tuple[Any, ...]], size: int) -> Rows:
    result = session.execute(query.execution_options(yield_per=size))
    for part in result.partitions():
        yield [tuple(row) for row in part]


def grants(session: Session, size: int) -> Rows:
    """Every grant row, whatever its status (a revoked licence is evidence of unlicensed use).
    An expired licence that ran (was activated) covered the days of its term: `active` here, the
    days are checked by matching; one that expired unpaid never covered anything."""
    ran_out = (LicenseGrant.status == EXPIRED) & License.activated_at.is_not(None)
    return _batches(session, select(
        LicenseGrant.license_id, LicenseGrant.line_id, LicenseGrant.work_id, LicenseGrant.right,
        LicenseGrant.licensee_id, LicenseGrant.country, LicenseGrant.channel,
        LicenseGrant.valid_from, LicenseGrant.valid_to,
        case((ran_out, ACTIVE), else_=LicenseGrant.status),
    ).join(License, License.id == LicenseGrant.license_id).order_by(LicenseGrant.id), size)


def licences(session: Session, size: int) -> Rows:
    """(licence id, licensee id, the use as stored: its max_plays / max_copies bound it)."""
    return _batches(session, select(License.id, License.licensee_id, License.use)
                    .order_by(License.id), size)


def licence_works(session: Session, size: int) -> Rows:
    """(licence id, work id), once per pair."""
    return _batches(session, select(LicenseLine.license_id, LicenseLine.work_id).distinct()
                    .order_by(LicenseLine.license_id, LicenseLine.work_id), size)


def identifiers(session: Session, size: int) -> Rows:
    """(scheme, value, work id) of the schemes usage names works by, then the aliases accepted
    usage claims made (scheme "title" too) that the registry does not already know."""
    registered = _batches(session, select(WorkIdentifier.scheme, WorkIdentifier.value,
                                          WorkIdentifier.work_id)
                          .where(WorkIdentifier.scheme.in_(MATCHING_SCHEMES)
                                 | WorkIdentifier.scheme.startswith(PLATFORM_PREFIX))
                          .order_by(WorkIdentifier.id), size)
    aliases = accepted_aliases().subquery()
    claimed = _batches(session, select(aliases).where(~exists().where(
        WorkIdentifier.scheme == aliases.c.alias_scheme,
        WorkIdentifier.value == aliases.c.alias_value)).order_by(
        aliases.c.alias_scheme, aliases.c.alias_value), size)
    return chain(registered, claimed)


def work_titles(session: Session, size: int) -> Rows:
    """(work id, title, alternative titles)."""
    return _batches(session, select(Work.id, Work.title, Work.alt_titles).order_by(Work.id), size)


def active_holdings(session: Session, size: int) -> Rows:
    """(work id, rights) of accepted holdings."""
    return _batches(session, select(Holding.work_id, Holding.rights)
                    .where(Holding.status == HoldingStatus.ACTIVE.value)
                    .order_by(Holding.id), size)


def platform_parties(session: Session, size: int) -> Rows:
    """(platform code, the party that runs it) for platforms linked to a party."""
    return _batches(session, select(PlatformRow.code, PlatformRow.party_id)
                    .where(PlatformRow.party_id.is_not(None)).order_by(PlatformRow.code), size)
