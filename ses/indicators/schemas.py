"""What the indicator API answers (pydantic models, so the OpenAPI describes every field)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from pydantic import BaseModel

from ses.indicators.model import (
    DIRECTION_LABELS,
    LEVEL_LABELS,
    NATURE_LABELS,
    PROGRAMME_LABELS,
    UNIT_LABELS,
    BehindPage,
    Benchmark,
    Indicator,
    Level,
)
from ses.indicators.services import Value, ValueTable
from ses.web.schemas import Page


class BenchmarkOut(BaseModel):
    value: float
    year: int


class IndicatorOut(BaseModel):
    code: str
    name_pl: str
    name_en: str
    definition: str
    unit: str
    unit_label: str
    direction: str
    direction_label: str
    levels: list[str]
    programme: str
    programme_label: str
    nature: str
    nature_label: str
    """Outputs (what was done) and outcomes (what changed) are never mixed."""
    group: str
    source: str
    per_10k: bool
    basis: str
    """What the list behind a value holds: organisations or ties."""
    baseline: BenchmarkOut | None
    target: BenchmarkOut | None
    package: str


class ValueOut(BaseModel):
    territory: str
    name: str
    level: str
    population: int | None
    value: float | None
    """None means "no data" (brak danych) — never zero."""
    numerator: float | None
    denominator: float | None
    per_10k: float | None
    has_data: bool
    behind_url: str
    """The API list of what this value was computed from, with the same filters."""
    behind_page: str
    """The same list as a page under /panel."""


class ValuesOut(BaseModel):
    indicator: IndicatorOut
    level: str
    territory: str | None
    period: str
    period_start: str
    period_end: str
    covered: bool
    """False: the indicator cannot answer for this period; every value is "no data"."""
    source: str
    """`live` (computed now from the data), `snapshot` (kept when it was taken) or `none`."""
    values: list[ValueOut]


class BehindOut(Page[dict[str, Any]]):
    indicator: str
    territory: str
    period: str
    basis: str
    columns: list[dict[str, str]]


def _benchmark(value: Benchmark | None) -> BenchmarkOut | None:
    return BenchmarkOut(value=value.value, year=value.year) if value else None


def indicator_out(ind: Indicator) -> IndicatorOut:
    return IndicatorOut(
        code=ind.code,
        name_pl=ind.name_pl,
        name_en=ind.name_en,
        definition=ind.definition,
        unit=ind.unit.value,
        unit_label=UNIT_LABELS[ind.unit],
        direction=ind.direction.value,
        direction_label=DIRECTION_LABELS[ind.direction],
        levels=[level.value for level in Level if level in ind.levels],
        programme=ind.programme.value,
        programme_label=PROGRAMME_LABELS[ind.programme],
        nature=ind.nature.value,
        nature_label=NATURE_LABELS[ind.nature],
        group=ind.group,
        source=ind.source,
        per_10k=ind.per_10k,
        basis=ind.computation.basis.value,
        baseline=_benchmark(ind.baseline),
        target=_benchmark(ind.target),
        package=ind.package,
    )


def behind_links(code: str, territory: str, period: str) -> tuple[str, str]:
    query = urlencode({"period": period})
    page_query = urlencode({"wskaznik": code, "teryt": territory, "okres": period})
    return f"/api/v1/indicators/{code}/values/{territory}/behind?{query}", f"/panel/lista?{page_query}"


def value_out(code: str, period: str, value: Value) -> ValueOut:
    api, page = behind_links(code, value.territory, period)
    return ValueOut(
        territory=value.territory,
        name=value.name,
        level=value.level.value,
        population=value.population,
        value=value.value,
        numerator=value.numerator,
        denominator=value.denominator,
        per_10k=value.per_10k,
        has_data=value.has_data,
        behind_url=api,
        behind_page=page,
    )


def values_out(table: ValueTable) -> ValuesOut:
    return ValuesOut(
        indicator=indicator_out(table.indicator),
        level=table.level.value,
        territory=table.territory,
        period=table.period.code,
        period_start=table.period.start.isoformat(),
        period_end=table.period.end.isoformat(),
        covered=table.covered,
        source=table.source,
        values=[value_out(table.indicator.code, table.period.code, value) for value in table.values],
    )


def behind_out(code: str, territory: str, period: str, found: BehindPage, page: int, size: int) -> BehindOut:
    return BehindOut(
        indicator=code,
        territory=territory,
        period=period,
        basis=found.basis.value,
        columns=[{"key": column.key, "label": column.label} for column in found.columns],
        items=[dict(row) for row in found.rows],
        page=page,
        page_size=size,
        total=found.total,
    )


LEVEL_NAMES = {level.value: label for level, label in LEVEL_LABELS.items()}
