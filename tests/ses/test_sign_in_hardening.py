"""Sign-in under attack, against a real server: parallel wrong passwords cannot outrun the lock-out,
and the answers do not tell which account names exist."""

from __future__ import annotations

import re
import uuid
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

PASSWORD = "Poprawne-haslo-77"


def clear_throttles(live_server) -> None:
    """Every request of the suite comes from 127.0.0.1: forget its failures so that the address
    lock-out (20 failures) neither decides these tests nor blocks later ones."""
    url = live_server.env["SES_DATABASE_URL"]
    if url.startswith("postgres"):
        import asyncio

        import asyncpg

        async def run() -> None:
            conn = await asyncpg.connect(url)
            try:
                await conn.execute("DELETE FROM login_throttle")
            finally:
                await conn.close()

        asyncio.run(run())
    else:
        import sqlite3

        with sqlite3.connect(url) as conn:
            conn.execute("DELETE FROM login_throttle")


@pytest.fixture
def server(live_server):
    clear_throttles(live_server)
    yield live_server
    clear_throttles(live_server)


def _attempt(base_url: str, username: str, password: str) -> httpx.Response:
    with httpx.Client(base_url=base_url, timeout=30) as browser:
        form = browser.get("/login")
        csrf = re.search(r'name="_csrf" value="([^"]*)"', form.text)
        assert csrf, form.text[:500]
        return browser.post(
            "/login",
            data={"username": username, "password": password, "_csrf": csrf.group(1), "next": "/"},
        )


def test_parallel_wrong_passwords_lock_the_account_before_the_right_one(server):
    name = f"rownolegly.{uuid.uuid4().hex[:6]}"
    server.ses("user", "create", name, "--role", "staff", "--password", PASSWORD)
    with ThreadPoolExecutor(max_workers=15) as pool:
        answers = list(pool.map(lambda _: _attempt(server.base_url, name, "zle-haslo-1"), range(15)))
    assert all(answer.status_code == 401 for answer in answers)
    right = _attempt(server.base_url, name, PASSWORD)
    assert right.status_code == 401, "the right password signed in after 15 parallel failures"
    assert "wstrzymane na 15 minut" in right.text


def test_known_and_unknown_names_get_the_same_answers_in_the_same_order(server):
    known = f"istnieje.{uuid.uuid4().hex[:6]}"
    unknown = f"nieistnieje.{uuid.uuid4().hex[:6]}"
    server.ses("user", "create", known, "--role", "staff", "--password", PASSWORD)

    def answers(name: str) -> list[tuple[int, str]]:
        out = []
        for _ in range(7):
            response = _attempt(server.base_url, name, "zle-haslo-2")
            message = re.search(r'<div class="errors" role="alert">\s*<p>(.*?)</p>', response.text, re.S)
            out.append((response.status_code, message.group(1).strip() if message else response.text[-400:]))
        return out

    assert answers(known) == answers(unknown)
