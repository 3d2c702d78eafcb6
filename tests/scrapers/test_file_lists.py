"""Official lists from files (CSV, XLSX, HTML): mapping, reconciliation, review, bad input, the CLI."""

from __future__ import annotations

import argparse
import contextlib
import json

import pytest

from scrapers.file_sources import SAMPLE_FILES, SAMPLES, SHIPPED
from ses.cli import build_parser

pytestmark = pytest.mark.anyio

PS_SMAKI_NIP = "8798645426"  # row 4 of wykaz-ps.csv, written 879-864-54-26
PS_LUBICZ_NAME = "Stowarzyszenie na Rzecz Osób Niepełnosprawnych „Razem”"  # row 6, no NIP match
TORUN, LUBICZ = "0463011", "0415042"


def sample(code: str) -> bytes:
    return (SAMPLES / SAMPLE_FILES[code]).read_bytes()


def test_each_shipped_sample_reads_through_its_mapping():
    from scrapers.filelist import locate_header, read_grid, read_rows
    from scrapers.places import shipped_index

    found = {}
    for code, name in SAMPLE_FILES.items():
        grid = read_grid(sample(code), name)
        header = locate_header(grid, SHIPPED[code])
        found[code] = (header, read_rows(grid, header, SHIPPED[code], shipped_index()))
    header, ps = found["ps"]
    assert header.row == 2 and header.ignored == []  # two title rows above; the Lp. column is not news
    smaki = ps[0]
    assert smaki.values["nip"] == PS_SMAKI_NIP and smaki.values["gmina_code"] == TORUN
    assert smaki.values["kind"] == "social_cooperative" and smaki.facts["decision_date"] == "2023-03-14"
    assert ps[1].values["regon"] == "358023280"  # 14-digit REGON of the entity → the register's 9
    assert ps[3].values["krs"] == "0000622001"  # written without leading zeros
    assert any("Nie rozpoznano gminy" in p for p in ps[5].problems) and "gmina_code" not in ps[5].values
    assert "nip" not in ps[6].values and "błędną cyfrę kontrolną" in ps[6].problems[0]
    header, owes = found["owes"]
    assert header.ignored == ["Subregion"] and owes[0].values["krs"] == "0000287654"  # a number in Excel
    assert owes[0].facts["valid_until"] == "2027-03-02"
    _, units = found["cis-kp"]
    assert [u.values["kind"] for u in units] == ["cis", "kis", "zaz", "cis"]
    assert units[2].values["gmina_code"] == "0407011"  # Inowrocław town, not the rural gmina of that name


def test_a_mapping_that_names_a_column_the_file_lacks_stops_the_list_naming_it():
    from dataclasses import replace

    from scrapers.filelist import ListProblem, locate_header, read_grid

    mapping = replace(SHIPPED["ps"], columns={**SHIPPED["ps"].columns, "email": "Adres e-mail"})
    with pytest.raises(ListProblem) as refused:
        locate_header(read_grid(sample("ps"), "wykaz-ps.csv"), mapping)
    message = str(refused.value)
    assert "„Adres e-mail” (E-mail)" in message and "Nagłówek pliku (wiersz 3)" in message
    with pytest.raises(ListProblem, match="Nie znaleziono wiersza nagłówka"):
        locate_header(read_grid(b"a;b\n1;2\n", "x.csv"), SHIPPED["ps"])


