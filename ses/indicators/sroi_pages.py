"""SROI pages under /panel/sroi: analyses with their ratio and range (the committee reads), one
analysis with every outcome, proxy and adjustment shown, the proxy library; staff add proxies and
analyses through forms (refused whole, naming the field)."""

from __future__ import annotations

from typing import Any

from litestar import Request, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Template

from ses.audit.channel import Channel
from ses.auth.policy import Role, allow
from ses.errors import DomainError
from ses.indicators import sroi, sroi_service
from ses.indicators.pages import READERS
from ses.web.context import actor_of
from ses.web.i18n import fmt_number, gettext
from ses.web.pages import FIELD_LABELS, Form, field, page, problems_of

FORM_OUTCOMES = 5
LABELS = {
    **FIELD_LABELS,
    "name": "Nazwa",
    "unit": "Jednostka",
    "value_pln": "Wartość (zł za jednostkę)",
    "source": "Źródło",
    "year": "Rok",
    "title": "Tytuł",
    "scope": "Zakres",
    "organisation_id": "Organizacja (nr w rejestrze)",
    "investment_pln": "Nakład (zł)",
    "duration_years": "Czas trwania efektu (lata)",
    "discount_rate": "Stopa dyskonta (%)",
    "outcomes": "Rezultaty",
}
for _n in range(FORM_OUTCOMES):
    for _key, _label in (
        ("stakeholder", "interesariusz"),
        ("description", "opis"),
        ("quantity", "liczba"),
        ("proxy_id", "wartość finansowa"),
        *sroi.ADJUSTMENTS.items(),
    ):
        LABELS[f"outcomes.{_n}.{_key}"] = f"Rezultat {_n + 1}: {_label}"


def _scopes() -> dict[str, str]:
    return {key: gettext(label) for key, label in sroi_service.SCOPES.items()}


def _adjustments() -> dict[str, str]:
    return {key: gettext(label) for key, label in sroi.ADJUSTMENTS.items()}


def scenario_label(label: str) -> str:
    """A sensitivity row's label (`<adjustment>: −10 p.p.`) in the reader's language."""
    name, _, change = label.rpartition(": ")
    return f"{gettext(name)}: {change}" if name else gettext(label)


def pln(value: Any) -> str:
    """An amount in złoty with grosze, in the reader's number format (1 234,50 zł; 1,234.50 zł)."""
    return fmt_number(sroi.pln(value), 2, fixed=True) + "\u00a0zł"


def ratio(value: float | None) -> str:
    """Always two decimals (1,50 or 1.50), so ratios line up and compare at a glance."""
    return fmt_number(value, 2, fixed=True)


def num(value: Any) -> str:
    """A quantity or a percentage: whole, or with one decimal (25,5; 25.5)."""
    return fmt_number(value, 1)


def _crumbs(*more: tuple[str, str]) -> list[tuple[str, str]]:
    return [("/panel", gettext("Panel RKRES")), ("/panel/sroi", gettext("SROI")), *more]


def _is_staff(request: Request[Any, Any, Any]) -> bool:
    user = request.scope.get("user")
    return getattr(getattr(user, "role", None), "value", "") in ("staff", "admin")


@get("/panel/sroi", guards=[allow(*READERS)], include_in_schema=False)
async def sroi_list(request: Request[Any, Any, Any]) -> Template:
    rows = await sroi_service.analyses()
    return page(
        request,
        "panel/sroi_list.html.j2",
        rows=rows,
        scopes=_scopes(),
        pln=pln,
        ratio=ratio,
        can_edit=_is_staff(request),
        separation=gettext(sroi.SEPARATION_TEXT),
        breadcrumbs=_crumbs(),
    )


