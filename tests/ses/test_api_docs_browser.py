"""The API documentation page renders SES's OpenAPI 3.1 in a real Chromium, with every request
staying on the server (no CDN, no font service, no favicon from elsewhere)."""

from __future__ import annotations

from urllib.parse import urlparse

import pytest

from tests.browser import CHROMIUM, browser  # noqa: F401

pytestmark = pytest.mark.browser


def test_schema_page_renders_openapi_31_from_local_assets_only(live_server, browser):  # noqa: F811
    assert CHROMIUM
    page = browser.new_page()
    hosts: set[str] = set()
    page.on("request", lambda r: hosts.add(urlparse(r.url).netloc) if r.url.startswith("http") else None)
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(f"{live_server.base_url}/schema")
    page.wait_for_selector("text=ENDPOINTS", timeout=20_000)
    page.get_by_text("Rejestr", exact=True).first.click()
    page.wait_for_selector("text=Search the register", timeout=10_000)
    assert page.locator("text=Unable to render").count() == 0
    assert hosts == {urlparse(live_server.base_url).netloc}, hosts
    assert not [e for e in errors if "Content Security Policy" in e], errors
    page.close()
