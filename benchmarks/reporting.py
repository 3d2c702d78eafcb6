"""OWES reporting benchmark: concurrent submissions with Idempotency-Key, a 10,000-row XLSX
upload, and the follow-up table for 70 OWES × 8 quarters.

    .venv/bin/python -m benchmarks.reporting [--engine postgres|sqlite] [--clients 64] [--periods 40]
                                             [--workers 2]
    .venv/bin/python -m benchmarks.reporting --profile 300 [--cprofile /tmp/submit.prof]
    .venv/bin/python -m benchmarks.reporting --follow-up-only [--engine postgres|sqlite]
    .venv/bin/python -m benchmarks.reporting --upload-only [--engine postgres|sqlite] [--xlsx-rows 10000]

A fresh database, `ses migrate`, 70 OWES with API tokens and one PS (made through the real
services), then a real uvicorn server. 64 clients (asyncio + httpx, one OWES each) send every
period's report as JSON with `submit: true` and an Idempotency-Key; every 10th request is sent a
second time with the same key (a retry) and every 25th twice at once (a racing retry). Afterwards
the reports in the database are counted: duplicates and lost reports must both be zero. Then a
draft receives a 10,000-row XLSX of jobs (dry run = validation only, then stored), and the
follow-up table (70 × 8, with cells) is fetched 50 times. Prints a Markdown table.

The OWES get accreditation records (through the accreditation service) so that the follow-up
counts only the periods within accreditation: of every ten OWES seven are accredited for the
whole of 2024-2025, one from mid-2024, one until 15 March 2025 and one has no record. A report
for a quarter outside an OWES's accreditations is refused (422), so the nine with records were also
accredited, in two-year terms, from 2016 to the end of 2023 (`--periods` up to 40 stays inside),
and each OWES sends only the quarters it was accredited for (`accredited_for`). The wrk phase
sends periods before 2000 (new reports only, never colliding with the httpx phase): it uses the
OWES the accreditation package knows nothing about, which are never refused.
`--follow-up-only` skips the load phases: 64 clients send the 8 quarters' reports once, then
the follow-up table is timed. `--upload-only` skips them too: only the XLSX upload is timed (dry
run, then stored; best of 3 dry runs), with the server's CPU for it.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import io
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx

from benchmarks.harness import drop_database, fresh_database, machine, server, ses, tree_cpu_seconds

OWES_COUNT = 70
TORUN = "0463011"


# --- set-up inside a child process (piccolo reads SES_DATABASE_URL at first import) ----------


async def _setup() -> dict[str, Any]:
    from ses.audit.services import Actor
    from ses.auth.policy import Role
    from ses.auth.services import create_account, create_token
    from ses.db import release_connections
    from ses.register import services as register

    actor = Actor.system("benchmark")
    owes = []
    for index in range(OWES_COUNT):
        org = await register.create(
            {
                "name": f"OWES benchmarkowy {index:02d}",
                "kind": "association",
                "gmina_code": TORUN,
                "is_owes": True,
            },
            actor,
        )
        account = await create_account(
            username=f"owes-{index:02d}",
            role=Role.OWES,
            password=None,
            organisation_id=org["id"],
            actor=actor,
        )
        token, _ = await create_token(account_id=account, name="bench", valid_days=5, actor=actor)
        owes.append({"id": org["id"], "token": token})
    ps = await register.create(
        {"name": "Spółdzielnia Socjalna Benchmark", "kind": "social_cooperative", "gmina_code": TORUN}, actor
    )
    staff = await create_account(
        username="bench-staff", role=Role.STAFF, password=None, organisation_id=None, actor=actor
    )
    staff_token, _ = await create_token(account_id=staff, name="bench", valid_days=5, actor=actor)
    await _accredit([o["id"] for o in owes], actor)
    await release_connections()
    return {"owes": owes, "ps": ps["id"], "staff": staff_token}


EARLIEST_TERM = 2016


def accredited_for(index: int, period: str) -> bool:
    """Whether the OWES of `index` (see `_accredit`) may report for the quarter `period`."""
    kind, year, quarter = index % 10, int(period[:4]), int(period[-1])
    if kind == 9:
        return True  # no record: the accreditation package does not know it, nothing is refused
    if year < EARLIEST_TERM or year > 2025:
        return False
    if kind == 7:
        return not (year == 2024 and quarter <= 2)  # accredited again from 1 July 2024
    if kind == 8:
        return (year, quarter) <= (2025, 1)  # its term ended on 15 March 2025
    return True


async def _accredit(owes_ids: list[int], actor: Any) -> None:
    """Accreditation windows for the follow-up: 7 in 10 whole 2024-2025, 1 from mid-2024,
    1 until 15 March 2025, 1 with no record at all; the nine with records also 2016-2023."""
    from datetime import date

    from accreditation.services import create_accreditation

    for index, owes_id in enumerate(owes_ids):
        kind = index % 10
        if kind == 9:
            continue
        for first in range(EARLIEST_TERM, 2024, 2):  # the earlier terms, for the load phase's quarters
            await create_accreditation(
                {
                    "organisation_id": owes_id,
                    "call_edition": f"nabór benchmarkowy {first}",
                    "decision_number": f"BENCH.{index}.{first}",
                    "decision_date": date(first - 1, 12, 18),
                    "valid_from": date(first, 1, 1),
                    "valid_to": date(first + 1, 12, 18),
                    "powiat_codes": ["0463"],
                },
                actor,
            )
        start, decision = (
            (date(2024, 7, 1), date(2024, 6, 28)) if kind == 7 else (date(2024, 1, 1), date(2023, 12, 20))
        )
        # Kind 8's term ended on 15 March 2025 (it was withdrawn then; an accreditation already
        # past its end can no longer be put under verification and withdrawn after the fact).
        ends = date(2025, 3, 15) if kind == 8 else date(decision.year + 2, decision.month, decision.day)
        await create_accreditation(
            {
                "organisation_id": owes_id,
                "call_edition": "nabór benchmarkowy",
                "decision_number": f"BENCH.{index}",
                "decision_date": decision,
                "valid_from": start,
                "valid_to": ends,
                "powiat_codes": ["0463"],
            },
            actor,
        )


def setup(url: str) -> dict[str, Any]:
    env = {**os.environ, "SES_DATABASE_URL": url}
    out = subprocess.run(
        [sys.executable, "-m", "benchmarks.reporting", "--setup-only"],
        env=env,
        check=True,
        text=True,
        capture_output=True,
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


# --- load ----------------------------------------------------------------------------------------


def quarters(count: int) -> list[str]:
    """`count` quarters ending with 2025-Q4 (all ended and past their deadline)."""
    out = []
    year, quarter = 2025, 4
    for _ in range(count):
        out.append(f"{year}-Q{quarter}")
        year, quarter = (year, quarter - 1) if quarter > 1 else (year - 1, 4)
    return out[::-1]


def report_body(period: str, ps_id: int) -> bytes:
    year, quarter = int(period[:4]), int(period[-1])
    day = f"{year}-{3 * quarter - 1:02d}-15"
    data = {
        "pes_supported_total": 5,
        "initiative_groups": 2,
        "new_pes_created": 0,
        "new_ps_created": 0,
        "new_jobs_total": 2,
        "new_jobs_at_risk": 1,
        "grants_total_pln": "30000.00",
        "ps_applications_supported": 1,
        "procurement_cases": 0,
        "supported_pes": [
            {"kind": "association", "powiat_code": "0463", "count": 3},
            {"kind": "social_cooperative", "powiat_code": "0463", "count": 2},
        ],
        "services": [
            {"standard": "local_animation", "sessions": 4, "hours": "12.5", "participants": 40},
            {"standard": "business_support", "sessions": 2, "hours": "6", "participants": 5},
        ],
        "jobs": [
            {
                "ps_organisation_id": ps_id,
                "person_category": "at_risk",
                "fte": "1",
                "contract_type": "employment",
                "started_on": day,
            },
            {
                "ps_organisation_id": ps_id,
                "person_category": "other",
                "fte": "0.5",
                "contract_type": "employment",
                "started_on": day,
            },
        ],
        "grants": [{"recipient_organisation_id": ps_id, "amount_pln": "30000.00", "purpose": "new_jobs"}],
    }
    return json.dumps({"period": period, "data": data, "submit": True}).encode()


async def load(base: str, world: dict[str, Any], clients: int, periods: list[str]) -> dict[str, Any]:
    statuses: dict[int, int] = {}
    replayed = 0
    transport_retries = 0
    latencies: list[float] = []
    sent_keys: set[str] = set()
    limits = httpx.Limits(max_connections=clients * 2, max_keepalive_connections=clients * 2)

    async with httpx.AsyncClient(base_url=base, timeout=60, limits=limits) as http:

        async def post(headers: dict[str, str], body: bytes) -> None:
            nonlocal replayed, transport_retries
            started = time.perf_counter()
            for attempt in range(5):
                try:
                    response = await http.post("/api/v1/reports", content=body, headers=headers)
                    break
                except httpx.TransportError:
                    # A lost answer is exactly what the key is for: send the same request again.
                    transport_retries += 1
                    await asyncio.sleep(0.05 * (attempt + 1))
            else:
                raise RuntimeError("five transport errors in a row")
            latencies.append(time.perf_counter() - started)
            statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
            replayed += response.headers.get("idempotent-replayed") == "true"

        async def client(index: int) -> None:
            owes = world["owes"][index]
            for number, period in enumerate(periods):
                if not accredited_for(index, period):
                    continue  # would be refused: outside the OWES's accreditations
                key = f"owes-{owes['id']}-{period}"
                sent_keys.add(key)
                headers = {
                    "Authorization": f"Bearer {owes['token']}",
                    "Idempotency-Key": key,
                    "Content-Type": "application/json",
                }
                body = report_body(period, world["ps"])
                serial = index * len(periods) + number
                if serial % 25 == 0:
                    await asyncio.gather(post(headers, body), post(headers, body))
                else:
                    await post(headers, body)
                    if serial % 10 == 0:
                        await post(headers, body)

        started = time.perf_counter()
        await asyncio.gather(*(client(i) for i in range(clients)))
        took = time.perf_counter() - started
    requests = sum(statuses.values())
    latencies.sort()
    return {
        "requests": requests,
        "seconds": took,
        "statuses": statuses,
        "replayed": replayed,
        "transport_retries": transport_retries,
        "distinct": len(sent_keys),
        "created": statuses.get(201, 0) - replayed,
        "rps": requests / took,
        "created_per_s": (statuses.get(201, 0) - replayed) / took,
        "p50_ms": latencies[len(latencies) // 2] * 1000,
        "p99_ms": latencies[int(len(latencies) * 0.99)] * 1000,
    }


WRK_SCRIPT = r"""
tokens = {TOKENS}
ps = {PS}
threads_made = 0
local all_threads = {}

