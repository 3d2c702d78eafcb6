"""Querying the register as ROPS staff and synchronising clients do: filters, facets, exports."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from io import BytesIO
from typing import Any

import pytest

pytestmark = pytest.mark.anyio

TORUN = "0463011"
LODZ = "1061011"
BYDGOSZCZ = "0461011"
LUBICZ = "0415042"  # gmina wiejska in powiat toruński


async def create(client: Any, staff: Any, name: str, **fields: Any) -> dict[str, Any]:
    body = {"name": name, "kind": "association", "gmina_code": TORUN, **fields}
    response = await client.post("/api/v1/organisations", json=body, headers=staff.headers)
    assert response.status_code == 201, response.text
    return response.json()


async def search(client: Any, staff: Any, **params: Any) -> dict[str, Any]:
    response = await client.get("/api/v1/organisations", params=params, headers=staff.headers)
    assert response.status_code == 200, response.text
    return response.json()


def names(page: dict[str, Any]) -> list[str]:
    return [item["name"] for item in page["items"]]


async def test_name_search_ignores_case_and_polish_letters_and_word_order(client, staff):
    await create(client, staff, "Fundacja „Źródło” w Łodzi", kind="foundation", gmina_code=LODZ)
    await create(client, staff, "Stowarzyszenie Łódzkich Żeglarzy", gmina_code=LODZ)
    await create(client, staff, "Fundacja Toruńska")
    assert names(await search(client, staff, q="lodz", sort="name")) == [
        "Fundacja „Źródło” w Łodzi",
        "Stowarzyszenie Łódzkich Żeglarzy",
    ]
    assert names(await search(client, staff, q="ZRODLO fundacja")) == ["Fundacja „Źródło” w Łodzi"]
    assert names(await search(client, staff, q="zeglarzy ŁÓDZKICH")) == ["Stowarzyszenie Łódzkich Żeglarzy"]
    assert (await search(client, staff, q="100%"))["total"] == 0


async def test_territory_prefixes_at_every_level_and_several_at_once(client, staff):
    await create(client, staff, "A Toruń")
    await create(client, staff, "B Lubicz", gmina_code=LUBICZ)
    await create(client, staff, "C Bydgoszcz", gmina_code=BYDGOSZCZ)
    await create(client, staff, "D Łódź", gmina_code=LODZ)
    assert names(await search(client, staff, territory="04", sort="name")) == [
        "A Toruń",
        "B Lubicz",
        "C Bydgoszcz",
    ]
    assert names(await search(client, staff, territory="0415")) == ["B Lubicz"]
    assert names(await search(client, staff, territory=LUBICZ)) == ["B Lubicz"]
    assert names(await search(client, staff, territory="041504")) == ["B Lubicz"]
    both = await search(client, staff, territory="0463,10", sort="name")
    assert names(both) == ["A Toruń", "D Łódź"]
    repeated = await client.get(
        "/api/v1/organisations", params=[("territory", "0461"), ("territory", "0415")], headers=staff.headers
    )
    assert repeated.json()["total"] == 2


async def test_unknown_or_malformed_territory_is_a_specific_error(client, staff):
    response = await client.get("/api/v1/organisations", params={"territory": "99"}, headers=staff.headers)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "territory"
    assert response.json()["errors"][0]["message"] == "Nie ma jednostki terytorialnej o kodzie TERYT 99."
    response = await client.get("/api/v1/organisations", params={"territory": "04x"}, headers=staff.headers)
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "territory"
    export = await client.get(
        "/api/v1/organisations/export.csv", params={"territory": "0499"}, headers=staff.headers
    )
    assert export.status_code == 422


async def test_facet_counts_follow_the_filters_and_every_change(client, staff):
    await create(client, staff, "Spółdzielnia Socjalna „Razem”", kind="social_cooperative")
    await create(client, staff, "Fundacja A", kind="foundation")
    await create(client, staff, "Fundacja B", kind="foundation", gmina_code=BYDGOSZCZ)
    page = await search(client, staff, territory="04", facets="kind,pes_letter,powiat,activity_state")
    assert page["facets"]["kind"] == {"foundation": 2, "social_cooperative": 1}
    assert page["facets"]["pes_letter"] == {"a": 1, "e": 2}
    assert page["facets"]["powiat"] == {"0461": 1, "0463": 2}
    assert page["facets"]["activity_state"] == {"active": 3}
    # Counts are cached between requests; a new organisation must show at once.
    await create(client, staff, "Fundacja C", kind="foundation")
    page = await search(client, staff, territory="04", facets="kind")
    assert page["total"] == 4 and page["facets"]["kind"] == {"foundation": 3, "social_cooperative": 1}
    only_foundations = await search(client, staff, kind="foundation", territory="0463", facets="kind")
    assert only_foundations["facets"]["kind"] == {"foundation": 2}
    bad = await client.get("/api/v1/organisations", params={"facets": "colour"}, headers=staff.headers)
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "facets"


async def test_modified_after_gives_only_what_changed_with_or_without_a_zone(client, staff):
    old = await create(client, staff, "Stare Stowarzyszenie")
    later = datetime.fromisoformat(old["updated_at"]) + timedelta(microseconds=1)
    new = await create(client, staff, "Nowe Stowarzyszenie")
    changed = await search(client, staff, modified_after=later.isoformat(), sort="updated_at")
    assert names(changed) == ["Nowe Stowarzyszenie"]
    naive = later.astimezone(UTC).replace(tzinfo=None).isoformat()
    assert names(await search(client, staff, modified_after=naive)) == ["Nowe Stowarzyszenie"]
    url = f"/api/v1/organisations/{old['id']}"
    edited = await client.patch(
        url, json={"phone": "56 600 00 00"}, headers={**staff.headers, "If-Match": f'"org-{old["id"]}-v1"'}
    )
    assert edited.status_code == 200
    changed = await search(client, staff, modified_after=later.isoformat(), sort="updated_at")
    assert names(changed) == ["Nowe Stowarzyszenie", "Stare Stowarzyszenie"]
    assert new["id"] != old["id"]
    bad = await client.get(
        "/api/v1/organisations", params={"modified_after": "wczoraj"}, headers=staff.headers
    )
    assert bad.status_code == 400 or bad.status_code == 422


async def test_roles_statuses_and_identifiers_as_filters(client, staff):
    body = await create(client, staff, "Stowarzyszenie Prowadzące CIS", nip="526-025-02-74")
    await create(client, staff, "Centrum Integracji Społecznej w Toruniu", kind="cis", founder_id=body["id"])
    await create(client, staff, "Fundacja OWES", kind="foundation", is_owes=True)
    coop = await create(client, staff, "Spółdzielnia Socjalna „Smaki”", kind="social_cooperative")
    status = await client.post(
        f"/api/v1/organisations/{coop['id']}/statuses",
        json={"status_type": "ps", "state": "active", "goal": "reintegration",
              "decision_number": "WPS.1.2024", "decision_date": "2024-03-01",
              "granted_by": "Wojewoda Kujawsko-Pomorski"},
        headers=staff.headers,
    )  # fmt: skip
    assert status.status_code == 201, status.text
    assert names(await search(client, staff, role="founder")) == ["Stowarzyszenie Prowadzące CIS"]
    assert names(await search(client, staff, role="owes")) == ["Fundacja OWES"]
    assert names(await search(client, staff, ps_state="active")) == ["Spółdzielnia Socjalna „Smaki”"]
    assert names(await search(client, staff, nip="5260250274")) == ["Stowarzyszenie Prowadzące CIS"]
    assert names(await search(client, staff, nip="526-025-02-74")) == ["Stowarzyszenie Prowadzące CIS"]
    assert names(await search(client, staff, pes_letter="c")) == ["Centrum Integracji Społecznej w Toruniu"]
    assert names(await search(client, staff, legal_form="fundacja")) == ["Fundacja OWES"]
    bad = await client.get("/api/v1/organisations", params={"role": "king"}, headers=staff.headers)
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "role"


async def test_csv_and_xlsx_exports_stream_the_same_filtered_query(client, staff):
    await create(client, staff, "Fundacja Łódzka", kind="foundation", gmina_code=LODZ)
    await create(client, staff, "Fundacja Toruńska", kind="foundation")
    await create(client, staff, "Stowarzyszenie Toruńskie")
    params = {"kind": "foundation", "q": "torunska"}
    page = await search(client, staff, **params)
    csv_response = await client.get("/api/v1/organisations/export.csv", params=params, headers=staff.headers)
    assert csv_response.status_code == 200
    assert 'filename="rejestr.csv"' in csv_response.headers["content-disposition"]
    text = csv_response.content.decode("utf-8")
    assert text.startswith("\ufeffid;name;kind")  # as a Polish-locale Excel opens it
    rows = text.lstrip("\ufeff").splitlines()[1:]
    assert [row.split(";")[1] for row in rows] == names(page) == ["Fundacja Toruńska"]
    xlsx = await client.get("/api/v1/organisations/export.xlsx", params=params, headers=staff.headers)
    assert xlsx.status_code == 200
    assert xlsx.headers["content-type"].startswith("application/vnd.openxmlformats")
    from openpyxl import load_workbook

    sheet = load_workbook(BytesIO(xlsx.content)).active
    values = list(sheet.iter_rows(values_only=True))
    assert values[0][:3] == ("Id", "Nazwa", "Rodzaj")
    assert [row[1:3] for row in values[1:]] == [("Fundacja Toruńska", "fundacja")]
    assert isinstance(values[1][0], int)
    bad = await client.get(
        "/api/v1/organisations/export.xlsx", params={"role": "king"}, headers=staff.headers
    )
    assert bad.status_code == 422


async def test_retired_organisations_are_left_out_unless_asked_for(client, staff):
    gone = await create(client, staff, "Stowarzyszenie Rozwiązane")
    await create(client, staff, "Stowarzyszenie Działające")
    retired = await client.post(
        f"/api/v1/organisations/{gone['id']}/retire",
        json={"reason": "Wykreślone z KRS"},
        headers={**staff.headers, "If-Match": f'"org-{gone["id"]}-v1"'},
    )
    assert retired.status_code == 200 and retired.json()["activity_state"] == "retired"
    assert names(await search(client, staff, territory="0463")) == ["Stowarzyszenie Działające"]
    assert (await search(client, staff, territory="0463", include_retired="true"))["total"] == 2
    assert names(await search(client, staff, activity_state="retired")) == ["Stowarzyszenie Rozwiązane"]


def test_export_rows_read_as_plain_sqlite_values_look_like_the_api():
    from datetime import date

    from ses.register.export import EXPORT_COLUMNS, _csv_row

    plain = dict.fromkeys(EXPORT_COLUMNS)
    plain.update(id=7, name="Fundacja „Łąka”", is_owes=1, is_demo=0, registered_on="2020-02-29",
                 created_at="2026-01-31 12:00:00.5+00:00",
                 updated_at="2026-01-31 12:00:00.5+00:00")  # fmt: skip
    typed = {**plain, "is_owes": True, "is_demo": False, "registered_on": date(2020, 2, 29),
             "created_at": datetime(2026, 1, 31, 12, 0, 0, 500000, tzinfo=UTC),
             "updated_at": datetime(2026, 1, 31, 12, 0, 0, 500000, tzinfo=UTC)}  # fmt: skip
    from_sqlite = _csv_row(tuple(plain[name] for name in EXPORT_COLUMNS))
    from_postgres = _csv_row(tuple(typed[name] for name in EXPORT_COLUMNS))
    at = EXPORT_COLUMNS.index
    assert from_sqlite[at("is_owes")] == from_postgres[at("is_owes")] == "tak"
    assert from_sqlite[at("is_demo")] == "nie"
    assert from_sqlite[at("created_at")] == "2026-01-31T12:00:00.5+00:00"
    assert from_postgres[at("created_at")] == "2026-01-31T12:00:00.500000+00:00"
    assert str(from_postgres[at("registered_on")]) == from_sqlite[at("registered_on")] == "2020-02-29"
