"""ROPS staff's register workflow in a real Chromium against a real server: find an organisation
by a word typed without Polish letters, edit it, grant a PS status, import a file with an error and
then a good one, export and re-import; every page passes axe-core, and the list works at phone
width. Screenshots go to docs/screenshots/ for the user guide."""

from __future__ import annotations

import uuid

import pytest

from ses.auth.policy import Role
from tests.browser import axe_check, browser, no_horizontal_scroll, screenshot, sign_in  # noqa: F401

pytestmark = pytest.mark.browser


def seed(live_server, tmp_path, word: str) -> None:
    rows = [
        "Nazwa;Rodzaj;Kod gminy;Miejscowość",
        f"Spółdzielnia Socjalna „Żółta Łódź {word}”;spółdzielnia socjalna;0463011;Toruń",
        f"Stowarzyszenie Przyjaciół Wisły {word};stowarzyszenie;0463011;Toruń",
        f"Fundacja Dobry Start {word};fundacja;0463011;Toruń",
    ]
    source = tmp_path / "start.csv"
    source.write_text("\n".join(rows) + "\n", encoding="utf-8")
    live_server.ses("import", str(source))


def test_staff_register_workflow(live_server, browser, tmp_path):  # noqa: F811
    word = "w" + uuid.uuid4().hex[:6]
    seed(live_server, tmp_path, word)
    page = sign_in(browser, live_server, Role.STAFF)
    base = live_server.base_url

    # Find it by words typed without Polish letters.
    page.click("nav.main-nav >> text=Rejestr")
    page.fill("#q", f"zolta lodz {word}")
    page.click(".search-row button")
    page.wait_for_selector("text=Znaleziono 1 podmiot")
    axe_check(page)
    screenshot(page, "rejestr-wyszukiwanie")
    page.click(f"text=Spółdzielnia Socjalna „Żółta Łódź {word}”")
    page.wait_for_selector("h1")
    axe_check(page)

    # Edit it: a wrong postal code is shown next to the field, then fixed.
    page.click("text=Edytuj dane")
    page.fill("#f-postal_code", "87100")
    page.click("form.card button[type=submit]")
    page.wait_for_selector("#e-postal_code")
    assert "00-000" in page.inner_text("#e-postal_code")
    assert page.input_value("#f-postal_code") == "87100"
    axe_check(page)
    screenshot(page, "rejestr-edycja-blad")
    page.fill("#f-postal_code", "87-100")
    page.fill("#f-phone", "56 600 10 20")
    page.click("form.card button[type=submit]")
    page.wait_for_selector("text=Zmiany zapisano.")

    # A PS status: the application, then the decision granting it.
    page.click("text=Dodaj status (wniosek lub przyznany status)")
    page.select_option("#f-status_type", "ps")
    page.select_option("#f-state", "submitted")
    page.select_option("#f-goal", "reintegration")
    page.click("text=Zapisz status")
    page.wait_for_selector("text=status przedsiębiorstwa społecznego: złożony wniosek")
    page.click("text=Zmień stan statusu")
    options = page.eval_on_selector_all("select[name=to_state] option", "os => os.map(o => o.value)")
    assert sorted(options) == ["", "active", "refused"]  # only what the law allows from "submitted"
    page.select_option("select[name=to_state]", "active")
    page.fill("input[name=on_date]", "2025-06-02")
    page.fill("details[open] input[name=decision_number]", "PS.7.2025")
    page.fill("details[open] textarea[name=reason]", "Decyzja wojewody o przyznaniu statusu")
    page.click("text=Zapisz zmianę statusu")
    page.wait_for_selector("text=status przedsiębiorstwa społecznego: aktywny")
    axe_check(page)
    screenshot(page, "rejestr-rekord")

    # Import: a file with an error, then a good one, confirmed after the preview.
    page.goto(f"{base}/rejestr/import")
    bad = f"Nazwa;Rodzaj;Kod gminy\nFundacja Import {word};fundacja;04630\n".encode()
    page.set_input_files("#f-file", {"name": "zly.csv", "mimeType": "text/csv", "buffer": bad})
    page.click("text=Sprawdź plik")
    page.wait_for_selector("table.import-errors")
    assert "Kod gminy (gmina_code)" in page.inner_text("table.import-errors")
    axe_check(page)
    screenshot(page, "import-bledy")
    good = f"Nazwa;Rodzaj;Kod gminy\nFundacja Import {word};fundacja;0463011\n".encode()
    page.set_input_files("#f-file", {"name": "dobry.csv", "mimeType": "text/csv", "buffer": good})
    page.click("text=Sprawdź plik")
    page.wait_for_selector("text=1 nowy podmiot")
    axe_check(page)
    screenshot(page, "import-podglad")
    page.click("text=Potwierdź import")
    page.wait_for_selector("text=dodano 1")

    # Export what a search finds, and import the file back: nothing to change.
    page.goto(f"{base}/rejestr?q={word}")
    page.wait_for_selector("text=Znaleziono 4 podmioty")
    with page.expect_download() as download:
        page.click("text=XLSX")
    exported = tmp_path / "eksport.xlsx"
    download.value.save_as(exported)
    page.goto(f"{base}/rejestr/import")
    page.set_input_files("#f-file", str(exported))
    page.click("text=Sprawdź plik")
    page.wait_for_selector("text=4 rekordy bez zmian")
    assert page.locator("text=0 nowych podmiotów").is_visible()
    assert page.csp_violations == []

    phone = sign_in(browser, live_server, Role.STAFF, phone=True)
    phone.goto(f"{base}/rejestr?q={word}")
    assert no_horizontal_scroll(phone)
    axe_check(phone)
    screenshot(phone, "rejestr-telefon")
