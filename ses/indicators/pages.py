"""The committee's dashboards under /panel (Polish URLs): the region's overview, one indicator
with its map, table, trend and downloads, drill-down region → powiat → gmina, and the list of
organisations (or ties) behind every number, with the same filters.

Every chart has its data table beside it (the accessible equivalent: the map reads its numbers
from that table) and a CSV/XLSX download of the same figures. Pages only read aggregates and
public fields of the register: never report contents, contact persons or verifications.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import date
from typing import Any
from urllib.parse import urlencode

from litestar import Request, Response, get
from litestar.params import FromPath, FromQuery
from litestar.response import Template
from markupsafe import Markup
from piccolo.query.functions.aggregate import Count

from ses.auth.policy import Role, allow
from ses.errors import DomainError
from ses.extensions import installed
from ses.indicators import cache, downloads, meeting_report, services
from ses.indicators.display import formatted, name, no_data, number, progress, verdict
from ses.indicators.maps import map_geojson, map_geojson_gzipped
from ses.indicators.model import (
    CODE_LENGTH,
    LEVEL_LABELS,
    NATURE_LABELS,
    PROGRAMME_LABELS,
    UNIT_LABELS,
    DashboardPanel,
    Indicator,
    Level,
    Period,
    current_period,
    parse_period,
)
from ses.indicators.static_assets import CSP_CHARTS, chart_head
from ses.register.tables import Organisation
from ses.web.i18n import N_, current_language, gettext
from ses.web.pages import page, problems_of

READERS = (Role.COMMITTEE, Role.STAFF, Role.REVIEWER)
YEARS_SHOWN = 5
BEHIND_PAGE = 50
LEVEL_OF_LENGTH = {2: Level.VOIVODESHIP, 4: Level.POWIAT, 7: Level.GMINA}
NEXT_LEVEL = {Level.VOIVODESHIP: Level.POWIAT, Level.POWIAT: Level.GMINA, Level.GMINA: Level.GMINA}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


async def region_code() -> str:
    """The ROPS's voivodeship: SES_REGION, else the voivodeship holding most of the register."""
    configured = os.environ.get("SES_REGION", "").strip()
    if configured:
        return configured
    return str(await cache.computed_once(("region",), _largest_voivodeship))


async def _largest_voivodeship() -> str:
    row = (
        await Organisation.select(Organisation.voivodeship_code, Count(alias="n"))
        .group_by(Organisation.voivodeship_code)
        .order_by(Count(alias="n"), ascending=False)
        .first()
    )
    return str(row["voivodeship_code"]) if row else "04"


def _period(text: str) -> Period:
    try:
        return parse_period(text) if text else current_period()
    except ValueError:
        return current_period()


def _years(period: Period) -> list[str]:
    this = date.today().year
    return [str(year) for year in range(this, this - YEARS_SHOWN - 1, -1)] + (
        [period.code] if not period.is_year else []
    )


def _link(path: str, **params: str) -> str:
    return f"{path}?{urlencode({k: v for k, v in params.items() if v})}"


@dataclass(frozen=True)
class Row:
    """One line of an overview panel: an indicator's value in the region."""

    indicator: Indicator
    name: str
    has_data: bool
    value: str
    per_10k: str
    baseline: str
    target: str
    progress: str
    verdict: str
    href: str
    behind: str


def overview_level(ind: Indicator, region: str) -> Level:
    """The level an overview row reads the region's value at (its own, else the coarsest)."""
    level = LEVEL_OF_LENGTH[len(region)]
    if level not in ind.levels:
        level = min(ind.levels, key=lambda lv: CODE_LENGTH[lv])
    return level


async def _overview_row(ind: Indicator, region: str, period: Period) -> Row:
    level = overview_level(ind, region)
    table = await services.compute(ind, level, region, period)
    own = next((v for v in table.values if v.territory == region), None)
    value = own.value if own else None
    done = progress(ind, value)
    return Row(
        indicator=ind,
        name=name(ind),
        has_data=value is not None,
        value=formatted(ind, value),
        per_10k=number(own.per_10k, 2)
        if own and own.per_10k is not None
        else ("—" if not ind.per_10k else no_data()),
        baseline=f"{formatted(ind, ind.baseline.value)} ({ind.baseline.year})" if ind.baseline else "—",
        target=f"{formatted(ind, ind.target.value)} ({ind.target.year})" if ind.target else "—",
        progress=f"{number(done)} %" if done is not None else "—",
        verdict=verdict(ind, value),
        href=_link(f"/panel/wskazniki/{ind.code}", teryt=region, okres=period.code),
        behind=_link("/panel/lista", wskaznik=ind.code, teryt=region, okres=period.code),
    )


