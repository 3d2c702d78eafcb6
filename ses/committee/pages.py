"""Pages of the regional committee under /komitet: the term with its members (and who is flagged
for dismissal), meetings with agenda, attendance, quorum, documents and resolutions, the minutes.

Staff keep the records through the forms here; committee members read them. Every write goes
through ses.committee.services; a refused form is shown again with the typed values and the
messages next to the fields.
"""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Request, Response, get, post
from litestar.datastructures import UploadFile
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromPath
from litestar.response import Redirect, Template

from ses.audit.services import Channel
from ses.auth.policy import allow
from ses.committee import services
from ses.committee.api import DOCX, KEEPERS, READERS, minutes_file, sees_contacts
from ses.committee.schemas import AttendanceIn, MeetingIn, MemberIn, MemberLeave, ResolutionIn, TermIn
from ses.committee.vocab import (
    FUNCTION_LABELS,
    GROUP_LABELS,
    LEAVE_LABELS,
    PRESENCE_LABELS,
    RESOLUTION_LABELS,
)
from ses.errors import DomainError, FieldError, ValidationFailed
from ses.web.context import actor_of
from ses.web.files import attachment
from ses.web.form_models import parse
from ses.web.pages import FIELD_LABELS, Form, field, page, signed_in

LABELS = {
    **FIELD_LABELS,
    "number": "Numer",
    "starts_on": "Początek kadencji",
    "appointing_act": "Akt powołania",
    "person_name": "Imię i nazwisko",
    "group": "Reprezentowana grupa",
    "seat": "Miejsce",
    "function": "Funkcja",
    "deputy_for_id": "Zastępuje członka",
    "represented_body": "Reprezentowany podmiot",
    "organisation_id": "Organizacja w rejestrze",
    "email": "E-mail",
    "appointed_on": "Data powołania",
    "left_on": "Data odwołania",
    "reason": "Podstawa",
    "note": "Uwagi",
    "held_on": "Data posiedzenia",
    "place": "Miejsce posiedzenia",
    "agenda": "Porządek obrad",
    "kind": "Rodzaj",
    "subject": "Przedmiot",
    "text": "Treść",
    "votes_for": "Głosy za",
    "votes_against": "Głosy przeciw",
    "abstained": "Wstrzymujący się",
    "title": "Tytuł dokumentu",
    "file": "Plik",
    "rows": "Lista obecności",
}
NOTICES = {
    "kadencja": "Zapisano kadencję komitetu.",
    "powolano": "Powołano członka komitetu.",
    "odwolano": "Zapisano zakończenie członkostwa.",
    "posiedzenie": "Zapisano posiedzenie.",
    "obecnosc": "Zapisano listę obecności.",
    "uchwala": "Zapisano uchwałę.",
    "dokument": "Dołączono dokument.",
}


def _problems(exc: DomainError) -> dict[str, Any]:
    by_field: dict[str, str] = {}
    for error in exc.errors:
        by_field.setdefault(
            error.field.split(".")[0] if error.field.startswith("rows.") else error.field, error.message
        )
    return {
        "detail": exc.detail,
        "errors": [{"field": e.field, "message": e.message} for e in exc.errors],
        "errors_by": by_field,
        "field_labels": LABELS,
    }


def _notices(request: Request[Any, Any, Any]) -> list[str]:
    done = request.query_params.get("zapisano", "")
    return [NOTICES[done]] if done in NOTICES else []


def _choices() -> dict[str, Any]:
    return {
        "group_labels": {k.value: v for k, v in GROUP_LABELS.items()},
        "function_labels": {k.value: v for k, v in FUNCTION_LABELS.items()},
        "leave_labels": {k.value: v for k, v in LEAVE_LABELS.items()},
        "presence_labels": {k.value: v for k, v in PRESENCE_LABELS.items()},
        "resolution_labels": {k.value: v for k, v in RESOLUTION_LABELS.items()},
    }


async def _term_page(
    request: Request[Any, Any, Any], term_id: int | None, status: int = 200, **extra: Any
) -> Template:
    user = signed_in(request)
    terms = await services.list_terms()
    term = await services.get_term(term_id) if term_id else (await services.current_term())
    members = await services.list_members(term["id"], with_contacts=sees_contacts(request)) if term else []
    meetings = await services.list_meetings(term["id"]) if term else []
    crumbs = [("/komitet", "Komitet (RKRES)")]
    if term:
        crumbs.append((f"/komitet/kadencje/{term['id']}", f"Kadencja {term['number']}"))
    context = {
        "terms": terms,
        "term": term,
        "members": members,
        "principals": [m for m in members if m["function"] != "deputy" and m["in_office"]],
        "deputy_choices": [
            (m["id"], m["person_name"]) for m in members if m["function"] != "deputy" and m["in_office"]
        ],
        "flagged": [m for m in members if m["absence_flag"] and m["in_office"]],
        "meetings": meetings,
        "meeting_numbers": {m["id"]: m["number"] for m in meetings},
        "may_keep": user.may(*KEEPERS),
        "breadcrumbs": crumbs,
        "notices": _notices(request),
        "form": {},
        "errors_by": {},
        "field_labels": LABELS,
        **_choices(),
    }
    return page(request, "committee/term.html.j2", status, **{**context, **extra})


