"""What an indicator is (pure: no database, no Litestar).

An `Indicator` is a typed definition — code, names in Polish and English, definition, unit,
direction, the territorial levels it applies to, programme, baseline and target with their years,
source — and exactly one `Computation`. A computation answers, for one level, one territory
prefix and one period, a `Figure` per territory (numerator and, for shares, a denominator), in one
SQL GROUP BY where it aggregates rows; and it lists what a value was computed from (`behind`), with
the same filters, so every number on every page leads to the organisations (or ties) behind it.

"No data" is never zero: a computation says whether a territory without rows is a true zero
(`Missing.ZERO`: the register is complete, an absent gmina has none) or unknown
(`Missing.NO_DATA`: nobody reported), and whether it can answer for a period at all (`covers`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any, NamedTuple, Protocol

from ses.web.i18n import N_


class Level(StrEnum):
    VOIVODESHIP = "voivodeship"
    POWIAT = "powiat"
    GMINA = "gmina"


LEVEL_LABELS = {Level.VOIVODESHIP: N_("województwo"), Level.POWIAT: N_("powiat"), Level.GMINA: N_("gmina")}
CODE_LENGTH = {Level.VOIVODESHIP: 2, Level.POWIAT: 4, Level.GMINA: 7}
ALL_LEVELS = frozenset(Level)


class Unit(StrEnum):
    COUNT = "count"
    PERCENT = "percent"
    RATIO = "ratio"
    PEOPLE = "people"


UNIT_LABELS = {
    Unit.COUNT: N_("liczba"),
    Unit.PERCENT: N_("%"),
    Unit.RATIO: N_("wskaźnik"),
    Unit.PEOPLE: N_("osoby"),
}


class Direction(StrEnum):
    HIGHER_BETTER = "higher_better"
    LOWER_BETTER = "lower_better"
    NEUTRAL = "neutral"


DIRECTION_LABELS = {
    Direction.HIGHER_BETTER: N_("im więcej, tym lepiej"),
    Direction.LOWER_BETTER: N_("im mniej, tym lepiej"),
    Direction.NEUTRAL: N_("opisowy"),
}


class Programme(StrEnum):
    KPRES = "kpres"
    REGIONAL = "regional"
    SES = "ses"


PROGRAMME_LABELS = {
    Programme.KPRES: N_("Krajowy Program Rozwoju Ekonomii Społecznej (KPRES)"),
    Programme.REGIONAL: N_("regionalny program rozwoju ekonomii społecznej"),
    Programme.SES: N_("wskaźniki własne SES"),
}


class Nature(StrEnum):
    """Outputs (what was done) and outcomes (what changed) are kept apart and labelled."""

    CONTEXT = "context"
    OUTPUT = "output"
    OUTCOME = "outcome"


NATURE_LABELS = {
    Nature.CONTEXT: N_("stan sektora"),
    Nature.OUTPUT: N_("produkt"),
    Nature.OUTCOME: N_("rezultat"),
}


class Missing(StrEnum):
    ZERO = "zero"
    NO_DATA = "no_data"


class Basis(StrEnum):
    """What the list behind a value holds."""

    ORGANISATIONS = "organisations"
    TIES = "ties"


@dataclass(frozen=True)
class Period:
    """A calendar year (`2025`) or quarter (`2025-Q3`)."""

    code: str
    start: date
    end: date

    @property
    def is_year(self) -> bool:
        return len(self.code) == 4

    @property
    def year(self) -> int:
        return self.start.year

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end

    def previous(self) -> Period:
        """The period before (never refused: the year before 2000 is a real, if empty, period)."""
        if self.is_year:
            return _period(self.year - 1)
        quarter = int(self.code[-1])
        return _period(self.year, quarter - 1) if quarter > 1 else _period(self.year - 1, 4)


_PERIOD = re.compile(r"^(\d{4})(?:-Q([1-4]))?$")


class PeriodError(ValueError):
    pass


def parse_period(text: str) -> Period:
    match = _PERIOD.match(text.strip())
    if match is None or not 2000 <= int(match.group(1)) <= 2100:
        raise PeriodError(f"Okres „{text}” nie jest rokiem (np. 2025) ani kwartałem (np. 2025-Q3).")
    return _period(int(match.group(1)), int(match.group(2)) if match.group(2) else None)


def _period(year: int, quarter: int | None = None) -> Period:
    if quarter is None:
        return Period(code=str(year), start=date(year, 1, 1), end=date(year, 12, 31))
    start = date(year, 3 * quarter - 2, 1)
    end = date(year + 1, 1, 1) if quarter == 4 else date(year, 3 * quarter + 1, 1)
    return Period(code=f"{year}-Q{quarter}", start=start, end=date.fromordinal(end.toordinal() - 1))


def current_period(today: date | None = None) -> Period:
    return parse_period(str((today or date.today()).year))


class Figure(NamedTuple):
    """One territory's figure: a count or sum, or a share `numerator / denominator`. A named tuple,
    not a dataclass: a snapshot of the country makes ~130,000 of them, and a frozen dataclass's
    `__init__` costs several times a tuple's."""

    numerator: float
    denominator: float | None = None

    @property
    def value(self) -> float | None:
        if self.denominator is None:
            return self.numerator
        if not self.denominator:
            return None
        return self.numerator / self.denominator