@pytest.mark.parametrize("kind", ["csv", "html"])
def test_an_uploaded_list_of_millions_of_rows_is_refused_without_holding_them(kind):
    """#14, the same fault as the uploads': a 10 MB CSV of empty rows took 509 MiB and 12 s of CPU
    to be read before `read_rows` refused it; XLSX was already bounded, CSV and HTML were not."""
    import tracemalloc

    from scrapers.filelist import MAX_ROWS, ListProblem, locate_header, read_grid, read_rows
    from scrapers.places import shipped_index
    from ses.uploads import limits

    sample_grid = read_grid(sample("ps"), "wykaz-ps.csv")
    head = "\n".join(";".join(row) for row in sample_grid[:4]) + "\n"
    if kind == "csv":
        data, name = head.encode() + b";\n" * 3_000_000, "lista.csv"
    else:
        rows = "".join(f"<tr>{''.join(f'<td>{cell}</td>' for cell in row)}</tr>" for row in sample_grid[:4])
        data, name = f"<table>{rows}".encode() + b"<tr><td></td></tr>" * 200_000 + b"</table>", "lista.html"
    tracemalloc.start()
    try:
        grid = read_grid(data, name, None, limits())
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert len(grid) <= MAX_ROWS + 40 and peak < 64 * 2**20, (len(grid), peak)
    header = locate_header(grid, SHIPPED["ps"])
    with pytest.raises(ListProblem, match=f"najwyżej {MAX_ROWS}"):
        read_rows(grid, header, SHIPPED["ps"], shipped_index())
    if kind == "csv":
        assert len(read_grid(head.encode() + b";\n" * 30_000, name)) > MAX_ROWS  # from disk: whole


async def _register_for_ps():
    from ses.audit.services import Actor
    from ses.register import services

    system = Actor.system("tests")
    smaki = await services.create(
        {"name": "Spółdzielnia Socjalna Smaki Kujaw", "kind": "social_cooperative", "gmina_code": TORUN,
         "nip": PS_SMAKI_NIP, "street": "ul. Szeroka 10"},
        system,
    )  # fmt: skip
    razem = {"name": PS_LUBICZ_NAME, "kind": "association", "gmina_code": LUBICZ}
    razem = await services.create(razem, system)
    return smaki, razem


async def test_a_list_gives_the_same_change_set_as_krs_and_a_rerun_duplicates_nothing(app_tx):
    from scrapers import review
    from scrapers.file_sync import sync_file
    from scrapers.tables import SourceFacts, SyncChange, SyncRecord, SyncRun
    from ses.register import services

    smaki, razem = await _register_for_ps()
    report = await sync_file("ps", sample("ps"), "wykaz-ps.csv")
    assert report.status == "finished" and report.planned == 7
    records = {
        r["key"]: r
        for r in await SyncRecord.select().where(SyncRecord.run == report.run_id).output(load_json=True)
    }
    matched = records["ps:krs:0000712345"]
    assert matched["status"] == "update" and matched["matched_by"] == "nip"
    assert matched["organisation"] == smaki["id"]
    assert json.loads(matched["raw"])["Kod pocztowy"] == "87-100"  # the row as published, for staff
    lubicz = records["ps:krs:0000398877"]
    assert lubicz["status"] == "suggestion" and lubicz["organisation"] == razem["id"]  # name + gmina only
    assert records["ps:krs:0000911223"]["status"] == "new"
    assert any("Nie rozpoznano gminy" in p for p in records["ps:krs:0000911223"]["problems"])
    assert report.counts["new"] == 5 and report.counts["update"] == 1 and report.counts["suggestion"] == 1
    changes = {c["field"]: c for c in await SyncChange.select().where(SyncChange.record == matched["id"])}
    assert changes["street"]["old"] == "ul. Szeroka 10" and changes["street"]["new"] == "ul. Szeroka 12"
    assert changes["krs"]["new"] == "0000712345"
    assert (await services.get(smaki["id"]))["krs"] is None  # nothing applied before review
    facts = await SourceFacts.select().where(SourceFacts.organisation == smaki["id"]).output(load_json=True)
    assert facts[0]["facts"]["decision_number"] == "WSPS.II.8030.4.2023"

    again = await sync_file("ps", sample("ps"), "wykaz-ps.csv")
    assert again.run_id != report.run_id
    assert await SyncChange.count().where(SyncChange.run == again.run_id) == 0
    assert again.counts["changes_pending"] == 0

    accepted = await review.accept([changes["street"]["id"], changes["krs"]["id"]], "pracownik")
    assert accepted["applied"] == 2
    updated = await services.get(smaki["id"])
    assert updated["street"] == "ul. Szeroka 12" and updated["krs"] == "0000712345"
    new_ids = [
        c["id"]
        for c in await SyncChange.select().where(SyncChange.record == records["ps:krs:0000622001"]["id"])
    ]
    created = await review.accept(new_ids, "pracownik")
    assert created["applied"] == len(new_ids) and created["refused"] == []
    assert await SyncRun.count().where(SyncRun.source == "file") == 2


