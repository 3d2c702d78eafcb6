"""The committee's dashboards as a committee member opens them: the overview, an indicator with
its map data, table, trend and downloads, drill-down and the list behind a number."""

from __future__ import annotations

import csv
import io
import re
from typing import Any

import pytest

pytestmark = pytest.mark.anyio

TORUN = "0463011"
LUBICZ = "0415042"


async def org(client: Any, staff: Any, name: str, gmina: str = TORUN, kind: str = "association") -> None:
    body = {"name": name, "kind": kind, "gmina_code": gmina}
    response = await client.post("/api/v1/organisations", json=body, headers=staff.headers)
    assert response.status_code == 201, response.text


@pytest.fixture
async def region(client, staff) -> None:
    await org(client, staff, "Stowarzyszenie Toruńskie")
    await org(client, staff, "Fundacja Toruńska", kind="foundation")
    await org(client, staff, "Koło Gospodyń Lubicz", LUBICZ, "kgw")


async def test_overview_shows_the_region_and_links_every_number(client, committee, region):
    response = await client.get("/panel", headers=committee.headers)
    assert response.status_code == 200, response.text
    page = response.text
    assert "Kujawsko-pomorskie" in page or "kujawsko-pomorskie" in page
    assert "Podmioty ekonomii społecznej" in page
    assert "/panel/lista?wskaznik=pes.total&amp;teryt=04" in page
    assert "Sieć współpracy" in page and "Sprawozdawczość OWES" in page  # panels of other packages


async def test_indicator_page_table_drill_down_and_list_behind(client, committee, region):
    response = await client.get(
        "/panel/wskazniki/pes.total", params={"teryt": "04"}, headers=committee.headers
    )
    assert response.status_code == 200, response.text
    page = response.text
    assert 'data-code="0463" data-value="2"' in page  # Toruń: the map reads this row
    assert 'data-code="0461" data-value="0"' in page
    assert "/panel/granice/powiat?teryt=04" in page
    assert "/static/plotly/plotly.min.js" in page
    # Drill-down to the gminas of powiat toruński, then the list behind Lubicz's number.
    response = await client.get(
        "/panel/wskazniki/pes.total", params={"teryt": "0415"}, headers=committee.headers
    )
    assert f'data-code="{LUBICZ}" data-value="1"' in response.text
    listed = await client.get(
        "/panel/lista", params={"wskaznik": "pes.total", "teryt": LUBICZ}, headers=committee.headers
    )
    assert listed.status_code == 200
    assert "Koło Gospodyń Lubicz" in listed.text and "Stowarzyszenie Toruńskie" not in listed.text


async def test_a_percentage_indicator_page_opens_with_its_unit(client, committee, region):
    # The share of gminas with a PES: its unit "%" once broke the page (500) through `_()`.
    response = await client.get(
        "/panel/wskazniki/pes.gminas_share", params={"teryt": "04"}, headers=committee.headers
    )
    assert response.status_code == 200, response.text
    assert "<dd>%</dd>" in response.text  # the unit, in the definition
    assert 'data-code="0463" data-value="100.0"' in response.text  # Toruń: its one gmina has a PES
    english = await client.get(
        "/panel/wskazniki/pes.gminas_share", params={"teryt": "04", "lang": "en"}, headers=committee.headers
    )
    assert english.status_code == 200, english.text


