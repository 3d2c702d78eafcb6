"""OWES reports on the web: the form generated from the definition, the report page with its
lifecycle steps, file upload, the list and the follow-up, as people use them in a browser
(session cookie, CSRF field), over the real app and database."""

from __future__ import annotations

import html
import re
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack
from datetime import date, timedelta
from typing import Any

import httpx
import pytest

from ses.audit.services import Actor
from ses.auth.policy import Role
from ses.reporting import periods

pytestmark = pytest.mark.anyio
PASSWORD = "Raporty-2026-haslo"
HTML = {"accept": "text/html"}
TORUN = "0463011"
PERIOD = periods.last_ended(date.today(), "quarter", 1)[0]


def hidden(text: str, name: str) -> str:
    match = re.search(rf'name="{re.escape(name)}" value="([^"]*)"', text)
    assert match, f"no hidden field {name}"
    return html.unescape(match.group(1))


def field_error(text: str, input_name: str) -> str:
    """The message shown next to one input (empty when there is none)."""
    match = re.search(rf'id="in-{re.escape(input_name.replace(".", "-"))}-err">([^<]*)<', text)
    return html.unescape(match.group(1)) if match else ""


def input_value(text: str, input_name: str) -> str:
    match = re.search(rf'name="{re.escape(input_name)}"[^>]*value="([^"]*)"', text)
    assert match, f"no input {input_name}"
    return html.unescape(match.group(1))


class Person:
    """One signed-in browser: its own cookie jar, and the CSRF token of its session."""

    def __init__(self, http: httpx.AsyncClient) -> None:
        self.http = http
        self.csrf = ""

    async def sign_in(self, username: str) -> None:
        form = await self.http.get("/login", headers=HTML)
        response = await self.http.post(
            "/login",
            data={
                "username": username,
                "password": PASSWORD,
                "_csrf": hidden(form.text, "_csrf"),
                "next": "/raporty",
            },
            headers=HTML,
        )
        assert response.status_code == 303, response.text
        listing = await self.http.get("/raporty", headers=HTML)
        assert listing.status_code == 200, listing.text
        self.csrf = hidden(listing.text, "_csrf")

    async def get(self, path: str) -> httpx.Response:
        return await self.http.get(path, headers=HTML)

    async def post(self, path: str, data: dict[str, Any]) -> httpx.Response:
        return await self.http.post(path, data={"_csrf": self.csrf, **data}, headers=HTML)


@pytest.fixture
async def people(app_tx: Any, client: Any, staff: Any) -> AsyncIterator[dict[str, Any]]:
    """Two OWES with a signed-in person each, a signed-in ROPS employee and a PS in the register."""
    from ses.auth.services import create_account

    async def organisation(**body: Any) -> dict[str, Any]:
        payload = {"kind": "association", "gmina_code": TORUN, **body}
        response = await client.post("/api/v1/organisations", json=payload, headers=staff.headers)
        assert response.status_code == 201, response.text
        return response.json()

    owes_a = await organisation(name="OWES Alfa (formularz)", is_owes=True)
    owes_b = await organisation(name="OWES Beta (formularz)", is_owes=True)
    ps = await organisation(name="Spółdzielnia Socjalna Formularz", kind="social_cooperative")
    actor = Actor.system("tests")
    for username, role, org in (
        ("owes.alfa", Role.OWES, owes_a["id"]),
        ("owes.beta", Role.OWES, owes_b["id"]),
        ("rops.ewa", Role.STAFF, None),
        ("rops.reviewer", Role.REVIEWER, None),
    ):
        await create_account(
            username=username, role=role, password=PASSWORD, organisation_id=org, actor=actor
        )
    async with AsyncExitStack() as stack:
        found: dict[str, Any] = {"owes_a": owes_a, "owes_b": owes_b, "ps": ps}
        for key, username in (
            ("a", "owes.alfa"),
            ("b", "owes.beta"),
            ("rops", "rops.ewa"),
            ("rev", "rops.reviewer"),
        ):
            transport = httpx.ASGITransport(app=app_tx)  # type: ignore[arg-type]
            http = await stack.enter_async_context(
                httpx.AsyncClient(transport=transport, base_url="http://testserver")
            )
            person = Person(http)
            await person.sign_in(username)
            found[key] = person
        yield found


