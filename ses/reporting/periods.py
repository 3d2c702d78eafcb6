"""Reporting periods (pure): `2025-Q1` for quarters, `2025` for years; their dates and deadlines."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

_QUARTER = re.compile(r"^(\d{4})-Q([1-4])$")
_YEAR = re.compile(r"^(\d{4})$")
PERIOD_TYPES = ("quarter", "year")


@dataclass(frozen=True)
class Period:
    code: str
    kind: str
    start: date
    end: date

    def deadline(self, days_after_end: int) -> date:
        return self.end + timedelta(days=days_after_end)

    def previous(self, steps: int = 1) -> Period:
        if self.kind == "year":
            return parse(str(self.start.year - steps), "year")
        index = self.start.year * 4 + (self.start.month - 1) // 3 - steps
        return parse(f"{index // 4}-Q{index % 4 + 1}", "quarter")


def parse(code: str, kind: str) -> Period:
    """The period named by `code`; ValueError (with a Polish message) when it is not of `kind`."""
    code = (code or "").strip().upper()
    if kind == "quarter":
        match = _QUARTER.match(code)
        if not match:
            raise ValueError(f"Okres kwartalny zapisuje się jako RRRR-QN, np. 2025-Q1 (podano „{code}”).")
        year, quarter = int(match.group(1)), int(match.group(2))
        start = date(year, 3 * quarter - 2, 1)
        end = (date(year + (quarter == 4), (3 * quarter) % 12 + 1, 1)) - timedelta(days=1)
        return Period(code, kind, start, end)
    if kind == "year":
        match = _YEAR.match(code)
        if not match:
            raise ValueError(f"Okres roczny zapisuje się jako RRRR, np. 2025 (podano „{code}”).")
        year = int(match.group(1))
        return Period(code, kind, date(year, 1, 1), date(year, 12, 31))
    raise ValueError(f"Nieznany rodzaj okresu sprawozdawczego: {kind}.")


def containing(day: date, kind: str) -> Period:
    if kind == "year":
        return parse(str(day.year), kind)
    return parse(f"{day.year}-Q{(day.month - 1) // 3 + 1}", kind)


def last_ended(today: date, kind: str, count: int) -> list[Period]:
    """The `count` most recent periods that have ended by `today`, oldest first."""
    latest = containing(today, kind).previous()
    return [latest.previous(steps) for steps in range(count - 1, -1, -1)]


def months_before(period: Period, months: int) -> Period:
    """The period that started `months` months before `period` (follow-ups at 6, 12, 24 months)."""
    if period.kind == "year":
        return period.previous(max(1, months // 12))
    return period.previous(max(1, months // 3))
