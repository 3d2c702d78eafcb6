"""Query parameters shared by many handlers, declared once with their bounds so the OpenAPI states
them and a value out of range answers 422 naming the parameter (never a 500 from `date(0, 1, 1)`)."""

from __future__ import annotations

from typing import Annotated

from litestar.params import QueryParameter

FIRST_YEAR = 2000
LAST_YEAR = 2100

Year = Annotated[int, QueryParameter(ge=FIRST_YEAR, le=LAST_YEAR, description="Rok (2000–2100).")]
OptionalYear = Annotated[
    int | None, QueryParameter(ge=FIRST_YEAR, le=LAST_YEAR, description="Rok (2000–2100).")
]