async def test_an_xlsx_and_an_html_list_are_read_and_matched(app_tx):
    from scrapers.file_sync import sync_file

    owes = await sync_file("owes", sample("owes"), "owes-akredytowane.xlsx")
    assert owes.status == "finished" and owes.counts["new"] == 3
    units = await sync_file("cis-kp", sample("cis-kp"), "rejestr-cis-kis-zaz-kp.html")
    assert units.status == "finished" and units.counts["new"] == 4


async def test_a_file_that_does_not_fit_its_mapping_fails_the_run_and_stores_no_record(app_tx):
    from scrapers.file_sync import sync_file
    from scrapers.tables import SyncRecord, SyncRun

    wrong = "Nazwa przedsiębiorstwa społecznego;Gmina;Telefon\nFundacja X;Toruń;56 600 00 00\n".encode()
    report = await sync_file("ps", wrong, "inna-lista.csv")
    assert report.status == "failed" and report.run_id
    run = await SyncRun.select().where(SyncRun.id == report.run_id).output(load_json=True).first()
    assert run["status"] == "failed" and "brak kolumn" in run["errors"][0]["message"]
    assert "„Numer KRS” (KRS)" in run["errors"][0]["message"]
    assert await SyncRecord.count().where(SyncRecord.run == report.run_id) == 0
    broken = await sync_file("owes", b"PK\x03\x04 not really a workbook", "owes.xlsx")
    assert broken.status == "failed" and "XLSX" in broken.errors[0]


async def test_staff_read_and_change_a_mapping_through_the_api(client, staff, committee):
    base = "/api/v1/sync/lists"
    assert (await client.get(base, headers=committee.headers)).status_code == 403
    lists = (await client.get(base, headers=staff.headers)).json()
    assert {item["code"] for item in lists} >= {"ps", "owes", "cis-kp"}
    ps = await client.get(f"{base}/ps", headers=staff.headers)
    assert ps.json()["version"] == 0 and ps.headers["etag"] == '"list-0-v0"'
    body = {k: ps.json()[k] for k in ("name", "columns", "constants", "kind")}
    bad = {**body, "columns": {**body["columns"], "shoe_size": "Rozmiar"}}
    refused = await client.put(f"{base}/ps", json=bad, headers={**staff.headers, "If-Match": '"list-0-v0"'})
    assert refused.status_code == 422 and "columns.shoe_size" in refused.text
    no_name = {**body, "columns": {"nip": "NIP"}}
    first = {**staff.headers, "If-Match": '"list-0-v0"'}
    refused = await client.put(f"{base}/ps", json=no_name, headers=first)
    assert refused.status_code == 422 and "columns.name" in refused.text
    renamed = {**body, "columns": {**body["columns"], "name": "Nazwa podmiotu"}}
    saved = await client.put(f"{base}/ps", json=renamed, headers={**staff.headers, "If-Match": '"list-0-v0"'})
    assert saved.status_code == 200 and saved.json()["version"] == 1
    stale = await client.put(f"{base}/ps", json=body, headers={**staff.headers, "If-Match": '"list-0-v0"'})
    assert stale.status_code == 412
    assert (await client.put(f"{base}/ps", json=body, headers=staff.headers)).status_code == 428
    assert (await client.get(f"{base}/nieznana", headers=staff.headers)).status_code == 404

    from scrapers.file_sync import sync_file

    report = await sync_file("ps", sample("ps"), "wykaz-ps.csv")  # the stored mapping is the one read
    assert report.status == "failed" and "„Nazwa podmiotu”" in report.errors[0]