def filled(ps_id: int, period: periods.Period = PERIOD, **overrides: str) -> dict[str, str]:
    """A complete, consistent report as the form sends it (one blank row left in supported_pes)."""
    day = (period.start + timedelta(days=10)).isoformat()
    data = {
        "period": period.code,
        "f.pes_supported_total": "3",
        "f.initiative_groups": "1",
        "f.new_pes_created": "0",
        "f.new_ps_created": "0",
        "f.new_jobs_total": "1",
        "f.new_jobs_at_risk": "1",
        "f.grants_total_pln": "1000,50",
        "f.ps_applications_supported": "0",
        "f.procurement_cases": "0",
        "f.remarks": "Kwartał bez niespodzianek.",
        "n.supported_pes": "2",
        "t.supported_pes.0.kind": "association",
        "t.supported_pes.0.powiat_code": "0463",
        "t.supported_pes.0.count": "3",
        "n.jobs": "1",
        "t.jobs.0.ps_organisation_id": str(ps_id),
        "t.jobs.0.person_category": "at_risk",
        "t.jobs.0.fte": "1",
        "t.jobs.0.contract_type": "employment",
        "t.jobs.0.started_on": day,
        "n.grants": "1",
        "t.grants.0.recipient_organisation_id": str(ps_id),
        "t.grants.0.amount_pln": "1000,50",
        "t.grants.0.purpose": "new_jobs",
    }
    data.update(overrides)
    return data


def report_id_of(response: httpx.Response) -> int:
    assert response.status_code == 303, response.text[:2000]
    match = re.match(r"^/raporty/(\d+)\?", response.headers["location"])
    assert match, response.headers["location"]
    return int(match.group(1))


async def stored_reports() -> int:
    from ses.reporting.tables import Report

    return await Report.count()


