"""Lifecycles and rules: refusals must name the states, periods and organisations involved."""

from __future__ import annotations

from datetime import date

import pytest

from accreditation.checklists import Template, iter_criteria
from accreditation.lifecycle import (
    ACCREDITATION,
    CONCLUSION_RULE,
    IN_FORCE,
    MAX_ACCREDITATION_YEARS,
    OPINION,
    VERIFICATION,
    AccreditationPeriodError,
    AccreditationRuleError,
    CriterionResult,
    IncompleteResultsError,
    InvalidTransitionError,
    OpinionConclusion,
    OverlappingAccreditationError,
    PartnerNotEligibleError,
    Period,
    UnknownCriterionError,
    UnknownStateError,
    _machine,
    add_years,
    approval_problems,
    check_accreditation_period,
    check_accreditation_transition,
    check_decision_date,
    check_no_overlap,
    check_partner_eligible,
    check_verifiable,
    effective_state,
    find_overlap,
    partner_eligible,
    services_not_delivered,
    suggest_conclusion,
    transition,
)


def test_every_allowed_accreditation_step_is_exactly_the_law() -> None:
    # DOMAIN.md: submitted → formally checked → assessed → accredited | refused; accredited → under
    # verification → (accredited | corrective actions → accredited | withdrawn); expired when the
    # period passes (also while a verification or corrective actions are under way).
    expected = {
        "submitted": ("formally_checked",),
        "formally_checked": ("assessed",),
        "assessed": ("accredited", "refused"),
        "accredited": ("under_verification", "expired"),
        "refused": (),
        "under_verification": ("accredited", "corrective_actions", "withdrawn", "expired"),
        "corrective_actions": ("accredited", "withdrawn", "expired"),
        "withdrawn": (),
        "expired": (),
    }
    assert {state: ACCREDITATION.allowed_targets(state) for state in ACCREDITATION.states} == expected
    for current, targets in expected.items():
        for target in ACCREDITATION.states:
            assert ACCREDITATION.can(current, target) is (target in targets), (current, target)
            if target in targets:
                assert transition(ACCREDITATION, current, target) is None
            else:
                with pytest.raises(InvalidTransitionError):
                    transition(ACCREDITATION, current, target)
    assert ACCREDITATION.initial == "submitted"
    assert [s for s in ACCREDITATION.states if ACCREDITATION.is_terminal(s)] == [
        "refused",
        "withdrawn",
        "expired",
    ]


def test_verification_and_opinion_steps_are_exactly_the_law() -> None:
    assert {s: VERIFICATION.allowed_targets(s) for s in VERIFICATION.states} == {
        "planned": ("in_progress",),
        "in_progress": ("findings",),
        "findings": ("opinion_drafted",),
        "opinion_drafted": ("opinion_approved",),
        "opinion_approved": (),
    }
    assert {s: OPINION.allowed_targets(s) for s in OPINION.states} == {
        "draft": ("approved",),
        "approved": ("superseded",),
        "superseded": (),
    }
    assert (
        OPINION.initial == "draft"
        and not OPINION.is_terminal("approved")
        and OPINION.is_terminal("superseded")
    )
    assert not VERIFICATION.can("nowhere", "planned") and not VERIFICATION.can("planned", "nowhere")


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


# ---------------------------------------------------------------------------------------------
# Issue #14: the rules as the law says them, each with what a reviewer would notice.