async def test_staff_edit_a_mapping_on_the_page(app_tx):
    import httpx

    from scrapers.file_sources import source
    from ses.audit.services import Actor
    from ses.auth.policy import Role
    from ses.auth.services import create_account
    from tests.scrapers.test_sync_review import HTML, PASSWORD, _hidden

    await create_account(
        username="rops.listy", role=Role.STAFF, password=PASSWORD, organisation_id=None,
        actor=Actor.system("tests"),
    )  # fmt: skip
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app_tx), base_url="http://testserver"
    ) as http:
        form = await http.get("/login", headers=HTML)
        signed = await http.post(
            "/login",
            data={"username": "rops.listy", "password": PASSWORD, "_csrf": _hidden(form.text), "next": "/"},
            headers=HTML,
        )
        assert signed.status_code == 303
        listing = await http.get("/synchronizacja/listy", headers=HTML)
        assert "Rejestr CIS, KIS i ZAZ Wojewody Kujawsko-Pomorskiego" in listing.text
        page = await http.get("/synchronizacja/listy/cis-kp", headers=HTML)
        assert page.status_code == 200 and 'value="Nazwa jednostki"' in page.text
        fields = {
            "_csrf": _hidden(page.text), "version": "0", "name": "Rejestr CIS wojewody", "kind": "cis",
            "col_name": "Nazwa CIS", "col_gmina": "Gmina", "const_voivodeship": "kujawsko-pomorskie",
        }  # fmt: skip
        saved = await http.post("/synchronizacja/listy/cis-kp", data=fields, headers=HTML)
        assert saved.status_code == 303 and "zapisano" in saved.headers["location"]
        assert (await source("cis-kp"))["columns"] == {"name": "Nazwa CIS", "gmina": "Gmina"}
        refused = await http.post(
            "/synchronizacja/listy/cis-kp", data={**fields, "version": "1", "col_name": ""}, headers=HTML
        )
        assert refused.status_code == 422 and "Lista musi wskazywać kolumnę z nazwą" in refused.text
        assert (await source("cis-kp"))["version"] == 1  # nothing stored


KROK_NIP, CHELMNO_FUNDATION_NIP = "4618792685", "4143988824"


async def _running_bodies():
    from ses.audit.services import Actor
    from ses.register import services

    system = Actor.system("tests")
    torun = await services.create(
        {"name": "Gmina Miasta Toruń", "kind": "gmina_office", "gmina_code": TORUN}, system
    )
    krok = await services.create(
        {
            "name": "Stowarzyszenie Krok Dalej",
            "kind": "association",
            "gmina_code": "0462011",
            "nip": KROK_NIP,
        },
        system,
    )
    return torun, krok


async def test_a_units_running_body_named_on_a_voivodes_list_is_linked_or_reported(app_tx):
    """CIS/KIS/ZAZ rows name the body that runs them: found by NIP (or by a name only one
    organisation bears) it becomes the unit's running body; not found, the dry run says so and the
    unit is not created without one."""
    from scrapers import review
    from scrapers.file_sync import sync_file
    from scrapers.tables import SyncChange, SyncRecord
    from ses.register import services

    torun, krok = await _running_bodies()
    dry = await sync_file("cis-kp", sample("cis-kp"), "rejestr-cis-kis-zaz-kp.html", dry_run=True)
    by_name = {item.values["name"]: (item, outcome) for item, outcome in dry.outcomes}
    cis_torun, proposed = by_name["Centrum Integracji Społecznej w Toruniu"]
    assert {c.field: c.new for c in proposed.changes}["founder_id"] == str(torun["id"])
    assert any("rozpoznany tylko po nazwie" in p for p in cis_torun.problems)
    _, proposed = by_name["Klub Integracji Społecznej „Krok”"]  # by NIP, though the name differs
    assert {c.field: c.new for c in proposed.changes}["founder_id"] == str(krok["id"])
    chelmno, proposed = by_name["Centrum Integracji Społecznej w Chełmnie"]
    assert "founder_id" not in {c.field for c in proposed.changes}
    assert any(
        "Podmiot prowadzący „Fundacja Ziemi Chełmińskiej” (NIP 4143988824) nierozpoznany" in p
        for p in chelmno.problems
    )
    from scrapers.krs_sync import change_set_lines

    printed = "\n".join(change_set_lines(dry))
    assert "founder_id: null → " in printed and "nierozpoznany" in printed

    report = await sync_file("cis-kp", sample("cis-kp"), "rejestr-cis-kis-zaz-kp.html")
    records = {r["source_values"]["name"]: r for r in await SyncRecord.select().where(
        SyncRecord.run == report.run_id).output(load_json=True)}  # fmt: skip
    for name, founder in (
        ("Centrum Integracji Społecznej w Toruniu", torun),
        ("Klub Integracji Społecznej „Krok”", krok),
    ):
        ids = [c["id"] for c in await SyncChange.select().where(SyncChange.record == records[name]["id"])]
        assert (await review.accept(ids, "pracownik"))["refused"] == []
        created = await SyncRecord.select(SyncRecord.organisation).where(SyncRecord.id == records[name]["id"])
        unit = await services.get(created[0]["organisation"])
        assert unit["founder_id"] == founder["id"] and unit["kind"] in ("cis", "kis")
    chelmno_changes = await SyncChange.select().where(
        SyncChange.record == records["Centrum Integracji Społecznej w Chełmnie"]["id"]
    )
    assert {"name", "kind", "gmina_code"} <= {c["field"] for c in chelmno_changes}  # CIS, as Toruń's
    ids = [c["id"] for c in chelmno_changes]
    refused = await review.accept(ids, "pracownik")
    assert refused["applied"] == 0
    assert refused["refused"][0]["message"].startswith("Podmiot prowadzący: CIS nie ma osobowości prawnej")


