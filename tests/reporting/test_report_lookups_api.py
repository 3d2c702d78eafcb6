"""The report form's type-ahead (/api/v1/report-lookups): gminas and powiats by name without Polish
letters, register organisations by a word, NIP or KRS — and only what an OWES may see."""

from __future__ import annotations

from typing import Any

import pytest

from ses.auth.policy import Role
from ses.reporting import lookups

pytestmark = pytest.mark.anyio

URL = "/api/v1/report-lookups"
NIP = "5260250274"


async def organisation(client: Any, staff: Any, **body: Any) -> dict[str, Any]:
    payload = {"name": "Stowarzyszenie", "kind": "association", "gmina_code": "0463011", **body}
    response = await client.post("/api/v1/organisations", json=payload, headers=staff.headers)
    assert response.status_code == 201, response.text
    return response.json()


@pytest.fixture
async def owes(client: Any, staff: Any, caller_for: Any) -> Any:
    own = await organisation(client, staff, name="OWES Podpowiedzi", is_owes=True)
    return await caller_for(Role.OWES, organisation_id=own["id"], name="owes-podpowiedzi")


async def test_lodz_is_found_without_polish_letters(client, owes):
    answer = await client.get(f"{URL}/territories", params={"q": "lodz"}, headers=owes.headers)
    assert answer.status_code == 200, answer.text
    first = answer.json()[0]
    assert first["key"] == "1061011"
    assert first["value"] == "Łódź — gmina miejska (1061011)"
    assert first["label"] == "Łódź — gmina miejska, miasto na prawach powiatu, woj. łódzkie (1061011)"
    powiats = await client.get(
        f"{URL}/territories", params={"q": "torunski", "level": "powiat"}, headers=owes.headers
    )
    assert [row["key"] for row in powiats.json()][:1] == ["0415"]
    assert "powiat toruński" in powiats.json()[0]["label"]


async def test_organisations_are_found_by_a_word_a_nip_or_a_krs(client, staff, owes):
    chleb = await organisation(client, staff, name="Spółdzielnia Socjalna Chleb Łódzki", nip=NIP)
    by_word = (
        await client.get(f"{URL}/organisations", params={"q": "chleb lodzki"}, headers=owes.headers)
    ).json()
    assert [row["key"] for row in by_word] == [str(chleb["id"])]
    assert by_word[0]["value"] == f"Spółdzielnia Socjalna Chleb Łódzki (id {chleb['id']})"
    assert by_word[0]["label"].startswith(
        "Spółdzielnia Socjalna Chleb Łódzki — NIP 526-025-02-74, stowarzyszenie"
    )
    assert by_word[0]["label"].endswith("Toruń")
    by_nip = (
        await client.get(f"{URL}/organisations", params={"q": "526-025-02-74"}, headers=owes.headers)
    ).json()
    assert [row["key"] for row in by_nip] == [str(chleb["id"])]
    krs = await organisation(client, staff, name="Fundacja Z Numerem", krs="0000030897")
    by_krs = (
        await client.get(f"{URL}/organisations", params={"q": "KRS 30897"}, headers=owes.headers)
    ).json()
    assert [row["key"] for row in by_krs] == [str(krs["id"])]


async def test_an_owes_sees_only_what_naming_an_organisation_needs(client, staff, owes):
    kept = await organisation(
        client, staff, name="Fundacja Widoczna", email="biuro@widoczna.example", phone="+48 600 100 200"
    )
    gone = await organisation(client, staff, name="Fundacja Wykreślona")
    url = f"/api/v1/organisations/{gone['id']}"
    etag = (await client.get(url, headers=staff.headers)).headers["etag"]
    retired = await client.post(
        f"{url}/retire", json={"reason": "Wykreślona z KRS"}, headers={**staff.headers, "If-Match": etag}
    )
    assert retired.status_code == 200
    answer = await client.get(f"{URL}/organisations", params={"q": "fundacja"}, headers=owes.headers)
    rows = answer.json()
    assert [row["key"] for row in rows] == [str(kept["id"])]  # the retired one is not offered
    assert set(rows[0]) == {"key", "value", "label"}
    assert "widoczna.example" not in answer.text and "600" not in answer.text
    # The register itself stays closed to an OWES: only its own record.
    assert (await client.get("/api/v1/organisations", headers=owes.headers)).status_code == 403
    assert (await client.get(f"/api/v1/organisations/{kept['id']}", headers=owes.headers)).status_code == 404


@pytest.mark.parametrize("role", [Role.REVIEWER, Role.COMMITTEE])
async def test_roles_that_send_no_report_are_refused(client, caller_for, role):
    other = await caller_for(role)
    for path in ("/organisations", "/territories"):
        assert (await client.get(URL + path, params={"q": "torun"}, headers=other.headers)).status_code == 403


async def test_anonymous_callers_are_refused(client):
    assert (await client.get(f"{URL}/organisations", params={"q": "torun"})).status_code == 401


async def test_bad_queries_answer_422_or_nothing(client, owes, staff):
    unknown = await client.get(f"{URL}/organisations", params={"q": "x", "page": "2"}, headers=owes.headers)
    assert unknown.status_code == 422 and "page" in unknown.text
    level = await client.get(
        f"{URL}/territories", params={"q": "torun", "level": "wies"}, headers=owes.headers
    )
    assert level.status_code == 422 and "level" in level.text
    assert (await client.get(f"{URL}/organisations", params={"q": "a"}, headers=owes.headers)).json() == []
    assert (await client.get(f"{URL}/territories", params={"q": "%_"}, headers=staff.headers)).json() == []
    long = await client.get(f"{URL}/organisations", params={"q": "x" * 5000}, headers=staff.headers)
    assert long.status_code == 200 and long.json() == []


async def test_typed_texts_resolve_to_one_thing_or_a_polish_problem(client, staff):
    chleb = await organisation(client, staff, name="Spółdzielnia Socjalna Chleb", nip=NIP)
    await organisation(client, staff, name="Spółdzielnia Socjalna Chleb i Sól")
    assert (await lookups.resolve_territory("lodz", "gmina")).key == "1061011"
    assert (await lookups.resolve_territory("Toruń — gmina miejska (0463011)", "gmina")).key == "0463011"
    assert (await lookups.resolve_territory("0463", "powiat")).key == "0463"
    several = await lookups.resolve_territory("Kłodzko", "gmina")
    assert (
        several.key is None
        and "kilku gmin" in (several.problem or "")
        and "0208021" in (several.problem or "")
    )
    assert "Nie znaleziono gminy" in ((await lookups.resolve_territory("Zzyzx", "gmina")).problem or "")
    assert (await lookups.resolve_organisation("spółdzielnia socjalna chleb")).key == str(chleb["id"])
    assert (await lookups.resolve_organisation(NIP)).key == str(chleb["id"])
    assert (await lookups.resolve_organisation(f"cokolwiek (id {chleb['id']})")).key == str(chleb["id"])
    assert "kilku organizacji" in ((await lookups.resolve_organisation("chleb")).problem or "")
    assert "o id 999999" in ((await lookups.resolve_organisation("999999")).problem or "")
