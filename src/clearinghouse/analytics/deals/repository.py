"""Deal-flow SQL: imports and their deals."""

from __future__ import annotations

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from clearinghouse.analytics.deals.domain import Category, Deal
from clearinghouse.analytics.deals.tables import DealImport, DealRecord
from clearinghouse.core.ids import new_id


def import_by_sha256(db: Session, sha256: str) -> DealImport | None:
    return db.scalars(select(DealImport).where(DealImport.sha256 == sha256)).first()


def get_import(db: Session, import_id: str) -> DealImport | None:
    return db.get(DealImport, import_id)


def latest_import(db: Session) -> DealImport | None:
    return db.scalars(select(DealImport).order_by(DealImport.created_at.desc(),
                                                  DealImport.id.desc()).limit(1)).first()


def list_imports(db: Session, offset: int, limit: int) -> tuple[list[DealImport], int]:
    total = db.scalar(select(func.count()).select_from(DealImport)) or 0
    rows = db.scalars(select(DealImport).order_by(DealImport.created_at.desc(),
                                                  DealImport.id.desc())
                      .offset(offset).limit(limit)).all()
    return list(rows), total


def add_import(db: Session, *, label: str, sha256: str, deals: list[Deal], imported_by: str
               ) -> DealImport:
    record = DealImport(id=new_id("dim"), label=label, sha256=sha256, deal_count=len(deals),
                        first_month=min(d.month for d in deals),
                        last_month=max(d.month for d in deals), imported_by_id=imported_by)
    db.add(record)
    db.flush()
    db.execute(insert(DealRecord), [
        {"id": new_id("deal"), "import_id": record.id, "line": n, "month": d.month,
         "company": d.company, "business": d.business, "category": d.category.value,
         "round": d.round, "amount_text": d.amount_text, "investors": d.investors}
        for n, d in enumerate(deals, start=1)])
    return record


def deals_of(db: Session, import_id: str, months: list[str] | None = None) -> list[Deal]:
    query = select(DealRecord).where(DealRecord.import_id == import_id)
    if months is not None:
        query = query.where(DealRecord.month.in_(months))
    rows = db.scalars(query.order_by(DealRecord.month, DealRecord.line)).all()
    return [Deal(month=r.month, company=r.company, business=r.business,
                 category=Category(r.category), round=r.round, amount_text=r.amount_text,
                 investors=r.investors) for r in rows]
