"""Server-rendered pages shared by every role: start page, sign-in, sign-out, password change.

Every form carries a CSRF token: the sign-in form a double-submit cookie (there is no session yet),
every other form the session's token, checked by ses.web.security.CSRFMiddleware.
"""

from __future__ import annotations

import hmac
import secrets
from datetime import UTC, datetime
from typing import Any

from litestar import Request, get, post
from litestar.datastructures import Cookie
from litestar.params import URLEncodedBody
from litestar.response import Redirect, Template

from ses.audit.channel import Channel
from ses.auth.policy import ACCOUNT_ROLES, ROLE_LABELS, Principal, Role, allow
from ses.auth.sessions import SignInRefused, change_password, sign_in, sign_out
from ses.errors import DomainError
from ses.extensions import HomeSection, installed
from ses.settings import get_settings
from ses.web.auth import SESSION_COOKIE
from ses.web.context import actor_of, principal
from ses.web.i18n import gettext

Form = URLEncodedBody[dict[str, Any]]
LOGIN_CSRF_COOKIE = "ses_login_csrf"
FIELD_LABELS = {
    "username": "Nazwa użytkownika",
    "password": "Hasło",
    "current_password": "Obecne hasło",
    "new_password": "Nowe hasło",
    "repeat_password": "Powtórzone hasło",
    "role": "Rola",
    "organisation_id": "Organizacja",
    "name": "Nazwa",
    "valid_days": "Ważność",
}
COMMON_LINKS = [("/schema", "API — dokumentacja (OpenAPI)"), ("/account/password", "Zmiana hasła")]


def role_links(role: Role) -> list[tuple[str, str]]:
    """The navigation the installed packages contribute for a role (admins see what staff see)."""
    links = [
        link
        for extension in installed()
        for link in extension.nav
        if role in link.roles or (role is Role.ADMIN and Role.STAFF in link.roles)
    ]
    return [(link.href, link.label) for link in sorted(links, key=lambda link: link.order)]


def field(form: dict[str, Any], name: str) -> str:
    value = form.get(name, "")
    if isinstance(value, list):
        value = value[0] if value else ""
    return str(value)


def page(request: Request[Any, Any, Any], template: str, status_code: int = 200, **context: Any) -> Template:
    """A page with what every template needs: the signed-in person, their CSRF token, labels, the
    navigation of their role. A page passes `breadcrumbs=[(href, label), …]` (the last is itself)."""
    user = principal(request)
    session = request.scope.get("state", {}).get("browser_session")
    base = {
        "nav_links": role_links(user.role) if user else [],
        "current_path": request.url.path,
        "breadcrumbs": [],
        "user": user,
        "role_label": ROLE_LABELS[user.role] if user else "",
        "csrf_token": session.csrf_token if session else "",
        "notices": [],
        "errors": [],
        "detail": "",
        "field_labels": FIELD_LABELS,
        "role_labels": {role.value: label for role, label in ROLE_LABELS.items()},
        "account_roles": [(role.value, ROLE_LABELS[role]) for role in ACCOUNT_ROLES],
        "now": datetime.now(UTC),
    }
    return Template(template_name=template, context={**base, **context}, status_code=status_code)


def problems_of(exc: DomainError) -> dict[str, Any]:
    return {"detail": exc.detail, "errors": [{"field": e.field, "message": e.message} for e in exc.errors]}


def safe_next(target: str) -> str:
    """Only paths of this site: never `//host` or `https://…` (no open redirect after sign-in)."""
    if target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/"


async def home_sections(user: Principal) -> list[HomeSection]:
    """The boxes the installed packages put on this person's start page, in their order."""
    found = []
    for extension in installed():
        for source in extension.home_sections:
            section = await source(user)
            if section is not None:
                found.append(section)
    return sorted(found, key=lambda section: section.order)


@get("/", guards=[allow(Role.PUBLIC)], include_in_schema=False)
async def home(request: Request[Any, Any, Any]) -> Template:
    user = principal(request)
    links: list[dict[str, str]] = []
    sections: list[HomeSection] = []
    if user:
        own = (
            [(f"/rejestr/{user.organisation_id}", gettext("Moja organizacja w rejestrze"))]
            if user.organisation_id
            else []
        )
        links = [{"href": href, "label": label} for href, label in own + role_links(user.role) + COMMON_LINKS]
        sections = await home_sections(user)
    return page(request, "home.html.j2", links=links, sections=sections)


