"""Lifecycles and rules of OWES accreditation, as data and pure functions.

State machines are plain data (`StateMachine`): the service layer stores the state as a string,
calls `transition(machine, current, target)` before changing it and records who/when/why in the
audit. Every refusal is an `AccreditationRuleError` subclass with a Polish message that names the
states involved and what would have been allowed, so the API can return it to the user as it is.

Pure module: no database, no web framework.
"""

from __future__ import annotations

import calendar
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from types import MappingProxyType

from accreditation.checklists import Template, iter_criteria, must_hold_codes

__all__ = [
    "ACCREDITATION",
    "CONCLUSION_RULE",
    "IN_FORCE",
    "ELIGIBLE_PES_LETTERS",
    "MAX_ACCREDITATION_YEARS",
    "OPINION",
    "VERIFICATION",
    "AccreditationPeriodError",
    "AccreditationRuleError",
    "ConclusionSuggestion",
    "CriterionResult",
    "IncompleteResultsError",
    "InvalidTransitionError",
    "OpinionConclusion",
    "OverlappingAccreditationError",
    "PartnerNotEligibleError",
    "Period",
    "StateMachine",
    "UnknownCriterionError",
    "UnknownStateError",
    "VerificationMode",
    "add_years",
    "approval_problems",
    "check_accreditation_transition",
    "check_decision_date",
    "check_verifiable",
    "effective_state",
    "services_not_delivered",
    "check_accreditation_period",
    "check_no_overlap",
    "check_partner_eligible",
    "check_results_against_template",
    "find_overlap",
    "missing_results",
    "partner_eligible",
    "suggest_conclusion",
    "transition",
]


# ---------------------------------------------------------------------------------------------
# Errors


class AccreditationRuleError(ValueError):
    """A refused operation; `code` is stable for API clients, `str(err)` is the Polish message."""

    code = "accreditation_rule"

    def __init__(self, message: str) -> None:
        self.message = message
        super().__init__(message)


class UnknownStateError(AccreditationRuleError):
    code = "unknown_state"


class InvalidTransitionError(AccreditationRuleError):
    code = "invalid_transition"

    def __init__(
        self, message: str, *, machine: str, current: str, target: str, allowed: tuple[str, ...]
    ) -> None:
        super().__init__(message)
        self.machine = machine
        self.current = current
        self.target = target
        self.allowed = allowed


class AccreditationPeriodError(AccreditationRuleError):
    code = "accreditation_period"


class OverlappingAccreditationError(AccreditationRuleError):
    code = "accreditation_overlap"

    def __init__(self, message: str, *, existing: Period) -> None:
        super().__init__(message)
        self.existing = existing


class PartnerNotEligibleError(AccreditationRuleError):
    code = "partner_not_eligible"


class UnknownCriterionError(AccreditationRuleError):
    code = "unknown_criterion"

    def __init__(self, message: str, *, codes: tuple[str, ...]) -> None:
        super().__init__(message)
        self.codes = codes


class IncompleteResultsError(AccreditationRuleError):
    code = "incomplete_results"

    def __init__(self, message: str, *, codes: tuple[str, ...]) -> None:
        super().__init__(message)
        self.codes = codes


# ---------------------------------------------------------------------------------------------
# State machines


@dataclass(frozen=True)
class StateMachine:
    """States (with Polish labels), the initial state and the allowed transitions."""

    name: str
    label: str  # Polish, in the genitive after "stan …" e.g. "akredytacji OWES"
    initial: str
    states: Mapping[str, str]
    transitions: Mapping[str, frozenset[str]]

    def __post_init__(self) -> None:
        # Checked once at import: a typo in the data must not surface as a confusing refusal later.
        if self.initial not in self.states:
            raise ValueError(f"{self.name}: initial state {self.initial!r} is not a state")
        for source, targets in self.transitions.items():
            unknown = ({source} | set(targets)) - set(self.states)
            if unknown:
                raise ValueError(f"{self.name}: unknown states in transitions: {sorted(unknown)}")

    def allowed_targets(self, current: str) -> tuple[str, ...]:
        """Targets reachable from `current`, in the order the states are declared."""
        self._require_state(current)
        targets = self.transitions.get(current, frozenset())
        return tuple(s for s in self.states if s in targets)

    def can(self, current: str, target: str) -> bool:
        return current in self.states and target in self.transitions.get(current, frozenset())

    def is_terminal(self, state: str) -> bool:
        self._require_state(state)
        return not self.transitions.get(state)

    def describe(self, state: str) -> str:
        """ "„akredytowany” (accredited)" — the Polish label with the stored value."""
        return f"„{self.states[state]}” ({state})"

    def _require_state(self, state: str) -> None:
        if state not in self.states:
            known = ", ".join(self.states)
            raise UnknownStateError(f"Nieznany stan {self.label}: „{state}”. Znane stany: {known}.")


