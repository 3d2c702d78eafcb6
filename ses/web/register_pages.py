"""The register record as a page, and the forms that change it.

`/rejestr/{id}` shows everything the API knows: identifiers, address and contacts, the body running
a reintegration unit and the units a body runs, legal statuses with their decisions and events, year
figures, panels other packages contribute (`Extension.record_panels`) and the full history of
changes with who made them and through which channel. Staff get the forms: create (`/rejestr/nowy`),
edit (`/rejestr/{id}/edycja`, with the row version the form was drawn from, so a stale form is
refused like the API's If-Match), a new status and the transitions the state machine allows.
Errors are Polish, next to each field and in a summary; typed values are kept.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from litestar import Request, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Template

from ses.audit.services import history
from ses.auth.policy import Role, allow
from ses.errors import DomainError, FieldError, PreconditionFailed, ValidationFailed
from ses.extensions import Panel, RecordSubject, installed
from ses.register import obligation_services, page_cache, services, status_services
from ses.register import statuses as machine
from ses.register.obligations import REPORT_STATE_LABELS
from ses.register.statuses import MACHINES, STATE_LABELS, StatusType
from ses.register.vocab import (
    ACTIVITY_STATE_LABELS,
    CHANNEL_LABELS,
    KIND_LABELS,
    LEGAL_FORM_LABELS,
    PES_LETTER_LABELS,
    ActivityState,
    Channel,
)
from ses.territories.services import territory_names
from ses.web.context import actor_of, principal
from ses.web.i18n import N_, gettext
from ses.web.pages import Form, field, page

READERS = (Role.REVIEWER, Role.STAFF, Role.OWES)
EDITORS = (Role.STAFF,)
FORM_BYTES = 64 * 1024
GOAL_LABELS = {
    "reintegration": "reintegracja społeczna i zawodowa osób zagrożonych wykluczeniem",
    "social_services": "usługi społeczne i rozwój lokalny",
}
FIELD_LABELS = {
    "name": "Nazwa",
    "kind": "Rodzaj",
    "legal_form": "Forma prawna",
    "activity_state": "Działalność",
    "gmina_code": "Gmina (kod TERYT)",
    "locality": "Miejscowość",
    "street": "Ulica i numer",
    "postal_code": "Kod pocztowy",
    "krs": "KRS",
    "nip": "NIP",
    "regon": "REGON",
    "email": "E-mail",
    "website": "Strona www",
    "phone": "Telefon",
    "registered_on": "Data rejestracji",
    "founder_id": "Podmiot prowadzący (id w rejestrze)",
    "is_owes": "OWES",
    "version": "Wersja rekordu",
    "status_type": "Rodzaj statusu",
    "state": "Stan",
    "to_state": "Nowy stan",
    "goal": "Cel przedsiębiorstwa społecznego",
    "decision_number": "Numer decyzji",
    "decision_date": "Data decyzji",
    "granted_by": "Organ, który wydał decyzję",
    "valid_from": "Ważny od",
    "on_date": "Data zmiany (decyzji)",
    "final_date": "Data uprawomocnienia decyzji o utracie",
    "reason": "Uzasadnienie",
    "pes_letter": "Litera PES",
    "powiat_code": "Kod powiatu",
    "voivodeship_code": "Kod województwa",
    "founder": "Podmiot prowadzący (id)",
    "retired_reason": "Powód wycofania",
    "ps_status": "Status PS",
    "cis_status": "Status CIS",
    "kis_status": "Wpis KIS",
    "zaz_status": "Status ZAZ",
    "wtz_status": "Działalność WTZ",
}
TEXT_FIELDS = (
    "name",
    "locality",
    "street",
    "postal_code",
    "krs",
    "nip",
    "regon",
    "email",
    "website",
    "phone",
)
ACTION_LABELS = {
    "organisation.create": "dodanie do rejestru",
    "organisation.update": "zmiana danych",
    "organisation.retire": "wycofanie z rejestru",
    "organisation.import": "import z pliku",
    "status.create": "nowy status",
    "status.transition": "zmiana statusu",
    "figures.put": "dane roczne",
    "jobs_created.put": "nowe miejsca pracy (sprawozdanie OWES)",
    "annual_report.record": "sprawozdanie roczne",
}
YEAR_FIELD_LABELS = {
    "employees": N_("zatrudnieni"),
    "employees_at_risk": N_("w tym zagrożeni wykluczeniem"),
    "employees_disabled": N_("w tym z niepełnosprawnościami"),
    "revenue_pln": N_("przychody (zł)"),
    "market_revenue_pln": N_("przychody rynkowe (zł)"),
    "source": N_("źródło danych"),
    "jobs_created": N_("nowe miejsca pracy"),
    "jobs_created_at_risk": N_("nowe miejsca pracy dla zagrożonych wykluczeniem"),
    "jobs_created_disabled": N_("nowe miejsca pracy dla osób z niepełnosprawnościami"),
}
"""Fields of the year figures and jobs created, written in the history as "2024.employees"."""


async def panels(org: dict[str, Any]) -> list[Panel]:
    """The boxes other packages contribute, each handed the organisation the page has read."""
    subject = RecordSubject(
        id=org["id"],
        name=org["name"],
        kind=org["kind"],
        is_owes=bool(org.get("is_owes")),
        activity_state=org.get("activity_state") or "",
        gmina_code=org.get("gmina_code"),
    )
    found = []
    for extension in installed():
        for source in extension.record_panels:
            panel = await source(subject)
            if panel is not None:
                found.append(panel)
    return found


def _label(labels: dict[Any, str], value: Any) -> str:
    return next((label for key, label in labels.items() if getattr(key, "value", key) == value), value or "—")


def _values(labels: dict[Any, str]) -> list[tuple[str, str]]:
    return [(getattr(key, "value", key), label) for key, label in labels.items()]


def _errors(exc: DomainError) -> dict[str, Any]:
    return {
        "detail": exc.detail,
        "errors": [{"field": e.field, "message": e.message} for e in exc.errors],
        "field_errors": {e.field: e.message for e in exc.errors if e.field},
    }


def _date(form: dict[str, Any], name: str, problems: list[FieldError]) -> date | None:
    raw = field(form, name).strip()
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        problems.append(FieldError(name, gettext("Data ma postać RRRR-MM-DD, np. 2026-03-31.")))
        return None


def organisation_input(form: dict[str, Any]) -> tuple[dict[str, Any], list[FieldError]]:
    """The form's fields as the service takes them (the same validation as the API and imports)."""
    problems: list[FieldError] = []
    data: dict[str, Any] = {name: field(form, name) for name in TEXT_FIELDS}
    for name in ("kind", "legal_form", "activity_state", "gmina_code"):
        data[name] = field(form, name).strip() or None
    for name in ("legal_form", "activity_state"):
        if data[name] is None:
            data.pop(name)
    data["registered_on"] = _date(form, "registered_on", problems)
    founder = field(form, "founder_id").strip()
    data["founder_id"] = None
    if founder:
        if founder.isdigit() and len(founder) < 10:
            data["founder_id"] = int(founder)
        else:
            problems.append(FieldError("founder_id", gettext("Podaj numer (id) podmiotu z rejestru.")))
    data["is_owes"] = field(form, "is_owes") in ("1", "on", "true")
    if not data["kind"]:
        problems.append(FieldError("kind", gettext("Wybierz rodzaj podmiotu.")))
        data.pop("kind")
    return data, problems


