"""The law of legal statuses as rules (pure): which changes each status allows, when it ends, which
dates a decision may carry. The API tests in test_register_statuses.py show the same rules at work."""

from __future__ import annotations

from datetime import date

import pytest

from ses.errors import ErrorCollector
from ses.register.statuses import (
    MACHINES,
    PS_ACT_IN_FORCE,
    StatusType,
    add_years,
    check_dates,
    check_extension,
    check_initial,
    check_transition,
    effective_state,
    has_lapsed,
    label,
    reapply_after,
    status_problem,
    term_end,
)

PS, CIS, KIS, ZAZ, WTZ = StatusType.PS, StatusType.CIS, StatusType.KIS, StatusType.ZAZ, StatusType.WTZ
TODAY = date(2026, 3, 16)

# Every change the law allows, and nothing else (art. 12–17 of the Act on social economy for PS;
# the Acts on social employment and on rehabilitation of disabled persons for CIS, KIS, ZAZ, WTZ).
LAW = {
    PS: {
        ("submitted", "active"),
        ("submitted", "refused"),
        ("active", "under_control"),
        ("active", "lost"),
        ("under_control", "active"),
        ("under_control", "lost"),
    },
    CIS: {
        ("submitted", "active"),
        ("submitted", "refused"),
        ("active", "expired"),
        ("active", "withdrawn"),
    },
    KIS: {("active", "removed")},
    ZAZ: {("submitted", "active"), ("submitted", "refused"), ("active", "withdrawn")},
    WTZ: {("active", "closed")},
}
STARTS = {
    PS: {"submitted", "active"},
    CIS: {"submitted", "active"},
    KIS: {"active"},
    ZAZ: {"submitted", "active"},
    WTZ: {"active"},
}
ENDS = {
    PS: {"lost", "refused"},
    CIS: {"expired", "withdrawn", "refused"},
    KIS: {"removed"},
    ZAZ: {"withdrawn", "refused"},
    WTZ: {"closed"},
}
STATES = {
    status_type: {s for pair in pairs for s in pair} | STARTS[status_type]
    for status_type, pairs in LAW.items()
}


def allowed(status_type: StatusType) -> set[tuple[str, str]]:
    states = STATES[status_type]
    return {(a, b) for a in states for b in states if check_transition(status_type, a, b) is None}


@pytest.mark.parametrize("status_type", list(StatusType))
def test_every_status_change_the_law_allows_and_no_other(status_type):
    assert allowed(status_type) == LAW[status_type]
    for current in STATES[status_type]:
        assert MACHINES[status_type].targets(current) == {b for a, b in LAW[status_type] if a == current}


def test_a_submitted_ps_application_becomes_an_active_status():
    assert check_transition(PS, "submitted", "active") is None
    assert check_transition(PS, "under_control", "active") is None
    assert check_transition(CIS, "submitted", "active") is None


@pytest.mark.parametrize("status_type", list(StatusType))
def test_a_status_starts_only_as_an_application_or_a_granted_status(status_type):
    for state in STATES[status_type]:
        error = check_initial(status_type, state)
        assert (error is None) == (state in STARTS[status_type]), state
        if error is not None:
            assert error.field == "state"
            assert ", ".join(sorted(STARTS[status_type])) in error.message


@pytest.mark.parametrize("status_type", list(StatusType))
def test_the_states_that_end_a_status_for_good(status_type):
    assert MACHINES[status_type].terminal == ENDS[status_type]
    for state in ENDS[status_type]:
        error = check_transition(status_type, state, "active")
        assert error is not None and error.field == "to_state"
        assert "jest zamknięty: nie można go zmienić" in error.message


def test_a_refused_change_names_the_states_and_what_is_allowed():
    error = check_transition(PS, "submitted", "lost")
    assert error is not None and error.field == "to_state"
    assert error.message == (
        "Niedozwolona zmiana: status przedsiębiorstwa społecznego ze stanu „złożony wniosek” na "
        "„utracony”. Dozwolone: „aktywny” (active), „odmowa” (refused)."
    )
    closed = check_transition(CIS, "expired", "active")
    assert closed is not None
    assert closed.message == "Status CIS w stanie „wygasły” jest zamknięty: nie można go zmienić."


def test_state_labels_are_polish_and_unknown_states_shown_as_stored():
    assert label("under_control") == "w trakcie kontroli"
    assert label("removed") == "wykreślony"
    assert label("something_else") == "something_else"


@pytest.mark.parametrize(
    ("status_type", "kind", "allowed_kind"),
    [
        (PS, "social_cooperative", True),
        (PS, "association", True),
        (PS, "work_cooperative", True),
        (PS, "nonprofit_company", True),
        (PS, "cis", False),
        (PS, "wtz", False),
        (PS, "business", False),
        (CIS, "cis", True),
        (CIS, "kis", False),
        (KIS, "kis", True),
        (KIS, "association", False),
        (ZAZ, "zaz", True),
        (ZAZ, "wtz", False),
        (WTZ, "wtz", True),
        (WTZ, "zaz", False),
    ],
)
def test_which_organisation_may_hold_which_status(status_type, kind, allowed_kind):
    assert (status_problem(status_type, kind) is None) == allowed_kind


