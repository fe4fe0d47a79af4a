"""Who may open the console: a signed-in person whose party has the operator role."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from clearinghouse.access.domain import Role
from clearinghouse.accounts.service import SignedIn
from clearinghouse.core.errors import Forbidden
from clearinghouse.web.pages import SignedInPerson

PAGE_SIZE = 25


async def _operator(person: SignedInPerson) -> SignedIn:
    if not person.principal.has(Role.OPERATOR):
        raise Forbidden("only the operator may open the console")
    return person


OperatorPerson = Annotated[SignedIn, Depends(_operator)]
