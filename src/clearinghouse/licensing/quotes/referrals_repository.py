"""Referral SQL: the thread of messages, the one open referral per question, who sees which."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from clearinghouse.licensing.tables import Referral, ReferralMessage


def messages_of(session: Session, referral_id: str) -> list[ReferralMessage]:
    return list(session.scalars(select(ReferralMessage).where(
        ReferralMessage.referral_id == referral_id).order_by(ReferralMessage.id)))


def live_referral_about(session: Session, *, licensee_id: str, work_id: str, right: str,
                        holder_id: str, live_statuses: Iterable[str]) -> Referral | None:
    return session.scalars(select(Referral).where(
        Referral.licensee_id == licensee_id, Referral.work_id == work_id,
        Referral.right == right, Referral.holder_id == holder_id,
        Referral.status.in_(tuple(live_statuses)))).first()


def referrals_touching(session: Session, *, party_ids: Sequence[str] | None,
                       status: str | None) -> list[Referral]:
    """Newest first. `party_ids` None: every referral (the operator); otherwise those where one
    of the parties is the licensee, the holder or the administrator."""
    query = select(Referral)
    if party_ids is not None:
        query = query.where(or_(Referral.licensee_id.in_(party_ids),
                                Referral.holder_id.in_(party_ids),
                                Referral.administrator_id.in_(party_ids)))
    if status:
        query = query.where(Referral.status == status)
    return list(session.scalars(query.order_by(Referral.created_at.desc(), Referral.id)))
