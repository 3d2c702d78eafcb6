"""Pages of the ROPS's support work under /dzialania: activities with participants (staff only),
the project's indicators against their targets (staff and the committee), the training-needs survey
and the local governments' deinstitutionalisation plans."""

from __future__ import annotations

from datetime import date
from typing import Any

from litestar import Request, Response, get, post
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from ses.activities import indicators, services
from ses.activities.api import CSV, INDICATOR_READERS, STAFF, XLSX, monitoring_file, participants_csv
from ses.activities.schemas import ActivityIn, EraseIn, ParticipantIn, PlanIn, TargetIn, TrainingNeedIn
from ses.activities.vocab import KIND_LABELS, ROLE_LABELS, TOPIC_LABELS
from ses.audit.services import Channel
from ses.auth.policy import Role, allow
from ses.errors import DomainError, FieldError, ValidationFailed
from ses.text import pl_number
from ses.web.context import actor_of
from ses.web.form_models import parse
from ses.web.pages import FIELD_LABELS, Form, field, page, signed_in

LABELS = {
    **FIELD_LABELS,
    "kind": "Rodzaj działania",
    "topic": "Obszar tematyczny",
    "title": "Tytuł",
    "starts_on": "Data rozpoczęcia",
    "ends_on": "Data zakończenia",
    "place": "Miejsce",
    "gmina_code": "Gmina (kod TERYT)",
    "hours": "Liczba godzin",
    "description": "Opis",
    "certificates": "Kończy się zaświadczeniem",
    "full_name": "Imię i nazwisko",
    "email": "E-mail",
    "role": "Rola uczestnika",
    "organisation_id": "Organizacja z rejestru (id)",
    "institution": "Instytucja",
    "consent_on": "Data zgody na przetwarzanie danych",
    "completed": "Ukończył(a)",
    "certificate_number": "Nr zaświadczenia",
    "year": "Rok",
    "people": "Liczba osób",
    "priority": "Priorytet",
    "note": "Uwagi",
    "territory_code": "Samorząd (kod TERYT gminy lub powiatu)",
    "adopted_on": "Data przyjęcia planu",
    "reason": "Podstawa usunięcia danych",
    "code": "Wskaźnik",
    "baseline": "Wartość bazowa",
    "target": "Wartość docelowa",
    "target_year": "Rok docelowy",
}
NOTICES = {
    "dzialanie": "Zapisano działanie.",
    "uczestnik": "Dopisano uczestnika.",
    "usunieto": "Usunięto uczestnika z listy.",
    "dane": "Usunięto dane osobowe uczestnika; liczby w sprawozdaniach pozostają.",
    "potrzeba": "Zapisano odpowiedź z badania potrzeb.",
    "plan": "Zapisano plan deinstytucjonalizacji.",
    "cel": "Zapisano wartość docelową wskaźnika; panel RKRES i API wskaźników pokazują ją od razu.",
}


def _problems(exc: DomainError) -> dict[str, Any]:
    return {
        "detail": exc.detail,
        "errors": [{"field": e.field, "message": e.message} for e in exc.errors],
        "errors_by": {e.field: e.message for e in exc.errors},
        "field_labels": LABELS,
    }


def _base(request: Request[Any, Any, Any], crumbs: list[tuple[str, str]]) -> dict[str, Any]:
    done = request.query_params.get("zapisano", "")
    return {
        "notices": [NOTICES[done]] if done in NOTICES else [],
        "breadcrumbs": [("/dzialania", "Działania ROPS"), *crumbs],
        "kind_labels": {k.value: v for k, v in KIND_LABELS.items()},
        "topic_labels": {k.value: v for k, v in TOPIC_LABELS.items()},
        "role_labels": {k.value: v for k, v in ROLE_LABELS.items()},
        "field_labels": LABELS,
        "form": {},
        "errors_by": {},
    }


def _year(text: str) -> int | None:
    return int(text) if text.isdigit() and 2000 <= int(text) <= 2100 else None


async def _list_page(
    request: Request[Any, Any, Any], rok: str, rodzaj: str, strona: str, status: int = 200, **extra: Any
) -> Template:
    year = _year(rok)
    kind = rodzaj if rodzaj in {k.value for k in KIND_LABELS} else None
    number = int(strona) if strona.isdigit() and int(strona) >= 1 else 1
    listing = await services.list_activities(year, kind, number, 50)
    context = {**_base(request, []), **extra}
    return page(
        request,
        "activities/list.html.j2",
        status,
        listing=listing,
        filters={"rok": rok, "rodzaj": rodzaj},
        **context,
    )


