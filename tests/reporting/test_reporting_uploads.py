"""Tabular parts uploaded as CSV or XLSX, templates per definition version, new definition versions."""

from __future__ import annotations

import io
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook

from ses.auth.policy import Role

pytestmark = pytest.mark.anyio

TORUN = "0463011"
JOBS_TEMPLATE = "/api/v1/report-definitions/owes-quarterly/versions/1/templates/jobs"


@pytest.fixture
async def draft(client: Any, staff: Any, caller_for: Any) -> dict[str, Any]:
    owes = await client.post(
        "/api/v1/organisations",
        json={"name": "OWES Gamma", "kind": "foundation", "gmina_code": TORUN, "is_owes": True},
        headers=staff.headers,
    )
    ps = await client.post(
        "/api/v1/organisations",
        json={"name": "Spółdzielnia Socjalna Las", "kind": "social_cooperative", "gmina_code": TORUN},
        headers=staff.headers,
    )
    caller = await caller_for(Role.OWES, organisation_id=owes.json()["id"], name="owes-gamma")
    created = await client.post(
        "/api/v1/reports", json={"period": "2025-Q2", "data": {}}, headers=caller.headers
    )
    assert created.status_code == 201, created.text
    return {"report": created.json(), "caller": caller, "ps_id": ps.json()["id"]}


def xlsx(rows: list[list[Any]], subject: str | None = "owes-quarterly/v1/jobs") -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    if subject:
        book.properties.subject = subject
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


HEADER = ["ps_organisation_id", "person_category", "fte", "contract_type", "started_on"]


async def upload(client: Any, draft: dict[str, Any], name: str, content: bytes, **params: Any) -> Any:
    url = f"/api/v1/reports/{draft['report']['id']}/tables/jobs"
    return await client.post(
        url, files={"data": (name, content)}, params=params, headers=draft["caller"].headers
    )


async def test_templates_name_their_definition_version(client, draft):
    headers = draft["caller"].headers
    csv_template = await client.get(JOBS_TEMPLATE + "?format=csv", headers=headers)
    assert csv_template.status_code == 200
    lines = csv_template.text.splitlines()
    assert lines[0] == "# szablon: owes-quarterly/v1/jobs"
    assert lines[1] == ";".join(HEADER)
    xlsx_template = await client.get(JOBS_TEMPLATE, headers=headers)
    book = load_workbook(io.BytesIO(xlsx_template.content))
    assert book.properties.subject == "owes-quarterly/v1/jobs"
    assert [cell.value for cell in book.active[1]] == HEADER


async def test_xlsx_upload_replaces_the_table(client, draft):
    ps = draft["ps_id"]
    rows = [
        HEADER,
        [ps, "at_risk", 1, "employment", "2025-04-02"],
        [ps, "other", "0,5", "civil_law", "2025-05-02"],
    ]
    response = await upload(client, draft, "jobs.xlsx", xlsx(rows))
    assert response.status_code == 200, response.text
    assert response.json()["rows"] == 2
    report = (
        await client.get(f"/api/v1/reports/{draft['report']['id']}", headers=draft["caller"].headers)
    ).json()
    assert [row["fte"] for row in report["data"]["jobs"]] == ["1", "0.5"]
    assert report["row_version"] == 2


async def test_csv_upload_errors_name_row_and_column_and_store_nothing(client, draft):
    ps = draft["ps_id"]
    text = (
        "# szablon: owes-quarterly/v1/jobs\n"
        + ";".join(HEADER)
        + "\n"
        + f"{ps};at_risk;1;employment;2025-04-02\n"
        + f"{ps};student;1;employment;2025-04-02\n"
        + "999999;other;2;employment;2024-01-01\n"
    )
    response = await upload(client, draft, "jobs.csv", text.encode())
    assert response.status_code == 422
    errors = {(e["row"], e["field"]) for e in response.json()["errors"]}
    assert (4, "person_category") in errors
    assert (5, "fte") in errors and (5, "started_on") in errors and (5, "ps_organisation_id") in errors
    report = (
        await client.get(f"/api/v1/reports/{draft['report']['id']}", headers=draft["caller"].headers)
    ).json()
    assert report["data"].get("jobs", []) == [] and report["row_version"] == 1


async def test_file_from_another_template_version_is_refused_by_name(client, draft):
    wrong = xlsx([HEADER], subject="owes-quarterly/v2/jobs")
    response = await upload(client, draft, "jobs.xlsx", wrong)
    assert response.status_code == 422
    assert "owes-quarterly/v2/jobs" in response.json()["detail"]
    unknown_column = await upload(client, draft, "jobs.csv", b"ps_organisation_id;salary\n1;100\n")
    assert unknown_column.status_code == 422
    fields = {e["field"] for e in unknown_column.json()["errors"]}
    assert "salary" in fields and "person_category" in fields


async def test_dry_run_checks_without_storing(client, draft):
    rows = [HEADER, [draft["ps_id"], "disabled", 1, "employment", "2025-06-30"]]
    response = await upload(client, draft, "jobs.xlsx", xlsx(rows), dry_run="true")
    assert response.status_code == 200 and response.json() == {
        "table": "jobs",
        "rows": 1,
        "dry_run": True,
    }
    report = (
        await client.get(f"/api/v1/reports/{draft['report']['id']}", headers=draft["caller"].headers)
    ).json()
    assert report["row_version"] == 1


