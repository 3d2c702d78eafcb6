"""The committee's rules as the Act and the usual working rules state them (pure, no database)."""

from __future__ import annotations

from datetime import date

import pytest

from ses.committee import rules


def test_a_term_lasts_three_years_to_the_day_before():
    assert rules.term_end(date(2024, 3, 1)) == date(2027, 2, 28)
    assert rules.term_end(date(2023, 6, 15)) == date(2026, 6, 14)
    assert rules.term_end(date(2024, 2, 29)) == date(2027, 2, 28)  # no 29 February in 2027


def test_a_date_outside_the_term_is_refused_with_the_field_named():
    rules.check_within_term(date(2024, 3, 1), date(2024, 3, 1), date(2027, 2, 28), "held_on", "Data")
    with pytest.raises(rules.CommitteeRuleError) as refused:
        rules.check_within_term(date(2027, 3, 1), date(2024, 3, 1), date(2027, 2, 28), "held_on", "Data")
    assert refused.value.field == "held_on" and "2027-02-28" in refused.value.message


def test_quorum_is_half_of_the_members_in_office():
    assert rules.quorum(16, 8).reached and not rules.quorum(16, 7).reached
    assert rules.quorum(15, 8).required == 8 and not rules.quorum(15, 7).reached
    assert not rules.quorum(0, 0).reached


def test_a_resolution_passes_with_more_votes_for_than_against():
    assert rules.check_vote(5, 4, 3, 12).adopted
    assert not rules.check_vote(4, 4, 0, 8).adopted
    with pytest.raises(rules.CommitteeRuleError):
        rules.check_vote(8, 2, 1, 10)  # 11 votes from 10 present
    with pytest.raises(rules.CommitteeRuleError):
        rules.check_vote(-1, 0, 0, 3)


def test_three_consecutive_unexcused_absences_flag_a_member():
    meetings = [1, 2, 3, 4, 5]
    presence = {(m, 10): "unexcused" for m in meetings} | {(3, 10): "excused"}  # excused breaks the run
    presence |= {(2, 11): "unexcused", (3, 11): "unexcused", (4, 11): "unexcused", (5, 11): "present"}
    presence |= {(1, 12): "unexcused", (2, 12): "unexcused"}  # no record at 3–5 (not in office) breaks no run
    flags = rules.absence_flags(meetings, presence, {10, 11, 12})
    assert flags == {11: [2, 3, 4]}
    presence[(3, 12)] = "unexcused"
    assert rules.absence_flags(meetings, presence, {12}) == {12: [1, 2, 3]}
