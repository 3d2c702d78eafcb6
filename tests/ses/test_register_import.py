"""Importing organisations from files: all rows or none, with row-and-column errors."""

from __future__ import annotations

import io
from typing import Any

import pytest

pytestmark = pytest.mark.anyio

HEADER = "name,kind,gmina_code,nip,krs,founder_krs\n"


async def upload(client: Any, caller: Any, content: bytes, name: str = "rejestr.csv", **params: Any) -> Any:
    return await client.post(
        "/api/v1/organisations/import",
        files={"data": (name, content, "text/csv")},
        params=params,
        headers=caller.headers,
    )


async def total(client: Any, caller: Any) -> int:
    return (await client.get("/api/v1/organisations", headers=caller.headers)).json()["total"]


async def test_good_file_is_imported_with_audit_and_units_linked_to_founders(client, staff):
    content = (
        HEADER
        + "Fundacja Dobra Wola,foundation,0463011,5260250274,0000030897,\n"
        + "CIS Dobra Wola,cis,0463011,,,30897\n"
        + "Koło Gospodyń Wiejskich w Lubiczu,kgw,0415062,,,\n"
    ).encode()
    response = await upload(client, staff, content)
    assert response.status_code == 201, response.text
    assert response.json() == {"created": 3, "rows": 3, "dry_run": False, "changed": 0, "unchanged": 0}
    units = (await client.get("/api/v1/organisations", params={"kind": "cis"}, headers=staff.headers)).json()
    founder = (
        await client.get("/api/v1/organisations", params={"krs": "0000030897"}, headers=staff.headers)
    ).json()
    assert units["items"][0]["founder_id"] == founder["items"][0]["id"]
    history = (
        await client.get(f"/api/v1/organisations/{founder['items'][0]['id']}/history", headers=staff.headers)
    ).json()
    assert history[0]["channel"] == "import" and history[0]["changes"]["name"][1] == "Fundacja Dobra Wola"


async def test_one_bad_row_means_nothing_is_written_and_every_problem_is_listed(client, staff):
    content = (
        HEADER
        + "Fundacja A,foundation,0463011,5260250274,,\n"
        + "Fundacja B,foundation,0463099,5260250275,,\n"
        + "Fundacja C,partia,0463011,,,\n"
        + "Fundacja D,foundation,0463011,5260250274,,\n"
    ).encode()
    response = await upload(client, staff, content)
    assert response.status_code == 422
    problems = {(error["row"], error["field"]) for error in response.json()["errors"]}
    assert problems == {(3, "gmina_code"), (3, "nip"), (4, "kind"), (5, "nip")}
    assert "Nic nie zostało zapisane" in response.json()["detail"]
    assert await total(client, staff) == 0


async def test_windows_1250_csv_from_excel_with_semicolons(client, staff):
    content = "name;kind;gmina_code\nStowarzyszenie Żółta Łąka;association;0463011\n".encode("cp1250")
    response = await upload(client, staff, content)
    assert response.status_code == 201
    found = (
        await client.get("/api/v1/organisations", params={"q": "zolta laka"}, headers=staff.headers)
    ).json()
    assert found["items"][0]["name"] == "Stowarzyszenie Żółta Łąka"


async def test_undecodable_file_fails_clearly(client, staff):
    response = await upload(client, staff, b"name,kind,gmina_code\n\x81\x81\x98,association,0463011\n")
    assert response.status_code == 422
    assert "kodowania" in response.json()["detail"]


async def test_unknown_columns_and_missing_required_columns(client, staff):
    response = await upload(client, staff, b"name,kind,colour\nA,association,red\n")
    assert response.status_code == 422
    fields = {error["field"] for error in response.json()["errors"]}
    assert fields == {"colour", "gmina_code"}


async def test_malformed_csv_and_dry_run(client, staff):
    response = await upload(
        client, staff, b'name,kind,gmina_code\n"Unclosed,association,0463011\nX,association\n'
    )
    assert response.status_code == 422
    ok = await upload(client, staff, b"name,kind,gmina_code\nFundacja,foundation,0463011\n", dry_run="true")
    assert ok.json() == {"created": 0, "rows": 1, "dry_run": True, "changed": 0, "unchanged": 0}
    assert await total(client, staff) == 0


async def test_xlsx_upload(client, staff):
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["name", "kind", "gmina_code", "registered_on"])
    sheet.append(["Spółdzielnia Socjalna Nowa", "social_cooperative", "0463011", "12.05.2019"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = await upload(client, staff, buffer.getvalue(), name="rejestr.xlsx")
    assert response.status_code == 201
    item = (await client.get("/api/v1/organisations", headers=staff.headers)).json()["items"][0]
    assert item["registered_on"] == "2019-05-12" and item["pes_letter"] == "a"


async def test_import_needs_staff(client, reviewer):
    response = await upload(client, reviewer, b"name,kind,gmina_code\nA,association,0463011\n")
    assert response.status_code == 403


async def test_units_can_point_at_founders_by_a_reference_within_the_file(client, staff):
    content = (
        "ref,name,kind,gmina_code,founder_ref\n"
        "g1,Urząd Gminy Lubicz,gmina_office,0415062,\n"
        "w1,WTZ w Lubiczu,wtz,0415062,g1\n"
        "w2,WTZ bez prowadzącego,wtz,0415062,zz\n"
    ).encode()
    response = await upload(client, staff, content)
    assert response.status_code == 422
    assert [(e["row"], e["field"]) for e in response.json()["errors"]] == [(4, "founder_id")]
    response = await upload(client, staff, content.rsplit(b"w2,", 1)[0])
    assert response.status_code == 201
    unit = (await client.get("/api/v1/organisations", params={"kind": "wtz"}, headers=staff.headers)).json()[
        "items"
    ][0]
    office = (
        await client.get("/api/v1/organisations", params={"kind": "gmina_office"}, headers=staff.headers)
    ).json()
    assert unit["founder_id"] == office["items"][0]["id"]