async def _staff_browser(app_tx, username: str):
    import httpx

    from ses.audit.services import Actor
    from ses.auth.policy import Role
    from ses.auth.services import create_account
    from tests.scrapers.test_sync_review import HTML, PASSWORD, _hidden

    await create_account(
        username=username,
        role=Role.STAFF,
        password=PASSWORD,
        organisation_id=None,
        actor=Actor.system("tests"),
    )
    http = httpx.AsyncClient(transport=httpx.ASGITransport(app=app_tx), base_url="http://testserver")
    form = await http.get("/login", headers=HTML)
    signed = await http.post(
        "/login",
        data={"username": username, "password": PASSWORD, "_csrf": _hidden(form.text), "next": "/"},
        headers=HTML,
    )
    assert signed.status_code == 303
    return http


async def test_staff_upload_a_list_see_the_dry_run_then_apply_it_on_the_page(app_tx):
    from scrapers.tables import SyncChange, SyncRun
    from ses.audit.tables import AuditRecord
    from tests.scrapers.test_sync_review import HTML, _hidden

    await _register_for_ps()
    await _running_bodies()
    http = await _staff_browser(app_tx, "rops.wczytuje")
    async with contextlib.aclosing(http):
        page = await http.get("/synchronizacja/listy/ps", headers=HTML)
        csrf = _hidden(page.text)
        assert 'enctype="multipart/form-data"' in page.text
        files = {"file": ("wykaz-ps.csv", sample("ps"), "text/csv")}
        unsigned = await http.post("/synchronizacja/listy/ps/plik", files=files, headers=HTML)
        assert unsigned.status_code == 403  # no CSRF token: refused
        dry = await http.post(
            "/synchronizacja/listy/ps/plik", data={"_csrf": csrf}, files=files, headers=HTML
        )
        assert dry.status_code == 200 and "Podgląd (nic jeszcze nie zapisano)" in dry.text
        assert (
            "nowa organizacja: 5" in dry.text
            and "ul. Szeroka 10" in dry.text
            and "ul. Szeroka 12" in dry.text
        )
        assert await SyncRun.count() == 0  # a dry run stores nothing
        token = __import__("re").search(r'name="token" value="([^"]+)"', dry.text).group(1)
        applied = await http.post(
            "/synchronizacja/listy/ps/zastosuj", data={"_csrf": csrf, "token": token}, headers=HTML
        )
        assert applied.status_code == 303 and "wczytano" in applied.headers["location"]
        run = await SyncRun.select().where(SyncRun.source == "file").first()
        assert applied.headers["location"].startswith(f"/synchronizacja/{run['id']}")
        assert await SyncChange.count().where(SyncChange.run == run["id"]) > 0
        shown = await http.get(applied.headers["location"], headers=HTML)
        assert "Wczytano listę z pliku" in shown.text and "Smaki Kujaw" in shown.text
        audit = (
            await AuditRecord.select().where(AuditRecord.action == "sync.list_file").output(load_json=True)
        )
        assert len(audit) == 1 and audit[0]["entity_id"] == run["id"] and audit[0]["channel"] == "web"
        assert audit[0]["changes"]["file"] == [None, "wykaz-ps.csv"]
        again = await http.post(
            "/synchronizacja/listy/ps/zastosuj", data={"_csrf": csrf, "token": token}, headers=HTML
        )
        assert again.status_code == 422 and "wygasł albo już go wczytano" in again.text

        units = await http.post(
            "/synchronizacja/listy/cis-kp/plik",
            data={"_csrf": csrf},
            files={"file": ("rejestr.html", sample("cis-kp"), "text/html")},
            headers=HTML,
        )
        text = " ".join(__import__("re").sub(r"<[^>]+>", "", units.text).split())
        assert units.status_code == 200 and "Podmiot prowadzący: — → Gmina Miasta Toruń (id" in text
        assert "Jednostki z nierozpoznanym podmiotem prowadzącym: 2" in text