def test_periods_sharing_a_single_boundary_day_overlap_both_ways() -> None:
    old = Period(date(2023, 1, 1), date(2024, 12, 31), "decyzja 7/2022")
    same_last_day = Period(date(2024, 12, 31), date(2026, 12, 30))
    next_day = Period(date(2025, 1, 1), date(2026, 12, 31))
    assert old.overlaps(same_last_day) and same_last_day.overlaps(old)
    assert not old.overlaps(next_day) and not next_day.overlaps(old)
    # a new period that ends on the old one's first day
    before = Period(date(2021, 1, 1), date(2023, 1, 1))
    assert before.overlaps(old) and old.overlaps(before)
    assert not Period(date(2021, 1, 1), date(2022, 12, 31)).overlaps(old)
    one_day = Period(date(2024, 6, 1), date(2024, 6, 1))
    assert one_day.overlaps(old) and old.overlaps(one_day)
    assert find_overlap([next_day, old], Period(date(2024, 12, 31), date(2024, 12, 31))) is old
    assert find_overlap([], old) is None
    with pytest.raises(OverlappingAccreditationError) as caught:
        check_no_overlap([old], same_last_day)
    assert caught.value.existing is old and caught.value.code == "accreditation_overlap"
    assert "31.12.2024–30.12.2026" in str(caught.value) and "decyzja 7/2022 (01.01.2023–31.12.2024)" in str(
        caught.value
    )
    check_no_overlap([old], next_day)  # no clash, no error
    assert Period(date(2025, 1, 1), date(2025, 2, 1)).describe() == "01.01.2025–01.02.2025"


@pytest.mark.parametrize(
    ("start", "years", "expected"),
    [
        (date(2024, 2, 29), 2, date(2026, 2, 28)),  # leap day, common target year
        (date(2024, 2, 29), 4, date(2028, 2, 29)),  # leap day, leap target year
        (date(2023, 2, 28), 2, date(2025, 2, 28)),
        (date(2023, 2, 28), 1, date(2024, 2, 28)),  # not moved to 29 February
        (date(2022, 2, 1), 2, date(2024, 2, 1)),
        (date(2024, 3, 1), 2, date(2026, 3, 1)),
        (date(2025, 12, 31), 2, date(2027, 12, 31)),
        (date(2024, 2, 29), 0, date(2024, 2, 29)),
    ],
)
def test_a_two_year_period_lands_on_the_right_day(start: date, years: int, expected: date) -> None:
    assert add_years(start, years) == expected


def test_two_year_limit_around_february() -> None:
    # decided 29.02.2024: the last allowed day is 28.02.2026, and that day itself is allowed
    check_accreditation_period(date(2024, 2, 29), date(2024, 2, 29), date(2026, 2, 28))
    with pytest.raises(AccreditationPeriodError, match="najpóźniej do 28.02.2026; podano koniec 01.03.2026"):
        check_accreditation_period(date(2024, 2, 29), date(2024, 3, 1), date(2026, 3, 1))
    # decided 28.02.2023: until 28.02.2025 (not 01.03.2025)
    check_accreditation_period(date(2023, 2, 28), date(2023, 2, 28), date(2025, 2, 28))
    with pytest.raises(AccreditationPeriodError):
        check_accreditation_period(date(2023, 2, 28), date(2023, 3, 1), date(2025, 3, 1))
    # a one-day period starting on the decision day is fine; ending the day before starting is not
    check_accreditation_period(date(2024, 5, 6), date(2024, 5, 6), date(2024, 5, 6))
    with pytest.raises(AccreditationPeriodError, match="31.12.2024.*01.01.2025"):
        check_accreditation_period(date(2024, 5, 6), date(2025, 1, 1), date(2024, 12, 31))
    assert MAX_ACCREDITATION_YEARS == 2


def test_decision_dates_in_the_future_are_refused() -> None:
    today = date(2026, 12, 6)
    check_decision_date(today, today)
    check_decision_date(date(2026, 12, 5), today)
    with pytest.raises(AccreditationPeriodError, match="07.12.2026.*06.12.2026"):
        check_decision_date(date(2026, 12, 7), today)
    with pytest.raises(AccreditationPeriodError, match="późniejsza niż dzisiejsza"):
        check_accreditation_period(date(2026, 12, 7), date(2026, 12, 7), date(2027, 12, 1), today)
    check_accreditation_period(date(2026, 12, 7), date(2026, 12, 7), date(2027, 12, 1))  # no today: no check