def _choices() -> dict[str, list[tuple[str, str]]]:
    return {
        "kind": _values(KIND_LABELS),
        "legal_form": _values(LEGAL_FORM_LABELS),
        "activity_state": [
            (value, label)
            for value, label in _values(ACTIVITY_STATE_LABELS)
            if value != ActivityState.RETIRED
        ],
    }


def _form_page(
    request: Request[Any, Any, Any], values: dict[str, Any], status_code: int = 200, **context: Any
) -> Template:
    org_id = values.get("id")
    crumbs = [("/rejestr", gettext("Rejestr"))]
    if org_id:
        crumbs += [
            (f"/rejestr/{org_id}", values.get("saved_name") or values.get("name") or ""),
            (None, gettext("Edycja")),
        ]
    else:
        crumbs.append((None, gettext("Nowy podmiot")))
    base = {"errors": [], "field_errors": {}, "detail": ""}
    return page(
        request,
        "register/form.html.j2",
        status_code,
        breadcrumbs=crumbs,
        values=values,
        choices=_choices(),
        field_labels=FIELD_LABELS,
        **{**base, **context},
    )


@get("/rejestr/nowy", guards=[allow(*EDITORS)], include_in_schema=False)
async def new_form(request: Request[Any, Any, Any]) -> Template:
    return _form_page(request, {"activity_state": "active"})


