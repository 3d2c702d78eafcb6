"""The accreditation workspace in a real Chromium on the live server: a reviewer fills a
verification and asks for evidence, the OWES answers it on its own page, staff generate, approve
and download the opinion; axe-core on every page, no CSP violation, the checklist fits a phone."""

from __future__ import annotations

import hashlib
import uuid
from datetime import date, timedelta
from importlib import resources
from pathlib import Path

import httpx
import pytest

from accreditation.checklists import iter_criteria, load_shipped_template
from ses.auth.policy import Role
from tests.browser import account, axe_check, browser, no_horizontal_scroll, screenshot, sign_in  # noqa: F401

pytestmark = pytest.mark.browser
API = "/api/v1/accreditation"
WIDE = """() => [...document.querySelectorAll('body *')]
  .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
  .slice(0, 8)
  .map(e => e.tagName + '.' + e.className + '#' + e.id + ' ' + Math.round(e.getBoundingClientRect().right))"""


def shows(page, text: str) -> bool:  # type: ignore[no-untyped-def]
    """Waits until the page (after a form's redirect) shows the text."""
    page.get_by_text(text).first.wait_for()
    return True


def _staff_api(live_server) -> httpx.Client:  # type: ignore[no-untyped-def]
    username = account(live_server, Role.STAFF)
    secret = live_server.ses("token", "create", username).strip().splitlines()[-1]
    return httpx.Client(
        base_url=live_server.base_url, headers={"Authorization": f"Bearer {secret}"}, timeout=30
    )


def _world(live_server) -> dict[str, int]:  # type: ignore[no-untyped-def]
    """An accredited OWES and a planned verification of it, made through the API as staff."""
    api = _staff_api(live_server)
    tag = uuid.uuid4().hex[:6]
    lead = api.post(
        "/api/v1/organisations",
        json={
            "name": f"Fundacja OWES Przeglądarka {tag}",
            "kind": "foundation",
            "gmina_code": "0463011",
            "is_owes": True,
        },
    )
    assert lead.status_code == 201, lead.text
    text = (
        resources.files("accreditation")
        .joinpath("standards", "owes_standards_working.yaml")
        .read_text("utf-8")
    )
    template = api.post(f"{API}/templates", json={"content": text, "format": "yaml"})
    assert template.status_code in (200, 201, 409), template.text
    template_id = (
        template.json()["id"] if template.status_code != 409 else api.get(f"{API}/templates").json()[0]["id"]
    )
    decided = date.today() - timedelta(days=100)
    acc = api.post(
        f"{API}/accreditations",
        json={
            "organisation_id": lead.json()["id"],
            "call_edition": "nabór testowy",
            "decision_number": f"DES.{tag}",
            "decision_date": decided.isoformat(),
            "valid_from": decided.isoformat(),
            "valid_to": (decided + timedelta(days=700)).isoformat(),
        },
    )
    assert acc.status_code == 201, acc.text
    verification = api.post(
        f"{API}/verifications",
        json={
            "accreditation_id": acc.json()["id"],
            "template_id": template_id,
            "scope": "Weryfikacja realizacji standardów w przeglądarce",
            "modes": ["desk_review", "interview"],
            "team": [{"name": "Anna Żmudzka", "role": "przewodnicząca zespołu"}],
            "planned_from": date.today().isoformat(),
            "planned_to": (date.today() + timedelta(days=14)).isoformat(),
        },
    )
    assert verification.status_code == 201, verification.text
    return {"owes": lead.json()["id"], "verification": verification.json()["id"]}