def _machine(
    name: str, label: str, initial: str, states: dict[str, str], transitions: dict[str, set[str]]
) -> StateMachine:
    return StateMachine(
        name=name,
        label=label,
        initial=initial,
        states=MappingProxyType(states),
        transitions=MappingProxyType({k: frozenset(v) for k, v in transitions.items()}),
    )


ACCREDITATION = _machine(
    "accreditation",
    "akredytacji OWES",
    "submitted",
    {
        "submitted": "wniosek złożony",
        "formally_checked": "po ocenie formalnej",
        "assessed": "po ocenie merytorycznej",
        "accredited": "akredytowany",
        "refused": "odmowa akredytacji",
        "under_verification": "w trakcie weryfikacji",
        "corrective_actions": "działania naprawcze",
        "withdrawn": "akredytacja cofnięta",
        "expired": "akredytacja wygasła",
    },
    {
        "submitted": {"formally_checked"},
        "formally_checked": {"assessed"},
        "assessed": {"accredited", "refused"},
        "accredited": {"under_verification", "expired"},
        # The period runs out whatever the ROPS is doing: an accreditation under verification or
        # under corrective actions also expires when its `valid_to` passes.
        "under_verification": {"accredited", "corrective_actions", "withdrawn", "expired"},
        "corrective_actions": {"accredited", "withdrawn", "expired"},
    },
)

VERIFICATION = _machine(
    "verification",
    "weryfikacji",
    "planned",
    {
        "planned": "zaplanowana",
        "in_progress": "w toku",
        "findings": "ustalenia",
        "opinion_drafted": "projekt opinii",
        "opinion_approved": "opinia zatwierdzona",
    },
    {
        "planned": {"in_progress"},
        "in_progress": {"findings"},
        "findings": {"opinion_drafted"},
        "opinion_drafted": {"opinion_approved"},
    },
)

# An approved opinion is locked; a later change is a new version that supersedes it.
OPINION = _machine(
    "opinion",
    "opinii",
    "draft",
    {"draft": "projekt", "approved": "zatwierdzona", "superseded": "zastąpiona nowszą wersją"},
    {"draft": {"approved"}, "approved": {"superseded"}},
)


def transition(machine: StateMachine, current: str, target: str) -> None:
    """Allow the change `current → target` or raise `InvalidTransitionError` (Polish message)."""
    machine._require_state(current)
    machine._require_state(target)
    if machine.can(current, target):
        return
    allowed = machine.allowed_targets(current)
    if allowed:
        options = ", ".join(machine.describe(s) for s in allowed)
        hint = f"Dozwolone stany docelowe: {options}."
    else:
        hint = "Stan jest końcowy — nie można go już zmienić."
    message = (
        f"Niedozwolona zmiana stanu {machine.label} z {machine.describe(current)} "
        f"na {machine.describe(target)}. {hint}"
    )
    raise InvalidTransitionError(
        message, machine=machine.name, current=current, target=target, allowed=allowed
    )


# ---------------------------------------------------------------------------------------------
# Value sets


class CriterionResult(StrEnum):
    MEETS = "meets"
    DOES_NOT_MEET = "does_not_meet"
    PARTLY = "partly"  # internal working value of the team; never printed in an opinion
    NOT_APPLICABLE = "not_applicable"
    NEEDS_COMPLETION = "needs_completion"

    @property
    def label(self) -> str:
        return _RESULT_LABELS[self]

    @property
    def printable(self) -> bool:
        """Whether the value may appear in an opinion (the working value "partly" may not)."""
        return self is not CriterionResult.PARTLY