def test_why_an_organisation_cannot_hold_a_status_is_said():
    assert status_problem(PS, "business") == (
        "Status przedsiębiorstwa społecznego może mieć tylko podmiot ekonomii społecznej."
    )
    assert status_problem(PS, "kis") == (
        "Status przedsiębiorstwa społecznego nie przysługuje podmiotowi z art. 2 pkt 5 lit. c "
        "(WTZ, ZAZ, CIS, KIS): o status występuje jednostka, która go prowadzi."
    )
    assert "o status występuje jednostka, która go prowadzi" in (status_problem(PS, "zaz") or "")
    assert status_problem(ZAZ, "wtz") == "Status ZAZ dotyczy tylko jednostek typu ZAZ."


def test_a_cis_status_is_granted_for_five_years_from_the_decision():
    assert term_end(CIS, date(2022, 5, 10)) == date(2027, 5, 10)
    assert term_end(CIS, date(2024, 2, 29)) == date(2029, 2, 28)
    assert term_end(CIS, None) is None
    for other in (PS, KIS, ZAZ, WTZ):
        assert term_end(other, date(2022, 5, 10)) is None


def test_add_years_from_29_february_lands_on_28_february():
    assert add_years(date(2024, 2, 29), 2) == date(2026, 2, 28)
    assert add_years(date(2024, 2, 29), 4) == date(2028, 2, 29)
    assert add_years(date(2023, 2, 28), 1) == date(2024, 2, 28)


def test_an_active_cis_expires_the_day_after_its_last_day():
    last_day = date(2026, 3, 15)
    assert has_lapsed(CIS, "active", last_day, TODAY)
    assert effective_state(CIS, "active", last_day, TODAY) == "expired"
    assert not has_lapsed(CIS, "active", TODAY, TODAY)  # the last day itself is still in force
    assert effective_state(CIS, "active", TODAY, TODAY) == "active"
    assert not has_lapsed(CIS, "active", None, TODAY)
    assert effective_state(CIS, "withdrawn", last_day, TODAY) == "withdrawn"
    assert not has_lapsed(CIS, "submitted", last_day, TODAY)  # an application has no term yet
    assert not has_lapsed(CIS, "expired", last_day, TODAY)
    assert effective_state(PS, "active", last_day, TODAY) == "active"  # a PS status has no term


def test_a_new_ps_application_waits_a_year_from_the_final_loss_decision():
    assert reapply_after(date(2025, 6, 30)) == date(2026, 6, 30)
    assert reapply_after(date(2024, 2, 29)) == date(2025, 2, 28)
    assert reapply_after(None) is None


def extension_problems(**overrides) -> list[tuple[str, str]]:
    arguments = {
        "status_type": CIS,
        "state": "active",
        "valid_to": date(2027, 5, 10),
        "decision_date": date(2026, 3, 2),
        "new_valid_to": date(2032, 5, 10),
        "today": TODAY,
        **overrides,
    }
    problems = ErrorCollector()
    check_extension(problems, **arguments)
    return [(error.field, error.message) for error in problems.errors]


def test_an_active_or_just_expired_cis_may_be_extended():
    assert extension_problems() == []
    assert (
        extension_problems(state="expired", valid_to=date(2026, 3, 10), decision_date=date(2026, 3, 9)) == []
    )
    assert extension_problems(decision_date=TODAY) == []
    assert extension_problems(valid_to=None) == []
    assert extension_problems(decision_date=date(2027, 5, 10), today=date(2027, 6, 1)) == []


def test_only_a_granted_status_with_a_term_is_extended():
    assert extension_problems(status_type=ZAZ) == [
        ("status_type", "Status ZAZ nie ma terminu: nie przedłuża się go.")
    ]
    assert extension_problems(status_type=PS) == [
        ("status_type", "Status przedsiębiorstwa społecznego nie ma terminu: nie przedłuża się go.")
    ]
    assert extension_problems(state="withdrawn") == [
        ("state", "Status CIS w stanie „cofnięty” nie może być przedłużony.")
    ]
    assert extension_problems(state="refused") == [
        ("state", "Status CIS w stanie „odmowa” nie może być przedłużony.")
    ]
    assert extension_problems(state="submitted") == [
        ("state", "Przedłużyć można tylko przyznany status (teraz: „złożony wniosek”).")
    ]


