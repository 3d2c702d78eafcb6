"""Register files people open in spreadsheets and send back (issue #14 "Exports are a weapon",
issue #15 imports and exports): formula text is neutralised in every export, control characters
are refused on input, one bad old record never breaks an export, Polish headers and labels are
read, rows naming an existing record change it (shown as a diff), and an export re-imports as it is."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from openpyxl import Workbook, load_workbook

from ses.audit.services import Actor
from ses.errors import ValidationFailed
from ses.register import import_plan
from ses.uploads import read_table

pytestmark = pytest.mark.anyio
ATTACKS = ['=HYPERLINK("http://zly.example","Kliknij")', "+48 600 100 200", "-2+3", "@SUM(A1:A2)"]


async def add(client, staff, **values):
    body = {"kind": "association", "gmina_code": "0463011", **values}
    answer = await client.post("/api/v1/organisations", json=body, headers=staff.headers)
    assert answer.status_code == 201, answer.text
    return answer.json()


async def test_formula_text_is_inert_in_csv_and_xlsx_exports(client, staff):
    for number, attack in enumerate(ATTACKS):
        await add(client, staff, name=f"{attack} {number}", phone=attack[:40] if number == 1 else None)
    csv_text = (await client.get("/api/v1/organisations/export.csv", headers=staff.headers)).content
    rows = list(csv.reader(io.StringIO(csv_text.decode("utf-8-sig")), delimiter=";"))
    for row in rows[1:]:
        assert not row[1].startswith(("=", "+", "-", "@")), row[1]
        assert row[1].startswith("'")
    xlsx = await client.get("/api/v1/organisations/export.xlsx", headers=staff.headers)
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    for (cell,) in sheet.iter_rows(min_row=2, min_col=2, max_col=2):
        assert cell.data_type == "s", cell.value  # text, never a formula ("f")
        assert cell.quotePrefix  # Excel shows it as typed text


async def test_control_characters_are_refused_on_create_edit_and_import(client, staff):
    refused = await client.post(
        "/api/v1/organisations",
        json={"name": "Fundacja\x07 Dzwonek", "kind": "foundation", "gmina_code": "0463011"},
        headers=staff.headers,
    )
    assert refused.status_code == 422
    assert (
        refused.json()["errors"][0]["field"] == "name" and "U+0007" in refused.json()["errors"][0]["message"]
    )
    org = await add(client, staff, name="Fundacja Cisza")
    edited = await client.patch(
        f"/api/v1/organisations/{org['id']}",
        json={"street": "ul. Długa\x00 5"},
        headers={**staff.headers, "If-Match": f'"org-{org["id"]}-v1"'},
    )
    assert edited.status_code in (400, 422)
    with pytest.raises(ValidationFailed) as caught:  # refused by the reader, before any row is planned
        await import_plan.plan(
            read_table(b"name;kind;gmina_code\nStowarzyszenie\x1b Echo;association;0463011\n")
        )
    assert [(e.row, e.field) for e in caught.value.errors] == [(2, "name")]
    assert "U+001B" in caught.value.errors[0].message


async def test_an_old_record_with_a_control_character_does_not_break_the_xlsx_export(client, staff):
    from ses.register.tables import Organisation

    org = await add(client, staff, name="Fundacja Stara")
    await Organisation.update({Organisation.name: "Fundacja\x0b Stara"}).where(Organisation.id == org["id"])
    answer = await client.get("/api/v1/organisations/export.xlsx", headers=staff.headers)
    assert answer.status_code == 200
    sheet = load_workbook(io.BytesIO(answer.content)).active
    assert sheet["B2"].value == "Fundacja\ufffd Stara"


async def test_polish_headers_and_labels_and_updates_matched_by_krs_with_a_diff(client, staff):
    known = await add(client, staff, name="Stowarzyszenie Most", krs="0000030897")
    book = Workbook()
    sheet = book.active
    sheet.append(["Nazwa", "Rodzaj", "Kod gminy", "KRS", "Działalność", "Data rejestracji"])
    sheet.append(
        ["Stowarzyszenie Most Nowy", "stowarzyszenie", "0463011", "30897", "zawieszony", date(2020, 5, 4)]
    )
    sheet.append(["Fundacja Nowa Rzeka", "Fundacja", "0463011", "", "aktywny", None])
    data = io.BytesIO()
    book.save(data)
    table = read_table(data.getvalue(), "plik.xlsx")
    preview = await import_plan.plan(table)
    assert [name for _, name in preview.created] == ["Fundacja Nowa Rzeka"]
    (change,) = preview.changed
    assert change.org_id == known["id"]
    assert ("name", "Stowarzyszenie Most", "Stowarzyszenie Most Nowy") in change.changes
    assert ("activity_state", "active", "suspended") in change.changes
    done = await import_plan.apply(table, Actor.system("test"))
    assert len(done.created) == 1 and len(done.changed) == 1
    record = (await client.get(f"/api/v1/organisations/{known['id']}", headers=staff.headers)).json()
    assert record["name"] == "Stowarzyszenie Most Nowy" and record["activity_state"] == "suspended"


async def test_an_export_reimports_without_edits_in_both_formats(client, staff):
    body = await add(client, staff, name="=Fundacja Formuła", kind="foundation", nip="5260250274",
                     krs="0000012345", registered_on="2019-03-01", phone="+48 56 600 00 00")  # fmt: skip
    await add(client, staff, name="CIS Przy Fundacji", kind="cis", founder_id=body["id"])
    for path, name in (
        ("export.csv", "r.csv"),
        ("export.csv?separator=comma", "r.csv"),
        ("export.xlsx", "r.xlsx"),
    ):
        exported = await client.get(f"/api/v1/organisations/{path}", headers=staff.headers)
        preview = await import_plan.plan(read_table(exported.content, name))
        assert (len(preview.created), len(preview.changed), preview.unchanged) == (0, 0, 2), path


async def test_a_wrong_row_stops_the_whole_import_and_names_row_and_column(client, staff):
    known = await add(client, staff, name="Stowarzyszenie Stałe", nip="5260250274")
    table = read_table(
        "NIP;Nazwa;Rodzaj;Kod gminy\n5260250274;Stowarzyszenie Zmienione;stowarzyszenie;0463011\n"
        ";Fundacja Zła;fundacja;123\n".encode(),
        "plik.csv",
    )
    with pytest.raises(Exception) as caught:
        await import_plan.apply(table, Actor.system("test"))
    errors = caught.value.errors
    assert [(e.row, e.field) for e in errors] == [(3, "gmina_code")]
    record = (await client.get(f"/api/v1/organisations/{known['id']}", headers=staff.headers)).json()
    assert record["name"] == "Stowarzyszenie Stałe"  # all or nothing


async def test_new_rows_are_checked_once_when_applied_and_refused_as_the_preview_refuses(
    client, staff, monkeypatch
):
    """`apply` used to check every new row twice (a dry run in the plan, then the writing import):
    a third of the 100,000-row import's time. A file of new rows is now checked by the import that
    writes it, and a wrong file gets the preview's report, word for word."""
    from ses.register import importer, validation

    checked = []
    original = validation.clean_organisation

    def counting(*args, **kwargs):
        checked.append(1)
        return original(*args, **kwargs)

    monkeypatch.setattr(importer, "clean_organisation", counting)
    rows = "".join(f"Stowarzyszenie Nowe {n};stowarzyszenie;0463011\n" for n in range(5))
    done = await import_plan.apply(
        read_table(f"Nazwa;Rodzaj;Kod gminy\n{rows}".encode(), "n.csv"), Actor.system("t")
    )
    assert (len(done.created), len(checked)) == (5, 5)

    for content in (
        "Nazwa;Rodzaj;Kod gminy\nDobra;stowarzyszenie;0463011\nZła;fundacja;123\n;cis;0463011\n",
        "Nazwa;name;Rodzaj;Kod gminy\nDobra;Dobra;stowarzyszenie;0463011\n",  # a column twice
    ):
        table = read_table(content.encode(), "zly.csv")
        with pytest.raises(ValidationFailed) as preview:
            await import_plan.plan(table)
        with pytest.raises(ValidationFailed) as applied:
            await import_plan.apply(table, Actor.system("test"))
        assert applied.value.detail == preview.value.detail
        assert applied.value.errors == preview.value.errors
    listed = await client.get("/api/v1/organisations?q=dobra", headers=staff.headers)
    assert listed.json()["total"] == 0  # nothing written
