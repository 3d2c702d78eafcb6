"""KRS sync benchmark: reconcile N extracts into a register of M organisations, and a nightly sync.

    .venv/bin/python -m benchmarks.krs_sync [--register 100000] [--extracts 10000] [--engine sqlite]

1. A fresh database, `ses migrate`, the national generator's M organisations imported (`ses import`).
2. N of them that have a KRS number get an extract in the recorded shape (the WOŚP answer re-labelled
   with their number, name and seat; every third with another street and a web site), served by the
   local stand-in KRS server in its own process.
3. Parse alone: `parse_extract` + seat resolution of the N texts in this process (no HTTP, no DB).
4. End to end: `ses sync krs --numbers …` as an operator runs it (start-up, fetch with the rate limit
   switched off, parse, match, store the change set), timed from outside.
5. Nightly: a bulletin naming C register numbers (with duplicates, numbers without leading zeros
   and numbers of entities outside the register), `ses sync krs --since D --until D` on a register
   of R KRS-holding entities; the stand-in counts the requests, compared with a naive full refresh
   (one extract per entity, two when the register is guessed wrong).
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import sqlite3
import time
from datetime import date
from pathlib import Path

from benchmarks.harness import drop_database, fresh_database, machine, ses
from benchmarks.register import national_csv

WORK = Path(os.environ.get("SES_BENCH_DIR", "/tmp/ses-bench"))
DAY = date(2026, 9, 22)


def _orgs_with_krs(url: str, limit: int) -> list[dict[str, object]]:
    query = (
        "SELECT o.id, o.krs, o.name, o.kind, o.legal_form, o.gmina_code, o.postal_code, "
        "w.name AS woj, p.name AS pow, g.name AS gmi FROM organisation o "
        "JOIN territory w ON w.code = o.voivodeship_code JOIN territory p ON p.code = o.powiat_code "
        "JOIN territory g ON g.code = o.gmina_code WHERE o.krs IS NOT NULL ORDER BY o.id LIMIT ?"
    )
    if url.startswith("postgresql://"):
        import asyncio

        import asyncpg

        async def fetch() -> list[dict[str, object]]:
            conn = await asyncpg.connect(url)
            try:
                return [dict(r) for r in await conn.fetch(query.replace("?", "$1"), limit)]
            finally:
                await conn.close()

        return asyncio.run(fetch())
    with sqlite3.connect(url) as db:
        db.row_factory = sqlite3.Row
        return [dict(r) for r in db.execute(query, (limit,))]


def extracts(orgs: list[dict[str, object]]) -> dict[str, tuple[str, str]]:
    from scrapers.krs_sync import P_FORMS
    from scrapers.standin import sample, with_number

    template = sample("current-S-0000030897-wosp.json")
    found = {}
    for index, org in enumerate(orgs):
        seat = {"kraj": "POLSKA", "wojewodztwo": str(org["woj"]).upper(), "powiat": str(org["pow"]).upper(),
                "gmina": str(org["gmi"]).upper(), "miejscowosc": str(org["gmi"]).upper()}  # fmt: skip
        changes: dict[str, object] = {"nazwa": str(org["name"]).upper(), "siedziba": seat, "nip": ""}
        if index % 3 == 0:
            changes["adres"] = {"ulica": "UL. NOWA", "nrDomu": str(index % 90 + 1),
                                "miejscowosc": seat["gmina"], "kodPocztowy": org["postal_code"] or "00-950",
                                "kraj": "POLSKA"}  # fmt: skip
        register = "P" if org["legal_form"] in P_FORMS else "S"
        found[str(org["krs"])] = (register, with_number(template, str(org["krs"]), **changes))
    return found


def serve(stand_in: object, port: int, ready: object) -> None:
    from scrapers.standin import serving

    with serving(stand_in, port=port):  # type: ignore[arg-type]
        ready.set()  # type: ignore[attr-defined]
        while True:
            time.sleep(3600)


def parse_alone(texts: list[str]) -> float:
    from scrapers.krs import Fetched
    from scrapers.krs_sync import item_from

    started = time.perf_counter()
    for text in texts:
        item_from(Fetched("0", "found", "S", 200, text))
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--register", type=int, default=100_000)
    parser.add_argument("--extracts", type=int, default=10_000)
    parser.add_argument("--nightly-register", type=int, default=10_000)
    parser.add_argument("--changed", type=int, default=150)
    parser.add_argument("--engine", default="sqlite")
    args = parser.parse_args()

    from benchmarks.harness import free_port
    from scrapers.standin import StandIn

    url = fresh_database(args.engine, "krs-sync")
    try:
        ses(url, "migrate", capture=True)
        csv_path, _ = national_csv(args.register)
        started = time.perf_counter()
        ses(url, "import", str(csv_path), capture=True)
        import_s = time.perf_counter() - started
        orgs = _orgs_with_krs(url, max(args.extracts, args.nightly_register))
        chosen = orgs[: args.extracts]
        stand_in = StandIn()
        stand_in.extracts = extracts(orgs)
        texts = [stand_in.extracts[str(o["krs"])][1] for o in chosen]
        parse_s = parse_alone(texts)
        # the nightly bulletin: `changed` register numbers, each twice, without leading zeros,
        # plus as many numbers the register does not hold
        nightly = orgs[: args.nightly_register]
        step = max(1, len(nightly) // max(args.changed, 1))
        changed = [str(int(str(o["krs"]))) for o in nightly[::step][: args.changed]]
        outsiders = [str(9_000_000_000 + i) for i in range(args.changed)]
        stand_in.bulletins[DAY.isoformat()] = changed + changed + outsiders
        port = free_port()
        ready = multiprocessing.Event()
        process = multiprocessing.Process(target=serve, args=(stand_in, port, ready), daemon=True)
        process.start()
        ready.wait(60)
        env = {**os.environ, "SES_KRS_URL": f"http://127.0.0.1:{port}/api/krs", "SES_KRS_RATE": "0"}
        numbers = ",".join(str(o["krs"]) for o in chosen)
        started = time.perf_counter()
        cpu_before = _children_cpu()
        stand_in_before = _process_cpu(process.pid)
        out = _ses_env(url, env, "sync", "krs", "--numbers", numbers)
        sync_s = time.perf_counter() - started
        sync_cpu = _children_cpu() - cpu_before  # the command's own CPU (the stand-in is not reaped yet)
        stand_in_cpu = _process_cpu(process.pid) - stand_in_before
        counts = [line.strip() for line in out.splitlines() if line.startswith("  ")][:8]
        # the nightly sync on a fresh run window; requests counted from the stand-in's log size
        before = _request_log_size(port)
        out_nightly = _ses_env(
            url, env, "sync", "krs", "--since", DAY.isoformat(), "--until", DAY.isoformat()
        )
        nightly_requests = _request_log_size(port) - before
        naive = len(nightly)
        process.terminate()
        print(f"\n### KRS sync (issue #17) — {date.today().isoformat()}, {machine()}, engine {args.engine}\n")
        print(f"Register of {args.register:,} organisations imported in {import_s:.1f} s.\n")
        print("| measure | figure |")
        print("|---|---|")
        print(f"| parse alone ({len(texts):,} extracts: JSON, mapping, seat → TERYT) | {parse_s:.2f} s "
              f"= {len(texts) / parse_s:,.0f} records/s |")  # fmt: skip
        print(f"| end to end, `ses sync krs --numbers` ({len(chosen):,} numbers, local stand-in, "
              "no rate limit) "
              f"| {sync_s:.1f} s = {len(chosen) / sync_s:,.0f} records/s |")  # fmt: skip
        print("| CPU time of the `ses sync krs` process (user + system; start-up included) "
              f"| {sync_cpu:.1f} s "
              f"= {len(chosen) / sync_cpu:,.0f} records per CPU-second |")  # fmt: skip
        print(f"| CPU time of the stand-in KRS server meanwhile (its own process) | {stand_in_cpu:.1f} s |")
        print(f"| nightly: bulletin with {len(changed)} register numbers (×2, no leading zeros) + "
              f"{len(outsiders)} others, register of {naive:,} with KRS | {nightly_requests} requests "
              f"(limit {len(changed)} + 24 = {len(changed) + 24}) |")  # fmt: skip
        fewer = naive / max(nightly_requests, 1)
        print(f"| naive full refresh of the same register | ≥ {naive:,} requests → ratio "
              f"{nightly_requests / naive:.4f} ({fewer:,.0f}× fewer) |")  # fmt: skip
        print("\nChange set of the end-to-end run:", "; ".join(counts))
        print(
            "Nightly run:",
            "; ".join(line.strip() for line in out_nightly.splitlines() if line.startswith("  ")),
        )
    finally:
        drop_database(url)


_RUNS: list[str] = []


def _process_cpu(pid: int | None) -> float:
    """User + system CPU seconds of a running process (from /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _children_cpu() -> float:
    import resource

    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _ses_env(url: str, env: dict[str, str], *args: str) -> str:
    import subprocess

    from benchmarks.harness import BIN, ROOT

    profile = os.environ.get("SES_BENCH_PROFILE")  # a file name: profile each run with cProfile
    sampled = os.environ.get("SES_BENCH_PYSPY")  # a file name: sample each run with py-spy (collapsed stacks)
    command = [str(BIN / "ses")]
    if sampled:
        _RUNS.append(sampled)
        command = [str(BIN / "py-spy"), "record", "-r", "250", "-f", "raw", "-o", f"{sampled}.{len(_RUNS)}",
                   "--", str(BIN / "ses")]  # fmt: skip
    elif profile:
        _RUNS.append(profile)
        command = [str(BIN / "python"), "-m", "cProfile", "-o", f"{profile}.{len(_RUNS)}", "-m", "ses.cli"]
    result = subprocess.run(
        [*command, *args], env={**env, "SES_DATABASE_URL": url}, check=True, text=True,
        capture_output=True, cwd=ROOT,
    )  # fmt: skip
    return result.stdout


def _request_log_size(port: int) -> int:
    import httpx

    return int(httpx.get(f"http://127.0.0.1:{port}/_requests").text)


if __name__ == "__main__":
    main()
