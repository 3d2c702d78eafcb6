"""A KRS sync against the local stand-in: change sets, conflicts, review, and every fault contained."""

from __future__ import annotations

import time
from datetime import date

import pytest

from tests.scrapers.conftest import GYM, WOSP

pytestmark = pytest.mark.anyio


async def _wosp(**extra):
    from ses.audit.services import Actor
    from ses.register import services

    data = {
        "name": "Fundacja Wielka Orkiestra Świątecznej Pomocy",
        "kind": "foundation",
        "gmina_code": "1465011",
        "krs": WOSP,
        "street": "Dominikańska 19c",
        "postal_code": "02-738",
        **extra,
    }
    return await services.create(data, Actor.system("tests"))


async def _changes(run_id):
    from scrapers.tables import SyncChange

    rows = await SyncChange.select().where(SyncChange.run == run_id).order_by(SyncChange.field)
    return {row["field"]: row for row in rows}


async def test_field_changes_wait_for_review_and_accepting_applies_them_through_the_register(
    app_tx, stand_in, krs_client
):
    from scrapers import review
    from scrapers.krs_sync import sync_krs
    from scrapers.tables import SourceFacts, SyncRecord
    from ses.audit.tables import AuditRecord
    from ses.register import services

    org = await _wosp()
    report = await sync_krs(numbers=["30897"], client=krs_client)
    assert report.status == "finished" and report.counts["update"] == 1
    changes = await _changes(report.run_id)
    assert changes["street"]["old"] == "Dominikańska 19c" and changes["street"]["new"] == "Dominikańska 19 C"
    assert changes["website"]["new"] == "www.wosp.org.pl"
    assert changes["nip"]["new"] == "5213003700"
    assert "name" not in changes  # capitals only: the same name
    assert all(not c["is_conflict"] and c["state"] == "pending" for c in changes.values())
    assert (await services.get(org["id"]))["website"] is None  # nothing applied before review

    facts = (
        await SourceFacts.select().where(SourceFacts.organisation == org["id"]).output(load_json=True).first()
    )
    assert facts["facts"]["opp"] is True and "88.99.Z" in facts["facts"]["pkd"]

    result = await review.accept([c["id"] for c in changes.values()], "anna")
    assert result == {"applied": len(changes), "refused": []}
    after = await services.get(org["id"])
    assert after["website"] == "www.wosp.org.pl" and after["nip"] == "5213003700"
    audit = (
        await AuditRecord.select()
        .where((AuditRecord.entity_id == org["id"]) & (AuditRecord.action == "organisation.update"))
        .output(load_json=True)
        .first()
    )
    assert audit["channel"] == "sync"
    assert audit["actor"] == f"anna · źródło KRS, przebieg #{report.run_id}"
    assert audit["changes"]["website"] == [None, "www.wosp.org.pl"]
    record = await SyncRecord.select(SyncRecord.decision).where(SyncRecord.run == report.run_id).first()
    assert record["decision"] == "accepted"


async def test_a_later_correction_by_a_person_is_a_conflict_and_never_applied_automatically(
    app_tx, stand_in, krs_client
):
    from scrapers import review, runs
    from scrapers.krs_sync import sync_krs
    from ses.audit.services import Actor
    from ses.register import services
    from ses.register.vocab import Channel

    org = await _wosp()
    await services.update(
        org["id"], {"street": "Dominikańska 19c/2"}, org["version"], Actor("ewa", Channel.WEB)
    )
    await runs.set_auto("krs", "street", True)
    await runs.set_auto("krs", "website", True)
    report = await sync_krs(numbers=[WOSP], client=krs_client)
    assert report.counts["conflict"] == 1
    changes = await _changes(report.run_id)
    assert changes["street"]["is_conflict"] and changes["street"]["state"] == "pending"
    assert changes["website"]["state"] == "auto_applied"
    after = await services.get(org["id"])
    assert after["street"] == "Dominikańska 19c/2" and after["website"] == "www.wosp.org.pl"

    assert await review.reject([changes["street"]["id"]], "anna") == 1
    assert (await _changes(report.run_id))["street"]["state"] == "rejected"


