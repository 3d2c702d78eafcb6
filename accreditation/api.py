"""JSON API of OWES accreditation under /api/v1/accreditation (thin: every handler calls a service).
The pages for people are in `accreditation.pages`."""

from __future__ import annotations

import json
from typing import Annotated, Any

from litestar import Controller, Request, Response, get, patch, post, put
from litestar.enums import RequestEncodingType
from litestar.exceptions import ValidationException
from litestar.params import Body, FromPath, FromQuery, JSONBody, QueryParameter

from accreditation import checklist_services as checklists_svc
from accreditation import criterion_services as criteria
from accreditation import deadlines as deadline_queries
from accreditation import evidence, opinions, services
from accreditation import verification_services as verifications
from accreditation.schemas import (
    AccreditationCreate,
    AccreditationOut,
    AccreditationTransition,
    CommentIn,
    CriterionComment,
    CurrentAccreditation,
    Deadlines,
    EvidenceOut,
    EvidenceRequestIn,
    OpinionCreate,
    OpinionOut,
    OpinionUpdate,
    ResultsIn,
    SelfAssessment,
    SelfAssessmentIn,
    SuggestedConclusion,
    TemplateDetails,
    TemplateImport,
    TemplateOut,
    VerificationCreate,
    VerificationDetails,
    VerificationOut,
    VerificationTransition,
)
from ses import idempotency
from ses.audit.services import history
from ses.auth.policy import Principal, Role, allow
from ses.errors import FieldError, NotFound, ValidationFailed
from ses.register.schemas import HistoryEntry
from ses.settings import get_settings
from ses.uploads import file_from
from ses.web.context import actor_of, expected_version
from ses.web.dependencies import Account, Page, Paging, Viewer, paging_of
from ses.web.files import attachment
from ses.web.problems import validation_error_handler

READERS = (Role.STAFF, Role.REVIEWER)
HISTORY_PAGING = {"paging": paging_of(100)}
WORKERS = (Role.STAFF, Role.REVIEWER)
HTML = "text/html; charset=utf-8"


def _optional_version(request: Request[Any, Any, Any]) -> int | None:
    return expected_version(request) if request.headers.get("if-match") else None


def _own_organisation(viewer: Principal | None, org_id: int) -> None:
    if viewer is not None and viewer.is_owes and viewer.organisation_id != org_id:
        raise NotFound(f"Nie ma w rejestrze organizacji o id {org_id}.")


MAX_ID = 2**31 - 1  # ids are 32-bit integers in both databases
ID_QUERY_PARAMETERS = ("organisation_id", "accreditation_id")


def check_ids(request: Request[Any, Any, Any]) -> None:
    """Ids in the path or the query that no record can have are a client error (422), not a database
    overflow (500)."""
    problems = [
        FieldError(name, f"Identyfikator musi być liczbą od 1 do {MAX_ID}.")
        for name, value in request.path_params.items()
        if isinstance(value, int) and not 1 <= value <= MAX_ID
    ]
    for name in ID_QUERY_PARAMETERS:
        text = request.query_params.get(name)
        if text and text.strip().lstrip("+-").isdigit() and not 1 <= int(text) <= MAX_ID:
            problems.append(FieldError(name, f"Identyfikator musi być liczbą od 1 do {MAX_ID}."))
    if problems:
        raise ValidationFailed("Identyfikator spoza zakresu.", problems)


async def _ids_in_range(request: Request[Any, Any, Any]) -> None:
    check_ids(request)


def _invalid_input(request: Request[Any, Any, Any], exc: ValidationException) -> Response[dict[str, Any]]:
    """A body or parameter that does not fit the schema: 422 problem details naming the field."""
    response = validation_error_handler(request, exc)
    response.status_code = 422
    if isinstance(response.content, dict):
        response.content["status"] = 422
    return response


