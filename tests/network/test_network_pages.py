"""/siec: the network page as a person sees it (HTML from the real app, in the test transaction)."""

from __future__ import annotations

import re
from html import unescape

import pytest

from ses.auth.policy import Role

pytestmark = pytest.mark.anyio

BASE = "/api/v1/network"
TORUN = "0463011"


async def tie(client, staff, a: int, b: int, **extra) -> None:
    body = {"source_id": a, "target_id": b, "relation_type": "cooperates", **extra}
    response = await client.post(f"{BASE}/relations", json=body, headers=staff.headers)
    assert response.status_code == 201, response.text


def text(html: str) -> str:
    return unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)))


async def test_the_page_draws_the_network_with_its_tables_and_downloads(client, staff, org):
    hub = await org("Stowarzyszenie Centrum Współpracy")
    office = await org("Urząd Gminy Bukowiec", "gmina_office")
    coop = await org("Spółdzielnia Socjalna Razem", "social_cooperative")
    far = await org("Fundacja Toruńska", "foundation", gmina=TORUN)
    await tie(client, staff, hub, office)
    await tie(client, staff, hub, coop)
    await tie(client, staff, hub, far)
    response = await client.get("/siec", headers=staff.headers)
    assert response.status_code == 200, response.text
    html = response.text
    assert "<script" not in html and " style=" not in html  # the CSP allows neither
    page = text(html)
    assert "Sieć współpracy regionu" in page
    # The drawing: one circle per organisation, one line per tie, each node a link to its own network.
    assert html.count("<circle") == 4 and html.count("<line") == 3
    assert f'href="/siec?organizacja={hub}"' in html
    # Its table equivalent, the measures with Polish labels, who holds the network together.
    assert "Tabela rysunku" in page and "Spółdzielnia Socjalna Razem" in page
    assert "Gęstość sieci 0,5" in page  # 3 ties of 6 possible
    assert "Punkty artykulacji" in page and "Mosty" in page
    assert "spółdzielnia socjalna" in page  # kinds by their Polish label, never the code
    assert "social_cooperative" not in page and "gmina_office" not in page
    assert "/api/v1/network/export.gexf" in html and "/api/v1/network/export.graphml" in html
    # A powiat: only its organisations and their ties (Toruń's foundation is outside powiat 0414).
    powiat = await client.get("/siec", params={"teren": "0414"}, headers=staff.headers)
    assert powiat.status_code == 200 and powiat.text.count("<circle") == 3
    assert "Fundacja Toruńska" not in text(powiat.text)
    # One organisation's network.
    ego = await client.get("/siec", params={"organizacja": str(coop)}, headers=staff.headers)
    assert ego.status_code == 200
    assert "Sieć organizacji: Spółdzielnia Socjalna Razem" in text(ego.text)
    assert ego.text.count("<circle") == 2


async def test_bad_filters_are_named_in_polish_and_nothing_breaks(client, staff):
    response = await client.get(
        "/siec", params={"teren": "xx", "organizacja": "99999999999", "stan_na": "31.12.2025"},
        headers=staff.headers,
    )  # fmt: skip
    assert response.status_code == 422
    page = text(response.text)
    assert "Nie można pokazać sieci" in page
    assert "kod TERYT" in page and "numer (id) organizacji" in page and "RRRR-MM-DD" in page
    missing = await client.get("/siec", params={"organizacja": "987654"}, headers=staff.headers)
    assert missing.status_code == 422 and "nie ma organizacji o id 987654" in text(missing.text)


async def test_an_owes_sees_only_its_own_ties_on_the_page(client, staff, caller_for, org):
    owes_id = await org("OWES Strona", is_owes=True)
    a = await org("Partner Pierwszy")
    b = await org("Partner Drugi")
    c = await org("Obcy Trzeci")
    await tie(client, staff, owes_id, a)
    await tie(client, staff, owes_id, b)
    await tie(client, staff, a, b)
    await tie(client, staff, b, c)
    owes = await caller_for(Role.OWES, organisation_id=owes_id, name="owes-strona")
    response = await client.get("/siec", params={"organizacja": str(c)}, headers=owes.headers)
    assert response.status_code == 200
    page = text(response.text)
    assert "Obcy Trzeci" not in page and "Rekomendacje" not in page
    assert response.text.count("<circle") == 3 and response.text.count("<line") == 2
