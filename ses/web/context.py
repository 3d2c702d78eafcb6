"""Helpers that turn a request into what services need: the actor, the viewer, versions."""

from __future__ import annotations

import re
from typing import Any

from litestar import Request

from ses.audit.channel import Channel
from ses.audit.services import Actor
from ses.auth.policy import Principal
from ses.errors import FieldError, PreconditionRequired, ValidationFailed

_ETAG_VERSION = re.compile(r'^(?:W/)?"[a-z]+-\d+-v(\d+)"$')


def principal(request: Request[Any, Any, Any]) -> Principal | None:
    user = request.scope.get("user")
    return user if isinstance(user, Principal) else None


def actor_of(request: Request[Any, Any, Any], channel: Channel = Channel.API) -> Actor:
    user = principal(request)
    client = request.client.host if request.client else None
    if user is None:
        return Actor(label="anonymous", channel=channel, address=client)
    return Actor(label=user.label, channel=channel, account_id=user.account_id, address=client)


def expected_version(request: Request[Any, Any, Any]) -> int:
    """The version named by If-Match; writes without it are refused (428) so none overwrites blindly."""
    header = request.headers.get("if-match")
    if not header:
        raise PreconditionRequired(
            "Zmiana wymaga nagłówka If-Match z wartością ETag pobraną razem z rekordem "
            "— tak nikt nie nadpisze cudzych zmian bez wiedzy."
        )
    match = _ETAG_VERSION.match(header.strip())
    if match is None:
        raise ValidationFailed("Nagłówek If-Match ma niepoprawną postać.", [FieldError("If-Match", header)])
    return int(match.group(1))


def page_window(page: int, page_size: int, maximum: int) -> tuple[int, int]:
    problems = []
    if page < 1:
        problems.append(FieldError("page", "Numer strony zaczyna się od 1."))
    if page_size < 1 or page_size > maximum:
        problems.append(FieldError("page_size", f"Rozmiar strony musi mieścić się w zakresie 1–{maximum}."))
    if page * page_size > 1_000_000:
        problems.append(FieldError("page", "Za daleka strona: zawęź wyszukiwanie albo użyj eksportu."))
    if problems:
        raise ValidationFailed("Niepoprawne stronicowanie.", problems)
    return page, page_size


def split_values(values: list[str] | None) -> list[str]:
    """Accept both `?kind=a&kind=b` and `?kind=a,b`."""
    out: list[str] = []
    for value in values or []:
        out.extend(part.strip() for part in value.split(",") if part.strip())
    return out


def refuse_unknown_params(names: Any, known: frozenset[str]) -> None:
    """A list answers 422 naming a query parameter it does not read (a misspelt filter must not
    silently answer everything)."""
    unknown = sorted({name for name in names if name not in known})
    if unknown:
        raise ValidationFailed(
            "Nieznany parametr zapytania: " + ", ".join(unknown) + ".",
            [
                FieldError(name, f"Nieznany parametr „{name}”. Dozwolone: {', '.join(sorted(known))}.")
                for name in unknown
            ],
        )