def panels() -> list[DashboardPanel]:
    return sorted(
        (panel for extension in installed() for panel in extension.dashboard_panels), key=lambda p: p.order
    )


@get("/panel", guards=[allow(*READERS)], include_in_schema=False)
async def overview(request: Request[Any, Any, Any], okres: FromQuery[str] = "") -> Template:
    period = _period(okres)
    region = await region_code()
    key = ("panel.overview", region, period.code, current_language())
    body = await cache.computed_once(key, lambda: _overview_body(request, region, period))
    return page(
        request,
        "panel/overview.html.j2",
        region=region,
        region_name=await services.territory_name(region),
        period=period,
        years=_years(period),
        body=body,
        breadcrumbs=[("", gettext("Panel RKRES"))],
    )


async def _overview_body(request: Request[Any, Any, Any], region: str, period: Period) -> Markup:
    """The overview's tables, rendered once while the data is unchanged (`cache`): a computed
    panel then costs a lookup, not 60 rows of Jinja and number formatting per reader."""
    catalogue = await services.full_catalogue()
    wanted = [(ind, overview_level(ind, region)) for ind in catalogue.values()]
    await services.prefetch(wanted, region, period)
    sections = []
    for panel in panels():
        rows = [
            await _overview_row(catalogue[code], region, period)
            for code in panel.indicators
            if code in catalogue
        ]
        if rows:
            sections.append({"panel": panel, "rows": rows})
    programme = [
        await _overview_row(ind, region, period)
        for ind in catalogue.values()
        if ind.target is not None and Level.VOIVODESHIP in ind.levels
    ]
    return _render(
        request,
        "panel/_overview_body.html.j2",
        region_name=await services.territory_name(region),
        period=period,
        sections=sections,
        programme=programme,
        nature_labels={n.value: label for n, label in NATURE_LABELS.items()},
    )


def _render(request: Request[Any, Any, Any], template: str, **context: Any) -> Markup:
    """A part of a page rendered apart (to be kept), in the reader's language."""
    engine = request.app.template_engine.engine  # type: ignore[union-attr]
    return Markup(engine.get_template(template).render(**context))


def _scope(ind: Indicator, teryt: str, poziom: str) -> tuple[str, str]:
    if poziom:
        return teryt, poziom
    level = NEXT_LEVEL[LEVEL_OF_LENGTH.get(len(teryt), Level.VOIVODESHIP)]
    if level not in ind.levels:
        level = max((lv for lv in ind.levels), key=lambda lv: CODE_LENGTH[lv])
        if CODE_LENGTH[level] < len(teryt):
            level = LEVEL_OF_LENGTH[len(teryt)]
    return teryt, level.value


async def _crumbs(ind: Indicator, teryt: str, period: Period) -> list[tuple[str, str]]:
    """Panel › the indicator in the region › its powiat › its gmina (drill-down, the way back up)."""
    out = [("/panel", gettext("Panel RKRES"))]
    for width in (2, 4, 7):
        if len(teryt) >= width:
            unit = teryt[:width]
            label = await services.territory_name(unit)
            out.append((_link(f"/panel/wskazniki/{ind.code}", teryt=unit, okres=period.code), label))
    return out


@get("/panel/wskazniki/{code:str}", guards=[allow(*READERS)], include_in_schema=False)
async def indicator_page(
    request: Request[Any, Any, Any],
    code: FromPath[str],
    teryt: FromQuery[str] = "",
    poziom: FromQuery[str] = "",
    okres: FromQuery[str] = "",
    miara: FromQuery[str] = "",
) -> Template:
    ind = await services.find(code)
    measure = "liczba" if miara == "liczba" or not ind.per_10k else "na10tys"
    teryt = teryt or await region_code()
    within, level_text = _scope(ind, teryt, poziom)
    try:
        table = await services.values(code, level_text, within, okres or None)
    except DomainError as exc:
        return page(
            request,
            "panel/indicator.html.j2",
            422,
            ind=ind,
            ind_name=name(ind),
            table=None,
            breadcrumbs=[("/panel", gettext("Panel RKRES")), ("", name(ind))],
            place="",
            unit_label=gettext(UNIT_LABELS[ind.unit]),
            programme_label=PROGRAMME_LABELS[ind.programme],
            nature_label=NATURE_LABELS[ind.nature],
            **problems_of(exc),
        )
    period = table.period
    key = (
        "panel.indicator",
        code,
        id(ind.computation),
        within,
        table.level,
        period.code,
        measure,
        current_language(),
    )
    body = await cache.computed_once(key, lambda: _indicator_body(request, ind, table, within, measure))
    shown = page(
        request,
        "panel/indicator.html.j2",
        **chart_head(),
        ind=ind,
        table=table,
        body=body,
        ind_name=name(ind),
        place=await services.territory_name(within) if within else gettext("Polska"),
        breadcrumbs=await _crumbs(ind, within, period) if within else [("/panel", gettext("Panel RKRES"))],
        unit_label=gettext(UNIT_LABELS[ind.unit]),
        programme_label=PROGRAMME_LABELS[ind.programme],
        nature_label=NATURE_LABELS[ind.nature],
    )
    shown.headers["Content-Security-Policy"] = CSP_CHARTS
    return shown