_RESULT_LABELS = {
    CriterionResult.MEETS: "spełnia",
    CriterionResult.DOES_NOT_MEET: "nie spełnia",
    CriterionResult.PARTLY: "częściowo (ocena robocza)",
    CriterionResult.NOT_APPLICABLE: "nie dotyczy",
    CriterionResult.NEEDS_COMPLETION: "wymaga uzupełnienia",
}


class OpinionConclusion(StrEnum):
    POSITIVE = "positive"
    POSITIVE_WITH_REMARKS = "positive_with_remarks"
    NEGATIVE = "negative"

    @property
    def label(self) -> str:
        return _CONCLUSION_LABELS[self]


_CONCLUSION_LABELS = {
    OpinionConclusion.POSITIVE: "opinia pozytywna",
    OpinionConclusion.POSITIVE_WITH_REMARKS: "opinia pozytywna z uwagami",
    OpinionConclusion.NEGATIVE: "opinia negatywna",
}


class VerificationMode(StrEnum):
    DESK_REVIEW = "desk_review"
    SITE_VISIT = "site_visit"
    INTERVIEW = "interview"

    @property
    def label(self) -> str:
        return {
            "desk_review": "analiza dokumentów",
            "site_visit": "wizyta w siedzibie",
            "interview": "wywiad",
        }[self.value]


def _parse_result(code: str, value: str | CriterionResult) -> CriterionResult:
    try:
        return CriterionResult(value)
    except ValueError:
        allowed = ", ".join(r.value for r in CriterionResult)
        raise AccreditationRuleError(
            f"Nieznany wynik „{value}” dla kryterium „{code}”. Dozwolone wyniki: {allowed}."
        ) from None


# ---------------------------------------------------------------------------------------------
# Accreditation period

MAX_ACCREDITATION_YEARS = 2


def add_years(day: date, years: int) -> date:
    """The same calendar day `years` later; 29 February becomes 28 February in a common year."""
    target = day.year + years
    if day.month == 2 and day.day == 29 and not calendar.isleap(target):
        return date(target, 2, 28)
    return day.replace(year=target)


def _pl(day: date) -> str:
    return day.strftime("%d.%m.%Y")


def check_decision_date(decision_date: date, today: date) -> None:
    """Refuse a decision dated in the future: a decision is recorded once it has been issued."""
    if decision_date > today:
        raise AccreditationPeriodError(
            f"Data decyzji ({_pl(decision_date)}) jest późniejsza niż dzisiejsza ({_pl(today)}); "
            "decyzję wpisuje się po jej wydaniu."
        )


def check_accreditation_period(
    decision_date: date, valid_from: date, valid_to: date, today: date | None = None
) -> None:
    """Refuse a period that starts before the decision, ends before it starts, or lasts too long,
    and (given `today`) a decision dated in the future.

    Art. 36 ust. 2: accreditation is granted for at most 2 years; `valid_to` may be at most the same
    calendar day two years after the decision date.
    """
    if today is not None:
        check_decision_date(decision_date, today)
    if valid_to < valid_from:
        raise AccreditationPeriodError(
            f"Data końca akredytacji ({_pl(valid_to)}) jest wcześniejsza "
            f"niż data początku ({_pl(valid_from)})."
        )
    if valid_from < decision_date:
        raise AccreditationPeriodError(
            f"Akredytacja nie może obowiązywać od {_pl(valid_from)}, czyli przed datą decyzji "
            f"({_pl(decision_date)})."
        )
    latest = add_years(decision_date, MAX_ACCREDITATION_YEARS)
    if valid_to > latest:
        raise AccreditationPeriodError(
            f"Akredytacja może trwać najwyżej {MAX_ACCREDITATION_YEARS} lata od daty decyzji "
            f"({_pl(decision_date)}), czyli najpóźniej do {_pl(latest)}; podano koniec {_pl(valid_to)} "
            "(art. 36 ust. 2 ustawy o ekonomii społecznej)."
        )


@dataclass(frozen=True)
class Period:
    """An accreditation period, both ends inclusive; `label` names it in messages (e.g. decision no.)."""

    valid_from: date
    valid_to: date
    label: str | None = None

    def overlaps(self, other: Period) -> bool:
        return self.valid_from <= other.valid_to and other.valid_from <= self.valid_to

    def describe(self) -> str:
        span = f"{_pl(self.valid_from)}–{_pl(self.valid_to)}"
        return f"{self.label} ({span})" if self.label else span


