"""Use-cases of the regional committee: terms, members, meetings, attendance, resolutions.

Every write runs in one `write_transaction()` with its audit record. The rules (the term, the
quorum, votes, absences) come from `ses.committee.rules`; their refusals become problem details.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime, timedelta
from typing import Any

from ses.audit.services import Actor, record_event
from ses.committee import rules
from ses.committee.rules import CommitteeRuleError
from ses.committee.schemas import AttendanceIn, MeetingIn, MemberIn, MemberLeave, ResolutionIn, TermIn
from ses.committee.tables import (
    Attendance,
    CommitteeMember,
    CommitteeTerm,
    Meeting,
    MeetingDocument,
    Resolution,
)
from ses.committee.vocab import (
    FUNCTION_LABELS,
    GROUP_LABELS,
    LEAVE_LABELS,
    MEETING_LABELS,
    PRESENCE_LABELS,
    RESOLUTION_LABELS,
    Function,
    MeetingState,
    Presence,
    label,
)
from ses.db import write_transaction
from ses.errors import Conflict, FieldError, NotFound, PreconditionFailed, ValidationFailed
from ses.register.tables import Organisation

MAX_DOCUMENT_BYTES = 10 * 1024 * 1024


def now() -> datetime:
    return datetime.now(UTC)


def refused(exc: CommitteeRuleError) -> ValidationFailed:
    return ValidationFailed(exc.message, [FieldError(exc.field, exc.message)])


def day(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


# -- terms ---------------------------------------------------------------------------------------


async def list_terms() -> list[dict[str, Any]]:
    rows = await CommitteeTerm.select().order_by(CommitteeTerm.starts_on, ascending=False)
    today = date.today()
    for row in rows:
        row["current"] = day(row["starts_on"]) <= today <= day(row["ends_on"])
    return rows


async def get_term(term_id: int) -> dict[str, Any]:
    row = await CommitteeTerm.select().where(CommitteeTerm.id == term_id).first()
    if row is None:
        raise NotFound(f"Nie ma kadencji komitetu o id {term_id}.")
    row["current"] = day(row["starts_on"]) <= date.today() <= day(row["ends_on"])
    return row


async def current_term() -> dict[str, Any] | None:
    today = date.today()
    row = await (
        CommitteeTerm.select()
        .where((CommitteeTerm.starts_on <= today) & (CommitteeTerm.ends_on >= today))
        .first()
    )
    if row is None:
        row = await CommitteeTerm.select().order_by(CommitteeTerm.starts_on, ascending=False).first()
    if row is not None:
        row["current"] = day(row["starts_on"]) <= today <= day(row["ends_on"])
    return row


async def create_term(data: TermIn, actor: Actor) -> dict[str, Any]:
    ends_on = rules.term_end(data.starts_on)
    async with write_transaction():
        overlapping = await CommitteeTerm.count().where(
            (CommitteeTerm.starts_on <= ends_on) & (CommitteeTerm.ends_on >= data.starts_on)
        )
        if overlapping:
            raise Conflict(
                "Kadencje komitetu nie mogą na siebie zachodzić.",
                [FieldError("starts_on", "W tym okresie trwa już inna kadencja komitetu.")],
            )
        if await CommitteeTerm.count().where(CommitteeTerm.number == data.number):
            raise Conflict(
                f"Kadencja nr {data.number} już istnieje.",
                [FieldError("number", "Ten numer kadencji jest już zajęty.")],
            )
        row = (
            await CommitteeTerm.insert(
                CommitteeTerm(
                    number=data.number,
                    starts_on=data.starts_on,
                    ends_on=ends_on,
                    appointing_act=data.appointing_act,
                    created_at=now(),
                )
            ).returning(CommitteeTerm.id)
        )[0]
        await record_event(
            actor,
            "committee.term_create",
            "committee_term",
            row["id"],
            {"number": [None, data.number], "starts_on": [None, data.starts_on], "ends_on": [None, ends_on]},
        )
    return await get_term(row["id"])


# -- members -------------------------------------------------------------------------------------

MEMBER_COLUMNS = (
    CommitteeMember.id,
    CommitteeMember.term.as_alias("term_id"),
    CommitteeMember.person_name,
    CommitteeMember.group,
    CommitteeMember.seat,
    CommitteeMember.function,
    CommitteeMember.deputy_for.as_alias("deputy_for_id"),
    CommitteeMember.represented_body,
    CommitteeMember.organisation.as_alias("organisation_id"),
    CommitteeMember.organisation.name.as_alias("organisation_name"),
    CommitteeMember.email,
    CommitteeMember.appointed_on,
    CommitteeMember.left_on,
    CommitteeMember.leave_reason,
    CommitteeMember.leave_note,
    CommitteeMember.version,
)


def _member_labels(row: dict[str, Any], today: date) -> dict[str, Any]:
    row["group_label"] = label(GROUP_LABELS, row["group"])
    row["function_label"] = label(FUNCTION_LABELS, row["function"])
    row["leave_label"] = label(LEAVE_LABELS, row["leave_reason"]) if row["leave_reason"] else None
    left_on = day(row["left_on"]) if row["left_on"] else None
    row["in_office"] = rules.in_office(day(row["appointed_on"]), left_on, today)
    return row


async def list_members(term_id: int, *, with_contacts: bool) -> list[dict[str, Any]]:
    rows = await (
        CommitteeMember.select(*MEMBER_COLUMNS)
        .where(CommitteeMember.term == term_id)
        .order_by(CommitteeMember.group)
        .order_by(CommitteeMember.seat)
        .order_by(CommitteeMember.appointed_on)
    )
    today = date.today()
    flags = await absence_flags(term_id)
    order = {group: i for i, group in enumerate(GROUP_LABELS)}
    out = []
    for row in rows:
        row = _member_labels(row, today)
        row["absence_flag"] = flags.get(row["id"])
        if not with_contacts:
            row.pop("email")
        out.append(row)
    out.sort(key=lambda r: (order.get(r["group"], 99), r["seat"], r["function"] == Function.DEPUTY))
    return out


async def get_member(member_id: int) -> dict[str, Any]:
    row = await CommitteeMember.select(*MEMBER_COLUMNS).where(CommitteeMember.id == member_id).first()
    if row is None:
        raise NotFound(f"Nie ma członka komitetu o id {member_id}.")
    return _member_labels(row, date.today())


async def appoint_member(data: MemberIn, actor: Actor) -> dict[str, Any]:
    async with write_transaction():
        term = await get_term(data.term_id)
        try:
            rules.check_within_term(
                data.appointed_on,
                day(term["starts_on"]),
                day(term["ends_on"]),
                "appointed_on",
                "Data powołania",
            )
        except CommitteeRuleError as exc:
            raise refused(exc) from exc
        if data.organisation_id is not None and not await Organisation.exists().where(
            Organisation.id == data.organisation_id
        ):
            raise ValidationFailed(
                "Nie ma takiej organizacji w rejestrze.",
                [FieldError("organisation_id", f"Nie ma organizacji o id {data.organisation_id}.")],
            )
        is_deputy = data.function is Function.DEPUTY
        if is_deputy != (data.deputy_for_id is not None):
            raise ValidationFailed(
                "Zastępca musi wskazywać członka, którego zastępuje (i tylko zastępca).",
                [FieldError("deputy_for_id", "Wskaż członka dla zastępcy; członek nie ma tego pola.")],
            )
        if is_deputy:
            principal = await get_member(int(data.deputy_for_id or 0))
            if principal["term_id"] != data.term_id or principal["function"] == Function.DEPUTY:
                raise ValidationFailed(
                    "Zastępca zastępuje członka tej samej kadencji.",
                    [FieldError("deputy_for_id", "Wskaż członka (nie zastępcę) tej kadencji.")],
                )
        # One holder of a seat at a time (and one deputy per member).
        holders = await CommitteeMember.select(CommitteeMember.id, CommitteeMember.person_name).where(
            (CommitteeMember.term == data.term_id)
            & (CommitteeMember.left_on.is_null() | (CommitteeMember.left_on > data.appointed_on))
            & (
                (CommitteeMember.deputy_for == data.deputy_for_id)
                if is_deputy
                else (
                    (CommitteeMember.group == data.group.value)
                    & (CommitteeMember.seat == data.seat)
                    & (CommitteeMember.function != Function.DEPUTY.value)
                )
            )
        )
        if holders:
            where = "ten członek ma już zastępcę" if is_deputy else "to miejsce zajmuje"
            raise Conflict(
                "To miejsce w komitecie jest już obsadzone.",
                [FieldError("seat", f"W tej kadencji {where}: {holders[0]['person_name']}.")],
            )
        if data.function in (Function.CHAIR, Function.VICE_CHAIR, Function.SECRETARY):
            same = await CommitteeMember.count().where(
                (CommitteeMember.term == data.term_id)
                & (CommitteeMember.function == data.function.value)
                & CommitteeMember.left_on.is_null()
            )
            if same:
                message = f"Funkcję „{label(FUNCTION_LABELS, data.function)}” pełni już inny członek."
                raise Conflict(message, [FieldError("function", message)])
        row = (
            await CommitteeMember.insert(
                CommitteeMember(
                    term=data.term_id,
                    person_name=data.person_name,
                    group=data.group.value,
                    seat=data.seat,
                    function=data.function.value,
                    deputy_for=data.deputy_for_id,
                    represented_body=data.represented_body,
                    organisation=data.organisation_id,
                    email=data.email or None,
                    appointed_on=data.appointed_on,
                )
            ).returning(CommitteeMember.id)
        )[0]
        await record_event(
            actor,
            "committee.member_appoint",
            "committee_member",
            row["id"],
            {
                "person_name": [None, data.person_name],
                "group": [None, data.group.value],
                "function": [None, data.function.value],
                "appointed_on": [None, data.appointed_on],
            },
        )
    return await get_member(row["id"])


async def end_membership(member_id: int, data: MemberLeave, expected: int, actor: Actor) -> dict[str, Any]:
    async with write_transaction():
        member = await get_member(member_id)
        if member["version"] != expected:
            raise PreconditionFailed(
                "Dane członka zmienił w międzyczasie ktoś inny. Odśwież i spróbuj ponownie."
            )
        if member["left_on"] is not None:
            raise Conflict(
                "To członkostwo już się zakończyło.", [FieldError("left_on", "Członkostwo zakończone.")]
            )
        if data.left_on <= day(member["appointed_on"]):
            raise ValidationFailed(
                "Członkostwo kończy się po dniu powołania.",
                [FieldError("left_on", "Data musi być późniejsza niż data powołania.")],
            )
        term = await get_term(member["term_id"])
        if data.left_on > day(term["ends_on"]) + timedelta(days=1):
            raise ValidationFailed(
                "Członkostwo nie może trwać dłużej niż kadencja.",
                [FieldError("left_on", f"Kadencja kończy się {term['ends_on']}.")],
            )
        if data.reason.value == "absences" and member_id not in await absence_flags(member["term_id"]):
            message = (
                "Ta podstawa wymaga nieusprawiedliwionej nieobecności na trzech kolejnych posiedzeniach."
            )
            raise ValidationFailed(message, [FieldError("reason", message)])
        await CommitteeMember.update(
            {
                CommitteeMember.left_on: data.left_on,
                CommitteeMember.leave_reason: data.reason.value,
                CommitteeMember.leave_note: data.note or None,
                CommitteeMember.version: member["version"] + 1,
            }
        ).where(CommitteeMember.id == member_id)
        await record_event(
            actor,
            "committee.member_leave",
            "committee_member",
            member_id,
            {"left_on": [None, data.left_on], "leave_reason": [None, data.reason.value]},
            reason=data.note or None,
        )
    return await get_member(member_id)


async def absence_flags(term_id: int) -> dict[int, list[int]]:
    """Members of the term flagged for dismissal: unexcused absences from 3 consecutive meetings."""
    meetings = await (
        Meeting.select(Meeting.id)
        .where((Meeting.term == term_id) & (Meeting.state == MeetingState.HELD.value))
        .order_by(Meeting.held_on)
        .order_by(Meeting.id)
    )
    if not meetings:
        return {}
    ids = [m["id"] for m in meetings]
    rows = await Attendance.select(Attendance.meeting, Attendance.member, Attendance.presence).where(
        Attendance.meeting.is_in(ids)
    )
    presence = {(r["meeting"], r["member"]): r["presence"] for r in rows}
    return rules.absence_flags(ids, presence, {r["member"] for r in rows})


# -- meetings ------------------------------------------------------------------------------------


def _meeting_labels(row: dict[str, Any]) -> dict[str, Any]:
    row["state_label"] = label(MEETING_LABELS, row["state"])
    return row


async def list_meetings(term_id: int | None = None) -> list[dict[str, Any]]:
    query = Meeting.select(
        Meeting.id,
        Meeting.term.as_alias("term_id"),
        Meeting.number,
        Meeting.held_on,
        Meeting.place,
        Meeting.state,
    ).order_by(Meeting.held_on, ascending=False)
    if term_id is not None:
        query = query.where(Meeting.term == term_id)
    return [_meeting_labels(row) for row in await query]


async def get_meeting(meeting_id: int) -> dict[str, Any]:
    row = (
        await Meeting.select(
            Meeting.id,
            Meeting.term.as_alias("term_id"),
            Meeting.number,
            Meeting.held_on,
            Meeting.place,
            Meeting.agenda,
            Meeting.state,
            Meeting.minutes_note,
            Meeting.version,
        )
        .where(Meeting.id == meeting_id)
        .first()
    )
    if row is None:
        raise NotFound(f"Nie ma posiedzenia komitetu o id {meeting_id}.")
    return _meeting_labels(row)


async def meeting_details(meeting_id: int) -> dict[str, Any]:
    """The meeting with its attendance (every member in office that day), quorum, documents and
    resolutions: what the meeting page and the minutes show."""
    meeting = await get_meeting(meeting_id)
    held_on = day(meeting["held_on"])
    members = [
        m
        for m in await list_members(meeting["term_id"], with_contacts=False)
        if rules.in_office(day(m["appointed_on"]), day(m["left_on"]) if m["left_on"] else None, held_on)
    ]
    recorded = {
        r["member"]: r
        for r in await Attendance.select(Attendance.member, Attendance.presence, Attendance.note).where(
            Attendance.meeting == meeting_id
        )
    }
    attendance = []
    for member in members:
        record = recorded.get(member["id"])
        attendance.append(
            {
                "member_id": member["id"],
                "person_name": member["person_name"],
                "group_label": member["group_label"],
                "function": member["function"],
                "function_label": member["function_label"],
                "presence": record["presence"] if record else None,
                "presence_label": label(PRESENCE_LABELS, record["presence"]) if record else "nie odnotowano",
                "note": record["note"] if record else "",
            }
        )
    principals = [a for a in attendance if a["function"] != Function.DEPUTY]
    present_seats = _present_seats(members, recorded)
    quorum = rules.quorum(len(principals), present_seats)
    meeting["attendance"] = attendance
    meeting["quorum"] = {
        "members": quorum.members,
        "present": quorum.present,
        "required": quorum.required,
        "reached": quorum.reached,
        "recorded": bool(recorded),
    }
    meeting["documents"] = await MeetingDocument.select(
        MeetingDocument.id, MeetingDocument.title, MeetingDocument.filename, MeetingDocument.size
    ).where(MeetingDocument.meeting == meeting_id)
    meeting["resolutions"] = [
        {**r, "kind_label": label(RESOLUTION_LABELS, r["kind"])}
        for r in await Resolution.select().where(Resolution.meeting == meeting_id).order_by(Resolution.id)
    ]
    return meeting


def _present_seats(members: list[dict[str, Any]], recorded: Mapping[int, Mapping[str, Any]]) -> int:
    """Seats represented at the meeting: a member present, or their deputy present in their place."""
    present = {m for m, r in recorded.items() if r["presence"] == Presence.PRESENT}
    seats = set()
    for member in members:
        if member["id"] not in present:
            continue
        seats.add(member["deputy_for_id"] if member["function"] == Function.DEPUTY else member["id"])
    return len(seats)


async def create_meeting(data: MeetingIn, actor: Actor) -> dict[str, Any]:
    async with write_transaction():
        term = await get_term(data.term_id)
        try:
            rules.check_within_term(
                data.held_on, day(term["starts_on"]), day(term["ends_on"]), "held_on", "Data posiedzenia"
            )
        except CommitteeRuleError as exc:
            raise refused(exc) from exc
        if data.state is MeetingState.HELD and data.held_on > date.today():
            raise ValidationFailed(
                "Posiedzenie w przyszłości nie mogło się jeszcze odbyć.",
                [FieldError("state", "Zaplanuj posiedzenie; oznacz je jako odbyte po terminie.")],
            )
        number = await Meeting.count().where(Meeting.term == data.term_id) + 1
        row = (
            await Meeting.insert(
                Meeting(
                    term=data.term_id,
                    number=number,
                    held_on=data.held_on,
                    place=data.place,
                    agenda=data.agenda,
                    state=data.state.value,
                    created_at=now(),
                )
            ).returning(Meeting.id)
        )[0]
        await record_event(
            actor,
            "committee.meeting_create",
            "committee_meeting",
            row["id"],
            {"held_on": [None, data.held_on], "number": [None, number], "state": [None, data.state.value]},
        )
    return await meeting_details(row["id"])


async def record_attendance(meeting_id: int, data: AttendanceIn, actor: Actor) -> dict[str, Any]:
    """Replace the meeting's attendance list; the meeting counts as held from then on."""
    async with write_transaction():
        meeting = await get_meeting(meeting_id)
        held_on = day(meeting["held_on"])
        if held_on > date.today():
            raise ValidationFailed(
                "Obecność odnotowuje się po posiedzeniu.",
                [FieldError("rows", f"Posiedzenie jest zaplanowane na {held_on.isoformat()}.")],
            )
        if meeting["state"] == MeetingState.CANCELLED:
            raise Conflict("Posiedzenie zostało odwołane.", [FieldError("rows", "Odwołane posiedzenie.")])
        members = {
            m["id"]: m
            for m in await list_members(meeting["term_id"], with_contacts=False)
            if rules.in_office(day(m["appointed_on"]), day(m["left_on"]) if m["left_on"] else None, held_on)
        }
        problems = []
        seen = set()
        for i, row in enumerate(data.rows):
            if row.member_id not in members:
                problems.append(
                    FieldError(
                        f"rows.{i}.member_id",
                        f"Osoba o id {row.member_id} nie była członkiem komitetu w dniu posiedzenia.",
                    )
                )
            if row.member_id in seen:
                problems.append(FieldError(f"rows.{i}.member_id", "Ta osoba jest na liście dwa razy."))
            seen.add(row.member_id)
        if problems:
            raise ValidationFailed("Lista obecności zawiera błędy.", problems)
        before = await Attendance.count().where(Attendance.meeting == meeting_id)
        await Attendance.delete().where(Attendance.meeting == meeting_id)
        if data.rows:
            await Attendance.insert(
                *[
                    Attendance(
                        meeting=meeting_id, member=row.member_id, presence=row.presence.value, note=row.note
                    )
                    for row in data.rows
                ]
            )
        await Meeting.update(
            {Meeting.state: MeetingState.HELD.value, Meeting.version: meeting["version"] + 1}
        ).where(Meeting.id == meeting_id)
        await record_event(
            actor,
            "committee.attendance",
            "committee_meeting",
            meeting_id,
            {
                "attendance": [before, len(data.rows)],
                "present": [None, sum(1 for r in data.rows if r.presence is Presence.PRESENT)],
            },
        )
    return await meeting_details(meeting_id)


