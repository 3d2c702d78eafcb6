"""JSON API for the caller's own identity and for OWES machine tokens (issued by staff or admin)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from litestar import Controller, Request, get, post
from litestar.params import FromPath, FromQuery, JSONBody
from pydantic import BaseModel, ConfigDict, Field

from ses.auth import services
from ses.auth.policy import ACCOUNT_ROLES, Role, allow
from ses.web.context import actor_of
from ses.web.dependencies import Account, Paging
from ses.web.schemas import Page


class Me(BaseModel):
    account_id: int
    username: str
    role: Role
    organisation_id: int | None
    authenticated_by: str
    csrf_token: str | None = None
    """With a session cookie: the value to send as `X-SES-CSRF` on writes (scripts in the browser)."""


class TokenCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    account_id: int
    name: str = Field(min_length=1, max_length=120)
    valid_days: int | None = Field(default=365, ge=1, le=730)


class TokenCreated(BaseModel):
    id: int
    token: str
    """Shown once: only its hash is stored."""


class TokenOut(BaseModel):
    id: int
    name: str
    prefix: str
    account_id: int
    username: str
    created_at: datetime
    expires_at: datetime | None
    last_used_at: datetime | None
    revoked_at: datetime | None


class TokenRevoked(BaseModel):
    id: int
    revoked: bool


class TokenPage(Page[TokenOut]):
    pass


@get("/api/v1/me", guards=[allow(*ACCOUNT_ROLES)], tags=["Konta"], summary="Who am I")
async def me(request: Request[Any, Any, Any], account: Account) -> Me:
    return Me(
        account_id=account.account_id,
        username=account.username,
        role=account.role,
        organisation_id=account.organisation_id,
        authenticated_by=str(request.scope.get("auth")),
        csrf_token=(
            session.csrf_token if (session := request.scope.get("state", {}).get("browser_session")) else None
        ),
    )


class TokenController(Controller):
    path = "/api/v1/tokens"
    tags = ["Konta"]
    guards = [allow(Role.STAFF)]

    @get("/", summary="API tokens (never the secrets)")
    async def list_tokens(self, paging: Paging, account_id: FromQuery[int | None] = None) -> TokenPage:
        return TokenPage.model_validate(await services.list_tokens(account_id, paging.page, paging.page_size))

    @post("/", summary="Issue a token for an OWES account (shown once)")
    async def create(
        self, request: Request[Any, Any, Any], account: Account, data: JSONBody[TokenCreate]
    ) -> TokenCreated:
        secret, token_id = await services.issue_token(
            issuer=account,
            account_id=data.account_id,
            name=data.name,
            valid_days=data.valid_days,
            actor=actor_of(request),
        )
        return TokenCreated(id=token_id, token=secret)

    @post("/{token_id:int}/revoke", summary="Revoke a token at once", status_code=200)
    async def revoke(
        self, request: Request[Any, Any, Any], account: Account, token_id: FromPath[int]
    ) -> TokenRevoked:
        await services.withdraw_token(issuer=account, token_id=token_id, actor=actor_of(request))
        return TokenRevoked(id=token_id, revoked=True)


ROUTES = [me, TokenController]
