"""The register as a page: `/rejestr` lists and searches organisations with the API's filters and
facets as a form (facet counts with labels and territory names, never codes), sortable, paginated.

One search box finds names (Polish letters optional) and identifiers: a NIP, REGON or KRS typed
there (with or without separators, "PL" or "KRS" prefixes) matches the identifier columns. Unknown
query parameters answer 422 naming the parameter (ses/web/query_guard.py), as on every route.
"""

from __future__ import annotations

import re
from collections import OrderedDict
from html import escape
from typing import Any
from urllib.parse import urlencode

from litestar import Request, get
from litestar.response import Template
from markupsafe import Markup

from ses.auth.policy import Role, allow
from ses.errors import FieldError, ValidationFailed
from ses.register import queries, stamp
from ses.register.statuses import STATE_LABELS
from ses.register.tables import Organisation
from ses.register.vocab import (
    ACTIVITY_STATE_LABELS,
    KIND_LABELS,
    LEGAL_FORM_LABELS,
    PES_LETTER_LABELS,
)
from ses.settings import get_settings
from ses.territories.services import territory_names
from ses.web.i18n import N_, current_language, gettext
from ses.web.pages import page

READERS = (Role.REVIEWER, Role.STAFF)
MULTI = ("kind", "pes_letter", "legal_form", "activity_state", "ps_state", "unit_state", "role", "territory")
SINGLE = ("q", "sort", "page", "page_size", "include_retired")
FACETS = ("kind", "activity_state", "ps_state", "unit_state", "pes_letter", "powiat")
SORT_LABELS = {
    "name": N_("nazwa A–Ż"),
    "-name": N_("nazwa Ż–A"),
    "-updated_at": N_("ostatnio zmienione"),
    "-created_at": N_("ostatnio dodane"),
    "-registered_on": N_("data rejestracji (najnowsze)"),
}
ROLE_LABELS = {"owes": "OWES", "founder": "prowadzi jednostkę reintegracyjną"}
IDENTIFIER_LIKE = re.compile(r"^\s*(PL|KRS|NIP|REGON)?[\s:]*\d[\d\s.\-]*$", re.IGNORECASE)


def labels() -> dict[str, dict[str, str]]:
    """Polish labels of every filterable enumeration, keyed by the parameter name."""
    return {
        "kind": {k.value: v for k, v in KIND_LABELS.items()},
        "legal_form": {k.value: v for k, v in LEGAL_FORM_LABELS.items()},
        "activity_state": {k.value: v for k, v in ACTIVITY_STATE_LABELS.items()},
        "pes_letter": {k.value: v for k, v in PES_LETTER_LABELS.items()},
        "ps_state": STATE_LABELS,
        "unit_state": STATE_LABELS,
        "role": ROLE_LABELS,
    }


LABELS = labels()
ROW_COLUMNS = tuple(
    Organisation._meta.get_column_by_name(name)
    for name in (
        "id",
        "name",
        "is_owes",
        "kind",
        "locality",
        "gmina_code",
        "nip",
        "krs",
        "ps_state",
        "activity_state",
    )
)
"""What a row of the list shows (the API's rows carry every column)."""

FILTER_TITLES = {
    "kind": N_("Rodzaj"),
    "activity_state": N_("Działalność"),
    "ps_state": N_("Status PS"),
    "unit_state": N_("Status jednostki (CIS, KIS, ZAZ, WTZ)"),
    "pes_letter": N_("Litera PES (art. 2 pkt 5)"),
    "powiat": N_("Powiat"),
    "legal_form": N_("Forma prawna"),
    "role": N_("Rola"),
}


def identifier_filters(q: str) -> dict[str, str] | None:
    """A search-box text that is an identifier: which columns it may be (NIP and KRS share length 10)."""
    match = IDENTIFIER_LIKE.match(q)
    if not match:
        return None
    digits = re.sub(r"\D", "", q)
    prefix = (match.group(1) or "").upper()
    if not prefix and len(digits) < 9:
        return None  # a number in a name ("Klub 2024") is searched as a word
    if prefix.startswith("KRS"):
        return {"krs": digits}
    if prefix.startswith(("PL", "NIP")):
        return {"nip": digits}
    if prefix.startswith("REGON") or len(digits) in (9, 14):
        return {"regon": digits}
    if len(digits) == 10:
        return {"nip": digits, "krs": digits}
    return None


