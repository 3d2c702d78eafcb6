"""The demo's SROI analyses of last year (the region and the first OWES), their quantities taken
from the demo's accepted OWES reports and valued with the proxy library (the core's demo step)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from ses.audit.services import Actor, Channel
from ses.indicators import sroi_service
from ses.indicators.model import parse_period
from ses.reporting.coverage import accepted_contents

ACTOR = Actor(label="demo", channel=Channel.IMPORT)
OWES_RUNNING_COST = 40_000
"""A demo assumption: the advisory work of one OWES that goes with its grants, a year (PLN)."""


async def _totals(year: int, owes: int | None) -> dict[str, float]:
    totals = {"jobs_at_risk": 0.0, "new_pes": 0.0, "hours": 0.0, "grants": 0.0}
    for owner, data in await accepted_contents(parse_period(str(year))):
        if owes is not None and owner != owes:
            continue
        totals["jobs_at_risk"] += float(data.get("new_jobs_at_risk") or 0)
        totals["new_pes"] += float(data.get("new_pes_created") or 0)
        totals["grants"] += float(data.get("grants_total_pln") or 0)
        totals["hours"] += sum(
            float(row.get("hours") or 0)
            for row in data.get("services") or []
            if isinstance(row, dict) and row.get("standard") == "local_animation"
        )
    return totals


async def load_sroi_demo(owes_ids: list[int]) -> list[str]:
    proxies = await sroi_service.proxies()
    if len(proxies) < 4 or await sroi_service.analyses():
        return []
    by_unit = {row["unit"]: row["id"] for row in proxies}
    year = date.today().year - 1
    scopes: list[tuple[str, str, int | None, int]] = [
        (f"SROI wsparcia ekonomii społecznej w województwie {year}", "region", None, len(owes_ids) or 1)
    ]
    if owes_ids:
        scopes.append((f"SROI wsparcia OWES {year} (pierwszy OWES demo)", "owes", owes_ids[0], 1))
    for title, scope, organisation, owes_count in scopes:
        figures = await _totals(year, organisation)
        outcomes = [
            sroi_service.OutcomeInput(
                "osoby zagrożone wykluczeniem", "zatrudnienie w PS zamiast bezrobocia",
                max(1.0, figures["jobs_at_risk"]), by_unit["osoba zatrudniona przez rok"], 25, 30, 5, 20,
            ),
            sroi_service.OutcomeInput(
                "mieszkańcy gmin", "usługi społeczne nowych PES", max(1.0, figures["new_pes"]),
                by_unit["nowy PES"], 40, 35, 10, 30,
            ),
            sroi_service.OutcomeInput(
                "grupy inicjatywne", "animacja lokalna (godziny wsparcia)", max(1.0, figures["hours"]),
                by_unit["godzina wsparcia"], 20, 25, 0, 50,
            ),
        ]  # fmt: skip
        investment = Decimal(round(figures["grants"] + OWES_RUNNING_COST * owes_count))
        await sroi_service.save_analysis(
            sroi_service.AnalysisInput(
                title=title,
                scope=scope,
                organisation_id=organisation,
                year=year,
                investment_pln=investment,
                duration_years=3,
                discount_rate=3.5,
                outcomes=outcomes,
                note="Analiza demonstracyjna: liczby rezultatów z zaakceptowanych sprawozdań OWES za rok; "
                "nakład = dotacje ze sprawozdań + doradztwo towarzyszące dotacjom "
                "(40 tys. zł na OWES rocznie, założenie demo).",
            ),
            ACTOR,
        )
    return [f"SROI: {len(scopes)} analizy demonstracyjne za {year} (województwo i OWES)."]
