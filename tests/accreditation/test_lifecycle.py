"""Lifecycles and rules: refusals must name the states, periods and organisations involved."""

from __future__ import annotations

from datetime import date

import pytest

from accreditation.checklists import Template, iter_criteria
from accreditation.lifecycle import (
    ACCREDITATION,
    OPINION,
    VERIFICATION,
    AccreditationPeriodError,
    AccreditationRuleError,
    IncompleteResultsError,
    InvalidTransitionError,
    OpinionConclusion,
    OverlappingAccreditationError,
    PartnerNotEligibleError,
    Period,
    UnknownCriterionError,
    UnknownStateError,
    check_accreditation_period,
    check_no_overlap,
    check_partner_eligible,
    find_overlap,
    partner_eligible,
    suggest_conclusion,
    transition,
)


def test_accreditation_happy_paths_are_allowed() -> None:
    path = [
        "submitted",
        "formally_checked",
        "assessed",
        "accredited",
        "under_verification",
        "corrective_actions",
    ]
    for current, target in zip(path, path[1:], strict=False):
        transition(ACCREDITATION, current, target)
    transition(ACCREDITATION, "corrective_actions", "accredited")
    transition(ACCREDITATION, "corrective_actions", "withdrawn")
    transition(ACCREDITATION, "under_verification", "accredited")
    transition(ACCREDITATION, "accredited", "expired")
    transition(ACCREDITATION, "assessed", "refused")


def test_refusal_names_both_states_and_the_allowed_targets() -> None:
    with pytest.raises(InvalidTransitionError) as caught:
        transition(ACCREDITATION, "accredited", "withdrawn")
    error = caught.value
    assert error.allowed == ("under_verification", "expired")
    message = str(error)
    assert "„akredytowany” (accredited)" in message
    assert "„akredytacja cofnięta” (withdrawn)" in message
    assert "„w trakcie weryfikacji” (under_verification)" in message and "(expired)" in message


@pytest.mark.parametrize(
    ("current", "target"),
    [
        ("submitted", "accredited"),
        ("refused", "submitted"),
        ("expired", "accredited"),
        ("withdrawn", "accredited"),
    ],
)
def test_skipping_steps_or_leaving_final_states_is_refused(current: str, target: str) -> None:
    with pytest.raises(InvalidTransitionError):
        transition(ACCREDITATION, current, target)


def test_final_state_says_it_is_final() -> None:
    with pytest.raises(InvalidTransitionError, match="Stan jest końcowy"):
        transition(VERIFICATION, "opinion_approved", "findings")
    assert VERIFICATION.is_terminal("opinion_approved")
    with pytest.raises(InvalidTransitionError, match="zastąpiona"):
        transition(OPINION, "superseded", "approved")


def test_verification_is_linear() -> None:
    states = list(VERIFICATION.states)
    assert states[0] == VERIFICATION.initial == "planned"
    for current, target in zip(states, states[1:], strict=False):
        transition(VERIFICATION, current, target)
    with pytest.raises(InvalidTransitionError, match="Dozwolone stany docelowe: „w toku” \\(in_progress\\)"):
        transition(VERIFICATION, "planned", "findings")


def test_unknown_state_is_refused_with_the_known_ones() -> None:
    with pytest.raises(UnknownStateError, match="Nieznany stan akredytacji OWES: „active”"):
        transition(ACCREDITATION, "active", "expired")


def test_two_year_rule() -> None:
    check_accreditation_period(date(2024, 1, 15), date(2024, 2, 1), date(2026, 1, 15))
    with pytest.raises(AccreditationPeriodError, match="najpóźniej do 15.01.2026; podano koniec 16.01.2026"):
        check_accreditation_period(date(2024, 1, 15), date(2024, 2, 1), date(2026, 1, 16))
    # A decision on 29 February: two years later is 28 February.
    with pytest.raises(AccreditationPeriodError, match="najpóźniej do 28.02.2026"):
        check_accreditation_period(date(2024, 2, 29), date(2024, 3, 1), date(2026, 3, 1))
    with pytest.raises(AccreditationPeriodError, match="przed datą decyzji"):
        check_accreditation_period(date(2024, 1, 15), date(2024, 1, 1), date(2025, 1, 1))
    with pytest.raises(AccreditationPeriodError, match="wcześniejsza niż data początku"):
        check_accreditation_period(date(2024, 1, 15), date(2025, 1, 1), date(2024, 6, 1))