def _values(request: Request[Any, Any, Any], name: str) -> list[str]:
    out: list[str] = []
    for value in request.query_params.getall(name, []):
        out += [part.strip() for part in value.split(",") if part.strip()]
    return out


def _int(request: Request[Any, Any, Any], name: str, default: int, problems: list[FieldError]) -> int:
    raw = request.query_params.get(name, "")
    if raw == "":
        return default
    try:
        return int(raw)
    except ValueError:
        problems.append(FieldError(name, gettext("To nie jest liczba całkowita.")))
        return default


async def _search(filters: queries.RegisterFilter, q: str, **kwargs: Any) -> dict[str, Any]:
    """Name search, or identifier search when the box holds an identifier (NIP or KRS: either)."""
    found = identifier_filters(q) if q else None
    if found is None:
        filters.q = q or None
        return await queries.search(filters, **kwargs)
    results = []
    for column, value in found.items():
        filters.q = None
        setattr(filters, column, value)
        results.append(await queries.search(filters, **kwargs))
        setattr(filters, column, None)
    if len(results) == 1 or results[1]["total"] == 0:
        return results[0]
    return results[1] if results[0]["total"] == 0 else results[0]


def _facet_boxes(
    counted: dict[str, dict[str, int]], names: dict[str, str], chosen: dict[str, list[str]]
) -> list[dict[str, Any]]:
    """The filter boxes: each facet's values with their Polish labels (territory names for powiaty)."""
    known = LABELS
    facets = []
    for name in FACETS:
        counts = counted.get(name, {})
        if not counts:
            continue
        param = "territory" if name == "powiat" else name
        options = [
            {
                "value": value,
                "label": names.get(value, value) if name == "powiat" else known[name].get(value, value),
                "count": count,
                "checked": value in chosen[param],
            }
            for value, count in counts.items()
            if value
        ]
        if not options:
            continue
        options.sort(key=lambda o: (-o["count"], o["label"]) if name != "powiat" else (o["label"],))
        facets.append({"name": param, "title": FILTER_TITLES[name], "options": options})
    return facets


def _rows_html(items: list[dict[str, Any]], names: dict[str, str]) -> Markup:
    """The table's rows. Built here rather than in the template: 50 rows of eight cells through
    Jinja cost more than the rest of the page's rendering together. The standard library's
    `html.escape` (a str, every value here is one) is 3× markupsafe's `escape` inside an f-string,
    which makes a Markup of each cell: 0.2 ms of a 1.6 ms page."""
    kinds, states = LABELS["kind"], LABELS["activity_state"]
    out = []
    for row in items:
        locality = row["locality"] or ""
        place = names.get(row["gmina_code"] or "", locality)
        out.append(
            f'<tr><td><a href="/rejestr/{int(row["id"])}">{escape(row["name"])}</a>'
            + (' <span class="tag">OWES</span>' if row["is_owes"] else "")
            + f"</td><td>{escape(kinds.get(row['kind'], row['kind']))}</td><td>{escape(locality)}"
            + (f" ({escape(place)})" if place and place != locality else "")
            + f"</td><td>{escape(row['nip'] or '—')}</td><td>{escape(row['krs'] or '—')}</td>"
            + f"<td>{escape(STATE_LABELS.get(row['ps_state'] or '', '') or '—')}</td>"
            + f"<td>{escape(states.get(row['activity_state'], row['activity_state']))}</td></tr>\n"
        )
    return Markup("".join(out))


def _render_facets(request: Request[Any, Any, Any], facets: list[dict[str, Any]]) -> Markup:
    template = request.app.template_engine.engine.get_template("register/_facets.html.j2")  # type: ignore[union-attr]
    return Markup(template.render(facets=facets))