async def add_resolution(meeting_id: int, data: ResolutionIn, actor: Actor) -> dict[str, Any]:
    async with write_transaction():
        details = await meeting_details(meeting_id)
        if details["state"] != MeetingState.HELD or not details["quorum"]["recorded"]:
            raise Conflict(
                "Uchwałę zapisuje się po odnotowaniu obecności na posiedzeniu.",
                [FieldError("number", "Najpierw odnotuj obecność.")],
            )
        if not details["quorum"]["reached"]:
            quorum = details["quorum"]
            message = (
                f"Brak kworum: obecnych {quorum['present']} z {quorum['members']} członków, "
                f"wymagane co najmniej {quorum['required']}. Komitet nie może podjąć uchwały."
            )
            raise Conflict(message, [FieldError("votes_for", message)])
        try:
            vote = rules.check_vote(
                data.votes_for, data.votes_against, data.abstained, details["quorum"]["present"]
            )
        except CommitteeRuleError as exc:
            raise refused(exc) from exc
        taken = await Resolution.count().where(
            (Resolution.number == data.number) & (Resolution.meeting.term == details["term_id"])
        )
        if taken:
            raise Conflict(
                f"Uchwała nr {data.number} już istnieje w tej kadencji.",
                [FieldError("number", "Ten numer uchwały jest już zajęty.")],
            )
        row = (
            await Resolution.insert(
                Resolution(
                    meeting=meeting_id,
                    number=data.number,
                    kind=data.kind.value,
                    subject=data.subject,
                    text=data.text,
                    votes_for=vote.votes_for,
                    votes_against=vote.votes_against,
                    abstained=vote.abstained,
                    adopted=vote.adopted,
                    created_at=now(),
                )
            ).returning(Resolution.id)
        )[0]
        await record_event(
            actor,
            "committee.resolution",
            "committee_resolution",
            row["id"],
            {
                "number": [None, data.number],
                "kind": [None, data.kind.value],
                "votes": [None, f"{vote.votes_for}/{vote.votes_against}/{vote.abstained}"],
                "adopted": [None, vote.adopted],
            },
        )
    return await meeting_details(meeting_id)