def test_the_state_as_it_is_today() -> None:
    today = date(2026, 12, 6)
    for state in ("accredited", "under_verification", "corrective_actions"):
        assert effective_state(state, date(2026, 12, 5), today) == "expired"
        assert effective_state(state, today, today) == state  # the last day still counts
        assert effective_state(state, None, today) == state
    for state in ("submitted", "refused", "withdrawn"):
        assert effective_state(state, date(2020, 1, 1), today) == state
    assert {"accredited", "under_verification", "corrective_actions"} == IN_FORCE


def test_an_expired_accreditation_is_not_verified_and_still_expires() -> None:
    today = date(2026, 12, 6)
    lapsed, last_day = date(2026, 12, 5), today
    with pytest.raises(AccreditationPeriodError, match="wygasła 05.12.2026.*„w trakcie weryfikacji”"):
        check_accreditation_transition("accredited", "under_verification", lapsed, today)
    check_accreditation_transition("accredited", "under_verification", last_day, today)
    for current in ("accredited", "under_verification", "corrective_actions"):
        check_accreditation_transition(current, "expired", lapsed, today)
        with pytest.raises(AccreditationPeriodError, match="obowiązuje do 06.12.2026"):
            check_accreditation_transition(current, "expired", last_day, today)
    with pytest.raises(AccreditationPeriodError, match="dopiero po upływie"):
        check_accreditation_transition("accredited", "expired", None, today)
    for target in ("accredited", "corrective_actions", "withdrawn"):
        with pytest.raises(AccreditationPeriodError):
            check_accreditation_transition("under_verification", target, lapsed, today)
        check_accreditation_transition("under_verification", target, last_day, today)
    # before a decision the period does not count
    check_accreditation_transition("assessed", "accredited", None, today)
    check_accreditation_transition("submitted", "formally_checked", lapsed, today)
    with pytest.raises(InvalidTransitionError):
        check_accreditation_transition("expired", "under_verification", lapsed, today)

    check_verifiable("accredited", last_day, today)
    check_verifiable("corrective_actions", None, today)
    with pytest.raises(AccreditationRuleError, match="„akredytacja wygasła”.*obowiązywała do 05.12.2026"):
        check_verifiable("accredited", lapsed, today)
    for state in ("submitted", "refused", "withdrawn", "expired"):
        with pytest.raises(AccreditationRuleError, match="tylko akredytację, która obowiązuje"):
            check_verifiable(state, None, today)


def test_approval_needs_final_results_a_case_number_and_a_team() -> None:
    team = [{"name": "Anna Żmudzka"}]
    assert approval_problems({"I.1.1": "meets", "I.1.2": "needs_completion"}, "ROPS.1.2026", team) == []
    problems = approval_problems({"I.1.1": "partly", "I.1.2": None, "I.1.3": "meets"}, " ", [])
    assert [field for field, _ in problems] == ["results", "results", "reference_number", "team"]
    assert "I.1.2" in problems[0][1] and "I.1.3" not in problems[0][1]
    assert "I.1.1" in problems[1][1] and "„częściowo”" in problems[1][1] and "I.1.3" not in problems[1][1]
    assert approval_problems({"I.1.1": "partly"}, "ROPS.1", team)[0][0] == "results"
    assert approval_problems({}, None, team) == [("reference_number", "Opinia wymaga znaku sprawy.")]


