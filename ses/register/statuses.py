"""Legal statuses as explicit state machines (pure: no database, no web).

PS status (Act of 5 Aug 2022, art. 12–17): submitted → active ⇄ under control → lost; a new
application only one year after the loss decision became final. CIS status: voivode's decision for
five years. KIS: entry in the voivode's register. ZAZ: voivode's decision. WTZ: run under powiat
rules (open or closed).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from ses.errors import ErrorCollector, FieldError
from ses.register.vocab import STATUS_ELIGIBLE_LETTERS, Kind, letter_of


class StatusType(StrEnum):
    PS = "ps"
    CIS = "cis"
    KIS = "kis"
    ZAZ = "zaz"
    WTZ = "wtz"


class PsGoal(StrEnum):
    REINTEGRATION = "reintegration"
    SOCIAL_SERVICES = "social_services"


@dataclass(frozen=True)
class Machine:
    label: str
    initial: frozenset[str]
    transitions: dict[str, frozenset[str]]
    terminal: frozenset[str]
    valid_years: int | None = None
    """A status granted for a term: it expires on its own the day after `valid_to`."""
    reason_required: bool = True
    """Every change of the state must say why: each transition records who, when and why (the law's
    lifecycles, DOMAIN.md); for a PS the voivode's list is read by the minister."""

    def targets(self, state: str) -> frozenset[str]:
        return self.transitions.get(state, frozenset())


MACHINES: dict[StatusType, Machine] = {
    StatusType.PS: Machine(
        label="status przedsiębiorstwa społecznego",
        initial=frozenset({"submitted", "active"}),
        transitions={
            "submitted": frozenset({"active", "refused"}),
            "active": frozenset({"under_control", "lost"}),
            "under_control": frozenset({"active", "lost"}),
        },
        terminal=frozenset({"lost", "refused"}),
    ),
    StatusType.CIS: Machine(
        label="status CIS",
        initial=frozenset({"submitted", "active"}),
        transitions={
            "submitted": frozenset({"active", "refused"}),
            "active": frozenset({"expired", "withdrawn"}),
        },
        terminal=frozenset({"expired", "withdrawn", "refused"}),
        valid_years=5,
    ),
    StatusType.KIS: Machine(
        label="wpis KIS do rejestru wojewody",
        initial=frozenset({"active"}),
        transitions={"active": frozenset({"removed"})},
        terminal=frozenset({"removed"}),
    ),
    StatusType.ZAZ: Machine(
        label="status ZAZ",
        initial=frozenset({"submitted", "active"}),
        transitions={
            "submitted": frozenset({"active", "refused"}),
            "active": frozenset({"withdrawn"}),
        },
        terminal=frozenset({"withdrawn", "refused"}),
    ),
    StatusType.WTZ: Machine(
        label="działalność WTZ",
        initial=frozenset({"active"}),
        transitions={"active": frozenset({"closed"})},
        terminal=frozenset({"closed"}),
    ),
}

STATE_LABELS = {
    "submitted": "złożony wniosek",
    "active": "aktywny",
    "under_control": "w trakcie kontroli",
    "lost": "utracony",
    "refused": "odmowa",
    "expired": "wygasły",
    "withdrawn": "cofnięty",
    "removed": "wykreślony",
    "closed": "zamknięty",
}

# Which kinds of organisation each status belongs to (PS: by PES letter, see `status_problem`).
UNIT_STATUS_KIND = {
    StatusType.CIS: Kind.CIS,
    StatusType.KIS: Kind.KIS,
    StatusType.ZAZ: Kind.ZAZ,
    StatusType.WTZ: Kind.WTZ,
}


def label(state: str) -> str:
    return STATE_LABELS.get(state, state)


def _sentence(text: str) -> str:
    """`text` opening a sentence: only its first letter raised ("Status CIS", not "Status cis")."""
    return text[:1].upper() + text[1:]


def status_problem(status_type: StatusType, kind: str) -> str | None:
    """Why an organisation of this kind cannot hold this status, or None when it can."""
    if status_type is StatusType.PS:
        letter = letter_of(kind)
        if letter is None:
            return "Status przedsiębiorstwa społecznego może mieć tylko podmiot ekonomii społecznej."
        if letter not in STATUS_ELIGIBLE_LETTERS:
            return (
                "Status przedsiębiorstwa społecznego nie przysługuje podmiotowi "
                f"z art. 2 pkt 5 lit. {letter} "
                "(WTZ, ZAZ, CIS, KIS): o status występuje jednostka, która go prowadzi."
            )
        return None
    expected = UNIT_STATUS_KIND[status_type]
    if Kind(kind) is not expected:
        return (
            f"{_sentence(MACHINES[status_type].label)} dotyczy tylko jednostek typu {expected.value.upper()}."
        )
    return None