async def add_document(
    meeting_id: int, title: str, filename: str, media_type: str, content: bytes, actor: Actor
) -> dict[str, Any]:
    title = title.strip()
    if not 3 <= len(title) <= 300:
        raise ValidationFailed("Podaj tytuł dokumentu.", [FieldError("title", "Od 3 do 300 znaków.")])
    if not content:
        raise ValidationFailed(
            "Dołącz plik dokumentu.", [FieldError("file", "Plik jest pusty albo go brak.")]
        )
    if len(content) > MAX_DOCUMENT_BYTES:
        raise ValidationFailed(
            "Plik jest za duży.", [FieldError("file", f"Najwyżej {MAX_DOCUMENT_BYTES // (1024 * 1024)} MB.")]
        )
    async with write_transaction():
        await get_meeting(meeting_id)
        row = (
            await MeetingDocument.insert(
                MeetingDocument(
                    meeting=meeting_id,
                    title=title,
                    filename=(filename or "dokument")[:200],
                    media_type=(media_type or "application/octet-stream")[:120],
                    size=len(content),
                    content=content,
                    uploaded_at=now(),
                    uploaded_by=actor.label[:120],
                )
            ).returning(MeetingDocument.id)
        )[0]
        await record_event(
            actor, "committee.document", "committee_meeting", meeting_id, {"document": [None, title]}
        )
    return row


async def document(document_id: int) -> dict[str, Any]:
    row = await MeetingDocument.select().where(MeetingDocument.id == document_id).first()
    if row is None:
        raise NotFound(f"Nie ma dokumentu o id {document_id}.")
    return row
