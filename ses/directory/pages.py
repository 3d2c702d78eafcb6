"""The residents' search page /uslugi (no sign-in), in Polish, English or Ukrainian."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from litestar import Request, get
from litestar.datastructures import ResponseHeader
from litestar.params import FromQuery
from litestar.response import Template
from litestar.static_files import create_static_files_router

from ses.auth.policy import Role, allow
from ses.directory import rendering, residents
from ses.directory.i18n import LANG_NAMES, LANGS, labels, pick, translator
from ses.web.i18n import PUBLIC_LANGUAGES, current_language, set_language
from ses.web.pages import page as render_page

STATIC = Path(__file__).parent / "static"
PUBLIC = allow(Role.PUBLIC)


# "Use my location" asks the browser for the visitor's position: the site-wide policy forbids
# geolocation everywhere else (ses/web/security.py keeps a header a route has set).
LOCATION_ALLOWED = ResponseHeader(
    name="Permissions-Policy", value="camera=(), microphone=(), geolocation=(self)"
)


@get(
    "/uslugi",
    guards=[PUBLIC],
    include_in_schema=False,
    name="directory-search",
    response_headers=[LOCATION_ALLOWED],
)
async def search_page(
    request: Request[Any, Any, Any],
    lang: FromQuery[str | None] = None,
    q: FromQuery[str] = "",
    gmina: FromQuery[str] = "",
    lat: FromQuery[str] = "",
    lon: FromQuery[str] = "",
    category: FromQuery[str] = "",
    group: FromQuery[str] = "",
    cost: FromQuery[str] = "",
    language: FromQuery[str] = "",
    page: FromQuery[str] = "1",
) -> Template:
    # Ukrainian is the directory's own (its strings are in ses/directory/i18n.py); Polish and English
    # follow the language the visitor chose for the whole site (?lang= or the cookie).
    chosen = lang if lang in LANGS else pick(current_language())
    if chosen == "uk":  # the page frame (skip link, sign-in, footer) in Ukrainian too
        set_language(chosen, among=PUBLIC_LANGUAGES)
    given = residents.SearchInput(q, gmina, lat, lon, category, group, cost, language, page)
    outcome = await residents.search(given, chosen)
    outcome.choices = residents.with_labels(outcome.choices, chosen)
    if outcome.gmina:
        outcome.gmina = residents.with_labels([outcome.gmina], chosen)[0]
    kept = {k: v for k, v in given.__dict__.items() if v and k not in ("page", "text", "lat", "lon")}
    if outcome.gmina:
        kept["gmina"] = outcome.gmina["code"]
    elif given.text:
        kept["q"] = given.text

    def link(**changes: Any) -> str:
        values = {**kept, "lang": chosen, **changes}
        return "/uslugi?" + urlencode({k: v for k, v in values.items() if v not in ("", None)})

    t, L = translator(chosen), labels(chosen)
    return render_page(
        request,
        "directory/search.html.j2",
        status_code=422 if outcome.errors else 200,
        page_lang=chosen,
        t=t,
        L=L,
        langs=[(code, LANG_NAMES[code]) for code in LANGS],
        given=given,
        outcome=outcome,
        options=await residents.options(chosen),
        link=link,
        rows_html=rendering.rows_html(outcome.rows, (outcome.page - 1) * residents.PER_PAGE + 1, L, t),
        map_html=rendering.map_html(outcome.map, L["map"]) if outcome.map else "",
    )


@get("/uslugi/gminy", guards=[PUBLIC], include_in_schema=False, name="directory-gminas")
async def gmina_suggestions(q: FromQuery[str] = "") -> list[dict[str, str]]:
    """Suggestions while a visitor types the name of a town (used by the page's small script)."""
    if not 2 <= len(q.strip()) <= residents.MAX_TEXT:
        return []
    rows = await residents.gminas_named(q, limit=10)
    return [
        {
            "code": row["code"],
            "label": f"{row['name']} — {row['type_label']}, powiat {row['powiat']} — {row['code']}",
        }
        for row in rows
    ]


ROUTES = (
    search_page,
    gmina_suggestions,
    create_static_files_router(
        path="/static/directory",
        directories=[STATIC],
        guards=[PUBLIC],
        include_in_schema=False,
        name="directory-static",
    ),
)