def check_initial(status_type: StatusType, state: str) -> FieldError | None:
    machine = MACHINES[status_type]
    if state not in machine.initial:
        allowed = ", ".join(sorted(machine.initial))
        return FieldError("state", f"Nowy {machine.label} może zacząć się tylko w stanie: {allowed}.")
    return None


def check_transition(status_type: StatusType, current: str, target: str) -> FieldError | None:
    machine = MACHINES[status_type]
    allowed = machine.targets(current)
    if target in allowed:
        return None
    if not allowed:
        return FieldError(
            "to_state",
            f"{_sentence(machine.label)} w stanie „{label(current)}” jest zamknięty: nie można go zmienić.",
        )
    options = ", ".join(f"„{label(s)}” ({s})" for s in sorted(allowed))
    return FieldError(
        "to_state",
        f"Niedozwolona zmiana: {machine.label} ze stanu „{label(current)}” na „{label(target)}”. "
        f"Dozwolone: {options}.",
    )


def add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


PS_ACT_IN_FORCE = date(2022, 10, 30)
"""The Act of 5 August 2022 on social economy took effect on 30 October 2022: no voivode decided a
PS status before it (the earlier "PS" lists were not statuses in law)."""

EXPIRED = "expired"


def term_end(status_type: StatusType, start: date | None) -> date | None:
    """The last day of a status granted for a term (CIS: five years from the decision)."""
    years = MACHINES[status_type].valid_years
    if not years or start is None:
        return None
    return add_years(start, years)


def has_lapsed(status_type: StatusType, state: str, valid_to: date | None, today: date) -> bool:
    """A status with a term that is still open on paper but whose last day has passed."""
    machine = MACHINES[status_type]
    return (
        valid_to is not None
        and valid_to < today
        and state not in machine.terminal
        and EXPIRED in machine.targets(state)
    )


def effective_state(status_type: StatusType, state: str, valid_to: date | None, today: date) -> str:
    """The state as the law sees it today: a lapsed term means expired, whatever is stored."""
    return EXPIRED if has_lapsed(status_type, state, valid_to, today) else state


def reapply_after(loss_final_date: date | None) -> date | None:
    """A new PS application is possible one year after the loss decision became final.

    Without the date it became final nothing earlier may be computed (an appeal can delay it by
    months): the date stays unknown until the final date is recorded.
    """
    return add_years(loss_final_date, 1) if loss_final_date else None


def check_extension(
    problems: ErrorCollector,
    *,
    status_type: StatusType,
    state: str,
    valid_to: date | None,
    decision_date: date,
    new_valid_to: date,
    today: date,
) -> None:
    """An extension of a status with a term: decided while the status was still in force."""
    machine = MACHINES[status_type]
    if not machine.valid_years:
        problems.add("status_type", f"{_sentence(machine.label)} nie ma terminu: nie przedłuża się go.")
        return
    if state in machine.terminal and state != EXPIRED:
        problems.add(
            "state", f"{_sentence(machine.label)} w stanie „{label(state)}” nie może być przedłużony."
        )
        return
    if state not in machine.terminal and EXPIRED not in machine.targets(state):
        problems.add("state", f"Przedłużyć można tylko przyznany status (teraz: „{label(state)}”).")
        return
    if decision_date > today:
        problems.add("decision_date", "Data decyzji nie może być z przyszłości.")
    if valid_to is not None and decision_date > valid_to:
        problems.add(
            "decision_date",
            f"Status obowiązywał do {valid_to.isoformat()}: po tym dniu nie można go przedłużyć, "
            "potrzebna jest nowa decyzja o nadaniu statusu.",
        )
    if valid_to is not None and new_valid_to <= valid_to:
        problems.add(
            "valid_to", f"Nowy termin musi być późniejszy niż dotychczasowy ({valid_to.isoformat()})."
        )


def check_dates(
    problems: ErrorCollector,
    *,
    today: date,
    decision_date: date | None,
    on_date: date | None = None,
    final_date: date | None = None,
    status_type: StatusType | None = None,
) -> None:
    if status_type is StatusType.PS and decision_date and decision_date < PS_ACT_IN_FORCE:
        problems.add(
            "decision_date",
            "Status przedsiębiorstwa społecznego nadaje wojewoda od wejścia w życie ustawy o ekonomii "
            "społecznej (30.10.2022): decyzja nie może być wcześniejsza.",
        )
    if decision_date and decision_date > today:
        problems.add("decision_date", "Data decyzji nie może być z przyszłości.")
    if on_date and on_date > today:
        problems.add("on_date", "Data zmiany nie może być z przyszłości.")
    if on_date and decision_date and on_date < decision_date:
        problems.add("on_date", "Zmiana nie może poprzedzać decyzji przyznającej status.")
    if final_date and on_date and final_date < on_date:
        problems.add("final_date", "Decyzja nie może stać się ostateczna przed jej wydaniem.")
    if final_date and final_date > today:
        problems.add("final_date", "Data uprawomocnienia nie może być z przyszłości.")