def test_a_centre_that_delivers_no_service_is_not_suggested_positive(shipped_template: Template) -> None:
    services = [p.criterion.code for p in iter_criteria(shipped_template) if p.part.kind == "substantive"]
    assert services and all(not shipped_template.criterion(c).whole_period for c in services)
    results = _all(shipped_template, "meets")
    for code in services:
        results[code] = "does_not_meet"
    suggestion = suggest_conclusion(shipped_template, results)
    assert suggestion.conclusion is OpinionConclusion.NEGATIVE
    assert "nie jest świadczona" in suggestion.reasons[0] and "II.1 Animacja lokalna" in suggestion.reasons[0]
    assert suggestion.rule == CONCLUSION_RULE and "usług" in CONCLUSION_RULE and "art. 40" in CONCLUSION_RULE

    # one whole service not delivered is enough; "not applicable" does not count as delivered
    results = _all(shipped_template, "meets")
    area = [p.criterion.code for p in iter_criteria(shipped_template) if p.area.code == "II.4"]
    for i, code in enumerate(area):
        results[code] = "does_not_meet" if i == 0 else "not_applicable"
    suggestion = suggest_conclusion(shipped_template, results)
    assert suggestion.conclusion is OpinionConclusion.NEGATIVE
    assert services_not_delivered(shipped_template, {c: CriterionResult(v) for c, v in results.items()}) == [
        ("II.4", "Pomoc w zamówieniach publicznych")
    ]
    # one criterion of the service met: delivered, with remarks
    results[area[1]] = "meets"
    assert suggest_conclusion(shipped_template, results).conclusion is OpinionConclusion.POSITIVE_WITH_REMARKS
    # a service entirely "not applicable" is not a failure of delivery
    results = _all(shipped_template, "meets")
    for code in area:
        results[code] = "not_applicable"
    assert suggest_conclusion(shipped_template, results).conclusion is OpinionConclusion.POSITIVE
    # a formal-organisational area failing entirely is judged by its must-hold criteria, not as a service
    formal = [p.criterion.code for p in iter_criteria(shipped_template) if p.area.code == "I.3"]
    results = _all(shipped_template, "meets")
    for code in formal:
        results[code] = "does_not_meet"
    assert services_not_delivered(shipped_template, {c: CriterionResult(v) for c, v in results.items()}) == []


def test_refusals_carry_what_an_api_client_needs() -> None:
    with pytest.raises(InvalidTransitionError) as caught:
        transition(VERIFICATION, "planned", "findings")
    error = caught.value
    assert (error.machine, error.current, error.target, error.allowed) == (
        "verification",
        "planned",
        "findings",
        ("in_progress",),
    )
    assert error.message == str(error) and error.code == "invalid_transition"
    with pytest.raises(InvalidTransitionError, match="Stan jest końcowy — nie można go już zmienić") as final:
        transition(ACCREDITATION, "withdrawn", "accredited")
    assert final.value.allowed == ()
    with pytest.raises(InvalidTransitionError, match="„po ocenie merytorycznej” \\(assessed\\)\\.$") as one:
        transition(ACCREDITATION, "formally_checked", "accredited")
    assert "Dozwolone stany docelowe: „po ocenie merytorycznej” (assessed)." in one.value.message
    with pytest.raises(InvalidTransitionError, match="„akredytowany” \\(accredited\\), „odmowa akredytacji”"):
        transition(ACCREDITATION, "assessed", "withdrawn")
    with pytest.raises(UnknownStateError, match="Znane stany: planned, in_progress, findings"):
        transition(VERIFICATION, "planned", "done")
    assert UnknownStateError("x").code == "unknown_state"
    assert AccreditationRuleError("Zły stan.").message == "Zły stan."


def test_a_machine_is_checked_when_it_is_declared() -> None:
    built = _machine("demo", "próby", "a", {"a": "pierwszy", "b": "drugi"}, {"a": {"b"}})
    assert (built.name, built.label, built.initial) == ("demo", "próby", "a")
    assert dict(built.states) == {"a": "pierwszy", "b": "drugi"}
    assert dict(built.transitions) == {"a": frozenset({"b"})}
    assert built.allowed_targets("a") == ("b",) and built.is_terminal("b")
    with pytest.raises(UnknownStateError, match="Nieznany stan próby: „c”"):
        built.allowed_targets("c")
    with pytest.raises(ValueError, match="initial state 'z' is not a state"):
        _machine("demo", "próby", "z", {"a": "pierwszy"}, {})
    with pytest.raises(ValueError, match=r"unknown states in transitions: \['c'\]"):
        _machine("demo", "próby", "a", {"a": "pierwszy", "b": "drugi"}, {"a": {"b", "c"}})
    with pytest.raises(ValueError, match=r"unknown states in transitions: \['x'\]"):
        _machine("demo", "próby", "a", {"a": "pierwszy", "b": "drugi"}, {"x": {"a"}})
    _machine("demo", "próby", "a", {"a": "pierwszy", "b": "drugi"}, {"a": {"a"}})  # a loop is allowed


