"""An OWES sends its quarterly report in a real Chromium naming things by name: a powiat and a gmina
typed without Polish letters ("torunski", "lodz") and a register organisation found by a word of its
name, each picked from the type-ahead list with the keyboard or the mouse; units beside the numbers
follow the number typed (1 podmiot, 2 podmioty, 5 podmiotów); the report is sent and listed. Every
page passes axe-core; the form works at phone width. Screenshots go to docs/screenshots/."""

from __future__ import annotations

import random
import uuid
from datetime import date, timedelta

import httpx
import pytest
from stdnum.pl import nip as stdnum_nip

from ses.auth.policy import Role
from ses.reporting import periods
from tests.browser import axe_check, browser, no_horizontal_scroll, screenshot, sign_in  # noqa: F401

pytestmark = pytest.mark.browser


def fresh_nip() -> str:
    """A NIP with a valid check digit that no other test uses."""
    while True:
        head = f"{random.randint(100, 999)}{random.randint(0, 999_999):06d}"
        check = sum(w * int(d) for w, d in zip((6, 5, 7, 2, 3, 4, 5, 6, 7), head, strict=True)) % 11
        if check != 10 and stdnum_nip.is_valid(head + str(check)):
            return head + str(check)


def seed(live_server, word: str) -> dict[str, int]:
    """The OWES "Nadzieja" and a social cooperative it helped, added by ROPS through the API."""
    staff = f"rops.{word}"
    live_server.ses("user", "create", staff, "--role", "staff", "--no-password")
    token = live_server.ses("token", "create", staff).strip().splitlines()[-1]
    headers = {"Authorization": f"Bearer {token}"}
    ids = {}
    for key, body in (
        ("owes", {"name": f"Stowarzyszenie OWES Nadzieja {word}", "kind": "association", "is_owes": True}),
        ("ps", {"name": f"Spółdzielnia Socjalna Łódzki Chleb {word}", "kind": "social_cooperative"}),
    ):
        created = httpx.post(
            f"{live_server.base_url}/api/v1/organisations",
            json={**body, "gmina_code": "0463011", "nip": fresh_nip()},
            headers=headers,
        )
        assert created.status_code == 201, created.text
        ids[key] = created.json()["id"]
    return ids


def pick(page, selector: str, typed: str, expected: str) -> None:
    """Type into a name input and choose the suggestion holding `expected` from the list."""
    page.fill(selector, "")
    page.type(selector, typed, delay=20)
    option = page.locator("#lookup-list [role=option]", has_text=expected).first
    option.wait_for()
    assert page.get_attribute(selector, "aria-expanded") == "true"
    option.click()
    assert page.locator("#lookup-list").is_hidden()


