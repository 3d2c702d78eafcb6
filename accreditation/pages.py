"""The accreditation workspace in the browser, under /akredytacja (the API serves machines).

/akredytacja lists accreditations and verifications with their states and deadlines (an OWES sees
only its own); /akredytacja/weryfikacje/{id} is a verification: the checklist by part and area,
each criterion with its result, finding, recommendation, evidence and comment thread, the OWES's
self-assessment beside it, evidence requests, progress and the transitions the state machines
allow. An OWES opening its own verification gets its side: the self-assessment form, the evidence
requested from it, uploads and comments (any other verification is "not found").
/akredytacja/opinie/{id} is an opinion: edit, preview, approve, download, new version.
Every write goes through the services; a form carries the record's version, so a stale form is
refused with an explanation instead of overwriting someone's work.
"""

from __future__ import annotations

import secrets
from datetime import date
from typing import Annotated, Any
from urllib.parse import quote

from litestar import Request, Response, get, post
from litestar.datastructures import UploadFile
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromPath, FromQuery
from litestar.response import Redirect, Template

from accreditation import checklist_services as checklists_svc
from accreditation import criterion_services as criteria
from accreditation import deadlines as deadline_queries
from accreditation import opinions, services
from accreditation import verification_services as verifications
from accreditation.lifecycle import (
    ACCREDITATION,
    OPINION,
    VERIFICATION,
    AccreditationRuleError,
    CriterionResult,
    OpinionConclusion,
    VerificationMode,
    check_accreditation_transition,
)
from ses import idempotency
from ses.auth.policy import Principal, Role, allow
from ses.errors import DomainError, FieldError, NotFound, PreconditionFailed, ValidationFailed
from ses.register.vocab import Channel
from ses.web.context import actor_of
from ses.web.files import attachment
from ses.web.pages import Form, field, page, signed_in

READERS = (Role.STAFF, Role.REVIEWER)
PEOPLE = (Role.STAFF, Role.REVIEWER, Role.OWES)
PAGE_SIZE = 25
FORM_BYTES = 2 * 1024 * 1024
UPLOAD_BYTES = 64 * 1024 * 1024
MAX_ID = 2**31 - 1

METHOD_LABELS = {
    "desk_review": "analiza dokumentów",
    "site_visit": "wizyta w siedzibie",
    "interview": "wywiad",
    "register_check": "sprawdzenie w rejestrze",
}
PART_KIND_LABELS = {"formal_organisational": "formalno-organizacyjne", "substantive": "merytoryczne"}
SCORING_LABELS = {"yes_no": "tak / nie", "points": "punktowo"}
ROLE_OF_AUTHOR = {"owes": "OWES", "reviewer": "weryfikator", "staff": "ROPS", "admin": "ROPS"}
NOTICES = {
    "wyniki": "Zapisano wyniki.",
    "dowody": "Wysłano prośbę o dowody; OWES zobaczy ją na swojej stronie weryfikacji.",
    "stan": "Zmieniono stan weryfikacji.",
    "akredytacja": "Zmieniono stan akredytacji.",
    "komentarz": "Dodano komentarz.",
    "plik": "Dodano plik.",
    "samoocena": "Zapisano samoocenę.",
    "opinia": "Przygotowano projekt opinii.",
    "zapisano": "Zapisano zmiany opinii.",
    "zatwierdzono": "Opinia zatwierdzona i zablokowana.",
    "wersja": "Utworzono projekt nowej wersji opinii.",
}
STALE = (
    "Ktoś inny zmienił tę weryfikację od chwili, gdy otwarto ten formularz (np. drugi weryfikator "
    "albo ta sama osoba w innej karcie), więc niczego nie zapisano, by nie nadpisać tamtych zmian. "
    "Poniżej jest aktualny stan — wprowadź swoje zmiany ponownie."
)
STALE_OPINION = (
    "Opinię zmieniono od chwili, gdy otwarto ten formularz, więc niczego nie zapisano, by nie "
    "nadpisać tamtych zmian. Poniżej jest aktualna treść — wprowadź swoje zmiany ponownie."
)


def _labels() -> dict[str, Any]:
    return {
        "verification_states": dict(VERIFICATION.states),
        "accreditation_states": dict(ACCREDITATION.states),
        "opinion_states": dict(OPINION.states),
        "results": {r.value: r.label for r in CriterionResult},
        "conclusions": {c.value: c.label for c in OpinionConclusion},
        "modes": {m.value: m.label for m in VerificationMode},
        "methods": METHOD_LABELS,
        "part_kinds": PART_KIND_LABELS,
        "scoring": SCORING_LABELS,
        "authors": ROLE_OF_AUTHOR,
    }