def test_reviewer_owes_and_staff_reach_an_approved_opinion(live_server, browser, tmp_path: Path):  # noqa: F811
    base = live_server.base_url
    world = _world(live_server)
    url = f"{base}/akredytacja/weryfikacje/{world['verification']}"
    template = load_shipped_template()

    reviewer = sign_in(browser, live_server, Role.REVIEWER, timeout_ms=15_000)
    reviewer.click("nav.main-nav >> text=Akredytacja")
    reviewer.wait_for_url(f"{base}/akredytacja")
    axe_check(reviewer)
    reviewer.goto(url)
    reviewer.select_option("#in-stan", "in_progress")
    reviewer.fill("#in-uzasadnienie", "Rozpoczęcie weryfikacji")
    reviewer.click("button:has-text('Zmień stan weryfikacji')")
    assert shows(reviewer, "Zmieniono stan weryfikacji.")
    for area in template.parts[0].areas + template.parts[1].areas:
        for criterion in area.criteria:
            slug = criterion.code.replace(".", "-")
            reviewer.select_option(f"#in-wynik-{slug}", "meets")
        if area.code == "I.2":
            reviewer.select_option("#in-wynik-I-2-1", "needs_completion")
            reviewer.fill("#in-ustalenie-I-2-1", "Regulamin OWES bez aktualizacji.")
            reviewer.fill("#in-zalecenie-I-2-1", "Zaktualizować regulamin.")
            reviewer.fill("#in-termin-I-2-1", (date.today() + timedelta(days=30)).isoformat())
        reviewer.click(f"button:has-text('Zapisz wyniki obszaru {area.code}')")
        assert shows(reviewer, "Zapisano wyniki.")
    total = len(template.criterion_codes)
    assert f"{total} z {total} kryteriów ma wynik" in reviewer.content()
    reviewer.click("summary:has-text('Poproś OWES o dowody')")
    reviewer.check("input[name=kod][value='I.2.1']")
    reviewer.fill("#in-uwaga", "Prosimy o aktualny regulamin.")
    reviewer.click("button:has-text('Wyślij prośbę o dowody')")
    assert shows(reviewer, "Wysłano prośbę o dowody")
    axe_check(reviewer)
    screenshot(reviewer, "akredytacja-weryfikacja")

    owes = sign_in(
        browser, live_server, Role.OWES, organisation_id=world["owes"], phone=True, timeout_ms=15_000
    )
    owes.click("nav.main-nav >> text=Weryfikacja OWES")
    owes.click(f"a[href='/akredytacja/weryfikacje/{world['verification']}']")
    assert shows(owes, "Prosimy o aktualny regulamin.")
    assert "Regulamin OWES bez aktualizacji." not in owes.content()  # the team's findings stay internal
    evidence = tmp_path / "regulamin.pdf"
    evidence.write_bytes(b"%PDF-1.4\n% regulamin OWES\n")
    card = owes.locator("#kryterium-I\\.2\\.1")
    card.locator("textarea[name=tresc]").fill("Aktualny regulamin w załączeniu.")
    card.locator("button:has-text('Dodaj komentarz')").click()
    assert shows(owes, "Dodano komentarz.")
    card = owes.locator("#kryterium-I\\.2\\.1")
    card.locator("input[type=file]").set_input_files(str(evidence))
    card.locator("button:has-text('Wyślij plik')").click()
    assert shows(owes, "Dodano plik.")
    assert no_horizontal_scroll(owes), owes.evaluate(WIDE)
    axe_check(owes)
    screenshot(owes, "akredytacja-owes-telefon", full_page=False)

    reviewer.goto(url)
    assert "OWES odpowiedział" in reviewer.content() and "regulamin.pdf" in reviewer.content()
    reviewer.select_option("#in-stan", "findings")
    reviewer.fill("#in-uzasadnienie", "Wszystkie kryteria ocenione")
    reviewer.click("button:has-text('Zmień stan weryfikacji')")
    assert shows(reviewer, "ustalenia")

    staff = sign_in(browser, live_server, Role.STAFF, timeout_ms=15_000)
    staff.goto(url)
    assert shows(staff, "opinia pozytywna z uwagami")
    staff.fill("#in-znak_sprawy", "ROPS.III.4521.9.2026")
    staff.fill("#in-podpisujacy", "Katarzyna Wróblewska")
    staff.fill("#in-stanowisko", "Dyrektor Regionalnego Ośrodka Polityki Społecznej")
    staff.fill("#in-miejscowosc", "Toruń")
    staff.click("button:has-text('Przygotuj projekt opinii')")
    assert shows(staff, "Przygotowano projekt opinii.")
    axe_check(staff)
    staff.fill("#in-uzasadnienie", "OWES realizuje standardy; regulamin wymaga aktualizacji w terminie.")
    staff.uncheck("input[name=generuj]")
    staff.click("button:has-text('Zapisz projekt')")
    assert shows(staff, "Zapisano zmiany opinii.")
    opinion_url = staff.url.split("?")[0]
    staff.click("text=Podgląd wydruku")
    assert staff.locator(".opinion-sheet").count() == 1
    axe_check(staff)
    screenshot(staff, "akredytacja-opinia-podglad")
    staff.goto(opinion_url)
    staff.click("button:has-text('Zatwierdź i zablokuj opinię')")
    assert shows(staff, "Opinia zatwierdzona i zablokowana.")
    sha = staff.locator(".sha").first.inner_text().strip()
    assert len(sha) == 64
    with staff.expect_download() as download:
        staff.click("text=Pobierz DOCX")
    saved = tmp_path / "opinia.docx"
    download.value.save_as(str(saved))
    assert hashlib.sha256(saved.read_bytes()).hexdigest() == sha
    axe_check(staff)
    for page in (reviewer, owes, staff):
        assert page.csp_violations == [], page.csp_violations
    codes = {c.criterion.code for c in iter_criteria(template)}
    assert "I.2.1" in codes