async def test_owes_fills_the_form_sees_errors_next_to_fields_fixes_them_and_submits(people):
    a, ps_id = people["a"], people["ps"]["id"]
    form = await a.get("/raporty/nowy")
    assert form.status_code == 200
    assert "Nowe miejsca pracy w PS" in form.text and 'id="in-f-new_jobs_total-unit"' in form.text
    assert 'name="t.jobs.0.fte"' in form.text and "Dodaj wiersze" in form.text
    # Nothing reported yet (and no accreditation on record): the oldest period offered is owed first.
    oldest = periods.last_ended(date.today(), "quarter", 8)[0]
    assert re.search(rf'<option value="{oldest.code}" selected>', form.text)

    # A negative count: shown next to the field and in the summary; typed values kept; nothing stored.
    before = await stored_reports()
    bad = await a.post("/raporty/nowy", filled(ps_id, **{"f.initiative_groups": "-2", "action": "save"}))
    assert bad.status_code == 422
    assert "mniejsza niż 0" in field_error(bad.text, "f.initiative_groups")
    assert 'id="error-summary"' in bad.text and "Grupy inicjatywne objęte wsparciem:" in bad.text
    assert input_value(bad.text, "f.initiative_groups") == "-2"
    assert input_value(bad.text, "t.jobs.0.started_on") == filled(ps_id)["t.jobs.0.started_on"]
    assert 'aria-invalid="true"' in bad.text
    assert await stored_reports() == before

    # "Add rows" re-renders with more empty rows of that table, keeping what was typed.
    more = await a.post("/raporty/nowy", filled(ps_id, **{"f.initiative_groups": "-2", "action": "add.jobs"}))
    assert more.status_code == 200
    assert int(hidden(more.text, "n.jobs")) == 4 and 'name="t.jobs.3.fte"' in more.text
    assert (
        input_value(more.text, "t.jobs.0.fte") == "1"
        and input_value(more.text, "f.initiative_groups") == "-2"
    )
    assert field_error(more.text, "f.initiative_groups") == ""

    # A table cell error lands next to that cell: jobs row 1, column fte.
    cell = await a.post("/raporty/nowy", filled(ps_id, **{"t.jobs.0.fte": "1,5", "action": "save"}))
    assert cell.status_code == 422
    assert "większa niż 1" in field_error(cell.text, "t.jobs.0.fte")
    assert "Nowe miejsca pracy w PS, wiersz 1: Wymiar etatu" in cell.text

    # A draft may be incomplete and inconsistent; it is checked in full only when submitted.
    draft = await a.post("/raporty/nowy", filled(ps_id, **{"f.new_jobs_at_risk": "3", "action": "save"}))
    report_id = report_id_of(draft)
    view = await a.get(f"/raporty/{report_id}?komunikat=zapisano")
    assert "Zapisano wersję roboczą" in view.text and "wersja robocza" in view.text
    assert (
        "Kwartał bez niespodzianek." in view.text and "osoba zagrożona wykluczeniem społecznym" in view.text
    )

    edit = await a.get(f"/raporty/{report_id}/edycja")
    assert edit.status_code == 200
    assert input_value(edit.text, "f.new_jobs_at_risk") == "3"
    assert input_value(edit.text, "f.grants_total_pln") == "1000.50"
    row_version = hidden(edit.text, "row_version")

    refused = await a.post(
        f"/raporty/{report_id}/edycja",
        filled(ps_id, **{"f.new_jobs_at_risk": "3", "row_version": row_version, "action": "submit"}),
    )
    assert refused.status_code == 422
    assert "nie może być więcej niż wszystkich nowych miejsc pracy" in field_error(
        refused.text, "f.new_jobs_at_risk"
    )
    assert hidden(refused.text, "row_version") == row_version  # nothing stored, not even the draft
    assert "wersja robocza" in (await a.get(f"/raporty/{report_id}")).text

    done = await a.post(
        f"/raporty/{report_id}/edycja", filled(ps_id, **{"row_version": row_version, "action": "submit"})
    )
    assert report_id_of(done) == report_id
    submitted = await a.get(f"/raporty/{report_id}?komunikat=submit")
    assert "Sprawozdanie zostało złożone." in submitted.text
    assert re.search(r'id="report-state">złożone<', submitted.text)
    assert "/edycja" not in submitted.text  # locked for the OWES now

    listing = await a.get("/raporty")
    assert f'href="/raporty/{report_id}"' in listing.text


async def test_the_report_form_in_english_has_no_polish_left(people):
    """Labels of the definition, choices, units, hints and buttons all come in English."""
    a = people["a"]
    form = await a.get("/raporty/nowy?lang=en")
    assert form.status_code == 200
    main = form.text.split("<main", 1)[1].split("</main>", 1)[0]
    shown = html.unescape(re.sub(r"<[^>]+>", " ", main))
    assert "OWES quarterly report" in shown and "New jobs in PS" in shown and "Save draft" in shown
    assert "social cooperative" in shown and "in progress, draft only" in shown
    polish = sorted(set(re.findall(r"\w*[ąćęłńóśźżĄĆĘŁŃÓŚŹŻ]\w*", shown)))
    assert polish == [], polish
    # Back in Polish, the same form speaks Polish again.
    assert "Nowe miejsca pracy w PS" in (await a.get("/raporty/nowy?lang=pl")).text


