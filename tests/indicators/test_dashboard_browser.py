"""The committee's dashboards in a real Chromium on a real server: the overview, an indicator's
map, chart and table show the numbers the database holds (checked with a direct query), the map
answers the keyboard, drill-down and the list behind a number work, and axe-core finds no serious
or critical violation."""

from __future__ import annotations

import asyncio
import os
import re
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest

from ses.auth.policy import Role
from tests.browser import axe_check, browser, screenshot, sign_in  # noqa: F401

pytestmark = pytest.mark.browser

ENGINE = os.environ.get("SES_TEST_DB", "sqlite")

GMINAS = {"0463011": 3, "0415042": 2, "0461011": 4}  # Toruń, Lubicz (powiat toruński), Bydgoszcz


def direct_count(live_server: Any, sql: str) -> int:
    url = live_server.env["SES_DATABASE_URL"]
    if ENGINE == "postgres":
        import asyncpg

        async def run() -> int:
            conn = await asyncpg.connect(url)
            try:
                return int(await conn.fetchval(sql))
            finally:
                await conn.close()

        # Playwright's sync API holds an event loop in this thread: query from another one.
        with ThreadPoolExecutor(max_workers=1) as pool:
            return pool.submit(lambda: asyncio.run(run())).result()
    import sqlite3

    with sqlite3.connect(url) as conn:
        return int(conn.execute(sql).fetchone()[0])


@pytest.fixture(scope="module")
def region(live_server: Any) -> None:
    live_server.ses("user", "create", "loader-16", "--role", "staff", "--password", "Ladowanie-danych-16")
    out = live_server.ses("token", "create", "loader-16", "--days", "1")
    token = re.search(r"ses_[A-Za-z0-9_\-]+", out).group(0)  # type: ignore[union-attr]
    with httpx.Client(base_url=live_server.base_url, headers={"Authorization": f"Bearer {token}"}) as http:
        for gmina, count in GMINAS.items():
            for number in range(count):
                body = {
                    "name": f"Stowarzyszenie {gmina}-{number}",
                    "kind": "association",
                    "gmina_code": gmina,
                }
                assert http.post("/api/v1/organisations", json=body).status_code == 201


def test_committee_reads_the_region_maps_drills_down_and_reaches_the_organisations(
    live_server,
    browser,  # noqa: F811
    region,
):
    in_db = direct_count(
        live_server,
        "SELECT COUNT(*) FROM organisation WHERE pes_letter IS NOT NULL AND activity_state <> 'retired' "
        "AND voivodeship_code = '04'",
    )
    page = sign_in(browser, live_server, Role.COMMITTEE)
    page.click("nav.main-nav >> text=Panel RKRES")
    page.wait_for_url(re.compile(r"/panel$"))
    cell = page.locator("section tr[data-indicator='pes.total'] td.num a").first
    assert cell.inner_text() == str(in_db)
    axe_check(page)
    screenshot(page, "panel-rkres")

    page.click("section tr[data-indicator='pes.total'] th a")
    page.wait_for_selector("#map .main-svg", timeout=45_000)  # plotly.js is 4.8 MB to parse
    assert page.locator("#map path.choroplethlocation").count() >= 23  # every powiat drawn
    torun_db = direct_count(
        live_server,
        "SELECT COUNT(*) FROM organisation WHERE pes_letter IS NOT NULL AND powiat_code = '0463'",
    )
    assert page.locator("#values-table tr[data-code='0463']").get_attribute("data-value") == str(torun_db)
    page.wait_for_selector("#trend .main-svg", timeout=15_000)
    page.focus("#map")
    page.keyboard.press("ArrowRight")
    assert "aleksandrowski" in page.locator("#map-status").inner_text()
    axe_check(page)
    screenshot(page, "panel-wskaznik-mapa")

    page.click("#values-table a:text-is('toruński')")
    page.wait_for_selector("#values-table tr[data-code='0415042']")
    assert page.locator("#values-table tr[data-code='0415042']").get_attribute("data-value") == "2"
    page.click("#values-table tr[data-code='0415042'] td a")
    page.wait_for_url(re.compile(r"/panel/lista"))
    names = page.locator("table.behind tbody td:first-child").all_inner_texts()
    assert sorted(names) == ["Stowarzyszenie 0415042-0", "Stowarzyszenie 0415042-1"]
    axe_check(page)
    assert page.csp_violations == [], page.csp_violations  # plotly's styles come from files
