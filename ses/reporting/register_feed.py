"""Jobs created that accepted OWES reports bring into the register.

What a report contributes. Each row of the report's `jobs` table is one job created in a PS
(`ps_organisation_id`) with a person category, an FTE and a contract type. Per PS and calendar
year (of `started_on`, which the definition keeps inside the report's period) the report
contributes to the register's jobs created (`JobsCreated`):

- `jobs_created`: jobs on an employment relationship (`employment`, `cooperative_employment`);
  civil-law contracts are not employment (a PS needs people on employment contracts, DOMAIN.md),
  so they are shown in the contribution (`jobs`) but never counted as jobs created;
- `jobs_created_at_risk`: of those, for persons at risk of social exclusion (`at_risk` and
  `disabled`, as the report's own rule `jobs-at-risk-matches-list` counts them);
- `jobs_created_disabled`: of those, for persons with disabilities.
The FTE sum is kept with the contribution for display only.

Jobs created are not people employed. The year figures (`YearFigures.employees`) say how many
people a PS employs, as ROPS or the PS's own annual report state it; an OWES report says how many
jobs were created with its support. They are kept apart: reports never write the year figures
(a PS of 23 employees once showed 2 after a report of 2 new jobs was accepted).

Idempotence. The contribution of a report is stored in its `register_links["figures"]`. The jobs
created of a PS and year are recomputed as the sum of the contributions of every report that is
accepted *now*, so accepting a report again after a reopen and a correction replaces its own
contribution instead of adding it twice; a reopen withdraws the contribution (the counts go back
to what the other accepted reports say). Organisations a previous acceptance wrote to are
recomputed too, so a correction that moves jobs from one PS to another leaves nothing behind.

Every write goes through `status_services.put_jobs_created` (audited, in the caller's
transaction); its audit record names the report the counts came from.
All checks run before the first write, so a refused acceptance writes nothing.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from ses.audit.services import Actor
from ses.db import lock_rows
from ses.errors import FieldError, ValidationFailed
from ses.register import services as register
from ses.register import status_services
from ses.register.tables import JobsCreated, Organisation
from ses.reporting.tables import Report
from ses.reporting.workflow import State

EMPLOYMENT_CONTRACTS = frozenset({"employment", "cooperative_employment"})
AT_RISK = frozenset({"at_risk", "disabled"})
COUNTS = ("jobs_created", "jobs_created_at_risk", "jobs_created_disabled")
EARLIER_NAMES = dict(zip(COUNTS, ("employees", "employees_at_risk", "employees_disabled"), strict=True))
"""How contributions stored before jobs created were kept apart named the same counts."""


@dataclass(frozen=True)
class Contribution:
    """What one report says about one PS in one year."""

    organisation_id: int
    year: int
    jobs: int = 0
    jobs_created: int = 0
    jobs_created_at_risk: int = 0
    jobs_created_disabled: int = 0
    fte: Decimal = Decimal(0)

    @property
    def key(self) -> tuple[int, int]:
        return (self.organisation_id, self.year)

    def counts(self) -> dict[str, int]:
        return {name: getattr(self, name) for name in COUNTS}

    def plain(self) -> dict[str, Any]:
        return {
            "organisation_id": self.organisation_id,
            "year": self.year,
            "jobs": self.jobs,
            **self.counts(),
            "fte": str(self.fte),
        }


def contributions(data: Mapping[str, Any]) -> list[Contribution]:
    """The per-PS, per-year contribution of a report's `jobs` table (pure)."""
    totals: dict[tuple[int, int], dict[str, Any]] = {}
    for row in data.get("jobs") or []:
        key = (int(row["ps_organisation_id"]), date.fromisoformat(str(row["started_on"])).year)
        total = totals.setdefault(key, {"jobs": 0, "fte": Decimal(0), **dict.fromkeys(COUNTS, 0)})
        total["jobs"] += 1
        total["fte"] += Decimal(str(row.get("fte") or 0))
        if row.get("contract_type") in EMPLOYMENT_CONTRACTS:
            total["jobs_created"] += 1
            total["jobs_created_at_risk"] += row.get("person_category") in AT_RISK
            total["jobs_created_disabled"] += row.get("person_category") == "disabled"
    return [Contribution(org, year, **values) for (org, year), values in sorted(totals.items())]