async def test_another_owes_cannot_see_or_touch_the_report(people):
    a, b, ps_id = people["a"], people["b"], people["ps"]["id"]
    report_id = report_id_of(await a.post("/raporty/nowy", filled(ps_id, action="save")))
    assert (await b.get(f"/raporty/{report_id}")).status_code == 404
    assert (await b.get(f"/raporty/{report_id}/edycja")).status_code == 404
    step = await b.post(f"/raporty/{report_id}/akcja", {"action": "submit", "row_version": "1"})
    assert step.status_code == 404
    save = await b.post(f"/raporty/{report_id}/edycja", filled(ps_id, row_version="1", action="save"))
    assert save.status_code == 404
    assert f'href="/raporty/{report_id}"' not in (await b.get("/raporty")).text
    # B cannot file a report for A either.
    other = await b.post("/raporty/nowy", filled(ps_id, owes_id=str(people["owes_a"]["id"]), action="save"))
    assert other.status_code == 403 and "własny OWES" in other.text


async def test_staff_accepts_and_returns_with_a_comment_that_the_owes_sees_and_corrects(people):
    a, rops, ps_id = people["a"], people["rops"], people["ps"]["id"]
    first = report_id_of(await a.post("/raporty/nowy", filled(ps_id, action="submit")))

    page = await rops.get(f"/raporty/{first}")
    assert "Zaakceptuj" in page.text and "Zwróć do poprawy" in page.text
    accepted = await rops.post(
        f"/raporty/{first}/akcja", {"action": "accept", "row_version": hidden(page.text, "row_version")}
    )
    assert accepted.status_code == 303
    seen = (await a.get(f"/raporty/{first}")).text
    assert "zaakceptowane" in seen
    # The job reported for the PS went into its jobs created (not its employees); the page says so.
    assert "Co przyjęcie sprawozdania wpisało do rejestru" in seen
    assert f"/rejestr/{ps_id}" in seen and "1 na umowę o pracę (w tym 1 dla zagrożonych wykluczeniem" in seen
    assert "zatrudnienie PS bez zmian" in seen

    # Return needs a reason; the refusal is shown on the page, in Polish.
    page = await rops.get(f"/raporty/{first}")
    version = hidden(page.text, "row_version")
    no_reason = await rops.post(f"/raporty/{first}/akcja", {"action": "reopen", "row_version": version})
    assert no_reason.status_code == 422 and "Uzasadnienie jest wymagane." in no_reason.text
    reason = "Suma dotacji nie zgadza się z umowami — proszę sprawdzić <b>kwotę</b>."
    reopened = await rops.post(
        f"/raporty/{first}/akcja", {"action": "reopen", "row_version": version, "comment": reason}
    )
    assert reopened.status_code == 303

    seen = await a.get(f"/raporty/{first}")
    assert (
        "zwrócone do poprawy" in seen.text and "Uwagi ROPS" in seen.text and html.escape(reason) in seen.text
    )
    assert "<b>kwotę</b>" not in seen.text
    correction = await a.get(f"/raporty/{first}/edycja")
    assert "nową wersję (korektę)" in correction.text
    corrected = await a.post(
        f"/raporty/{first}/edycja",
        filled(
            ps_id,
            **{
                "f.grants_total_pln": "900",
                "t.grants.0.amount_pln": "900",
                "comment": "Poprawiona kwota dotacji.",
                "row_version": hidden(correction.text, "row_version"),
                "action": "submit",
            },
        ),
    )
    assert report_id_of(corrected) == first
    after = await a.get(f"/raporty/{first}")
    assert re.search(r'id="report-state">złożone<', after.text) and "Poprawiona kwota dotacji." in after.text
    diff = await rops.get(f"/raporty/{first}?od=1&do=2")
    assert "Różnice: wersja 1 → 2" in diff.text and "Udzielone dotacje (suma)" in diff.text
    assert "1000.50" in diff.text and ">900<" in diff.text

    # A second report, returned while submitted, is visible in the staff list filtered by state.
    second_period = PERIOD.previous()
    second = report_id_of(await a.post("/raporty/nowy", filled(ps_id, second_period, action="save")))
    page = await a.get(f"/raporty/{second}")
    assert (
        await a.post(f"/raporty/{second}/akcja", {"action": "accept", "row_version": "1"})
    ).status_code == 403
    listing = await rops.get("/raporty?stan=draft")
    assert f'href="/raporty/{second}"' in listing.text and f'href="/raporty/{first}"' not in listing.text
    listing = await rops.get(f"/raporty?owes={people['owes_b']['id']}")
    assert "Brak sprawozdań" in listing.text


