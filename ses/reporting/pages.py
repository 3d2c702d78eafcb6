"""Web pages for OWES reports (forms for people; the API serves machines).

/raporty lists reports (an OWES sees only its own: the services scope by viewer), /raporty/nowy
and /raporty/{id}/edycja are the report form generated from the report definition, /raporty/{id}
shows a report with its versions, differences and events and offers the next steps of its
lifecycle, /raporty/{id}/plik takes a CSV/XLSX file of one table, /raporty/monitoring is the
follow-up for ROPS. Every write goes through ses.reporting.services; a form carries the report's
row_version, so a stale form is refused instead of overwriting someone's changes.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Annotated, Any

from litestar import Request, get, post
from litestar.datastructures import UploadFile
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromPath, FromQuery
from litestar.response import Redirect, Template

from ses.audit.channel import Channel
from ses.auth.policy import Principal, Role, allow
from ses.errors import DomainError, FieldError, PreconditionFailed, ValidationFailed
from ses.register import queries
from ses.reporting import catalogue, followup, form, lookups, named_inputs, periods, services, units
from ses.reporting.checks import checked_period, owes_id_of
from ses.reporting.model import Definition
from ses.reporting.workflow import ACTION_LABELS, EDITABLE, OWES_SIDE, STATE_LABELS, TRANSITIONS, State
from ses.uploads import body_limit, read_upload
from ses.web.context import actor_of, split_values
from ses.web.i18n import gettext
from ses.web.pages import FIELD_LABELS, Form, field, page, signed_in

READERS = (Role.OWES, Role.REVIEWER, Role.STAFF)
SENDERS = (Role.OWES, Role.STAFF)
FOLLOWERS = (Role.REVIEWER, Role.STAFF)
FORM_BYTES = 1024 * 1024
PAGE_SIZE = 50
PERIODS_OFFERED = 8

LABELS = {
    **FIELD_LABELS,
    "period": "Okres sprawozdawczy",
    "owes_id": "OWES",
    "comment": "Komentarz",
    "file": "Plik",
    "table": "Tabela",
    "state": "Stan",
    "row_version": "Wersja formularza",
}
NOTICES = {
    "zapisano": "Zapisano wersję roboczą sprawozdania.",
    "korekta": "Zapisano korektę jako nową wersję sprawozdania.",
    "submit": "Sprawozdanie zostało złożone.",
    "accept": "Sprawozdanie zostało zaakceptowane.",
    "return": "Sprawozdanie zwrócono do poprawy; OWES zobaczy komentarz.",
    "reopen": "Sprawozdanie ponownie otwarto i zwrócono do poprawy.",
    "plik": "Wczytano plik.",
    "zablokowane": "Tego sprawozdania nie można teraz edytować (zmienić można wersję roboczą "
    "albo sprawozdanie zwrócone do poprawy).",
}
STALE = (
    "Ktoś inny zmienił to sprawozdanie od chwili, gdy otwarto ten formularz (np. w innej karcie "
    "albo inna osoba), więc niczego nie zapisano, by nie nadpisać tamtych zmian. "
    "Sprawdź aktualny stan sprawozdania i wprowadź swoje zmiany ponownie."
)
CELL_LABELS = {
    "on_time": "w terminie",
    "late": "po terminie",
    "missing": "brak (termin minął)",
    "pending": "oczekiwane",
    "not_due": "okres trwa",
    "not_expected": "poza okresem akredytacji",
}


def _viewer(request: Request[Any, Any, Any]) -> Principal:
    return signed_in(request)


def _int(text: str) -> int | None:
    text = text.strip()
    return int(text) if text.isdigit() else None


def _state_labels() -> dict[str, str]:
    return {state.value: label for state, label in STATE_LABELS.items()}


def _problems(
    definition: Definition | None, exc: DomainError, labels: dict[str, str] | None = None
) -> dict[str, Any]:
    """The error summary and the messages by input, for a template."""
    if definition is None:
        summary = [
            form.Problem(e.field, (labels or LABELS).get(e.field, e.field), e.message) for e in exc.errors
        ]
        return {"detail": exc.detail, "summary": summary, "errors_by": {}}
    summary, by_input = form.problems(definition, exc.errors, {**LABELS, **(labels or {})})
    return {"detail": exc.detail, "summary": summary, "errors_by": by_input}


async def _definition_of(report: dict[str, Any]) -> Definition:
    _, definition = await catalogue.resolve(report["definition_code"], report["definition_version"])
    return definition


def _period_choices(definition: Definition, today: date) -> list[str]:
    """The period in progress (drafts only) and the last ended ones, newest first."""
    current = periods.containing(today, definition.period_type)
    ended = periods.last_ended(today, definition.period_type, PERIODS_OFFERED)
    return [current.code, *(p.code for p in reversed(ended))]


async def _period_offer(definition: Definition, owes_id: int | None, today: date) -> dict[str, Any]:
    """The periods offered, the ones this OWES already has a report for, and the one chosen by
    default: the first (oldest) owed period not yet reported; else the latest ended one without a
    report; else the period in progress."""
    choices = _period_choices(definition, today)
    ended = choices[1:]
    reported: set[str] = set()
    default = ended[0]
    if owes_id is not None:
        table = await followup.follow_up(definition.code, ended, owes_id, today, with_cells=True)
        cells = {cell["period"]: cell for cell in table.get("cells", [])}
        reported = {code for code, cell in cells.items() if cell["report_id"] is not None}
        owed = [
            code
            for code in reversed(ended)
            if code not in reported and cells.get(code, {}).get("status") in ("missing", "pending")
        ]
        free = [code for code in ended if code not in reported]
        default = owed[0] if owed else free[0] if free else choices[0]
    labels = {}
    for code in choices:
        period = periods.parse(code, definition.period_type)
        label = f"{code} ({period.start.strftime('%d.%m')}–{period.end.strftime('%d.%m.%Y')})"
        if code == choices[0]:
            label += " — " + gettext("trwa, tylko wersja robocza")
        elif code in reported:
            label += " — " + gettext("sprawozdanie już jest")
        labels[code] = label
    return {"period_choices": choices, "period_labels": labels, "period_default": default}


def _units(definition: Definition) -> Any:
    def unit(spec: Any, table: str | None, value: str) -> units.UnitForms | None:
        return units.unit_of(spec, table, value)

    return unit


async def _owes_choices(viewer: Principal) -> list[dict[str, Any]]:
    if viewer.is_owes:
        return []
    found = await queries.search(
        queries.RegisterFilter(role=["owes"]), sort="name", page=1, page_size=1000, facets=[]
    )
    return [{"id": row["id"], "name": row["name"]} for row in found["items"]]


def _combined(named: list[FieldError], others: list[FieldError]) -> ValidationFailed:
    """The names that resolved to nothing with every other problem of the form (one per input)."""
    taken = {error.field for error in named}
    errors = [*named, *(error for error in others if error.field not in taken)]
    return ValidationFailed(f"Sprawozdanie zawiera błędy ({len(errors)}); nic nie zapisano.", errors)


async def _refuse_named(
    definition: Definition,
    raw: dict[str, Any],
    named: list[FieldError],
    period: Callable[[], periods.Period],
    owes_id: Callable[[], int],
    submit: bool,
) -> None:
    """Raises when a typed name resolved to nothing, listing the form's other problems too; the
    report is not written (nothing is stored when any input is wrong)."""
    if not named:
        return
    others: list[FieldError] = []
    try:
        await services.check_content(definition, raw, period(), owes_id(), partial=not submit)
    except ValidationFailed as exc:
        others = exc.errors
    raise _combined(named, others)


def _may_edit(report: dict[str, Any], viewer: Principal) -> bool:
    if viewer.role not in OWES_SIDE:
        return False
    return State(report["state"]) in EDITABLE or "correct" in report["allowed_actions"]


# --- the list ---------------------------------------------------------------------------------


@get("/raporty", guards=[allow(*READERS)], include_in_schema=False)
async def report_list(
    request: Request[Any, Any, Any],
    owes: FromQuery[str] = "",
    period: FromQuery[str] = "",
    stan: FromQuery[str] = "",
    strona: FromQuery[str] = "1",
) -> Template:
    viewer = _viewer(request)
    number = max(_int(strona) or 1, 1)
    filters = {"owes": owes.strip(), "period": period.strip(), "state": stan.strip()}
    context: dict[str, Any] = {"summary": [], "errors_by": {}}
    try:
        listing = await services.list_reports(
            viewer,
            owes_id=_int(filters["owes"]),
            period=filters["period"] or None,
            state=split_values([filters["state"]]),
            page=number,
            page_size=PAGE_SIZE,
        )
    except DomainError as exc:
        listing = {"items": [], "page": 1, "page_size": PAGE_SIZE, "total": 0}
        context = _problems(None, exc)
    return page(
        request,
        "reporting/list.html.j2",
        200,
        listing=listing,
        filters=filters,
        owes_choices=await _owes_choices(viewer),
        state_labels=_state_labels(),
        may_create=viewer.role in OWES_SIDE,
        may_follow=viewer.may(*FOLLOWERS),
        **context,
    )


# --- the form ---------------------------------------------------------------------------------


async def _form_page(
    request: Request[Any, Any, Any],
    definition: Definition,
    values: form.FormValues,
    status_code: int = 200,
    *,
    report: dict[str, Any] | None = None,
    chosen: dict[str, str] | None = None,
    **context: Any,
) -> Template:
    viewer = _viewer(request)
    mode = "new" if report is None else ("correct" if report["state"] == State.RETURNED else "edit")
    base = {"detail": "", "summary": [], "errors_by": {}, "notices": []}
    chosen = chosen or {}
    offer: dict[str, Any] = {"period_choices": [], "period_labels": {}, "period_default": ""}
    if report is None:
        owes_id = viewer.organisation_id if viewer.is_owes else _int(chosen.get("owes_id", ""))
        offer = await _period_offer(definition, owes_id, date.today())
    kinds = {(n.table, n.name): n.kind for n in named_inputs.named_inputs(definition)}
    wanted = set(kinds.values())
    return page(
        request,
        "reporting/form.html.j2",
        status_code,
        definition=definition,
        values=values,
        report=report,
        mode=mode,
        chosen=chosen,
        **offer,
        lookup_kinds=kinds,
        region_places={
            level: await lookups.region_territories(level) for level in lookups.LEVELS if level in wanted
        },
        unit_of=_units(definition),
        owes_choices=await _owes_choices(viewer) if report is None else [],
        state_labels=_state_labels(),
        choice_label=form.choice_label,
        column_label=form.column_label,
        input_id=form.input_id,
        **{**base, **context},
    )


@get("/raporty/nowy", guards=[allow(*SENDERS)], include_in_schema=False)
async def new_report(
    request: Request[Any, Any, Any], period: FromQuery[str] = "", owes: FromQuery[str] = ""
) -> Template:
    _, definition = await catalogue.resolve(catalogue.DEFAULT_CODE)
    values = form.with_room(definition, form.FormValues())
    return await _form_page(request, definition, values, chosen={"period": period, "owes_id": owes})


@post("/raporty/nowy", guards=[allow(*SENDERS)], include_in_schema=False, request_max_body_size=FORM_BYTES)
async def create_report(request: Request[Any, Any, Any], data: Form) -> Template | Redirect:
    viewer = _viewer(request)
    _, definition = await catalogue.resolve(catalogue.DEFAULT_CODE, _int(field(data, "definition_version")))
    values = form.from_form(definition, data)
    action = field(data, "action")
    chosen = {"period": field(data, "period").strip(), "owes_id": field(data, "owes_id").strip()}
    if action.startswith("add."):
        return await _form_page(
            request, definition, form.with_room(definition, values, action[4:]), chosen=chosen
        )
    submit = action == "submit"
    try:
        owes_id = _int(chosen["owes_id"])
        if chosen["owes_id"] and owes_id is None:
            raise ValidationFailed("Wskaż OWES.", [FieldError("owes_id", "Wybierz OWES z listy.")])
        resolved, named = await named_inputs.resolved(definition, values)
        raw = form.content_of(definition, resolved)
        await _refuse_named(
            definition,
            raw,
            named,
            lambda: checked_period(definition, chosen["period"], submit=submit, today=date.today()),
            lambda: owes_id_of(viewer, owes_id),
            submit,
        )
        draft = services.Draft(
            period=chosen["period"],
            data=raw,
            definition_code=definition.code,
            definition_version=definition.version,
            owes_id=owes_id,
            submit=submit,
        )
        answer = await services.create_report(draft, viewer, actor_of(request, Channel.WEB), None)
    except DomainError as exc:
        values = form.with_room(definition, values)
        return await _form_page(
            request, definition, values, exc.status, chosen=chosen, **_problems(definition, exc)
        )
    notice = "submit" if submit else "zapisano"
    return Redirect(f"/raporty/{answer.body['id']}?komunikat={notice}", status_code=303)


@get("/raporty/{report_id:int}/edycja", guards=[allow(*SENDERS)], include_in_schema=False)
async def edit_report(request: Request[Any, Any, Any], report_id: FromPath[int]) -> Template | Redirect:
    report = await services.get_report(report_id, _viewer(request))
    if not _may_edit(report, _viewer(request)):
        return Redirect(f"/raporty/{report_id}?komunikat=zablokowane", status_code=303)
    definition = await _definition_of(report)
    values = await named_inputs.labelled(definition, form.from_content(definition, report["data"]))
    return await _form_page(request, definition, values, report=report)


@post(
    "/raporty/{report_id:int}/edycja",
    guards=[allow(*SENDERS)],
    include_in_schema=False,
    request_max_body_size=FORM_BYTES,
)
async def save_report(
    request: Request[Any, Any, Any], report_id: FromPath[int], data: Form
) -> Template | Redirect:
    viewer = _viewer(request)
    report = await services.get_report(report_id, viewer)
    definition = await _definition_of(report)
    values = form.from_form(definition, data)
    action = field(data, "action")
    comment = field(data, "comment").strip()
    expected = _int(field(data, "row_version")) or 0
    if action.startswith("add."):
        values = form.with_room(definition, values, action[4:])
        return await _form_page(
            request, definition, values, report={**report, "row_version": expected}, comment=comment
        )
    submit = action == "submit"
    resolved, named = await named_inputs.resolved(definition, values)
    raw = form.content_of(definition, resolved)
    actor = actor_of(request, Channel.WEB)
    saved = False
    try:
        if not _may_edit(report, viewer):
            return Redirect(f"/raporty/{report_id}?komunikat=zablokowane", status_code=303)
        if expected != report["row_version"]:
            raise PreconditionFailed(STALE)
        await _refuse_named(
            definition,
            raw,
            named,
            lambda: periods.parse(report["period"], definition.period_type),
            lambda: int(report["owes_id"]),
            submit,
        )
        if report["state"] == State.RETURNED:
            await services.correct(
                report_id, raw, comment or None, submit, viewer, actor, None, expected=expected
            )
            return Redirect(
                f"/raporty/{report_id}?komunikat={'submit' if submit else 'korekta'}", status_code=303
            )
        if submit:  # every problem at once, before anything is stored
            period = periods.parse(report["period"], definition.period_type)
            await services.check_content(definition, raw, period, report["owes_id"], partial=False)
        stored = await services.replace_content(report_id, raw, viewer, expected, actor)
        saved = True
        if submit:
            await services.transition(report_id, "submit", viewer, actor, expected=stored["row_version"])
    except PreconditionFailed:
        current = await services.get_report(report_id, viewer)
        return await _form_page(
            request,
            definition,
            form.with_room(definition, values),
            409,
            report=current,
            comment=comment,
            detail=STALE,
        )
    except DomainError as exc:
        current = await services.get_report(report_id, viewer)
        notices = ["Zapisano wersję roboczą, ale sprawozdania nie złożono:"] if saved else []
        return await _form_page(
            request,
            definition,
            form.with_room(definition, values),
            exc.status,
            report=current,
            comment=comment,
            notices=notices,
            **_problems(definition, exc),
        )
    return Redirect(f"/raporty/{report_id}?komunikat={'submit' if submit else 'zapisano'}", status_code=303)


# --- one report -------------------------------------------------------------------------------


def _shown(definition: Definition, table_name: str, row: dict[str, Any] | None) -> str:
    if not row:
        return "—"
    table = definition.table(table_name)
    parts = []
    for name, value in row.items():
        column = table.column(name) if table else None
        label = column.label if column else name
        parts.append(f"{label}: {form.choice_label(value)}")
    return "; ".join(parts)


def _changes(definition: Definition, changes: list[dict[str, Any]]) -> list[dict[str, str]]:
    out = []
    for change in changes:
        path = change["path"]
        if "[" in path:
            table_name, key = path[:-1].split("[", 1)
            table = definition.table(table_name)
            out.append(
                {
                    "what": f"{table.label if table else table_name} [{key}]",
                    "before": _shown(definition, table_name, change["before"]),
                    "after": _shown(definition, table_name, change["after"]),
                }
            )
        else:
            spec = definition.field(path)
            out.append(
                {
                    "what": spec.label if spec else path,
                    "before": form.text_of(change["before"]) or "—",
                    "after": form.text_of(change["after"]) or "—",
                }
            )
    return out


async def _report_page(
    request: Request[Any, Any, Any],
    report_id: int,
    status_code: int = 200,
    *,
    compare: tuple[int | None, int | None] = (None, None),
    **context: Any,
) -> Template:
    viewer = _viewer(request)
    report = await services.get_report(report_id, viewer)
    definition = await _definition_of(report)
    versions = await services.list_versions(report_id, viewer)
    events = await services.list_events(report_id, viewer)
    diff: list[dict[str, str]] | None = None
    before, after = compare
    problems: dict[str, Any] = {"detail": "", "summary": [], "errors_by": {}}
    if before is not None and after is not None:
        try:
            found = await services.diff_versions(report_id, before, after, viewer)
            diff = _changes(definition, found["changes"])
        except DomainError as exc:
            problems = _problems(None, exc)
    returned = [e for e in events if e["action"] in ("return", "reopen") and e["comment"]]
    base = {
        "report": report,
        "definition": definition,
        "versions": versions,
        "events": events,
        "diff": diff,
        "compare": {"from": before, "to": after},
        "last_return": returned[-1]
        if returned and report["state"] in (State.RETURNED, State.CORRECTED)
        else None,
        "may_edit": _may_edit(report, viewer),
        "may_upload": viewer.role in OWES_SIDE and State(report["state"]) in EDITABLE,
        "actions": [a for a in report["allowed_actions"] if a != "correct"],
        "action_labels": ACTION_LABELS,
        "needs_comment": {a for a, t in TRANSITIONS.items() if t.needs_comment},
        "state_labels": _state_labels(),
        "choice_label": form.choice_label,
        "column_label": form.column_label,
        "text_of": form.text_of,
        "names": await named_inputs.shown_names(definition, report["data"]),
        "unit_of": _units(definition),
        **problems,
    }
    return page(request, "reporting/report.html.j2", status_code, **{**base, **context})


@get("/raporty/{report_id:int}", guards=[allow(*READERS)], include_in_schema=False)
async def report_page(
    request: Request[Any, Any, Any],
    report_id: FromPath[int],
    komunikat: FromQuery[str] = "",
    od: FromQuery[str] = "",
    do: FromQuery[str] = "",
    tabela: FromQuery[str] = "",
    wiersze: FromQuery[str] = "",
) -> Template:
    notices = [NOTICES[komunikat]] if komunikat in NOTICES else []
    if komunikat == "plik" and _int(wiersze) is not None:
        notices = [f"Wczytano plik: tabela {tabela[:60]}, wierszy: {_int(wiersze)}."]
    return await _report_page(request, report_id, compare=(_int(od), _int(do)), notices=notices)


@post(
    "/raporty/{report_id:int}/akcja",
    guards=[allow(*SENDERS)],
    include_in_schema=False,
    request_max_body_size=FORM_BYTES,
)
async def report_action(
    request: Request[Any, Any, Any], report_id: FromPath[int], data: Form
) -> Template | Redirect:
    action = field(data, "action")
    comment = field(data, "comment").strip()
    try:
        if action not in TRANSITIONS or action == "correct":
            raise ValidationFailed(
                "Nieznana czynność.", [FieldError("action", "Wybierz czynność z przycisków.")]
            )
        await services.transition(
            report_id,
            action,
            _viewer(request),
            actor_of(request, Channel.WEB),
            comment=comment or None,
            expected=_int(field(data, "row_version")) or 0,
        )
    except PreconditionFailed:
        return await _report_page(request, report_id, 409, detail=STALE, comment=comment)
    except DomainError as exc:
        if exc.status == 404:
            raise
        definition = await _definition_of(await services.get_report(report_id, _viewer(request)))
        return await _report_page(
            request, report_id, exc.status, comment=comment, **_problems(definition, exc)
        )
    return Redirect(f"/raporty/{report_id}?komunikat={action}", status_code=303)


@post(
    "/raporty/{report_id:int}/plik",
    guards=[allow(*SENDERS)],
    include_in_schema=False,
    request_max_body_size=body_limit(),
)
async def upload_table(
    request: Request[Any, Any, Any],
    report_id: FromPath[int],
    data: Annotated[dict[str, Any], Body(media_type=RequestEncodingType.MULTI_PART)],
) -> Template | Redirect:
    viewer = _viewer(request)
    report = await services.get_report(report_id, viewer)
    definition = await _definition_of(report)
    table_name = str(data.get("table") or "")
    upload = data.get("file")
    table = definition.table(table_name)
    labels = {
        "file": "Plik",
        **({c.name: f"{table.label}: {c.label}" for c in table.columns} if table else {}),
    }
    try:
        if table is None:
            raise ValidationFailed("Wybierz tabelę.", [FieldError("table", "Wybierz tabelę z listy.")])
        if not isinstance(upload, UploadFile) or not upload.filename:
            raise ValidationFailed("Nie wybrano pliku.", [FieldError("file", "Wybierz plik CSV albo XLSX.")])
        received = await read_upload(data, ("file",))
        answer = await services.upload_table(
            report_id,
            table_name,
            received.content,
            received.filename,
            viewer,
            actor_of(request, Channel.WEB),
            expected=_int(str(data.get("row_version") or "")) or 0,
            dry_run=False,
            key=None,
        )
    except PreconditionFailed:
        return await _report_page(request, report_id, 409, detail=STALE)
    except DomainError as exc:
        if exc.status == 404 and table is not None:
            raise
        problems = [
            form.Problem(
                e.field,
                labels.get(e.field, LABELS.get(e.field, e.field)),
                form.in_words(definition, e.message) + ("" if e.row is None else f" (wiersz pliku {e.row})"),
            )
            for e in exc.errors
        ]
        return await _report_page(
            request, report_id, exc.status, detail=exc.detail, summary=problems, upload_table=table_name
        )
    rows = answer.body.get("rows", 0) if isinstance(answer.body, dict) else 0
    return Redirect(
        f"/raporty/{report_id}?komunikat=plik&tabela={table_name}&wiersze={rows}", status_code=303
    )


# --- follow-up for ROPS -----------------------------------------------------------------------


@get("/raporty/monitoring", guards=[allow(*FOLLOWERS)], include_in_schema=False)
async def monitoring(request: Request[Any, Any, Any], okresy: FromQuery[str] = "") -> Template:
    requested = split_values([okresy])
    context: dict[str, Any] = {"detail": "", "summary": []}
    try:
        table = await followup.follow_up(None, requested, None, with_cells=True)
        late = await followup.overdue(None, requested, 1, 500)
    except DomainError as exc:
        context = _problems(None, exc, {"periods": "Okresy"})
        table = await followup.follow_up(None, [], None, with_cells=True)
        late = await followup.overdue(None, [], 1, 500)
    cells = {(cell["owes_id"], cell["period"]): cell for cell in table.get("cells", [])}
    return page(
        request,
        "reporting/monitoring.html.j2",
        200 if not context["summary"] else 422,
        table=table,
        late=late,
        cells=cells,
        cell_labels=CELL_LABELS,
        state_labels=_state_labels(),
        okresy=okresy,
        **context,
    )


ROUTES: list[Any] = [
    report_list,
    new_report,
    create_report,
    edit_report,
    save_report,
    report_page,
    report_action,
    upload_table,
    monitoring,
]