async def test_faults_are_kept_on_their_numbers_and_the_run_goes_on(app_tx, stand_in, krs_client):
    from scrapers.krs_sync import sync_krs
    from scrapers.standin import with_number
    from scrapers.tables import SyncRecord, SyncRun
    from tests.scrapers.conftest import fixture

    wosp_text = fixture("krs/current-S-0000030897-wosp.json")
    for number in ("0000000011", "0000000012", "0000000013", "0000000014"):
        stand_in.add(number, "S", with_number(wosp_text, number, nip="", nazwa=f"FUNDACJA {number}"))
    stand_in.deregistered.add("0000000015")
    stand_in.faults["0000000011"] += ["timeout"] * 4  # every attempt too slow
    stand_in.faults["0000000012"] += ["500"] * 4  # down for this number
    stand_in.faults["0000000013"] += ["truncated"]
    stand_in.faults["0000000014"] += ["429", "500"]  # recovers within the retries
    await _wosp()
    gone = await _wosp(name="Stowarzyszenie Wykreślone", krs="0000000015", street=None)

    started = time.monotonic()
    numbers = [WOSP, "11", "12", "13", "14", "15", "999999", GYM]
    report = await sync_krs(numbers=numbers, client=krs_client)
    assert time.monotonic() - started >= 1.0  # the 429's Retry-After: 1 was honoured
    assert report.status == "finished"
    records = {
        row["key"]: row
        for row in await SyncRecord.select().where(SyncRecord.run == report.run_id).output(load_json=True)
    }
    assert len(records) == len(numbers)
    assert records["0000000011"]["status"] == "error" and "w czasie" in records["0000000011"]["problems"][0]
    assert records["0000000012"]["status"] == "error" and "500" in records["0000000012"]["problems"][0]
    assert records["0000000013"]["status"] == "error" and "ucięta" in records["0000000013"]["problems"][0]
    assert records["0000000013"]["raw"]  # the raw answer is kept for staff
    assert records["0000000014"]["status"] == "new"
    assert records["0000000015"]["status"] == "deregistered"
    assert records["0000000015"]["organisation"] == gone["id"]
    assert records["0000999999"]["status"] == "not_found" and "404" in records["0000999999"]["problems"][0]
    assert records[GYM]["status"] == "new" and records[WOSP]["status"] == "update"
    run = await SyncRun.select().where(SyncRun.id == report.run_id).output(load_json=True).first()
    assert run["status"] == "finished" and run["counts"]["error"] == 3 and run["finished_at"]


async def test_a_deregistration_accepted_retires_the_organisation(app_tx, stand_in, krs_client):
    from scrapers import review
    from scrapers.krs_sync import sync_krs
    from ses.register import services

    org = await _wosp()
    stand_in.deregistered.add(WOSP)
    report = await sync_krs(numbers=[WOSP], client=krs_client)
    change = (await _changes(report.run_id))["activity_state"]
    assert (change["old"], change["new"]) == ("active", "retired")
    await review.accept([change["id"]], "anna")
    after = await services.get(org["id"])
    assert after["activity_state"] == "retired" and "przebieg" in after["retired_reason"]


async def test_a_new_organisation_is_created_only_when_staff_accept_it(app_tx, stand_in, krs_client):
    from scrapers import review
    from scrapers.krs_sync import sync_krs
    from scrapers.tables import SyncChange
    from ses.register.tables import Organisation

    report = await sync_krs(numbers=[GYM], client=krs_client)
    assert report.counts["new"] == 1
    assert await Organisation.count().where(Organisation.krs == GYM) == 0
    ids = [r["id"] for r in await SyncChange.select(SyncChange.id).where(SyncChange.run == report.run_id)]
    await review.accept(ids, "anna")
    created = await Organisation.select().where(Organisation.krs == GYM).first()
    assert created["gmina_code"] == "1261011" and created["regon"] == "545772924"
    assert created["kind"] == "business" and created["street"] == "ul. Ostatnia 1D"


