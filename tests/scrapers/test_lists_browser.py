"""Staff upload an official list on its page in a real Chromium: dry run, apply, bad file; axe-core."""

from __future__ import annotations

import pytest

from scrapers.file_sources import SAMPLE_FILES, SAMPLES
from ses.auth.policy import Role
from tests.browser import axe_check, browser, no_horizontal_scroll, screenshot, sign_in  # noqa: F401

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def running_body(live_server, tmp_path_factory):
    """The association that runs a KIS on the voivode's list, in the register (by `ses import`)."""
    path = tmp_path_factory.mktemp("lists") / "podmioty.csv"
    path.write_text("name;kind;gmina_code;nip\nStowarzyszenie Krok Dalej;association;0462011;4618792685\n")
    live_server.ses("import", str(path))
    return "Stowarzyszenie Krok Dalej"


def test_staff_upload_a_voivodes_list_see_what_would_change_and_apply_it(
    live_server,
    running_body,
    browser,  # noqa: F811
):
    page = sign_in(browser, live_server, Role.STAFF)
    page.goto(f"{live_server.base_url}/synchronizacja/listy")
    assert page.locator("h1").inner_text() == "Listy urzędowe z plików"
    axe_check(page)
    screenshot(page, "synchronizacja-listy")
    page.click("text=Rejestr CIS, KIS i ZAZ Wojewody Kujawsko-Pomorskiego")
    assert page.locator("#list-file").is_visible()
    axe_check(page)

    page.set_input_files("#list-file", str(SAMPLES / SAMPLE_FILES["cis-kp"]))
    page.click("text=Sprawdź plik")
    preview = page.locator("#dry-run")
    assert "Podgląd (nic jeszcze nie zapisano)" in preview.inner_text()
    assert "nowa organizacja: 4" in preview.inner_text()
    klub = page.locator("tr", has_text="Klub Integracji Społecznej „Krok”")
    assert f"Podmiot prowadzący: — → {running_body} (id" in " ".join(klub.inner_text().split())
    chelmno = page.locator("tr", has_text="Centrum Integracji Społecznej w Chełmnie")
    assert "„Fundacja Ziemi Chełmińskiej” (NIP 4143988824) nierozpoznany" in chelmno.inner_text()
    assert "Jednostki z nierozpoznanym podmiotem prowadzącym: 3" in preview.inner_text()
    axe_check(page)
    screenshot(page, "synchronizacja-lista-podglad")

    page.click("text=Wczytaj listę — zmiany trafią do przejrzenia")
    assert page.locator("text=Wczytano listę z pliku; zmiany czekają na decyzję poniżej.").is_visible()
    assert page.locator("text=Klub Integracji Społecznej „Krok”").first.is_visible()
    axe_check(page)
    screenshot(page, "synchronizacja-lista-wczytana")

    page.goto(f"{live_server.base_url}/synchronizacja/listy/ps")
    page.set_input_files(
        "#list-file",
        files=[
            {"name": "inna-lista.csv", "mimeType": "text/csv", "buffer": "Nazwa;Gmina\nX;Toruń\n".encode()}
        ],  # noqa: E501
    )
    page.click("text=Sprawdź plik")
    errors = page.locator("#upload-errors")
    assert "Pliku „inna-lista.csv” nie wczytano" in errors.inner_text()
    assert "W pliku brak kolumn wskazanych w mapowaniu" in errors.inner_text()
    axe_check(page)
    screenshot(page, "synchronizacja-lista-zly-plik")
    assert page.csp_violations == []

    phone = sign_in(browser, live_server, Role.STAFF, phone=True)
    phone.goto(f"{live_server.base_url}/synchronizacja/listy/cis-kp")
    wide = phone.evaluate(
        "[...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > "
        "window.innerWidth + 1 && !e.closest('.scroll')).map(e => e.tagName + '#' + e.id + '.' + e.className)"
        ".slice(0, 8)"
    )
    assert no_horizontal_scroll(phone), wide
    axe_check(phone)
