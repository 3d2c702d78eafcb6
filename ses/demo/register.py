"""Legal statuses and year figures for a generated demo region (pure: no database, no clock).

About 2% of PES hold a PS status (mostly social cooperatives), in the states a voivode's list shows:
active, under control, lost (with the loss decision and its final date) or applied for. Every
reintegration unit has its CIS/KIS/ZAZ/WTZ status; PS, CIS and ZAZ report three years of figures.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from ses.demo import names as n
from ses.demo.generator import KIND_SHARES, Builder, OrganisationSeed, build_organisations
from ses.demo.regions import Gmina
from ses.register.vocab import REINTEGRATION_UNIT_KINDS, ActivityState, Kind

FIGURE_YEARS = (2022, 2023, 2024)


@dataclass
class StatusSeed:
    """A legal status to record, then the transitions it went through (state, date, decision)."""

    ref: str
    status_type: str
    state: str
    decision_number: str | None
    decision_date: date | None
    granted_by: str
    goal: str | None = None
    transitions: list[tuple[str, date, str | None, date | None]] = field(default_factory=list)


@dataclass
class FiguresSeed:
    ref: str
    year: int
    employees: int
    employees_at_risk: int
    employees_disabled: int
    revenue_pln: Decimal
    market_revenue_pln: Decimal


@dataclass
class Register:
    organisations: list[OrganisationSeed]
    statuses: list[StatusSeed]
    figures: list[FiguresSeed]


def _easter(year: int) -> date:
    """Easter Sunday (the anonymous Gregorian algorithm)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = divmod(b, 4)
    g = (8 * b + 13) // 25
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    j = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * j) // 451
    month, day = divmod(h + j - 7 * m + 114, 31)
    return date(year, month, day + 1)


def public_holidays(year: int) -> frozenset[date]:
    """Polish public holidays on which no office decides anything (Act of 18 January 1951)."""
    easter = _easter(year)
    fixed = [(1, 1), (1, 6), (5, 1), (5, 3), (8, 15), (11, 1), (11, 11), (12, 25), (12, 26)]
    if year >= 2025:
        fixed.append((12, 24))
    days = {date(year, month, day) for month, day in fixed}
    days |= {easter, easter + timedelta(days=1), easter + timedelta(days=49), easter + timedelta(days=60)}
    return frozenset(days)


def working_day(day: date) -> date:
    """The day itself when offices work, else the next day they do."""
    while day.weekday() >= 5 or day in public_holidays(day.year):
        day += timedelta(days=1)
    return day


# The Act on social economy took effect on 30 October 2022 (a Sunday): the first PS decisions
# came in November 2022.
PS_FIRST_DECISIONS = date(2022, 11, 2)
PS_LAST_DECISIONS = date(2025, 6, 30)


def _decision_number(builder: Builder, office: str, year: int) -> str:
    return f"{office}.{builder.rng.randrange(1, 400)}.{year}"