def test_owes_names_a_gmina_and_an_organisation_and_sends_the_report(live_server, browser):  # noqa: F811
    word = "n" + uuid.uuid4().hex[:6]
    ids = seed(live_server, word)
    page = sign_in(browser, live_server, Role.OWES, organisation_id=ids["owes"])
    page.click("nav.main-nav >> text=Sprawozdania OWES")
    page.click("text=Nowe sprawozdanie")
    page.wait_for_url("**/raporty/nowy")

    # Nothing reported yet: the oldest owed period is offered first.
    oldest = periods.last_ended(date.today(), "quarter", 8)[0]
    assert page.input_value("#in-period") == oldest.code
    day = (oldest.start + timedelta(days=5)).isoformat()

    # Units follow the number typed.
    unit = "#in-f-pes_supported_total-unit"
    assert page.inner_text(unit) == "podmiotów"
    for typed, shown in (("1", "podmiot"), ("2", "podmioty"), ("5", "podmiotów"), ("22", "podmioty")):
        page.fill("#in-f-pes_supported_total", typed)
        assert page.inner_text(unit) == shown
    page.fill("#in-t-services-0-hours", "3,5")
    assert page.inner_text("#in-t-services-0-hours-unit") == "godziny"
    page.fill("#in-t-services-0-hours", "")

    figures = {
        "pes_supported_total": "2",
        "initiative_groups": "0",
        "new_pes_created": "1",
        "new_ps_created": "0",
        "new_jobs_total": "1",
        "new_jobs_at_risk": "1",
        "grants_total_pln": "0",
        "ps_applications_supported": "0",
        "procurement_cases": "0",
    }
    for name, value in figures.items():
        page.fill(f"#in-f-{name}", value)

    # A powiat by name without Polish letters, chosen with the keyboard.
    page.select_option("#in-t-supported_pes-0-kind", "social_cooperative")
    page.type("#in-t-supported_pes-0-powiat_code", "torunski", delay=20)
    page.locator("#lookup-list [role=option]", has_text="powiat toruński").first.wait_for()
    page.keyboard.press("ArrowDown")
    assert page.get_attribute("#in-t-supported_pes-0-powiat_code", "aria-activedescendant") == "lookup-opt-0"
    page.keyboard.press("Enter")  # picks the suggestion, does not send the form
    assert page.input_value("#in-t-supported_pes-0-powiat_code").endswith("(0415)")
    assert "/raporty/nowy" in page.url
    page.fill("#in-t-supported_pes-0-count", "2")

    # A new PES in a gmina typed as "lodz"; the suggestions list is open for the screenshot and axe.
    page.select_option("#in-t-new_entities-0-entity", "pes")
    page.fill("#in-t-new_entities-0-name", f"Fundacja Nowa Łódź {word}")
    page.select_option("#in-t-new_entities-0-kind", "foundation")
    page.fill("#in-t-new_entities-0-nip", fresh_nip())
    page.fill("#in-t-new_entities-0-created_on", day)
    page.type("#in-t-new_entities-0-gmina_code", "lodz", delay=20)
    page.locator("#lookup-list [role=option]", has_text="Łódź — gmina miejska").first.wait_for()
    axe_check(page)
    screenshot(page, "raport-formularz-podpowiedzi", full_page=False)
    page.locator("#lookup-list [role=option]", has_text="Łódź — gmina miejska").first.click()
    assert page.input_value("#in-t-new_entities-0-gmina_code").endswith("(1061011)")

    # The PS where the job was created, found by a word of its name.
    pick(page, "#in-t-jobs-0-ps_organisation_id", f"lodzki chleb {word}", f"Łódzki Chleb {word}")
    assert page.input_value("#in-t-jobs-0-ps_organisation_id").endswith(f"(id {ids['ps']})")
    page.select_option("#in-t-jobs-0-person_category", "at_risk")
    page.fill("#in-t-jobs-0-fte", "0,5")
    assert page.inner_text("#in-t-jobs-0-fte-unit") == "etatu"
    page.fill("#in-t-jobs-0-fte", "1")
    assert page.inner_text("#in-t-jobs-0-fte-unit") == "etat"
    page.select_option("#in-t-jobs-0-contract_type", "employment")
    page.fill("#in-t-jobs-0-started_on", day)

    # A partner typed but not in the register: a Polish error next to it and in the summary,
    # everything typed kept.
    page.fill("#in-t-cooperation_events-0-partner_organisation_id", f"Nieistniejąca {word}")
    page.fill("#in-t-cooperation_events-0-partner_name", "Urząd Gminy Lubicz")
    page.select_option("#in-t-cooperation_events-0-event_type", "meeting")
    page.fill("#in-t-cooperation_events-0-held_on", day)
    page.click(".actions button[value='submit']")
    page.wait_for_selector("#error-summary")
    error = page.inner_text("#in-t-cooperation_events-0-partner_organisation_id-err")
    assert "W rejestrze nie znaleziono organizacji" in error
    assert "Partner z rejestru" in page.inner_text("#error-summary")
    assert page.input_value("#in-t-jobs-0-ps_organisation_id").endswith(f"(id {ids['ps']})")
    assert page.input_value("#in-t-new_entities-0-gmina_code").endswith("(1061011)")
    axe_check(page)
    screenshot(page, "raport-formularz-blad")

    page.fill("#in-t-cooperation_events-0-partner_organisation_id", "")
    page.click(".actions button[value='submit']")
    page.wait_for_url("**/raporty/*?komunikat=submit")
    assert page.inner_text("#report-state") == "złożone"
    main = page.inner_text("main")
    assert f"Łódzki Chleb {word}" in main and "Łódź" in main and "toruński" in main
    axe_check(page)
    screenshot(page, "raport-zlozony")

    page.click("text=‹ Raporty")
    page.wait_for_url("**/raporty")
    assert oldest.code in page.inner_text("main")
    axe_check(page)
    assert page.csp_violations == []

    # The next report offers the next period.
    page.goto(f"{live_server.base_url}/raporty/nowy")
    assert page.input_value("#in-period") == oldest.previous(-1).code
    page.context.close()


def test_the_report_form_works_at_phone_width(live_server, browser):  # noqa: F811
    word = "p" + uuid.uuid4().hex[:6]
    ids = seed(live_server, word)
    page = sign_in(browser, live_server, Role.OWES, organisation_id=ids["owes"], phone=True)
    page.goto(f"{live_server.base_url}/raporty/nowy")
    assert no_horizontal_scroll(page)
    page.fill("#in-f-new_jobs_total", "3")
    assert page.inner_text("#in-f-new_jobs_total-unit") == "miejsca pracy"
    page.locator("#in-t-grants-0-recipient_organisation_id").scroll_into_view_if_needed()
    pick(page, "#in-t-grants-0-recipient_organisation_id", f"chleb {word}", f"Łódzki Chleb {word}")
    page.type("#in-t-new_entities-0-gmina_code", "lodz", delay=20)
    option = page.locator("#lookup-list [role=option]").first
    option.wait_for()
    box = option.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 375 + 1
    assert no_horizontal_scroll(page)
    axe_check(page)
    screenshot(page, "raport-formularz-telefon", full_page=False)
    assert page.csp_violations == []
    page.context.close()
