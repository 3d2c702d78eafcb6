"""What the law asks of a status holder, checked against its data (pure: no database, no clock).

- PS conditions (art. 14 of the Act on social economy): at least three people employed (employment
  contracts, at least half-time: the year figures' `employees` counts exactly those) and, where
  the goal is reintegration, at least 30 % of them at risk of social exclusion.
- Annual reports of PS, CIS and KIS: by 31 March, about the previous year, for every year the
  status was in force.
- KIS: entered in the voivode's register within 30 days of being set up.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from ses.register.statuses import StatusType

PS_MIN_EMPLOYEES = 3
PS_MIN_AT_RISK_SHARE = 0.30
KIS_ENTRY_DAYS = 30
ANNUAL_REPORT_TYPES = (StatusType.PS, StatusType.CIS, StatusType.KIS)
IN_FORCE = frozenset({"active", "under_control"})


def report_due(year: int) -> date:
    """The annual report about `year` is due on 31 March of the next year."""
    return date(year + 1, 3, 31)


def ps_condition_warnings(goal: str | None, figures: Mapping[str, Any] | None) -> list[str]:
    """Why the latest year figures do not meet the PS conditions (empty when they do)."""
    if figures is None:
        return ["Brak danych rocznych o zatrudnieniu: nie można sprawdzić warunków statusu PS."]
    year, employees, at_risk = figures["year"], figures["employees"], figures["employees_at_risk"]
    warnings = []
    if employees < PS_MIN_EMPLOYEES:
        warnings.append(
            f"W {year} r. zatrudnionych było {employees} os., a przedsiębiorstwo społeczne musi "
            f"zatrudniać co najmniej {PS_MIN_EMPLOYEES} osoby na umowę o pracę w wymiarze co najmniej "
            "połowy etatu (art. 14 ust. 1 pkt 3 ustawy o ekonomii społecznej)."
        )
    if goal == "reintegration" and employees > 0 and at_risk < PS_MIN_AT_RISK_SHARE * employees:
        share = round(100 * at_risk / employees, 1)
        warnings.append(
            f"W {year} r. osoby zagrożone wykluczeniem stanowiły {share} % zatrudnionych, a przy celu "
            "reintegracji społeczno-zawodowej muszą stanowić co najmniej 30 % (art. 14 ust. 1 pkt 4)."
        )
    return warnings


def kis_entry_warning(set_up_on: date | None, entry_date: date | None, today: date) -> str | None:
    """A KIS must be entered in the voivode's register within 30 days of being set up."""
    if set_up_on is None:
        return None
    deadline = set_up_on + timedelta(days=KIS_ENTRY_DAYS)
    if entry_date is None:
        if today > deadline:
            return (
                f"Klub utworzono {set_up_on.isoformat()}: wpis do rejestru wojewody należało uzyskać "
                f"w ciągu {KIS_ENTRY_DAYS} dni (do {deadline.isoformat()}), a wpisu brak."
            )
        return f"Wpis do rejestru wojewody: termin do {deadline.isoformat()} (30 dni od utworzenia)."
    if entry_date > deadline:
        return (
            f"Wpis do rejestru wojewody nastąpił {(entry_date - set_up_on).days} dni po utworzeniu klubu "
            f"({entry_date.isoformat()}), a powinien w ciągu {KIS_ENTRY_DAYS} dni."
        )
    return None


@dataclass(frozen=True)
class Period:
    """When a status was in force: from its decision to the day it ended (None: still in force)."""

    status_type: StatusType
    start: date
    end: date | None


def report_years(period: Period, today: date) -> list[int]:
    """The years whose annual report the holder owes: each year the status was in force, up to the
    last finished year."""
    last = (period.end or today).year
    return list(range(period.start.year, min(last, today.year - 1) + 1))


def obligations(
    periods: Iterable[Period], submitted: Mapping[tuple[str, int], date], today: date
) -> list[dict[str, Any]]:
    """Every annual report owed, with its due date, when it came and its state:
    submitted, late (came after the due date), overdue (missing past the due date), due."""
    rows: dict[tuple[str, int], dict[str, Any]] = {}
    for period in periods:
        for year in report_years(period, today):
            key = (period.status_type.value, year)
            due = report_due(year)
            came = submitted.get(key)
            if came is not None:
                state = "late" if came > due else "submitted"
            else:
                state = "overdue" if today > due else "due"
            rows[key] = {
                "status_type": period.status_type.value,
                "year": year,
                "due_on": due,
                "submitted_on": came,
                "state": state,
            }
    for (status_type, year), came in submitted.items():
        if (status_type, year) not in rows:
            rows[(status_type, year)] = {
                "status_type": status_type,
                "year": year,
                "due_on": report_due(year),
                "submitted_on": came,
                "state": "late" if came > report_due(year) else "submitted",
            }
    return sorted(rows.values(), key=lambda row: (row["year"], row["status_type"]), reverse=True)


REPORT_STATE_LABELS = {
    "submitted": "złożone w terminie",
    "late": "złożone po terminie",
    "overdue": "zaległe",
    "due": "do złożenia",
}
