"""Ties from accepted OWES reports: what becomes a tie, idempotent re-acceptance, a new version."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from network.report_ties import report_accepted, report_withdrawn, ties_of_report
from network.tables import NetworkState
from ses.audit.services import Actor
from ses.auth.policy import Role
from ses.reporting.contract import accepted_report

pytestmark = pytest.mark.anyio

TORUN = "0463011"
BASE = "/api/v1/network"
ACTOR = Actor.system("tests")


def report(report_id: int, owes_id: int, data: dict[str, Any], version: int = 1) -> Any:
    """The typed payload reporting hands to the hook, built from the report's content."""
    row = {
        "id": report_id,
        "owes_id": owes_id,
        "period": "2025-Q1",
        "period_start": date(2025, 1, 1),
        "period_end": date(2025, 3, 31),
        "definition_code": "owes-quarterly",
        "current_version": version,
    }
    return accepted_report(row, data)


def events(*rows: tuple[int | None, str, str]) -> list[dict[str, Any]]:
    return [
        {
            "partner_organisation_id": partner,
            "partner_name": f"Partner {i}",
            "event_type": kind,
            "held_on": held_on,
            "participants": 10,
        }
        for i, (partner, kind, held_on) in enumerate(rows)
    ]


async def version() -> int:
    row = await NetworkState.select(NetworkState.version).where(NetworkState.id == 1).first()
    return int(row["version"])


async def report_ties(client: Any, staff: Any, report_id: int) -> list[dict[str, Any]]:
    response = await client.get(
        f"{BASE}/relations", params={"owes_report_id": report_id, "page_size": 100}, headers=staff.headers
    )
    assert response.status_code == 200, response.text
    return response.json()["items"]


def test_event_types_and_named_pes_become_ties_one_per_partner_and_type():
    data = {
        "cooperation_events": events(
            (11, "meeting", "2025-01-10"),
            (11, "joint_project", "2025-02-01"),
            (11, "meeting", "2025-03-02"),
            (12, "partnership", "2025-01-05"),
            (None, "meeting", "2025-01-07"),
            (1, "meeting", "2025-01-08"),
        ),
        "grants": [
            {"recipient_organisation_id": 13, "amount_pln": "1000.50", "purpose": "new_jobs"},
            {"recipient_organisation_id": 13, "amount_pln": "500", "purpose": "development"},
        ],
        "jobs": [{"ps_organisation_id": 13}],
    }
    ties = {(t.target, t.relation_type.value, t.service): t for t in ties_of_report(report(5, 1, data))}
    assert set(ties) == {
        (11, "cooperates", None),
        (12, "owes_partner", None),
        (13, "owes_supports", "grant"),
        (13, "owes_supports", "jobs"),
    }
    cooperation = ties[(11, "cooperates", None)]
    assert cooperation.events == 3 and cooperation.valid_from == date(2025, 1, 10)
    assert cooperation.intensity == "integration"  # the strongest of the events
    assert cooperation.rows == ["cooperation_events.0", "cooperation_events.1", "cooperation_events.2"]
    assert str(ties[(13, "owes_supports", "grant")].value_pln) == "1500.50"


async def test_acceptance_writes_ties_and_reacceptance_replaces_them(client, staff, org):
    owes = await org("OWES Toruń", is_owes=True, gmina=TORUN)
    gmina = await org("Urząd Gminy Toruń", "gmina_office", gmina=TORUN)
    school = await org("Szkoła Podstawowa nr 1", "school", gmina=TORUN)
    ps = await org("Spółdzielnia Socjalna Chleb", "social_cooperative", gmina=TORUN)
    before = await version()
    first = {
        "cooperation_events": events(
            (gmina, "meeting", "2025-01-10"),
            (gmina, "meeting", "2025-02-10"),
            (school, "training", "2025-03-01"),
            (None, "meeting", "2025-03-03"),
            (999_999, "meeting", "2025-03-04"),
        ),
        "grants": [{"recipient_organisation_id": ps, "amount_pln": "30000.00", "purpose": "new_jobs"}],
    }
    result = await report_accepted(report(77, owes, first), ACTOR)
    assert result == {
        "network": {"ties": 3, "replaced": 0, "skipped": 1}
    }  # the unknown organisation is skipped
    assert await version() == before + 1
    ties = {t["target_id"]: t for t in await report_ties(client, staff, 77)}
    assert set(ties) == {gmina, school, ps}
    assert ties[gmina]["origin"] == "owes_report" and ties[gmina]["owes_report_id"] == 77
    assert ties[gmina]["source_row"] == "cooperation_events.0,1" and ties[gmina]["weight"] == 2
    assert ties[gmina]["directed"] is False and ties[gmina]["valid_from"] == "2025-01-10"
    assert ties[ps]["relation_type"] == "owes_supports" and ties[ps]["value_pln"] == "30000.00"
    assert ties[ps]["source_id"] == owes and ties[ps]["service"] == "grant"

    # Accepted again (after a correction): the report's ties are replaced, never duplicated.
    again = await report_accepted(
        report(77, owes, {"cooperation_events": events((gmina, "network", "2025-01-12"))}, 2), ACTOR
    )
    assert again == {"network": {"ties": 1, "replaced": 3, "skipped": 0}}
    ties_now = await report_ties(client, staff, 77)
    assert [(t["target_id"], t["relation_type"]) for t in ties_now] == [(gmina, "member_of")]
    assert await version() == before + 2
    same = await report_accepted(
        report(77, owes, {"cooperation_events": events((gmina, "network", "2025-01-12"))}, 2), ACTOR
    )
    assert same["network"]["ties"] == 1 and len(await report_ties(client, staff, 77)) == 1

    # The metrics see the new version (cache keyed by it).
    metrics = await client.get(f"{BASE}/metrics", params={"territory": "0463"}, headers=staff.headers)
    assert metrics.status_code == 200 and metrics.json()["version"] == before + 3

    withdrawn = await report_withdrawn(77, ACTOR)
    assert withdrawn["network"]["replaced"] == 1 and await report_ties(client, staff, 77) == []


