"""Demonstration data for accreditation: every OWES of a region accredited, one verification in
progress with requested evidence and a comment thread, one approved opinion.

`load_accreditation_demo(owes_ids)` is meant to be called by the demo loader after it created the
region's organisations (pass the ids of the OWES leads, all PES of letter a, d, e or f). It goes
through the same services as the API, so the data obey every rule and are audited. The benchmark
uses it too, with more comments per criterion.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import date, timedelta
from typing import Any

from accreditation import checklist_services as checklists_svc
from accreditation import criterion_services as criteria
from accreditation import opinions, services
from accreditation import verification_services as verifications
from accreditation.checklists import Template, iter_criteria, load_shipped_template
from accreditation.tables import ChecklistTemplate
from ses.audit.services import Actor
from ses.auth.policy import Principal, Role
from ses.demo.register import working_day

TEAM = [
    {"name": "Anna Żmudzka", "role": "przewodnicząca zespołu", "institution": "ROPS"},
    {"name": "Grzegorz Łęcki", "role": "członek zespołu", "institution": "ROPS"},
]
COMMENTS = (
    ("reviewer", "Prosimy o uzupełnienie dokumentów potwierdzających spełnienie kryterium."),
    ("owes", "Dokumenty zostały przesłane; prosimy o informację, czy są wystarczające."),
    ("reviewer", "Dziękujemy, dokumenty przyjęto do analizy."),
)


async def _template(template: Template | None, actor: Actor) -> int:
    template = template or load_shipped_template()
    row = (
        await ChecklistTemplate.select(ChecklistTemplate.id)
        .where((ChecklistTemplate.code == template.code) & (ChecklistTemplate.version == template.version))
        .first()
    )
    if row:
        return int(row["id"])
    return int((await checklists_svc.store_template(template, actor))["id"])


async def load_accreditation_demo(
    owes_ids: Sequence[int],
    *,
    today: date | None = None,
    template: Template | None = None,
    comments_per_criterion: int = 1,
    seed: int = 2026,
) -> dict[str, Any]:
    """Accredit every OWES; verify the first two (one in progress, one with an approved opinion)."""
    today = today or date.today()
    rng = random.Random(seed)
    actor = Actor.system("demo")
    template_id = await _template(template, actor)
    parsed = await checklists_svc.template_of(template_id)
    codes = [placed.criterion.code for placed in iter_criteria(parsed)]
    accreditations = []
    for i, owes_id in enumerate(owes_ids):
        # Periods spread so that some expire within 90 days and the deadline page has content.
        # Decisions on working days only, as the minister's office issues them.
        decision = working_day(today - timedelta(days=200 + (i * 37) % 500))
        valid_to = decision + timedelta(days=729)  # within 2 years of the decision in any calendar
        # The accreditation before this one, now expired: the OWES has reported for two years.
        start = working_day(decision - timedelta(days=730))
        previous = await services.create_accreditation(
            {
                "organisation_id": owes_id,
                "call_edition": f"nabór {start.year}",
                "decision_number": f"DES-V.5021.{i + 1}.{start.year}",
                "decision_date": start,
                "valid_from": start,
                "valid_to": decision - timedelta(days=1),
                "state": "accredited",
            },
            actor,
        )
        await services.transition_accreditation(
            previous["id"],
            {"to_state": "expired", "reason": "Upływ okresu akredytacji."},
            previous["version"],
            actor,
        )
        row = await services.create_accreditation(
            {
                "organisation_id": owes_id,
                "call_edition": f"nabór {decision.year}",
                "decision_number": f"DES-V.5021.{i + 1}.{decision.year}",
                "decision_date": decision,
                "valid_from": decision,
                "valid_to": valid_to,
                "state": "accredited",
            },
            actor,
        )
        accreditations.append(row)
    verification_ids: list[int] = []
    for n, accreditation in enumerate(accreditations[:2]):
        verification = await verifications.create_verification(
            {
                "accreditation_id": accreditation["id"],
                "template_id": template_id,
                "scope": "Weryfikacja realizacji standardów działania OWES w bieżącym okresie akredytacji.",
                "modes": ["desk_review", "site_visit", "interview"],
                "team": TEAM,
                "planned_from": today - timedelta(days=20 + 30 * n),
                "planned_to": today + timedelta(days=10) if n == 0 else today - timedelta(days=15),
            },
            actor,
        )
        vid = int(verification["id"])
        verification_ids.append(vid)
        await verifications.transition_verification(
            vid, {"to_state": "in_progress", "reason": "Rozpoczęcie weryfikacji."}, None, actor
        )
        owes = Principal(
            account_id=0,
            username="owes-demo",
            role=Role.OWES,
            organisation_id=accreditation["organisation_id"],
        )
        reviewer = Principal(account_id=0, username="weryfikator-demo", role=Role.REVIEWER)
        results = []
        for code in codes:
            value = (
                "meets" if rng.random() > 0.1 else rng.choice(["needs_completion", "partly", "does_not_meet"])
            )
            item: dict[str, Any] = {"code": code, "result": value}
            if value != "meets":
                item["finding"] = f"Ustalenie zespołu dotyczące kryterium {code}."
                item["recommendation"] = f"Uzupełnić dokumentację kryterium {code}."
                item["recommendation_deadline"] = today + timedelta(days=rng.randint(-20, 60))
            results.append(item)
        if n == 1:  # the finished one: final values only
            for item in results:
                if item["result"] == "partly":
                    item["result"] = "needs_completion"
        await criteria.record_results(vid, results, None, actor)
        requested = codes[:: max(1, len(codes) // 5)]
        await criteria.request_evidence(
            vid,
            {
                "codes": requested,
                "note": "Prosimy o dokumenty potwierdzające.",
                "due": today + timedelta(days=7),
            },
            actor,
        )
        for code in codes:
            for k in range(comments_per_criterion):
                role, text = COMMENTS[k % len(COMMENTS)]
                viewer = owes if role == "owes" and n == 0 and code not in requested[:2] else reviewer
                await criteria.add_comment(
                    vid, code, text, viewer, Actor(label=viewer.username, channel=actor.channel)
                )
        if n == 1:
            await verifications.transition_verification(
                vid, {"to_state": "findings", "reason": "Wszystkie kryteria ocenione."}, None, actor
            )
            opinion = await opinions.create_opinion(
                vid,
                {
                    "signatory_name": "Katarzyna Wróblewska",
                    "signatory_position": "Dyrektor Regionalnego Ośrodka Polityki Społecznej",
                    "place": "Toruń",
                    "reference_number": f"ROPS.III.4521.{vid}.{today.year}",
                    "issue_date": today,
                },
                actor,
            )
            await opinions.approve(int(opinion["id"]), None, actor)
    return {
        "template_id": template_id,
        "accreditations": [int(a["id"]) for a in accreditations],
        "verifications": verification_ids,
    }
