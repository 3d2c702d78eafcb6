"""The register in the browser's pages: the list with one search box for names and identifiers,
facets with labels and territory names, sorting, paging, and 422 for unknown parameters."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.anyio
HTML = {"accept": "text/html"}


async def add(client, staff, **values):
    body = {"kind": "association", "gmina_code": "0463011", **values}
    answer = await client.post("/api/v1/organisations", json=body, headers=staff.headers)
    assert answer.status_code == 201, answer.text
    return answer.json()


async def test_one_box_finds_names_without_polish_letters_and_identifiers(client, staff):
    zorza = await add(
        client, staff, name="Stowarzyszenie „Zorza” w Łodzi", nip="5260250274", krs="0000030897"
    )
    await add(client, staff, name="Fundacja Świt", kind="foundation")
    seen = await client.get("/rejestr?q=zorza+lodzi", headers={**HTML, **staff.headers})
    assert seen.status_code == 200
    assert "Stowarzyszenie „Zorza” w Łodzi" in seen.text and "Fundacja Świt" not in seen.text
    assert "Znaleziono 1 podmiot" in seen.text
    for typed in ("526-025-02-74", "PL5260250274", "KRS 30897", "0000030897"):
        found = await client.get("/rejestr", params={"q": typed}, headers={**HTML, **staff.headers})
        assert f'href="/rejestr/{zorza["id"]}"' in found.text, typed
        assert "Fundacja Świt" not in found.text, typed


async def test_facets_are_labelled_and_territories_named(client, staff):
    await add(client, staff, name="Fundacja Pierwsza", kind="foundation")
    await add(client, staff, name="Fundacja Druga", kind="foundation")
    listing = await client.get("/rejestr", headers={**HTML, **staff.headers})
    text = listing.text
    assert re.search(r'value="foundation"[^>]*> fundacja <span class="muted">\(2\)</span>', text)
    assert "Znaleziono 2 podmioty" in text
    assert ">foundation<" not in text and "> foundation " not in text
    assert re.search(r'name="territory" value="0463"> Toruń <span class="muted">\(2\)', text)  # by name
    narrowed = await client.get("/rejestr?kind=foundation&territory=0463", headers={**HTML, **staff.headers})
    assert "Znaleziono 2 podmioty" in narrowed.text


async def test_sorting_and_paging(client, staff):
    for name in ("Alfa", "Beta", "Gamma"):
        await add(client, staff, name=f"Stowarzyszenie {name}")
    first = await client.get("/rejestr?page_size=2&sort=-name", headers={**HTML, **staff.headers})
    assert first.text.index("Stowarzyszenie Gamma") < first.text.index("Stowarzyszenie Beta")
    assert "Stowarzyszenie Alfa" not in first.text and 'rel="next"' in first.text
    second = await client.get("/rejestr?page_size=2&sort=-name&page=2", headers={**HTML, **staff.headers})
    assert "Stowarzyszenie Alfa" in second.text and 'rel="prev"' in second.text


async def test_unknown_parameters_are_refused_by_name_on_the_page_and_the_api(client, staff):
    page = await client.get("/rejestr?knd=foundation", headers={**HTML, **staff.headers})
    assert page.status_code == 422 and "knd" in page.text
    api = await client.get("/api/v1/organisations?knd=foundation", headers=staff.headers)
    assert api.status_code == 422 and api.json()["errors"][0]["field"] == "knd"
    assert (
        await client.get("/api/v1/organisations?kind=foundation", headers=staff.headers)
    ).status_code == 200


async def test_owes_and_anonymous_cannot_open_the_register_list(client, caller_for, staff):
    from ses.auth.policy import Role

    owes_org = await add(client, staff, name="OWES Lista", is_owes=True)
    owes = await caller_for(Role.OWES, organisation_id=owes_org["id"], name="owes-lista")
    assert (await client.get("/rejestr", headers={**HTML, **owes.headers})).status_code == 403
    assert (await client.get("/rejestr", headers=HTML)).status_code == 303


async def session_client(client, username="anna.rejestr"):
    """Staff signed in through the sign-in form (forms need the session's CSRF token)."""
    from tests.ses.test_auth_web import PASSWORD, account, hidden, sign_in

    await account(username)
    assert (await sign_in(client, username, PASSWORD)).status_code == 303
    home = await client.get("/", headers=HTML)
    return hidden(home.text, "_csrf")


async def test_staff_creates_edits_and_a_stale_form_is_refused(client):
    csrf = await session_client(client)
    bad = await client.post(
        "/rejestr/nowy",
        data={"_csrf": csrf, "name": "Fundacja Nowa", "kind": "foundation", "gmina_code": "123",
              "nip": "123", "email": "zly-adres"},
        headers=HTML,
    )  # fmt: skip
    assert bad.status_code == 422
    assert "Kod gminy TERYT (TERC) ma 7 cyfr" in bad.text and "NIP ma 10 cyfr" in bad.text
    assert (
        'id="e-gmina_code"' in bad.text and 'href="#f-nip"' in bad.text
    )  # next to the field and in the summary
    assert 'value="Fundacja Nowa"' in bad.text and 'value="zly-adres"' in bad.text  # typed values kept
    made = await client.post(
        "/rejestr/nowy",
        data={"_csrf": csrf, "name": "Fundacja Nowa", "kind": "foundation", "gmina_code": "0463011"},
        headers=HTML,
    )
    assert made.status_code == 303
    record_url = made.headers["location"].split("?")[0]
    record = await client.get(record_url, headers=HTML)
    assert "Fundacja Nowa" in record.text and "fundacja" in record.text and ">foundation<" not in record.text
    form = await client.get(record_url + "/edycja", headers=HTML)
    assert 'name="version" value="1"' in form.text
    saved = await client.post(
        record_url + "/edycja",
        data={"_csrf": csrf, "version": "1", "name": "Fundacja Nowa Droga", "kind": "foundation",
              "gmina_code": "0463011", "activity_state": "active"},
        headers=HTML,
    )  # fmt: skip
    assert saved.status_code == 303
    stale = await client.post(
        record_url + "/edycja",
        data={"_csrf": csrf, "version": "1", "name": "Fundacja Stara Wersja", "kind": "foundation",
              "gmina_code": "0463011", "activity_state": "active"},
        headers=HTML,
    )  # fmt: skip
    assert stale.status_code == 409 and "NIE zostały zapisane" in stale.text
    assert 'value="Fundacja Stara Wersja"' in stale.text
    record = await client.get(record_url, headers=HTML)
    assert "Fundacja Nowa Droga" in record.text and "Fundacja Stara Wersja" not in record.text
    # The history says who changed what, through which channel, with labels.
    assert "Historia zmian" in record.text and "strona www" in record.text
    assert 'Fundacja Nowa</span> → <span class="diff-new">Fundacja Nowa Droga' in record.text


async def test_status_transitions_offered_only_where_the_law_allows(client):
    csrf = await session_client(client, "ewa.statusy")
    made = await client.post(
        "/rejestr/nowy",
        data={"_csrf": csrf, "name": "Spółdzielnia Socjalna Razem", "kind": "social_cooperative",
              "gmina_code": "0463011"},
        headers=HTML,
    )  # fmt: skip
    assert made.status_code == 303, made.text[made.text.find('role="alert"') :][:800]
    url = made.headers["location"].split("?")[0]
    missing = await client.post(
        url + "/statusy",
        data={"_csrf": csrf, "status_type": "ps", "state": "submitted", "decision_date": "2025-02-03"},
        headers=HTML,
    )
    assert missing.status_code == 422 and "Wskaż cel przedsiębiorstwa społecznego" in missing.text
    applied = await client.post(
        url + "/statusy",
        data={"_csrf": csrf, "status_type": "ps", "state": "submitted", "goal": "reintegration",
              "decision_date": "2025-02-03"},
        headers=HTML,
    )  # fmt: skip
    assert applied.status_code == 303, applied.text
    record = await client.get(url, headers=HTML)
    assert "status przedsiębiorstwa społecznego: złożony wniosek" in record.text
    offered = record.text[
        record.text.index('name="to_state"') : record.text.index(
            "</select>", record.text.index('name="to_state"')
        )
    ]
    assert 'value="active"' in offered and 'value="refused"' in offered and 'value="lost"' not in offered
    granted = await client.post(
        url + "/statusy/" + record.text.split('/statusy/')[1].split('"')[0],
        data={"_csrf": csrf, "to_state": "active", "on_date": "2025-03-03", "decision_number": "PS.1.2025",
              "version": "1", "reason": "Decyzja wojewody"},
        headers=HTML,
    )  # fmt: skip
    assert granted.status_code == 303, granted.text
    record = await client.get(url, headers=HTML)
    assert "status przedsiębiorstwa społecznego: aktywny" in record.text and "PS.1.2025" in record.text


async def test_import_page_shows_errors_then_a_preview_then_imports_on_confirmation(client):
    csrf = await session_client(client, "jan.import")
    bad = b"Nazwa;Rodzaj;Kod gminy\nFundacja Import;fundacja;999\n"
    answer = await client.post(
        "/rejestr/import", data={"_csrf": csrf}, files={"file": ("zly.csv", bad, "text/csv")}, headers=HTML
    )
    assert answer.status_code == 422
    assert (
        "<td>2</td><td>Kod gminy (gmina_code)</td>" in answer.text
        and "Nic nie zostało zapisane" in answer.text
    )
    good = b"Nazwa;Rodzaj;Kod gminy\nFundacja Import;fundacja;0463011\n"
    preview = await client.post(
        "/rejestr/import", data={"_csrf": csrf}, files={"file": ("dobry.csv", good, "text/csv")}, headers=HTML
    )
    assert preview.status_code == 200 and "1 nowy podmiot" in preview.text
    listing = await client.get("/rejestr?q=fundacja+import", headers=HTML)
    assert "Znaleziono 0 podmiotów" in listing.text  # nothing written before the confirmation
    from tests.ses.test_auth_web import hidden

    done = await client.post(
        "/rejestr/import/potwierdz",
        data={"_csrf": csrf, "token": hidden(preview.text, "token")},
        headers=HTML,
    )
    assert done.status_code == 200 and "dodano 1" in done.text
    listing = await client.get("/rejestr?q=fundacja+import", headers=HTML)
    assert "Znaleziono 1 podmiot" in listing.text
    again = await client.post(
        "/rejestr/import/potwierdz",
        data={"_csrf": csrf, "token": hidden(preview.text, "token")},
        headers=HTML,
    )
    assert again.status_code == 422 and "wygasł albo już go zaimportowano" in again.text
    exported = await client.get("/rejestr/eksport.csv?q=import", headers=HTML)
    assert exported.status_code == 200 and exported.content.startswith("\ufeffid;name".encode())
    assert "Fundacja Import" in exported.content.decode("utf-8-sig")


async def test_the_history_names_year_figures_in_polish_not_by_their_codes(client, staff):
    coop = await add(client, staff, name="Spółdzielnia Socjalna Historia", kind="social_cooperative")
    put = await client.put(
        f"/api/v1/organisations/{coop['id']}/figures/2024",
        json={"employees": 5, "employees_at_risk": 2, "revenue_pln": "100000.00"},
        headers=staff.headers,
    )
    assert put.status_code == 200, put.text
    record = (await client.get(f"/rejestr/{coop['id']}", headers={**HTML, **staff.headers})).text
    history = record[record.index("Historia zmian") :]
    assert "dane roczne" in history and "2024: zatrudnieni" in history
    assert "2024: w tym zagrożeni wykluczeniem" in history and "2024: przychody (zł)" in history
    assert "2024.employees" not in history and "figures.put" not in history
