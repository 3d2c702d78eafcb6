"""The calendar of the accreditation database fixtures, written in 2026, moved by whole years so that
their accreditation is in force on the day the suite runs."""

from __future__ import annotations

from datetime import date


def _years_on(today: date) -> int:
    """Whole years by which the database fixtures' calendar moves so that their accreditation
    (written in 2026 for 1.1.2025–16.12.2026) is in force on the day the suite runs: only an
    accreditation in force can be put under verification."""
    return max(0, today.year - 2026 + (1 if (today.month, today.day) > (12, 16) else 0))


YEARS_ON = _years_on(date.today())


def on(day: str) -> str:
    """An ISO date of the fixtures' calendar (written for 2026), moved by `YEARS_ON` years."""
    year, rest = day.split("-", 1)
    return f"{int(year) + YEARS_ON}-{rest}"
