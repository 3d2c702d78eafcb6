"""The committee and the support work in a real Chromium, as ROPS staff keep them and a committee
member reads them: forms with Polish errors next to the fields, the attendance list and the
quorum, a resolution, the minutes download, an activity with a participant and the project's
indicators; every page passes axe-core and fits a phone."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from ses.auth.policy import Role
from tests.browser import browser, check, screenshot, see, sign_in  # noqa: F401

pytestmark = pytest.mark.browser


def test_staff_keep_the_committee_and_a_member_reads_it(live_server, browser):  # noqa: F811
    base = live_server.base_url
    page = sign_in(browser, live_server, Role.STAFF)
    page.click("nav.main-nav >> text=Komitet (RKRES)")
    page.wait_for_url(f"{base}/komitet")
    starts = date.today() - timedelta(days=200)
    page.fill("#f-number", "5")
    page.fill("#f-starts_on", starts.isoformat())
    page.fill("#f-appointing_act", "Zarządzenie Marszałka nr 5/2026")
    page.click("text=Zapisz kadencję")
    see(page, "Zapisano kadencję komitetu.")
    # A name too short: the message stands next to the field, the typed values stay.
    page.fill("#f-person_name", "Al")
    page.fill("#f-represented_body", "Urząd Marszałkowski")
    page.fill("#f-appointed_on", starts.isoformat())
    page.click("button:has-text('Powołaj')")
    page.locator("#f-person_name[aria-invalid=true]").wait_for()
    check(page, "Wpisz co najmniej 3 znaki.")
    assert page.input_value("#f-represented_body") == "Urząd Marszałkowski"
    for name, group in (("Anna Nowak", "marshal"), ("Jan Kowalski", "voivode"), ("Ewa Wójcik", "employers")):
        page.fill("#f-person_name", name)
        page.select_option("#f-group", group)
        page.fill("#f-represented_body", "Podmiot reprezentowany")
        page.fill("#f-appointed_on", starts.isoformat())
        page.click("button:has-text('Powołaj')")
        see(page, "Powołano członka komitetu.")
    page.fill("#f-held_on", (date.today() - timedelta(days=7)).isoformat())
    page.fill("#f-place", "Toruń, sala 2")
    page.fill("#f-agenda", "Otwarcie\nOpinia o programie regionalnym")
    page.click("text=Zapisz posiedzenie")
    see(page, "Zapisano posiedzenie.")
    meeting_url = page.url.split("?")[0]
    for i, presence in enumerate(("present", "present", "unexcused")):
        page.locator("table select").nth(i).select_option(presence)
    page.click("text=Zapisz listę obecności")
    see(page, "komitet zdolny do podejmowania uchwał")
    page.click("summary:has-text('Zapisz uchwałę')")
    page.fill("#f-number", "1/2026")
    page.fill("#f-subject", "Opinia o programie regionalnym")
    page.fill("#f-votes_for", "2")
    page.fill("#f-votes_against", "0")
    page.fill("#f-abstained", "0")
    page.click("button:has-text('Zapisz uchwałę')")
    check(page, "Uchwała nr 1/2026")
    assert "przyjęta" in page.content()
    screenshot(page, "komitet-posiedzenie")
    with page.expect_download() as download:
        page.click("text=Pobierz protokół (DOCX)")
    assert download.value.suggested_filename.endswith(".docx")
    assert page.csp_violations == []

    member = sign_in(browser, live_server, Role.COMMITTEE, phone=True)
    member.goto(meeting_url)
    check(member, "Uchwała nr 1/2026", phone=True)
    assert member.locator("text=Zapisz listę obecności").count() == 0  # reads, changes nothing
    member.goto(f"{base}/dzialania/wskazniki")
    check(member, "Wskaźniki projektu wobec wartości docelowych")
    assert member.goto(f"{base}/dzialania").status == 403


def test_staff_record_an_activity_and_its_participant(live_server, browser):  # noqa: F811
    page = sign_in(browser, live_server, Role.STAFF)
    page.goto(f"{live_server.base_url}/dzialania")
    page.fill("#f-title", "Klauzule społeczne w gminie")
    page.select_option("#f-kind", "training")
    page.select_option("#f-topic", "social_economy")
    page.fill("#f-starts_on", "2026-05-12")
    page.fill("#f-ends_on", "2026-05-11")
    page.fill("#f-place", "Toruń")
    page.fill("#f-gmina_code", "0463011")
    page.fill("#f-hours", "6")
    page.click("text=Zapisz działanie")
    check(page, "nie może się kończyć przed rozpoczęciem")
    assert page.input_value("#f-title") == "Klauzule społeczne w gminie"
    page.fill("#f-ends_on", "2026-05-12")
    page.click("text=Zapisz działanie")
    see(page, "Zapisano działanie.")
    page.fill("#f-full_name", "Anna Nowak")
    page.fill("#f-email", "anna.nowak@ops.example")
    page.select_option("#f-role", "ops")
    page.fill("#f-institution", "Miejski Ośrodek Pomocy Rodzinie")
    page.fill("#f-gmina_code", "0463011")
    page.fill("#f-consent_on", "2099-05-01")
    page.click("button:has-text('Dopisz')")
    see(page, "Zgoda nie może mieć daty z przyszłości.")
    page.fill("#f-consent_on", "2026-05-01")
    page.click("button:has-text('Dopisz')")
    check(page, "Dopisano uczestnika.")
    assert "Anna Nowak" in page.content()
    screenshot(page, "dzialania-uczestnicy")
    page.goto(f"{live_server.base_url}/dzialania/wskazniki")
    check(page, "Wskaźniki projektu wobec wartości docelowych")
    screenshot(page, "dzialania-wskazniki")
    # A target staff change here reaches the committee's dashboard at once (it was computed before).
    page.goto(f"{live_server.base_url}/panel")
    row = page.locator('tr[data-indicator="project.people_supported"]').first
    assert "(2029)" in row.inner_text()
    page.goto(f"{live_server.base_url}/dzialania/wskazniki")
    page.select_option("#f-code", "people_supported")
    page.fill("#f-baseline", "0")
    page.fill("#f-target", "1 250")
    page.fill("#f-target_year", "2030")
    page.click("text=Zapisz wartość docelową")
    see(page, "Zapisano wartość docelową wskaźnika")
    assert "(2030)" in page.locator("table.indicators").inner_text()
    page.goto(f"{live_server.base_url}/panel")
    row = page.locator('tr[data-indicator="project.people_supported"]').first
    assert "(2030)" in row.inner_text() and "(2029)" not in row.inner_text()
    assert page.csp_violations == []