def find_overlap(existing: Iterable[Period], new: Period) -> Period | None:
    """The first existing period that shares at least one day with `new`, or None.

    The caller passes only periods that still count (not refused; a withdrawn accreditation with
    its period cut at the withdrawal date).
    """
    return next((period for period in existing if period.overlaps(new)), None)


def check_no_overlap(existing: Iterable[Period], new: Period) -> None:
    clash = find_overlap(existing, new)
    if clash is not None:
        raise OverlappingAccreditationError(
            f"Okres akredytacji {new.describe()} nakłada się na istniejącą akredytację tego OWES: "
            f"{clash.describe()}. Jeden OWES nie może mieć dwóch akredytacji w tym samym czasie.",
            existing=clash,
        )


# ---------------------------------------------------------------------------------------------
# Partnership eligibility

# Art. 36 ust. 3: only a PES of letter a or d–f may be an OWES (alone or as lead/partner). WTZ/ZAZ (b)
# and CIS/KIS (c) act through the body that runs them.
ELIGIBLE_PES_LETTERS: frozenset[str] = frozenset({"a", "d", "e", "f"})
_PES_LETTERS = "abcdef"
_PES_LETTER_NAMES = {
    "a": "spółdzielnia socjalna",
    "b": "warsztat terapii zajęciowej lub zakład aktywności zawodowej",
    "c": "centrum lub klub integracji społecznej",
    "d": "spółdzielnia pracy lub spółdzielnia produkcji rolnej",
    "e": "organizacja pozarządowa lub podmiot z art. 3 ust. 3 ustawy o działalności pożytku publicznego",
    "f": "kościelna osoba prawna, związek JST lub spółka non-profit",
}


def _normalise_letter(letter: str) -> str:
    value = letter.strip().lower().removeprefix("lit.").strip().rstrip(")").strip()
    if len(value) != 1 or value not in _PES_LETTERS:
        raise AccreditationRuleError(
            f"Nieznana litera PES „{letter}”; art. 2 pkt 5 ustawy o ekonomii społecznej zna litery a–f."
        )
    return value


def partner_eligible(pes_letter: str | None) -> bool:
    """Whether an organisation of this PES letter may be an OWES lead or partner (None: not a PES)."""
    if pes_letter is None:
        return False
    return _normalise_letter(pes_letter) in ELIGIBLE_PES_LETTERS


def check_partner_eligible(pes_letter: str | None, name: str | None = None) -> None:
    """Raise `PartnerNotEligibleError` naming the organisation and why it cannot be a partner."""
    who = f"„{name}”" if name else "Podmiot"
    if pes_letter is None:
        raise PartnerNotEligibleError(
            f"{who} nie jest podmiotem ekonomii społecznej, więc nie może być liderem ani partnerem OWES "
            "(art. 36 ust. 3 ustawy o ekonomii społecznej)."
        )
    letter = _normalise_letter(pes_letter)
    if letter in ELIGIBLE_PES_LETTERS:
        return
    raise PartnerNotEligibleError(
        f"{who} to PES z art. 2 pkt 5 lit. {letter} ({_PES_LETTER_NAMES[letter]}) i nie może być liderem ani "
        "partnerem OWES; mogą nimi być tylko PES z lit. a, d, e lub f. Jednostka z lit. b lub c działa przez "
        "podmiot, który ją prowadzi — wskaż ten podmiot."
    )


# ---------------------------------------------------------------------------------------------
# Results against a template and the suggested conclusion


def check_results_against_template(template: Template, results: Mapping[str, object]) -> None:
    """Refuse results for criteria that the template version does not contain."""
    known = set(template.criterion_codes)
    unknown = tuple(sorted(code for code in results if code not in known))
    if unknown:
        raise UnknownCriterionError(
            f"Wyniki dotyczą kryteriów, których nie ma w szablonie „{template.code}” w wersji "
            f"{template.version}: {', '.join(unknown)}.",
            codes=unknown,
        )


def missing_results(template: Template, results: Mapping[str, object]) -> tuple[str, ...]:
    """Codes of template criteria that have no result yet, in document order."""
    return tuple(p.criterion.code for p in iter_criteria(template) if p.criterion.code not in results)