async def test_a_stale_form_is_refused_with_a_clear_message(people):
    a, rops, ps_id = people["a"], people["rops"], people["ps"]["id"]
    report_id = report_id_of(await a.post("/raporty/nowy", filled(ps_id, action="save")))
    old = hidden((await a.get(f"/raporty/{report_id}/edycja")).text, "row_version")
    # Someone else saves in between (a second tab, or a colleague).
    changed = await a.post(
        f"/raporty/{report_id}/edycja",
        filled(ps_id, **{"f.initiative_groups": "7", "row_version": old, "action": "save"}),
    )
    assert changed.status_code == 303
    stale = await a.post(
        f"/raporty/{report_id}/edycja",
        filled(ps_id, **{"f.initiative_groups": "9", "row_version": old, "action": "save"}),
    )
    assert stale.status_code == 409
    assert "Ktoś inny zmienił to sprawozdanie" in stale.text
    assert input_value(stale.text, "f.initiative_groups") == "9"  # what was typed is not lost
    view = await a.get(f"/raporty/{report_id}")
    assert re.search(r'id="value-initiative_groups">7 grup<', view.text)

    submitted = await a.post(f"/raporty/{report_id}/akcja", {"action": "submit", "row_version": old})
    assert submitted.status_code == 409 and "Ktoś inny zmienił to sprawozdanie" in submitted.text
    assert "wersja robocza" in (await rops.get(f"/raporty/{report_id}")).text


async def test_forms_without_the_csrf_token_are_refused(people):
    a, ps_id = people["a"], people["ps"]["id"]
    before = await stored_reports()
    response = await a.http.post("/raporty/nowy", data=filled(ps_id, action="save"), headers=HTML)
    assert response.status_code == 403 and "CSRF" in response.text
    wrong = await a.http.post(
        "/raporty/nowy", data={**filled(ps_id, action="save"), "_csrf": "x" * 32}, headers=HTML
    )
    assert wrong.status_code == 403
    assert await stored_reports() == before


async def test_a_table_is_uploaded_from_a_file_on_the_report_page(people):
    a, ps_id = people["a"], people["ps"]["id"]
    report_id = report_id_of(await a.post("/raporty/nowy", filled(ps_id, action="save")))
    page = await a.get(f"/raporty/{report_id}")
    template_link = "/api/v1/report-definitions/owes-quarterly/versions/1/templates/services?format=csv"
    assert template_link.replace("&", "&amp;") in page.text or template_link in page.text
    template = await a.http.get(template_link)
    assert template.status_code == 200
    lines = template.text.splitlines()
    good = "\n".join([*lines, "local_animation;4;12,5;40", "reintegration;2;6;15"]).encode()
    # A plain HTML file form: the CSRF token travels as the first multipart field, no script needed.
    headers = HTML
    version = hidden(page.text, "row_version")

    bad = "\n".join([*lines, "local_animation;4;-1;40"]).encode()
    refused = await a.http.post(
        f"/raporty/{report_id}/plik",
        data={"_csrf": a.csrf, "table": "services", "row_version": version},
        files={"file": ("uslugi.csv", bad, "text/csv")},
        headers=headers,
    )
    assert refused.status_code == 422
    assert (
        "Usługi według standardu merytorycznego: Liczba godzin" in refused.text
        and "wiersz pliku 3" in refused.text
    )

    uploaded = await a.http.post(
        f"/raporty/{report_id}/plik",
        data={"_csrf": a.csrf, "table": "services", "row_version": version},
        files={"file": ("uslugi.csv", good, "text/csv")},
        headers=headers,
    )
    assert uploaded.status_code == 303, uploaded.text[:500]
    shown = await a.get(uploaded.headers["location"])
    assert "Wczytano plik: tabela services, wierszy: 2." in shown.text
    assert "animacja lokalna" in shown.text and "12.5" in shown.text

    stale = await a.http.post(
        f"/raporty/{report_id}/plik",
        data={"_csrf": a.csrf, "table": "services", "row_version": version},
        files={"file": ("uslugi.csv", good, "text/csv")},
        headers=headers,
    )
    assert stale.status_code == 409 and "Ktoś inny zmienił to sprawozdanie" in stale.text
    # A file form with a wrong token, without one, or with the token anywhere but first: refused.
    for fields in (
        {"_csrf": "not-the-token", "table": "services", "row_version": version},
        {"table": "services", "row_version": version},
        {"table": "services", "row_version": version, "_csrf": a.csrf},
    ):
        refused = await a.http.post(
            f"/raporty/{report_id}/plik",
            data=fields,
            files={"file": ("uslugi.csv", good, "text/csv")},
            headers=HTML,
        )
        assert refused.status_code == 403


