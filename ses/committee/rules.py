"""The committee's rules as pure functions (no database): the term, quorum, votes, absences.

The Act (art. 55–58) sets a three-year term and the five grounds of dismissal, one of them
unexcused absence from three consecutive meetings; the voivodeship board's resolution sets the
working rules — SES uses the usual ones (a quorum of half the members in office, a resolution
adopted by a simple majority of votes cast), each stated where it is applied.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

TERM_YEARS = 3
ABSENCE_LIMIT = 3


class CommitteeRuleError(ValueError):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


def term_end(starts_on: date) -> date:
    """The last day of a three-year term that starts on `starts_on` (29 Feb → 28 Feb)."""
    try:
        anniversary = starts_on.replace(year=starts_on.year + TERM_YEARS)
    except ValueError:  # 29 February of a leap year
        anniversary = date(starts_on.year + TERM_YEARS, 3, 1)
    return date.fromordinal(anniversary.toordinal() - 1)


def check_within_term(on: date, starts_on: date, ends_on: date, field: str, what: str) -> None:
    if not starts_on <= on <= ends_on:
        raise CommitteeRuleError(
            field,
            f"{what} ({on.isoformat()}) musi przypadać w kadencji "
            f"{starts_on.isoformat()} – {ends_on.isoformat()}.",
        )


def in_office(appointed_on: date, left_on: date | None, on: date) -> bool:
    return appointed_on <= on and (left_on is None or on < left_on)


@dataclass(frozen=True)
class Quorum:
    members: int
    present: int
    required: int

    @property
    def reached(self) -> bool:
        return self.members > 0 and self.present >= self.required


def quorum(members_in_office: int, present: int) -> Quorum:
    """At least half of the members in office present (deputies stand in for their member)."""
    required = (members_in_office + 1) // 2
    return Quorum(members=members_in_office, present=present, required=required)


@dataclass(frozen=True)
class Vote:
    votes_for: int
    votes_against: int
    abstained: int

    @property
    def adopted(self) -> bool:
        """A simple majority of the votes cast: more for than against."""
        return self.votes_for > self.votes_against


def check_vote(votes_for: int, votes_against: int, abstained: int, present: int) -> Vote:
    counts = {"votes_for": votes_for, "votes_against": votes_against, "abstained": abstained}
    for field, value in counts.items():
        if value < 0:
            raise CommitteeRuleError(field, "Liczba głosów nie może być ujemna.")
    if votes_for + votes_against + abstained > present:
        raise CommitteeRuleError(
            "votes_for",
            f"Głosów ({votes_for + votes_against + abstained}) jest więcej "
            f"niż obecnych członków ({present}).",
        )
    return Vote(votes_for, votes_against, abstained)


def absence_flags(
    meetings: Sequence[int], presence: Mapping[tuple[int, int], str], members: Iterable[int]
) -> dict[int, list[int]]:
    """Members with unexcused absences from `ABSENCE_LIMIT` consecutive meetings they were due
    to attend: {member: [the meeting ids of the latest such run]}.

    `meetings` are the held meetings in date order; `presence[(meeting, member)]` the recorded
    presence (a meeting with no record for a member — not yet in office — breaks no run)."""
    flagged: dict[int, list[int]] = {}
    for member in members:
        run: list[int] = []
        worst: list[int] = []
        for meeting in meetings:
            state = presence.get((meeting, member))
            if state is None:
                continue
            if state == "unexcused":
                run.append(meeting)
                if len(run) >= ABSENCE_LIMIT:
                    worst = list(run)
            else:
                run = []
        if worst:
            flagged[member] = worst[-ABSENCE_LIMIT:]
    return flagged