@get("/komitet", guards=[allow(*READERS)], include_in_schema=False)
async def committee_home(request: Request[Any, Any, Any]) -> Template:
    return await _term_page(request, None)


@get(
    "/komitet/kadencje/{term_id:int}", guards=[allow(*READERS)], include_in_schema=False, query=("zapisano",)
)
async def term_page(request: Request[Any, Any, Any], term_id: FromPath[int]) -> Template:
    return await _term_page(request, term_id)


@post("/komitet/kadencje", guards=[allow(*KEEPERS)], include_in_schema=False)
async def create_term(request: Request[Any, Any, Any], data: Form) -> Template | Redirect:
    try:
        row = await services.create_term(parse(TermIn, data), actor_of(request, Channel.WEB))
    except DomainError as exc:
        current = await services.current_term()
        return await _term_page(
            request,
            current["id"] if current else None,
            422,
            form_term=data,
            **_problems(exc),
            open_form="term",
        )
    return Redirect(f"/komitet/kadencje/{row['id']}?zapisano=kadencja", status_code=303)


@post("/komitet/kadencje/{term_id:int}/czlonkowie", guards=[allow(*KEEPERS)], include_in_schema=False)
async def appoint(request: Request[Any, Any, Any], term_id: FromPath[int], data: Form) -> Template | Redirect:
    try:
        await services.appoint_member(
            parse(MemberIn, {**data, "term_id": str(term_id)}), actor_of(request, Channel.WEB)
        )
    except DomainError as exc:
        return await _term_page(request, term_id, 422, form=data, **_problems(exc), open_form="member")
    return Redirect(f"/komitet/kadencje/{term_id}?zapisano=powolano#czlonkowie", status_code=303)


@post("/komitet/czlonkowie/{member_id:int}/odwolanie", guards=[allow(*KEEPERS)], include_in_schema=False)
async def end_membership(
    request: Request[Any, Any, Any], member_id: FromPath[int], data: Form
) -> Template | Redirect:
    member = await services.get_member(member_id)
    try:
        version = field(data, "row_version")
        if not version.isdigit():
            raise ValidationFailed(
                "Formularz jest niekompletny.", [FieldError("row_version", "Odśwież stronę.")]
            )
        await services.end_membership(
            member_id, parse(MemberLeave, data), int(version), actor_of(request, Channel.WEB)
        )
    except DomainError as exc:
        return await _term_page(
            request,
            member["term_id"],
            422 if exc.status == 422 else exc.status,
            leave_form=data,
            leave_member=member_id,
            **_problems(exc),
        )
    return Redirect(f"/komitet/kadencje/{member['term_id']}?zapisano=odwolano#czlonkowie", status_code=303)


@post("/komitet/kadencje/{term_id:int}/posiedzenia", guards=[allow(*KEEPERS)], include_in_schema=False)
async def create_meeting(
    request: Request[Any, Any, Any], term_id: FromPath[int], data: Form
) -> Template | Redirect:
    try:
        row = await services.create_meeting(
            parse(MeetingIn, {**data, "term_id": str(term_id)}), actor_of(request, Channel.WEB)
        )
    except DomainError as exc:
        return await _term_page(
            request, term_id, 422, form_meeting=data, **_problems(exc), open_form="meeting"
        )
    return Redirect(f"/komitet/posiedzenia/{row['id']}?zapisano=posiedzenie", status_code=303)


async def _meeting_page(
    request: Request[Any, Any, Any], meeting_id: int, status: int = 200, **extra: Any
) -> Template:
    user = signed_in(request)
    meeting = await services.meeting_details(meeting_id)
    term = await services.get_term(meeting["term_id"])
    context = {
        "meeting": meeting,
        "term": term,
        "may_keep": user.may(*KEEPERS),
        "breadcrumbs": [
            ("/komitet", "Komitet (RKRES)"),
            (f"/komitet/kadencje/{term['id']}", f"Kadencja {term['number']}"),
            (f"/komitet/posiedzenia/{meeting_id}", f"Posiedzenie nr {meeting['number']}"),
        ],
        "notices": _notices(request),
        "form": {},
        "errors_by": {},
        "field_labels": LABELS,
        **_choices(),
    }
    return page(request, "committee/meeting.html.j2", status, **{**context, **extra})


