"""The residents' results table and map as HTML, built in Python (pure: no database, no Litestar).

Twenty rows through Jinja's per-row expressions were about half of the page's server time; the same
markup assembled here with `markupsafe.escape` costs a fraction (the register list page does the
same, ses/web/register_list.py). Every value from the database is escaped; only the map's boundary
paths (numbers, from the shipped GeoJSON) are inserted as they are.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from markupsafe import Markup, escape

from ses.directory.geo import SvgMap


def _para(label: str, value: Any) -> str:
    return f"<p><em>{escape(label)}:</em> {escape(value)}</p>" if value else ""


def row_html(number: int, row: dict[str, Any], L: dict[str, str], t: Callable[..., str]) -> str:
    tags = [row["category_label"], L[row["cost"]], *row["groups"]]
    service = (
        f"<strong>{escape(row['name'])}</strong>"
        + '<div class="tags">'
        + " ".join(f'<span class="tag">{escape(tag)}</span>' for tag in tags)
        + "</div>"
        + (f"<p>{escape(row['description'])}</p>" if row["description"] else "")
        + _para(L["eligibility"], row["eligibility"])
        + f"<p><em>{escape(L['languages'])}:</em> {escape(', '.join(row['language_labels']))}</p>"
        + (
            f'<p class="hint">{escape(t("confirmed", date=row["confirmed_on"]))}</p>'
            if row["confirmed_on"]
            else ""
        )
        + (
            f'<p class="stale">{escape(L["stale"] if row["confirmed_on"] else L["unconfirmed"])}</p>'
            if row["stale"]
            else ""
        )
    )
    place = (
        f"{escape(row['location_name'] or '')}<br>{escape(row['street'] or '')}<br>"
        f"{escape(row['postal_code'] or '')} {escape(row['locality'] or '')}"
        + _para(L["accessibility"], row["accessibility"])
    )
    distance = escape(t("km", km=row["distance_km"])) if row["distance_km"] is not None else ""
    contact = ""
    if row["phone"]:
        dial = escape(row["phone"].replace(" ", ""))
        contact += f'{escape(L["phone"])} <a href="tel:{dial}">{escape(row["phone"])}</a><br>'
    if row["email"]:
        contact += f'<a href="mailto:{escape(row["email"])}">{escape(row["email"])}</a><br>'
    if row["url"]:
        contact += f'<a href="{escape(row["url"])}" rel="noopener">{escape(row["url"])}</a><br>'
    if row["opening_hours"]:
        contact += f"{escape(L['hours'])}: {escape(row['opening_hours'])}"
    cells = (
        (L["col_no"], str(number)),
        (L["col_service"], service),
        (L["col_provider"], escape(row["organisation_name"] or "")),
        (L["col_place"], place),
        (L["col_distance"], distance),
        (L["col_contact"], contact),
    )
    return "<tr>" + "".join(f'<td data-label="{escape(label)}">{v}</td>' for label, v in cells) + "</tr>"


def rows_html(rows: Sequence[dict[str, Any]], first: int, L: dict[str, str], t: Callable[..., str]) -> Markup:
    """The `<tbody>` rows of the results table; `first` is the number of the first row."""
    return Markup("".join(row_html(first + i, row, L, t) for i, row in enumerate(rows)))


def map_html(svg: SvgMap, title: str) -> Markup:
    """The SVG map: the boundaries (already markup), the visitor's point and the numbered places."""
    home = f'<circle cx="{svg.home.x}" cy="{svg.home.y}" r="7" class="home"/>' if svg.home else ""
    points = "".join(
        f'<g class="point"><circle cx="{p.x}" cy="{p.y}" r="9"/>'
        f'<text x="{p.x}" y="{p.y + 4}" text-anchor="middle">{p.number}</text></g>'
        for p in svg.points
    )
    return Markup(
        f'<svg viewBox="0 0 {svg.width} {svg.height}" role="img" aria-labelledby="dir-map-title" '
        f'focusable="false"><title id="dir-map-title">{escape(title)}</title>{svg.areas}{home}{points}</svg>'
    )
