"""SROI computed by hand on small cases (pure: no database)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from ses.indicators.sroi import Outcome, check_adjustments, compute, outcome_value, pln

JOB = Outcome("osoby zatrudnione", "praca w PS", 10, Decimal("30000"), 20, 10, 0, 50)


def test_one_outcome_over_two_years_with_drop_off_and_discount():
    value = outcome_value(JOB, 2, 0)
    assert value.gross == pytest.approx(300_000)
    assert value.first_year == pytest.approx(300_000 * 0.8 * 0.9)  # 216,000
    assert value.present_value == pytest.approx(216_000 + 108_000)  # drop-off 50 % in year 2
    discounted = outcome_value(JOB, 1, 10)
    assert discounted.present_value == pytest.approx(216_000 / 1.1)


def test_ratio_and_sensitivity_range_bracket_the_ratio():
    result = compute([JOB], Decimal("100000"), 2, 0)
    assert result.ratio == pytest.approx(3.24)
    assert result.net_value == pytest.approx(224_000)
    assert result.ratio_low < result.ratio < result.ratio_high
    # Low end: deadweight 30, attribution 20, displacement 10, drop-off 60, proxy −20 %.
    low_first = 10 * 24_000 * 0.7 * 0.8 * 0.9
    assert result.ratio_low == pytest.approx((low_first + low_first * 0.4) / 100_000)
    labels = [s.label for s in result.scenarios]
    assert len(labels) == 10 and "wartości finansowe (proxy): −20 %" in labels
    # Adjustments never leave 0–100 %: displacement 0 − 10 p.p. stays 0.
    favourable = {s.label: s.ratio for s in result.scenarios}
    assert favourable["przesunięcie (efekt wyparty gdzie indziej): −10 p.p."] == pytest.approx(result.ratio)


def test_no_investment_gives_no_ratio():
    assert compute([JOB], Decimal(0), 1, 0).ratio is None


def test_adjustments_are_required_and_bounded():
    assert (
        check_adjustments({"deadweight": 0, "attribution": 100, "displacement": 5, "drop_off": 0}, "o") == []
    )
    problems = {
        p.field: p.message for p in check_adjustments({"deadweight": 120, "attribution": -1}, "outcomes.0")
    }
    assert set(problems) == {
        "outcomes.0.deadweight",
        "outcomes.0.attribution",
        "outcomes.0.displacement",
        "outcomes.0.drop_off",
    }
    assert "spoza 0–100 %" in problems["outcomes.0.deadweight"]
    assert "wymagane" in problems["outcomes.0.drop_off"]
    assert pln(1234.565) == Decimal("1234.57")
