"""Uploads cannot stall or break the server: read off the event loop, within limits, refused clearly.

The files here are the hostile ones of issue 14: an XLSX of three million empty rows (0.4 MB
zipped) that once blocked every request for 50 s, one whose document properties unpack to 315 MB
(memory rose by 900 MB), a CSV past SES_MAX_UPLOAD_BYTES, a NUL byte in a CSV cell (the dry run
said fine, the import answered 500) and a multipart form without its file part (500).
"""

from __future__ import annotations

import io
import time
import tracemalloc
import zipfile
from dataclasses import replace
from typing import Any

import anyio
import pytest
from openpyxl import Workbook

from ses import uploads
from ses.errors import ValidationFailed
from ses.settings import get_settings

pytestmark = pytest.mark.anyio

TORUN = "0463011"
SHEET_START = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    '<dimension ref="A1:C{last}"/><sheetData>'
    '<row r="1"><c r="A1" t="inlineStr"><is><t>name</t></is></c>'
    '<c r="B1" t="inlineStr"><is><t>kind</t></is></c>'
    '<c r="C1" t="inlineStr"><is><t>gmina_code</t></is></c></row>'
)


def _book() -> bytes:
    book = Workbook()
    book.active.append(["name", "kind", "gmina_code"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def rewritten(replace_part: str, chunks: Any) -> bytes:
    """A real workbook with one part replaced by `chunks`, written to the archive as it streams."""
    source = zipfile.ZipFile(io.BytesIO(_book()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as target:
        for info in source.infolist():
            if info.filename == replace_part:
                with target.open(replace_part, "w", force_zip64=True) as part:
                    for chunk in chunks:
                        part.write(chunk)
            else:
                target.writestr(info, source.read(info.filename))
    return out.getvalue()


def empty_rows_xlsx(count: int) -> bytes:
    def chunks() -> Any:
        yield SHEET_START.format(last=count + 1).encode()
        for _ in range(count // 100_000):
            yield b"<row/>" * 100_000  # rows without a number: each one is the next
        yield b"</sheetData></worksheet>"

    return rewritten("xl/worksheets/sheet1.xml", chunks())


def huge_properties_xlsx(megabytes: int) -> bytes:
    def chunks() -> Any:
        yield (
            b'<?xml version="1.0" encoding="UTF-8"?><cp:coreProperties '
            b'xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
            b'xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:subject>'
        )
        block = b"A" * 2**20
        for _ in range(megabytes):
            yield block
        yield b"</dc:subject></cp:coreProperties>"

    return rewritten("docProps/core.xml", chunks())


async def import_file(client: Any, caller: Any, name: str, content: bytes, **params: Any) -> Any:
    return await client.post(
        "/api/v1/organisations/import", files={"data": (name, content)}, params=params, headers=caller.headers
    )


async def test_three_million_empty_rows_are_refused_while_health_answers_at_once(live_server):
    """Against a real server (uvicorn, its own database): /health asked all the while the file is read."""
    import httpx

    live_server.ses("user", "create", "uploads.rops", "--role", "staff", "--no-password")
    token = live_server.ses("token", "create", "uploads.rops").strip().splitlines()[-1]
    content = empty_rows_xlsx(3_000_000)
    assert len(content) < 400_000  # a small file: what unpacks from it is the attack
    latencies: list[float] = []
    done = anyio.Event()
    answer: list[Any] = []
    async with httpx.AsyncClient(base_url=live_server.base_url, timeout=120) as http:

        async def upload() -> None:
            answer.append(
                await http.post(
                    "/api/v1/organisations/import",
                    files={"data": ("puste.xlsx", content)},
                    params={"dry_run": "true"},
                    headers={"Authorization": f"Bearer {token}"},
                )
            )
            done.set()

        async def probe() -> None:
            while not done.is_set():
                started = time.perf_counter()
                health = await http.get("/health")
                latencies.append(time.perf_counter() - started)
                assert health.status_code == 200
                await anyio.sleep(0.02)

        async with anyio.create_task_group() as group:
            group.start_soon(upload)
            group.start_soon(probe)
    response = answer[0]
    assert response.status_code == 422, response.text
    assert "za dużo wierszy" in response.json()["detail"]
    assert str(get_settings().upload_max_rows) in response.json()["detail"]
    assert len(latencies) >= 3  # /health was asked while the file was being read
    assert max(latencies) < 1.0, latencies  # was 50 s when the sheet was parsed on the event loop


async def test_document_properties_unpacking_to_315_mb_are_refused_before_being_read(client, staff):
    content = huge_properties_xlsx(315)
    assert len(content) < 2_000_000
    tracemalloc.start()
    try:
        with pytest.raises(ValidationFailed) as caught:
            uploads.read_table(content, "x.xlsx")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 20 * 2**20, peak  # the part is never unpacked (it cost 900 MB)
    assert "docProps/core.xml" in caught.value.detail
    response = await import_file(client, staff, "wlasciwosci.xlsx", content, dry_run="true")
    assert response.status_code == 422, response.text
    assert "docProps/core.xml" in response.json()["detail"] and "16 MB" in response.json()["detail"]


async def test_a_csv_past_the_upload_limit_is_refused_with_413(client, staff):
    limit = get_settings().max_upload_bytes
    line = f"Fundacja Wielka,foundation,{TORUN}\n".encode()
    content = b"name,kind,gmina_code\n" + line * (limit // len(line) + 40_000)  # 26 MB: once parsed whole
    assert limit < len(content) < limit + 2**21
    response = await import_file(client, staff, "duzy.csv", content)
    assert response.status_code == 413, response.text
    assert "25 MB" in response.json()["detail"]
    with pytest.raises(uploads.TooLarge) as caught:
        uploads.read_table(content[: limit + 1])  # a file just past the limit, whatever the route allows
    assert "25 MB" in caught.value.detail
    total = await client.get("/api/v1/organisations", headers=staff.headers)
    assert total.json()["total"] == 0


async def test_a_nul_byte_in_a_csv_cell_is_refused_by_the_dry_run_naming_row_and_column(client, staff):
    content = f"name,kind,gmina_code\nFundacja A,foundation,{TORUN}\nFundacja\x00 B,foundation,{TORUN}\n"
    for dry_run in ("true", "false"):
        response = await import_file(client, staff, "nul.csv", content.encode(), dry_run=dry_run)
        assert response.status_code == 422, response.text
        errors = response.json()["errors"]
        assert [(e["row"], e["field"]) for e in errors] == [(3, "name")]
        assert "U+0000" in errors[0]["message"]
    assert (await client.get("/api/v1/organisations", headers=staff.headers)).json()["total"] == 0


async def test_the_import_page_refuses_a_nul_byte_too(client, staff):
    content = f"name,kind,gmina_code\nFundacja\x00 B,foundation,{TORUN}\n".encode()
    response = await client.post(
        "/rejestr/import",
        files={"file": ("nul.csv", content)},
        headers={**staff.headers, "Accept": "text/html"},
    )
    assert response.status_code == 422
    assert "U+0000" in response.text and "niedozwolone znaki sterujące" in response.text


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/organisations/import",
        "/api/v1/network/relations/import",
        "/api/v1/indicator-programme/",
    ],
)
async def test_a_form_without_its_file_part_is_refused_with_422(client, staff, path):
    response = await client.post(path, files={"other": ("x.txt", b"abc")}, headers=staff.headers)
    assert response.status_code == 422, response.text
    assert response.json()["errors"][0]["field"] == "file"
    text_only = await client.post(path, data={"note": "bez pliku"}, files={}, headers=staff.headers)
    assert text_only.status_code in (415, 422), text_only.text


def test_rows_columns_and_time_have_limits_naming_them():
    small = replace(uploads.limits(), max_rows=3, max_columns=2, max_seconds=60)
    with pytest.raises(ValidationFailed, match="więcej niż 3"):
        uploads.read_csv(b"a,b\n1,2\n3,4\n5,6\n7,8\n", within=small)
    uploads.read_csv(b"a,b\n1,2\n3,4\n5,6\n", within=small)  # exactly at the limit: read
    with pytest.raises(ValidationFailed, match="więcej niż 2"):
        uploads.read_csv(b"a,b,c\n1,2,3\n", within=small)
    with pytest.raises(ValidationFailed, match="za dużo kolumn"):
        book = Workbook()
        book.active.append(["a", "b", "c"])
        out = io.BytesIO()
        book.save(out)
        uploads.read_xlsx(out.getvalue(), within=small)
    no_time = replace(uploads.limits(), max_seconds=0)
    with pytest.raises(ValidationFailed, match="dłużej niż 0 s"):
        uploads.read_csv(b"a\n" + b"1\n" * 5000, within=no_time)


def test_a_control_character_in_an_xlsx_cell_is_refused_naming_row_and_column():
    book = Workbook()
    book.active.append(["name", "kind"])
    book.active.append(["Fundacja", "foundation"])
    book.active.append(["Fundacja", "found\u0085ation"])
    out = io.BytesIO()
    book.save(out)
    with pytest.raises(ValidationFailed) as caught:
        uploads.read_xlsx(out.getvalue())
    assert [(e.row, e.field) for e in caught.value.errors] == [(3, "kind")]
