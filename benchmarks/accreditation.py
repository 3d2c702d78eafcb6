"""Accreditation benchmark at the scale issue #5 names, on SQLite and PostgreSQL.

    .venv/bin/python -m benchmarks.accreditation [--engines sqlite,postgres] [--owes 70] [--seconds 15]

For each engine: a fresh database, `ses migrate`, then a seeding subprocess creates `--owes` OWES
(register organisations), a 60-criterion template (the shipped working standards plus one
criterion), an accreditation for every OWES with expiry dates spread over two years, a
verification of every OWES with evidence requests (some overdue), and one verification with all
60 criteria assessed and 2 comments per criterion (120 comments) plus a draft opinion. A real
uvicorn server starts and:

- wrk opens that verification (GET /api/v1/accreditation/verifications/{id}) with 1 and 4
  connections: target p99 <= 50 ms;
- the draft opinion's DOCX is generated 30 times in a row (GET …/document.docx renders a draft on
  every request) and an approval (render + SHA-256 + store) is timed: target <= 1 s;
- wrk loads the staff deadline page (GET /akredytacja/terminy) with 1 and 4 connections:
  target p99 <= 100 ms.

Prints a Markdown table. Every figure is measured, none estimated.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import time
from datetime import date, timedelta
from typing import Any

import httpx

from benchmarks.harness import drop_database, fresh_database, machine, server, ses, wrk


def staff_token(url: str) -> str:
    ses(url, "user", "create", "bench-staff", "--role", "staff", "--no-password", capture=True)
    out = ses(url, "token", "create", "bench-staff", "--name", "benchmark", capture=True).stdout
    return out.strip().splitlines()[-1]


# ---------------------------------------------------------------------------------------------
# Seeding (runs in a subprocess with SES_DATABASE_URL set before Piccolo is imported)


def _sixty_criteria_template() -> Any:
    from accreditation.checklists import load_shipped_template, load_template

    data = load_shipped_template().model_dump(mode="json")
    area = data["parts"][-1]["areas"][-1]
    extra = dict(area["criteria"][-1])
    extra["code"] = f"{area['code']}.{len(area['criteria']) + 1}"
    extra["requirement"] = "Kryterium dodane na potrzeby pomiaru: 60 kryteriów w szablonie."
    area["criteria"].append(extra)
    data["version"] = "bench-60"
    template = load_template(json.dumps(data, ensure_ascii=False), "json")
    assert len(template.criterion_codes) == 60
    return template


async def _seed(owes: int) -> dict[str, Any]:
    from accreditation import criterion_services as criteria
    from accreditation import opinions
    from accreditation import verification_services as verifications
    from accreditation.demo import load_accreditation_demo
    from ses.audit.services import Actor
    from ses.db import release_connections
    from ses.register import services as register

    actor = Actor.system("benchmark")
    today = date.today()
    try:
        gminas = ["0463011", "0461011", "0462011", "0464011", "0401011", "0402011"]
        ids = []
        for i in range(owes):
            org = await register.create(
                {
                    "name": f"Fundacja Ośrodek Wsparcia Ekonomii Społecznej nr {i + 1}",
                    "kind": "foundation",
                    "gmina_code": gminas[i % len(gminas)],
                    "is_owes": True,
                },
                actor,
            )
            ids.append(int(org["id"]))
        template = _sixty_criteria_template()
        loaded = await load_accreditation_demo(ids, template=template, comments_per_criterion=2)
        template_id = loaded["template_id"]
        codes = list(template.criterion_codes)
        # Every other OWES under verification too, with evidence requests (some overdue).
        for n, accreditation_id in enumerate(loaded["accreditations"][2:]):
            v = await verifications.create_verification(
                {
                    "accreditation_id": accreditation_id,
                    "template_id": template_id,
                    "scope": "Weryfikacja planowa.",
                    "modes": ["desk_review"],
                    "team": [{"name": "Jan Kowalski", "role": "weryfikator"}],
                    "planned_from": today - timedelta(days=30),
                    "planned_to": today + timedelta(days=(n % 20) - 10),
                },
                actor,
            )
            await criteria.request_evidence(
                int(v["id"]),
                {
                    "codes": codes[n % 50 : n % 50 + 5],
                    "note": "Prosimy o dokumenty.",
                    "due": today + timedelta(days=(n % 14) - 7),
                },
                actor,
            )
        measured = loaded["verifications"][0]
        # The measured verification: every criterion with a final result, then a draft opinion.
        await criteria.record_results(
            measured,
            [{"code": c, "result": "meets" if i % 9 else "needs_completion"} for i, c in enumerate(codes)],
            None,
            actor,
        )
        await verifications.transition_verification(
            measured, {"to_state": "findings", "reason": "pomiar"}, None, actor
        )
        opinion = await opinions.create_opinion(
            measured,
            {
                "signatory_name": "Katarzyna Wróblewska",
                "signatory_position": "Dyrektor Regionalnego Ośrodka Polityki Społecznej",
                "place": "Toruń",
                "reference_number": "ROPS.ES.4130.1.2026",  # approval requires the case number
            },
            actor,
        )
        return {"verification_id": measured, "opinion_id": int(opinion["id"]), "criteria": len(codes)}
    finally:
        await release_connections()


def seed(url: str, owes: int) -> dict[str, Any]:
    env = {**os.environ, "SES_DATABASE_URL": url}
    out = subprocess.run(
        [sys.executable, "-m", "benchmarks.accreditation", "--seed-only", "--owes", str(owes)],
        env=env,
        check=True,
        text=True,
        capture_output=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


# ---------------------------------------------------------------------------------------------
# Measuring


def _timed(call: Any, times: int) -> list[float]:
    out = []
    for _ in range(times):
        started = time.perf_counter()
        call()
        out.append((time.perf_counter() - started) * 1000)
    return out


def run_engine(engine: str, owes: int, seconds: int) -> dict[str, Any]:
    url = fresh_database(engine, "acc_bench")
    try:
        ses(url, "migrate", capture=True)
        started = time.perf_counter()
        seeded = seed(url, owes)
        seed_s = time.perf_counter() - started
        token = staff_token(url)
        headers = {"Authorization": f"Bearer {token}"}
        out: dict[str, Any] = {"engine": engine, "seed_s": seed_s, **seeded}
        with server(url) as (base, _pid):
            api = f"{base}/api/v1/accreditation"
            with httpx.Client(headers=headers, timeout=30) as http:
                opened = http.get(f"{api}/verifications/{seeded['verification_id']}")
                opened.raise_for_status()
                body = opened.json()
                out["open_bytes"] = len(opened.content)
                out["open_comments"] = sum(len(c["comments"]) for c in body["criteria"])
                docx_url = f"{api}/opinions/{seeded['opinion_id']}/document.docx"
                http.get(docx_url).raise_for_status()  # warm-up (template file cache)
                docx_ms = _timed(lambda: http.get(docx_url).raise_for_status(), 30)
                out["docx_ms"] = (statistics.median(docx_ms), max(docx_ms))
                out["docx_bytes"] = len(http.get(docx_url).content)
                page = http.get(f"{base}/akredytacja/terminy")
                page.raise_for_status()
                out["page_bytes"] = len(page.content)
                data = http.get(f"{api}/deadlines").json()
                out["deadline_rows"] = {
                    key: len(value) for key, value in data.items() if isinstance(value, list)
                }
            verification = f"{api}/verifications/{seeded['verification_id']}"
            out["open_c1"] = wrk(verification, seconds=seconds, connections=1, threads=1, headers=headers)
            out["open_c4"] = wrk(verification, seconds=seconds, connections=4, threads=2, headers=headers)
            out["page_c1"] = wrk(
                f"{base}/akredytacja/terminy", seconds=seconds, connections=1, threads=1, headers=headers
            )
            out["page_c4"] = wrk(
                f"{base}/akredytacja/terminy", seconds=seconds, connections=4, threads=2, headers=headers
            )
            with httpx.Client(headers=headers, timeout=30) as http:
                started = time.perf_counter()
                http.post(f"{api}/opinions/{seeded['opinion_id']}/approve").raise_for_status()
                out["approve_ms"] = (time.perf_counter() - started) * 1000
        return out
    finally:
        drop_database(url)


def report(results: list[dict[str, Any]], owes: int, seconds: int) -> str:
    lines = [
        f"Measured {date.today().isoformat()} on {machine()}; "
        "shared with four other agents working in parallel.",
        f"Scale: {owes} accredited OWES, each under verification; the opened verification has "
        f"{results[0]['criteria']} criteria and {results[0]['open_comments']} comments. "
        f"wrk runs {seconds} s per row.",
        "",
        "| engine | measurement | p50 | p90 | p99 | req/s | errors | target |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        for key, label, target in (
            ("open_c1", "open verification, 1 connection", "p99 ≤ 50 ms"),
            ("open_c4", "open verification, 4 connections", "p99 ≤ 50 ms"),
            ("page_c1", "deadline page, 1 connection", "p99 ≤ 100 ms"),
            ("page_c4", "deadline page, 4 connections", "p99 ≤ 100 ms"),
        ):
            w = r[key]
            lines.append(
                f"| {r['engine']} | {label} | {w.p50_ms:.1f} ms | {w.p90_ms:.1f} ms | {w.p99_ms:.1f} ms | "
                f"{w.rps:.0f} | {w.errors + w.non_2xx} | {target} |"
            )
        median, worst = r["docx_ms"]
        lines.append(
            f"| {r['engine']} | opinion DOCX generated per request (30 in a row) | {median:.0f} ms | – | "
            f"max {worst:.0f} ms | – | 0 | ≤ 1 s |"
        )
        lines.append(
            f"| {r['engine']} | approve opinion (render + SHA-256 + store), once | "
            f"{r['approve_ms']:.0f} ms | – | – | – | 0 | ≤ 1 s |"
        )
    lines.append("")
    for r in results:
        lines.append(
            f"- {r['engine']}: seeding took {r['seed_s']:.1f} s; "
            f"verification JSON {r['open_bytes'] / 1024:.0f} KiB; "
            f"DOCX {r['docx_bytes'] / 1024:.0f} KiB; deadline page {r['page_bytes'] / 1024:.0f} KiB "
            f"with rows {r['deadline_rows']}."
        )
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--engines", default="sqlite,postgres")
    parser.add_argument("--owes", type=int, default=70)
    parser.add_argument("--seconds", type=int, default=15)
    parser.add_argument("--seed-only", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.seed_only:
        print(json.dumps(asyncio.run(_seed(args.owes))))
        return 0
    results = [run_engine(engine, args.owes, args.seconds) for engine in args.engines.split(",")]
    print(report(results, args.owes, args.seconds))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
