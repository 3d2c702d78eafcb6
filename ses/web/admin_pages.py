"""Account management pages for administrators: accounts, roles, API tokens (shown once)."""

from __future__ import annotations

from typing import Any

from litestar import Request, get, post
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from ses.audit.channel import Channel
from ses.auth import services
from ses.auth.policy import Role, allow
from ses.errors import DomainError, FieldError, ValidationFailed
from ses.web.context import actor_of
from ses.web.pages import Form, field, page, problems_of, signed_in

ADMIN_ONLY = [allow(Role.ADMIN)]
PAGE_SIZE = 50


def _role(value: str) -> Role:
    try:
        return Role(value)
    except ValueError:
        raise ValidationFailed("Nieznana rola.", [FieldError("role", "Wybierz rolę z listy.")]) from None


def _int_or_none(value: str, name: str) -> int | None:
    if not value.strip():
        return None
    if not value.strip().isdigit():
        raise ValidationFailed("Niepoprawna liczba.", [FieldError(name, "Podaj liczbę całkowitą.")])
    return int(value)


async def _accounts_page(
    request: Request[Any, Any, Any], page_no: int, status_code: int = 200, **context: Any
) -> Template:
    listing = await services.list_accounts(max(page_no, 1), PAGE_SIZE)
    return page(
        request, "accounts.html.j2", status_code, page=listing, form=context.pop("form", {}), **context
    )


@get("/admin/accounts", guards=ADMIN_ONLY, include_in_schema=False)
async def accounts(request: Request[Any, Any, Any], page: FromQuery[int] = 1) -> Template:
    return await _accounts_page(request, page)


@post("/admin/accounts", guards=ADMIN_ONLY, include_in_schema=False, request_max_body_size=16 * 1024)
async def create_account(request: Request[Any, Any, Any], data: Form) -> Template | Redirect:
    try:
        account_id = await services.create_account(
            username=field(data, "username").strip(),
            display_name=field(data, "display_name").strip() or None,
            role=_role(field(data, "role")),
            password=field(data, "password") or None,
            organisation_id=_int_or_none(field(data, "organisation_id"), "organisation_id"),
            actor=actor_of(request, Channel.WEB),
        )
    except DomainError as exc:
        return await _accounts_page(request, 1, 422, form=data, **problems_of(exc))
    return Redirect(f"/admin/accounts/{account_id}", status_code=303)


async def _account_page(
    request: Request[Any, Any, Any], account_id: int, status_code: int = 200, **context: Any
) -> Template:
    return page(
        request, "account.html.j2", status_code, account=await services.account_detail(account_id), **context
    )


@get("/admin/accounts/{account_id:int}", guards=ADMIN_ONLY, include_in_schema=False)
async def account(request: Request[Any, Any, Any], account_id: FromPath[int]) -> Template:
    return await _account_page(request, account_id)


@post(
    "/admin/accounts/{account_id:int}",
    guards=ADMIN_ONLY,
    include_in_schema=False,
    request_max_body_size=16 * 1024,
)
async def update_account(request: Request[Any, Any, Any], account_id: FromPath[int], data: Form) -> Template:
    try:
        await services.update_account(
            account_id,
            role=_role(field(data, "role")),
            active=field(data, "active") == "1",
            actor=actor_of(request, Channel.WEB),
        )
    except DomainError as exc:
        return await _account_page(request, account_id, exc.status, **problems_of(exc))
    return await _account_page(request, account_id, notices=["Zapisano zmiany konta."])


@post(
    "/admin/accounts/{account_id:int}/tokens",
    guards=ADMIN_ONLY,
    include_in_schema=False,
    request_max_body_size=16 * 1024,
)
async def create_token(request: Request[Any, Any, Any], account_id: FromPath[int], data: Form) -> Template:
    try:
        secret, _ = await services.issue_token(
            issuer=signed_in(request),
            account_id=account_id,
            name=field(data, "name"),
            valid_days=_int_or_none(field(data, "valid_days"), "valid_days"),
            actor=actor_of(request, Channel.WEB),
        )
    except DomainError as exc:
        return await _account_page(request, account_id, exc.status, **problems_of(exc))
    return await _account_page(request, account_id, 201, new_token=secret)


@post("/admin/tokens/{token_id:int}/revoke", guards=ADMIN_ONLY, include_in_schema=False)
async def revoke_token(request: Request[Any, Any, Any], token_id: FromPath[int]) -> Redirect:
    account_id = await services.withdraw_token(
        issuer=signed_in(request), token_id=token_id, actor=actor_of(request, Channel.WEB)
    )
    return Redirect(f"/admin/accounts/{account_id}", status_code=303)


ROUTES = [accounts, create_account, account, update_account, create_token, revoke_token]
