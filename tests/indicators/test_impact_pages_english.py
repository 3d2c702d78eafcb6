"""The SROI and condition-index pages in English: a staff member who asked for English reads no Polish
in the labels (the data — names of places, proxies and their sources — stays as entered)."""

from __future__ import annotations

import html
import re

import pytest

from tests.indicators.test_index_api import TORUN, org
from tests.indicators.test_sroi_api import PROXY, analysis_body, proxy

pytestmark = pytest.mark.anyio
HTML = {"accept": "text/html"}
POLISH_LETTERS = re.compile(r"[ąćęłńóśźżĄĆĘŁŃÓŚŹŻ]")


def visible_words(page: str, *data: str) -> str:
    """The page's visible text (navigation included) and attribute labels, less the given data values."""
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S)
    labels = " ".join(re.findall(r'(?:aria-label|title|placeholder)="([^"]*)"', body))
    text = html.unescape(re.sub(r"<[^>]+>", " ", body) + " " + labels)
    for value in data:
        text = text.replace(value, " ")
    return text


def polish_lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if POLISH_LETTERS.search(line)]


async def test_sroi_pages_in_english_have_no_polish_labels(client, staff):
    made = await proxy(client, staff)
    body = analysis_body(made["id"])
    created = await client.post("/api/v1/sroi/analyses", json=body, headers=staff.headers)
    assert created.status_code == 201, created.text
    analysis = created.json()
    data = [*map(str, PROXY.values()), "SROI województwa 2025", "osoby zatrudnione w PS"]
    data += ["zatrudnienie zamiast bezrobocia", "zł"]
    for path in ("/panel/sroi", f"/panel/sroi/{analysis['id']}", "/panel/sroi/proxy", "/panel/sroi/nowa"):
        answer = await client.get(path, params={"lang": "en"}, headers={**HTML, **staff.headers})
        assert answer.status_code == 200, (path, answer.status_code)
        assert '<html lang="en">' in answer.text
        text = visible_words(answer.text, *data)
        assert not POLISH_LETTERS.search(text), (path, polish_lines(text))


async def test_condition_index_pages_in_english_have_no_polish_labels(client, staff):
    await org(client, staff, "Stowarzyszenie Toruń", TORUN)
    for path in ("/panel/indeks", "/panel/indeks/wagi"):
        answer = await client.get(path, params={"lang": "en"}, headers={**HTML, **staff.headers})
        assert answer.status_code == 200, (path, answer.status_code)
        # The names of the powiats are data: the ranking's row headers are left out.
        page = re.sub(
            r'(<tr data-territory="[^"]*">.*?<th scope="row">).*?(</th>)', r"\1\2", answer.text, flags=re.S
        )
        text = visible_words(page, "kujawsko-pomorskie")
        assert "ector condition index" in text
        assert not POLISH_LETTERS.search(text), (path, polish_lines(text))


async def test_sroi_amounts_follow_the_readers_number_format(client, staff):
    made = await proxy(client, staff)
    created = await client.post(
        "/api/v1/sroi/analyses", json=analysis_body(made["id"]), headers=staff.headers
    )
    assert created.status_code == 201, created.text
    path = f"/panel/sroi/{created.json()['id']}"
    english = html.unescape(
        (await client.get(path, params={"lang": "en"}, headers={**HTML, **staff.headers})).text
    )
    assert "100,000.00\u00a0zł" in english and "30,000.00\u00a0zł" in english and "3.24" in english
    assert "100\u00a0000,00" not in english and "3,24" not in english
    polish = html.unescape(
        (await client.get(path, params={"lang": "pl"}, headers={**HTML, **staff.headers})).text
    )
    assert "100\u00a0000,00\u00a0zł" in polish and "3,24" in polish
