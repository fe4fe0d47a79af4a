"""Notices on the web: the platform's (/platform/notices: sent to it), the owner's
(/owner/notices: sent on its behalf), and one notice (/notices/{id}, with its PDF) for those
two and the operator. The notice is worded by wording.py in the page's language."""

from __future__ import annotations

from collections.abc import Callable, Coroutine, Sequence
from typing import Annotated, Any, Literal

from fastapi import Depends, Query
from fastapi.responses import Response

from clearinghouse.access.domain import Role
from clearinghouse.accounts.service import SignedIn
from clearinghouse.api.deps import DB
from clearinghouse.core.errors import Forbidden
from clearinghouse.enforcement.notices import service
from clearinghouse.enforcement.notices.tables import EnforcementNotice
from clearinghouse.enforcement.notices.wording import notice_lines
from clearinghouse.web.pages import Page, PageContext, SignedInPerson, page_router

router = page_router()


def _role(role: Role, why: str) -> Callable[[SignedIn], Coroutine[Any, Any, SignedIn]]:
    async def gate(person: SignedInPerson) -> SignedIn:
        if not person.principal.has(role):
            raise Forbidden(why)
        return person
    return gate


PlatformPerson = Annotated[SignedIn, Depends(_role(Role.PLATFORM, "only a platform reads the "
                                                                  "notices sent to it"))]
OwnerPerson = Annotated[SignedIn, Depends(_role(Role.OWNER, "only an owner reads the notices "
                                                            "sent on its behalf"))]


def _items(rows: Sequence[EnforcementNotice]) -> list[dict[str, object]]:
    items = []
    for row in rows:
        facts = service.facts_of(row)
        items.append({"id": row.id, "created_at": row.created_at, "work": facts.work_title,
                      "upload": facts.upload_ref, "platform": facts.platform_name,
                      "owner": facts.owner_name, "score": f"{facts.score:.3f}",
                      "delivered": row.delivery_id is not None})
    return items


def _list(page: PageContext, rows: Sequence[EnforcementNotice], side: str) -> Response:
    return page.render("notices/list.html", items=_items(rows), side=side)


@router.get("/platform/notices")
def platform_notices(page: Page, db: DB, person: PlatformPerson) -> Response:
    return _list(page, service.list_notices(db, person.principal, as_platform=True), "platform")


@router.get("/owner/notices")
def owner_notices(page: Page, db: DB, person: OwnerPerson) -> Response:
    return _list(page, service.list_notices(db, person.principal, as_platform=False), "owner")


@router.get("/notices/{notice_id}")
def notice_page(page: Page, db: DB, person: SignedInPerson, notice_id: str) -> Response:
    row = service.get_notice(db, person.principal, notice_id)
    lang: Literal["zh", "en"] = "zh" if page.lang == "zh" else "en"
    return page.render("notices/notice.html", notice=row,
                       n=notice_lines(service.facts_of(row), lang))


@router.get("/notices/{notice_id}/notice.pdf")
def notice_pdf(db: DB, person: SignedInPerson, notice_id: str,
               lang: Literal["zh", "en"] = Query("zh")) -> Response:
    row = service.get_notice(db, person.principal, notice_id)
    return Response(service.document(row, lang, "pdf"), media_type="application/pdf",
                    headers={"Content-Disposition": f'inline; filename="{row.id}-{lang}.pdf"'})