async def test_new_definition_version_does_not_break_reports_under_the_old_one(client, draft, staff):
    body = (
        await client.get("/api/v1/report-definitions/owes-quarterly/versions/1", headers=staff.headers)
    ).json()
    yearly = {
        "code": "owes-yearly-test",
        "version": 1,
        "title": "Test roczny",
        "period_type": "year",
        "deadline_days": 90,
        "fields": [{"name": "events", "type": "integer", "min": 0, "required": True}],
    }
    published = await client.post("/api/v1/report-definitions", json=yearly, headers=staff.headers)
    assert published.status_code == 201, published.text
    assert (
        await client.post("/api/v1/report-definitions", json=yearly, headers=staff.headers)
    ).status_code == 201
    changed = await client.post(
        "/api/v1/report-definitions", json={**yearly, "title": "Inny"}, headers=staff.headers
    )
    assert changed.status_code == 409
    broken = await client.post(
        "/api/v1/report-definitions",
        json={**yearly, "version": 2, "period_type": "month"},
        headers=staff.headers,
    )
    assert broken.status_code == 422 and broken.json()["errors"][0]["field"] == "period_type"
    v2 = {**yearly, "version": 2, "fields": [{"name": "events_total", "type": "integer", "required": True}]}
    assert (
        await client.post("/api/v1/report-definitions", json=v2, headers=staff.headers)
    ).status_code == 201
    listed = (await client.get("/api/v1/report-definitions", headers=staff.headers)).json()
    assert {(d["code"], d["version"]) for d in listed} >= {("owes-quarterly", 1), ("owes-yearly-test", 2)}
    assert body["tables"][3]["name"] == "jobs"
    caller = draft["caller"]
    old = await client.post(
        "/api/v1/reports",
        json={
            "definition_code": "owes-yearly-test",
            "definition_version": 1,
            "period": "2024",
            "data": {"events": 3},
            "submit": True,
        },
        headers=caller.headers,
    )
    assert old.status_code == 201, old.text
    assert old.json()["definition_version"] == 1
    latest = await client.post(
        "/api/v1/reports",
        json={"definition_code": "owes-yearly-test", "period": "2023", "data": {"events": 3}, "submit": True},
        headers=caller.headers,
    )
    assert latest.status_code == 422
    assert {e["field"] for e in latest.json()["errors"]} == {"data.events", "data.events_total"}
    assert (await client.get(f"/api/v1/reports/{old.json()['id']}", headers=caller.headers)).json()[
        "data"
    ] == {"events": 3}


async def test_unknown_templates_and_versions_are_named(client, draft):
    headers = draft["caller"].headers
    missing_version = await client.get(
        "/api/v1/report-definitions/owes-quarterly/versions/9", headers=headers
    )
    assert missing_version.status_code == 404
    assert "owes-quarterly w wersji 9" in missing_version.json()["detail"]
    wrong_table = await client.get(
        "/api/v1/report-definitions/owes-quarterly/versions/1/templates/salaries", headers=headers
    )
    assert wrong_table.status_code == 422 and wrong_table.json()["errors"][0]["field"] == "table"
    wrong_table_upload = await client.post(
        f"/api/v1/reports/{draft['report']['id']}/tables/salaries",
        files={"data": ("x.csv", b"a;b\n1;2\n")},
        headers=headers,
    )
    assert wrong_table_upload.status_code == 404


async def test_upload_with_a_stale_if_match_is_refused(client, draft, staff):
    report_id = draft["report"]["id"]
    rows = [HEADER, [draft["ps_id"], "other", 1, "employment", "2025-04-02"]]
    staff_upload = await client.post(
        f"/api/v1/reports/{report_id}/tables/jobs",
        files={"data": ("jobs.xlsx", xlsx(rows))},
        headers={**staff.headers, "If-Match": f'"report-{report_id}-v9"'},
    )
    assert staff_upload.status_code == 412


async def test_a_form_without_its_file_part_is_refused_with_422(client, draft):
    url = f"/api/v1/reports/{draft['report']['id']}/tables/jobs"
    response = await client.post(url, files={"other": ("x.txt", b"abc")}, headers=draft["caller"].headers)
    assert response.status_code == 422, response.text
    assert response.json()["errors"][0]["field"] == "file"


async def test_a_sheet_of_three_million_empty_rows_is_refused_naming_the_limit(client, draft):
    import zipfile

    header = "".join(
        f'<c r="{chr(65 + i)}1" t="inlineStr"><is><t>{name}</t></is></c>' for i, name in enumerate(HEADER)
    )
    source = zipfile.ZipFile(io.BytesIO(xlsx([HEADER])))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as target:
        for info in source.infolist():
            if info.filename != "xl/worksheets/sheet1.xml":
                target.writestr(info, source.read(info.filename))
                continue
            with target.open(info.filename, "w", force_zip64=True) as part:
                part.write(
                    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                    + f'<sheetData><row r="1">{header}</row>'.encode()
                )
                for _ in range(30):
                    part.write(b"<row/>" * 100_000)
                part.write(b"</sheetData></worksheet>")
    response = await upload(client, draft, "jobs.xlsx", out.getvalue(), dry_run="true")
    assert response.status_code == 422, response.text
    assert "za dużo wierszy" in response.json()["detail"]