async def _indicator_body(
    request: Request[Any, Any, Any],
    ind: Indicator,
    table: services.ValueTable,
    within: str | None,
    measure: str,
) -> Markup:
    """The map, the table of every territory, the trend and the downloads, rendered once while the
    data is unchanged (`cache`): 314 gminas' rows cost ~50–100 ms of Jinja and number formatting
    on a loaded machine, which eight readers at once would otherwise pay on every request."""
    code, period = ind.code, table.period
    earlier = await services.compute(ind, table.level, within, period.previous())
    before = {value.territory: value.value for value in earlier.values}
    rows = []
    for value in table.values:
        deeper = value.level is not Level.GMINA and NEXT_LEVEL[value.level] in ind.levels
        rows.append(
            {
                "code": value.territory,
                "name": value.name,
                "value": formatted(ind, value.value),
                "raw": "" if value.value is None else repr(round(value.value, 4)),
                "per_10k": number(value.per_10k, 2) if value.per_10k is not None else no_data(),
                "raw_per_10k": "" if value.per_10k is None else repr(round(value.per_10k, 4)),
                "population": number(value.population) if value.population else no_data(),
                "has_data": value.has_data,
                "change": _change(ind, value.value, before.get(value.territory)),
                "behind": _link("/panel/lista", wskaznik=code, teryt=value.territory, okres=period.code),
                "drill": _link(f"/panel/wskazniki/{code}", teryt=value.territory, okres=period.code)
                if deeper
                else "",
            }
        )
    trend = []
    own_level = LEVEL_OF_LENGTH[len(within)] if within else Level.VOIVODESHIP
    if own_level in ind.levels and within:
        for year in sorted(_years(period)[:YEARS_SHOWN], key=str):
            one = await services.compute(ind, own_level, within, parse_period(year))
            own = one.values[0] if one.values else None
            trend.append(
                {
                    "period": year,
                    "value": formatted(ind, own.value if own else None),
                    "raw": "" if not own or own.value is None else repr(round(own.value, 4)),
                }
            )
    query = {"teryt": within or "", "poziom": table.level.value, "okres": period.code}
    return _render(
        request,
        "panel/_indicator_body.html.j2",
        ind=ind,
        table=table,
        rows=rows,
        measure=measure,
        previous=period.previous(),
        # Translated here, not with `_()` in the template: Jinja formats what `_()` returns with `%`,
        # and the unit of a share is "%" (the page answered 500 for every percentage indicator).
        measure_label=gettext(
            N_("na 10 tys. mieszkańców") if measure == "na10tys" else UNIT_LABELS[ind.unit]
        ),
        trend=trend,
        ind_name=name(ind),
        place=await services.territory_name(within) if within else gettext("Polska"),
        period=period,
        years=_years(period),
        teryt=within,
        level_labels=_level_labels(),
        map_url=_link(f"/panel/granice/{table.level.value}", teryt=within or ""),
        downloads={
            "csv": _link(f"/panel/wskazniki/{code}/dane.csv", **query),
            "xlsx": _link(f"/panel/wskazniki/{code}/dane.xlsx", **query),
        },
        levels=[lv for lv in Level if lv in ind.levels and CODE_LENGTH[lv] >= len(within or "")],
    )


def _change(ind: Indicator, now: float | None, then: float | None) -> str:
    """The change since the previous period, signed ("brak danych" when either has no data)."""
    if now is None or then is None:
        return no_data()
    difference = now - then
    text = formatted(ind, abs(difference))
    return ("+" if difference > 0 else "−" if difference < 0 else "±") + text


def _level_labels() -> dict[str, str]:
    return {level.value: label for level, label in LEVEL_LABELS.items()}


async def _download(code: str, teryt: str, poziom: str, okres: str) -> tuple[services.ValueTable, str]:
    table = await services.values(code, poziom or None, teryt or None, okres or None)
    name = f"{code}_{table.territory or 'PL'}_{table.level.value}_{table.period.code}"
    return table, name


@get("/panel/wskazniki/{code:str}/dane.csv", guards=[allow(*READERS)], include_in_schema=False)
async def values_csv(
    code: FromPath[str], teryt: FromQuery[str] = "", poziom: FromQuery[str] = "", okres: FromQuery[str] = ""
) -> Response[bytes]:
    table, name = await _download(code, teryt, poziom, okres)
    return Response(
        downloads.csv_bytes(downloads.HEADER, downloads.rows_of(table)),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}.csv"'},
    )