def test_a_partner_without_a_name_is_still_named_in_the_refusal() -> None:
    with pytest.raises(PartnerNotEligibleError) as caught:
        check_partner_eligible(None)
    assert caught.value.message.startswith("Podmiot nie jest podmiotem ekonomii społecznej")
    assert "art. 36 ust. 3" in caught.value.message
    with pytest.raises(PartnerNotEligibleError) as named:
        check_partner_eligible(None, "Koło Gospodyń")
    assert named.value.message.startswith("„Koło Gospodyń” nie jest podmiotem")
    with pytest.raises(PartnerNotEligibleError) as letter_b:
        check_partner_eligible("b", "")
    assert letter_b.value.message.startswith("Podmiot to PES z art. 2 pkt 5 lit. b")
    assert (
        "tylko PES z lit. a, d, e lub f" in letter_b.value.message
        and "wskaż ten podmiot" in letter_b.value.message
    )


def test_suggestion_reasons_and_refusals_name_the_criteria(shipped_template: Template) -> None:
    results = _all(shipped_template, "meets")
    clean = suggest_conclusion(shipped_template, results)
    assert clean.reasons == ("wszystkie kryteria spełnione lub nie dotyczą, bez zaleceń",)

    results["I.3.7"] = "needs_completion"
    assert suggest_conclusion(shipped_template, results).reasons == (
        "kryteria wymagające uzupełnienia: I.3.7",
    )
    results["I.3.7"] = "meets"
    assert suggest_conclusion(shipped_template, results, recommendations=["II.1.1", "I.1.1"]).reasons == (
        "sformułowano zalecenia do kryteriów: I.1.1, II.1.1",
    )
    with pytest.raises(
        UnknownCriterionError, match="Zalecenia dotyczą kryteriów spoza szablonu: IX.1.1"
    ) as bad:
        suggest_conclusion(shipped_template, results, recommendations=["IX.1.1", "II.1.1"])
    assert bad.value.codes == ("IX.1.1",)

    # a must-hold set given by the caller replaces the template's own
    results["II.1.1"] = "does_not_meet"
    assert suggest_conclusion(shipped_template, results).conclusion is OpinionConclusion.POSITIVE_WITH_REMARKS
    strict = suggest_conclusion(shipped_template, results, must_hold={"II.1.1"})
    assert strict.conclusion is OpinionConclusion.NEGATIVE
    assert strict.reasons[0] == "niespełnione kryteria obowiązujące przez cały okres akredytacji: II.1.1"
    results["II.1.1"], results["I.1.3"] = "meets", "does_not_meet"
    lenient = suggest_conclusion(shipped_template, results, must_hold=())
    assert lenient.conclusion is OpinionConclusion.POSITIVE_WITH_REMARKS
    assert lenient.reasons == ("niespełnione kryteria: I.1.3",)

    # many missing results: the first ten are named, then an ellipsis
    codes = list(shipped_template.criterion_codes)
    partial = dict.fromkeys(codes[:-11], "meets")
    with pytest.raises(IncompleteResultsError) as missing:
        suggest_conclusion(shipped_template, partial)
    assert missing.value.codes == tuple(codes[-11:])
    assert f"11 kryteriów nie ma jeszcze wyniku ({', '.join(codes[-11:-1])}, …)." in missing.value.message
    partial = dict.fromkeys(codes[:-10], "meets")
    with pytest.raises(IncompleteResultsError) as ten:
        suggest_conclusion(shipped_template, partial)
    assert ten.value.message.endswith(f"({', '.join(codes[-10:])}).")
