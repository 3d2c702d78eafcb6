"""The shell in a real Chromium: staff's start page with its navigation passes axe-core, the skip
link reaches the content, the language switch works, and the page fits a phone."""

from __future__ import annotations

import pytest

from ses.auth.policy import Role
from tests.browser import axe_check, browser, no_horizontal_scroll, screenshot, sign_in  # noqa: F401

pytestmark = pytest.mark.browser


def test_staff_start_page_is_accessible_in_both_languages_and_at_phone_width(live_server, browser):  # noqa: F811
    page = sign_in(browser, live_server, Role.STAFF)
    assert page.locator("nav.main-nav >> text=Sprawozdania OWES").is_visible()
    assert page.locator("text=Sprawozdania czekające na przegląd").is_visible()
    axe_check(page)
    screenshot(page, "start-pracownik")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    page.click("text=English")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("text=Reports waiting for review").is_visible()
    axe_check(page)
    page.click("text=polski")
    assert page.locator("html").get_attribute("lang") == "pl"
    assert page.csp_violations == []

    phone = sign_in(browser, live_server, Role.STAFF, phone=True)
    assert no_horizontal_scroll(phone)
    axe_check(phone)
    screenshot(phone, "start-pracownik-telefon")
