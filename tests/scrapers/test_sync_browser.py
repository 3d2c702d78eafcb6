"""Staff review a KRS change set and watch the jobs in a real Chromium: axe-core, keyboard, phone."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from ses.auth.policy import Role
from tests.browser import axe_check, browser, no_horizontal_scroll, screenshot, sign_in  # noqa: F401
from tests.scrapers.conftest import GYM, WOSP, fixture

pytestmark = pytest.mark.browser
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def synced(live_server):
    """`ses sync krs` run by an operator against the live server's database and a local stand-in."""
    from scrapers.standin import StandIn, serving

    server = StandIn()
    server.add(WOSP, "S", fixture("krs/current-S-0000030897-wosp.json"))
    server.add(GYM, "P", fixture("krs/current-P-0001268296.json"))
    with serving(server) as running:
        env = {**live_server.env, "SES_KRS_URL": running.url, "SES_KRS_RATE": "0"}
        result = subprocess.run(
            [sys.executable, "-m", "ses.cli", "sync", "krs", "--numbers", f"{WOSP},{GYM},404"],
            env=env, capture_output=True, text=True, cwd=ROOT,
        )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Podsumowanie" in result.stdout and "nowe organizacje: 2" in result.stdout
    return result.stdout


def test_staff_review_a_change_set_and_run_a_job_now(live_server, synced, browser):  # noqa: F811
    page = sign_in(browser, live_server, Role.STAFF)
    page.click("nav >> text=Synchronizacja z rejestrami publicznymi")
    assert page.locator("h1").inner_text() == "Synchronizacja z rejestrami publicznymi"
    axe_check(page)
    page.click("table >> text=/nr \\d+/")
    assert page.locator("span.status-not_found").first.inner_text() == "nieznany numer (404)"
    axe_check(page)
    screenshot(page, "synchronizacja-przeglad")
    first = page.locator("input[name=change]").first
    first.focus()
    page.keyboard.press("Space")
    assert first.is_checked()
    page.click("text=Zastosuj zaznaczone")
    assert page.locator("text=Zastosowano zaznaczone zmiany w rejestrze.").is_visible()
    assert page.locator("text=zastosowano").first.is_visible()
    page.click("text=surowa odpowiedź źródła >> nth=0")
    assert "numerKRS" in page.content()

    page.goto(f"{live_server.base_url}/zadania")
    axe_check(page)
    page.click("[aria-label='Uruchom teraz: Przypomnienie o statusach CIS kończących pięć lat']")
    assert page.locator("text=Uruchomiono zadanie").is_visible()
    screenshot(page, "zadania")
    assert page.csp_violations == []

    phone = sign_in(browser, live_server, Role.STAFF, phone=True)
    phone.goto(f"{live_server.base_url}/synchronizacja")
    assert no_horizontal_scroll(phone)
    axe_check(phone)