def _login_form(
    request: Request[Any, Any, Any], next_path: str, status_code: int = 200, **context: Any
) -> Template:
    token = secrets.token_urlsafe(24)
    response = page(
        request, "login.html.j2", status_code, login_csrf=token, next=safe_next(next_path), **context
    )
    response.cookies.append(
        Cookie(
            key=LOGIN_CSRF_COOKIE,
            value=token,
            httponly=True,
            samesite="strict",
            path="/login",
            secure=get_settings().secure_cookies,
            max_age=3600,
        )
    )
    return response


@get("/login", guards=[allow(Role.PUBLIC)], include_in_schema=False, query=("next",))
async def login_page(request: Request[Any, Any, Any]) -> Template:
    return _login_form(request, request.query_params.get("next", "/"), username="")


@post("/login", guards=[allow(Role.PUBLIC)], include_in_schema=False, request_max_body_size=16 * 1024)
async def login(request: Request[Any, Any, Any], data: Form) -> Template | Redirect:
    username, next_path = field(data, "username"), field(data, "next") or "/"
    cookie = request.cookies.get(LOGIN_CSRF_COOKIE, "")
    if not cookie or not hmac.compare_digest(cookie, field(data, "_csrf")):
        detail = "Formularz wygasł lub nie pochodzi z tej strony. Spróbuj zalogować się ponownie."
        return _login_form(request, next_path, 403, username=username, detail=detail)
    address = request.client.host if request.client else None
    try:
        signed = await sign_in(username, field(data, "password"), address)
    except SignInRefused as exc:
        return _login_form(request, next_path, 401, username=username, detail=exc.detail)
    settings = get_settings()
    return Redirect(
        safe_next(next_path),
        status_code=303,
        cookies=[
            Cookie(
                key=SESSION_COOKIE,
                value=signed.secret,
                httponly=True,
                samesite="lax",
                path="/",
                secure=settings.secure_cookies,
                max_age=settings.session_hours * 3600,
            ),
            Cookie(key=LOGIN_CSRF_COOKIE, value="", path="/login", max_age=0),
        ],
    )


@post("/logout", guards=[allow(*ACCOUNT_ROLES)], include_in_schema=False)
async def logout(request: Request[Any, Any, Any]) -> Redirect:
    session = request.scope.get("state", {}).get("browser_session")
    if session is not None:
        await sign_out(session, actor_of(request, Channel.WEB))
    return Redirect(
        "/login", status_code=303, cookies=[Cookie(key=SESSION_COOKIE, value="", path="/", max_age=0)]
    )


@get("/account/password", guards=[allow(*ACCOUNT_ROLES)], include_in_schema=False)
async def password_page(request: Request[Any, Any, Any]) -> Template:
    return page(request, "password.html.j2")


@post(
    "/account/password",
    guards=[allow(*ACCOUNT_ROLES)],
    include_in_schema=False,
    request_max_body_size=16 * 1024,
)
async def password_change(request: Request[Any, Any, Any], data: Form) -> Template:
    session = request.scope.get("state", {}).get("browser_session")
    if session is None:
        return page(
            request,
            "page_error.html.j2",
            400,
            title="Zmiana hasła",
            detail="Hasło zmienia się po zalogowaniu w przeglądarce, nie tokenem API.",
        )
    try:
        await change_password(
            session,
            field(data, "current_password"),
            field(data, "new_password"),
            field(data, "repeat_password"),
            actor_of(request, Channel.WEB),
        )
    except DomainError as exc:
        return page(request, "password.html.j2", 422, **problems_of(exc))
    return page(
        request, "password.html.j2", notices=["Hasło zostało zmienione. Inne sesje tego konta zakończono."]
    )


def signed_in(request: Request[Any, Any, Any]) -> Principal:
    user = principal(request)
    assert user is not None  # the route's guard admitted only account roles
    return user


ROUTES = [home, login_page, login, logout, password_page, password_change]
