"""The accreditation workspace as people use it in a browser (session cookie, CSRF field), over the
real app and database: a reviewer fills a verification and asks for evidence, the OWES answers on
its own page (and cannot open anybody else's), staff draft, edit, preview, approve and download
the opinion; stale forms are refused with an explanation; no English code is shown."""

from __future__ import annotations

import html
import io
import re
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack
from typing import Any

import httpx
import pytest
from docx import Document

from accreditation.checklists import iter_criteria
from ses.audit.services import Actor
from ses.auth.policy import Role

pytestmark = pytest.mark.anyio
PASSWORD = "Akredytacja-2026-haslo"
HTML = {"accept": "text/html"}
CODES_SHOWN = re.compile(
    r">\s*(planned|in_progress|findings|opinion_drafted|opinion_approved|accredited|under_verification|"
    r"does_not_meet|needs_completion|not_applicable|partly|meets|positive_with_remarks|desk_review)\s*<"
)


def hidden(text: str, name: str) -> str:
    match = re.search(rf'name="{re.escape(name)}" value="([^"]*)"', text)
    assert match, f"no hidden field {name}"
    return html.unescape(match.group(1))


class Person:
    def __init__(self, http: httpx.AsyncClient) -> None:
        self.http = http
        self.csrf = ""

    async def sign_in(self, username: str) -> None:
        form = await self.http.get("/login", headers=HTML)
        response = await self.http.post(
            "/login",
            data={
                "username": username,
                "password": PASSWORD,
                "_csrf": hidden(form.text, "_csrf"),
                "next": "/",
            },
            headers=HTML,
        )
        assert response.status_code == 303, response.text
        start = await self.http.get("/akredytacja", headers=HTML)
        assert start.status_code == 200, start.text
        self.csrf = hidden(start.text, "_csrf")

    async def get(self, path: str) -> httpx.Response:
        return await self.http.get(path, headers=HTML)

    async def post(self, path: str, data: dict[str, Any]) -> httpx.Response:
        return await self.http.post(path, data={"_csrf": self.csrf, **data}, headers=HTML)


@pytest.fixture
async def desk(
    app_tx: Any, owes_world: dict[str, Any], new_organisation: Any, tmp_path: Any, monkeypatch: Any
) -> AsyncIterator[dict[str, Any]]:
    from ses.auth.services import create_account

    monkeypatch.setenv("SES_EVIDENCE_DIR", str(tmp_path / "evidence"))  # uploads never land in the repo
    actor = Actor.system("tests")
    other = (await new_organisation(name="Inny OWES", kind="foundation", is_owes=True))["id"]
    for username, role, org in (
        ("owes.torun", Role.OWES, owes_world["lead"]["id"]),
        ("owes.inny", Role.OWES, other),
        ("rops.anna", Role.STAFF, None),
        ("rops.weryfikator", Role.REVIEWER, None),
    ):
        await create_account(
            username=username, role=role, password=PASSWORD, organisation_id=org, actor=actor
        )
    async with AsyncExitStack() as stack:
        found: dict[str, Any] = {"world": owes_world}
        for key, username in (
            ("owes", "owes.torun"),
            ("other", "owes.inny"),
            ("staff", "rops.anna"),
            ("rev", "rops.weryfikator"),
        ):
            transport = httpx.ASGITransport(app=app_tx)  # type: ignore[arg-type]
            http = await stack.enter_async_context(
                httpx.AsyncClient(transport=transport, base_url="http://testserver")
            )
            person = Person(http)
            await person.sign_in(username)
            found[key] = person
        yield found


def version(text: str) -> str:
    return hidden(text, "wersja")


