"""The composite condition index under /panel/indeks: the ranking of powiats (or the gminas of a
powiat) with each component's part, the rank range under ±10 % weights, and the method; staff set
the weights at /panel/indeks/wagi."""

from __future__ import annotations

from typing import Any

from litestar import Request, get, post
from litestar.params import FromQuery
from litestar.response import Redirect, Template

from ses.audit.channel import Channel
from ses.auth.policy import Role, allow
from ses.errors import DomainError, FieldError, ValidationFailed
from ses.indicators import composite, index_service, services
from ses.indicators.display import name, number
from ses.indicators.pages import READERS, _years, region_code
from ses.web.context import actor_of
from ses.web.i18n import gettext
from ses.web.pages import Form, field, page, problems_of

FORM_ROWS = 10
LEVELS = {"powiat": "powiaty", "gmina": "gminy"}


def _crumbs(*more: tuple[str, str]) -> list[tuple[str, str]]:
    return [("/panel", gettext("Panel RKRES")), ("/panel/indeks", gettext("Indeks kondycji sektora")), *more]


@get("/panel/indeks", guards=[allow(*READERS)], include_in_schema=False)
async def index_page(
    request: Request[Any, Any, Any],
    poziom: FromQuery[str] = "",
    teryt: FromQuery[str] = "",
    okres: FromQuery[str] = "",
    zapisano: FromQuery[str] = "",
) -> Template:
    region = await region_code()
    level = poziom if poziom in LEVELS else "powiat"
    within = teryt if level == "gmina" and len(teryt) == 4 else region
    try:
        table = await index_service.index_table(level, within, okres or None, region)
    except DomainError as exc:
        return page(
            request,
            "panel/index.html.j2",
            422,
            table=None,
            breadcrumbs=_crumbs(),
            **problems_of(exc),
            **_texts(),
        )
    period = table.period
    rows = []
    for standing in table.standings:
        weakest = standing.weakest
        rows.append(
            {
                "code": standing.territory,
                "name": table.names.get(standing.territory, standing.territory),
                "rank": standing.rank,
                "index": number(standing.index, 1),
                "has_index": standing.index is not None,
                "range": f"{standing.rank_best}–{standing.rank_worst}" if standing.rank is not None else "—",
                "steady": standing.rank_best == standing.rank_worst,
                "weakest": name(table.indicators[weakest.code]) if weakest else "—",
                "coverage": number(100 * standing.coverage, 0) + "\u00a0%",
                "parts": [
                    {
                        "raw": number(part.raw, 2),
                        "score": number(part.score, 2),
                        "has": part.score is not None,
                        "contribution": number(part.contribution, 1),
                    }
                    for part in standing.parts
                ],
                "drill": f"/panel/indeks?poziom=gmina&teryt={standing.territory}&okres={period.code}"
                if level == "powiat"
                else "",
            }
        )
    components = [
        {
            "code": code,
            "name": name(table.indicators[code]),
            "weight": number(weight, 3),
            "per_10k": table.indicators[code].per_10k,
            "lower_better": table.indicators[code].direction.value == "lower_better",
        }
        for code, weight in table.weighting.components
    ]
    return page(
        request,
        "panel/index.html.j2",
        table=table,
        rows=rows,
        components=components,
        level=level,
        within_name=await services.territory_name(table.territory),
        period=period,
        years=_years(period),
        method_label=gettext(composite.METHODS.get(table.weighting.method, table.weighting.method)),
        breadcrumbs=_crumbs(),
        notices=[gettext("Zapisano wagi indeksu.")] if zapisano else [],
        **_texts(),
    )


def _texts() -> dict[str, str]:
    return {
        "method_text": gettext(composite.METHOD_TEXT),
        "missing_text": gettext(composite.MISSING_TEXT),
        "sensitivity_text": gettext(composite.SENSITIVITY_TEXT),
    }


async def _weights_page(request: Request[Any, Any, Any], status: int = 200, **extra: Any) -> Template:
    chosen = await index_service.weighting()
    catalogue = await services.full_catalogue()
    eligible = index_service.eligible(catalogue)
    choices = [(code, f"{name(catalogue[code])} ({code})") for code, directed in eligible.items() if directed]
    form = extra.pop("form", None)
    if form is None:
        form = {"method": chosen.method, "reason": ""}
        for position, (code, weight) in enumerate(chosen.components):
            form[f"indicator_{position}"] = code
            form[f"weight_{position}"] = f"{weight:g}".replace(".", ",")
    return page(
        request,
        "panel/index_weights.html.j2",
        status,
        weighting=chosen,
        choices=choices,
        form=form,
        rows=range(FORM_ROWS),
        methods={key: gettext(label) for key, label in composite.METHODS.items()},
        breadcrumbs=_crumbs(("", gettext("Wagi indeksu"))),
        **_texts(),
        **extra,
    )


@get("/panel/indeks/wagi", guards=[allow(Role.STAFF)], include_in_schema=False)
async def weights_page(request: Request[Any, Any, Any]) -> Template:
    return await _weights_page(request)


def _pairs(data: dict[str, Any]) -> list[tuple[str, float]]:
    pairs: list[tuple[str, float]] = []
    problems = []
    for position in range(FORM_ROWS):
        code = field(data, f"indicator_{position}").strip()
        text = field(data, f"weight_{position}").strip().replace(",", ".")
        if not code and not text:
            continue
        try:
            weight = float(text)
        except ValueError:
            problems.append(
                FieldError(
                    f"components.{len(pairs)}.weight", f"Wiersz {position + 1}: podaj wagę (np. 0,25)."
                )
            )
            weight = float("nan")
        if not code:
            problems.append(
                FieldError(f"components.{len(pairs)}.indicator", f"Wiersz {position + 1}: wybierz wskaźnik.")
            )
        pairs.append((code, weight))
    if problems:
        raise ValidationFailed("Wagi indeksu nie zostały zapisane.", problems)
    return pairs


@post("/panel/indeks/wagi", guards=[allow(Role.STAFF)], include_in_schema=False)
async def save_weights(request: Request[Any, Any, Any], data: Form) -> Template | Redirect:
    try:
        await index_service.set_weighting(
            field(data, "method"), _pairs(data), field(data, "reason"), actor_of(request, Channel.WEB)
        )
    except DomainError as exc:
        return await _weights_page(request, 422, form=data, **problems_of(exc))
    return Redirect("/panel/indeks?zapisano=1", status_code=303)


ROUTES = (index_page, weights_page, save_weights)
