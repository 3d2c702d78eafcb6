"""Domain errors (raised by services) and their RFC 9457 problem-details form (at the edge).

Services never import Litestar; they raise these. `ses.web.problems` maps them to
`application/problem+json` responses with a field-level list for validation errors.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class FieldError:
    field: str
    """Dotted path to the offending value, e.g. `nip`, `rows.12.regon`, `statuses.0.decision_date`."""
    message: str
    row: int | None = None
    """1-based line in an uploaded file, counting the header as line 1."""

    def as_dict(self) -> dict[str, object]:
        out: dict[str, object] = {"field": self.field, "message": self.message}
        if self.row is not None:
            out["row"] = self.row
        return out


class DomainError(Exception):
    status = 400
    title = "Niepoprawne żądanie"
    slug = "bad-request"

    def __init__(self, detail: str, errors: list[FieldError] | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        self.errors = errors or []


class ValidationFailed(DomainError):
    status = 422
    title = "Dane nie przeszły walidacji"
    slug = "validation-failed"


class NotFound(DomainError):
    status = 404
    title = "Nie znaleziono"
    slug = "not-found"


class Conflict(DomainError):
    status = 409
    title = "Konflikt z istniejącymi danymi"
    slug = "conflict"


class InvalidTransition(Conflict):
    title = "Niedozwolona zmiana stanu"
    slug = "invalid-transition"


class PreconditionFailed(DomainError):
    status = 412
    title = "Rekord został zmieniony przez kogoś innego"
    slug = "precondition-failed"


class PreconditionRequired(DomainError):
    status = 428
    title = "Wymagany nagłówek If-Match"
    slug = "precondition-required"


class PermissionDenied(DomainError):
    status = 403
    title = "Brak uprawnień"
    slug = "forbidden"


class NotAuthenticated(DomainError):
    status = 401
    title = "Wymagane uwierzytelnienie"
    slug = "unauthorized"


@dataclass
class ErrorCollector:
    """Collects every problem of an input before failing, so the user sees all of them at once."""

    errors: list[FieldError] = field(default_factory=list)

    def add(self, field_name: str, message: str, row: int | None = None) -> None:
        self.errors.append(FieldError(field_name, message, row))

    def __bool__(self) -> bool:
        return bool(self.errors)

    def raise_if_any(self, detail: str = "Dane zawierają błędy.") -> None:
        if self.errors:
            raise ValidationFailed(detail, self.errors)
