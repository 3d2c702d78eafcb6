"""The scheduler as staff watch it: one run per slot across processes, every run on record, stuck
runs failed, run-now, reminders in the outbox and by e-mail."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import uuid
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.anyio


def _job(run, minutes=1.0, job_id=None):
    from ses.extensions import ScheduledJob

    return ScheduledJob(id=job_id or f"test.{uuid.uuid4().hex[:8]}", run=run, time_limit_minutes=minutes)


async def test_a_slot_runs_once_and_the_run_is_on_record(app_tx):
    from ses import scheduler
    from ses.jobs.tables import JobRun

    calls = []

    async def work():
        calls.append(1)
        return {"sent": 2}

    job = _job(work)
    slot = datetime(2026, 12, 6, 5, 30, tzinfo=UTC)
    first = await scheduler.run_slot(job, slot)
    second = await scheduler.run_slot(job, slot)
    assert first[1] == "finished" and second == (None, "skipped") and calls == [1]
    row = await JobRun.select().where(JobRun.job_id == job.id).output(load_json=True).first()
    assert (
        row["status"] == "finished"
        and row["counts"] == {"sent": 2}
        and row["finished_at"] >= row["started_at"]
    )


async def test_a_failing_job_and_a_job_past_its_limit_are_recorded_as_failed(app_tx):
    from ses import scheduler
    from ses.jobs.tables import JobRun

    async def broken():
        raise RuntimeError("źródło nie odpowiada")

    async def slow():
        await asyncio.sleep(5)

    failing, hanging = _job(broken), _job(slow, minutes=0.005)
    await scheduler.run_now(failing, wait=True)
    await scheduler.run_now(hanging, wait=True)
    rows = {
        r["job_id"]: r for r in await JobRun.select().where(JobRun.job_id.is_in([failing.id, hanging.id]))
    }
    assert rows[failing.id]["status"] == "failed" and "źródło nie odpowiada" in rows[failing.id]["error"]
    assert rows[hanging.id]["status"] == "failed" and "limit czasu" in rows[hanging.id]["error"]


async def test_a_run_left_running_by_a_dead_process_is_marked_failed(app_tx):
    from ses import scheduler
    from ses.jobs.tables import JobRun

    now = datetime.now(UTC)
    await JobRun.insert(
        JobRun(
            job_id="test.dead",
            slot="2026-01-01T00:00:00+00:00",
            trigger="schedule",
            status="running",
            started_at=now - timedelta(hours=3),
            deadline_at=now - timedelta(hours=2),
            process="gone:1",
        )
    )
    assert await scheduler.mark_stuck() == 1
    row = await JobRun.select().where(JobRun.job_id == "test.dead").first()
    assert row["status"] == "failed" and "utknęło" in row["error"]


def test_two_real_processes_asked_for_the_same_slot_run_it_once():
    """Two `ses jobs run … --slot` processes started together: one runs, the other steps back."""
    import asyncio as aio

    from ses.jobs.tables import JobRun

    slot = (datetime(2026, 1, 1, tzinfo=UTC) + timedelta(minutes=uuid.uuid4().int % 500_000)).isoformat()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    command = [sys.executable, "-m", "ses.cli", "jobs", "run", "ses.cis_status_ending", "--slot", slot]
    processes = [
        subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        for _ in range(2)
    ]
    outputs = [p.communicate(timeout=120) for p in processes]
    assert [p.returncode for p in processes] == [0, 0], outputs
    said = sorted("pominięto" in out for out, _ in outputs)
    assert said == [False, True], outputs

    async def rows():
        from ses.db import release_connections

        try:
            found = await JobRun.select().where(
                (JobRun.job_id == "ses.cis_status_ending") & (JobRun.slot == slot)
            )
            await JobRun.delete().where(JobRun.slot == slot)
            return found
        finally:
            await release_connections()

    found = aio.run(rows())
    assert len(found) == 1 and found[0]["status"] == "finished"


def test_jobs_are_declared_with_fixed_ids_in_polish_time():
    from ses.scheduler import build_scheduler

    scheduler = build_scheduler()
    ids = {job.id for job in scheduler.get_jobs()}
    assert {
        "scrapers.krs_nightly",
        "ses.reports_overdue",
        "ses.annual_reports_due",
        "ses.cis_status_ending",
    } <= ids
    nightly = scheduler.get_job("scrapers.krs_nightly")
    assert str(nightly.trigger) == "cron[hour='2', minute='30']"
    assert str(nightly.trigger.timezone) == "Europe/Warsaw"


async def test_jobs_api_lists_next_and_last_runs_and_staff_can_run_one_now(client, staff, committee):
    from ses import scheduler
    from ses.jobs.tables import JobRun

    assert (await client.get("/api/v1/jobs", headers=committee.headers)).status_code == 403
    started = await client.post("/api/v1/jobs/ses.cis_status_ending/run", headers=staff.headers)
    assert started.status_code == 202, started.text
    run_id = started.json()["run_id"]
    await scheduler.wait_for_manual_runs()
    row = await JobRun.select(JobRun.status).where(JobRun.id == run_id).first()
    assert row["status"] == "finished"
    listing = (await client.get("/api/v1/jobs", headers=staff.headers)).json()
    job = next(j for j in listing if j["id"] == "ses.cis_status_ending")
    assert job["next_run"] and job["schedule"] == "codziennie o 06:45"
    assert job["last_runs"][0]["id"] == run_id and job["last_runs"][0]["trigger"] == "manual"
    missing = await client.post("/api/v1/jobs/nie.ma/run", headers=staff.headers)
    assert missing.status_code == 404 and missing.headers["content-type"].startswith(
        "application/problem+json"
    )


async def test_a_cis_status_reaching_five_years_goes_to_the_outbox_and_by_e_mail(app_tx, monkeypatch):
    from aiosmtpd.controller import Controller

    from ses.audit.services import Actor
    from ses.jobs import outbox, reminders
    from ses.jobs.tables import OutboxMessage
    from ses.register import services, status_services
    from ses.settings import get_settings

    received = []

    class Handler:
        async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
            received.append(envelope)
            return "250 OK"

    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(Handler(), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        settings = replace(
            get_settings(), smtp_host="127.0.0.1", smtp_port=port, reminder_recipients="rops@example.org"
        )
        monkeypatch.setattr(outbox, "get_settings", lambda: settings)
        actor = Actor.system("tests")
        body = await services.create(
            {"name": "Fundacja Prowadząca CIS", "kind": "foundation", "gmina_code": "0463011"}, actor
        )
        cis = await services.create(
            {"name": "CIS w Toruniu", "kind": "cis", "gmina_code": "0463011", "founder_id": body["id"]}, actor
        )
        decided = date.today() - timedelta(days=5 * 365 - 30)
        await status_services.record_status(
            cis["id"],
            {
                "status_type": "cis",
                "state": "active",
                "decision_date": decided,
                "decision_number": "CIS/1/2021",
            },
            actor,
        )
        counts = await reminders.cis_status_ending()
        assert counts["cis_ending"] == 1 and counts["sent"] == 1
    finally:
        controller.stop()
    message = await OutboxMessage.select().order_by(OutboxMessage.id, ascending=False).first()
    assert message["kind"] == "cis_status_ending" and "CIS w Toruniu" in message["body"]
    assert message["sent_at"] is not None
    assert received[0].rcpt_tos == ["rops@example.org"]
    assert b"CIS w Toruniu" in received[0].content


async def test_without_smtp_reminders_wait_in_the_outbox(app_tx):
    from ses.jobs import outbox
    from ses.jobs.tables import OutboxMessage

    await outbox.queue("test", "Przypomnienie", "Treść")
    assert await outbox.deliver() == {"sent": 0, "failed": 0}
    row = await OutboxMessage.select().where(OutboxMessage.kind == "test").first()
    assert row["sent_at"] is None


def test_jobs_that_call_public_registers_stay_off_the_schedule_when_external_jobs_are_off(monkeypatch):
    """The demo's register is invented: its scheduler must not ask KRS or GUS about it at night."""
    import dataclasses

    from ses import scheduler
    from ses.settings import get_settings

    offline = dataclasses.replace(get_settings(), external_jobs=False)
    monkeypatch.setattr(scheduler, "get_settings", lambda: offline)
    ids = {job.id for job in scheduler.build_scheduler().get_jobs()}
    assert "scrapers.krs_nightly" not in ids and "scrapers.bdl_population_yearly" not in ids
    assert {"ses.reports_overdue", "ses.cis_status_ending"} <= ids
    assert scheduler.job_by_id("scrapers.krs_nightly") is not None  # still runnable by hand from /zadania


