"""The residents' search in a real Chromium: no sign-in, three languages, phone width, axe-core."""

from __future__ import annotations

import uuid

import httpx
import pytest

from tests.browser import PHONE, axe_check, browser, no_horizontal_scroll, screenshot  # noqa: F401
from tests.directory.conftest import TORUN, service_body

pytestmark = pytest.mark.browser


def _staff_token(live_server) -> str:
    name = f"katalog.{uuid.uuid4().hex[:8]}"
    live_server.ses("user", "create", name, "--role", "staff", "--no-password")
    return live_server.ses("token", "create", name, "--days", "1").strip().splitlines()[-1].strip()


def _seed(live_server) -> None:
    headers = {"Authorization": f"Bearer {_staff_token(live_server)}"}
    with httpx.Client(base_url=live_server.base_url, headers=headers, timeout=30) as http:
        org = http.post(
            "/api/v1/organisations",
            json={"name": "Fundacja Dobre Sąsiedztwo", "kind": "foundation", "gmina_code": TORUN},
        )
        assert org.status_code == 201, org.text
        for index, name in enumerate(
            ("Klub Seniora Starówka", "Punkt pomocy dla osób z Ukrainy", "Świetlica")
        ):
            body = service_body(org.json()["id"], name=name)
            body["locations"][0]["latitude"] += index * 0.004
            assert http.post("/api/v1/services", json=body).status_code == 201


def test_residents_search_is_accessible_in_three_languages_and_on_a_phone(live_server, browser):  # noqa: F811
    _seed(live_server)
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)
    page = context.new_page()
    violations: list[str] = []
    page.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)
    page.goto(f"{live_server.base_url}/uslugi")
    axe_check(page)
    page.fill("#dir-q", "torun")
    page.click("#dir-form button[type=submit]")
    page.wait_for_selector("table.dir-results")
    assert page.locator("table.dir-results tbody tr").count() == 3
    assert page.locator("figure.dir-map svg path").count() > 1
    axe_check(page)
    screenshot(page, "uslugi-wyniki")
    for lang, heading in (("en", "Services for residents of Toruń"), ("uk", "Послуги для мешканців")):
        page.click(f".dir-langs a[hreflang={lang}]")
        assert page.locator("html").get_attribute("lang") == lang
        assert heading in page.locator("#dir-results").inner_text()
        axe_check(page)
    # The filters keep the gmina; a bad value is a message in the visitor's language, never a 500.
    page.goto(f"{live_server.base_url}/uslugi?gmina=0499999&lang=uk")
    assert "Ґміни з кодом" in page.locator("#dir-errors").inner_text()
    axe_check(page)
    # Suggestions while typing (the page's own script, allowed by the CSP).
    page.goto(f"{live_server.base_url}/uslugi")
    page.fill("#dir-q", "bydgo")
    page.locator("#dir-gminas option").first.wait_for(state="attached")
    assert "0461011" in page.locator("#dir-gminas option").first.get_attribute("value")
    assert violations == []

    # "Use my location" on a phone: the browser gives a position in Toruń, the page finds the gmina
    # and marks the visitor's point on the map (the site's permissions policy must allow it here).
    located = browser.new_context(
        viewport=PHONE, geolocation={"latitude": 53.0104, "longitude": 18.6046}, permissions=["geolocation"]
    )
    here = located.new_page()
    here.goto(f"{live_server.base_url}/uslugi?lang=en")
    here.click("#dir-locate")
    here.wait_for_selector("table.dir-results")
    assert "Services for residents of Toruń" in here.locator("#dir-results").inner_text()
    assert here.locator("figure.dir-map circle.home").count() == 1
    located.close()

    phone = browser.new_context(viewport=PHONE).new_page()
    phone.goto(f"{live_server.base_url}/uslugi?gmina={TORUN}&lang=uk")
    assert no_horizontal_scroll(phone)
    axe_check(phone)
    screenshot(phone, "uslugi-telefon")
    context.close()
