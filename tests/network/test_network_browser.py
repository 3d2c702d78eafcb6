"""/siec in a real Chromium (bounded: a handful of organisations, 10 s per step): staff opens the
network from the navigation, the drawing and its table pass axe-core, a node is reached by the
keyboard and opens that organisation's network, the GEXF download works, and the page fits a phone."""

from __future__ import annotations

import uuid

import httpx
import pytest

from ses.auth.policy import Role
from tests.browser import axe_check, browser, no_horizontal_scroll, screenshot, sign_in  # noqa: F401

pytestmark = pytest.mark.browser


def seed(live_server) -> dict[str, int]:
    """Five organisations and their ties, through the API with a staff token (as a client would)."""
    user = f"siec.{uuid.uuid4().hex[:8]}"
    live_server.ses("user", "create", user, "--role", "staff", "--no-password")
    token = live_server.ses("token", "create", user, "--name", "siec").strip().splitlines()[-1]
    ids: dict[str, int] = {}
    with httpx.Client(base_url=live_server.base_url, headers={"Authorization": f"Bearer {token}"}) as api:
        for name, kind in (
            ("Spółdzielnia Socjalna Sieć", "social_cooperative"), ("Urząd Gminy Sieciowo", "gmina_office"),
            ("Stowarzyszenie Węzeł", "association"), ("Fundacja Most", "foundation"),
            ("Szkoła Podstawowa Sieciowo", "school"),
        ):  # fmt: skip
            made = api.post(
                "/api/v1/organisations", json={"name": name, "kind": kind, "gmina_code": "0414012"}
            )
            assert made.status_code == 201, made.text
            ids[name] = made.json()["id"]
        names = list(ids)
        for a, b in ((0, 1), (0, 2), (2, 3), (3, 4), (2, 1)):
            body = {"source_id": ids[names[a]], "target_id": ids[names[b]], "relation_type": "cooperates"}
            assert api.post("/api/v1/network/relations", json=body).status_code == 201
    return ids


def test_the_network_page_in_a_browser(live_server, browser):  # noqa: F811
    ids = seed(live_server)
    page = sign_in(browser, live_server, Role.STAFF)
    page.click("nav.main-nav >> text=Sieć współpracy")
    page.wait_for_url("**/siec")
    assert page.locator("h1").inner_text() == "Sieć współpracy regionu"
    assert page.locator("svg.net-svg circle").count() >= 5
    axe_check(page)
    screenshot(page, "siec-region")
    # The drawing's nodes are links reached by the keyboard: focus one and open its network.
    node = page.locator(f'svg.net-svg a[href="/siec?organizacja={ids["Fundacja Most"]}"]')
    node.focus()
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/siec?organizacja={ids['Fundacja Most']}")
    assert "Fundacja Most" in page.locator("h1").inner_text()
    assert page.locator("svg.net-svg circle").count() == 3  # itself and its two partners
    # The table behind the drawing opens from the keyboard too.
    page.locator("details summary").focus()
    page.keyboard.press("Enter")
    assert page.locator("details table").first.is_visible()
    axe_check(page)
    with page.expect_download() as download:
        page.click("text=plik GEXF")
    assert download.value.suggested_filename == "siec.gexf"
    assert page.csp_violations == []

    phone = sign_in(browser, live_server, Role.STAFF, phone=True)
    phone.goto(f"{live_server.base_url}/siec")
    assert no_horizontal_scroll(phone)
    axe_check(phone)
    screenshot(phone, "siec-telefon")