# The rule behind the suggestion, said once so the page, the API and the opinion state the same.
CONCLUSION_RULE = (
    "Propozycja konkluzji wynika ze standardów: opinia negatywna, gdy OWES nie spełnia choć jednego "
    "kryterium, które musi być spełnione przez cały okres akredytacji, albo gdy w którejś z usług "
    "(obszar części merytorycznej) nie spełnia żadnego kryterium — ośrodek, który usługi nie świadczy, "
    "nie realizuje standardów (art. 40 ustawy o ekonomii społecznej); opinia pozytywna z uwagami, gdy "
    "pozostają inne niespełnione kryteria, kryteria wymagające uzupełnienia, robocze oceny zespołu "
    "lub zalecenia; w pozostałych przypadkach opinia pozytywna. Ostateczną konkluzję ustala ROPS."
)


@dataclass(frozen=True)
class ConclusionSuggestion:
    """What the results point to; staff decide the final conclusion and write the justification."""

    conclusion: OpinionConclusion
    reasons: tuple[str, ...] = field(default_factory=tuple)
    rule: str = CONCLUSION_RULE


def _codes(codes: Iterable[str]) -> str:
    return ", ".join(codes)


def services_not_delivered(
    template: Template, results: Mapping[str, CriterionResult]
) -> list[tuple[str, str]]:
    """(area code, title) of each service of the substantive part in which no criterion is met and
    at least one is not met: the OWES does not deliver that service."""
    out = []
    for part in template.parts:
        if part.kind != "substantive":
            continue
        for area in part.areas:
            found = [results.get(c.code) for c in area.criteria]
            if CriterionResult.MEETS not in found and CriterionResult.DOES_NOT_MEET in found:
                out.append((area.code, area.title))
    return out


def suggest_conclusion(
    template: Template,
    results: Mapping[str, str | CriterionResult],
    *,
    recommendations: Collection[str] = (),
    must_hold: Collection[str] | None = None,
) -> ConclusionSuggestion:
    """Suggest the opinion's conclusion from the criterion results of one verification
    (the rule is `CONCLUSION_RULE`):

    - any "does not meet" on a must-hold criterion (by default: those that must hold for the whole
      accreditation period) → negative;
    - a service (an area of the substantive part) with no criterion met and one not met → negative;
    - otherwise any "does not meet" elsewhere, "needs completion", a working "partly" still left,
      or any recommendation → positive with remarks;
    - otherwise → positive.

    `results` maps criterion code → result; every criterion of the template must have one.
    `recommendations` are the codes of criteria with a recommendation.
    """
    check_results_against_template(template, results)
    unknown_recommendations = tuple(sorted(set(recommendations) - set(template.criterion_codes)))
    if unknown_recommendations:
        raise UnknownCriterionError(
            f"Zalecenia dotyczą kryteriów spoza szablonu: {_codes(unknown_recommendations)}.",
            codes=unknown_recommendations,
        )
    missing = missing_results(template, results)
    if missing:
        raise IncompleteResultsError(
            f"Nie można zaproponować konkluzji: {len(missing)} kryteriów nie ma jeszcze wyniku "
            f"({_codes(missing[:10])}{', …' if len(missing) > 10 else ''}).",
            codes=missing,
        )
    parsed = {code: _parse_result(code, value) for code, value in results.items()}
    essential = must_hold_codes(template) if must_hold is None else frozenset(must_hold)
    order = template.criterion_codes

    def having(result: CriterionResult, among: Collection[str] | None = None) -> list[str]:
        return [c for c in order if parsed[c] is result and (among is None or c in among)]

    failed_essential = having(CriterionResult.DOES_NOT_MEET, essential)
    failed_other = [c for c in having(CriterionResult.DOES_NOT_MEET) if c not in essential]
    not_delivered = services_not_delivered(template, parsed)
    to_complete = having(CriterionResult.NEEDS_COMPLETION)
    partly = having(CriterionResult.PARTLY)
    recommended = [c for c in order if c in set(recommendations)]

    reasons: list[str] = []
    if failed_essential:
        reasons.append(
            f"niespełnione kryteria obowiązujące przez cały okres akredytacji: {_codes(failed_essential)}"
        )
    if not_delivered:
        services = ", ".join(f"{code} {title}" for code, title in not_delivered)
        reasons.append(
            f"usługi, w których nie spełniono żadnego kryterium (usługa nie jest świadczona): {services}"
        )
    if failed_other:
        reasons.append(f"niespełnione kryteria: {_codes(failed_other)}")
    if to_complete:
        reasons.append(f"kryteria wymagające uzupełnienia: {_codes(to_complete)}")
    if partly:
        reasons.append(
            f"robocza ocena „częściowo” przy kryteriach {_codes(partly)} — przed zatwierdzeniem opinii "
            "zmień ją na wynik ostateczny"
        )
    if recommended:
        reasons.append(f"sformułowano zalecenia do kryteriów: {_codes(recommended)}")

    if failed_essential or not_delivered:
        conclusion = OpinionConclusion.NEGATIVE
    elif failed_other or to_complete or partly or recommended:
        conclusion = OpinionConclusion.POSITIVE_WITH_REMARKS
    else:
        conclusion = OpinionConclusion.POSITIVE
        reasons.append("wszystkie kryteria spełnione lub nie dotyczą, bez zaleceń")
    return ConclusionSuggestion(conclusion, tuple(reasons))


