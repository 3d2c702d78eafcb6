"""SROI — social return on investment (pure: no database, no Litestar).

Method, stated on every page and in the API (`METHOD_TEXT`), after the SROI Guide (Social Value UK):

- each outcome's gross value for one year = quantity × the financial proxy (PLN per unit);
- the impact of the first year = gross × (1 − deadweight) × (1 − attribution) × (1 − displacement):
  what would have happened anyway, what others brought about, what was only moved elsewhere;
- in each later year of the duration the impact falls by the drop-off: year t is the first year's
  impact × (1 − drop-off)^(t − 1);
- present value = Σ impact of year t / (1 + discount rate)^t;
- SROI ratio = total present value / investment (PLN of social value per 1 PLN invested).

All four adjustments are required for every outcome (0–100 %), never assumed. The sensitivity
range: the ratio when every adjustment moves 10 percentage points the adverse way and every proxy
falls 20 % (the low end), and the favourable way (the high end); each move alone is listed too.
These are estimates of impact in PLN: they never enter an indicator, an output count or a target.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace
from decimal import ROUND_HALF_UP, Decimal

from ses.errors import FieldError

ADJUSTMENTS = {
    "deadweight": "deadweight (co stałoby się i bez wsparcia)",
    "attribution": "przypisanie (udział innych)",
    "displacement": "przesunięcie (efekt wyparty gdzie indziej)",
    "drop_off": "spadek efektu w kolejnych latach (drop-off)",
}
PROXY_LABEL = "wartości finansowe (proxy)"
ADJUSTMENT_STEP = 10.0
"""Percentage points each adjustment moves in the sensitivity analysis."""
PROXY_STEP = 0.20
"""The share each proxy value moves in the sensitivity analysis."""
MAX_DURATION = 10

METHOD_TEXT = (
    "Wartość brutto rezultatu w roku = liczba × wartość finansowa (proxy, zł za jednostkę). Wpływ "
    "pierwszego roku = brutto × (1 − deadweight) × (1 − przypisanie) × (1 − przesunięcie). W kolejnych "
    "latach wpływ maleje o spadek efektu (drop-off): rok t = wpływ 1. roku × (1 − drop-off)^(t − 1). "
    "Wartość bieżąca = suma wpływu roku t / (1 + stopa dyskonta)^t. Wskaźnik SROI = wartość bieżąca / "
    "nakład: ile złotych wartości społecznej przypada na 1 zł nakładu."
)
SENSITIVITY_TEXT = (
    "Zakres wrażliwości: wskaźnik, gdy każda z czterech korekt zmienia się o 10 punktów procentowych "
    "w niekorzystną stronę, a każda wartość finansowa spada o 20 % (dolna granica), oraz gdy zmieniają "
    "się w korzystną stronę (górna granica); każda zmiana osobno jest w tabeli."
)
SEPARATION_TEXT = (
    "SROI to szacunek wpływu w złotych. Nie wlicza się do wskaźników, liczby usług (produktów) ani "
    "wartości docelowych programu; liczby rezultatów w analizie są założeniami tej analizy."
)


@dataclass(frozen=True)
class Outcome:
    stakeholder: str
    description: str
    quantity: float
    value_pln: Decimal
    deadweight: float
    attribution: float
    displacement: float
    drop_off: float
    proxy_name: str = ""


@dataclass(frozen=True)
class OutcomeValue:
    outcome: Outcome
    gross: float
    first_year: float
    present_value: float


@dataclass(frozen=True)
class Scenario:
    label: str
    ratio: float | None


@dataclass(frozen=True)
class Result:
    outcomes: tuple[OutcomeValue, ...]
    present_value: float
    investment: float
    net_value: float
    ratio: float | None
    ratio_low: float | None
    ratio_high: float | None
    scenarios: tuple[Scenario, ...]


def check_adjustments(values: dict[str, float | None], where: str) -> list[FieldError]:
    """The four adjustments of one outcome: each required, each 0–100 %."""
    problems = []
    for key, label in ADJUSTMENTS.items():
        value = values.get(key)
        if value is None:
            problems.append(
                FieldError(f"{where}.{key}", f"Podaj {label} w % (0–100); to pole jest wymagane.")
            )
        elif not (math.isfinite(value) and 0 <= value <= 100):
            problems.append(
                FieldError(f"{where}.{key}", f"{label.capitalize()}: wartość {value:g} spoza 0–100 %.")
            )
    return problems


def _clamp(value: float) -> float:
    return min(100.0, max(0.0, value))


def outcome_value(outcome: Outcome, years: int, discount_rate: float) -> OutcomeValue:
    gross = outcome.quantity * float(outcome.value_pln)
    first = (
        gross
        * (1 - outcome.deadweight / 100)
        * (1 - outcome.attribution / 100)
        * (1 - outcome.displacement / 100)
    )
    present = sum(
        first * (1 - outcome.drop_off / 100) ** (year - 1) / (1 + discount_rate / 100) ** year
        for year in range(1, years + 1)
    )
    return OutcomeValue(outcome=outcome, gross=gross, first_year=first, present_value=present)


def _ratio(outcomes: Sequence[Outcome], investment: float, years: int, rate: float) -> float | None:
    if investment <= 0:
        return None
    return sum(outcome_value(o, years, rate).present_value for o in outcomes) / investment


def _moved(outcomes: Sequence[Outcome], key: str, sign: int) -> list[Outcome]:
    if key == "value_pln":
        factor = Decimal(str(1 + sign * PROXY_STEP))
        return [replace(o, value_pln=o.value_pln * factor) for o in outcomes]
    return [replace(o, **{key: _clamp(getattr(o, key) + sign * ADJUSTMENT_STEP)}) for o in outcomes]


def compute(outcomes: Sequence[Outcome], investment: Decimal, years: int, discount_rate: float) -> Result:
    valued = tuple(outcome_value(o, years, discount_rate) for o in outcomes)
    total = sum(v.present_value for v in valued)
    spent = float(investment)
    ratio = total / spent if spent > 0 else None
    scenarios = []
    for key, label in (*ADJUSTMENTS.items(), ("value_pln", PROXY_LABEL)):
        step = "20 %" if key == "value_pln" else "10 p.p."
        scenarios.append(
            Scenario(f"{label}: −{step}", _ratio(_moved(outcomes, key, -1), spent, years, discount_rate))
        )
        scenarios.append(
            Scenario(f"{label}: +{step}", _ratio(_moved(outcomes, key, 1), spent, years, discount_rate))
        )
    # The adverse way: adjustments rise, proxies fall; the favourable way the opposite.
    low = list(outcomes)
    high = list(outcomes)
    for key in ADJUSTMENTS:
        low, high = _moved(low, key, 1), _moved(high, key, -1)
    low, high = _moved(low, "value_pln", -1), _moved(high, "value_pln", 1)
    return Result(
        outcomes=valued,
        present_value=total,
        investment=spent,
        net_value=total - spent,
        ratio=ratio,
        ratio_low=_ratio(low, spent, years, discount_rate),
        ratio_high=_ratio(high, spent, years, discount_rate),
        scenarios=tuple(scenarios),
    )


def pln(value: float | Decimal) -> Decimal:
    """Money as PLN with grosze (decimal strings on the wire)."""
    return Decimal(str(value)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