@get("/panel/sroi/{analysis_id:int}", guards=[allow(*READERS)], include_in_schema=False)
async def sroi_page(request: Request[Any, Any, Any], analysis_id: FromPath[int]) -> Template:
    row = await sroi_service.analysis(analysis_id)
    return page(
        request,
        "panel/sroi.html.j2",
        row=row,
        result=row["result"],
        outcomes=list(zip(row["outcome_rows"], row["result"].outcomes, strict=True)),
        scopes=_scopes(),
        pln=pln,
        ratio=ratio,
        pct=lambda v: num(v) + "\u00a0%",
        num=num,
        scenario_label=scenario_label,
        method=gettext(sroi.METHOD_TEXT),
        sensitivity=gettext(sroi.SENSITIVITY_TEXT),
        separation=gettext(sroi.SEPARATION_TEXT),
        breadcrumbs=_crumbs(("", row["title"])),
    )


async def _proxies_page(request: Request[Any, Any, Any], status: int = 200, **extra: Any) -> Template:
    return page(
        request,
        "panel/sroi_proxies.html.j2",
        status,
        proxies=await sroi_service.proxies(),
        pln=pln,
        can_edit=_is_staff(request),
        form=extra.pop("form", {}),
        field_labels=LABELS,
        breadcrumbs=_crumbs(("", gettext("Biblioteka wartości finansowych"))),
        **extra,
    )


@get("/panel/sroi/proxy", guards=[allow(*READERS)], include_in_schema=False)
async def proxies_page(request: Request[Any, Any, Any]) -> Template:
    return await _proxies_page(request)


@post("/panel/sroi/proxy", guards=[allow(Role.STAFF)], include_in_schema=False)
async def add_proxy(request: Request[Any, Any, Any], data: Form) -> Template | Redirect:
    values = sroi_service.ProxyInput(
        *(field(data, key) for key in ("name", "unit", "value_pln", "source", "year", "note"))
    )
    try:
        await sroi_service.save_proxy(values, actor_of(request, Channel.WEB))
    except DomainError as exc:
        return await _proxies_page(request, 422, form=data, **problems_of(exc))
    return Redirect("/panel/sroi/proxy", status_code=303)


async def _new_page(request: Request[Any, Any, Any], status: int = 200, **extra: Any) -> Template:
    return page(
        request,
        "panel/sroi_form.html.j2",
        status,
        proxies=await sroi_service.proxies(),
        scopes=_scopes(),
        adjustments=_adjustments(),
        rows=range(FORM_OUTCOMES),
        form=extra.pop("form", {"duration_years": "1", "discount_rate": "3,5"}),
        field_labels=LABELS,
        method=gettext(sroi.METHOD_TEXT),
        breadcrumbs=_crumbs(("", gettext("Nowa analiza"))),
        **extra,
    )


@get("/panel/sroi/nowa", guards=[allow(Role.STAFF)], include_in_schema=False)
async def new_page(request: Request[Any, Any, Any]) -> Template:
    return await _new_page(request)


@post("/panel/sroi/nowa", guards=[allow(Role.STAFF)], include_in_schema=False)
async def create(request: Request[Any, Any, Any], data: Form) -> Template | Redirect:
    outcomes = []
    for n in range(FORM_OUTCOMES):
        keys = ("stakeholder", "description", "quantity", "proxy_id", *sroi.ADJUSTMENTS)
        values = {key: field(data, f"o{n}_{key}").strip() for key in keys}
        if not any(values.values()):
            continue
        text_keys = ("stakeholder", "description")
        given = {k: v if k in text_keys or v != "" else None for k, v in values.items()}
        outcomes.append(sroi_service.OutcomeInput(**given))
    values = sroi_service.AnalysisInput(
        title=field(data, "title"),
        scope=field(data, "scope"),
        organisation_id=field(data, "organisation_id"),
        year=field(data, "year"),
        investment_pln=field(data, "investment_pln"),
        duration_years=field(data, "duration_years"),
        discount_rate=field(data, "discount_rate"),
        note=field(data, "note"),
        outcomes=outcomes,
    )
    try:
        saved = await sroi_service.save_analysis(values, actor_of(request, Channel.WEB))
    except DomainError as exc:
        return await _new_page(request, 422, form=data, **problems_of(exc))
    return Redirect(f"/panel/sroi/{saved['id']}", status_code=303)


ROUTES = (sroi_list, sroi_page, proxies_page, add_proxy, new_page, create)