class AccreditationController(Controller):
    path = "/api/v1/accreditation"
    tags = ["Akredytacja OWES"]
    before_request = _ids_in_range
    exception_handlers = {ValidationException: _invalid_input}  # noqa: RUF012

    # -- checklist templates ------------------------------------------------------------------

    @get("/templates", guards=[allow(*READERS)], summary="Stored checklist template versions")
    async def templates(self, paging: Paging) -> list[TemplateOut]:
        return await checklists_svc.list_templates(paging.limit, paging.offset)  # type: ignore[return-value]

    @post(
        "/templates",
        guards=[allow(Role.STAFF)],
        summary="Load a template file (YAML or JSON) as a new version",
    )
    async def import_template(
        self, request: Request[Any, Any, Any], data: JSONBody[TemplateImport]
    ) -> TemplateOut:
        return await checklists_svc.import_template(data.content, data.format, actor_of(request))  # type: ignore[return-value]

    @get(
        "/templates/{template_id:int}",
        guards=[allow(*READERS)],
        summary="One template with its parts, areas and criteria",
    )
    async def template(self, template_id: FromPath[int]) -> TemplateDetails:
        row = await checklists_svc.get_template_row(template_id)
        content = (await checklists_svc.template_of(template_id)).model_dump(mode="json")
        return {**row, "content": content}  # type: ignore[return-value]

    @get(
        "/templates/{template_id:int}/export",
        guards=[allow(*READERS)],
        summary="The template as a YAML or JSON file",
        opt={"media_types": ("application/yaml; charset=utf-8", "application/json; charset=utf-8")},
    )
    async def export_template(
        self, template_id: FromPath[int], format: FromQuery[str] = "yaml"
    ) -> Response[str]:
        if format not in {"yaml", "json"}:
            raise ValidationFailed(
                "Nieznany format.", [FieldError("format", "Dozwolone formaty: yaml, json.")]
            )
        row = await checklists_svc.get_template_row(template_id)
        text = await checklists_svc.export_template(template_id, format)
        media = "application/json" if format == "json" else "application/yaml"
        name = f"{row['code']}-{row['version']}.{format}"
        return Response(
            text, media_type=f"{media}; charset=utf-8", headers={"Content-Disposition": attachment(name)}
        )

    # -- accreditation records ----------------------------------------------------------------

    @get("/accreditations", guards=[allow(*READERS)], summary="Accreditation records")
    async def accreditations(
        self,
        paging: Paging,
        organisation_id: FromQuery[int | None] = None,
        state_filter: Annotated[str | None, QueryParameter(name="state")] = None,
    ) -> list[AccreditationOut]:
        return await services.list_accreditations(organisation_id, state_filter, paging.limit, paging.offset)  # type: ignore[return-value]

    @post("/accreditations", guards=[allow(Role.STAFF)], summary="Record an accreditation of an OWES")
    async def create_accreditation(
        self, request: Request[Any, Any, Any], data: JSONBody[AccreditationCreate]
    ) -> Response[AccreditationOut]:
        row = await services.create_accreditation(data.model_dump(), actor_of(request))
        return Response(row, status_code=201, headers={"ETag": services.accreditation_etag(row)})

    @get(
        "/accreditations/{accreditation_id:int}",
        guards=[allow(*READERS, Role.OWES)],
        summary="One accreditation",
    )
    async def accreditation(
        self, viewer: Viewer, accreditation_id: FromPath[int]
    ) -> Response[AccreditationOut]:
        row = await services.get_accreditation(accreditation_id)
        if viewer is not None and viewer.is_owes and viewer.organisation_id != row["organisation_id"]:
            raise NotFound(f"Nie ma akredytacji o id {accreditation_id}.")
        return Response(row, headers={"ETag": services.accreditation_etag(row)})

    @post(
        "/accreditations/{accreditation_id:int}/transitions",
        guards=[allow(Role.STAFF)],
        status_code=200,
        summary="Move an accreditation to another state (needs If-Match)",
    )
    async def transition_accreditation(
        self,
        request: Request[Any, Any, Any],
        accreditation_id: FromPath[int],
        data: JSONBody[AccreditationTransition],
    ) -> Response[AccreditationOut]:
        version = expected_version(request)
        row = await services.transition_accreditation(
            accreditation_id, data.model_dump(), version, actor_of(request)
        )
        return Response(row, headers={"ETag": services.accreditation_etag(row)})

    @get(
        "/organisations/{org_id:int}/current",
        guards=[allow(*READERS, Role.COMMITTEE, Role.OWES)],
        summary="The accreditation in force today of an OWES (for its register page)",
    )
    async def current(self, viewer: Viewer, org_id: FromPath[int]) -> CurrentAccreditation:
        _own_organisation(viewer, org_id)
        return {"organisation_id": org_id, "current": await services.current_accreditation(org_id)}  # type: ignore[return-value]

    # -- verifications ------------------------------------------------------------------------

    @get(
        "/verifications", guards=[allow(*READERS, Role.OWES)], summary="Verifications (an OWES sees its own)"
    )
    async def verifications(
        self,
        viewer: Viewer,
        paging: Paging,
        accreditation_id: FromQuery[int | None] = None,
        state_filter: Annotated[str | None, QueryParameter(name="state")] = None,
    ) -> list[VerificationOut]:
        return await verifications.list_verifications(  # type: ignore[return-value]
            viewer, accreditation_id, state_filter, paging.limit, paging.offset
        )

    @post(
        "/verifications",
        guards=[allow(Role.STAFF)],
        summary="Plan a verification of an OWES on a template version",
    )
    async def create_verification(
        self, request: Request[Any, Any, Any], data: JSONBody[VerificationCreate]
    ) -> Response[VerificationOut]:
        row = await verifications.create_verification(data.model_dump(), actor_of(request))
        return Response(row, status_code=201, headers={"ETag": verifications.verification_etag(row)})

    @get(
        "/verifications/{verification_id:int}",
        guards=[allow(*READERS, Role.OWES)],
        summary="Open a verification: every criterion with results, evidence and comments",
    )
    async def verification(
        self, viewer: Viewer, verification_id: FromPath[int]
    ) -> Response[VerificationDetails]:
        row = await verifications.open_verification(verification_id, viewer)
        return Response(row, headers={"ETag": verifications.verification_etag(row)})

    @post(
        "/verifications/{verification_id:int}/transitions",
        guards=[allow(*WORKERS)],
        status_code=200,
        summary="Move a verification to another state",
    )
    async def transition_verification(
        self,
        request: Request[Any, Any, Any],
        verification_id: FromPath[int],
        data: JSONBody[VerificationTransition],
    ) -> Response[VerificationOut]:
        row = await verifications.transition_verification(
            verification_id, data.model_dump(), _optional_version(request), actor_of(request)
        )
        return Response(row, headers={"ETag": verifications.verification_etag(row)})

    @patch(
        "/verifications/{verification_id:int}/results",
        guards=[allow(*WORKERS)],
        summary="Set results, findings and recommendations of chosen criteria (needs If-Match)",
    )
    async def results(
        self, request: Request[Any, Any, Any], verification_id: FromPath[int], data: JSONBody[ResultsIn]
    ) -> Response[VerificationDetails]:
        items = [item.model_dump(exclude_unset=True) for item in data.results]
        row = await criteria.record_results(
            verification_id, items, expected_version(request), actor_of(request)
        )
        return Response(row, headers={"ETag": verifications.verification_etag(row)})

    @post(
        "/verifications/{verification_id:int}/evidence-requests",
        guards=[allow(*WORKERS)],
        status_code=200,
        summary="Ask the OWES for evidence on chosen criteria",
    )
    async def request_evidence(
        self,
        request: Request[Any, Any, Any],
        verification_id: FromPath[int],
        data: JSONBody[EvidenceRequestIn],
    ) -> VerificationDetails:
        return await criteria.request_evidence(verification_id, data.model_dump(), actor_of(request))  # type: ignore[return-value]

    @post(
        "/verifications/{verification_id:int}/criteria/{code:str}/comments",
        guards=[allow(*WORKERS, Role.OWES)],
        summary="Add a comment to the thread of a criterion",
    )
    async def comment(
        self,
        request: Request[Any, Any, Any],
        account: Account,
        verification_id: FromPath[int],
        code: FromPath[str],
        data: JSONBody[CommentIn],
    ) -> Response[CriterionComment]:
        key = idempotency.key_of(request, account.account_id, data.body)
        answer = await criteria.add_comment(verification_id, code, data.body, account, actor_of(request), key)
        return Response(answer.body, status_code=200 if answer.replayed else answer.status)

    @post(
        "/verifications/{verification_id:int}/criteria/{code:str}/evidence",
        guards=[allow(*WORKERS, Role.OWES)],
        summary="Upload an evidence file for a criterion (multipart field `file`)",
        request_max_body_size=64 * 1024 * 1024,
    )
    async def upload_evidence(
        self,
        request: Request[Any, Any, Any],
        account: Account,
        verification_id: FromPath[int],
        code: FromPath[str],
        data: Annotated[dict[str, Any], Body(media_type=RequestEncodingType.MULTI_PART)],
    ) -> Response[EvidenceOut]:
        upload = file_from(data, ("file",))
        content = await upload.read()
        filename = upload.filename or "plik"
        answer = await criteria.upload_evidence(
            verification_id,
            code,
            filename,
            content,
            account,
            actor_of(request),
            idempotency.key_of(request, account.account_id, filename, content),
        )
        return Response(answer.body, status_code=200 if answer.replayed else answer.status)

    @get(
        "/evidence/{evidence_id:int}",
        guards=[allow(*READERS, Role.OWES)],
        summary="Download an evidence file",
        media_type="application/octet-stream",
        opt={"media_types": tuple(dict.fromkeys(media for media, _ in evidence.ALLOWED_TYPES.values()))},
    )
    async def download_evidence(self, viewer: Viewer, evidence_id: FromPath[int]) -> Response[bytes]:
        row, content = await criteria.evidence_content(evidence_id, viewer)
        return Response(
            content,
            media_type=row["content_type"],
            headers={
                "Content-Disposition": attachment(row["filename"]),
                "X-Content-Type-Options": "nosniff",
                "Content-Security-Policy": "sandbox",
                "ETag": f'"{row["sha256"]}"',
            },
        )

    @get(
        "/verifications/{verification_id:int}/self-assessment",
        guards=[allow(*READERS, Role.OWES)],
        summary="The OWES's self-assessment (staff see it beside the reviewers' results)",
    )
    async def self_assessment(self, viewer: Viewer, verification_id: FromPath[int]) -> SelfAssessment:
        return await criteria.self_assessment(verification_id, viewer)  # type: ignore[return-value]

    @put(
        "/verifications/{verification_id:int}/self-assessment",
        guards=[allow(Role.OWES)],
        summary="Submit the OWES's self-assessment of chosen criteria",
    )
    async def submit_self_assessment(
        self,
        request: Request[Any, Any, Any],
        account: Account,
        verification_id: FromPath[int],
        data: JSONBody[SelfAssessmentIn],
    ) -> SelfAssessment:
        items = [item.model_dump() for item in data.items]
        return await criteria.submit_self_assessment(  # type: ignore[return-value]
            verification_id, items, account, actor_of(request)
        )

    # -- opinions -----------------------------------------------------------------------------

    @get(
        "/verifications/{verification_id:int}/suggested-conclusion",
        guards=[allow(*READERS)],
        summary="The conclusion the results point to, with reasons",
    )
    async def suggested(self, verification_id: FromPath[int]) -> SuggestedConclusion:
        return await opinions.suggestion(verification_id)  # type: ignore[return-value]

    @get(
        "/verifications/{verification_id:int}/opinions",
        guards=[allow(*READERS)],
        summary="Every opinion version",
    )
    async def opinion_versions(self, verification_id: FromPath[int]) -> list[OpinionOut]:
        return await opinions.list_opinions(verification_id)  # type: ignore[return-value]

    @post(
        "/verifications/{verification_id:int}/opinions",
        guards=[allow(Role.STAFF)],
        summary="Draft the opinion",
    )
    async def create_opinion(
        self, request: Request[Any, Any, Any], verification_id: FromPath[int], data: JSONBody[OpinionCreate]
    ) -> Response[OpinionOut]:
        row = await opinions.create_opinion(verification_id, data.model_dump(), actor_of(request))
        return Response(row, status_code=201, headers={"ETag": opinions.opinion_etag(row)})

    @get("/opinions/{opinion_id:int}", guards=[allow(*READERS)], summary="One opinion version (with ETag)")
    async def opinion(self, opinion_id: FromPath[int]) -> Response[OpinionOut]:
        row = await opinions.get_opinion(opinion_id)
        return Response(row, headers={"ETag": opinions.opinion_etag(row)})

    @patch(
        "/opinions/{opinion_id:int}",
        guards=[allow(Role.STAFF)],
        summary="Edit a draft opinion (needs If-Match)",
    )
    async def update_opinion(
        self, request: Request[Any, Any, Any], opinion_id: FromPath[int], data: JSONBody[OpinionUpdate]
    ) -> Response[OpinionOut]:
        version = expected_version(request)
        row = await opinions.update_opinion(
            opinion_id, data.model_dump(exclude_unset=True), version, actor_of(request)
        )
        return Response(row, headers={"ETag": opinions.opinion_etag(row)})

    @post(
        "/opinions/{opinion_id:int}/approve",
        guards=[allow(Role.STAFF)],
        status_code=200,
        summary="Approve and lock the opinion (records the DOCX's SHA-256)",
    )
    async def approve(
        self, request: Request[Any, Any, Any], opinion_id: FromPath[int]
    ) -> Response[OpinionOut]:
        row = await opinions.approve(opinion_id, _optional_version(request), actor_of(request))
        return Response(row, headers={"ETag": opinions.opinion_etag(row)})

    @post(
        "/opinions/{opinion_id:int}/versions",
        guards=[allow(Role.STAFF)],
        summary="Start a new version of an approved opinion",
    )
    async def new_version(
        self, request: Request[Any, Any, Any], opinion_id: FromPath[int]
    ) -> Response[OpinionOut]:
        row = await opinions.new_version(opinion_id, actor_of(request))
        return Response(row, status_code=201, headers={"ETag": opinions.opinion_etag(row)})

    @get(
        "/opinions/{opinion_id:int}/document.docx",
        guards=[allow(*READERS)],
        summary="The opinion as DOCX (approved: exactly the approved bytes)",
        media_type=opinions.DOCX_MEDIA_TYPE,
    )
    async def opinion_docx(self, opinion_id: FromPath[int]) -> Response[bytes]:
        row, content = await opinions.opinion_docx(opinion_id)
        suffix = "" if row["state"] != "draft" else "-projekt"
        name = f"opinia-OWES-weryfikacja-{row['verification_id']}-wersja-{row['number']}{suffix}.docx"
        headers = {"Content-Disposition": attachment(name)}
        if row["sha256"]:
            headers["ETag"] = f'"{row["sha256"]}"'
        return Response(content, media_type=opinions.DOCX_MEDIA_TYPE, headers=headers)

    @get(
        "/opinions/{opinion_id:int}/print",
        guards=[allow(*READERS)],
        summary="The opinion as a printable HTML page",
        media_type=HTML,
        include_in_schema=False,  # a page for the browser's print dialogue, not an API answer
    )
    async def opinion_print(self, opinion_id: FromPath[int]) -> Response[str]:
        return Response(await opinions.opinion_html(opinion_id), media_type=HTML)

    # -- audit trail --------------------------------------------------------------------------

    @get(
        "/accreditations/{entity_id:int}/history",
        guards=[allow(*READERS)],
        summary="Changes of an accreditation",
        dependencies=HISTORY_PAGING,
    )
    async def accreditation_history(self, entity_id: FromPath[int], paging: Paging) -> list[HistoryEntry]:
        return await _history("accreditation", entity_id, paging)

    @get(
        "/verifications/{entity_id:int}/history",
        guards=[allow(*READERS)],
        summary="Changes of a verification",
        dependencies=HISTORY_PAGING,
    )
    async def verification_history(self, entity_id: FromPath[int], paging: Paging) -> list[HistoryEntry]:
        return await _history("verification", entity_id, paging)

    @get(
        "/opinions/{entity_id:int}/history",
        guards=[allow(*READERS)],
        summary="Changes of an opinion",
        dependencies=HISTORY_PAGING,
    )
    async def opinion_history(self, entity_id: FromPath[int], paging: Paging) -> list[HistoryEntry]:
        return await _history("opinion", entity_id, paging)

    # -- deadlines ----------------------------------------------------------------------------

    @get(
        "/deadlines",
        guards=[allow(*READERS)],
        summary="Expiring accreditations and overdue work (for reminders)",
    )
    async def deadlines(self, within_days: FromQuery[int] = 90, limit: FromQuery[int] = 200) -> Deadlines:
        return await deadline_queries.deadlines(  # type: ignore[return-value]
            within_days=_days(within_days), limit=_limit(limit)
        )


async def _history(entity: str, entity_id: int, paging: Page) -> list[dict[str, Any]]:
    """Who changed what, when and why: the audit trail of one record, newest first."""
    rows = await history(entity, entity_id, limit=paging.limit, offset=paging.offset)
    for row in rows:  # JSON text on some engine/driver combinations (see stack notes)
        if isinstance(row["changes"], str):
            row["changes"] = json.loads(row["changes"])
    return rows


def _days(value: int) -> int:
    if not 0 <= value <= 730:
        raise ValidationFailed(
            "Niepoprawny horyzont.", [FieldError("within_days", "Podaj liczbę dni od 0 do 730.")]
        )
    return value


def _limit(value: int) -> int:
    maximum = get_settings().max_page_size
    if not 1 <= value <= maximum:
        raise ValidationFailed(
            "Niepoprawny limit.", [FieldError("limit", f"Limit musi mieścić się w zakresie 1–{maximum}.")]
        )
    return value


ROUTES: list[Any] = [AccreditationController]
