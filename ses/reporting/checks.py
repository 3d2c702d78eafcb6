"""The checks of a report's content and envelope that need the database (the pure rules are in
rules.py): register ids, new PES rows, earlier periods, the period, the OWES."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import Any

from ses.auth.policy import Principal
from ses.errors import FieldError, PermissionDenied, ValidationFailed
from ses.register.tables import Organisation
from ses.register.validation import clean_organisation
from ses.reporting import followup, periods, register_feed, rules
from ses.reporting.model import Definition
from ses.reporting.reading import version_row
from ses.reporting.tables import Report
from ses.reporting.workflow import State
from ses.territories.services import gmina_exists_checker


async def register_problems(outcome: rules.Outcome) -> list[FieldError]:
    """Every organisation id named in the report must be in the register."""
    ids = {ref for _, _, ref in outcome.references}
    if not ids:
        return []
    wanted = sorted(ids)
    sql = f"SELECT id FROM organisation WHERE id IN ({', '.join('{}' for _ in wanted)})"
    found = {row["id"] for row in await Organisation.raw(sql, *wanted)}
    return [
        FieldError(path, f"Nie ma w rejestrze organizacji o id {ref}.", line)
        for path, line, ref in outcome.references
        if ref not in found
    ]


async def new_entity_problems(data: Mapping[str, Any], prefix: str) -> list[FieldError]:
    """Rows of new PES to be added to the register on acceptance must pass the register's checks."""
    pending = [
        (index, row)
        for index, row in enumerate(data.get("new_entities") or [])
        if not row.get("organisation_id") and row.get("name")
    ]
    if not pending:
        return []
    gmina_exists = await gmina_exists_checker()
    problems: list[FieldError] = []
    for index, row in pending:
        _, errors = clean_organisation(
            register_feed.organisation_values(row), gmina_exists=gmina_exists, today=date.today()
        )
        problems += [FieldError(f"{prefix}.new_entities.{index}.{e.field}", e.message) for e in errors]
    return problems


async def prior_values(
    definition: Definition, owes_id: int, data: Mapping[str, Any]
) -> dict[str, dict[str, Decimal]]:
    """For `prior_le` rules: what this OWES reported for the earlier periods the rows name."""
    wanted = rules.prior_periods(definition, data)
    out: dict[str, dict[str, Decimal]] = {}
    for rule in definition.rules:
        codes = wanted.get(rule.get("id", ""), set())
        if rule["type"] != "prior_le" or not codes:
            continue
        earlier = await Report.select(Report.id, Report.period, Report.current_version).where(
            (Report.owes == owes_id)
            & (Report.definition_code == definition.code)
            & Report.period.is_in(sorted(codes))
            & Report.state.is_in([s.value for s in (State.SUBMITTED, State.ACCEPTED)])
        )
        values: dict[str, Decimal] = {}
        for row in earlier:
            version = await version_row(row["id"], row["current_version"])
            value = rules.evaluate(rule["prior"], version["data"])
            if value is not None:
                values[row["period"]] = value
        out[rule["id"]] = values
    return out


async def check_content(
    definition: Definition,
    raw: Any,
    period: periods.Period,
    owes_id: int,
    *,
    partial: bool,
    prefix: str = "data",
) -> dict[str, Any]:
    """The cleaned content, or ValidationFailed with every problem (pure rules + register)."""
    context = rules.Context(period=period, today=date.today(), partial=partial)
    outcome = rules.validate(definition, raw, context, prefix)
    problems = outcome.problems + await register_problems(outcome)
    if not partial and not problems:
        prior = await prior_values(definition, owes_id, outcome.data)
        if prior:
            full = rules.Context(period=period, today=date.today(), prior=prior)
            problems += rules.rule_problems(definition, outcome.data, full, prefix, types=("prior_le",))
        problems += await new_entity_problems(outcome.data, prefix)
    if problems:
        raise ValidationFailed(f"Sprawozdanie zawiera błędy ({len(problems)}); nic nie zapisano.", problems)
    return outcome.data


def checked_period(definition: Definition, code: str, *, submit: bool, today: date) -> periods.Period:
    try:
        period = periods.parse(code, definition.period_type)
    except ValueError as exc:
        raise ValidationFailed("Niepoprawny okres sprawozdawczy.", [FieldError("period", str(exc))]) from exc
    if period.start > today:
        raise ValidationFailed(
            "Okres sprawozdawczy jeszcze się nie rozpoczął.",
            [FieldError("period", f"Okres {period.code} zaczyna się {period.start.isoformat()}.")],
        )
    if submit and period.end >= today:
        raise ValidationFailed(
            "Sprawozdanie za okres, który jeszcze trwa, można zapisać tylko jako wersję roboczą.",
            [FieldError("period", f"Okres {period.code} kończy się {period.end.isoformat()}.")],
        )
    return period


async def check_accredited(owes_id: int, period: periods.Period) -> None:
    """A report only for a period that overlaps one of the OWES's accreditations (by at least a
    day), as the follow-up expects them. The accredited ranges come from the installed packages'
    `reporting_windows`; an OWES they know nothing about is not refused (the follow-up expects its
    reports for every period too), one they know but never accredited is."""
    windows = (await followup.accredited_windows([owes_id])).get(owes_id)
    if windows is None:
        return
    if any(starts <= period.end and ends >= period.start for starts, ends in windows):
        return
    ranges = ", ".join(f"{starts.isoformat()} – {ends.isoformat()}" for starts, ends in sorted(windows))
    raise ValidationFailed(
        f"Okres {period.code} ({period.start.isoformat()} – {period.end.isoformat()}) nie przypada "
        "na żadną akredytację tego OWES; sprawozdanie składa się tylko za okresy akredytacji.",
        [
            FieldError(
                "period",
                f"Okres {period.code} jest poza akredytacjami OWES"
                + (f" ({ranges})." if ranges else " (OWES nie miał dotąd akredytacji)."),
            )
        ],
    )


def owes_id_of(viewer: Principal, owes_id: int | None) -> int:
    """Which OWES the report is for (an OWES caller: only itself)."""
    if viewer.is_owes:
        own = viewer.organisation_id
        if own is None:
            raise PermissionDenied("Konto OWES nie jest powiązane z żadnym OWES w rejestrze.")
        if owes_id is not None and owes_id != own:
            raise PermissionDenied(
                f"Sprawozdania składa się tylko za własny OWES (id {own}), nie za organizację {owes_id}."
            )
        owes_id = own
    if owes_id is None:
        raise ValidationFailed(
            "Wskaż OWES.", [FieldError("owes_id", "Pole jest wymagane dla pracownika ROPS.")]
        )
    return owes_id


def checked_owes(owes_id: int, org: Mapping[str, Any] | None) -> str:
    if org is None or not org["is_owes"] or org["activity_state"] == "retired":
        raise ValidationFailed(
            "Sprawozdanie może złożyć tylko OWES wpisany do rejestru.",
            [FieldError("owes_id", f"Organizacja {owes_id} nie jest aktywnym OWES w rejestrze.")],
        )
    return str(org["name"])