@get(
    "/komitet/posiedzenia/{meeting_id:int}",
    guards=[allow(*READERS)],
    include_in_schema=False,
    query=("zapisano",),
)
async def meeting_page(request: Request[Any, Any, Any], meeting_id: FromPath[int]) -> Template:
    return await _meeting_page(request, meeting_id)


@post("/komitet/posiedzenia/{meeting_id:int}/obecnosc", guards=[allow(*KEEPERS)], include_in_schema=False)
async def attendance(
    request: Request[Any, Any, Any], meeting_id: FromPath[int], data: Form
) -> Template | Redirect:
    rows = []
    for key, value in data.items():
        if key.startswith("presence_") and key.removeprefix("presence_").isdigit() and value:
            member = key.removeprefix("presence_")
            rows.append(
                {"member_id": member, "presence": field(data, key), "note": field(data, f"note_{member}")}
            )
    try:
        await services.record_attendance(
            meeting_id, AttendanceIn.model_validate({"rows": rows}), actor_of(request, Channel.WEB)
        )
    except DomainError as exc:
        return await _meeting_page(request, meeting_id, 422, attendance_form=data, **_problems(exc))
    except ValueError:
        exc = ValidationFailed(
            "Lista obecności zawiera niepoprawne wartości.", [FieldError("rows", "Wybierz obecność z listy.")]
        )
        return await _meeting_page(request, meeting_id, 422, attendance_form=data, **_problems(exc))
    return Redirect(f"/komitet/posiedzenia/{meeting_id}?zapisano=obecnosc", status_code=303)


@post("/komitet/posiedzenia/{meeting_id:int}/uchwaly", guards=[allow(*KEEPERS)], include_in_schema=False)
async def resolution(
    request: Request[Any, Any, Any], meeting_id: FromPath[int], data: Form
) -> Template | Redirect:
    try:
        await services.add_resolution(meeting_id, parse(ResolutionIn, data), actor_of(request, Channel.WEB))
    except DomainError as exc:
        return await _meeting_page(
            request, meeting_id, 422 if exc.status == 422 else exc.status, form=data, **_problems(exc)
        )
    return Redirect(f"/komitet/posiedzenia/{meeting_id}?zapisano=uchwala#uchwaly", status_code=303)


@post("/komitet/posiedzenia/{meeting_id:int}/dokumenty", guards=[allow(*KEEPERS)], include_in_schema=False)
async def add_document(
    request: Request[Any, Any, Any],
    meeting_id: FromPath[int],
    data: Annotated[dict[str, Any], Body(media_type=RequestEncodingType.MULTI_PART)],
) -> Template | Redirect:
    upload = data.get("file")
    try:
        if not isinstance(upload, UploadFile):
            raise ValidationFailed("Dołącz plik dokumentu.", [FieldError("file", "Wybierz plik.")])
        await services.add_document(
            meeting_id,
            str(data.get("title") or ""),
            upload.filename,
            upload.content_type,
            await upload.read(),
            actor_of(request, Channel.WEB),
        )
    except DomainError as exc:
        return await _meeting_page(
            request, meeting_id, 422, document_form={"title": data.get("title", "")}, **_problems(exc)
        )
    return Redirect(f"/komitet/posiedzenia/{meeting_id}?zapisano=dokument#dokumenty", status_code=303)


@get("/komitet/posiedzenia/{meeting_id:int}/protokol", guards=[allow(*READERS)], include_in_schema=False)
async def minutes(meeting_id: FromPath[int]) -> Response[bytes]:
    content, filename = await minutes_file(meeting_id)
    return Response(content, media_type=DOCX, headers={"Content-Disposition": attachment(filename)})


@get("/komitet/dokumenty/{document_id:int}", guards=[allow(*READERS)], include_in_schema=False)
async def document(document_id: FromPath[int]) -> Response[bytes]:
    row = await services.document(document_id)
    return Response(
        row["content"],
        media_type=row["media_type"],
        headers={"Content-Disposition": attachment(row["filename"])},
    )


ROUTES: list[Any] = [
    committee_home,
    term_page,
    create_term,
    appoint,
    end_membership,
    create_meeting,
    meeting_page,
    attendance,
    resolution,
    add_document,
    minutes,
    document,
]