def recorded(links: Mapping[str, Any] | None) -> list[Contribution]:
    """The contributions stored in a report's register_links (pure)."""
    out = []
    for item in (links or {}).get("figures") or []:
        out.append(
            Contribution(
                int(item["organisation_id"]),
                int(item["year"]),
                int(item.get("jobs", 0)),
                *(int(item.get(name, item.get(EARLIER_NAMES[name], 0))) for name in COUNTS),
                Decimal(str(item.get("fte", "0"))),
            )
        )
    return out


def add(items: Iterable[Contribution]) -> dict[tuple[int, int], dict[str, int]]:
    """Jobs created summed per (organisation, year) (pure)."""
    out: dict[tuple[int, int], dict[str, int]] = {}
    for item in items:
        total = out.setdefault(item.key, dict.fromkeys(COUNTS, 0))
        for name in COUNTS:
            total[name] += getattr(item, name)
    return out


def links_of(value: Any) -> dict[str, Any]:
    """A report's register_links as stored (JSON text on both engines) or already decoded."""
    if isinstance(value, str):
        return dict(json.loads(value or "{}"))
    return dict(value or {})


async def check(data: Mapping[str, Any], prefix: str = "data") -> None:
    """Every PS the jobs name is in the register and not retired (before anything is written)."""
    rows = list(enumerate(data.get("jobs") or []))
    wanted = sorted({int(row["ps_organisation_id"]) for _, row in rows})
    if not wanted:
        return
    found = {
        row["id"]: row
        for row in await Organisation.select(
            Organisation.id, Organisation.name, Organisation.activity_state
        ).where(Organisation.id.is_in(wanted))
    }
    problems = []
    for index, row in rows:
        org_id = int(row["ps_organisation_id"])
        path = f"{prefix}.jobs.{index}.ps_organisation_id"
        if org_id not in found:
            problems.append(FieldError(path, f"Nie ma w rejestrze organizacji o id {org_id}."))
        elif found[org_id]["activity_state"] == "retired":
            problems.append(
                FieldError(
                    path,
                    f"Organizacja „{found[org_id]['name']}” (id {org_id}) została wycofana z rejestru; "
                    "nie można przypisać jej zatrudnienia ze sprawozdania.",
                )
            )
    if problems:
        raise ValidationFailed(
            "Nie można przyjąć sprawozdania: zatrudnienia nie da się wpisać do rejestru; nic nie zapisano.",
            problems,
        )


async def _others(report_id: int, years: set[int]) -> list[Contribution]:
    """Contributions of the other reports accepted now whose period touches one of the years."""
    if not years:
        return []
    rows = await Report.select(Report.register_links).where(
        (Report.state == State.ACCEPTED.value)
        & (Report.id != report_id)
        & (Report.period_start <= date(max(years), 12, 31))
        & (Report.period_end >= date(min(years), 1, 1))
    )
    return [item for row in rows for item in recorded(links_of(row["register_links"])) if item.year in years]