async def test_follow_up_page_for_rops_and_who_sees_what(people, client):
    a, rops, rev, ps_id = people["a"], people["rops"], people["rev"], people["ps"]["id"]
    report_id_of(await a.post("/raporty/nowy", filled(ps_id, action="submit")))
    page = await rops.get("/raporty/monitoring")
    assert page.status_code == 200
    assert "Kompletność" in page.text and "Terminowość" in page.text and "Zaległe sprawozdania" in page.text
    assert "OWES Alfa (formularz)" in page.text and "OWES Beta (formularz)" in page.text
    assert (await rev.get(f"/raporty/monitoring?okresy={PERIOD.code}")).status_code == 200
    wrong = await rops.get("/raporty/monitoring?okresy=2025-13")
    assert wrong.status_code == 422 and "RRRR-QN" in wrong.text
    assert (await a.get("/raporty/monitoring")).status_code == 403
    # The reviewer reads reports but has no lifecycle buttons and no form.
    listing = await rev.get("/raporty")
    assert "OWES Alfa (formularz)" in listing.text and "Nowe sprawozdanie" not in listing.text
    assert (await rev.get("/raporty/nowy")).status_code == 403
    # The navigation links to reports; anonymous people are sent to sign in.
    assert '<a href="/raporty" aria-current="page">Sprawozdania OWES</a>' in listing.text
    anonymous = await client.get("/raporty", headers=HTML)
    assert anonymous.status_code == 303 and anonymous.headers["location"] == "/login?next=/raporty"


async def test_staff_files_a_draft_for_a_chosen_owes(people):
    rops, ps_id = people["rops"], people["ps"]["id"]
    form = await rops.get("/raporty/nowy")
    assert f'<option value="{people["owes_b"]["id"]}"' in form.text
    missing = await rops.post("/raporty/nowy", filled(ps_id, action="save"))
    assert missing.status_code == 422 and "wymagane dla pracownika ROPS" in field_error(
        missing.text, "owes_id"
    )
    made = await rops.post("/raporty/nowy", filled(ps_id, owes_id=str(people["owes_b"]["id"]), action="save"))
    report_id = report_id_of(made)
    assert "OWES Beta (formularz)" in (await people["b"].get(f"/raporty/{report_id}")).text
    again = await rops.post(
        "/raporty/nowy", filled(ps_id, owes_id=str(people["owes_b"]["id"]), action="save")
    )
    assert again.status_code == 409 and "już istnieje" in again.text