async def test_reviewer_owes_and_staff_work_through_a_verification(desk, shipped_template):
    rev, owes, staff, other = desk["rev"], desk["owes"], desk["staff"], desk["other"]
    vid = desk["world"]["verification"]["id"]
    url = f"/akredytacja/weryfikacje/{vid}"

    total = len(shipped_template.criterion_codes)
    listing = await rev.get("/akredytacja")
    assert (
        f'href="{url}"' in listing.text and "zaplanowana" in listing.text and f"0 z {total}" in listing.text
    )
    assert not CODES_SHOWN.search(listing.text)

    page = await rev.get(url)
    assert page.status_code == 200
    assert "Część I. Standardy formalno-organizacyjne" in page.text and "II.1 Animacja lokalna" in page.text
    moved = await rev.post(
        f"{url}/stan", {"stan": "in_progress", "uzasadnienie": "", "wersja": version(page.text)}
    )
    assert moved.status_code == 422 and "Powód" in moved.text
    moved = await rev.post(
        f"{url}/stan",
        {"stan": "in_progress", "uzasadnienie": "Start weryfikacji", "wersja": version(page.text)},
    )
    assert moved.status_code == 303
    page = await rev.get(f"{url}?ok=stan")
    assert "w toku" in page.text and "Zmieniono stan weryfikacji." in page.text

    # Results of area I.1, then a stale copy of the same form is refused with an explanation.
    area = [p.criterion.code for p in iter_criteria(shipped_template) if p.area.code == "I.1"]
    form = {"kody": ",".join(area), "obszar": "I.1", "wersja": version(page.text)}
    form |= {f"wynik.{code}": "meets" for code in area}
    form |= {f"wynik.{area[0]}": "partly", f"ustalenie.{area[0]}": "Brak aktualnego zaświadczenia."}
    saved = await rev.post(f"{url}/wyniki", form)
    assert saved.status_code == 303, saved.text
    stale = await rev.post(f"{url}/wyniki", form | {f"wynik.{area[1]}": "does_not_meet"})
    assert stale.status_code == 409 and "Ktoś inny zmienił tę weryfikację" in stale.text
    page = await rev.get(url)
    assert f"{len(area)} z {total}" in page.text and "Brak aktualnego zaświadczenia." in page.text
    bad = {**form, "wersja": version(page.text), f"termin.{area[2]}": "2026-13-40"}
    refused = await rev.post(f"{url}/wyniki", bad)
    assert (
        refused.status_code == 422 and "RRRR-MM-DD" in refused.text and 'value="2026-13-40"' in refused.text
    )

    asked = await rev.post(
        f"{url}/dowody",
        {"kod": [area[0], area[1]], "uwaga": "Prosimy o zaświadczenie z ZUS.", "termin_dowodow": ""},
    )
    assert asked.status_code == 303

    # The OWES sees its own verification: the request, no reviewers' findings; another OWES gets 404.
    assert (await other.get(url)).status_code == 404
    mine = await owes.get(url)
    assert mine.status_code == 200 and "Prosimy o zaświadczenie z ZUS." in mine.text
    start = await owes.get("/")
    assert "Prośby o dowody do weryfikacji" in start.text and f"#kryterium-{area[0]}" in start.text
    assert "Brak aktualnego zaświadczenia." not in mine.text and "wynik." not in mine.text
    answered = await owes.post(
        f"{url}/kryteria/{area[0]}/komentarz", {"tresc": "Zaświadczenie w załączeniu.", "klucz": "k1"}
    )
    assert answered.status_code == 303
    again = await owes.post(
        f"{url}/kryteria/{area[0]}/komentarz", {"tresc": "Zaświadczenie w załączeniu.", "klucz": "k1"}
    )
    assert again.status_code == 303  # a retried form does not duplicate the comment
    sent = await owes.http.post(
        f"{url}/kryteria/{area[0]}/plik",
        data={"_csrf": owes.csrf, "klucz": "p1"},
        files={"plik": ("zaswiadczenie.pdf", b"%PDF-1.4\n%test\n", "application/pdf")},
        headers=HTML,
    )
    assert sent.status_code == 303, sent.text
    assessed = await owes.post(
        f"{url}/samoocena",
        {"kody": ",".join(area), f"samoocena.{area[0]}": "meets", f"opis.{area[0]}": "Mamy."},
    )
    assert assessed.status_code == 303, assessed.text
    elsewhere = await other.post(f"{url}/kryteria/{area[0]}/komentarz", {"tresc": "Cudze", "klucz": "x"})
    assert elsewhere.status_code == 404

    page = await rev.get(url)
    assert page.text.count("Zaświadczenie w załączeniu.") == 1 and "zaswiadczenie.pdf" in page.text
    assert "OWES odpowiedział" in page.text and "Mamy." in page.text  # self-assessment side by side
    start = await rev.get("/")
    assert "Weryfikacje OWES w toku" in start.text and "Toruński Ośrodek Wsparcia" in start.text
    assert "Odpowiedzi OWES na prośby o dowody" in start.text and f"#kryterium-{area[0]}" in start.text

    # Everything decided, findings, opinion drafted by staff, refused while "partly" is left.
    codes = [p.criterion.code for p in iter_criteria(shipped_template)]
    for part_area in sorted({p.area.code for p in iter_criteria(shipped_template)}):
        in_area = [p.criterion.code for p in iter_criteria(shipped_template) if p.area.code == part_area]
        page = await rev.get(url)
        values = {f"wynik.{c}": "meets" for c in in_area}
        if part_area == "I.1":
            values[f"wynik.{area[0]}"] = "partly"
        response = await rev.post(
            f"{url}/wyniki",
            {"kody": ",".join(in_area), "obszar": part_area, "wersja": version(page.text), **values},
        )
        assert response.status_code == 303, response.text
    page = await rev.get(url)
    assert f"{len(codes)} z {len(codes)}" in page.text
    moved = await rev.post(
        f"{url}/stan", {"stan": "findings", "uzasadnienie": "Wszystko ocenione", "wersja": version(page.text)}
    )
    assert moved.status_code == 303
    page = await staff.get(url)
    assert "Propozycja konkluzji wynika ze standardów" in page.text
    drafted = await staff.post(
        f"{url}/opinia",
        {
            "znak_sprawy": "ROPS.III.4521.1.2026",
            "podpisujacy": "Katarzyna Wróblewska",
            "stanowisko": "Dyrektor ROPS",
            "miejscowosc": "Toruń",
            "data_wydania": "",
        },
    )
    assert drafted.status_code == 303, drafted.text
    opinion_url = drafted.headers["location"].split("?")[0]
    assert opinion_url in (await staff.get("/")).text  # "Opinie do zatwierdzenia" on the start page
    opinion = await staff.get(opinion_url)
    assert "projekt" in opinion.text and "robocza ocena" in opinion.text
    refused = await staff.post(f"{opinion_url}/zatwierdz", {"wersja": version(opinion.text)})
    assert refused.status_code == 409 and "częściowo" in refused.text

    early = await staff.get(f"{opinion_url}/podglad")
    assert early.status_code == 409 and "częściowo" in early.text  # the preview says why, too

    page = await rev.get(url)
    fixed = await rev.post(
        f"{url}/wyniki",
        {"kody": area[0], "obszar": "I.1", "wersja": version(page.text), f"wynik.{area[0]}": "meets"},
    )
    assert fixed.status_code == 303
    preview = await staff.get(f"{opinion_url}/podglad")
    assert (
        preview.status_code == 200
        and 'class="opinion-sheet"' in preview.text
        and "<style" not in preview.text
    )
    assert "/static/ses/accreditation.css" in preview.text

    opinion = await staff.get(opinion_url)
    edited = await staff.post(
        opinion_url,
        {
            "wersja": version(opinion.text),
            "konkluzja": "positive",
            "uzasadnienie": "OWES realizuje standardy.\nUwagi: brak.",
            "znak_sprawy": "ROPS.III.4521.1.2026",
            "podpisujacy": "Katarzyna Wróblewska",
            "stanowisko": "Dyrektor ROPS",
            "miejscowosc": "Toruń",
            "data_wydania": "2026-12-01",
        },
    )
    assert edited.status_code == 303, edited.text
    stale = await staff.post(f"{opinion_url}/zatwierdz", {"wersja": version(opinion.text)})
    assert stale.status_code == 409 and "zmieniono" in stale.text
    opinion = await staff.get(opinion_url)
    approved = await staff.post(f"{opinion_url}/zatwierdz", {"wersja": version(opinion.text)})
    assert approved.status_code == 303
    opinion = await staff.get(opinion_url)
    sha = re.search(r'class="sha">([0-9a-f]{64})<', opinion.text)
    assert sha and "zatwierdzona" in opinion.text
    document = await staff.get(f"{opinion_url}/opinia.docx")
    import hashlib

    assert hashlib.sha256(document.content).hexdigest() == sha.group(1)
    text = "\n".join(p.text for p in Document(io.BytesIO(document.content)).paragraphs)
    assert "OWES realizuje standardy." in text and "częściowo" not in text
    assert not CODES_SHOWN.search(opinion.text)
    new = await staff.post(f"{opinion_url}/nowa-wersja", {})
    assert new.status_code == 303 and new.headers["location"] != opinion_url
    assert "wersja 2" in (await staff.get(new.headers["location"].split("?")[0])).text

    # reviewers read the opinion but staff decide; an OWES never reaches these pages
    assert (await rev.post(f"{opinion_url}/nowa-wersja", {})).status_code == 403
    assert (await owes.get(opinion_url)).status_code == 403


async def test_deadlines_page_lives_in_the_shared_layout(desk):
    page = await desk["rev"].get("/akredytacja/terminy")
    assert page.status_code == 200 and "<style" not in page.text and 'class="main-nav"' in page.text
    assert "Terminy akredytacji i weryfikacji OWES" in page.text
    old = await desk["rev"].http.get("/accreditation/terminy", headers=HTML)
    assert old.status_code == 301 and old.headers["location"] == "/akredytacja/terminy"
    assert (await desk["owes"].get("/akredytacja/terminy")).status_code == 403