def test_overlap_is_found_and_named() -> None:
    existing = [
        Period(date(2021, 1, 1), date(2022, 12, 31), "decyzja 1/2021"),
        Period(date(2023, 1, 1), date(2024, 12, 31), "decyzja 7/2022"),
    ]
    assert find_overlap(existing, Period(date(2025, 1, 1), date(2026, 12, 31))) is None
    clash = find_overlap(existing, Period(date(2024, 12, 31), date(2026, 12, 30)))  # one shared day
    assert clash is existing[1]
    with pytest.raises(OverlappingAccreditationError, match="decyzja 7/2022 \\(01.01.2023–31.12.2024\\)"):
        check_no_overlap(existing, Period(date(2024, 6, 1), date(2026, 5, 31), "nowy wniosek"))


def test_partner_eligibility_by_pes_letter() -> None:
    assert [partner_eligible(letter) for letter in "abcdef"] == [True, False, False, True, True, True]
    assert partner_eligible("E)") and partner_eligible(" lit. d ")
    assert partner_eligible(None) is False
    with pytest.raises(PartnerNotEligibleError, match="„CIS w Lesznie” to PES z art. 2 pkt 5 lit. c"):
        check_partner_eligible("c", "CIS w Lesznie")
    with pytest.raises(PartnerNotEligibleError, match="lit. b"):
        check_partner_eligible("b")
    check_partner_eligible("a", "Spółdzielnia Socjalna")
    with pytest.raises(AccreditationRuleError, match="Nieznana litera PES „g”"):
        partner_eligible("g")


def _all(template: Template, value: str) -> dict[str, str]:
    return {p.criterion.code: value for p in iter_criteria(template)}


def test_suggested_conclusion(shipped_template: Template) -> None:
    results = _all(shipped_template, "meets")
    assert suggest_conclusion(shipped_template, results).conclusion is OpinionConclusion.POSITIVE

    results["II.4.5"] = "does_not_meet"  # a service criterion, not a must-hold one
    suggestion = suggest_conclusion(shipped_template, results)
    assert suggestion.conclusion is OpinionConclusion.POSITIVE_WITH_REMARKS
    assert "niespełnione kryteria: II.4.5" in suggestion.reasons

    results = _all(shipped_template, "meets")
    results["I.3.7"] = "needs_completion"
    assert suggest_conclusion(shipped_template, results).conclusion is OpinionConclusion.POSITIVE_WITH_REMARKS
    results["I.3.7"] = "meets"
    suggestion = suggest_conclusion(shipped_template, results, recommendations={"II.1.1"})
    assert suggestion.conclusion is OpinionConclusion.POSITIVE_WITH_REMARKS

    results["I.1.3"] = "does_not_meet"  # arrears: must hold for the whole period
    suggestion = suggest_conclusion(shipped_template, results)
    assert suggestion.conclusion is OpinionConclusion.NEGATIVE
    assert "I.1.3" in suggestion.reasons[0]


def test_partly_is_a_working_value_that_blocks_a_clean_positive(shipped_template: Template) -> None:
    results = _all(shipped_template, "meets")
    results["II.2.5"] = "partly"
    suggestion = suggest_conclusion(shipped_template, results)
    assert suggestion.conclusion is OpinionConclusion.POSITIVE_WITH_REMARKS
    assert any("„częściowo”" in reason for reason in suggestion.reasons)


def test_results_outside_the_template_or_missing_are_refused(shipped_template: Template) -> None:
    results = _all(shipped_template, "meets")
    results["III.1.1"] = "meets"
    with pytest.raises(UnknownCriterionError, match="III.1.1") as caught:
        suggest_conclusion(shipped_template, results)
    assert caught.value.codes == ("III.1.1",)

    results = _all(shipped_template, "meets")
    del results["I.2.1"]
    with pytest.raises(IncompleteResultsError, match="I.2.1"):
        suggest_conclusion(shipped_template, results)

    results = _all(shipped_template, "meets")
    results["I.2.1"] = "ok"
    with pytest.raises(AccreditationRuleError, match="Nieznany wynik „ok” dla kryterium „I.2.1”"):
        suggest_conclusion(shipped_template, results)
