"""Sample data for the accreditation tests: opinion content for the pure tests, and fixtures that
build an accredited OWES with a verification through the real API for the database tests."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from importlib import resources

import pytest

from accreditation.checklists import Template, load_shipped_template
from accreditation.opinion_document import (
    AccreditationDecision,
    AreaSummary,
    FindingItem,
    OpinionContent,
    OrganisationInfo,
    TeamMember,
)
from tests.accreditation.calendar import on


@pytest.fixture(scope="session")
def shipped_template() -> Template:
    return load_shipped_template()


def make_opinion(**changes: object) -> OpinionContent:
    """A realistic opinion on a partnership OWES after a verification; `changes` override fields."""
    values: dict[str, object] = {
        "rops_name": "Regionalny Ośrodek Polityki Społecznej w Poznaniu",
        "rops_address": "ul. Nowowiejskiego 11, 61-731 Poznań",
        "reference_number": "ROPS.III.4521.7.2025",
        "owes_name": "Wielkopolski Ośrodek Wsparcia Ekonomii Społecznej – Subregion Leszczyński",
        "lead": OrganisationInfo(
            name="Fundacja Pracownia Wspólnot Żółkiewskich",
            krs="0000123456",
            nip="6972234567",
            regon="301234567",
            address="ul. Słowiańska 4, 64-100 Leszno",
        ),
        "partners": (
            OrganisationInfo(name="Spółdzielnia Socjalna „Ślężanka”", krs="0000654321", nip="6971111111"),
            OrganisationInfo(name="Stowarzyszenie Gmin Ziemi Rawickiej", regon="411223344"),
        ),
        "call_edition": "nabór 2023 (edycja 2023–2025)",
        "decision": AccreditationDecision(
            number="DES-V.5021.12.2023",
            decision_date=date(2023, 12, 18),
            valid_from=date(2024, 1, 1),
            valid_to=date(2025, 12, 18),
        ),
        "verification_scope": (
            "Weryfikacja realizacji standardów formalno-organizacyjnych i merytorycznych w okresie "
            "od 1 stycznia 2024 r. do 31 stycznia 2025 r.\nObejmuje usługi świadczone we wszystkich "
            "powiatach subregionu."
        ),
        "verification_from": date(2025, 3, 3),
        "verification_to": date(2025, 3, 5),
        "verification_modes": ("desk_review", "site_visit", "interview"),
        "team": (
            TeamMember(name="Anna Żmudzka", role="przewodnicząca zespołu", institution="ROPS w Poznaniu"),
            TeamMember(name="Grzegorz Łęcki", role="członek zespołu", institution="ROPS w Poznaniu"),
        ),
        "area_summaries": (
            AreaSummary(code="I.1", title="Doświadczenie wnioskodawcy", meets=7),
            AreaSummary(code="I.2", title="Organizacja OWES", meets=10, needs_completion=1),
            AreaSummary(
                code="I.3", title="Kadra OWES świadcząca usługi wsparcia PES", meets=8, needs_completion=1
            ),
            AreaSummary(code="II.1", title="Animacja lokalna", meets=7),
            AreaSummary(code="II.2", title="Tworzenie PES i PS", meets=6, not_applicable=1),
            AreaSummary(code="II.3", title="Wsparcie działań reintegracyjnych", meets=6),
            AreaSummary(code="II.4", title="Pomoc w zamówieniach publicznych", meets=4, does_not_meet=1),
            AreaSummary(code="II.5", title="Wzmacnianie potencjału PS i wsparcie biznesowe", meets=7),
        ),
        "findings": (
            FindingItem(
                criterion_code="I.3.7",
                finding="Dwie z siedmiu osób kadry kluczowej nie mają aktualnych planów rozwoju zawodowego.",
                recommendation="Opracować plany rozwoju dla wszystkich osób kadry kluczowej.",
                deadline=date(2025, 5, 30),
            ),
            FindingItem(
                criterion_code="II.4.5",
                finding="W okresie weryfikacji nie przeprowadzono szkoleń z prawa zamówień publicznych.",
                recommendation="Zaplanować i przeprowadzić co najmniej dwa szkolenia w 2025 r.",
                deadline=date(2025, 9, 30),
            ),
        ),
        "conclusion": "positive_with_remarks",
        "justification": (
            "OWES realizuje standardy formalno-organizacyjne przez cały okres akredytacji.\n"
            "Stwierdzone braki w zakresie planów rozwoju kadry i szkoleń z zamówień publicznych nie "
            "wpływają na ciągłość usług, wymagają jednak działań we wskazanych terminach."
        ),
        "signatory_name": "Katarzyna Wróblewska-Kędzierska",
        "signatory_position": "Dyrektor Regionalnego Ośrodka Polityki Społecznej w Poznaniu",
        "place": "Poznań",
        "issue_date": date(2025, 3, 20),
        "version": 2,
        "approved": True,
        "template_title": "Standardy działania ośrodków wsparcia ekonomii społecznej (wersja robocza SES)",
        "template_version": "2025.0-robocza",
        "template_status": "working",
    }
    values.update(changes)
    return OpinionContent(**values)  # type: ignore[arg-type]


@pytest.fixture
def opinion() -> OpinionContent:
    return make_opinion()


@pytest.fixture
def opinion_factory() -> Callable[..., OpinionContent]:
    """`make_opinion` as a fixture: test modules must not import `conftest` (the name is shared)."""
    return make_opinion


# ---------------------------------------------------------------------------------------------
# Database-backed fixtures for the API tests: register organisations, the shipped template stored
# through the API, an accreditation of a partnership OWES and a verification of it.

TORUN = "0463011"
BYDGOSZCZ = "0461011"


async def _organisation(client: object, staff: object, **body: object) -> dict[str, object]:
    payload = {
        "name": "Stowarzyszenie Wsparcia Ekonomii Społecznej",
        "kind": "association",
        "gmina_code": TORUN,
    }
    payload.update(body)
    response = await client.post("/api/v1/organisations", json=payload, headers=staff.headers)  # type: ignore[attr-defined]
    assert response.status_code == 201, response.text
    return response.json()  # type: ignore[no-any-return]


@pytest.fixture
def new_organisation(client: object, staff: object) -> Callable[..., object]:
    async def make(**body: object) -> dict[str, object]:
        return await _organisation(client, staff, **body)

    return make


@pytest.fixture
async def stored_template(client: object, staff: object) -> dict[str, object]:
    text = (
        resources.files("accreditation")
        .joinpath("standards", "owes_standards_working.yaml")
        .read_text(encoding="utf-8")
    )
    response = await client.post(  # type: ignore[attr-defined]
        "/api/v1/accreditation/templates",
        json={"content": text, "format": "yaml"},
        headers=staff.headers,  # type: ignore[attr-defined]
    )
    assert response.status_code == 201, response.text
    return response.json()  # type: ignore[no-any-return]


@pytest.fixture
async def owes_world(client: object, staff: object, stored_template: dict[str, object]) -> dict[str, object]:
    """A partnership OWES (lead: an association, partner: a social cooperative) accredited for
    two years, and a planned verification of it on the shipped template."""
    lead = await _organisation(
        client, staff, name="Fundacja Rozwoju Ekonomii Społecznej", kind="foundation", is_owes=True
    )
    partner = await _organisation(
        client, staff, name="Spółdzielnia Socjalna Razem", kind="social_cooperative", gmina_code=BYDGOSZCZ
    )
    accreditation = {
        "organisation_id": lead["id"],
        "owes_name": "Toruński Ośrodek Wsparcia Ekonomii Społecznej",
        "call_edition": "nabór 2024",
        "decision_number": "DES-V.5021.3.2024",
        "decision_date": on("2024-12-16"),
        "valid_from": on("2025-01-01"),
        "valid_to": on("2026-12-16"),
        "partner_ids": [partner["id"]],
        "powiat_codes": ["0463", "0415"],
    }
    response = await client.post(
        "/api/v1/accreditation/accreditations", json=accreditation, headers=staff.headers
    )  # type: ignore[attr-defined]
    assert response.status_code == 201, response.text
    acc = response.json()
    verification = {
        "accreditation_id": acc["id"],
        "template_id": stored_template["id"],
        "scope": "Weryfikacja realizacji standardów w 2025 r.",
        "modes": ["desk_review", "site_visit"],
        "team": [{"name": "Anna Żmudzka", "role": "przewodnicząca zespołu", "institution": "ROPS w Toruniu"}],
        "planned_from": on("2025-10-06"),
        "planned_to": on("2025-10-10"),
    }
    response = await client.post(
        "/api/v1/accreditation/verifications", json=verification, headers=staff.headers
    )  # type: ignore[attr-defined]
    assert response.status_code == 201, response.text
    return {
        "lead": lead,
        "partner": partner,
        "accreditation": acc,
        "verification": response.json(),
        "template": stored_template,
    }
