"""How indicator values read on pages and in downloads: the reader's number format, units,
"brak danych" for no data, progress towards a target."""

from __future__ import annotations

from ses.indicators.model import Benchmark, Direction, Indicator, Unit
from ses.web.i18n import N_, current_language, fmt_number, gettext

NO_DATA = N_("brak danych")


def no_data() -> str:
    return gettext(NO_DATA)


def name(indicator: Indicator) -> str:
    """The indicator's name in the reader's language."""
    return indicator.name_en if current_language() == "en" else indicator.name_pl


def number(value: float | None, digits: int = 1) -> str:
    """`1 234,5` in Polish, `1,234.5` in English; "brak danych" for no data."""
    if value is None:
        return no_data()
    return fmt_number(value if float(value).is_integer() else round(value, digits))


def formatted(indicator: Indicator, value: float | None) -> str:
    if value is None:
        return no_data()
    if indicator.unit is Unit.PERCENT:
        return number(value, 1) + "\u00a0%"
    return number(value, 2)


def progress(indicator: Indicator, value: float | None) -> float | None:
    """How far from the baseline to the target the value has come, in % (None: cannot say)."""
    target, baseline = indicator.target, indicator.baseline or Benchmark(0, 0)
    if value is None or target is None or target.value == baseline.value:
        return None
    return round((value - baseline.value) / (target.value - baseline.value) * 100, 1)


def verdict(indicator: Indicator, value: float | None) -> str:
    """A word a committee member reads beside a value measured against its target."""
    done = progress(indicator, value)
    if done is None:
        return ""
    if done >= 100:
        return gettext("cel osiągnięty")
    if indicator.direction is Direction.LOWER_BETTER:
        return gettext("w drodze do celu") if done > 0 else gettext("bez postępu")
    return gettext("w drodze do celu") if done > 0 else gettext("poniżej wartości bazowej")
