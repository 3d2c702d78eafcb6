"""Tables of the regional committee (RKRES): terms, members, meetings, attendance, documents,
resolutions. Codes are those of `ses.committee.vocab`; every change is audited by the services."""

from __future__ import annotations

from piccolo.columns import Boolean, Bytea, Date, ForeignKey, Integer, Text, Timestamptz, Varchar
from piccolo.columns.base import OnDelete
from piccolo.table import Table

from ses.register.tables import Organisation


class CommitteeTerm(Table, tablename="committee_term"):
    """One three-year term of the committee, from the marshal's appointing act."""

    number = Integer()
    starts_on = Date()
    ends_on = Date()
    appointing_act = Varchar(length=200)
    """e.g. "Zarządzenie Marszałka nr 54/2023 z 31.05.2023"."""
    created_at = Timestamptz()
    version = Integer(default=1)


class CommitteeMember(Table, tablename="committee_member"):
    term = ForeignKey(CommitteeTerm, on_delete=OnDelete.restrict, index=True)
    person_name = Varchar(length=200)
    group = Varchar(length=32, index=True)
    seat = Integer(default=1)
    """The seat of the group this person holds (a group may have several seats)."""
    function = Varchar(length=16)
    deputy_for = ForeignKey("self", on_delete=OnDelete.restrict, null=True, default=None)
    """For a deputy: the member whose seat they stand in for."""
    represented_body = Varchar(length=300)
    organisation = ForeignKey(Organisation, on_delete=OnDelete.restrict, null=True, default=None, index=True)
    email = Varchar(length=200, null=True, default=None)
    appointed_on = Date()
    left_on = Date(null=True, default=None)
    leave_reason = Varchar(length=24, null=True, default=None)
    leave_note = Text(null=True, default=None)
    version = Integer(default=1)


class Meeting(Table, tablename="committee_meeting"):
    term = ForeignKey(CommitteeTerm, on_delete=OnDelete.restrict, index=True)
    number = Integer()
    held_on = Date(index=True)
    place = Varchar(length=300)
    agenda = Text()
    state = Varchar(length=12)
    minutes_note = Text(default="")
    created_at = Timestamptz()
    version = Integer(default=1)


class Attendance(Table, tablename="committee_attendance"):
    meeting = ForeignKey(Meeting, on_delete=OnDelete.cascade, index=True)
    member = ForeignKey(CommitteeMember, on_delete=OnDelete.restrict, index=True)
    presence = Varchar(length=12)
    note = Varchar(length=300, default="")


class MeetingDocument(Table, tablename="committee_document"):
    meeting = ForeignKey(Meeting, on_delete=OnDelete.cascade, index=True)
    title = Varchar(length=300)
    filename = Varchar(length=200)
    media_type = Varchar(length=120)
    size = Integer()
    content = Bytea()
    uploaded_at = Timestamptz()
    uploaded_by = Varchar(length=120)


class Resolution(Table, tablename="committee_resolution"):
    meeting = ForeignKey(Meeting, on_delete=OnDelete.restrict, index=True)
    number = Varchar(length=40)
    kind = Varchar(length=32, index=True)
    subject = Varchar(length=500)
    text = Text(default="")
    votes_for = Integer(default=0)
    votes_against = Integer(default=0)
    abstained = Integer(default=0)
    adopted = Boolean(default=False)
    created_at = Timestamptz()
