"""Indicator values by territory and period, and the lists behind them (no Litestar here).

The catalogue is what the installed packages contribute through `Extension.indicators`; the core
never imports the packages that contribute them. A value table lists every territory of the
requested level inside the requested prefix — a territory without rows is a zero or "no data"
as its computation says, never silently left out — with the population (GUS, shipped) for the
figures per 10,000 inhabitants.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, NamedTuple

from ses.errors import FieldError, NotFound, ValidationFailed
from ses.extensions import installed
from ses.indicators import batch, cache
from ses.indicators.model import (
    CODE_LENGTH,
    LEVEL_LABELS,
    BehindPage,
    Figure,
    Indicator,
    Level,
    Missing,
    Period,
    PeriodError,
    current_period,
    parse_period,
)
from ses.indicators.tables import IndicatorSnapshot
from ses.territories.services import territory_codes
from ses.territories.tables import Territory
from ses.web.params import FIRST_YEAR

MAX_BEHIND_PAGE = 200


_catalogue: tuple[Any, dict[str, Indicator]] = (None, {})


def catalogue() -> dict[str, Indicator]:
    """Every installed indicator by code, in the order the packages are installed (made once per
    set of installed packages: every dashboard request asks for it)."""
    global _catalogue
    extensions = installed()
    if _catalogue[0] is not extensions:
        out: dict[str, Indicator] = {}
        for extension in extensions:
            for indicator in extension.indicators:
                out.setdefault(indicator.code, _owned(indicator, extension.name))
        _catalogue = (extensions, out)
    return dict(_catalogue[1])


def _owned(indicator: Indicator, package: str) -> Indicator:
    if indicator.package:
        return indicator
    from dataclasses import replace

    return replace(indicator, package=package)


def indicator(code: str) -> Indicator:
    """An installed (computed) indicator."""
    found = catalogue().get(code)
    if found is None:
        raise NotFound(f"Nie ma wskaźnika o kodzie „{code}”.")
    return found


async def full_catalogue() -> dict[str, Indicator]:
    """The installed indicators and the regional programme's (loaded from a file by staff)."""
    from ses.indicators.programme_store import programme_indicators

    computed = await _with_current_targets(catalogue())
    # Kept like the values (until a write commits, 60 s at most; loading a programme clears it).
    loaded = await cache.computed_once(("programme",), lambda: programme_indicators(computed))
    return {**computed, **loaded}


async def _with_current_targets(computed: dict[str, Indicator]) -> dict[str, Indicator]:
    """The packages' indicators with the baselines and targets their packages hold now (staff may
    change them on the package's pages). Kept like the values (`cache`): staff save a target in a
    write transaction, whose commit makes the next request read them again; read on every request
    they were more than half of a computed dashboard page's time (a statement through SQLite's
    thread, twice per page: ~15 ms each on a loaded machine)."""
    from dataclasses import replace

    computed = dict(computed)  # the catalogue is shared and kept: never change it in place
    for extension in installed():
        for source in extension.indicator_targets:
            for code, current in (
                await cache.computed_once(("indicator_targets", id(source)), source)
            ).items():
                if code in computed:
                    computed[code] = replace(computed[code], baseline=current.baseline, target=current.target)
    return computed


async def find(code: str) -> Indicator:
    found = (await full_catalogue()).get(code)
    if found is None:
        raise NotFound(f"Nie ma wskaźnika o kodzie „{code}”.")
    return found


class Value(NamedTuple):
    """One territory's value (a named tuple: a snapshot of the country makes ~130,000 of them)."""

    territory: str
    name: str
    level: Level
    population: int | None
    value: float | None
    numerator: float | None
    denominator: float | None
    per_10k: float | None

    @property
    def has_data(self) -> bool:
        return self.value is not None


@dataclass(frozen=True)
class ValueTable:
    indicator: Indicator
    level: Level
    territory: str | None
    period: Period
    covered: bool
    """False: the indicator cannot answer for this period (all values are "no data")."""
    values: list[Value]
    source: str = "live"
    """`live` (computed now), `snapshot` (kept from when it was taken) or `none`."""


def read_period(text: str | None, today: date | None = None) -> Period:
    if not text:
        return current_period(today)
    try:
        return parse_period(text)
    except PeriodError as exc:
        raise ValidationFailed("Niepoprawny okres.", [FieldError("period", str(exc))]) from exc


