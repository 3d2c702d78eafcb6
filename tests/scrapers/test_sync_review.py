"""Staff review a change set in the API and on the pages; others cannot see it."""

from __future__ import annotations

import html
import re

import httpx
import pytest

from tests.scrapers.conftest import GYM, WOSP

pytestmark = pytest.mark.anyio
PASSWORD = "Synchronizacja-2026"
HTML = {"accept": "text/html"}


async def _run(krs_client):
    from scrapers.krs_sync import sync_krs
    from ses.audit.services import Actor
    from ses.register import services

    org = await services.create(
        {"name": "Fundacja WOŚP", "kind": "foundation", "gmina_code": "1465011", "krs": WOSP},
        Actor.system("tests"),
    )
    report = await sync_krs(numbers=[WOSP, GYM, "404"], client=krs_client)
    return org, report


async def test_the_api_gives_runs_their_change_sets_and_raw_answers_to_staff_only(
    client, staff, committee, stand_in, krs_client
):
    org, report = await _run(krs_client)
    assert (await client.get("/api/v1/sync/runs", headers=committee.headers)).status_code == 403
    runs = (await client.get("/api/v1/sync/runs", headers=staff.headers)).json()
    assert runs["items"][0]["id"] == report.run_id and runs["items"][0]["counts"]["new"] == 1
    detail = (await client.get(f"/api/v1/sync/runs/{report.run_id}", headers=staff.headers)).json()
    records = {r["key"]: r for r in detail["records"]}
    assert records["0000000404"]["status"] == "not_found"
    wosp = records[WOSP]
    assert wosp["organisation_id"] == org["id"] and wosp["status"] == "update"
    raw = await client.get(wosp["raw_url"], headers=staff.headers)
    assert raw.status_code == 200 and raw.json()["odpis"]["naglowekA"]["numerKRS"] == WOSP
    website = next(c for c in wosp["changes"] if c["field"] == "website")
    accepted = await client.post(
        "/api/v1/sync/changes/accept", json={"change_ids": [website["id"]]}, headers=staff.headers
    )
    assert accepted.status_code == 200 and accepted.json()["applied"] == 1
    record = (await client.get(f"/api/v1/organisations/{org['id']}", headers=staff.headers)).json()
    assert record["website"] == "www.wosp.org.pl"
    empty = await client.post("/api/v1/sync/changes/accept", json={"change_ids": []}, headers=staff.headers)
    assert empty.status_code == 422
    bad_page = await client.get("/api/v1/sync/runs?page_size=5000", headers=staff.headers)
    assert bad_page.status_code == 422
    assert (await client.get("/api/v1/sync/runs/999999", headers=staff.headers)).status_code == 404


def _hidden(text: str) -> str:
    found = re.search(r'name="_csrf" value="([^"]*)"', text)
    assert found
    return html.unescape(found.group(1))


async def test_staff_accept_and_reject_on_the_review_page_in_polish(app_tx, stand_in, krs_client):
    from ses.audit.services import Actor
    from ses.auth.policy import Role
    from ses.auth.services import create_account
    from ses.register import services

    org, report = await _run(krs_client)
    await create_account(
        username="rops.sync",
        role=Role.STAFF,
        password=PASSWORD,
        organisation_id=None,
        actor=Actor.system("tests"),
    )
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app_tx), base_url="http://testserver"
    ) as http:
        form = await http.get("/login", headers=HTML)
        signed = await http.post(
            "/login",
            data={"username": "rops.sync", "password": PASSWORD, "_csrf": _hidden(form.text), "next": "/"},
            headers=HTML,
        )
        assert signed.status_code == 303
        listing = await http.get("/synchronizacja", headers=HTML)
        assert listing.status_code == 200 and f"nr {report.run_id}" in listing.text
        assert "KRS (Krajowy Rejestr Sądowy)" in listing.text
        page = await http.get(f"/synchronizacja/{report.run_id}", headers=HTML)
        text = page.text
        assert "Strona internetowa" in text and "www.wosp.org.pl" in text
        assert "nieznany numer (404)" in text and "nowa organizacja" in text
        assert "surowa odpowiedź źródła" in text
        assert "Kraków (1261011)" in text  # the gmina named, not only its code
        assert "website" not in re.sub(r"<[^>]+>", "", text)  # no English code shown to a person
        boxes = re.findall(
            r'name="change" value="(\d+)" id="ch-\d+" aria-label="Wybierz zmianę: ([^"]+)"', text
        )
        by_label = {label: value for value, label in boxes}
        assert "Strona internetowa" in by_label
        csrf = _hidden(text)
        done = await http.post(
            f"/synchronizacja/{report.run_id}/decyzja",
            data={"_csrf": csrf, "action": "accept", "change": [by_label["Strona internetowa"]]},
            headers=HTML,
        )
        assert done.status_code == 303
        after = await http.get(done.headers["location"], headers=HTML)
        assert "Zastosowano zaznaczone zmiany" in after.text
        assert (await services.get(org["id"]))["website"] == "www.wosp.org.pl"
        rejected = await http.post(
            f"/synchronizacja/{report.run_id}/decyzja",
            data={"_csrf": csrf, "action": "reject", "change": [by_label["NIP"]]},
            headers=HTML,
        )
        assert "odrzucono" in rejected.headers["location"]
        assert (await services.get(org["id"]))["nip"] is None
        record_id = re.search(r'href="/synchronizacja/rekord/(\d+)/odpowiedz"', text).group(1)
        raw = await http.get(f"/synchronizacja/rekord/{record_id}/odpowiedz", headers=HTML)
        assert raw.status_code == 200 and "numerKRS" in raw.text
        record_page = await http.get(f"/rejestr/{org['id']}", headers=HTML)
        assert "Dane z KRS" in record_page.text and "pożytku publicznego" in record_page.text