@get("/dzialania", guards=[allow(*STAFF)], include_in_schema=False, query=("zapisano",))
async def activity_list(
    request: Request[Any, Any, Any],
    rok: FromQuery[str] = "",
    rodzaj: FromQuery[str] = "",
    strona: FromQuery[str] = "1",
) -> Template:
    return await _list_page(request, rok, rodzaj, strona)


@post("/dzialania", guards=[allow(*STAFF)], include_in_schema=False)
async def create_activity(request: Request[Any, Any, Any], data: Form) -> Template | Redirect:
    values = {**data, "certificates": "true" if field(data, "certificates") else "false"}
    try:
        row = await services.create_activity(parse(ActivityIn, values), actor_of(request, Channel.WEB))
    except DomainError as exc:
        return await _list_page(request, "", "", "1", 422, form=data, **_problems(exc))
    return Redirect(f"/dzialania/{row['id']}?zapisano=dzialanie", status_code=303)


async def _activity_page(
    request: Request[Any, Any, Any], activity_id: int, status: int = 200, **extra: Any
) -> Template:
    activity = await services.get_activity(activity_id)
    people = await services.participants(activity_id)
    crumbs = [(f"/dzialania/{activity_id}", activity["title"])]
    context = {**_base(request, crumbs), **extra}
    return page(request, "activities/activity.html.j2", status, activity=activity, people=people, **context)


@get("/dzialania/{activity_id:int}", guards=[allow(*STAFF)], include_in_schema=False, query=("zapisano",))
async def activity_page(request: Request[Any, Any, Any], activity_id: FromPath[int]) -> Template:
    return await _activity_page(request, activity_id)


@post("/dzialania/{activity_id:int}/uczestnicy", guards=[allow(*STAFF)], include_in_schema=False)
async def add_participant(
    request: Request[Any, Any, Any], activity_id: FromPath[int], data: Form
) -> Template | Redirect:
    values = {**data, "completed": "true" if field(data, "completed") else "false"}
    try:
        await services.add_participant(
            activity_id, parse(ParticipantIn, values), actor_of(request, Channel.WEB)
        )
    except DomainError as exc:
        return await _activity_page(request, activity_id, 422, form=data, **_problems(exc))
    return Redirect(f"/dzialania/{activity_id}?zapisano=uczestnik#uczestnicy", status_code=303)


@post(
    "/dzialania/{activity_id:int}/uczestnicy/{participation_id:int}/usun",
    guards=[allow(*STAFF)],
    include_in_schema=False,
)
async def remove_participant(
    request: Request[Any, Any, Any], activity_id: FromPath[int], participation_id: FromPath[int]
) -> Redirect:
    await services.remove_participation(activity_id, participation_id, actor_of(request, Channel.WEB))
    return Redirect(f"/dzialania/{activity_id}?zapisano=usunieto#uczestnicy", status_code=303)


@post("/dzialania/osoby/{person_id:int}/usun-dane", guards=[allow(*STAFF)], include_in_schema=False)
async def erase_person(
    request: Request[Any, Any, Any], person_id: FromPath[int], data: Form
) -> Template | Redirect:
    back = field(data, "activity_id")
    try:
        await services.erase_person(
            person_id,
            actor_of(request, Channel.WEB),
            parse(EraseIn, {"reason": field(data, "reason")}).reason,
        )
    except DomainError as exc:
        if back.isdigit():
            return await _activity_page(request, int(back), 422, **_problems(exc))
        raise
    return Redirect(
        f"/dzialania/{back}?zapisano=dane#uczestnicy" if back.isdigit() else "/dzialania", status_code=303
    )


@get("/dzialania/{activity_id:int}/uczestnicy.csv", guards=[allow(*STAFF)], include_in_schema=False)
async def export_participants(request: Request[Any, Any, Any], activity_id: FromPath[int]) -> Response[str]:
    rows = await services.participants(activity_id)
    await services.audit_export(actor_of(request, Channel.WEB), activity_id, len(rows))
    return Response(
        participants_csv(rows),
        media_type=CSV,
        headers={"Content-Disposition": f'attachment; filename="uczestnicy-{activity_id}.csv"'},
    )