async def check_scope(
    ind: Indicator, level_text: str | None, territory: str | None
) -> tuple[Level, str | None]:
    """The level and territory prefix asked for, or a 422 naming what is wrong."""
    problems: list[FieldError] = []
    try:
        level = Level(level_text) if level_text else _default_level(ind, territory)
    except ValueError:
        raise ValidationFailed(
            "Niepoprawny poziom terytorialny.",
            [FieldError("level", f"„{level_text}”: dozwolone voivodeship, powiat albo gmina.")],
        ) from None
    if level not in ind.levels:
        allowed = ", ".join(LEVEL_LABELS[lv] for lv in Level if lv in ind.levels)
        problems.append(FieldError("level", f"Wskaźnik {ind.code} liczy się tylko na poziomach: {allowed}."))
    if territory:
        if territory not in await territory_codes():
            problems.append(
                FieldError("territory", f"Nie ma jednostki terytorialnej o kodzie TERYT {territory}.")
            )
        elif len(territory) > CODE_LENGTH[level]:
            problems.append(
                FieldError(
                    "territory", f"Jednostka {territory} leży poniżej poziomu „{LEVEL_LABELS[level]}”."
                )
            )
    if problems:
        raise ValidationFailed("Niepoprawny zakres wartości wskaźnika.", problems)
    return level, territory or None


def _default_level(ind: Indicator, territory: str | None) -> Level:
    below = {None: Level.VOIVODESHIP, 2: Level.POWIAT, 4: Level.GMINA, 7: Level.GMINA}
    level = below.get(len(territory) if territory else None, Level.VOIVODESHIP)
    if level not in ind.levels:
        return max(ind.levels, key=lambda lv: CODE_LENGTH[lv])
    return level


_units: dict[tuple[Level, str | None], list[dict[str, Any]]] = {}


async def territories(level: Level, within: str | None) -> list[dict[str, Any]]:
    """The territories of a level inside a prefix (reference data: read once per process)."""
    key = (level, within)
    if key not in _units:
        _units[key] = await _read_territories(level, within)
    return _units[key]


async def _read_territories(level: Level, within: str | None) -> list[dict[str, Any]]:
    query = (
        Territory.select(Territory.code, Territory.name, Territory.population)
        .where(Territory.level == level.value)
        .order_by(Territory.code)
    )
    if within:
        query = query.where(Territory.code.like(f"{within}%"))
    return list(await query)


async def values(
    code: str,
    level: str | None = None,
    territory: str | None = None,
    period: str | None = None,
    today: date | None = None,
) -> ValueTable:
    ind = await find(code)
    chosen = read_period(period, today)
    scope_level, within = await check_scope(ind, level, territory)
    return await compute(ind, scope_level, within, chosen, today)


async def compute(
    ind: Indicator, level: Level, within: str | None, period: Period, today: date | None = None
) -> ValueTable:
    """The values of one indicator, level, prefix and period (kept while the data is unchanged)."""
    key = _key(ind, level, within, period, today)
    return await cache.computed_once(key, lambda: _compute(ind, level, within, period, today))


def _key(
    ind: Indicator, level: Level, within: str | None, period: Period, today: date | None
) -> tuple[Any, ...]:
    return (ind.code, id(ind.computation), level, within, period.code, today or date.today())


async def prefetch(
    wanted: Sequence[tuple[Indicator, Level]], within: str | None, period: Period, today: date | None = None
) -> None:
    """Compute the value tables of several indicators that are not kept yet together
    (`ses.indicators.batch`: the register's counts in one statement…) and keep them, so that a
    page showing many indicators (the overview, the meeting report) is a few statements cold."""
    stamp = cache.stamp_now()
    if stamp is None:
        return
    day = today or date.today()
    unique = {(ind.code, level): (ind, level) for ind, level in wanted}.values()
    todo = [
        (ind, level)
        for ind, level in unique
        if cache.get(_key(ind, level, within, period, today)) is None and ind.computation.covers(period, day)
    ]
    if len(todo) < 2:
        return
    together = await batch.figures_together(
        [ind.computation for ind, _ in todo], [[level] for _, level in todo], within, period
    )
    for (ind, level), figures in zip(todo, together, strict=True):
        units = await territories(level, within)
        table = assemble(ind, level, within, period, units, figures[level], True, "live")
        cache.put(_key(ind, level, within, period, today), stamp, table)


async def _compute(
    ind: Indicator, level: Level, within: str | None, period: Period, today: date | None = None
) -> ValueTable:
    covered = ind.computation.covers(period, today or date.today())
    source = "live"
    figures: Mapping[str, Figure] = {}
    if covered:
        figures = await ind.computation.figures(level, within, period)
    else:
        kept = await snapshot_figures(ind, level, within, period)
        covered, source = (True, "snapshot") if kept is not None else (False, "none")
        figures = kept or {}
    return assemble(ind, level, within, period, await territories(level, within), figures, covered, source)


def assemble(
    ind: Indicator,
    level: Level,
    within: str | None,
    period: Period,
    units: list[dict[str, Any]],
    figures: Mapping[str, Figure],
    covered: bool,
    source: str,
) -> ValueTable:
    """A value for every territory of `units`: its figure, a zero or "no data" (see the model)."""
    new = tuple.__new__
    rows = [
        new(Value, (code, name, level, *rest))
        for code, name, *rest in value_parts(ind, units, figures, covered, source)
    ]
    return ValueTable(
        indicator=ind,
        level=level,
        territory=within,
        period=period,
        covered=covered,
        values=rows,
        source=source,
    )


