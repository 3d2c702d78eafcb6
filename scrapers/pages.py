"""/synchronizacja: sync runs and the review of their change sets (staff).

/synchronizacja lists runs and the fields set to apply by themselves; /synchronizacja/{id} shows a
run's records (those waiting for a decision first when asked) with each change old → new, conflicts
marked, and the source's raw answer one click away; a form accepts or rejects the ticked changes,
or every non-conflicting change of the run at once.
"""

from __future__ import annotations

from typing import Any

from litestar import Request, get, post
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Response, Template

from scrapers import queries, review, runs, vocab
from scrapers.tables import SyncChange
from ses.auth.policy import Role, allow
from ses.web.pages import Form, page

PAGE_SIZE = 50
NOTICES = {
    "zastosowano": "Zastosowano zaznaczone zmiany w rejestrze.",
    "odrzucono": "Odrzucono zaznaczone zmiany.",
    "nic": "Nie zaznaczono żadnej zmiany.",
    "ustawienia": "Zapisano ustawienia automatycznego stosowania zmian.",
    "wczytano": "Wczytano listę z pliku; zmiany czekają na decyzję poniżej.",
}


def _who(request: Request[Any, Any, Any]) -> tuple[str, int | None]:
    user = request.scope.get("user")
    return getattr(user, "username", "?"), getattr(user, "account_id", None)


def _ids(form: dict[str, Any], name: str) -> list[int]:
    value = form.get(name, [])
    values = value if isinstance(value, list) else [value]
    return [int(v) for v in values if str(v).isdigit()]


def _labels() -> dict[str, Any]:
    return {
        "source_labels": vocab.SOURCE_LABELS,
        "run_status_labels": vocab.RUN_STATUS_LABELS,
        "record_status_labels": vocab.RECORD_STATUS_LABELS,
        "decision_labels": vocab.DECISION_LABELS,
        "change_state_labels": vocab.CHANGE_STATE_LABELS,
        "field_labels": vocab.FIELD_LABELS,
    }


@get("/synchronizacja", guards=[allow(Role.STAFF)], include_in_schema=False)
async def runs_page(
    request: Request[Any, Any, Any], strona: FromQuery[int] = 1, komunikat: FromQuery[str] = ""
) -> Template:
    from ses.jobs.services import pl_time

    strona = max(strona, 1)
    rows, total = await queries.runs(strona, PAGE_SIZE)
    auto = await runs.auto_fields("krs")
    return page(
        request,
        "scrapers/runs.html.j2",
        runs=rows,
        total=total,
        strona=strona,
        pages=max(1, -(-total // PAGE_SIZE)),
        auto=auto,
        auto_fields=vocab.AUTO_FIELDS,
        pl_time=pl_time,
        notices=[NOTICES[komunikat]] if komunikat in NOTICES else [],
        **_labels(),
    )


@get("/synchronizacja/{run_id:int}", guards=[allow(Role.STAFF)], include_in_schema=False, query=("odmowa",))
async def run_page(
    request: Request[Any, Any, Any],
    run_id: FromPath[int],
    strona: FromQuery[int] = 1,
    czekajace: FromQuery[bool] = False,
    komunikat: FromQuery[str] = "",
) -> Template:
    from ses.jobs.services import pl_time

    strona = max(strona, 1)
    run = await queries.run(run_id)
    records, total = await queries.records(run_id, strona, PAGE_SIZE, waiting=czekajace)
    codes = {
        str(value)
        for record in records
        for value in [record["source_values"].get("gmina_code")]
        + [c["old"] for c in record["changes"] if c["field"] == "gmina_code"]
        + [c["new"] for c in record["changes"] if c["field"] == "gmina_code"]
        if value
    }
    territories = await queries.territory_names(codes)
    founders = await queries.organisation_names(
        {
            str(v)
            for r in records
            for c in r["changes"]
            if c["field"] == "founder_id"
            for v in (c["old"], c["new"])
            if v
        }
    )
    refused = request.query_params.getall("odmowa", [])
    return page(
        request,
        "scrapers/run.html.j2",
        run=run,
        records=records,
        total=total,
        strona=strona,
        czekajace=czekajace,
        pages=max(1, -(-total // PAGE_SIZE)),
        show=lambda field, value: vocab.value_label(field, value, territories, founders),
        pl_time=pl_time,
        notices=[NOTICES[komunikat]] if komunikat in NOTICES else [],
        errors=[{"field": "", "message": message} for message in refused],
        **_labels(),
    )


@get("/synchronizacja/rekord/{record_id:int}/odpowiedz", guards=[allow(Role.STAFF)], include_in_schema=False)
async def raw_page(record_id: FromPath[int]) -> Response[str]:
    row = await queries.raw(record_id)
    text = row["raw"] or f"(źródło nie podało treści; kod odpowiedzi {row['http_status'] or '—'})"
    return Response(text, media_type="text/plain; charset=utf-8")


@post(
    "/synchronizacja/{run_id:int}/decyzja",
    guards=[allow(Role.STAFF)],
    include_in_schema=False,
    status_code=303,
)
async def decide(request: Request[Any, Any, Any], run_id: FromPath[int], data: Form) -> Redirect:
    await queries.run(run_id)
    who, account_id = _who(request)
    action = str(data.get("action", ""))
    if action == "accept_all":
        rows = await SyncChange.select(SyncChange.id).where(
            (SyncChange.run == run_id) & (SyncChange.state == "pending") & (SyncChange.is_conflict == False)  # noqa: E712
        )
        ids = [row["id"] for row in rows]
    else:
        ids = _ids(data, "change")
    if not ids:
        return Redirect(f"/synchronizacja/{run_id}?komunikat=nic", status_code=303)
    if action == "reject":
        await review.reject(ids, who)
        return Redirect(f"/synchronizacja/{run_id}?komunikat=odrzucono", status_code=303)
    result = await review.accept(ids, who, account_id)
    tail = "".join(f"&odmowa={_quote(r['message'])}" for r in result["refused"][:5])
    return Redirect(f"/synchronizacja/{run_id}?komunikat=zastosowano{tail}", status_code=303)


@post("/synchronizacja/automatycznie", guards=[allow(Role.STAFF)], include_in_schema=False, status_code=303)
async def auto_settings(data: Form) -> Redirect:
    chosen = data.get("field", [])
    chosen = set(chosen if isinstance(chosen, list) else [chosen])
    for field in vocab.AUTO_FIELDS:
        await runs.set_auto("krs", field, field in chosen)
    return Redirect("/synchronizacja?komunikat=ustawienia", status_code=303)


def _quote(text: str) -> str:
    from urllib.parse import quote

    return quote(text[:300])


ROUTES = (runs_page, run_page, raw_page, decide, auto_settings)