def generate_register(gminas: Sequence[Gmina], *, total: int, seed: int = 2026, owes: int = 4) -> Register:
    """A whole demo register: organisations with public actors, legal statuses and year figures."""
    organisations, builder = build_organisations(
        gminas, total=total, seed=seed, owes=owes, public_actors=True
    )
    rng = builder.rng
    voivode = n.voivode_of(gminas[0].voivodeship_name)
    statuses: list[StatusSeed] = []
    figures: list[FiguresSeed] = []
    eligible = [
        o for o in organisations
        if o.kind in (Kind.SOCIAL_COOPERATIVE, Kind.WORK_COOPERATIVE, Kind.DISABLED_COOPERATIVE,
                      Kind.ASSOCIATION, Kind.FOUNDATION, Kind.NONPROFIT_COMPANY, Kind.CHURCH_ENTITY)
        and o.activity_state in (ActivityState.ACTIVE, ActivityState.EXISTING) and not o.is_owes
    ]  # fmt: skip
    pes_total = sum(1 for o in organisations if o.kind in KIND_SHARES)
    wanted = max(3, round(pes_total * 0.02))
    # Social cooperatives hold PS status far more often than NGOs do.
    ranked = sorted(eligible, key=lambda o: (o.kind is not Kind.SOCIAL_COOPERATIVE, rng.random()))
    for org in ranked[:wanted]:
        span = (PS_LAST_DECISIONS - PS_FIRST_DECISIONS).days
        granted = working_day(PS_FIRST_DECISIONS + timedelta(days=rng.randrange(span)))
        roll = rng.random()
        goal = "reintegration" if rng.random() < 0.7 else "social_services"
        if roll < 0.1:
            statuses.append(StatusSeed(org.ref, "ps", "submitted", None, None, voivode, goal))
            continue
        status = StatusSeed(
            org.ref,
            "ps",
            "active",
            _decision_number(builder, "WPS-III.9512", granted.year),
            granted,
            voivode,
            goal,
        )
        if 0.1 <= roll < 0.18:
            control = working_day(granted + timedelta(days=rng.randrange(120, 300)))
            status.transitions.append(("under_control", control, None, None))
        elif 0.18 <= roll < 0.3:
            loss = working_day(granted + timedelta(days=rng.randrange(200, 400)))
            final = loss + timedelta(days=15)  # 14 days to appeal, none lodged
            status.transitions.append(
                ("lost", loss, _decision_number(builder, "WPS-III.9512.U", loss.year), final)
            )
        statuses.append(status)
        employees = rng.randrange(3, 25)
        for year in FIGURE_YEARS:
            if year < granted.year:
                continue
            staff = max(3, employees + rng.randrange(-2, 3))
            revenue = Decimal(rng.randrange(150_000, 2_500_000)).quantize(Decimal("1.00"))
            figures.append(
                FiguresSeed(
                    org.ref, year, staff,
                    employees_at_risk=(
                        max(1, round(staff * rng.uniform(0.3, 0.7))) if goal == "reintegration"
                        else rng.randrange(0, staff // 2 + 1)
                    ),
                    employees_disabled=rng.randrange(0, staff // 3 + 1),
                    revenue_pln=revenue,
                    market_revenue_pln=(
                        revenue * Decimal(str(round(rng.uniform(0.3, 0.9), 2)))
                    ).quantize(Decimal("1.00")),
                )
            )  # fmt: skip
    current_cis = False
    for unit in (o for o in organisations if o.kind in REINTEGRATION_UNIT_KINDS):
        granted = working_day(date(rng.randrange(2015, 2025), rng.randrange(1, 13), rng.randrange(1, 28)))
        if unit.kind is Kind.CIS and not current_cis:
            # At least one CIS holds a status in force (granted for five years, recently).
            granted = working_day(date(2024, rng.randrange(1, 13), rng.randrange(1, 28)))
        current_cis = current_cis or (unit.kind is Kind.CIS and granted.year >= 2023)
        kind = unit.kind
        number = _decision_number(
            builder,
            {"cis": "WPS-II.9421", "kis": "WPS-II.9422", "zaz": "WPS-IV.9545", "wtz": "PCPR.9543"}[
                kind.value
            ],
            granted.year,
        )
        granted_by = voivode if kind is not Kind.WTZ else "Starosta"
        # A CIS status granted more than five years ago is recorded expired by the register itself.
        statuses.append(StatusSeed(unit.ref, kind.value, "active", number, granted, granted_by))
        if kind in (Kind.ZAZ, Kind.CIS):
            for year in FIGURE_YEARS:
                staff = rng.randrange(8, 45)
                disabled = round(staff * rng.uniform(0.7, 0.9)) if kind is Kind.ZAZ else rng.randrange(0, 3)
                revenue = Decimal(rng.randrange(400_000, 3_500_000)).quantize(Decimal("1.00"))
                figures.append(
                    FiguresSeed(unit.ref, year, staff,
                                employees_at_risk=staff - disabled if kind is Kind.CIS else 0,
                                employees_disabled=disabled, revenue_pln=revenue,
                                market_revenue_pln=(revenue * Decimal("0.35")).quantize(Decimal("1.00")))
                )  # fmt: skip
    return Register(organisations=organisations, statuses=statuses, figures=figures)