def _id(value: int, what: str) -> int:
    if not 1 <= value <= MAX_ID:
        raise NotFound(f"Nie ma {what} o id {value}.")
    return value


def _int(text: str, default: int = 1) -> int:
    text = text.strip()
    return int(text) if text.isdigit() and len(text) < 10 else default


def _date(form: dict[str, Any], name: str, problems: list[FieldError]) -> date | None:
    text = field(form, name).strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        problems.append(FieldError(name, "Podaj datę w formacie RRRR-MM-DD."))
        return None


def _problems(exc: DomainError) -> dict[str, Any]:
    return {"detail": exc.detail, "errors": [{"field": e.field, "message": e.message} for e in exc.errors]}


# --- the list ---------------------------------------------------------------------------------


@get("/akredytacja", guards=[allow(*PEOPLE)], include_in_schema=False)
async def workspace(request: Request[Any, Any, Any], strona: FromQuery[str] = "1") -> Template:
    viewer = signed_in(request)
    number = _int(strona)
    offset = (number - 1) * PAGE_SIZE
    own = viewer.organisation_id if viewer.is_owes else None
    if viewer.is_owes and own is None:
        accreditations: list[dict[str, Any]] = []
    else:
        accreditations = await services.list_accreditations(own, None, 200, 0)
    rows = await verifications.list_verifications(viewer, None, None, PAGE_SIZE, offset)
    total = await verifications.count_verifications(viewer)
    done = await verifications.progress([row["id"] for row in rows])
    today = date.today()
    for row in rows:
        row["progress"] = done.get(row["id"], {"total": 0, "decided": 0, "waiting": 0, "answered": 0})
        row["overdue"] = row["state"] in ("planned", "in_progress") and row["planned_to"] < today
    for row in accreditations:
        row["days_left"] = (row["valid_to"] - today).days if row["valid_to"] else None
    return page(
        request,
        "accreditation/workspace.html.j2",
        breadcrumbs=[("/akredytacja", "Akredytacja OWES")],
        accreditations=accreditations,
        verifications=rows,
        page_number=number,
        pages=max(1, (total + PAGE_SIZE - 1) // PAGE_SIZE),
        total=total,
        labels=_labels(),
        today=today,
    )


# --- one verification -------------------------------------------------------------------------


def _grouped(template: Any, items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The checklist as parts → areas → criteria, in the template's order."""
    by_code = {item["code"]: item for item in items}
    return [
        {
            "code": part.code,
            "title": part.title,
            "kind": part.kind,
            "areas": [
                {
                    "code": area.code,
                    "title": area.title,
                    "criteria": [by_code[c.code] for c in area.criteria if c.code in by_code],
                }
                for area in part.areas
            ],
        }
        for part in template.parts
    ]


async def _accreditation_moves(accreditation: dict[str, Any], viewer: Principal) -> list[tuple[str, str]]:
    """The accreditation's next states a staff member may choose here (the law and the calendar)."""
    if viewer.role not in (Role.STAFF, Role.ADMIN) or accreditation["state"] == "assessed":
        return []  # granting needs the decision's data: that is the API's (and the register's) form
    today = date.today()
    out = []
    for target in ACCREDITATION.allowed_targets(accreditation["state"]):
        try:
            check_accreditation_transition(accreditation["state"], target, accreditation["valid_to"], today)
        except AccreditationRuleError:
            continue
        out.append((target, ACCREDITATION.states[target]))
    return out


async def _verification_page(
    request: Request[Any, Any, Any],
    verification_id: int,
    status_code: int = 200,
    **context: Any,
) -> Template:
    viewer = signed_in(request)
    opened = await verifications.open_verification(verification_id, viewer)
    template = await checklists_svc.template_of(opened["template_id"])
    counts = (await verifications.progress([verification_id])).get(verification_id, {})
    owes_side = viewer.is_owes
    base: dict[str, Any] = {
        "v": opened,
        "parts": _grouped(template, opened["criteria"]),
        "progress": counts,
        "owes_side": owes_side,
        "labels": _labels(),
        "may_review": viewer.role in (Role.STAFF, Role.REVIEWER, Role.ADMIN),
        "may_decide": viewer.role in (Role.STAFF, Role.ADMIN),
        "review_open": opened["state"] in services.REVIEW_OPEN,
        "exchange_open": opened["state"] in services.EXCHANGE_OPEN,
        "self_open": opened["state"] in services.SELF_ASSESSMENT_OPEN,
        "moves": [
            (t, VERIFICATION.states[t])
            for t in VERIFICATION.allowed_targets(opened["state"])
            if t not in ("opinion_drafted", "opinion_approved")
        ],
        "form": {},
        "field_errors": {},
        "key": secrets.token_urlsafe(12),
        "today": date.today(),
    }
    if not owes_side:
        accreditation = await services.get_accreditation(opened["accreditation_id"])
        base["accreditation"] = accreditation
        base["accreditation_moves"] = await _accreditation_moves(accreditation, viewer)
        base["opinions"] = await opinions.list_opinions(verification_id)
        try:
            base["suggestion"] = await opinions.suggestion(verification_id)
        except DomainError:
            base["suggestion"] = None
    notice = request.query_params.get("ok")
    notices = [NOTICES[notice]] if notice in NOTICES else []
    errors = context.pop("errors", [])
    base["field_errors"] = {e["field"]: e["message"] for e in errors}
    return page(
        request,
        "accreditation/verification.html.j2",
        status_code,
        breadcrumbs=[
            ("/akredytacja", "Akredytacja OWES"),
            (None, f"Weryfikacja {verification_id} · {opened['owes_name']}"),
        ],
        notices=notices,
        errors=errors,
        **{**base, **context},
    )


@get(
    "/akredytacja/weryfikacje/{verification_id:int}",
    guards=[allow(*PEOPLE)],
    include_in_schema=False,
    query=("ok",),
)
async def verification_page(request: Request[Any, Any, Any], verification_id: FromPath[int]) -> Template:
    return await _verification_page(request, _id(verification_id, "weryfikacji"))


def _back(verification_id: int, notice: str, anchor: str = "") -> Redirect:
    return Redirect(f"/akredytacja/weryfikacje/{verification_id}?ok={notice}{anchor}", status_code=303)


async def _refused(
    request: Request[Any, Any, Any], verification_id: int, exc: DomainError, form: dict[str, Any]
) -> Template:
    if isinstance(exc, PreconditionFailed):
        return await _verification_page(request, verification_id, 409, detail=STALE, errors=[], form={})
    return await _verification_page(request, verification_id, exc.status, form=form, **_problems(exc))


@post(
    "/akredytacja/weryfikacje/{verification_id:int}/wyniki",
    guards=[allow(*READERS)],
    include_in_schema=False,
    request_max_body_size=FORM_BYTES,
)
async def save_results(
    request: Request[Any, Any, Any], verification_id: FromPath[int], data: Form
) -> Template | Redirect:
    """One area's results, findings and recommendations (the form names the criteria it holds)."""
    vid = _id(verification_id, "weryfikacji")
    codes = [c for c in field(data, "kody").split(",") if c]
    problems: list[FieldError] = []
    items = []
    for code in codes:
        result = field(data, f"wynik.{code}") or None
        if result is not None and result not in {r.value for r in CriterionResult}:
            problems.append(FieldError(f"wynik.{code}", "Wybierz wynik z listy."))
            result = None
        items.append(
            {
                "code": code,
                "result": result,
                "finding": field(data, f"ustalenie.{code}").strip() or None,
                "recommendation": field(data, f"zalecenie.{code}").strip() or None,
                "recommendation_deadline": _date(data, f"termin.{code}", problems),
            }
        )
    try:
        if problems:
            raise ValidationFailed("Wyniki zawierają błędy.", problems)
        if not items:
            raise ValidationFailed(
                "Formularz nie zawiera kryteriów.", [FieldError("kody", "Brak kryteriów.")]
            )
        await criteria.record_results(
            vid, items, _int(field(data, "wersja"), 0), actor_of(request, Channel.WEB)
        )
    except DomainError as exc:
        return await _refused(request, vid, _input_names(exc, codes), data)
    return _back(vid, "wyniki", f"#obszar-{field(data, 'obszar')}")


INPUT_OF_RESULT_FIELD = {
    "result": "wynik",
    "finding": "ustalenie",
    "recommendation": "zalecenie",
    "recommendation_deadline": "termin",
    "code": "wynik",
}


def _input_names(exc: DomainError, codes: list[str]) -> DomainError:
    """The services name fields as the API does (`results.3.recommendation`); the page names inputs
    (`zalecenie.I.1.1`), so each message shows next to its input."""
    renamed = []
    for error in exc.errors:
        parts = error.field.split(".")
        if len(parts) == 3 and parts[0] == "results" and parts[1].isdigit() and int(parts[1]) < len(codes):
            name = f"{INPUT_OF_RESULT_FIELD.get(parts[2], 'wynik')}.{codes[int(parts[1])]}"
            renamed.append(FieldError(name, error.message))
        else:
            renamed.append(error)
    exc.errors = renamed
    return exc


@post(
    "/akredytacja/weryfikacje/{verification_id:int}/dowody",
    guards=[allow(*READERS)],
    include_in_schema=False,
    request_max_body_size=FORM_BYTES,
)
async def request_evidence(
    request: Request[Any, Any, Any], verification_id: FromPath[int], data: Form
) -> Template | Redirect:
    vid = _id(verification_id, "weryfikacji")
    chosen = data.get("kod") or []
    codes = [chosen] if isinstance(chosen, str) else list(chosen)
    problems: list[FieldError] = []
    due = _date(data, "termin_dowodow", problems)
    if not codes:
        problems.append(FieldError("kod", "Zaznacz co najmniej jedno kryterium."))
    if due is not None and due < date.today():
        problems.append(FieldError("termin_dowodow", "Termin nie może być w przeszłości."))
    try:
        if problems:
            raise ValidationFailed("Nie wysłano prośby o dowody.", problems)
        await criteria.request_evidence(
            vid,
            {"codes": codes, "note": field(data, "uwaga").strip() or None, "due": due},
            actor_of(request, Channel.WEB),
        )
    except DomainError as exc:
        return await _refused(request, vid, exc, data)
    return _back(vid, "dowody")


@post(
    "/akredytacja/weryfikacje/{verification_id:int}/stan",
    guards=[allow(*READERS)],
    include_in_schema=False,
)
async def move_verification(
    request: Request[Any, Any, Any], verification_id: FromPath[int], data: Form
) -> Template | Redirect:
    vid = _id(verification_id, "weryfikacji")
    reason = field(data, "uzasadnienie").strip()
    try:
        if len(reason) < 3:
            raise ValidationFailed(
                "Podaj powód zmiany stanu.",
                [FieldError("uzasadnienie", "Powód (co najmniej 3 znaki) trafi do historii.")],
            )
        await verifications.transition_verification(
            vid,
            {"to_state": field(data, "stan"), "reason": reason},
            _int(field(data, "wersja"), 0),
            actor_of(request, Channel.WEB),
        )
    except DomainError as exc:
        return await _refused(request, vid, exc, data)
    return _back(vid, "stan")


@post(
    "/akredytacja/weryfikacje/{verification_id:int}/akredytacja",
    guards=[allow(Role.STAFF)],
    include_in_schema=False,
)
async def move_accreditation(
    request: Request[Any, Any, Any], verification_id: FromPath[int], data: Form
) -> Template | Redirect:
    vid = _id(verification_id, "weryfikacji")
    verification = await verifications.verification_row(vid)
    reason = field(data, "uzasadnienie_akredytacji").strip()
    try:
        if len(reason) < 3:
            raise ValidationFailed(
                "Podaj powód zmiany stanu akredytacji.",
                [FieldError("uzasadnienie_akredytacji", "Powód (co najmniej 3 znaki) trafi do historii.")],
            )
        await services.transition_accreditation(
            verification["accreditation_id"],
            {"to_state": field(data, "stan_akredytacji"), "reason": reason},
            _int(field(data, "wersja_akredytacji"), 0),
            actor_of(request, Channel.WEB),
        )
    except DomainError as exc:
        return await _refused(request, vid, exc, data)
    return _back(vid, "akredytacja")


@post(
    "/akredytacja/weryfikacje/{verification_id:int}/kryteria/{code:str}/komentarz",
    guards=[allow(*PEOPLE)],
    include_in_schema=False,
    request_max_body_size=FORM_BYTES,
)
async def comment(
    request: Request[Any, Any, Any], verification_id: FromPath[int], code: FromPath[str], data: Form
) -> Template | Redirect:
    vid = _id(verification_id, "weryfikacji")
    viewer = signed_in(request)
    body = field(data, "tresc").strip()
    try:
        if not body:
            raise ValidationFailed(
                "Komentarz jest pusty.", [FieldError(f"tresc.{code}", "Wpisz treść komentarza.")]
            )
        key = field(data, "klucz")[:60] or None
        await criteria.add_comment(
            vid,
            code,
            body,
            viewer,
            actor_of(request, Channel.WEB),
            idempotency.make_key(viewer.account_id, f"web-{key}" if key else None, str(vid), code, body),
        )
    except DomainError as exc:
        return await _refused(request, vid, exc, data)
    return _back(vid, "komentarz", f"#kryterium-{quote(code)}")


@post(
    "/akredytacja/weryfikacje/{verification_id:int}/kryteria/{code:str}/plik",
    guards=[allow(*PEOPLE)],
    include_in_schema=False,
    request_max_body_size=UPLOAD_BYTES,
)
async def upload(
    request: Request[Any, Any, Any],
    verification_id: FromPath[int],
    code: FromPath[str],
    data: Annotated[dict[str, Any], Body(media_type=RequestEncodingType.MULTI_PART)],
) -> Template | Redirect:
    vid = _id(verification_id, "weryfikacji")
    viewer = signed_in(request)
    upload_file = data.get("plik") if isinstance(data, dict) else None
    try:
        if not isinstance(upload_file, UploadFile) or not upload_file.filename:
            raise ValidationFailed(
                "Nie wybrano pliku.", [FieldError(f"plik.{code}", "Wybierz plik do wysłania.")]
            )
        content = await upload_file.read()
        key = str(data.get("klucz") or "")[:60] or None
        await criteria.upload_evidence(
            vid,
            code,
            upload_file.filename,
            content,
            viewer,
            actor_of(request, Channel.WEB),
            idempotency.make_key(
                viewer.account_id,
                f"web-{key}" if key else None,
                str(vid),
                code,
                upload_file.filename,
                content,
            ),
        )
    except DomainError as exc:
        return await _refused(request, vid, exc, {})
    return _back(vid, "plik", f"#kryterium-{quote(code)}")


@post(
    "/akredytacja/weryfikacje/{verification_id:int}/samoocena",
    guards=[allow(Role.OWES)],
    include_in_schema=False,
    request_max_body_size=FORM_BYTES,
)
async def self_assessment(
    request: Request[Any, Any, Any], verification_id: FromPath[int], data: Form
) -> Template | Redirect:
    vid = _id(verification_id, "weryfikacji")
    viewer = signed_in(request)
    codes = [c for c in field(data, "kody").split(",") if c]
    items = []
    problems = []
    for code in codes:
        result = field(data, f"samoocena.{code}")
        if not result:
            continue
        if result not in {r.value for r in CriterionResult}:
            problems.append(FieldError(f"samoocena.{code}", "Wybierz ocenę z listy."))
            continue
        items.append({"code": code, "result": result, "comment": field(data, f"opis.{code}").strip() or None})
    try:
        if problems:
            raise ValidationFailed("Samoocena zawiera błędy.", problems)
        if not items:
            raise ValidationFailed(
                "Nie wybrano żadnej oceny.", [FieldError("samoocena", "Oceń co najmniej jedno kryterium.")]
            )
        await criteria.submit_self_assessment(vid, items, viewer, actor_of(request, Channel.WEB))
    except DomainError as exc:
        return await _refused(request, vid, exc, data)
    return _back(vid, "samoocena")


@get("/akredytacja/dowody/{evidence_id:int}", guards=[allow(*PEOPLE)], include_in_schema=False)
async def evidence_file(request: Request[Any, Any, Any], evidence_id: FromPath[int]) -> Response[bytes]:
    row, content = await criteria.evidence_content(_id(evidence_id, "pliku"), signed_in(request))
    return Response(
        content,
        media_type=row["content_type"],
        headers={
            "Content-Disposition": attachment(row["filename"]),
            "X-Content-Type-Options": "nosniff",
            "Content-Security-Policy": "sandbox",
        },
    )


# --- opinions ---------------------------------------------------------------------------------


@post(
    "/akredytacja/weryfikacje/{verification_id:int}/opinia",
    guards=[allow(Role.STAFF)],
    include_in_schema=False,
)
async def draft_opinion(
    request: Request[Any, Any, Any], verification_id: FromPath[int], data: Form
) -> Template | Redirect:
    vid = _id(verification_id, "weryfikacji")
    problems: list[FieldError] = []
    values = {
        "signatory_name": field(data, "podpisujacy").strip(),
        "signatory_position": field(data, "stanowisko").strip(),
        "place": field(data, "miejscowosc").strip(),
        "reference_number": field(data, "znak_sprawy").strip() or None,
        "issue_date": _date(data, "data_wydania", problems),
    }
    for name, key, minimum in (
        ("podpisujacy", "signatory_name", 3),
        ("stanowisko", "signatory_position", 3),
        ("miejscowosc", "place", 2),
    ):
        if len(values[key]) < minimum:
            problems.append(FieldError(name, f"Wpisz co najmniej {minimum} znaki."))
    try:
        if problems:
            raise ValidationFailed("Nie przygotowano opinii: uzupełnij pola.", problems)
        created = await opinions.create_opinion(vid, values, actor_of(request, Channel.WEB))
    except DomainError as exc:
        return await _refused(request, vid, exc, data)
    return Redirect(f"/akredytacja/opinie/{created['id']}?ok=opinia", status_code=303)


async def _opinion_page(
    request: Request[Any, Any, Any], opinion_id: int, status_code: int = 200, **context: Any
) -> Template:
    opinion = await opinions.get_opinion(opinion_id)
    verification = await verifications.verification_row(opinion["verification_id"])
    versions = await opinions.list_opinions(opinion["verification_id"])
    notice = request.query_params.get("ok")
    errors = context.pop("errors", [])
    return page(
        request,
        "accreditation/opinion.html.j2",
        status_code,
        breadcrumbs=[
            ("/akredytacja", "Akredytacja OWES"),
            (f"/akredytacja/weryfikacje/{verification['id']}", f"Weryfikacja {verification['id']}"),
            (None, f"Opinia, wersja {opinion['number']}"),
        ],
        notices=[NOTICES[notice]] if notice in NOTICES else [],
        o=opinion,
        verification=verification,
        versions=versions,
        labels=_labels(),
        may_decide=signed_in(request).role in (Role.STAFF, Role.ADMIN),
        form=context.pop("form", {}),
        field_errors={e["field"]: e["message"] for e in errors},
        errors=errors,
        **context,
    )


@get("/akredytacja/opinie/{opinion_id:int}", guards=[allow(*READERS)], include_in_schema=False, query=("ok",))
async def opinion_page(request: Request[Any, Any, Any], opinion_id: FromPath[int]) -> Template:
    return await _opinion_page(request, _id(opinion_id, "opinii"))


async def _opinion_refused(
    request: Request[Any, Any, Any], opinion_id: int, exc: DomainError, form: dict[str, Any]
) -> Template:
    if isinstance(exc, PreconditionFailed):
        return await _opinion_page(request, opinion_id, 409, detail=STALE_OPINION, errors=[])
    return await _opinion_page(request, opinion_id, exc.status, form=form, **_problems(exc))


FIELD_OF_INPUT = {
    "konkluzja": "conclusion",
    "uzasadnienie": "justification",
    "znak_sprawy": "reference_number",
    "podpisujacy": "signatory_name",
    "stanowisko": "signatory_position",
    "miejscowosc": "place",
}


@post("/akredytacja/opinie/{opinion_id:int}", guards=[allow(Role.STAFF)], include_in_schema=False)
async def edit_opinion(
    request: Request[Any, Any, Any], opinion_id: FromPath[int], data: Form
) -> Template | Redirect:
    oid = _id(opinion_id, "opinii")
    problems: list[FieldError] = []
    values: dict[str, Any] = {key: field(data, name).strip() for name, key in FIELD_OF_INPUT.items()}
    values["issue_date"] = _date(data, "data_wydania", problems)
    if values["conclusion"] not in {c.value for c in OpinionConclusion}:
        problems.append(FieldError("konkluzja", "Wybierz konkluzję z listy."))
    if field(data, "generuj") == "tak":  # keep the justification generated from the results
        values["justification"] = ""
    elif len(values["justification"]) < 3:
        problems.append(FieldError("uzasadnienie", "Wpisz uzasadnienie albo zaznacz generowanie z wyników."))
    for name, key, minimum in (
        ("podpisujacy", "signatory_name", 3),
        ("stanowisko", "signatory_position", 3),
        ("miejscowosc", "place", 2),
    ):
        if len(values[key]) < minimum:
            problems.append(FieldError(name, f"Wpisz co najmniej {minimum} znaki."))
    try:
        if problems:
            raise ValidationFailed("Nie zapisano opinii: popraw pola.", problems)
        values["reference_number"] = values["reference_number"] or None
        await opinions.update_opinion(
            oid, values, _int(field(data, "wersja"), 0), actor_of(request, Channel.WEB)
        )
    except DomainError as exc:
        return await _opinion_refused(request, oid, exc, data)
    return Redirect(f"/akredytacja/opinie/{oid}?ok=zapisano", status_code=303)


@post("/akredytacja/opinie/{opinion_id:int}/zatwierdz", guards=[allow(Role.STAFF)], include_in_schema=False)
async def approve_opinion(
    request: Request[Any, Any, Any], opinion_id: FromPath[int], data: Form
) -> Template | Redirect:
    oid = _id(opinion_id, "opinii")
    try:
        await opinions.approve(oid, _int(field(data, "wersja"), 0), actor_of(request, Channel.WEB))
    except DomainError as exc:
        return await _opinion_refused(request, oid, exc, {})
    return Redirect(f"/akredytacja/opinie/{oid}?ok=zatwierdzono", status_code=303)


@post("/akredytacja/opinie/{opinion_id:int}/nowa-wersja", guards=[allow(Role.STAFF)], include_in_schema=False)
async def new_opinion_version(
    request: Request[Any, Any, Any], opinion_id: FromPath[int]
) -> Template | Redirect:
    oid = _id(opinion_id, "opinii")
    try:
        created = await opinions.new_version(oid, actor_of(request, Channel.WEB))
    except DomainError as exc:
        return await _opinion_refused(request, oid, exc, {})
    return Redirect(f"/akredytacja/opinie/{created['id']}?ok=wersja", status_code=303)


@get("/akredytacja/opinie/{opinion_id:int}/podglad", guards=[allow(*READERS)], include_in_schema=False)
async def opinion_preview(request: Request[Any, Any, Any], opinion_id: FromPath[int]) -> Template:
    oid = _id(opinion_id, "opinii")
    try:
        opinion, sheet = await opinions.opinion_sheet(oid)
    except DomainError as exc:
        return await _opinion_page(request, oid, exc.status, **_problems(exc))
    return page(
        request,
        "accreditation/opinion_preview.html.j2",
        breadcrumbs=[
            ("/akredytacja", "Akredytacja OWES"),
            (f"/akredytacja/opinie/{oid}", f"Opinia, wersja {opinion['number']}"),
            (None, "Podgląd wydruku"),
        ],
        o=opinion,
        v=sheet,
    )


@get("/akredytacja/opinie/{opinion_id:int}/opinia.docx", guards=[allow(*READERS)], include_in_schema=False)
async def opinion_docx(opinion_id: FromPath[int]) -> Response[bytes]:
    row, content = await opinions.opinion_docx(_id(opinion_id, "opinii"))
    suffix = "" if row["state"] != "draft" else "-projekt"
    name = f"opinia-OWES-weryfikacja-{row['verification_id']}-wersja-{row['number']}{suffix}.docx"
    return Response(
        content, media_type=opinions.DOCX_MEDIA_TYPE, headers={"Content-Disposition": attachment(name)}
    )


# --- deadlines --------------------------------------------------------------------------------


@get("/akredytacja/terminy", guards=[allow(*READERS)], include_in_schema=False)
async def deadlines_page(request: Request[Any, Any, Any], dni: FromQuery[str] = "90") -> Template:
    within = _int(dni, 90)
    if within > 730:
        within = 730
    data = await deadline_queries.deadlines(within_days=within)
    return page(
        request,
        "accreditation/deadlines.html.j2",
        breadcrumbs=[("/akredytacja", "Akredytacja OWES"), (None, "Terminy")],
        d=data,
    )


@get("/accreditation/terminy", guards=[allow(*READERS)], include_in_schema=False)
async def old_deadlines_address() -> Redirect:
    """The earlier English address of the deadlines page."""
    return Redirect("/akredytacja/terminy", status_code=301)


PAGES: list[Any] = [
    workspace,
    verification_page,
    save_results,
    request_evidence,
    move_verification,
    move_accreditation,
    comment,
    upload,
    self_assessment,
    evidence_file,
    draft_opinion,
    opinion_page,
    edit_opinion,
    approve_opinion,
    new_opinion_version,
    opinion_preview,
    opinion_docx,
    deadlines_page,
    old_deadlines_address,
]