@post("/rejestr/nowy", guards=[allow(*EDITORS)], include_in_schema=False, request_max_body_size=FORM_BYTES)
async def create(request: Request[Any, Any, Any], data: Form) -> Template | Redirect:
    values, problems = organisation_input(data)
    typed = {name: field(data, name) for name in (*TEXT_FIELDS, "kind", "legal_form", "activity_state",
                                                   "gmina_code", "registered_on", "founder_id")}  # fmt: skip
    typed["is_owes"] = values["is_owes"]
    try:
        if problems:
            raise ValidationFailed(gettext("Formularz zawiera błędy."), problems)
        created = await services.create(values, actor_of(request, Channel.WEB))
        page_cache.register_changed()
    except DomainError as exc:
        return _form_page(request, typed, 422, **_errors(exc))
    return Redirect(f"/rejestr/{created['id']}?komunikat=dodano", status_code=303)


def _as_form(org: dict[str, Any]) -> dict[str, Any]:
    values = {key: ("" if value is None else value) for key, value in org.items()}
    values["registered_on"] = org["registered_on"].isoformat() if org.get("registered_on") else ""
    values["founder_id"] = str(org["founder_id"]) if org.get("founder_id") else ""
    values["saved_name"] = org["name"]
    return values


@get("/rejestr/{org_id:int}/edycja", guards=[allow(*EDITORS)], include_in_schema=False)
async def edit_form(request: Request[Any, Any, Any], org_id: FromPath[int]) -> Template:
    org = await services.get(org_id)
    return _form_page(request, _as_form(org))


@post(
    "/rejestr/{org_id:int}/edycja",
    guards=[allow(*EDITORS)],
    include_in_schema=False,
    request_max_body_size=FORM_BYTES,
)
async def edit(request: Request[Any, Any, Any], org_id: FromPath[int], data: Form) -> Template | Redirect:
    current = await services.get(org_id)
    values, problems = organisation_input(data)
    typed = {**_as_form(current), **{name: field(data, name) for name in data if name != "_csrf"}}
    typed["is_owes"] = values["is_owes"]
    version_text = field(data, "version")
    if not version_text.isdigit():
        problems.append(
            FieldError("version", gettext("Formularz nie zawiera wersji rekordu: otwórz go ponownie."))
        )
    try:
        if problems:
            raise ValidationFailed(gettext("Formularz zawiera błędy."), problems)
        await services.update(org_id, values, int(version_text), actor_of(request, Channel.WEB))
        page_cache.register_changed()
    except PreconditionFailed:
        stale = gettext(
            "Ktoś inny zmienił ten rekord, odkąd otwarto formularz (teraz wersja %(version)s). "
            "Twoje zmiany NIE zostały zapisane: są poniżej. Porównaj je z aktualnymi danymi "
            "(otwórz rekord w nowej karcie) i zapisz ponownie.",
            version=current["version"],
        )
        typed["version"] = version_text
        return _form_page(request, typed, 409, detail=stale, stale=True, current_version=current["version"])
    except DomainError as exc:
        typed["version"] = version_text
        return _form_page(request, typed, 422, **_errors(exc))
    return Redirect(f"/rejestr/{org_id}?komunikat=zapisano", status_code=303)


