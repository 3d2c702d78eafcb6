"""The network in the browser: /siec shows the cooperation network of the region, a powiat or one
organisation drawn as a graph (an SVG made on the server: no script), its measures beside it with
the data tables behind the drawing, who holds it together, the recommendations, and the GEXF and
GraphML downloads. Every number comes from the same services as the API (network/analysis.py).
"""

from __future__ import annotations

from datetime import date
from typing import Any
from urllib.parse import urlencode

from litestar import Request, get
from litestar.params import FromQuery
from litestar.response import Template

from network import analysis
from network.loading import organisation_name, powiats_with_organisations
from network.metrics import Scope
from network.schemas import MAX_ID
from network.vocab import RELATION_LABELS, SECTOR_LABELS
from ses.auth.policy import Role, allow
from ses.errors import DomainError, FieldError
from ses.register.vocab import KIND_LABELS
from ses.web.context import principal
from ses.web.pages import page

VIEWERS = (Role.STAFF, Role.REVIEWER, Role.COMMITTEE, Role.OWES)
PAGE_SIZE = 25
SUMMARY_LABELS = (
    ("nodes", "Organizacje"),
    ("ties", "Powiązania (pary organizacji)"),
    ("density", "Gęstość sieci"),
    ("average_degree", "Średnia liczba powiązań"),
    ("average_clustering", "Średni współczynnik skupienia"),
    ("transitivity", "Przechodniość"),
    ("articulation_points", "Punkty artykulacji"),
    ("bridges", "Mosty"),
)
CENTRALIZATION_LABELS = (
    ("degree", "Centralizacja stopnia"),
    ("betweenness", "Centralizacja pośrednictwa"),
    ("closeness", "Centralizacja bliskości"),
)


def _number(value: Any, digits: int = 3) -> str:
    """A number the Polish way: decimal comma, spaces between thousands."""
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "tak" if value else "nie"
    if isinstance(value, int):
        return f"{value:,}".replace(",", "\u00a0")
    return f"{value:,.{digits}f}".replace(",", "\u00a0").replace(".", ",")


def _form_errors(teren: str, organizacja: str, stan_na: str) -> tuple[dict[str, Any], list[FieldError]]:
    values: dict[str, Any] = {"territory": None, "ego": None, "as_of": None}
    errors = []
    if teren:
        if teren.isdigit() and len(teren) in (2, 4, 6, 7):
            values["territory"] = teren
        else:
            errors.append(
                FieldError("teren", "Wybierz powiat z listy albo podaj kod TERYT (2, 4, 6 lub 7 cyfr).")
            )
    if organizacja:
        if organizacja.isdigit() and 1 <= int(organizacja) <= MAX_ID:
            values["ego"] = int(organizacja)
        else:
            errors.append(FieldError("organizacja", "Podaj numer (id) organizacji z rejestru, np. 125."))
    if stan_na:
        try:
            values["as_of"] = date.fromisoformat(stan_na)
        except ValueError:
            errors.append(FieldError("stan_na", "Podaj datę w formacie RRRR-MM-DD, np. 2025-12-31."))
    return values, errors


def _query(scope: Scope, **extra: Any) -> str:
    params = {
        "territory": scope.territory or "",
        "as_of": scope.as_of.isoformat() if scope.as_of else "",
        "ego": scope.ego or "",
        **extra,
    }
    return urlencode({key: value for key, value in params.items() if value not in ("", None)})


@get("/siec", guards=[allow(*VIEWERS)], include_in_schema=False, name="network-page")
async def network_page(
    request: Request[Any, Any, Any],
    teren: FromQuery[str] = "",
    organizacja: FromQuery[str] = "",
    stan_na: FromQuery[str] = "",
    strona: FromQuery[str] = "1",
) -> Template:
    viewer = principal(request)
    form = {"teren": teren, "organizacja": organizacja, "stan_na": stan_na}
    if viewer is not None and viewer.is_owes:
        teren = organizacja = ""  # an OWES sees its own network, whatever the address asks for
    values, errors = _form_errors(teren.strip(), organizacja.strip(), stan_na.strip())
    page_number = int(strona) if strona.isdigit() and 0 < int(strona) < 100_000 else 1
    context: dict[str, Any] = {
        "form": form, "powiats": await powiats_with_organisations(), "network": None,
        "is_owes": bool(viewer and viewer.is_owes), "breadcrumbs": [("", "Sieć współpracy")],
        "number": _number, "kind_labels": KIND_LABELS,
        "sector_labels": SECTOR_LABELS, "relation_labels": RELATION_LABELS,
        "summary_labels": SUMMARY_LABELS, "centralization_labels": CENTRALIZATION_LABELS,
    }  # fmt: skip
    if values["ego"] is not None and await organisation_name(values["ego"]) is None:
        errors.append(FieldError("organizacja", f"W rejestrze nie ma organizacji o id {values['ego']}."))
    if errors:
        context.update(detail="Nie można pokazać sieci: popraw zaznaczone pola.", errors=errors)
        return page(request, "network/siec.html.j2", status_code=422, **context)
    try:
        scope = analysis.resolve_scope(Scope(values["as_of"], values["territory"], (), values["ego"]), viewer)
        context["network"] = await _network(scope, page_number)
        if scope.territory or (scope.ego is not None and not (viewer and viewer.is_owes)):
            context["breadcrumbs"] = [("/siec", "Sieć współpracy"), ("", context["network"]["title"])]
        else:
            context["breadcrumbs"] = [("", "Sieć współpracy")]
    except DomainError as exc:
        context.update(detail=exc.detail, errors=exc.errors)
        return page(request, "network/siec.html.j2", status_code=exc.status, **context)
    return page(request, "network/siec.html.j2", **context)


async def _network(scope: Scope, page_number: int) -> dict[str, Any]:
    summary = (await analysis.network_metrics(scope))["summary"]
    nodes = await analysis.node_metrics(scope, "betweenness", page_number, PAGE_SIZE)
    cut = await analysis.articulation_points(scope, 1, 20)
    bridges = await analysis.bridges(scope, 1, 20)
    drawn = await analysis.drawing(scope)
    advice = None if scope.ego is not None else await analysis.recommendations(scope)
    names = {node["id"]: node["name"] for node in drawn["nodes"]}
    return {
        "scope": scope,
        "title": await _title(scope),
        "summary": summary,
        "nodes": nodes,
        "cut_points": cut,
        "bridges": bridges,
        "drawing": drawn,
        "drawn_ties": [
            {**tie, "a_name": names[tie["a"]], "b_name": names[tie["b"]]} for tie in drawn["ties"]
        ],
        "recommendations": advice,
        "gexf": "/api/v1/network/export.gexf?" + _query(scope),
        "graphml": "/api/v1/network/export.graphml?" + _query(scope),
        "page_link": lambda number: "/siec?" + _page_query(scope, number),
    }


def _page_query(scope: Scope, number: int) -> str:
    params = {"teren": scope.territory or "", "stan_na": scope.as_of.isoformat() if scope.as_of else "",
              "organizacja": scope.ego or "", "strona": number}  # fmt: skip
    return urlencode({key: value for key, value in params.items() if value not in ("", None)})


async def _title(scope: Scope) -> str:
    if scope.ego is not None:
        return f"Sieć organizacji: {await organisation_name(scope.ego)}"
    if scope.territory:
        names = {p["code"]: p["name"] for p in await powiats_with_organisations()}
        name = names.get(scope.territory)
        return (
            f"Sieć współpracy: powiat {name}" if name else f"Sieć współpracy: obszar TERYT {scope.territory}"
        )
    return "Sieć współpracy regionu"


ROUTES = [network_page]
