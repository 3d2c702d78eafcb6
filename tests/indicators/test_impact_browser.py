"""The composite index and SROI pages in a real Chromium as a committee member: they show the
numbers the API computes from the data (the demo's proxy library), pass axe-core with no serious
or critical violation, and work at phone width (no sideways scrolling of the page itself)."""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest

from ses.auth.policy import Role
from ses.indicators.demo import PROXIES, PROXY_SOURCE
from tests.browser import axe_check, browser, screenshot, sign_in  # noqa: F401

pytestmark = pytest.mark.browser

GMINAS = {"0463011": 4, "0415042": 2, "0461011": 3, "0401011": 1}


def shown(value: float, digits: int) -> str:
    return f"{round(value, digits):g}".replace(".", ",")


def ratio(value: float) -> str:
    return f"{value:.2f}".replace(".", ",")


@pytest.fixture(scope="module")
def impact(live_server: Any) -> dict[str, Any]:
    live_server.ses("user", "create", "loader-impact", "--role", "staff", "--password", "Ladowanie-danych-16")
    out = live_server.ses("token", "create", "loader-impact", "--days", "1")
    token = re.search(r"ses_[A-Za-z0-9_\-]+", out).group(0)  # type: ignore[union-attr]
    with httpx.Client(base_url=live_server.base_url, headers={"Authorization": f"Bearer {token}"}) as http:
        for gmina, count in GMINAS.items():
            for number in range(count):
                body = {
                    "name": f"Fundacja {gmina}-{number}",
                    "kind": "foundation",
                    "gmina_code": gmina,
                    "activity_state": "active",
                }
                assert http.post("/api/v1/organisations", json=body).status_code == 201
        ids = []
        for name, unit, value in PROXIES:
            body = {"name": name, "unit": unit, "value_pln": value, "source": PROXY_SOURCE, "year": 2025}
            response = http.post("/api/v1/sroi/proxies", json=body)
            assert response.status_code == 201, response.text
            ids.append(response.json()["id"])
        analysis = {
            "title": "SROI wsparcia ekonomii społecznej w województwie 2025",
            "scope": "region",
            "year": 2025,
            "investment_pln": "410000",
            "duration_years": 3,
            "discount_rate": 3.5,
            "outcomes": [
                {"stakeholder": "osoby zagrożone wykluczeniem", "description": "zatrudnienie w PS",
                 "quantity": 16, "proxy_id": ids[0], "deadweight": 25, "attribution": 30, "displacement": 5,
                 "drop_off": 20},
                {"stakeholder": "grupy inicjatywne", "description": "animacja lokalna", "quantity": 380,
                 "proxy_id": ids[3], "deadweight": 20, "attribution": 25, "displacement": 0, "drop_off": 50},
            ],
        }  # fmt: skip
        response = http.post("/api/v1/sroi/analyses", json=analysis)
        assert response.status_code == 201, response.text
        index = http.get("/api/v1/indicators/index", params={"territory": "04"}).json()
    return {"sroi": response.json(), "index": index}


def no_sideways_scroll(page: Any) -> None:
    width = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert width[0] <= width[1] + 1, f"the page scrolls sideways at phone width: {width}"


def test_index_page_as_a_committee_member(live_server, browser, impact):  # noqa: F811
    rows = {row["territory"]: row for row in impact["index"]["territories"]}
    torun = rows["0463"]
    assert torun["rank"] == 1
    page = sign_in(browser, live_server, Role.COMMITTEE)
    page.click("text=Indeks kondycji sektora")
    page.wait_for_url("**/panel/indeks")
    row = page.locator("#index-table tr[data-territory='0463']")
    cells = row.locator("td")
    assert cells.nth(0).inner_text() == "1"
    assert cells.nth(1).inner_text() == shown(torun["index"], 1)
    assert cells.nth(2).inner_text() == f"{torun['rank_best']}–{torun['rank_worst']}"
    weakest = rows["0401"]
    assert page.locator("#index-table tr[data-territory='0401'] td").nth(3).inner_text().strip() != ""
    assert weakest["rank"] is not None
    assert "Brak danych" in page.inner_text("#h-method + dl")
    axe_check(page)
    screenshot(page, "panel-indeks")
    phone = sign_in(browser, live_server, Role.COMMITTEE, phone=True)
    phone.goto(live_server.base_url + "/panel/indeks")
    no_sideways_scroll(phone)
    axe_check(phone)
    screenshot(phone, "panel-indeks-telefon")


def test_sroi_page_as_a_committee_member(live_server, browser, impact):  # noqa: F811
    sroi = impact["sroi"]
    page = sign_in(browser, live_server, Role.COMMITTEE)
    page.goto(live_server.base_url + "/panel/sroi")
    listed = page.locator(f"#sroi-table tr[data-analysis='{sroi['id']}']")
    assert ratio(sroi["ratio"]) in listed.inner_text()
    listed.locator("a").click()
    page.wait_for_url(f"**/panel/sroi/{sroi['id']}")
    assert page.inner_text("#sroi-ratio").startswith(ratio(sroi["ratio"]))
    assert page.inner_text("#sroi-range") == f"{ratio(sroi['ratio_low'])} – {ratio(sroi['ratio_high'])}"
    outcomes = page.inner_text("#outcomes-table")
    assert "25\xa0%" in outcomes and "30\xa0%" in outcomes and "Dane demonstracyjne SES" in outcomes
    axe_check(page)
    screenshot(page, "panel-sroi")
    phone = sign_in(browser, live_server, Role.COMMITTEE, phone=True)
    phone.goto(f"{live_server.base_url}/panel/sroi/{sroi['id']}")
    no_sideways_scroll(phone)
    axe_check(phone)
    screenshot(phone, "panel-sroi-telefon")
