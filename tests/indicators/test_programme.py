"""Staff load a regional programme's indicators from a file and enter the values SES cannot
compute; the committee sees them against their targets. Bad files are refused whole, naming
the problem."""

from __future__ import annotations

import io
from datetime import date
from typing import Any

import pytest

from ses.indicators.tables import ManualValue, ProgrammeIndicator

pytestmark = pytest.mark.anyio

YEAR = str(date.today().year)
YAML = """
indicators:
  - code: rpres.ps
    name_pl: Aktywne PS w regionie
    name_en: Active social enterprises in the region
    baseline: 10
    baseline_year: 2022
    target: 30
    target_year: 2030
    computed_from: ps.active
  - code: rpres.clauses
    name_pl: Zamówienia z klauzulami społecznymi
    unit: percent
    baseline: 1.5
    baseline_year: 2022
    target: 5
    target_year: 2030
    source: ankieta ROPS wśród JST
""".encode()


async def upload(client: Any, staff: Any, name: str, content: bytes) -> Any:
    return await client.post(
        "/api/v1/indicator-programme", files={"data": (name, io.BytesIO(content))}, headers=staff.headers
    )


async def test_programme_from_yaml_with_manual_values_against_targets(client, staff, committee):
    response = await upload(client, staff, "program.yaml", YAML)
    assert response.status_code == 200, response.text
    assert response.json() == {"loaded": 2}
    listed = {
        item["code"]: item
        for item in (await client.get("/api/v1/indicators", headers=committee.headers)).json()
    }
    assert listed["rpres.ps"]["target"] == {"value": 30.0, "year": 2030}
    assert listed["rpres.ps"]["programme"] == "regional"
    response = await client.put(
        f"/api/v1/indicator-programme/rpres.clauses/values/04/{YEAR}",
        json={"value": 2.5, "note": "ankieta 2026"},
        headers=staff.headers,
    )
    assert response.status_code == 200, response.text
    values = (
        await client.get(
            "/api/v1/indicators/rpres.clauses/values",
            params={"level": "voivodeship"},
            headers=committee.headers,
        )
    ).json()
    rows = {row["territory"]: row for row in values["values"]}
    assert rows["04"]["value"] == 2.5 and rows["14"]["value"] is None  # not entered: no data
    page = await client.get("/panel", headers=committee.headers)
    assert "Wskaźniki programu a wartości docelowe" in page.text
    assert "Zamówienia z klauzulami społecznymi" in page.text and "5\u00a0% (2030)" in page.text
    # A computed value cannot be typed over.
    response = await client.put(
        f"/api/v1/indicator-programme/rpres.ps/values/04/{YEAR}", json={"value": 3}, headers=staff.headers
    )
    assert response.status_code == 422


@pytest.mark.parametrize(
    ("name", "content", "field"),
    [
        ("p.csv", b"code;name_pl;target;target_year;colour\nr.a;A;1;2030;red\n", "colour"),
        ("p.csv", b"code;name_pl;computed_from\nr.a;A;pes.nothing\n", "computed_from"),
        ("p.csv", b"code;name_pl;target\nr.a;A;5\n", "target_year"),
        ("p.csv", b"code;name_pl;target;target_year\nr.a;A;sporo;2030\n", "target"),
        ("p.csv", b"code;name_pl\npes.total;Kopia\n", "code"),
        ("p.yaml", b"- [1, 2]\n", "file"),
    ],
)
async def test_bad_programme_files_are_refused_whole(client, staff, name, content, field):
    response = await upload(client, staff, name, content)
    assert response.status_code == 422, response.text
    assert field in [error["field"] for error in response.json()["errors"]]
    assert await ProgrammeIndicator.count() == 0


async def test_a_yaml_alias_bomb_is_refused_naming_the_field_not_expanded(client, staff):
    """#14, hostile files: nine levels of aliases nest 9**9 items in a few hundred bytes; the field's
    value was turned into text (str of the whole nest: gigabytes). Seven levels keep this test cheap
    even if the guard is ever lost."""
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for level in range(1, 7):
        lines.append(f"a{level}: &a{level} [" + ", ".join([f"*a{level - 1}"] * 9) + "]")
    lines.append("indicators:\n  - {code: rpres.bomb, name_pl: *a6, target: 5, target_year: 2030}")
    response = await upload(client, staff, "p.yaml", "\n".join(lines).encode())
    assert response.status_code == 422, response.text[:300]
    assert [(e["field"], e.get("row")) for e in response.json()["errors"]] == [("name_pl", 1)]
    assert "jedną wartość" in response.json()["errors"][0]["message"]
    assert await ProgrammeIndicator.count() == 0


async def test_xlsx_programme_and_who_may_load(client, staff, committee):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["code", "name_pl", "baseline", "baseline_year", "target", "target_year", "computed_from"])
    sheet.append(["rpres.pes", "PES w regionie", 1000, 2022, 1300, 2030, "pes.total"])
    buffer = io.BytesIO()
    book.save(buffer)
    response = await upload(client, committee, "p.xlsx", buffer.getvalue())
    assert response.status_code == 403
    response = await upload(client, staff, "p.xlsx", buffer.getvalue())
    assert response.status_code == 200, response.text
    assert await ProgrammeIndicator.count() == 1
    assert await ManualValue.count() == 0