function setup(thread)
    thread:set("id", threads_made)
    threads_made = threads_made + 1
    table.insert(all_threads, thread)
end

function init(args)
    counter = 0
    created = 0
    replayed = 0
    other = 0
    last = nil
end

local template = '{"period": "%s", "submit": true, "data": {"pes_supported_total": 5, '
    .. '"initiative_groups": 2, "new_pes_created": 0, "new_ps_created": 0, "new_jobs_total": 2, '
    .. '"new_jobs_at_risk": 1, '
    .. '"grants_total_pln": "30000.00", "ps_applications_supported": 1, "procurement_cases": 0, '
    .. '"supported_pes": [{"kind": "association", "powiat_code": "0463", "count": 3}, '
    .. '{"kind": "social_cooperative", "powiat_code": "0463", "count": 2}], '
    .. '"services": [{"standard": "local_animation", "sessions": 4, "hours": "12.5", "participants": 40}, '
    .. '{"standard": "business_support", "sessions": 2, "hours": "6", "participants": 5}], '
    .. '"jobs": [{"ps_organisation_id": %d, "person_category": "at_risk", "fte": "1", '
    .. '"contract_type": "employment", "started_on": "%s"}, {"ps_organisation_id": %d, '
    .. '"person_category": "other", "fte": "0.5", "contract_type": "employment", "started_on": "%s"}], '
    .. '"grants": [{"recipient_organisation_id": %d, "amount_pln": "30000.00", "purpose": "new_jobs"}]}}'