@dataclass(frozen=True)
class Column:
    key: str
    label: str


@dataclass(frozen=True)
class BehindPage:
    """One page of what a value was computed from, as a table a committee member may see."""

    basis: Basis
    columns: Sequence[Column]
    rows: Sequence[Mapping[str, Any]]
    total: int


class Computation(Protocol):
    """How an indicator's values are computed; see the module docstring."""

    basis: Basis
    missing: Missing
    # Optional `additive = True`: figures by gmina sum up to powiats and voivodeships (counts, sums,
    # shares kept as numerator and denominator), so a whole snapshot computes each once.

    def covers(self, period: Period, today: date) -> bool:
        """False when this computation cannot answer for the period at all (all "no data")."""
        ...

    async def figures(self, level: Level, within: str | None, period: Period) -> Mapping[str, Figure]:
        """Figures by territory code of `level`, inside the TERYT prefix `within` when given."""
        ...

    async def behind(self, territory: str, period: Period, page: int, size: int) -> BehindPage:
        """What the value of `territory` (any level) in `period` was computed from."""
        ...


@dataclass(frozen=True)
class Benchmark:
    """A baseline or a target: a value and the year it refers to."""

    value: float
    year: int


@dataclass(frozen=True)
class Indicator:
    code: str
    name_pl: str
    name_en: str
    definition: str
    unit: Unit
    computation: Computation
    direction: Direction = Direction.HIGHER_BETTER
    levels: frozenset[Level] = ALL_LEVELS
    programme: Programme = Programme.SES
    nature: Nature = Nature.CONTEXT
    source: str = "SES"
    group: str = ""
    """A heading the dashboards group indicators under (e.g. "Podmioty ekonomii społecznej")."""
    per_10k: bool = False
    """Also shown per 10,000 inhabitants (counts that grow with population)."""
    baseline: Benchmark | None = None
    target: Benchmark | None = None
    package: str = field(default="", compare=False)
    """The package that contributed it (filled in by the catalogue)."""


def per_10k(value: float | None, population: int | None) -> float | None:
    if value is None or not population:
        return None
    return value * 10_000 / population


_CODE = re.compile(r"^[a-z0-9][a-z0-9_.\-]{1,79}$")


def check_code(code: str) -> bool:
    return bool(_CODE.match(code))


@dataclass(frozen=True)
class DashboardPanel:
    """A section of the committee's overview: a heading and the indicators shown under it, by code
    (a code no installed package contributes is skipped, so a panel may name optional indicators)."""

    key: str
    title: str
    indicators: Sequence[str]
    order: int = 50
    description: str = ""