async def test_report_accepted_through_the_api_becomes_ties(client, staff, caller_for, org):
    owes = await org("OWES Alfa", is_owes=True, gmina=TORUN)
    gmina = await org("Urząd Gminy Toruń", "gmina_office", gmina=TORUN)
    ps = await org("Spółdzielnia Socjalna Chleb", "social_cooperative", gmina=TORUN)
    sender = await caller_for(Role.OWES, organisation_id=owes, name="owes-alfa")
    data = {
        "pes_supported_total": 2,
        "initiative_groups": 0,
        "new_pes_created": 0,
        "new_ps_created": 0,
        "new_jobs_total": 0,
        "new_jobs_at_risk": 0,
        "grants_total_pln": "1000.00",
        "ps_applications_supported": 0,
        "procurement_cases": 0,
        "supported_pes": [{"kind": "social_cooperative", "powiat_code": "0463", "count": 2}],
        "services": [{"standard": "local_animation", "sessions": 1, "hours": "2", "participants": 5}],
        "new_entities": [],
        "jobs": [],
        "grants": [{"recipient_organisation_id": ps, "amount_pln": "1000.00", "purpose": "development"}],
        "cooperation_events": [
            {
                "partner_organisation_id": gmina,
                "partner_name": "Urząd Gminy Toruń",
                "event_type": "partnership",
                "held_on": "2025-02-03",
                "participants": 4,
            }
        ],
    }
    created = await client.post(
        "/api/v1/reports", json={"period": "2025-Q1", "data": data, "submit": True}, headers=sender.headers
    )
    assert created.status_code == 201, created.text
    report_id = created.json()["id"]
    accepted = await client.post(f"/api/v1/reports/{report_id}/accept", headers=staff.headers)
    assert accepted.status_code == 200, accepted.text
    assert accepted.json()["register_links"]["network"] == {"ties": 2, "replaced": 0, "skipped": 0}
    ties = {(t["target_id"], t["relation_type"]) for t in await report_ties(client, staff, report_id)}
    assert ties == {(gmina, "owes_partner"), (ps, "owes_supports")}

    # Reopened, corrected (the partnership was a meeting, one more meeting) and accepted again:
    # the report's ties are replaced, not added to.
    reopened = await client.post(
        f"/api/v1/reports/{report_id}/reopen", json={"comment": "Korekta współpracy"}, headers=staff.headers
    )
    assert reopened.status_code == 200, reopened.text
    # A reopened report is no longer accepted: what it brought leaves the network until re-acceptance.
    assert await report_ties(client, staff, report_id) == []
    events = [
        {
            "partner_organisation_id": gmina,
            "partner_name": "Urząd Gminy Toruń",
            "event_type": "meeting",
            "held_on": day,
            "participants": 4,
        }
        for day in ("2025-02-03", "2025-03-03")
    ]
    corrected = await client.post(
        f"/api/v1/reports/{report_id}/corrections",
        json={"data": {**data, "cooperation_events": events}, "comment": "Poprawione", "submit": True},
        headers=sender.headers,
    )
    assert corrected.status_code == 201, corrected.text
    again = await client.post(f"/api/v1/reports/{report_id}/accept", headers=staff.headers)
    assert again.status_code == 200, again.text
    after = await report_ties(client, staff, report_id)
    assert sorted((t["target_id"], t["relation_type"], t["weight"]) for t in after) == sorted(
        [(gmina, "cooperates", 2.0), (ps, "owes_supports", 1.0)]
    )