def value_parts(
    ind: Indicator, units: list[dict[str, Any]], figures: Mapping[str, Figure], covered: bool, source: str
) -> Iterator[tuple[str, str, int | None, float | None, float | None, float | None, float | None]]:
    """What `assemble` makes a `Value` of, for each territory of `units`: (code, name, population,
    value, numerator, denominator, per 10,000). A snapshot writes these as they are (no `Value` for
    each of the ~130,000 values of the country)."""
    # A snapshot stores every territory, so a territory missing from it had no data.
    zero = Figure(0) if covered and source == "live" and ind.computation.missing is Missing.ZERO else None
    with_per_10k = ind.per_10k
    for unit in units:
        code, population = unit["code"], unit["population"]
        figure = figures.get(code) or zero
        if figure is None:
            yield code, unit["name"], population, None, None, None, None
            continue
        numerator, denominator = figure.numerator, figure.denominator
        value = numerator if denominator is None else (numerator / denominator if denominator else None)
        ratio = value * 10_000 / population if with_per_10k and value is not None and population else None
        yield code, unit["name"], population, value, numerator, denominator, ratio


async def behind(
    code: str, territory: str, period: str | None, page: int, size: int
) -> tuple[Indicator, Period, BehindPage]:
    ind = await find(code)
    chosen = read_period(period)
    problems = []
    if territory not in await territory_codes():
        problems.append(
            FieldError("territory", f"Nie ma jednostki terytorialnej o kodzie TERYT {territory}.")
        )
    if page < 1:
        problems.append(FieldError("page", "Numer strony zaczyna się od 1."))
    if not 1 <= size <= MAX_BEHIND_PAGE:
        problems.append(
            FieldError("page_size", f"Rozmiar strony musi mieścić się w zakresie 1–{MAX_BEHIND_PAGE}.")
        )
    if problems:
        raise ValidationFailed("Niepoprawne zapytanie o listę za wartością wskaźnika.", problems)
    return ind, chosen, await ind.computation.behind(territory, chosen, page, size)


_names: dict[str, str] = {}


async def territory_name(code: str) -> str:
    """A territory's name (reference data: read once per process)."""
    if code not in _names:
        row = await Territory.select(Territory.name).where(Territory.code == code).first()
        if row is None:
            return code
        _names[code] = row["name"]
    return _names[code]


async def snapshot_figures(
    ind: Indicator, level: Level, within: str | None, period: Period
) -> dict[str, Figure] | None:
    """The snapshot's figures of an indicator, level and period (None: no snapshot was taken)."""
    query = IndicatorSnapshot.select(
        IndicatorSnapshot.territory,
        IndicatorSnapshot.value,
        IndicatorSnapshot.numerator,
        IndicatorSnapshot.denominator,
    ).where(
        IndicatorSnapshot.indicator_code == ind.code,
        IndicatorSnapshot.period == period.code,
        IndicatorSnapshot.level == level.value,
    )
    if within:
        query = query.where(IndicatorSnapshot.territory.like(f"{within}%"))
    rows = await query
    if not rows:
        return None
    return {
        row["territory"]: Figure(row["numerator"], row["denominator"])
        for row in rows
        if row["value"] is not None and row["numerator"] is not None
    }


MAX_SERIES_YEARS = 30


async def series(
    code: str, territory: str, start: int | None, end: int | None, today: date | None = None
) -> tuple[Indicator, list[tuple[str, float | None, str]]]:
    """The yearly values of one territory: live where the computation answers, else snapshots."""
    ind = await find(code)
    this_year = (today or date.today()).year
    last = end or this_year
    first = start or max(FIRST_YEAR, last - 4)
    problems = []
    if territory not in await territory_codes():
        problems.append(
            FieldError("territory", f"Nie ma jednostki terytorialnej o kodzie TERYT {territory}.")
        )
    if first > last or last - first >= MAX_SERIES_YEARS:
        problems.append(
            FieldError("start", f"Zakres lat musi być rosnący i krótszy niż {MAX_SERIES_YEARS} lat.")
        )
    level = {2: Level.VOIVODESHIP, 4: Level.POWIAT, 7: Level.GMINA}.get(len(territory), Level.VOIVODESHIP)
    if level not in ind.levels:
        problems.append(
            FieldError("territory", f"Wskaźnik {ind.code} nie liczy się na poziomie tej jednostki.")
        )
    if problems:
        raise ValidationFailed("Niepoprawne zapytanie o szereg czasowy.", problems)
    out = []
    for year in range(first, last + 1):
        table = await compute(ind, level, territory, parse_period(str(year)), today)
        own = next((v for v in table.values if v.territory == territory), None)
        out.append((str(year), own.value if own else None, table.source if table.covered else "none"))
    return ind, out