class FacetBoxes:
    """Rendered filter boxes by (register stamp, language, filters), least recently used dropped.

    The boxes of one filter are the same on every page, sort and page size of it; counting their six
    facets and rendering ~100 options was most of a page's cost. The stamp (the one the list-page
    cache reads: ses/register/page_cache.py) moves with every committed register write, whichever
    process made it, so boxes never outlive the counts they show.
    """

    def __init__(self, size: int = 512) -> None:
        self.size = size
        self.entries: OrderedDict[tuple[Any, ...], Markup] = OrderedDict()

    def get(self, key: tuple[Any, ...]) -> Markup | None:
        found = self.entries.get(key)
        if found is not None:
            self.entries.move_to_end(key)
        return found

    def put(self, key: tuple[Any, ...], html: Markup) -> None:
        self.entries[key] = html
        if len(self.entries) > self.size:
            self.entries.popitem(last=False)


FACET_BOXES = FacetBoxes()


async def _facet_boxes_key(
    q: str, chosen: dict[str, list[str]], include_retired: bool
) -> tuple[Any, ...] | None:
    """None inside a database transaction: its uncommitted rows are never shown to anyone else."""
    if stamp.in_transaction():
        return None
    current = await stamp.STAMP.current()
    return (current, current_language(), q, include_retired, tuple(tuple(chosen[name]) for name in MULTI))


@get("/rejestr", guards=[allow(*READERS)], include_in_schema=False, query=(*MULTI, *SINGLE))
async def register_list(request: Request[Any, Any, Any]) -> Template:
    problems: list[FieldError] = []
    chosen = {name: _values(request, name) for name in MULTI}
    q = request.query_params.get("q", "").strip()
    sort = request.query_params.get("sort", "name")
    if sort not in queries.SORTS:
        problems.append(FieldError("sort", gettext("Nieznany porządek sortowania.")))
        sort = "name"
    page_number = _int(request, "page", 1, problems)
    page_size = _int(request, "page_size", 50, problems)
    include_retired = request.query_params.get("include_retired", "") in ("1", "true", "on")
    if problems:
        raise ValidationFailed(gettext("Niepoprawne parametry wyszukiwania."), problems)
    page_size = max(1, min(page_size, get_settings().max_page_size))
    page_number = max(1, page_number)
    filters = queries.RegisterFilter(**chosen, include_retired=include_retired)
    boxes_key = await _facet_boxes_key(q, chosen, include_retired)
    facets_html = FACET_BOXES.get(boxes_key) if boxes_key is not None else None
    result = await _search(
        filters, q, sort=sort, page=page_number, page_size=page_size,
        facets=[] if facets_html is not None else list(FACETS), columns=ROW_COLUMNS,
    )  # fmt: skip
    names = await territory_names()
    if facets_html is None:
        facets_html = _render_facets(request, _facet_boxes(result["facets"], names, chosen))
        if boxes_key is not None:
            FACET_BOXES.put(boxes_key, facets_html)
    total = result["total"]
    pages = max(1, -(-total // page_size))
    base = [(k, v) for k in MULTI for v in chosen[k]] + ([("q", q)] if q else [])
    if include_retired:
        base.append(("include_retired", "1"))

    def link(**changes: Any) -> str:
        params = base + [("sort", changes.get("sort", sort))]
        if changes.get("page", 1) != 1:
            params.append(("page", str(changes["page"])))
        if page_size != 50:
            params.append(("page_size", str(page_size)))
        return "/rejestr?" + urlencode(params)

    rows = _rows_html(result["items"], names)
    export_query = urlencode(base)
    return page(
        request,
        "register/list.html.j2",
        breadcrumbs=[("/rejestr", gettext("Rejestr"))],
        q=q,
        rows_html=rows,
        total=total,
        facets_html=facets_html,
        sort=sort,
        sorts=SORT_LABELS,
        page_number=page_number,
        pages=pages,
        previous=link(page=page_number - 1) if page_number > 1 else None,
        next=link(page=page_number + 1) if page_number < pages else None,
        sort_link=link,
        include_retired=include_retired,
        export_query=export_query,
        chosen=chosen,
        identifier_search=identifier_filters(q) is not None if q else False,
        may_edit=request.scope["user"].role in (Role.STAFF, Role.ADMIN),
    )


ROUTES = [register_list]