@get("/panel/wskazniki/{code:str}/dane.xlsx", guards=[allow(*READERS)], include_in_schema=False)
async def values_xlsx(
    code: FromPath[str], teryt: FromQuery[str] = "", poziom: FromQuery[str] = "", okres: FromQuery[str] = ""
) -> Response[bytes]:
    table, name = await _download(code, teryt, poziom, okres)
    return Response(
        downloads.xlsx_bytes(table.indicator.code, downloads.HEADER, downloads.rows_of(table)),
        media_type=XLSX,
        headers={"Content-Disposition": f'attachment; filename="{name}.xlsx"'},
    )


@get("/panel/granice/{level:str}", guards=[allow(*READERS)], include_in_schema=False)
async def boundaries(
    request: Request[Any, Any, Any], level: FromPath[str], teryt: FromQuery[str] = ""
) -> Response[bytes]:
    if level not in {lv.value for lv in Level} or not teryt.isdigit() and teryt:
        return Response(
            b'{"type":"FeatureCollection","features":[]}', media_type="application/geo+json", status_code=404
        )
    headers = {"Cache-Control": "private, max-age=3600", "Vary": "Accept-Encoding"}
    if "gzip" in request.headers.get("accept-encoding", ""):
        headers["Content-Encoding"] = "gzip"
        return Response(map_geojson_gzipped(level, teryt), media_type="application/geo+json", headers=headers)
    return Response(map_geojson(level, teryt), media_type="application/geo+json", headers=headers)


@get("/panel/lista", guards=[allow(*READERS)], include_in_schema=False)
async def behind_page(
    request: Request[Any, Any, Any],
    wskaznik: FromQuery[str] = "",
    teryt: FromQuery[str] = "",
    okres: FromQuery[str] = "",
    strona: FromQuery[int] = 1,
) -> Template:
    try:
        ind, period, found = await services.behind(
            wskaznik, teryt, okres or None, max(strona, 1), BEHIND_PAGE
        )
    except DomainError as exc:
        return page(
            request,
            "panel/behind.html.j2",
            exc.status,
            found=None,
            breadcrumbs=[("/panel", gettext("Panel RKRES")), ("", gettext("Lista za wartością wskaźnika"))],
            **problems_of(exc),
        )
    level = LEVEL_OF_LENGTH[len(teryt)]
    value_table = await services.compute(ind, level, teryt, period) if level in ind.levels else None
    own = value_table.values[0] if value_table and value_table.values else None
    pages = max(1, -(-found.total // BEHIND_PAGE))
    base = {"wskaznik": wskaznik, "teryt": teryt, "okres": period.code}
    return page(
        request,
        "panel/behind.html.j2",
        ind=ind,
        period=period,
        found=found,
        territory_name=await services.territory_name(teryt),
        teryt=teryt,
        level_label=LEVEL_LABELS[level],
        value=formatted(ind, own.value) if own else "—",
        ind_name=name(ind),
        breadcrumbs=[
            *(await _crumbs(ind, teryt, period)),
            ("", gettext("Lista")),
        ],
        strona=strona,
        pages=pages,
        prev=_link("/panel/lista", **base, strona=str(strona - 1)) if strona > 1 else "",
        next=_link("/panel/lista", **base, strona=str(strona + 1)) if strona < pages else "",
    )


@get("/panel/raport", guards=[allow(*READERS)], include_in_schema=False)
async def meeting_report_page(request: Request[Any, Any, Any], okres: FromQuery[str] = "") -> Template:
    period = _period(okres)
    report = await meeting_report.build(await region_code(), period)
    return page(
        request,
        "panel/report.html.j2",
        report=report,
        years=_years(period),
        breadcrumbs=[("/panel", gettext("Panel RKRES")), ("", gettext("Raport na posiedzenie"))],
    )


@get("/panel/raport.docx", guards=[allow(*READERS)], include_in_schema=False)
async def meeting_report_docx(okres: FromQuery[str] = "") -> Response[bytes]:
    period = _period(okres)
    region = await region_code()

    async def made() -> bytes:
        return meeting_report.docx_bytes(await meeting_report.build(region, period))

    # Kept like the values it is made of: asked again, the same document is not written again.
    data = await cache.computed_once(("panel.report.docx", region, period.code), made)
    return Response(
        data,
        media_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        headers={
            "Content-Disposition": f'attachment; filename="stan-ekonomii-spolecznej-{period.code}.docx"'
        },
    )


ROUTES: list[Any] = [
    overview,
    indicator_page,
    values_csv,
    values_xlsx,
    boundaries,
    behind_page,
    meeting_report_page,
    meeting_report_docx,
]