async def _indicator_page(request: Request[Any, Any, Any], status: int = 200, **extra: Any) -> Template:
    user = signed_in(request)
    table = await indicators.project_indicators()
    for item in table["indicators"]:
        item["baseline_text"], item["target_text"] = pl_number(item["baseline"]), pl_number(item["target"])
        for period in item["periods"]:
            period["cumulative_text"] = pl_number(period["cumulative"])
            period["realisation_text"] = pl_number(period["realisation_pct"])
    plans = await services.list_plans()
    context = {**_base(request, [("/dzialania/wskazniki", "Wskaźniki projektu")]), **extra}
    if not user.may(Role.STAFF):
        context["breadcrumbs"] = [("/dzialania/wskazniki", "Wskaźniki projektu")]
    return page(
        request,
        "activities/indicators.html.j2",
        status,
        table=table,
        plans=plans,
        may_keep=user.may(Role.STAFF),
        target_options=[(i["code"], i["name"]) for i in table["indicators"]],
        **context,
    )


@get("/dzialania/wskazniki", guards=[allow(*INDICATOR_READERS)], include_in_schema=False, query=("zapisano",))
async def indicator_page(request: Request[Any, Any, Any]) -> Template:
    return await _indicator_page(request)


@get("/dzialania/wskazniki/monitoring.xlsx", guards=[allow(*INDICATOR_READERS)], include_in_schema=False)
async def monitoring_download() -> Response[bytes]:
    return Response(
        await monitoring_file(),
        media_type=XLSX,
        headers={"Content-Disposition": 'attachment; filename="monitoring-wskaznikow-projektu.xlsx"'},
    )


@post("/dzialania/wskazniki/cel", guards=[allow(*STAFF)], include_in_schema=False)
async def set_target(request: Request[Any, Any, Any], data: Form) -> Template | Redirect:
    code = field(data, "code")
    try:
        numbers = {key: field(data, key).replace(",", ".").replace(" ", "") for key in ("baseline", "target")}
        values = parse(TargetIn, {**{k: v for k, v in data.items() if k != "code"}, **numbers})
        await services.set_target(code, values, actor_of(request, Channel.WEB))
    except DomainError as exc:
        return await _indicator_page(request, 422, form=data, **_problems(exc))
    return Redirect("/dzialania/wskazniki?zapisano=cel#cele", status_code=303)


@post("/dzialania/plany", guards=[allow(*STAFF)], include_in_schema=False)
async def add_plan(request: Request[Any, Any, Any], data: Form) -> Template | Redirect:
    try:
        await services.add_plan(parse(PlanIn, data), actor_of(request, Channel.WEB))
    except DomainError as exc:
        return await _indicator_page(request, 422, form=data, **_problems(exc))
    return Redirect("/dzialania/wskazniki?zapisano=plan#plany", status_code=303)


async def _needs_page(
    request: Request[Any, Any, Any], year: int, status: int = 200, **extra: Any
) -> Template:
    rows = await services.training_needs(year)
    context = {**_base(request, [("/dzialania/potrzeby", "Badanie potrzeb szkoleniowych")]), **extra}
    return page(request, "activities/needs.html.j2", status, rows=rows, year=year, **context)


@get("/dzialania/potrzeby", guards=[allow(*STAFF)], include_in_schema=False, query=("zapisano",))
async def needs_page(request: Request[Any, Any, Any], rok: FromQuery[str] = "") -> Template:
    return await _needs_page(request, _year(rok) or date.today().year)


@post("/dzialania/potrzeby", guards=[allow(*STAFF)], include_in_schema=False)
async def add_need(request: Request[Any, Any, Any], data: Form) -> Template | Redirect:
    year = _year(field(data, "year")) or date.today().year
    try:
        await services.add_training_need(parse(TrainingNeedIn, data), actor_of(request, Channel.WEB))
    except DomainError as exc:
        return await _needs_page(request, year, 422, form=data, **_problems(exc))
    except ValueError as exc:  # pragma: no cover - parse raises ValidationFailed
        raise ValidationFailed(str(exc), [FieldError("form", str(exc))]) from exc
    return Redirect(f"/dzialania/potrzeby?rok={year}&zapisano=potrzeba", status_code=303)


ROUTES: list[Any] = [
    activity_list,
    create_activity,
    activity_page,
    add_participant,
    remove_participant,
    erase_person,
    export_participants,
    indicator_page,
    monitoring_download,
    set_target,
    add_plan,
    needs_page,
    add_need,
]