async def test_downloads_carry_the_same_numbers_without_formulas(client, committee, region):
    params = {"teryt": "04", "poziom": "powiat"}
    response = await client.get(
        "/panel/wskazniki/pes.total/dane.csv", params=params, headers=committee.headers
    )
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    by_code = {row[0]: row for row in rows[1:]}
    assert by_code["0463"][4] == "2" and len(by_code) == 23
    response = await client.get(
        "/panel/wskazniki/pes.total/dane.xlsx", params=params, headers=committee.headers
    )
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(response.content)).active
    values = {row[0]: row[4] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert values["0463"] == 2
    assert not any(
        isinstance(cell, str) and cell.startswith("=")
        for row in sheet.iter_rows(values_only=True)
        for cell in row
    )


async def test_past_periods_of_a_current_stock_read_no_data(client, committee, region):
    response = await client.get(
        "/panel/wskazniki/pes.total", params={"teryt": "04", "okres": "2020"}, headers=committee.headers
    )
    assert response.status_code == 200
    assert 'data-code="0463" data-value=""' in response.text
    assert "brak danych" in response.text


async def test_map_assets_are_served_locally_and_small(client, committee):
    response = await client.get("/panel/granice/gmina", params={"teryt": "04"}, headers=committee.headers)
    assert response.status_code == 200
    assert len(response.content) < 1_500_000
    assert len(response.json()["features"]) == 144
    script = await client.get("/static/plotly/plotly.min.js", headers={"Accept-Encoding": "gzip"})
    assert script.status_code == 200 and "plotly" in script.text[:2000].lower()


async def test_chart_pages_give_plotly_its_styles_as_files_and_admit_only_an_empty_style(
    client, committee, region
):
    """plotly.js injects <style> elements unless the page holds elements with the ids it looks for;
    the indicator page links them, and its CSP admits one more thing than every page's: `style=""`."""
    response = await client.get(
        "/panel/wskazniki/pes.total", params={"teryt": "04"}, headers=committee.headers
    )
    page = response.text
    assert 'id="plotly.js-style-global" class="no-inline-styles"' in page
    found = re.search(r'href="/static/plotly/maplibre.css" id="([0-9a-f]{64})"', page)
    assert (
        found
        and f'getElementById("{found.group(1)}")' in (await client.get("/static/plotly/plotly.min.js")).text
    )
    assert ".maplibregl-map{" in (await client.get("/static/plotly/maplibre.css")).text
    charts = response.headers["content-security-policy"]
    assert "style-src 'self' 'unsafe-hashes' 'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=';" in charts
    assert "unsafe-inline" not in charts
    overview = (await client.get("/panel", headers=committee.headers)).headers["content-security-policy"]
    assert "style-src 'self';" in overview and "unsafe-hashes" not in overview


async def test_the_countrys_gmina_map_travels_gzipped_to_clients_that_accept_it(client, committee):
    url = "/panel/granice/gmina"
    plain = await client.get(url, headers={**committee.headers, "Accept-Encoding": "identity"})
    assert plain.status_code == 200 and "Content-Encoding" not in plain.headers
    zipped = await client.get(url, headers={**committee.headers, "Accept-Encoding": "gzip"})
    assert zipped.headers["Content-Encoding"] == "gzip" and zipped.headers["Vary"] == "Accept-Encoding"
    assert zipped.num_bytes_downloaded < len(plain.content) / 2 and len(plain.content) < 1_500_000
    assert zipped.json() == plain.json()  # the client unzipped it


async def test_bad_input_reads_as_a_polish_message(client, committee):
    response = await client.get(
        "/panel/wskazniki/pes.total", params={"teryt": "9999"}, headers=committee.headers
    )
    assert response.status_code == 422
    assert "Nie ma jednostki terytorialnej o kodzie TERYT 9999" in response.text
    response = await client.get(
        "/panel/lista", params={"wskaznik": "nope", "teryt": "04"}, headers=committee.headers
    )
    assert response.status_code == 404


async def test_only_readers_of_dashboards_get_in(client, caller_for):

    assert (await client.get("/panel")).status_code in (401, 302, 303)


async def test_meeting_report_page_and_editable_docx(client, committee, region):
    response = await client.get("/panel/raport", headers=committee.headers)
    assert response.status_code == 200, response.text
    page = response.text
    assert "Stan ekonomii społecznej w województwie" in page and "Aneks metodologiczny" in page
    line = '<tr data-indicator="pes.total"><th scope="row">Podmioty ekonomii społecznej</th>'
    assert line + '<td class="num">3</td>' in page
    response = await client.get("/panel/raport.docx", headers=committee.headers)
    assert response.status_code == 200
    from docx import Document

    document = Document(io.BytesIO(response.content))
    assert document.paragraphs[0].text.startswith("Stan ekonomii społecznej w województwie")
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    assert "Podmioty ekonomii społecznej" in cells
    row = next(
        r for t in document.tables for r in t.rows if r.cells[0].text == "Podmioty ekonomii społecznej"
    )
    assert row.cells[1].text == "3"
    assert any(p.text.startswith("Liczba PES") for p in document.paragraphs)  # the methodology annex
