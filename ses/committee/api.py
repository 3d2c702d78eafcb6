"""JSON API of the regional committee under /api/v1/committee (thin: every handler calls a
service). Staff keep the committee's records; committee members read their committee's terms,
members (without contact details), meetings, documents and resolutions."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, Response, get, post, put
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromPath, FromQuery, JSONBody

from ses.auth.policy import Role, allow
from ses.committee import minutes, services
from ses.committee.schemas import (
    AttendanceIn,
    DocumentCreated,
    MeetingDetails,
    MeetingIn,
    MeetingSummary,
    MemberIn,
    MemberInTerm,
    MemberLeave,
    MemberOut,
    ResolutionIn,
    TermDetails,
    TermIn,
    TermOut,
)
from ses.uploads import file_from
from ses.web.context import actor_of, expected_version, principal
from ses.web.files import attachment

READERS = (Role.COMMITTEE, Role.STAFF)
KEEPERS = (Role.STAFF,)
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
REGION = "Województwa Kujawsko-Pomorskiego"


def member_etag(row: dict[str, Any]) -> str:
    return f'"member-{row["id"]}-v{row["version"]}"'


def sees_contacts(request: Request[Any, Any, Any]) -> bool:
    user = principal(request)
    return bool(user and user.may(Role.STAFF))


async def minutes_file(meeting_id: int) -> tuple[bytes, str]:
    details = await services.meeting_details(meeting_id)
    term = await services.get_term(details["term_id"])
    content = minutes.minutes_docx(details, term, REGION)
    return content, f"protokol-rkres-{term['number']}-{details['number']}.docx"


class CommitteeController(Controller):
    path = "/api/v1/committee"
    tags = ["Regionalny Komitet Rozwoju Ekonomii Społecznej"]

    @get("/terms", guards=[allow(*READERS)], summary="Terms of the committee, newest first")
    async def terms(self) -> list[TermOut]:
        return await services.list_terms()  # type: ignore[return-value]

    @post("/terms", guards=[allow(*KEEPERS)], summary="Record a new three-year term")
    async def create_term(self, request: Request[Any, Any, Any], data: JSONBody[TermIn]) -> Response[TermOut]:
        row = await services.create_term(data, actor_of(request))
        return Response(row, status_code=201, headers={"Location": f"/api/v1/committee/terms/{row['id']}"})

    @get("/terms/{term_id:int}", guards=[allow(*READERS)], summary="One term with its members and meetings")
    async def term(self, request: Request[Any, Any, Any], term_id: FromPath[int]) -> TermDetails:
        row = await services.get_term(term_id)
        row["members"] = await services.list_members(term_id, with_contacts=sees_contacts(request))
        row["meetings"] = await services.list_meetings(term_id)
        return row  # type: ignore[return-value]

    @get("/members", guards=[allow(*READERS)], summary="Members of a term (the current one by default)")
    async def members(
        self, request: Request[Any, Any, Any], term: FromQuery[int | None] = None
    ) -> list[MemberInTerm]:
        if term is None:
            current = await services.current_term()
            if current is None:
                return []
            term = current["id"]
        return await services.list_members(term, with_contacts=sees_contacts(request))  # type: ignore[return-value]

    @post("/members", guards=[allow(*KEEPERS)], summary="Appoint a member or a deputy")
    async def appoint(self, request: Request[Any, Any, Any], data: JSONBody[MemberIn]) -> Response[MemberOut]:
        row = await services.appoint_member(data, actor_of(request))
        return Response(
            row,
            status_code=201,
            headers={"ETag": member_etag(row), "Location": f"/api/v1/committee/members/{row['id']}"},
        )

    @get("/members/{member_id:int}", guards=[allow(*READERS)], summary="One member (with ETag)")
    async def member(self, request: Request[Any, Any, Any], member_id: FromPath[int]) -> Response[MemberOut]:
        row = await services.get_member(member_id)
        if not sees_contacts(request):
            row.pop("email")
        return Response(row, headers={"ETag": member_etag(row)})

    @post(
        "/members/{member_id:int}/leave",
        guards=[allow(*KEEPERS)],
        summary="End a membership (needs If-Match)",
    )
    async def leave(
        self, request: Request[Any, Any, Any], member_id: FromPath[int], data: JSONBody[MemberLeave]
    ) -> Response[MemberOut]:
        row = await services.end_membership(member_id, data, expected_version(request), actor_of(request))
        return Response(row, status_code=200, headers={"ETag": member_etag(row)})

    @get("/meetings", guards=[allow(*READERS)], summary="Meetings, newest first")
    async def meetings(self, term: FromQuery[int | None] = None) -> list[MeetingSummary]:
        return await services.list_meetings(term)  # type: ignore[return-value]

    @post("/meetings", guards=[allow(*KEEPERS)], summary="Plan (or record) a meeting")
    async def create_meeting(
        self, request: Request[Any, Any, Any], data: JSONBody[MeetingIn]
    ) -> Response[MeetingDetails]:
        row = await services.create_meeting(data, actor_of(request))
        return Response(row, status_code=201, headers={"Location": f"/api/v1/committee/meetings/{row['id']}"})

    @get(
        "/meetings/{meeting_id:int}",
        guards=[allow(*READERS)],
        summary="A meeting with attendance and resolutions",
    )
    async def meeting(self, meeting_id: FromPath[int]) -> MeetingDetails:
        return await services.meeting_details(meeting_id)  # type: ignore[return-value]

    @put(
        "/meetings/{meeting_id:int}/attendance",
        guards=[allow(*KEEPERS)],
        summary="Record the attendance list",
    )
    async def attendance(
        self, request: Request[Any, Any, Any], meeting_id: FromPath[int], data: JSONBody[AttendanceIn]
    ) -> MeetingDetails:
        return await services.record_attendance(meeting_id, data, actor_of(request))  # type: ignore[return-value]

    @post(
        "/meetings/{meeting_id:int}/resolutions",
        guards=[allow(*KEEPERS)],
        summary="Record a resolution with its votes",
    )
    async def resolution(
        self, request: Request[Any, Any, Any], meeting_id: FromPath[int], data: JSONBody[ResolutionIn]
    ) -> Response[MeetingDetails]:
        row = await services.add_resolution(meeting_id, data, actor_of(request))
        return Response(row, status_code=201)

    @post(
        "/meetings/{meeting_id:int}/documents",
        guards=[allow(*KEEPERS)],
        summary="Attach a document (multipart)",
    )
    async def add_document(
        self,
        request: Request[Any, Any, Any],
        meeting_id: FromPath[int],
        data: Annotated[dict[str, Any], Body(media_type=RequestEncodingType.MULTI_PART)],
    ) -> Response[DocumentCreated]:
        upload = file_from(data, ("file",))
        content = await upload.read()
        row = await services.add_document(
            meeting_id,
            str(data.get("title") or ""),
            upload.filename,
            upload.content_type,
            content,
            actor_of(request),
        )
        return Response(row, status_code=201)

    @get(
        "/documents/{document_id:int}",
        guards=[allow(*READERS)],
        summary="Download a meeting document (in the media type it was uploaded with)",
        media_type="application/octet-stream",
        opt={"media_types": ("*/*",)},
    )
    async def document(self, document_id: FromPath[int]) -> Response[bytes]:
        row = await services.document(document_id)
        return Response(
            row["content"],
            media_type=row["media_type"],
            headers={"Content-Disposition": attachment(row["filename"])},
        )

    @get(
        "/meetings/{meeting_id:int}/minutes",
        guards=[allow(*READERS)],
        summary="The minutes of a meeting (DOCX)",
        media_type=DOCX,
    )
    async def minutes(self, meeting_id: FromPath[int]) -> Response[bytes]:
        content, filename = await minutes_file(meeting_id)
        return Response(content, media_type=DOCX, headers={"Content-Disposition": attachment(filename)})


ROUTES: list[Any] = [CommitteeController]
