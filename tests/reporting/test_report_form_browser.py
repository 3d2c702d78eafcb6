"""An OWES employee fills in the quarterly report in a real Chromium against a real server: signs
in, types the figures and a table row, adds rows without JavaScript round trips, meets an error
shown next to the field, fixes it, submits, and sees the report as submitted."""

from __future__ import annotations

from datetime import date, timedelta

import httpx
import pytest

from ses.reporting import periods
from tests.browser import browser, watch_csp  # noqa: F401

pytestmark = pytest.mark.browser
PASSWORD = "Formularz-haslo-1"


def owes_account(live_server, username: str) -> None:
    """An OWES in the register (added through the API by a ROPS token) and its person's account."""
    staff = f"{username}.rops"
    live_server.ses("user", "create", staff, "--role", "staff", "--no-password")
    token = live_server.ses("token", "create", staff).strip().splitlines()[-1]
    created = httpx.post(
        f"{live_server.base_url}/api/v1/organisations",
        json={"name": f"OWES {username}", "kind": "association", "gmina_code": "0463011", "is_owes": True},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert created.status_code == 201, created.text
    org_id = str(created.json()["id"])
    live_server.ses(
        "user", "create", username, "--role", "owes", "--organisation-id", org_id, "--password", PASSWORD
    )


def test_owes_fills_in_and_submits_the_report_in_a_browser(live_server, browser):  # noqa: F811
    owes_account(live_server, "owes.przegladarka")
    period = periods.last_ended(date.today(), "quarter", 1)[0]
    page = watch_csp(browser.new_page())

    page.goto(f"{live_server.base_url}/raporty")
    assert "/login" in page.url
    page.fill("#username", "owes.przegladarka")
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/raporty")
    page.click("nav.main-nav >> text=Sprawozdania OWES")
    page.click("text=Nowe sprawozdanie")
    page.wait_for_url("**/raporty/nowy")

    page.select_option("#in-period", period.code)
    for name in (
        "pes_supported_total",
        "initiative_groups",
        "new_pes_created",
        "new_ps_created",
        "new_jobs_total",
        "grants_total_pln",
        "ps_applications_supported",
        "procurement_cases",
    ):
        page.fill(f"#in-f-{name}", "0")
    page.fill("#in-f-new_jobs_at_risk", "1")  # more than all new jobs: refused when submitted
    page.fill("#in-f-remarks", "Wypełnione w przeglądarce.")
    page.select_option("#in-t-services-0-standard", "local_animation")
    page.fill("#in-t-services-0-sessions", "2")
    page.fill("#in-t-services-0-hours", "3,5")
    page.fill("#in-t-services-0-participants", "12")

    page.click("button[value='add.services']")
    page.wait_for_selector("#in-t-services-3-standard")
    assert page.input_value("#in-t-services-0-hours") == "3,5"
    page.select_option("#in-t-services-1-standard", "reintegration")
    page.fill("#in-t-services-1-sessions", "1")
    page.fill("#in-t-services-1-hours", "2")
    page.fill("#in-t-services-1-participants", "5")

    page.click("button[value='submit']")
    page.wait_for_selector("#error-summary")
    assert "nie może być więcej niż wszystkich nowych miejsc pracy" in page.inner_text(
        "#in-f-new_jobs_at_risk-err"
    )
    assert page.get_attribute("#in-f-new_jobs_at_risk", "aria-invalid") == "true"
    assert page.input_value("#in-f-remarks") == "Wypełnione w przeglądarce."

    page.fill("#in-f-new_jobs_at_risk", "0")
    page.click("button[value='submit']")
    page.wait_for_url("**/raporty/*?komunikat=submit")
    assert page.inner_text("#report-state") == "złożone"
    assert "Sprawozdanie zostało złożone." in page.inner_text("main")
    assert "reintegracja społeczna i zawodowa" in page.inner_text("main")
    assert "Wypełnione w przeglądarce." in page.inner_text("main")
    assert page.csp_violations == []
    page.close()


def test_a_table_file_is_uploaded_from_the_report_page_in_a_browser(live_server, browser, tmp_path):  # noqa: F811
    owes_account(live_server, "owes.plik")
    period = periods.last_ended(date.today(), "quarter", 1)[0].previous()
    # Scripts off: the file form is plain HTML (the CSRF token is its first multipart field).
    page = watch_csp(browser.new_page(java_script_enabled=False))
    page.goto(f"{live_server.base_url}/raporty/nowy")
    page.fill("#username", "owes.plik")
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/raporty/nowy")
    page.select_option("#in-period", period.code)
    page.click(".actions button[value='save']")
    page.wait_for_url("**/raporty/*?komunikat=zapisano")

    day = (period.start + timedelta(days=3)).isoformat()
    events = tmp_path / "wydarzenia.csv"
    events.write_text(
        "# szablon: owes-quarterly/v1/cooperation_events\n"
        "partner_organisation_id;partner_name;event_type;held_on;participants\n"
        f";Urząd Gminy Lubicz;meeting;{day};14\n",
        encoding="utf-8",
    )
    page.select_option("#upload-table", "cooperation_events")
    page.set_input_files("#upload-file", str(events))
    page.click('form[enctype="multipart/form-data"] button[type=submit]')
    page.wait_for_url("**komunikat=plik**")
    assert "wierszy: 1" in page.inner_text("main")
    assert "Urząd Gminy Lubicz" in page.inner_text("main")
    assert page.csp_violations == []
    page.close()
