"""What a feature's pages.py uses: a router whose routes render errors as pages, and the page
context (language, signed-in person, form token) with `render` and `redirect`."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from functools import lru_cache
from typing import Annotated, Any, TypeVar
from urllib.parse import quote

from fastapi import APIRouter, Depends, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.routing import APIRoute
from jinja2 import Environment, FileSystemLoader, PrefixLoader, StrictUndefined
from pydantic import BaseModel, ValidationError

from clearinghouse.access.domain import Role
from clearinghouse.accounts.service import SignedIn
from clearinghouse.core.errors import DomainError, Forbidden, Unauthenticated, ValidationFailed
from clearinghouse.web import error_words, features, i18n, security, visitor

SIGN_IN_PATH = "/sign-in"


@lru_cache(maxsize=1)
def _loader() -> PrefixLoader:
    return PrefixLoader({prefix: FileSystemLoader(path)
                         for prefix, path in features.template_dirs().items()})


@lru_cache(maxsize=len(i18n.LANGUAGES))
def environment(lang: str) -> Environment:
    # One environment per language: gettext is bound once, never swapped between requests.
    env = Environment(loader=_loader(), autoescape=True, undefined=StrictUndefined,
                      extensions=["jinja2.ext.i18n"], trim_blocks=True, lstrip_blocks=True)
    env.install_gettext_translations(i18n.translations(lang), newstyle=True)  # type: ignore[attr-defined]
    return env


def safe_next(target: str | None, default: str = "/") -> str:
    """Only a path on this site: `next=https://evil.example` would make sign-in an open redirect."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return default
    return target[:2000]


@dataclass
class PageContext:
    request: Request
    lang: str
    signed_in: SignedIn | None
    csrf_token: str

    def gettext(self, message: str, **values: Any) -> str:
        text = i18n.translations(self.lang).gettext(message)
        return text % values if values else text

    def explain(self, error: DomainError) -> error_words.ErrorWords:
        """A domain error in the visitor's language, else in English (marked lang="en")."""
        return error_words.explain(error, i18n.translations(self.lang), self.html_lang)

    def render(self, template: str, status_code: int = 200, **values: Any) -> HTMLResponse:
        html = environment(self.lang).get_template(template).render(page=self, **values)
        response = HTMLResponse(html, status_code=status_code)
        response.headers["Cache-Control"] = "no-store"  # pages show private things
        response.headers["Vary"] = "Cookie, Accept-Language"
        if self.signed_in is None and self.request.cookies.get(visitor.ANON_CSRF_COOKIE) != self.csrf_token:
            response.set_cookie(visitor.ANON_CSRF_COOKIE, self.csrf_token, httponly=True,
                                samesite="lax", secure=self.is_https, path="/")
        return response

    def redirect(self, url: str) -> RedirectResponse:
        return RedirectResponse(url, status_code=303)

    @property
    def is_https(self) -> bool:
        return security.came_over_https(self.request)

    @property
    def path_with_query(self) -> str:
        query = self.request.url.query
        return self.request.url.path + (f"?{query}" if query else "")

    @property
    def html_lang(self) -> str:
        return i18n.HTML_LANG[self.lang]

    @property
    def other_language(self) -> str:
        return "en" if self.lang == "zh" else "zh"

    def party_id(self) -> str:
        if self.signed_in is None:
            raise Unauthenticated("sign in to see this page")
        return self.signed_in.principal.party_id


def _context(request: Request) -> PageContext:
    signed_in = visitor.signed_in_of(request)
    lang = i18n.choose(request.cookies.get(i18n.COOKIE), request.headers.get("accept-language"))
    return PageContext(request, lang, signed_in, visitor.csrf_token_of(request))


async def page_context(request: Request) -> PageContext:
    if not hasattr(request.state, "page"):
        request.state.page = await run_in_threadpool(_context, request)
    page: PageContext = request.state.page
    return page


Page = Annotated[PageContext, Depends(page_context)]


async def _signed_in(page: Page) -> SignedIn:
    if page.signed_in is None:
        raise Unauthenticated("sign in to see this page")
    return page.signed_in


async def _licensee(person: Annotated[SignedIn, Depends(_signed_in)]) -> SignedIn:
    if not person.principal.has(Role.LICENSEE):
        raise Forbidden("only a licensee may do this")
    return person


SignedInPerson = Annotated[SignedIn, Depends(_signed_in)]
LicenseePerson = Annotated[SignedIn, Depends(_licensee)]


def error_page(request: Request, exc: DomainError) -> Response:
    page = request.state.page if hasattr(request.state, "page") else _context(request)
    if isinstance(exc, Unauthenticated) and request.method == "GET":
        return page.redirect(f"{SIGN_IN_PATH}?next={quote(page.path_with_query, safe='')}")
    headers = {"Retry-After": str(exc.retry_after)} if hasattr(exc, "retry_after") else {}
    response = page.render("shell/error.html", status_code=exc.status, error=exc)
    response.headers.update(headers)
    return response


class RequestInvalid(DomainError):
    """A form the page could not read at all (a field too long, a wrong type)."""

    code = "request_invalid"
    status = 422


Body = TypeVar("Body", bound=BaseModel)


def form_as_body(model: type[Body], body: dict[str, Any]) -> Body:
    """A form read as the API's body, so the API's validation answers it; its first problem is
    what the page shows (with the field, so the form can say what to mend)."""
    try:
        return model.model_validate(body)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = str(first["loc"][0]) if first["loc"] else None
        raise ValidationFailed(f"{where}: {first['msg']}" if where else first["msg"], field=where) from exc


class PageRoute(APIRoute):
    """A route of a page: a domain error becomes an error page in the visitor's language (the
    JSON API keeps its JSON error shape); not signed in on a GET goes to the sign-in page."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def page_handler(request: Request) -> Response:
            try:
                return await handler(request)
            except DomainError as exc:
                return await run_in_threadpool(error_page, request, exc)
            except RequestValidationError as exc:
                wrong = RequestInvalid("; ".join(str(e.get("msg", "")) for e in exc.errors()[:3]))
                return await run_in_threadpool(error_page, request, wrong)

        return page_handler


def page_router() -> APIRouter:
    """Every page: outside the OpenAPI document, and a form token checked on unsafe methods."""
    return APIRouter(route_class=PageRoute, include_in_schema=False,
                     dependencies=[Depends(visitor.check_csrf)])