def test_the_demo_runs_its_scheduler_although_the_parser_read_the_settings_first(monkeypatch):
    """`ses demo` promises a running scheduler; the settings are cached before the command runs."""
    from ses.cli import build_parser
    from ses.commands import demo_environment
    from ses.settings import get_settings

    monkeypatch.delenv("SES_SCHEDULER", raising=False)
    monkeypatch.delenv("SES_EXTERNAL_JOBS", raising=False)
    get_settings.cache_clear()
    try:
        build_parser()
        assert get_settings().scheduler_enabled is False
        demo_environment()
        assert get_settings().scheduler_enabled is True and get_settings().external_jobs is False
    finally:
        monkeypatch.undo()
        get_settings.cache_clear()


async def test_the_counts_of_a_run_are_shown_to_staff_in_polish(client, staff):
    """A run's counts on /zadania are labelled in Polish, never a code or a Python object."""
    from ses import scheduler

    for job_id in ("register-status-expiry", "indicator-snapshot", "accreditation.remind_deadlines"):
        started = await client.post(f"/api/v1/jobs/{job_id}/run", headers=staff.headers)
        assert started.status_code == 202, started.text
        await scheduler.wait_for_manual_runs()  # one at a time: the test's one connection
    html = (await client.get("/zadania", headers=staff.headers)).text
    assert "wygaszone statusy: 0" in html
    assert "wskaźniki: " in html and "wartości: " in html
    assert "weryfikacje po terminie: 0" in html
    for code in ("result:", "SnapshotResult", "indicators:", "overdue_verifications"):
        assert code not in html
