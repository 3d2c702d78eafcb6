"""Route policies: every route handler declares who may call it.

A handler (or its controller) lists `guards=[allow(Role.STAFF, ...)]`. The guard keeps the roles it
admits in `guard.roles`, so a test can walk every route of the app and fail when one has no
declared policy. Admins may do everything staff may, so `allow()` always admits them, except on
routes meant only for the public (`allow(Role.PUBLIC)` admits everyone).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any


class Role(StrEnum):
    PUBLIC = "public"
    COMMITTEE = "committee"
    OWES = "owes"
    REVIEWER = "reviewer"
    STAFF = "staff"
    ADMIN = "admin"


ROLE_LABELS = {
    Role.PUBLIC: "publiczny",
    Role.COMMITTEE: "członek RKRES",
    Role.OWES: "OWES",
    Role.REVIEWER: "weryfikator ROPS",
    Role.STAFF: "pracownik ROPS",
    Role.ADMIN: "administrator",
}

ACCOUNT_ROLES = tuple(role for role in Role if role is not Role.PUBLIC)


@dataclass(frozen=True)
class Principal:
    """The caller of a request once authenticated."""

    account_id: int
    username: str
    role: Role
    organisation_id: int | None = None
    """For OWES accounts: the OWES whose data this caller may see and change."""
    token_id: int | None = None
    """Set when the caller authenticated with a bearer token rather than a session."""

    @property
    def label(self) -> str:
        return f"{self.username} (token {self.token_id})" if self.token_id else self.username

    @property
    def is_owes(self) -> bool:
        return self.role is Role.OWES

    def may(self, *roles: Role) -> bool:
        return self.role in roles or self.role is Role.ADMIN


GuardFn = Callable[[Any, Any], Awaitable[None]]


def allow(*roles: Role) -> GuardFn:
    """A guard admitting the given roles (and admins); `Role.PUBLIC` admits anyone."""
    # Imported here so that services importing Role/Principal never pull in Litestar.
    from litestar.exceptions import NotAuthorizedException, PermissionDeniedException

    admitted = frozenset(roles) | ({Role.ADMIN} if Role.PUBLIC not in roles else set())

    # Async on purpose: Litestar runs a sync guard in a worker thread, a needless hop per request.
    async def guard(connection: Any, _handler: Any) -> None:
        if Role.PUBLIC in admitted or connection.scope.get("method") == "OPTIONS":
            # OPTIONS only names the methods of a path (Litestar's own handler, no data); it is
            # never authenticated, so a controller-wide policy would answer it 401 for everyone.
            return
        user = connection.scope.get("user")
        if not isinstance(user, Principal):
            raise NotAuthorizedException("Wymagane zalogowanie lub token API.")
        if user.role not in admitted:
            connection.scope.setdefault("state", {})["refused_by_policy"] = True
            raise PermissionDeniedException("Twoja rola nie pozwala na tę operację.")

    guard.roles = admitted  # type: ignore[attr-defined]
    guard.__name__ = "allow_" + "_".join(sorted(role.value for role in admitted))
    return guard


def policy_of(handler: Any) -> frozenset[Role] | None:
    """The roles a resolved route handler admits, or None when it declares no policy."""
    return policy_of_guards(handler.resolve_guards())


def policy_of_guards(guards: Any) -> frozenset[Role] | None:
    """The roles the first `allow(...)` guard of a list admits, or None when there is none."""
    for guard in guards or ():
        roles = getattr(getattr(guard, "func", guard), "roles", None)
        if roles is not None:
            return frozenset(roles)
    return None