# ---------------------------------------------------------------------------------------------
# What may happen to an accreditation on a given day, and what an opinion needs to be approved

# States in which an accreditation is in force (its period counts and it shows as current).
IN_FORCE: frozenset[str] = frozenset({"accredited", "under_verification", "corrective_actions"})


def effective_state(state: str, valid_to: date | None, today: date) -> str:
    """The state as it is today: an accreditation in force whose period has passed has expired."""
    if state in IN_FORCE and valid_to is not None and valid_to < today:
        return "expired"
    return state


def check_accreditation_transition(current: str, target: str, valid_to: date | None, today: date) -> None:
    """`transition` plus the calendar: "expired" only after `valid_to`; nothing else once it passed."""
    transition(ACCREDITATION, current, target)
    lapsed = valid_to is not None and valid_to < today
    if target == "expired" and not lapsed:
        message = "Akredytacja wygasa dopiero po upływie daty „obowiązuje do”."
        if valid_to is not None:
            message += f" Ta obowiązuje do {_pl(valid_to)}."
        raise AccreditationPeriodError(message)
    if target != "expired" and lapsed and current in IN_FORCE:
        raise AccreditationPeriodError(
            f"Akredytacja wygasła {_pl(valid_to)} (upłynęła data „obowiązuje do”), więc nie można zmienić "  # type: ignore[arg-type]
            f"jej stanu na {ACCREDITATION.describe(target)}; można ją tylko oznaczyć jako wygasłą."
        )


def check_verifiable(state: str, valid_to: date | None, today: date) -> None:
    """A verification (art. 40) checks an accreditation in force: not a request, a refusal, a
    withdrawn one, nor one whose period has passed."""
    now_state = effective_state(state, valid_to, today)
    if now_state not in IN_FORCE:
        when = f" (obowiązywała do {_pl(valid_to)})" if now_state == "expired" and valid_to else ""
        raise AccreditationRuleError(
            f"Akredytacja jest w stanie {ACCREDITATION.describe(now_state)}{when}; weryfikuje się "
            "tylko akredytację, która obowiązuje."
        )


def approval_problems(
    results: Mapping[str, str | None], reference_number: str | None, team: Collection[object]
) -> list[tuple[str, str]]:
    """(field, Polish message) for each reason an opinion cannot be approved yet: a criterion without
    a result or still holding the working "partly", no case number, no verification team."""
    problems: list[tuple[str, str]] = []
    missing = [code for code, value in results.items() if not value]
    partly = [code for code, value in results.items() if value == CriterionResult.PARTLY.value]
    if missing:
        problems.append(("results", f"Kryteria bez wyniku: {_codes(missing)}."))
    if partly:
        problems.append(
            (
                "results",
                f"Kryteria {_codes(partly)} mają roboczą ocenę „częściowo”; przed zatwierdzeniem opinii "
                "zmień ją na wynik ostateczny (spełnia, nie spełnia, nie dotyczy albo wymaga uzupełnienia).",
            )
        )
    if not (reference_number or "").strip():
        problems.append(("reference_number", "Opinia wymaga znaku sprawy."))
    if not team:
        problems.append(("team", "Opinia wymaga składu zespołu weryfikującego (weryfikacja nie ma zespołu)."))
    return problems
