"""A person signs in, changes their password and signs out in a real Chromium against a real server."""

from __future__ import annotations

import pytest

from tests.browser import browser, watch_csp  # noqa: F401

pytestmark = pytest.mark.browser


def test_sign_in_password_change_and_sign_out_in_a_browser(live_server, browser):  # noqa: F811
    live_server.ses("user", "create", "anna.browser", "--role", "admin", "--password", "Pierwsze-haslo-1")
    page = watch_csp(browser.new_page())

    page.goto(f"{live_server.base_url}/admin/accounts")
    assert page.url.endswith("/login?next=/admin/accounts")
    page.fill("#username", "anna.browser")
    page.fill("#password", "zle-haslo-123")
    page.click("button[type=submit]")
    assert "Nieprawidłowa nazwa użytkownika lub hasło." in page.inner_text("main")

    page.fill("#password", "Pierwsze-haslo-1")
    page.click("button[type=submit]")
    page.wait_for_url("**/admin/accounts")
    assert "Konta użytkowników" in page.inner_text("h1")
    assert "anna.browser" in page.inner_text("header")

    page.goto(f"{live_server.base_url}/account/password")
    page.fill("#current_password", "Pierwsze-haslo-1")
    page.fill("#new_password", "Drugie-haslo-22")
    page.fill("#repeat_password", "Drugie-haslo-22")
    page.click("main button[type=submit]")
    assert "Hasło zostało zmienione" in page.inner_text("main")

    page.click("header button:has-text('Wyloguj')")
    page.wait_for_url("**/login")
    page.goto(f"{live_server.base_url}/admin/accounts")
    assert "/login" in page.url
    assert page.csp_violations == []
    page.close()