async def test_a_bad_list_file_on_the_page_gets_a_polish_message_and_stores_nothing(app_tx):
    from scrapers.tables import SyncRun
    from tests.scrapers.test_sync_review import HTML, _hidden

    http = await _staff_browser(app_tx, "rops.bledy")
    async with contextlib.aclosing(http):
        csrf = _hidden((await http.get("/synchronizacja/listy/ps", headers=HTML)).text)

        async def send(name: str, content: bytes):
            return await http.post(
                "/synchronizacja/listy/ps/plik",
                data={"_csrf": csrf},
                files={"file": (name, content)},
                headers=HTML,
            )

        wrong = await send(
            "inna.csv", "Nazwa przedsiębiorstwa społecznego;Gmina\nFundacja X;Toruń\n".encode()
        )
        assert wrong.status_code == 422 and "W pliku brak kolumn wskazanych w mapowaniu" in wrong.text
        assert "„Numer KRS” (KRS)" in wrong.text
        broken = await send("lista.xlsx", b"PK\x03\x04 to nie jest arkusz")
        assert broken.status_code == 422 and "XLSX" in broken.text and "nie wczytano" in broken.text
        empty = await send("", b"")
        assert empty.status_code == 422 and "Brak pliku" in empty.text
        foreign = await http.post(
            "/synchronizacja/listy/ps/zastosuj", data={"_csrf": csrf, "token": "nieistniejacy"}, headers=HTML
        )
        assert foreign.status_code == 422 and "Wyślij go ponownie" in foreign.text
        assert await SyncRun.count() == 0


def args(*argv: str) -> argparse.Namespace:
    return build_parser().parse_args(["sync", "file", *argv])


async def test_the_command_prints_a_dry_run_change_set_and_a_summary(app_tx, capsys, tmp_path):
    from scrapers import cli
    from scrapers.tables import SyncRun

    await _register_for_ps()
    path = SAMPLES / SAMPLE_FILES["ps"]
    assert await cli._file(args("ps", str(path), "--dry-run")) == 0
    out = capsys.readouterr().out
    assert "Zestaw zmian (próba — nic nie zapisano):" in out
    assert 'street: "ul. Szeroka 10" → "ul. Szeroka 12"' in out
    assert "Podsumowanie — próba" in out and "nowe organizacje: 5" in out
    assert await SyncRun.count().where(SyncRun.source == "file") == 0

    assert await cli._file(args("ps", str(path))) == 0
    out = capsys.readouterr().out
    assert "Podsumowanie — przebieg #" in out and "zmiany do przejrzenia:" in out
    bad = tmp_path / "lista.csv"
    bad.write_text("Nazwa przedsiębiorstwa społecznego;Gmina\nFundacja X;Toruń\n", encoding="utf-8")
    assert await cli._file(args("ps", str(bad))) == 2
    captured = capsys.readouterr()
    assert "stan: failed" in captured.out and "brak kolumn" in captured.err
    assert await cli._file(args("nieznana", str(path))) == 2
    assert "Nie ma listy o kodzie „nieznana”" in capsys.readouterr().err
