"""A BDL population sync: voivodeships, powiats and gminas for a year, kept per (code, year)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime

import httpx

from scrapers import bdl, runs
from scrapers.http import bdl_source, build_client
from scrapers.tables import PopulationFigure, SyncRun
from ses.db import bulk_insert, write_transaction
from ses.settings import get_settings


@dataclass
class Report:
    run_id: int | None
    values: dict[str, int] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    requests: int = 0
    status: str = "finished"


async def sync_bdl(
    year: int,
    *,
    dry_run: bool = False,
    client: httpx.AsyncClient | None = None,
    triggered_by: str = "ses sync bdl",
) -> Report:
    own = client is None
    client = client or build_client(bdl_source())
    report = Report(run_id=None)
    try:
        if not dry_run:
            report.run_id, _ = await runs.open_run("bdl", f"population:{year}", triggered_by)
        variable = get_settings().bdl_population_variable
        for level in bdl.LEVELS:
            try:
                values, problems, requests = await bdl.fetch_population(client, variable, year, level)
            except (httpx.HTTPError, bdl.MalformedPayload) as error:
                report.status = "failed"
                message = f"BDL, poziom {bdl.LEVELS[level]}: {error}"
                report.problems.append(message)
                if report.run_id:
                    await runs.add_run_error(report.run_id, message)
                continue
            report.values.update(values)
            report.problems += problems
            report.requests += requests
        if report.run_id:
            for message in [p for p in report.problems if not p.startswith("BDL, poziom")][:200]:
                await runs.add_run_error(report.run_id, message)
            if report.values and report.status == "finished":
                await _store(year, report.values)
            async with write_transaction():
                await SyncRun.update(
                    {
                        SyncRun.status: report.status,
                        SyncRun.finished_at: datetime.now(UTC),
                        SyncRun.planned: len(report.values),
                        SyncRun.requests: report.requests,
                        SyncRun.counts: json.dumps(
                            {"units": len(report.values), "problems": len(report.problems)}
                        ),
                    }
                ).where(SyncRun.id == report.run_id)
    finally:
        if own:
            await client.aclose()
    return report


async def _store(year: int, values: dict[str, int]) -> None:
    """The year's figures replace the earlier ones of that year, all or nothing."""
    stamp = datetime.now(UTC)
    async with write_transaction():
        await PopulationFigure.delete().where(PopulationFigure.year == year)
        await bulk_insert(
            "sync_population",
            ["code", "year", "population", "source", "fetched_at"],
            [(code, year, population, "bdl", stamp) for code, population in sorted(values.items())],
        )