NOTICES = {
    "dodano": "Podmiot dodano do rejestru.",
    "zapisano": "Zmiany zapisano.",
    "status": "Status zapisano.",
}


def _statuses(rows: list[dict[str, Any]], may_edit: bool) -> list[dict[str, Any]]:
    out = []
    for row in rows:
        status_type = StatusType(row["status_type"]) if row["status_type"] in MACHINES else None
        targets = sorted(MACHINES[status_type].targets(row["state"])) if status_type and may_edit else []
        out.append(
            {
                **row,
                "type_label": MACHINES[status_type].label if status_type else row["status_type"],
                "state_label": STATE_LABELS.get(row["state"], row["state"]),
                "goal_label": GOAL_LABELS.get(row.get("goal") or "", ""),
                "targets": [(target, STATE_LABELS.get(target, target)) for target in targets],
                "events": [
                    {
                        **event,
                        "from_label": STATE_LABELS.get(event["from_state"] or "", "—"),
                        "to_label": STATE_LABELS.get(event["to_state"], event["to_state"]),
                    }
                    for event in row["events"]
                ],
            }
        )
    return out


def _new_status_types(org: dict[str, Any]) -> list[tuple[str, str]]:
    """Status types this kind of organisation may hold."""
    return [
        (status_type.value, spec.label)
        for status_type, spec in MACHINES.items()
        if machine.status_problem(status_type, org["kind"]) is None
    ]


