"""The shared helper of browser tests: Debian's Chromium through Playwright, signing in as a role on
the live server, screenshots, and an accessibility check with axe-core.

axe-core comes from the npm registry as a package (`npm install --prefix .cache/npm axe-core@4`,
which `.ci/run` does and `axe_source()` does when it is missing), never from a CDN. `axe_check(page)`
injects it into the page and fails on any serious or critical violation, listing them.

    from tests.browser import axe_check, browser, sign_in, screenshot  # noqa: F401 (fixture)

    def test_x(live_server, browser):
        page = sign_in(browser, live_server, Role.STAFF)
        page.goto(live_server.base_url + "/rejestr")
        axe_check(page)
        screenshot(page, "rejestr-lista")

Screenshots land in docs/screenshots/ (the user guide shows them).
"""

from __future__ import annotations

import shutil
import subprocess
import uuid
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from ses.auth.policy import Role

ROOT = Path(__file__).resolve().parent.parent
NPM_PREFIX = ROOT / ".cache" / "npm"
AXE = NPM_PREFIX / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = ROOT / "docs" / "screenshots"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser") or "/usr/bin/chromium"
PASSWORD = "Przegladarka-haslo-1"
PHONE = {"width": 375, "height": 740}
BLOCKING = ("serious", "critical")


@cache
def axe_source() -> str:
    """axe-core's script, installed from the npm registry into .cache/npm when missing."""
    if not AXE.exists():
        npm = shutil.which("npm")
        if npm is None:
            pytest.fail("npm is needed to install axe-core for the accessibility checks: apt-get install npm")
        subprocess.run(
            [
                npm,
                "install",
                "--silent",
                "--no-audit",
                "--no-fund",
                "--prefix",
                str(NPM_PREFIX),
                "axe-core@4",
            ],
            check=True,
            timeout=300,
        )
    return AXE.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def browser() -> Any:
    """One headless Chromium per test module (Debian's; Playwright never downloads a browser)."""
    if not Path(CHROMIUM).exists():
        pytest.fail("Chromium is needed for browser tests: apt-get install -y chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield chromium
        chromium.close()


def account(live_server: Any, role: Role, organisation_id: int | None = None) -> str:
    """A fresh account of that role on the live server (through the CLI, as an operator would)."""
    username = f"{role.value}.{uuid.uuid4().hex[:8]}"
    extra = ["--organisation-id", str(organisation_id)] if organisation_id is not None else []
    live_server.ses("user", "create", username, "--role", role.value, *extra, "--password", PASSWORD)
    return username


def watch_csp(page: Any) -> Any:
    """The page, collecting what the browser refused under SES's Content-Security-Policy in
    `page.csp_violations` (a test ends asserting there was none)."""
    page.csp_violations = []
    page.on(
        "console",
        lambda m: page.csp_violations.append(m.text) if "Content Security Policy" in m.text else None,
    )
    return page


def sign_in(
    browser: Any,
    live_server: Any,
    role: Role,
    *,
    organisation_id: int | None = None,
    phone: bool = False,
    timeout_ms: int = 10_000,
) -> Any:
    """A new page signed in as a new account of `role`, on the start page; CSP violations fail."""
    username = account(live_server, role, organisation_id)
    context = browser.new_context(viewport=PHONE if phone else {"width": 1280, "height": 900})
    context.set_default_timeout(timeout_ms)
    page = watch_csp(context.new_page())
    page.goto(f"{live_server.base_url}/login")
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.click("form.card button[type=submit]")
    page.wait_for_url(f"{live_server.base_url}/")
    return page


def axe_check(page: Any, *, exclude: tuple[str, ...] = ()) -> list[dict[str, Any]]:
    """Run axe-core on the page as it is; fail on serious or critical violations (named, with nodes).

    Answers every violation found (the minor and moderate ones too) for a test to look at."""
    # Evaluated by the driver (as DevTools does), not as a <script> tag the page's CSP would block.
    page.evaluate("() => {\n" + axe_source() + "\n}")
    context = {"exclude": [[selector] for selector in exclude]} if exclude else None
    result = page.evaluate(
        "async (context) => await axe.run(context || document, {resultTypes: ['violations']})", context
    )
    violations = result["violations"]
    blocking = [v for v in violations if v.get("impact") in BLOCKING]
    if blocking:
        lines = [
            f"{v['impact']}: {v['id']} — {v['help']} ({', '.join(n['target'][0] for n in v['nodes'][:5])})"
            for v in blocking
        ]
        pytest.fail(f"accessibility violations on {page.url}:\n" + "\n".join(lines))
    return violations


def see(page: Any, text: str) -> None:
    """Wait until the page shows the text (it may still be loading after a form's redirect)."""
    page.get_by_text(text).first.wait_for(state="visible")


def check(page: Any, text: str | None = None, *, phone: bool = False) -> None:
    """The page as its reader gets it: it shows `text`, fits a phone's width (with `phone`), has no
    serious or critical axe-core violation and, so far, no CSP violation."""
    if text is not None:
        see(page, text)
    if phone:
        assert no_horizontal_scroll(page), page.url
    axe_check(page)
    assert page.csp_violations == [], page.csp_violations


def screenshot(page: Any, name: str, *, full_page: bool = True) -> Path:
    """A PNG of the page in docs/screenshots/NAME.png (the user guide links them)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    target = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(target), full_page=full_page)
    return target


def no_horizontal_scroll(page: Any) -> bool:
    """At phone width, the page itself does not scroll sideways (wide tables scroll in their box)."""
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"))