async def recompute(
    report: Mapping[str, Any], own: list[Contribution], actor: Actor, *, reason: str
) -> list[dict[str, Any]]:
    """Bring the figures of every (PS, year) this report touches, now or before, to the sum of
    the accepted reports' contributions (with `own` counted for this report). Returns one entry
    per (PS, year) of `own` saying what the register holds now."""
    previous = recorded(links_of(report.get("register_links")))
    keys = sorted({item.key for item in [*own, *previous]})
    if not keys:
        return []
    org_ids = sorted({org for org, _ in keys})
    await lock_rows("organisation", org_ids)
    years = {year for _, year in keys}
    touched = set(keys)
    totals = add([*own, *(item for item in await _others(int(report["id"]), years) if item.key in touched)])
    names = {
        row["id"]: row["name"]
        for row in await Organisation.select(Organisation.id, Organisation.name).where(
            Organisation.id.is_in(org_ids)
        )
    }
    existing = {
        (row["organisation"], row["year"]): row
        for row in await JobsCreated.select(
            JobsCreated.organisation, JobsCreated.year, *(getattr(JobsCreated, name) for name in COUNTS)
        ).where(JobsCreated.organisation.is_in(org_ids) & JobsCreated.year.is_in(sorted(years)))
    }
    outcome: dict[tuple[int, int], tuple[str, dict[str, Any] | None]] = {}
    for key in keys:
        org_id, year = key
        total = totals.get(key, dict.fromkeys(COUNTS, 0))
        row = existing.get(key)
        if row is None and not any(total.values()):
            outcome[key] = ("none", None)
            continue
        if row is not None and all(row[name] == total[name] for name in COUNTS):
            outcome[key] = ("unchanged", row)
            continue
        written = await status_services.put_jobs_created(
            org_id,
            year,
            total,
            actor,
            reason=f"{reason} (sprawozdanie id {report['id']}, {report.get('owes_name') or 'OWES'}, "
            f"okres {report['period']})",
        )
        outcome[key] = ("written", written)
    entries = []
    for item in own:
        state, row = outcome[item.key]
        entry: dict[str, Any] = {
            **item.plain(),
            "organisation_name": names.get(item.organisation_id),
            "outcome": state,
        }
        if row is not None:
            entry["register"] = {name: row[name] for name in COUNTS}
        entries.append(entry)
    return entries


async def accept(report: Mapping[str, Any], data: Mapping[str, Any], actor: Actor) -> dict[str, Any]:
    """On acceptance: what the report brings into the register, through its audited services.

    New PES and PS (`new_entities`) named by NIP/KRS are found in the register or added to it by
    the register's own `create`; the jobs created that `jobs` lists go into the PS's jobs created,
    never into its year figures (this module's docstring says why, and why that is idempotent).
    Everything runs in the acceptance transaction and is checked before the first write, so an
    error leaves the report unaccepted and the register untouched. Returns the report's
    register_links: {"new_entities": {row index: organisation id}, "new_ps": [ids],
    "figures": [per PS and year: the report's contribution and what the register holds now]}.
    """
    await check(data)
    links: dict[str, int] = {}
    new_ps: list[int] = []
    for index, row in enumerate(data.get("new_entities") or []):
        org_id = await _entity_id(row, actor)
        if org_id is None:
            continue
        links[str(index)] = org_id
        if row.get("entity") == "ps":
            new_ps.append(org_id)
    out: dict[str, Any] = {"new_entities": links} if links else {}
    if new_ps:
        out["new_ps"] = sorted(set(new_ps))
    return out | await feed(report, data, actor)


async def _entity_id(row: Mapping[str, Any], actor: Actor) -> int | None:
    """The register id of a new PES/PS row: given, found by NIP/KRS, or created (with a name)."""
    if row.get("organisation_id"):
        return int(row["organisation_id"])
    for column in ("nip", "krs"):
        if row.get(column):
            column_ref = Organisation._meta.get_column_by_name(column)
            match = await Organisation.select(Organisation.id).where(column_ref == row[column]).first()
            if match:
                return int(match["id"])
    if row.get("entity") in ("pes", "ps") and row.get("name"):
        # A new PS is a PES whose PS status the voivode grants by decision; the report is not that
        # decision, so the record is added (and linked) without a legal status.
        created = await register.create(organisation_values(row), actor)
        return int(created["id"])
    return None


def organisation_values(row: Mapping[str, Any]) -> dict[str, Any]:
    """The register fields of a `new_entities` row."""
    keys = ("name", "kind", "gmina_code", "nip", "krs")
    return {key: row[key] for key in keys if row.get(key) is not None}


async def feed(report: Mapping[str, Any], data: Mapping[str, Any], actor: Actor) -> dict[str, Any]:
    """On acceptance: this report's contribution to the jobs created; the register_links part."""
    own = contributions(data)
    entries = await recompute(report, own, actor, reason="Miejsca pracy z przyjętego sprawozdania OWES")
    return {"figures": entries} if entries else {}


async def withdraw(report: Mapping[str, Any], actor: Actor) -> None:
    """On reopen: the report no longer counts; the jobs created it fed are recomputed without it."""
    await recompute(report, [], actor, reason="Ponowne otwarcie sprawozdania OWES")
