"""The composite index's method, computed by hand on small cases (pure: no database)."""

from __future__ import annotations

import pytest

from ses.indicators.composite import (
    Component,
    check_weights,
    composite_index,
    normalise,
    ranks,
    shifted,
)

TERRITORIES = ["0401", "0402", "0403", "0404"]
VALUES = {
    "a": {"0401": 10.0, "0402": 20.0, "0403": 30.0, "0404": None},
    "b": {"0401": 5.0, "0402": 1.0, "0403": 3.0, "0404": 2.0},
}


def test_min_max_turns_lower_better_round_and_flat_components_give_the_middle():
    assert normalise({"x": 10, "y": 30}, False, "minmax") == {"x": 0.0, "y": 1.0}
    assert normalise({"x": 10, "y": 30}, True, "minmax") == {"x": 1.0, "y": 0.0}
    assert normalise({"x": 7, "y": 7}, False, "minmax") == {"x": 0.5, "y": 0.5}
    z = normalise({"x": 1, "y": 3}, False, "zscore")
    assert z == {"x": -1.0, "y": 1.0}
    assert normalise({"x": 1, "y": 3}, True, "zscore") == {"x": 1.0, "y": -1.0}


def test_index_ranks_with_weights_and_states_why_a_territory_ranks_low():
    out = composite_index([Component("a", 0.6), Component("b", 0.4)], VALUES, TERRITORIES)
    by = {s.territory: s for s in out}
    # 0401: a=0, b=1 → 0.6*0 + 0.4*1 = 40; 0402: a=.5, b=0 → 30; 0403: a=1, b=.5 → 80
    assert by["0401"].index == pytest.approx(40)
    assert by["0402"].index == pytest.approx(30)
    assert by["0403"].index == pytest.approx(80)
    assert [s.territory for s in out][:3] == ["0403", "0401", "0402"]
    assert by["0402"].weakest is not None and by["0402"].weakest.code == "b"
    # 0404 lacks "a" (0.6 of the weight): only 0.4 carried, below one half → no index, no rank.
    assert by["0404"].index is None and by["0404"].rank is None and by["0404"].coverage == pytest.approx(0.4)
    assert out[-1].territory == "0404"


def test_missing_component_rescales_the_weights_when_enough_weight_has_data():
    out = composite_index([Component("a", 0.4), Component("b", 0.6)], VALUES, TERRITORIES)
    by = {s.territory: s for s in out}
    # 0404: only b (0.6 ≥ 0.5) → b's score alone: (2-1)/(5-1) = 0.25 → 25
    assert by["0404"].index == pytest.approx(25)
    assert by["0404"].parts[1].weight == pytest.approx(1.0)
    assert by["0404"].parts[0].raw is None and by["0404"].parts[0].contribution is None


def test_rank_range_under_ten_percent_weight_moves():
    # Two territories nearly tied: the ranking flips when a weight moves ±10 %.
    values = {"a": {"x": 1.0, "y": 0.0}, "b": {"x": 0.0, "y": 1.0}}
    out = composite_index([Component("a", 0.5), Component("b", 0.5)], values, ["x", "y"])
    assert all(s.rank == 1 for s in out)  # tied at 50
    assert all((s.rank_best, s.rank_worst) == (1, 2) for s in out)
    steady = composite_index([Component("a", 0.9), Component("b", 0.1)], values, ["x", "y"])
    assert {s.territory: (s.rank_best, s.rank_worst) for s in steady} == {"x": (1, 1), "y": (2, 2)}


def test_shifted_weights_still_sum_to_one_and_ties_share_a_rank():
    moved = shifted([Component("a", 0.5), Component("b", 0.3), Component("c", 0.2)], 0, 1.1)
    assert sum(c.weight for c in moved) == pytest.approx(1)
    assert moved[0].weight == pytest.approx(0.55)
    assert ranks({"x": 5.0, "y": 7.0, "z": 5.0, "w": None}) == {"y": 1, "x": 2, "z": 2}


def test_bad_weights_are_named():
    known = {"a": True, "b": True, "n": False}
    assert check_weights("minmax", [("a", 0.5), ("b", 0.5)], known) == []
    problems = {p.field: p.message for p in check_weights("minmax", [("a", 0.5), ("b", 0.4)], known)}
    assert problems == {"components": "Wagi sumują się do 0,9000, a muszą sumować się do 1."}
    problems = {p.field: p.message for p in check_weights("median", [("a", 0.5), ("zz", 0.5)], known)}
    assert "method" in problems and "„zz”" in problems["components.1.indicator"]
    problems = {p.field: p.message for p in check_weights("zscore", [("a", 1.2), ("n", -0.2)], known)}
    assert "opisowy" in problems["components.1.indicator"]
    assert "components.0.weight" in problems and "components.1.weight" in problems
    assert check_weights("minmax", [("a", 1.0)], known)[0].field == "components"