def _new_states(types: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """The states a new status of those types may start in (the service checks the pair)."""
    states = sorted({state for code, _ in types for state in MACHINES[StatusType(code)].initial})
    return [(state, STATE_LABELS.get(state, state)) for state in states]


def _field_label(name: str) -> str:
    """The Polish name of a field of the history, also of the per-year ones ("2024.employees",
    "ps_report_2023"): no code of the database is shown to a person."""
    if name in FIELD_LABELS:
        return gettext(FIELD_LABELS[name])
    year, _, field_name = name.partition(".")
    if year.isdigit() and field_name in YEAR_FIELD_LABELS:
        return f"{year}: {gettext(YEAR_FIELD_LABELS[field_name])}"
    status, _, year = name.rpartition("_report_")
    if year.isdigit() and status in {t.value for t in StatusType}:
        return gettext(
            "sprawozdanie roczne (%(status)s) za %(year)s",
            status=MACHINES[StatusType(status)].label,
            year=year,
        )
    return name


def _describe(changes: dict[str, Any]) -> list[tuple[str, str, str]]:
    out = []
    for name, pair in (changes or {}).items():
        before, after = (pair + [None, None])[:2] if isinstance(pair, list) else (None, pair)
        out.append((_field_label(name), _shown(name, before), _shown(name, after)))
    return out


def _shown(name: str, value: Any) -> str:
    if value is None or value == "":
        return "—"
    labels = {
        "kind": KIND_LABELS,
        "legal_form": LEGAL_FORM_LABELS,
        "activity_state": ACTIVITY_STATE_LABELS,
        "pes_letter": PES_LETTER_LABELS,
    }.get(name)
    if labels:
        return _label(labels, value)
    if name.endswith("_status") or name in ("ps_state", "unit_state"):
        return STATE_LABELS.get(str(value), str(value))
    if isinstance(value, bool):
        return gettext("tak") if value else gettext("nie")
    return str(value)


async def render_record(
    request: Request[Any, Any, Any], org_id: int, status_code: int = 200, **context: Any
) -> Template:
    viewer = principal(request)
    services.ensure_visible(viewer, org_id)
    org = await services.get(org_id)
    may_edit = viewer is not None and viewer.role in (Role.STAFF, Role.ADMIN)
    names = await territory_names()
    linked = await services.linked(org_id, org.get("founder_id"))
    founder = next(
        ({"id": row["id"], "name": row["name"]} for row in linked if row["id"] == org.get("founder_id")), None
    )
    units = [row for row in linked if row["founder"] == org_id]
    status_rows = await status_services.statuses_of(org_id)
    gmina = names.get(org.get("gmina_code") or "", "")
    place = ", ".join(
        part
        for part in (
            f"gmina {gmina}" if gmina else "",
            f"powiat {names.get(org.get('powiat_code') or '', '')}" if org.get("powiat_code") else "",
            f"woj. {names.get(org.get('voivodeship_code') or '', '').lower()}"
            if org.get("voivodeship_code")
            else "",
        )
        if part
    )
    facts = [
        (gettext("Rodzaj"), _label(KIND_LABELS, org["kind"])),
        (
            gettext("Litera PES (art. 2 pkt 5)"),
            _label(PES_LETTER_LABELS, org.get("pes_letter"))
            if org.get("pes_letter")
            else gettext("nie jest PES"),
        ),
        (gettext("Forma prawna"), _label(LEGAL_FORM_LABELS, org.get("legal_form"))),
        (gettext("Działalność"), _label(ACTIVITY_STATE_LABELS, org.get("activity_state"))),
        ("KRS", org.get("krs") or "—"),
        ("NIP", org.get("nip") or "—"),
        ("REGON", org.get("regon") or "—"),
        (gettext("Data rejestracji"), org["registered_on"].isoformat() if org.get("registered_on") else "—"),
        (gettext("OWES"), gettext("tak") if org.get("is_owes") else gettext("nie")),
    ]
    address = [
        (
            gettext("Adres"),
            " ".join(
                p
                for p in (org.get("street") or "", org.get("postal_code") or "", org.get("locality") or "")
                if p
            )
            or "—",
        ),
        (gettext("Położenie"), f"{place} (TERYT {org.get('gmina_code') or '—'})"),
        (gettext("E-mail"), org.get("email") or "—"),
        (gettext("Telefon"), org.get("phone") or "—"),
        (gettext("Strona www"), org.get("website") or "—"),
    ]
    changes = (
        await history("organisation", org_id, limit=100) if viewer and viewer.role is not Role.OWES else []
    )
    events = [
        {
            **row,
            "action_label": ACTION_LABELS.get(row["action"], row["action"]),
            "channel_label": CHANNEL_LABELS.get(row["channel"], row["channel"]),  # type: ignore[call-overload]
            "changes": _describe(row.get("changes") or {}),
        }
        for row in changes
    ]
    notice = NOTICES.get(request.query_params.get("komunikat", ""))
    base = {"errors": [], "field_errors": {}, "detail": "", "status_form": {}, "open_form": ""}
    return page(
        request,
        "register/record.html.j2",
        status_code,
        breadcrumbs=[("/rejestr", gettext("Rejestr")), (None, org["name"])]
        if viewer and viewer.role is not Role.OWES
        else [(None, org["name"])],
        org=org,
        facts=facts,
        address=address,
        founder=founder,
        units=[{**unit, "kind_label": _label(KIND_LABELS, unit["kind"])} for unit in units],
        statuses=_statuses(status_rows, may_edit and org["activity_state"] != "retired"),
        new_status_types=(types := _new_status_types(org) if may_edit else []),
        new_states=_new_states(types),
        goals=list(GOAL_LABELS.items()),
        figures=await status_services.figures_of(org_id),
        compliance=await _compliance(org, status_rows),
        panels=await panels(org),
        history=events,
        may_edit=may_edit and org["activity_state"] != "retired",
        field_labels=FIELD_LABELS,
        notices=[gettext(notice)] if notice else [],
        today=date.today().isoformat(),
        **{**base, **context},
    )


async def _compliance(org: dict[str, Any], status_rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Warnings on the statuses and the annual reports owed, with Polish labels."""
    compliance = await obligation_services.compliance(org["id"], org=org, statuses_read=status_rows)
    compliance["annual_reports"] = [
        {
            **row,
            "type": MACHINES[StatusType(row["status_type"])].label,
            "state": REPORT_STATE_LABELS.get(row["state"], row["state"]),
        }
        for row in compliance["annual_reports"]
    ]
    return compliance


@get("/rejestr/{org_id:int}", guards=[allow(*READERS)], include_in_schema=False, query=("komunikat",))
async def record_page(request: Request[Any, Any, Any], org_id: FromPath[int]) -> Template:
    return await render_record(request, org_id)


def _status_input(
    form: dict[str, Any], names: tuple[str, ...], dates: tuple[str, ...]
) -> tuple[dict[str, Any], list[FieldError]]:
    problems: list[FieldError] = []
    data: dict[str, Any] = {name: (field(form, name).strip() or None) for name in names}
    for name in dates:
        data[name] = _date(form, name, problems)
    return data, problems


@post(
    "/rejestr/{org_id:int}/statusy",
    guards=[allow(*EDITORS)],
    include_in_schema=False,
    request_max_body_size=FORM_BYTES,
)
async def add_status(
    request: Request[Any, Any, Any], org_id: FromPath[int], data: Form
) -> Template | Redirect:
    values, problems = _status_input(
        data,
        ("status_type", "state", "goal", "decision_number", "granted_by", "reason"),
        ("decision_date", "valid_from"),
    )
    typed = {name: field(data, name) for name in data if name != "_csrf"}
    try:
        if values["status_type"] not in {t.value for t in StatusType}:
            problems.append(FieldError("status_type", gettext("Wybierz rodzaj statusu.")))
        if problems:
            raise ValidationFailed(gettext("Formularz statusu zawiera błędy."), problems)
        await status_services.record_status(org_id, values, actor_of(request, Channel.WEB))
        page_cache.register_changed()
    except DomainError as exc:
        return await render_record(
            request,
            org_id,
            422 if exc.status == 422 else exc.status,
            status_form=typed,
            open_form="new",
            **_errors(exc),
        )
    return Redirect(f"/rejestr/{org_id}?komunikat=status#statusy", status_code=303)


@post(
    "/rejestr/{org_id:int}/statusy/{status_id:int}",
    guards=[allow(*EDITORS)],
    include_in_schema=False,
    request_max_body_size=FORM_BYTES,
)
async def change_status(
    request: Request[Any, Any, Any], org_id: FromPath[int], status_id: FromPath[int], data: Form
) -> Template | Redirect:
    values, problems = _status_input(
        data, ("to_state", "decision_number", "reason"), ("on_date", "final_date")
    )
    version = field(data, "version")
    values["version"] = int(version) if version.isdigit() else None
    typed = {name: field(data, name) for name in data if name != "_csrf"}
    try:
        if not values["to_state"]:
            problems.append(FieldError("to_state", gettext("Wybierz nowy stan.")))
        if values["on_date"] is None and not any(p.field == "on_date" for p in problems):
            problems.append(FieldError("on_date", gettext("Podaj datę zmiany (decyzji).")))
        if problems:
            raise ValidationFailed(gettext("Formularz zmiany statusu zawiera błędy."), problems)
        await status_services.transition(org_id, status_id, values, actor_of(request, Channel.WEB))
        page_cache.register_changed()
    except DomainError as exc:
        return await render_record(
            request, org_id, exc.status, status_form=typed, open_form=str(status_id), **_errors(exc)
        )
    return Redirect(f"/rejestr/{org_id}?komunikat=status#statusy", status_code=303)


ROUTES = [record_page, new_form, create, edit_form, edit, add_status, change_status]