def test_an_extension_is_decided_while_in_force_not_in_the_future_and_moves_the_term_forward():
    assert extension_problems(decision_date=date(2026, 3, 17)) == [
        ("decision_date", "Data decyzji nie może być z przyszłości.")
    ]
    late = extension_problems(state="expired", valid_to=date(2026, 1, 31), decision_date=date(2026, 2, 1))
    assert [field for field, _ in late] == ["decision_date"]
    assert "Status obowiązywał do 2026-01-31" in late[0][1]
    assert extension_problems(new_valid_to=date(2027, 5, 10)) == [
        ("valid_to", "Nowy termin musi być późniejszy niż dotychczasowy (2027-05-10).")
    ]
    assert extension_problems(new_valid_to=date(2027, 5, 9))[0][0] == "valid_to"
    assert extension_problems(new_valid_to=date(2027, 5, 11)) == []
    assert extension_problems(decision_date=date(2027, 6, 1), today=date(2027, 6, 1)) == [
        (
            "decision_date",
            "Status obowiązywał do 2027-05-10: po tym dniu nie można go przedłużyć, potrzebna jest nowa "
            "decyzja o nadaniu statusu.",
        )
    ]


def date_problems(**arguments) -> list[str]:
    problems = ErrorCollector()
    check_dates(problems, today=TODAY, **{"decision_date": None, **arguments})
    return [error.field for error in problems.errors]


def test_dates_of_a_status_change_that_are_accepted():
    assert date_problems(decision_date=None) == []
    assert date_problems(decision_date=TODAY, on_date=TODAY, final_date=TODAY) == []
    assert (
        date_problems(
            decision_date=date(2025, 1, 10),
            on_date=date(2025, 1, 10),
            final_date=date(2025, 1, 10),
            status_type=PS,
        )
        == []
    )
    assert date_problems(decision_date=PS_ACT_IN_FORCE, status_type=PS) == []
    assert date_problems(decision_date=date(2019, 4, 1), status_type=CIS) == []  # CIS existed long before


def test_a_ps_status_decision_cannot_predate_the_act_on_social_economy():
    assert date_problems(decision_date=date(2022, 10, 29), status_type=PS) == ["decision_date"]


def test_no_date_of_a_status_change_may_be_in_the_future():
    tomorrow = date(2026, 3, 17)
    assert date_problems(decision_date=tomorrow) == ["decision_date"]
    assert date_problems(on_date=tomorrow) == ["on_date"]
    assert date_problems(on_date=date(2026, 3, 1), final_date=tomorrow) == ["final_date"]
    assert date_problems(final_date=tomorrow) == ["final_date"]


def test_a_change_follows_the_decision_and_becomes_final_only_after_it():
    assert date_problems(decision_date=date(2025, 5, 10), on_date=date(2025, 5, 9)) == ["on_date"]
    assert date_problems(decision_date=date(2025, 5, 10), on_date=date(2025, 5, 10)) == []
    assert date_problems(on_date=date(2025, 5, 10), final_date=date(2025, 5, 9)) == ["final_date"]
    assert date_problems(on_date=date(2025, 5, 10), final_date=date(2025, 5, 10)) == []
    assert date_problems(decision_date=date(2025, 5, 10), final_date=date(2025, 5, 1)) == []


def test_every_wrong_date_is_reported_at_once_with_its_message():
    problems = ErrorCollector()
    check_dates(
        problems,
        today=TODAY,
        decision_date=date(2022, 1, 5),
        on_date=date(2021, 12, 1),
        final_date=date(2021, 11, 1),
        status_type=PS,
    )
    assert [(e.field, e.message) for e in problems.errors] == [
        (
            "decision_date",
            "Status przedsiębiorstwa społecznego nadaje wojewoda od wejścia w życie ustawy o ekonomii "
            "społecznej (30.10.2022): decyzja nie może być wcześniejsza.",
        ),
        ("on_date", "Zmiana nie może poprzedzać decyzji przyznającej status."),
        ("final_date", "Decyzja nie może stać się ostateczna przed jej wydaniem."),
    ]
    future = ErrorCollector()
    check_dates(future, today=TODAY, decision_date=date(2027, 1, 1), on_date=date(2027, 1, 2))
    assert [(e.field, e.message) for e in future.errors] == [
        ("decision_date", "Data decyzji nie może być z przyszłości."),
        ("on_date", "Data zmiany nie może być z przyszłości."),
    ]
    final = ErrorCollector()
    check_dates(final, today=TODAY, decision_date=None, final_date=date(2027, 1, 1))
    assert final.errors[0].message == "Data uprawomocnienia nie może być z przyszłości."


def test_every_change_of_a_status_must_say_why_and_only_a_cis_has_a_term():
    assert [t for t in StatusType if MACHINES[t].reason_required] == [PS, CIS, KIS, ZAZ, WTZ]
    assert {t: MACHINES[t].valid_years for t in StatusType} == {
        PS: None,
        CIS: 5,
        KIS: None,
        ZAZ: None,
        WTZ: None,
    }