async def test_a_period_still_running_is_kept_as_a_draft_when_submitted(people):
    a, ps_id = people["a"], people["ps"]["id"]
    running = periods.containing(date.today(), "quarter")
    empty = {"n.jobs": "0", "n.grants": "0"}
    refused = await a.post("/raporty/nowy", filled(ps_id, running, **empty, action="submit"))
    assert refused.status_code == 422
    assert "tylko jako wersję roboczą" in refused.text and field_error(refused.text, "period")
    draft = report_id_of(await a.post("/raporty/nowy", filled(ps_id, running, action="save")))
    edit = await a.get(f"/raporty/{draft}/edycja")
    typed = {"f.remarks": "Nowa uwaga", "row_version": hidden(edit.text, "row_version"), "action": "submit"}
    submit = await a.post(f"/raporty/{draft}/edycja", filled(ps_id, running, **typed))
    assert submit.status_code == 422
    assert "Zapisano wersję roboczą, ale sprawozdania nie złożono" in submit.text
    view = await a.get(f"/raporty/{draft}")
    assert "Nowa uwaga" in view.text and re.search(r'id="report-state">wersja robocza<', view.text)


async def test_names_are_resolved_without_scripts_and_a_wrong_name_stores_nothing(people):
    """Without JavaScript a person types names; the server finds the gmina, the powiat and the
    organisation, and a name that fits several is refused next to the field, the text kept."""
    a, ps = people["a"], people["ps"]
    named = {
        "t.supported_pes.0.powiat_code": "torunski",
        "t.jobs.0.ps_organisation_id": "spoldzielnia socjalna formularz",
        "t.grants.0.recipient_organisation_id": ps["name"],
        "n.new_entities": "1",
        "t.new_entities.0.entity": "pes",
        "t.new_entities.0.name": "Fundacja Nowa",
        "t.new_entities.0.kind": "foundation",
        "t.new_entities.0.gmina_code": "Kłodzko",  # two gminas of that name
        "t.new_entities.0.nip": "5260250274",
        "t.new_entities.0.created_on": (PERIOD.start + timedelta(days=3)).isoformat(),
        "f.new_pes_created": "1",
    }
    before = await stored_reports()
    bad = await a.post("/raporty/nowy", filled(ps["id"], **named, action="save"))
    assert bad.status_code == 422
    problem = field_error(bad.text, "t.new_entities.0.gmina_code")
    assert "kilku gmin" in problem and "0208021" in problem and "0208072" in problem
    assert "Nowe PES i PS utworzone przy wsparciu OWES, wiersz 1: Gmina siedziby:" in bad.text
    assert input_value(bad.text, "t.new_entities.0.gmina_code") == "Kłodzko"
    assert input_value(bad.text, "t.supported_pes.0.powiat_code") == "torunski"
    assert await stored_reports() == before

    good = await a.post(
        "/raporty/nowy", filled(ps["id"], **{**named, "t.new_entities.0.gmina_code": "lodz"}, action="save")
    )
    report_id = report_id_of(good)
    stored = await a.http.get(f"/api/v1/reports/{report_id}", headers={"Accept": "application/json"})
    data = stored.json()["data"]
    assert data["supported_pes"][0]["powiat_code"] == "0415"
    assert data["new_entities"][0]["gmina_code"] == "1061011"
    assert data["jobs"][0]["ps_organisation_id"] == ps["id"]
    assert data["grants"][0]["recipient_organisation_id"] == ps["id"]

    # The form of the stored report and the report page show names, not codes and ids.
    edit = await a.get(f"/raporty/{report_id}/edycja")
    assert input_value(edit.text, "t.new_entities.0.gmina_code") == "Łódź — gmina miejska (1061011)"
    assert input_value(edit.text, "t.jobs.0.ps_organisation_id") == f"{ps['name']} (id {ps['id']})"
    view = await a.get(f"/raporty/{report_id}")
    assert "powiat toruński (0415)" in view.text and f"{ps['name']} (id {ps['id']})" in view.text
    assert "3 podmioty" in view.text and "1 podmiot<" in view.text
