"""The staff page that loads the regional programme (/panel/program): upload a YAML, CSV or XLSX
file, see every problem by row and column or a preview of what will be loaded, then confirm. Nothing
is stored before the confirmation; the file waits (for its sender only) as the register import's does."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Request, get, post
from litestar.datastructures import UploadFile
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromQuery
from litestar.response import Redirect, Template

from ses import uploads
from ses.audit.channel import Channel
from ses.auth.policy import Role, allow
from ses.errors import DomainError, FieldError, ValidationFailed
from ses.indicators import programme, programme_store, services
from ses.indicators.display import formatted
from ses.uploads import off_loop
from ses.web.context import actor_of
from ses.web.dependencies import Account
from ses.web.i18n import gettext
from ses.web.import_pages import held_words
from ses.web.pages import page

PROGRAMME_BYTES = 4 * 1024 * 1024
PURPOSE = "indicator-programme"
"""What a held file was sent for (ses.uploads.hold)."""


def _crumbs() -> list[tuple[str, str]]:
    return [("/panel", gettext("Panel RKRES")), ("", gettext("Program regionalny: wczytanie wskaźników"))]


async def _programme_page(
    request: Request[Any, Any, Any], status: int = 200, loaded: str = "", **extra: Any
) -> Template:
    current = await programme_store.programme_indicators(services.catalogue())
    return page(
        request,
        "panel/programme.html.j2",
        status,
        current=[
            {
                "ind": ind,
                "baseline": f"{formatted(ind, ind.baseline.value)} ({ind.baseline.year})"
                if ind.baseline
                else "—",
                "target": f"{formatted(ind, ind.target.value)} ({ind.target.year})" if ind.target else "—",
                "from": ind.computation.code
                if isinstance(ind.computation, programme_store.ManualSeries)
                else "",
            }
            for ind in current.values()
        ],
        columns=sorted(programme.COLUMNS),
        notices=[gettext("Wczytano program regionalny (wskaźników: %(n)s).", n=loaded)]
        if loaded.isdigit()
        else [],
        breadcrumbs=_crumbs(),
        **extra,
    )


def _error_rows(exc: DomainError) -> list[dict[str, Any]]:
    return [{"row": e.row, "column": e.field, "message": e.message} for e in exc.errors]


@get("/panel/program", guards=[allow(Role.STAFF)], include_in_schema=False)
async def programme_page(request: Request[Any, Any, Any], wczytano: FromQuery[str] = "") -> Template:
    return await _programme_page(request, loaded=wczytano)


@post(
    "/panel/program",
    guards=[allow(Role.STAFF)],
    include_in_schema=False,
    request_max_body_size=PROGRAMME_BYTES + 64 * 1024,
)
async def programme_preview(
    request: Request[Any, Any, Any],
    account: Account,
    data: Annotated[dict[str, Any], Body(media_type=RequestEncodingType.MULTI_PART)],
) -> Template:
    upload = data.get("file")
    try:
        if not isinstance(upload, UploadFile) or not upload.filename:
            raise ValidationFailed(
                gettext("Nie wybrano pliku."),
                [FieldError("file", gettext("Wybierz plik YAML, CSV albo XLSX."))],
            )
        content = await upload.read()
        if len(content) > PROGRAMME_BYTES:
            raise ValidationFailed(
                gettext("Plik jest za duży."), [FieldError("file", "Największy plik: 4 MB.")]
            )
        computed = services.catalogue()
        rows = programme.validate(
            await off_loop(programme.read_rows, upload.filename, content), known=computed, taken=computed
        )
    except DomainError as exc:
        return await _programme_page(request, 422, detail=exc.detail, file_errors=_error_rows(exc))
    token = uploads.hold(
        uploads.Upload(filename=upload.filename, content=content), account.account_id, PURPOSE
    )
    return await _programme_page(request, preview=rows, token=token, filename=upload.filename)


@post("/panel/program/potwierdz", guards=[allow(Role.STAFF)], include_in_schema=False)
async def programme_confirm(
    request: Request[Any, Any, Any],
    account: Account,
    data: Annotated[dict[str, Any], Body(media_type=RequestEncodingType.URL_ENCODED)],
) -> Template | Redirect:
    token = str(data.get("token") or "")
    try:
        held = uploads.held(token, account.account_id, PURPOSE, held_words())
        loaded = await programme_store.load(
            held.filename, held.content, services.catalogue(), actor_of(request, Channel.WEB)
        )
    except DomainError as exc:
        return await _programme_page(request, 422, detail=exc.detail, file_errors=_error_rows(exc))
    uploads.release(token)
    return Redirect(f"/panel/program?wczytano={loaded}", status_code=303)


ROUTES = (programme_page, programme_preview, programme_confirm)
