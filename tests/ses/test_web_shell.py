"""The application shell: the navigation of each role, breadcrumbs, the skip link, the start page
that begins each role's day, and the pages in Polish by default and English on request."""

from __future__ import annotations

import re

import pytest

from ses.auth.policy import Role
from ses.web import i18n

pytestmark = pytest.mark.anyio
HTML = {"accept": "text/html"}


def nav_of(html: str) -> list[str]:
    block = re.search(r'<nav class="main-nav".*?</nav>', html, re.S)
    assert block, "no main navigation"
    return re.findall(r'<a href="([^"]+)"', block.group(0))


async def test_each_role_sees_the_links_it_may_use(client, staff, reviewer, admin, caller_for):
    created = await client.post(
        "/api/v1/organisations",
        json={"name": "OWES Powłoka", "kind": "association", "gmina_code": "0463011", "is_owes": True},
        headers=staff.headers,
    )
    owes = await caller_for(Role.OWES, organisation_id=created.json()["id"], name="owes-shell")
    pages = {}
    for caller in (staff, reviewer, admin, owes):
        answer = await client.get("/", headers={**HTML, **caller.headers})
        assert answer.status_code == 200
        pages[caller.role] = nav_of(answer.text)
    assert "/raporty/monitoring" in pages[Role.STAFF] and "/admin/accounts" not in pages[Role.STAFF]
    assert "/admin/accounts" in pages[Role.ADMIN] and "/raporty/monitoring" in pages[Role.ADMIN]
    assert "/raporty" in pages[Role.OWES] and "/raporty/monitoring" not in pages[Role.OWES]
    # Every link of the navigation opens for the role that sees it.
    for caller in (staff, reviewer, admin, owes):
        for href in pages[caller.role]:
            opened = await client.get(href, headers={**HTML, **caller.headers})
            assert opened.status_code == 200, (caller.role, href, opened.status_code)


async def test_anonymous_start_page_has_a_skip_link_and_no_navigation(client):
    answer = await client.get("/", headers=HTML)
    assert answer.status_code == 200
    assert '<a class="skip-link" href="#main">Przejdź do treści</a>' in answer.text
    assert 'id="main"' in answer.text and 'class="main-nav"' not in answer.text
    assert '<html lang="pl">' in answer.text


async def test_staff_start_page_shows_reports_to_review_overdue_and_register_changes(client, staff):
    created = await client.post(
        "/api/v1/organisations",
        json={"name": "Fundacja Poranna Kawa", "kind": "foundation", "gmina_code": "0463011"},
        headers=staff.headers,
    )
    assert created.status_code == 201
    answer = await client.get("/", headers={**HTML, **staff.headers})
    text = answer.text
    assert "Sprawozdania czekające na przegląd" in text and "Sprawozdania po terminie" in text
    assert "Ostatnie zmiany w rejestrze" in text
    assert "Fundacja Poranna Kawa" in text and f'href="/rejestr/{created.json()["id"]}"' in text
    assert "(API)" in text  # the channel of the change, by its label


async def test_english_on_request_is_remembered_in_a_cookie(client, staff):
    answer = await client.get("/?lang=en", headers={**HTML, **staff.headers})
    assert '<html lang="en">' in answer.text and "Skip to content" in answer.text
    assert "Reports waiting for review" in answer.text and "Przejdź do treści" not in answer.text
    assert "ses_lang=en" in answer.headers["set-cookie"]
    again = await client.get("/", headers={**HTML, **staff.headers})  # the client keeps the cookie
    assert '<html lang="en">' in again.text
    client.cookies.clear()
    assert '<html lang="pl">' in (await client.get("/", headers=HTML)).text


def test_polish_plural_forms_dates_and_numbers():
    token = i18n.set_language("pl")
    try:
        said = [
            i18n.ngettext(
                "W rejestrze jest %(num)s podmiot.", "W rejestrze jest %(num)s podmiotów.", n, num=str(n)
            )
            for n in (1, 2, 5, 12, 22, 25, 112)
        ]
        assert said == [
            "W rejestrze jest 1 podmiot.",
            "W rejestrze są 2 podmioty.",
            "W rejestrze jest 5 podmiotów.",
            "W rejestrze jest 12 podmiotów.",
            "W rejestrze są 22 podmioty.",
            "W rejestrze jest 25 podmiotów.",
            "W rejestrze jest 112 podmiotów.",
        ]
        assert i18n.fmt_number(1234567.5) == "1\xa0234\xa0567,5"
        assert i18n.fmt_date("2026-12-06") == "6 gru 2026"
        assert i18n.fmt_date("2026-12-06", "short") == "6.12.2026"
    finally:
        i18n._current.reset(token)
    token = i18n.set_language("en")
    try:
        assert (
            i18n.ngettext("W rejestrze jest %(num)s podmiot.", "x", 2)
            == "The register holds 2 organisations."
        )
        assert i18n.fmt_number(1234567.5) == "1,234,567.5"
    finally:
        i18n._current.reset(token)