function request()
    counter = counter + 1
    if counter % 10 == 0 and last ~= nil then
        return last  -- a retry: the same request with the same Idempotency-Key
    end
    local serial = (counter * 4 + id) -- unique across up to 4 threads
    local owes = serial % #tokens + 1
    local q = math.floor(serial / #tokens)
    local year = 1999 - math.floor(q / 4)  -- below the periods of the correctness phase
    local quarter = q % 4 + 1
    local period = string.format("%04d-Q%d", year, quarter)
    local day = string.format("%04d-%02d-15", year, 3 * quarter - 1)
    local body = string.format(template, period, ps, day, ps, day, ps)
    last = wrk.format("POST", "/api/v1/reports", {
        ["Authorization"] = "Bearer " .. tokens[owes],
        ["Idempotency-Key"] = "wrk-" .. owes .. "-" .. period,
        ["Content-Type"] = "application/json",
    }, body)
    return last
end

function response(status, headers, body)
    if status == 201 then
        if headers["Idempotent-Replayed"] or headers["idempotent-replayed"] then
            replayed = replayed + 1
        else
            created = created + 1
        end
    else
        other = other + 1
    end
end

function done(summary, latency, requests)
    local c, r, o = 0, 0, 0
    for _, thread in ipairs(all_threads) do
        c = c + thread:get("created")
        r = r + thread:get("replayed")
        o = o + thread:get("other")
    end
    io.write(string.format("RESULT created=%d replayed=%d other=%d\n", c, r, o))
    local p50, p99 = latency:percentile(50) / 1000, latency:percentile(99) / 1000
    io.write(string.format("LATENCY p50=%.1f p99=%.1f\n", p50, p99))
end
"""


def wrk_load(base: str, world: dict[str, Any], connections: int, seconds: int) -> dict[str, Any]:
    """Throughput with wrk (a C client that leaves the CPU to the server): new reports only."""
    import re
    import tempfile

    unknown = [owes for index, owes in enumerate(world["owes"]) if accredited_for(index, "1999-Q1")]
    tokens = "{" + ", ".join(f'"{owes["token"]}"' for owes in unknown) + "}"
    script = WRK_SCRIPT.replace("{TOKENS}", tokens).replace("{PS}", str(world["ps"]))
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as handle:
        handle.write(script)
    command = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--timeout", "30s", "-s", handle.name, base]
    out = subprocess.run(command, check=True, text=True, capture_output=True).stdout
    os.unlink(handle.name)
    numbers = dict(re.findall(r"(created|replayed|other|p50|p99)=([\d.]+)", out))
    requests = int(re.search(r"(\d+) requests in", out).group(1))  # type: ignore[union-attr]
    return {
        "requests": requests,
        "created": int(numbers["created"]),
        "replayed": int(numbers["replayed"]),
        "other": int(numbers["other"]),
        "created_per_s": int(numbers["created"]) / seconds,
        "p50_ms": float(numbers["p50"]),
        "p99_ms": float(numbers["p99"]),
    }


def count_reports(url: str) -> tuple[int, int]:
    """(reports, (owes, period) pairs with more than one report) counted in the database itself."""
    if url.startswith("postgresql://"):
        sql = (
            "SELECT (SELECT COUNT(*) FROM report), (SELECT COUNT(*) FROM (SELECT owes, period FROM report "
            "GROUP BY owes, period HAVING COUNT(*) > 1) d)"
        )
        out = subprocess.run(["psql", url, "-tAc", sql], check=True, text=True, capture_output=True).stdout
        total, dupes = out.strip().split("|")
        return int(total), int(dupes)
    import sqlite3

    with sqlite3.connect(url) as db:
        total = db.execute("SELECT COUNT(*) FROM report").fetchone()[0]
        dupes = db.execute(
            "SELECT COUNT(*) FROM (SELECT owes, period FROM report GROUP BY owes, period HAVING COUNT(*) > 1)"
        ).fetchone()[0]
    return int(total), int(dupes)


def jobs_xlsx(rows: int, ps_id: int) -> bytes:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    book.properties.subject = "owes-quarterly/v1/jobs"
    sheet = book.create_sheet("jobs")
    sheet.append(["ps_organisation_id", "person_category", "fte", "contract_type", "started_on"])
    categories = ("at_risk", "disabled", "other")
    for index in range(rows):
        sheet.append(
            [
                ps_id,
                categories[index % 3],
                0.5 + (index % 2) / 2,
                "employment",
                f"2026-0{7 + index % 3}-1{index % 10}",
            ]
        )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def upload_timing(base: str, world: dict[str, Any], rows: int, which: int = -1) -> dict[str, float]:
    owes = world["owes"][which]
    headers = {"Authorization": f"Bearer {owes['token']}"}
    with httpx.Client(base_url=base, timeout=120) as http:
        draft = http.post("/api/v1/reports", json={"period": "2026-Q3", "data": {}}, headers=headers)
        draft.raise_for_status()
        report_id = draft.json()["id"]
        content = jobs_xlsx(rows, world["ps"])
        url = f"/api/v1/reports/{report_id}/tables/jobs"
        files = {"data": ("jobs.xlsx", content)}
        started = time.perf_counter()
        checked = http.post(url, params={"dry_run": "true"}, files=files, headers=headers)
        dry = time.perf_counter() - started
        assert checked.status_code == 200 and checked.json()["rows"] == rows, checked.text[:500]
        started = time.perf_counter()
        stored = http.post(url, files=files, headers=headers)
        store = time.perf_counter() - started
        assert stored.status_code == 200, stored.text[:500]
    return {"bytes": len(content), "dry_run_s": dry, "store_s": store}


def follow_up_timing(base: str, world: dict[str, Any], repeat: int = 50) -> dict[str, float]:
    headers = {"Authorization": f"Bearer {world['staff']}"}
    periods = ",".join(quarters(8))
    timings = []
    with httpx.Client(base_url=base, timeout=30) as http:
        for _ in range(repeat + 3):
            started = time.perf_counter()
            response = http.get(f"/api/v1/reports/follow-up?periods={periods}", headers=headers)
            timings.append(time.perf_counter() - started)
            response.raise_for_status()
        body = response.json()
    timings = sorted(timings[3:])
    return {
        "owes": len(body["owes"]),
        "cells": len(body["cells"]),
        "p50_ms": statistics.median(timings) * 1000,
        "p95_ms": timings[int(len(timings) * 0.95)] * 1000,
    }


async def _compare_windows(repeat: int) -> dict[str, float]:
    """In-process: the follow-up with the accreditation windows and without a provider (the
    behaviour before), alternating, on the same database."""
    from ses import extensions
    from ses.db import db_lifespan
    from ses.packages import install
    from ses.reporting import followup

    chosen = quarters(8)
    timings: dict[bool, list[float]] = {True: [], False: []}
    saved = install()
    without = tuple(dataclasses.replace(ext, reporting_windows=()) for ext in saved)
    async with db_lifespan():
        for index in range(2 * (repeat + 3)):
            windows = index % 2 == 0
            extensions.install(saved if windows else without)
            started = time.perf_counter()
            await followup.follow_up(None, chosen, None, with_cells=True)
            if index >= 6:
                timings[windows].append(time.perf_counter() - started)
    extensions.install(saved)
    return {
        f"{name}_{stat}": value * 1000
        for windows, name in ((True, "windows"), (False, "none"))
        for stat, value in (
            ("p50", statistics.median(timings[windows])),
            ("p95", sorted(timings[windows])[int(len(timings[windows]) * 0.95)]),
        )
    }


def compare_windows(url: str) -> dict[str, float]:
    env = {**os.environ, "SES_DATABASE_URL": url}
    out = subprocess.run(
        [sys.executable, "-m", "benchmarks.reporting", "--compare-child"],
        env=env,
        check=True,
        text=True,
        capture_output=True,
    ).stdout
    return json.loads(out.strip().splitlines()[-1])  # type: ignore[no-any-return]


def upload_only(engine: str, rows: int) -> int:
    url = fresh_database(engine, "bench_reporting_upload")
    try:
        ses(url, "migrate", capture=True)
        world = setup(url)
        with server(url, workers=1) as (base, pid):
            warm = httpx.get(
                f"{base}/api/v1/report-definitions", headers={"Authorization": f"Bearer {world['staff']}"}
            )
            warm.raise_for_status()
            load_before = Path("/proc/loadavg").read_text().strip()
            timings = []
            for which in (-1, -11, -21):  # each on its own OWES's draft (alike: same place in ten)
                cpu_before = tree_cpu_seconds(pid)
                upload = upload_timing(base, world, rows, which)
                timings.append((upload["dry_run_s"], upload["store_s"], tree_cpu_seconds(pid) - cpu_before))
            load_after = Path("/proc/loadavg").read_text().strip()
        print(f"\nMachine: {machine()}; engine {engine}, 1 uvicorn worker\n")
        print("| measure | value |")
        print("|---|---|")
        dry = [t[0] for t in timings]
        print(f"| **{rows}-row XLSX ({upload['bytes'] // 1024} KiB) validate (dry run), best / worst of 3** "
              f"| **{min(dry):.2f} s** / {max(dry):.2f} s |")  # fmt: skip
        print(f"| {rows}-row XLSX validate and store, best of 3 | {min(t[1] for t in timings):.2f} s |")
        print(f"| server CPU for one dry run + one store, best of 3 | {min(t[2] for t in timings):.2f} s |")
        print(f"| /proc/loadavg before / after | {load_before} / {load_after} |")
        return 0
    finally:
        drop_database(url)


def follow_up_only(engine: str, workers: int) -> int:
    url = fresh_database(engine, "bench_reporting_follow_up")
    try:
        ses(url, "migrate", capture=True)
        world = setup(url)
        with server(url, workers=workers) as (base, _pid):
            sent = asyncio.run(load(base, world, 64, quarters(8)))
            load_before = Path("/proc/loadavg").read_text().strip()
            follow = follow_up_timing(base, world)
            load_after = Path("/proc/loadavg").read_text().strip()
            compared = compare_windows(url)
            totals = httpx.get(
                f"{base}/api/v1/reports/follow-up?periods={','.join(quarters(8))}",
                headers={"Authorization": f"Bearer {world['staff']}"},
            ).json()["totals"]
        print(f"\nMachine: {machine()}; engine {engine}, {workers} uvicorn worker(s)\n")
        print("| measure | value |")
        print("|---|---|")
        print(f"| reports sent by 64 of the 70 OWES for 8 quarters | {sent['created']} |")
        print(
            f"| follow-up totals: expected / received / missing | {totals['expected']} / "
            f"{totals['received']} / {totals['missing']} |"
        )
        print(
            f"| **follow-up {follow['owes']} OWES × 8 periods ({follow['cells']} cells) p50 / p95** | "
            f"**{follow['p50_ms']:.1f} ms / {follow['p95_ms']:.1f} ms** |"
        )
        print(f"| /proc/loadavg before / after the timing | {load_before} / {load_after} |")
        print(
            "| in-process `follow_up()` p50 / p95: with accreditation windows | "
            f"{compared['windows_p50']:.1f} ms / {compared['windows_p95']:.1f} ms |"
        )
        print(
            "| in-process `follow_up()` p50 / p95: no provider (every OWES expected, as before) | "
            f"{compared['none_p50']:.1f} ms / {compared['none_p95']:.1f} ms |"
        )
        return 0
    finally:
        drop_database(url)


# --- CPU of one submission, in-process (how the waste was found) -------------------------------


async def _profile(count: int, stats_path: str | None) -> None:
    """CPU per submission of the service call and of the whole app over ASGI (no server, no wrk).

    `time.process_time()` (user + system of this process) over `count` submissions after 70 warm-up
    ones; the ASGI figure includes the in-process httpx client. With `stats_path`, cProfile stats
    of the ASGI run are written there (read them with `python -m pstats`).
    """
    import cProfile

    from ses.app import create_app
    from ses.audit.channel import Channel
    from ses.audit.services import Actor
    from ses.auth.policy import Principal, Role
    from ses.db import db_lifespan
    from ses.idempotency import make_key
    from ses.reporting import services
    from ses.reporting.schemas import ReportCreate

    world = await _setup()
    periods = quarters(1 + 2 * ((count + OWES_COUNT - 1) // OWES_COUNT))
    jobs = [(index, period) for period in periods[1:] for index in range(OWES_COUNT)]
    direct, via_http = jobs[: len(jobs) // 2][:count], jobs[len(jobs) // 2 :][:count]
    app = create_app()
    async with db_lifespan(app):

        async def call_service(index: int, period: str) -> None:
            owes = world["owes"][index]
            body = report_body(period, world["ps"])
            data = ReportCreate.model_validate_json(body)
            viewer = Principal(
                account_id=owes["id"], username=f"owes-{index}", role=Role.OWES, organisation_id=owes["id"]
            )
            key = make_key(owes["id"], f"svc-{period}", "POST", "/api/v1/reports", data.model_dump_json())
            actor = Actor(label=f"owes-{index}", channel=Channel.API, account_id=owes["id"])
            answer = await services.create_report(services.Draft(**data.model_dump()), viewer, actor, key)
            assert answer.status == 201

        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://bench") as http:

            async def call_http(index: int, period: str) -> None:
                owes = world["owes"][index]
                headers = {"Authorization": f"Bearer {owes['token']}", "Idempotency-Key": f"http-{period}"}
                response = await http.post(
                    "/api/v1/reports", content=report_body(period, world["ps"]), headers=headers
                )
                assert response.status_code == 201, response.text

            for index in range(OWES_COUNT):  # warm-up: definition published and parsed, pools filled
                await call_http(index, periods[0])
            started = time.process_time()
            for index, period in direct:
                await call_service(index, period)
            service_ms = (time.process_time() - started) / len(direct) * 1000
            profiler = cProfile.Profile()
            started = time.process_time()
            if stats_path:
                profiler.enable()
            for index, period in via_http:
                await call_http(index, period)
            profiler.disable()
            http_ms = (time.process_time() - started) / len(via_http) * 1000
    if stats_path:
        profiler.dump_stats(stats_path)
    print(f"services.create_report: {service_ms:.2f} ms CPU per submission ({len(direct)} submissions)")
    print(
        f"POST /api/v1/reports over ASGI, with the httpx client: {http_ms:.2f} ms CPU per submission "
        f"({len(via_http)} submissions{', under cProfile' if stats_path else ''})"
    )


def profile(engine: str, count: int, stats_path: str | None) -> None:
    url = fresh_database(engine, "bench_reporting_profile")
    try:
        ses(url, "migrate", capture=True)
        command = [sys.executable, "-m", "benchmarks.reporting", "--profile-child", str(count)]
        if stats_path:
            command += ["--cprofile", stats_path]
        env = {**os.environ, "SES_DATABASE_URL": url, "SES_LOG_LEVEL": "WARNING"}
        subprocess.run(command, env=env, check=True)
    finally:
        drop_database(url)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--engine", default="postgres", choices=["postgres", "sqlite"])
    parser.add_argument("--clients", type=int, default=64)
    parser.add_argument("--periods", type=int, default=20, help="quarters per client in the httpx phase")
    parser.add_argument("--seconds", type=int, default=30, help="length of the wrk phase")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--xlsx-rows", type=int, default=10_000)
    parser.add_argument("--setup-only", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument(
        "--profile", type=int, metavar="N", help="only: CPU per submission in-process over N submissions"
    )
    parser.add_argument("--cprofile", metavar="PATH", help="with --profile: write cProfile stats to PATH")
    parser.add_argument("--profile-child", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--compare-child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--upload-only", action="store_true", help="only: the XLSX upload timing")
    parser.add_argument(
        "--follow-up-only", action="store_true", help="only: 8 quarters of reports, then the follow-up timing"
    )
    args = parser.parse_args()
    if args.setup_only:
        print(json.dumps(asyncio.run(_setup())))
        return 0
    if args.profile_child:
        asyncio.run(_profile(args.profile_child, args.cprofile))
        return 0
    if args.profile:
        profile(args.engine, args.profile, args.cprofile)
        return 0

    if args.compare_child:
        print(json.dumps(asyncio.run(_compare_windows(50))))
        return 0
    if args.upload_only:
        return upload_only(args.engine, args.xlsx_rows)
    if args.follow_up_only:
        return follow_up_only(args.engine, args.workers if args.engine == "postgres" else 1)

    url = fresh_database(args.engine, "bench_reporting")
    try:
        ses(url, "migrate", capture=True)
        world = setup(url)
        periods = quarters(args.periods)
        workers = args.workers if args.engine == "postgres" else 1
        with server(url, workers=workers) as (base, pid):
            # Warm-up: publishes the shipped definition and fills per-process caches.
            warm = httpx.get(
                f"{base}/api/v1/report-definitions", headers={"Authorization": f"Bearer {world['staff']}"}
            )
            warm.raise_for_status()
            cpu_before, client_before = tree_cpu_seconds(pid), time.process_time()
            result = asyncio.run(load(base, world, args.clients, periods))
            server_cpu, client_cpu = tree_cpu_seconds(pid) - cpu_before, time.process_time() - client_before
            total, dupes = count_reports(url)
            cpu_before = tree_cpu_seconds(pid)
            fast = wrk_load(base, world, args.clients, args.seconds)
            wrk_cpu = tree_cpu_seconds(pid) - cpu_before
            load_average = os.getloadavg()[0]
            after_wrk, dupes_after = count_reports(url)
            upload = upload_timing(base, world, args.xlsx_rows)
            follow = follow_up_timing(base, world)
        lost = result["distinct"] - total
        stored_by_wrk = after_wrk - total
        lost_wrk = max(0, fast["created"] - stored_by_wrk)
        print(f"\nMachine: {machine()}; engine {args.engine}, {workers} uvicorn worker(s)\n")
        print("| measure | value |")
        print("|---|---|")
        print(
            f"| **httpx phase**: {args.clients} clients × {args.periods} quarters, "
            "retries and racing retries | |"
        )
        print(f"| requests sent (incl. retries) | {result['requests']} in {result['seconds']:.1f} s |")
        print(f"| status codes | {dict(sorted(result['statuses'].items()))} |")
        print(f"| reports created / distinct keys | {result['created']} / {result['distinct']} |")
        print(f"| replayed answers (Idempotent-Replayed) | {result['replayed']} |")
        print(f"| client retries after a transport error | {result['transport_retries']} |")
        print(f"| new reports/s | {result['created_per_s']:.0f} |")
        per_request = server_cpu / result["requests"] * 1000
        print(
            f"| server CPU (all workers), load-client CPU | {server_cpu:.1f} s "
            f"({per_request:.1f} ms/request), "
            f"{client_cpu:.1f} s |"
        )
        print(f"| latency p50 / p99 | {result['p50_ms']:.0f} ms / {result['p99_ms']:.0f} ms |")
        print(f"| reports in database / duplicates / lost | {total} / {dupes} / {lost} |")
        print(
            f"| **wrk phase**: {args.clients} connections, {args.seconds} s, every 10th request a retry | |"
        )
        print(
            "| requests / new reports (201) / replays / other statuses | "
            f"{fast['requests']} / {fast['created']} "
            f"/ {fast['replayed']} / {fast['other']} |"
        )
        print(f"| **accepted submissions/s (new reports)** | **{fast['created_per_s']:.0f}** |")
        print(
            f"| server CPU (all workers) | {wrk_cpu:.1f} s of {args.seconds * (os.cpu_count() or 1)} core-s "
            f"({wrk_cpu / max(fast['requests'], 1) * 1000:.1f} ms/request) |"
        )
        print(f"| latency p50 / p99 | {fast['p50_ms']:.0f} ms / {fast['p99_ms']:.0f} ms |")
        print(
            f"| reports stored / duplicates / lost (answered 201 but not stored) | {stored_by_wrk} / "
            f"{dupes_after} / {lost_wrk} |"
        )
        print(f"| load average after the wrk phase (other agents share the machine) | {load_average:.1f} |")
        print(
            f"| {args.xlsx_rows}-row XLSX ({upload['bytes'] // 1024} KiB) validate (dry run) "
            f"| {upload['dry_run_s']:.2f} s |"
        )
        print(f"| {args.xlsx_rows}-row XLSX validate and store | {upload['store_s']:.2f} s |")
        print(
            f"| follow-up {follow['owes']} OWES × 8 periods ({follow['cells']} cells) p50 / p95 | "
            f"{follow['p50_ms']:.1f} ms / {follow['p95_ms']:.1f} ms |"
        )
        return 0 if dupes == dupes_after == 0 and lost == lost_wrk == 0 else 1
    finally:
        drop_database(url)


if __name__ == "__main__":
    raise SystemExit(main())
