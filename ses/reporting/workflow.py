"""The report lifecycle as an explicit state machine (pure).

draft → submitted → accepted (locked) | returned (with comments) → corrected (a new version) →
submitted …; staff may reopen an accepted report (with a recorded reason), which returns it.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from ses.auth.policy import Role


class State(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    ACCEPTED = "accepted"
    RETURNED = "returned"
    CORRECTED = "corrected"


STATE_LABELS = {
    State.DRAFT: "wersja robocza",
    State.SUBMITTED: "złożone",
    State.ACCEPTED: "zaakceptowane",
    State.RETURNED: "zwrócone do poprawy",
    State.CORRECTED: "w korekcie",
}

# States in which the OWES may still change the content of the current version.
EDITABLE = frozenset({State.DRAFT, State.CORRECTED})
# States that count as "received" in the follow-up.
RECEIVED = frozenset({State.SUBMITTED, State.ACCEPTED, State.RETURNED, State.CORRECTED})

OWES_SIDE = frozenset({Role.OWES, Role.STAFF, Role.ADMIN})
ROPS_SIDE = frozenset({Role.STAFF, Role.ADMIN})


@dataclass(frozen=True)
class Transition:
    action: str
    sources: frozenset[State]
    target: State
    roles: frozenset[Role]
    needs_comment: bool = False


TRANSITIONS = {
    t.action: t
    for t in (
        Transition("submit", frozenset({State.DRAFT, State.CORRECTED}), State.SUBMITTED, OWES_SIDE),
        Transition("accept", frozenset({State.SUBMITTED}), State.ACCEPTED, ROPS_SIDE),
        Transition("return", frozenset({State.SUBMITTED}), State.RETURNED, ROPS_SIDE, needs_comment=True),
        Transition("correct", frozenset({State.RETURNED}), State.CORRECTED, OWES_SIDE),
        Transition("reopen", frozenset({State.ACCEPTED}), State.RETURNED, ROPS_SIDE, needs_comment=True),
    )
}

ACTION_LABELS = {
    "create": "utworzenie",
    "submit": "złożenie",
    "accept": "akceptacja",
    "return": "zwrot do poprawy",
    "correct": "korekta",
    "reopen": "ponowne otwarcie",
    "edit": "zmiana treści",
}


def transition_problem(action: str, state: str) -> str | None:
    """Why `action` cannot be taken in `state` (a Polish sentence), or None when it can."""
    transition = TRANSITIONS[action]
    if State(state) in transition.sources:
        return None
    allowed = ", ".join(f"„{STATE_LABELS[s]}”" for s in sorted(transition.sources))
    return (
        f"Nie można wykonać czynności „{ACTION_LABELS[action]}”, gdy sprawozdanie jest w stanie "
        f"„{STATE_LABELS[State(state)]}” (możliwe tylko w stanie: {allowed})."
    )


def actions_for(state: str, role: Role) -> list[str]:
    """What the caller may do next: shown with the report so clients need not hard-code it."""
    return [action for action, t in TRANSITIONS.items() if State(state) in t.sources and (role in t.roles)]