async def test_rerunning_the_same_window_duplicates_nothing(app_tx, stand_in, krs_client):
    from scrapers.krs_sync import sync_krs

    await _wosp()
    first = await sync_krs(numbers=[WOSP, GYM], client=krs_client)
    second = await sync_krs(numbers=[WOSP, GYM], client=krs_client)
    assert second.run_id != first.run_id
    assert await _changes(second.run_id) == {}
    assert second.counts["changes_pending"] == 0


async def _settled(stand_in) -> int:
    import asyncio

    seen = -1
    while seen != len(stand_in.requests):
        seen = len(stand_in.requests)
        await asyncio.sleep(0.1)
    return seen


async def test_an_interrupted_run_resumes_where_it_stopped(app_tx, stand_in, krs_client, monkeypatch):
    from scrapers import krs_sync
    from scrapers.standin import with_number
    from tests.scrapers.conftest import fixture

    text = fixture("krs/current-S-0000030897-wosp.json")
    numbers = [str(n).zfill(10) for n in range(101, 107)]
    for number in numbers:
        stand_in.add(number, "S", with_number(text, number, nip="", nazwa=f"FUNDACJA {number}"))
    monkeypatch.setattr(krs_sync, "BATCH", 2)

    class Stop(Exception):
        pass

    def stop_after_first_batch(done, total):
        if done == 2:
            raise Stop

    with pytest.raises(Stop):
        await krs_sync.sync_krs(numbers=numbers, client=krs_client, on_progress=stop_after_first_batch)
    asked = await _settled(stand_in)  # the batch fetched ahead may still be reaching the stand-in
    report = await krs_sync.sync_krs(numbers=numbers, client=krs_client)
    assert report.resumed and report.counts["new"] == 6
    assert len(stand_in.requests) - asked == 2 * 4  # P (404) and S for each of the four left


async def test_a_source_that_is_down_interrupts_the_run_and_the_next_run_resumes(
    app_tx, stand_in, krs_client
):
    from scrapers import krs_sync
    from scrapers.http import Source, build_client, retry_policy
    from scrapers.tables import SyncRun

    numbers = [WOSP, GYM, *[str(n) for n in range(201, 210)]]
    dead = build_client(Source("krs", "http://127.0.0.1:9/api/krs", 0), retry=retry_policy(attempts=1))
    report = await krs_sync.sync_krs(numbers=numbers, client=dead)
    await dead.aclose()
    assert report.status == "interrupted" and "niedostępne" in report.errors[0]
    run = await SyncRun.select().where(SyncRun.id == report.run_id).output(load_json=True).first()
    assert run["status"] == "interrupted" and "niedostępne" in run["errors"][0]["message"]
    again = await krs_sync.sync_krs(numbers=numbers, client=krs_client)
    assert again.run_id == report.run_id and again.resumed and again.status == "finished"


async def test_the_nightly_sync_asks_only_for_the_registers_numbers_in_the_bulletin(
    app_tx, stand_in, krs_client
):
    from scrapers.krs_sync import sync_krs

    await _wosp()
    day = date(2026, 9, 22)
    stand_in.bulletins[day.isoformat()] = ["30897", "30897", "1268296", "5204", "x"]
    stand_in.bulletins["2026-09-23"] = []
    report = await sync_krs(since=day, until=date(2026, 9, 23), client=krs_client)
    assert report.planned == 1 and report.counts["update"] == 1
    # two bulletins, then the one number the register holds, asked in register S at once (a foundation)
    assert len(stand_in.requests) == 3


async def test_a_dry_run_stores_nothing(app_tx, stand_in, krs_client):
    from scrapers.krs_sync import change_set_lines, sync_krs
    from scrapers.tables import SyncRun

    await _wosp()
    report = await sync_krs(numbers=[WOSP], client=krs_client, dry_run=True)
    assert report.run_id is None and await SyncRun.count() == 0
    lines = change_set_lines(report)
    assert lines[0].startswith("0000030897: update")
    assert any('website: null → "www.wosp.org.pl"' in line for line in lines)
