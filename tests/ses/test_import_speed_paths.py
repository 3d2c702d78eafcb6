"""The fast paths of `ses import`: rows written while later rows are checked, still all or nothing."""

from __future__ import annotations

import json
from datetime import datetime

import pytest

from ses.audit.channel import Channel
from ses.audit.services import Actor
from ses.audit.tables import AuditRecord
from ses.db import is_sqlite
from ses.errors import ValidationFailed
from ses.register import importer, services
from ses.register.importer import BATCH, _date, import_table
from ses.register.tables import Organisation
from ses.uploads import read_csv

pytestmark = pytest.mark.anyio

IMPORT = Actor(label="cli:test", channel=Channel.IMPORT)
HEADER = "name,kind,gmina_code,krs,founder_krs,ref,founder_ref,registered_on,is_owes\n"


def big_file(rows: int, *, last: str | None = None) -> bytes:
    lines = [
        f"Stowarzyszenie Próbne nr {n},association,0463011,,,,,2020-01-{n % 28 + 1:02},nie\n"
        for n in range(rows)
    ]
    # Units at the start of the file, pointing at founders further down (by KRS and by ref).
    lines.insert(0, "CIS Próbny,cis,0463011,,30897,,,,\n")
    lines.insert(1, "WTZ Próbny,wtz,0463011,,,,f1,,\n")
    lines.append("Fundacja Założycielka,foundation,0463011,0000030897,,f1,,31.12.2019,tak\n")
    if last is not None:
        lines.append(last)
    return (HEADER + "".join(lines)).encode()


async def test_more_rows_than_a_batch_with_units_founders_and_audit(app_tx):
    result = await import_table(read_csv(big_file(BATCH + 150)), IMPORT)
    assert result.created == result.rows == BATCH + 153
    assert await Organisation.count().where(Organisation.name.like("Stowarzyszenie Próbne%")) == BATCH + 150
    founder = await Organisation.select().where(Organisation.krs == "0000030897").first()
    assert founder["registered_on"].isoformat() == "2019-12-31" and founder["is_owes"] is True
    units = await Organisation.select(Organisation.founder, Organisation.id).where(
        Organisation.kind.is_in(["cis", "wtz"])
    )
    assert {unit["founder"] for unit in units} == {founder["id"]}
    # Bodies first, then units: the units got the last ids.
    assert min(unit["id"] for unit in units) > founder["id"]
    audits = await AuditRecord.select().where(
        AuditRecord.action == "organisation.import", AuditRecord.entity_type == "organisation"
    )
    assert len(audits) == result.created
    record = next(audit for audit in audits if audit["entity_id"] == founder["id"])
    changes = json.loads(record["changes"]) if isinstance(record["changes"], str) else record["changes"]
    assert changes["name"] == [None, "Fundacja Założycielka"]
    assert changes["registered_on"] == [None, "2019-12-31"]
    assert changes["is_owes"] == [None, True]
    assert "name_search" not in changes and not any(key.startswith("_") for key in changes)
    assert record["channel"] == "import" and record["actor"] == "cli:test"
    # One moment for the rows and their records, stored as any other timestamp (bound once).
    assert founder["created_at"] == founder["updated_at"] == record["at"]
    assert isinstance(record["at"], datetime) and record["at"].utcoffset() is not None
    unit_record = next(audit for audit in audits if audit["entity_id"] == units[0]["id"])
    unit_changes = (
        json.loads(unit_record["changes"])
        if isinstance(unit_record["changes"], str)
        else unit_record["changes"]
    )
    assert unit_changes["founder"] == [None, founder["id"]]


async def test_a_wrong_last_row_undoes_batches_already_written(app_tx):
    before = await services.create(
        {"name": "Istniejąca Fundacja", "kind": "foundation", "gmina_code": "0463011"}, IMPORT
    )
    audits_before = await AuditRecord.count()
    content = big_file(2 * BATCH + 10, last="Zły wiersz,association,0463099,,,,,2020-02-30,może\n")
    with pytest.raises(ValidationFailed) as refused:
        await import_table(read_csv(content), IMPORT)
    problems = {(error.row, error.field) for error in refused.value.errors}
    last_line = 2 * BATCH + 10 + 3 + 2  # header, two units, the bodies, the founder, then the wrong row
    assert problems == {(last_line, "gmina_code"), (last_line, "registered_on"), (last_line, "is_owes")}
    # Nothing of the file, but the caller's own earlier write is kept (only our savepoint rolled back).
    assert await Organisation.count() == 1
    assert (await Organisation.select(Organisation.id).first())["id"] == before["id"]
    assert await AuditRecord.count() == audits_before
    # The register takes writes as before.
    result = await import_table(read_csv(big_file(3)), IMPORT)
    assert result.created == 6


async def test_dry_run_checks_everything_and_writes_nothing(app_tx):
    result = await import_table(read_csv(big_file(BATCH + 5)), IMPORT, dry_run=True)
    assert result.dry_run and result.rows == BATCH + 8 and result.created == 0
    assert await Organisation.count() == 0


async def test_too_many_errors_stop_at_the_limit(app_tx, monkeypatch):
    monkeypatch.setattr(importer, "MAX_REPORTED_ERRORS", 5)
    lines = "".join(f"Wiersz {n},association,0463099,,,,,,\n" for n in range(20))
    with pytest.raises(ValidationFailed) as refused:
        await import_table(read_csv((HEADER + "Dobry,association,0463011,,,,,,\n" + lines).encode()), IMPORT)
    assert len(refused.value.errors) == 5
    assert await Organisation.count() == 0


def test_quick_iso_dates_match_the_slow_parser():
    samples = ("2024-01-05", "2024-02-29", "2023-02-29", "2024-1-5", "2024-01-5", "05.01.2024", "05-01-2024",
               "2024-13-01", "+024-01-05", "2024/01/05", "２０２４-01-05", "2024-01-0x")  # fmt: skip
    for text in samples:
        try:
            quick = _date(text)
        except ValueError:
            quick = None
        slow = None
        for pattern in ("%Y-%m-%d", "%d.%m.%Y", "%d-%m-%Y"):
            try:
                slow = datetime.strptime(text, pattern).date()
                break
            except ValueError:
                continue
        assert quick == slow, text


async def organisation_indexes() -> set[str]:
    rows = await Organisation.raw(
        "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'organisation'"
    )
    return {row["name"] for row in rows}


async def test_bulk_load_rebuilds_indexes_and_a_refusal_keeps_them(app_tx, monkeypatch):
    if not is_sqlite():
        pytest.skip("PostgreSQL keeps its indexes during an import")
    monkeypatch.setattr(importer, "BULK_LOAD_MIN_ROWS", 10)
    indexes = await organisation_indexes()
    assert "organisation_name_order" in indexes
    result = await import_table(read_csv(big_file(40)), IMPORT)
    assert result.created == 43
    assert await organisation_indexes() == indexes
    plan = await Organisation.raw(
        "EXPLAIN QUERY PLAN SELECT id FROM organisation WHERE voivodeship_code = '04' "
        "ORDER BY name_search, id LIMIT 5"
    )
    assert "organisation_voivodeship_name" in " ".join(str(row) for row in plan)
    with pytest.raises(ValidationFailed):
        await import_table(read_csv(big_file(60, last="Zły,association,0463099,,,,,,\n")), IMPORT)
    assert await organisation_indexes() == indexes
    assert await Organisation.count() == 43
