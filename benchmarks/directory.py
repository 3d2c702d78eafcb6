"""Directory benchmark at national scale: residents' search and the streamed HSDS export.

    .venv/bin/python -m benchmarks.directory [--engines sqlite,postgres] [--services 50000] [--seconds 15]
        [--workers 1] [--no-export]
    nice -n 15 .venv/bin/python -m benchmarks.directory --prepare   # load kept databases, no lock needed
    flock /tmp/ses-bench.lock .venv/bin/python -m benchmarks.directory --prepared --no-export --seconds 10

For each engine: a fresh database, `ses migrate` (TERYT territories), then organisations and
services spread over every gmina of Poland in proportion to population (bulk insert; 4 services per
organisation; areas: 70 % the gmina, 25 % its powiat, 5 % the voivodeship; places near the middle of
the gmina). A real uvicorn server (`--workers`, default 1) is driven by wrk with 32 connections,
every request a distinct residents' search (`/uslugi?gmina=…` with filters, and
`/hsds/service_at_locations?gmina=…`), first as people use it (each connection waits 1 s between
requests; then a random think time, exponential with mean 1 s), then saturated. Finally the
whole HSDS export is downloaded (data package ZIP and JSON lines) while the server's resident
memory is sampled. Prints Markdown tables.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import subprocess
import sys
import time
from pathlib import Path

import httpx

from benchmarks.harness import (
    PG_ADMIN,
    MemorySampler,
    drop_database,
    fresh_database,
    machine,
    server,
    ses,
    tree_cpu_seconds,
    tree_rss_mb,
    wrk,
    wrk_paced_script,
    wrk_paths_script,
)

CATEGORIES = (
    "uslugi_opiekuncze",
    "poradnictwo",
    "wspieranie_rodziny",
    "zatrudnienie",
    "reintegracja",
    "niepelnosprawnosc",
    "mieszkalnictwo",
    "edukacja",
    "sport",
    "kultura",
)
GROUPS = ("seniorzy", "niepelnosprawni", "rodziny", "mlodziez", "bezrobotni", "cudzoziemcy", "wszyscy")
LANGS = ("pl", "uk", "en")
EXPONENTIAL_THINK = "function delay() return math.floor(-1000 * math.log(1 - math.random())) end\n"


async def _load(total: int, seed: int = 6) -> None:
    from datetime import UTC, datetime, timedelta

    from ses.db import bulk_insert, reserve_ids, write_transaction
    from ses.directory import geo, taxonomy
    from ses.directory.demo import ServiceSeed, insert
    from ses.directory.services import packed, search_text
    from ses.packages import install
    from ses.territories.tables import Territory
    from ses.text import fold

    install()
    rng = random.Random(seed)
    rows = await Territory.select(Territory.code, Territory.population).where(Territory.level == "gmina")
    gminas = [r for r in rows if geo.centroid(r["code"]) is not None]
    weights = [r["population"] or 1000 for r in gminas]
    orgs_total = total // 4
    chosen = rng.choices(gminas, weights=weights, k=orgs_total)
    stamp = datetime.now(UTC)
    async with write_transaction():
        ids = await reserve_ids("organisation", orgs_total)
        columns = [
            "id",
            "name",
            "name_search",
            "kind",
            "legal_form",
            "activity_state",
            "is_owes",
            "voivodeship_code",
            "powiat_code",
            "gmina_code",
            "is_demo",
            "version",
            "created_at",
            "updated_at",
        ]
        records = []
        for number, (org_id, gmina) in enumerate(zip(ids, chosen, strict=True)):
            name = f"Stowarzyszenie Pomocy nr {number}"
            code = gmina["code"]
            records.append(
                (
                    org_id,
                    name,
                    fold(name),
                    "association",
                    "stowarzyszenie",
                    "active",
                    False,
                    code[:2],
                    code[:4],
                    code,
                    True,
                    1,
                    stamp,
                    stamp,
                )
            )
        for start in range(0, len(records), 5000):
            await bulk_insert("organisation", columns, records[start : start + 5000])
    categories = await taxonomy.terms("category", fresh=True)
    seeds = []
    for org_id, gmina in zip(ids, chosen, strict=True):
        lat0, lon0 = geo.centroid(gmina["code"])  # type: ignore[misc]
        for _ in range(4):
            name = f"Usługa {rng.choice(CATEGORIES)} {rng.randint(1, 10**6)}"
            kind = rng.random()
            area = gmina["code"] if kind < 0.7 else gmina["code"][:4] if kind < 0.95 else gmina["code"][:2]
            confirmed = stamp - timedelta(days=rng.randint(0, 400))
            seeds.append(
                ServiceSeed(
                    values={
                        "organisation": org_id,
                        "name": name,
                        "name_search": search_text(name, "opis"),
                        "description": "Opis usługi.",
                        "category": categories[rng.choice(CATEGORIES)]["id"],
                        "target_groups": packed(rng.sample(GROUPS, 2)),
                        "eligibility": "Mieszkańcy.",
                        "cost": rng.choice(("free", "free", "paid")),
                        "fees_description": "",
                        "languages": packed(["pl", *rng.sample(LANGS[1:], rng.randint(0, 2))]),
                        "opening_hours": "pon.–pt. 8–16",
                        "email": "kontakt@example.example",
                        "phone": "+48 1",
                        "url": None,
                        "contact_person": "Osoba",
                        "internal_note": None,
                        "status": "active",
                        "confirmed_at": confirmed,
                        "confirmed_by": "bench",
                        "reminded_at": None,
                        "idempotency_key": None,
                        "request_fingerprint": None,
                        "is_demo": True,
                        "version": 1,
                        "created_at": confirmed,
                        "updated_at": confirmed,
                    },
                    locations=[
                        {
                            "name": "Siedziba",
                            "street": "ul. Główna 1",
                            "locality": "Miejscowość",
                            "postal_code": "00-001",
                            "gmina_code": gmina["code"],
                            "latitude": round(lat0 + rng.uniform(-0.03, 0.03), 5),
                            "longitude": round(lon0 + rng.uniform(-0.04, 0.04), 5),
                            "accessibility": "",
                        }
                    ],
                    areas=[area],
                )
            )
    for start in range(0, len(seeds), 10_000):
        await insert(seeds[start : start + 10_000])
    # Fresh statistics, as after any bulk load (PostgreSQL's planner otherwise believes the new tables
    # nearly empty and walks every service instead of the gmina's areas: measured 465 ms vs 2 ms).
    # On PostgreSQL also VACUUM, as autovacuum does after inserts: the residents' search reads its
    # candidates by index-only scans, which fall back to the table until the visibility map is set.
    from ses.db import engine, is_sqlite

    await engine().run_ddl("ANALYZE" if is_sqlite() else "VACUUM ANALYZE")


def load(url: str, total: int) -> float:
    started = time.perf_counter()
    env = {**os.environ, "SES_DATABASE_URL": url}
    subprocess.run(
        [sys.executable, "-m", "benchmarks.directory", "--load-only", str(total)], env=env, check=True
    )
    return time.perf_counter() - started


def search_paths(count: int, seed: int = 18) -> tuple[list[str], list[str]]:
    from ses.directory import geo

    rng = random.Random(seed)
    gminas = sorted(geo.shapes("gmina"))
    pages, hsds = [], []
    for _ in range(count):
        gmina = rng.choice(gminas)
        filters = rng.choice(
            (
                "",
                f"&category={rng.choice(CATEGORIES)}",
                f"&group={rng.choice(GROUPS)}",
                "&cost=free",
                f"&language={rng.choice(LANGS)}",
                f"&lang={rng.choice(('en', 'uk'))}",
            )
        )
        pages.append(f"/uslugi?gmina={gmina}{filters}")
        hsds.append(f"/hsds/service_at_locations?gmina={gmina}&per_page=20")
    return pages, hsds


def download(base: str, path: str, pid: int) -> tuple[int, float, float, float]:
    before = tree_rss_mb(pid)
    started = time.perf_counter()
    size = 0
    with MemorySampler(pid, every=0.05) as sampler, httpx.stream("GET", base + path, timeout=600) as answer:
        answer.raise_for_status()
        for chunk in answer.iter_bytes():
            size += len(chunk)
    return size, time.perf_counter() - started, before, sampler.peak


def prepared_database(engine: str, total: int) -> str:
    """The URL of the kept database of `--prepare` (loaded once, measured many times)."""
    if engine == "sqlite":
        path = Path(os.environ.get("SES_BENCH_DIR", "/tmp/ses-bench")) / f"directory-prepared-{total}.sqlite"
        return str(path)
    return f"{PG_ADMIN}/directory_prepared_{total}"


def prepare(engine: str, total: int) -> str:
    """Create and load the kept database (may run at low priority, outside the benchmark lock)."""
    url = prepared_database(engine, total)
    if engine == "sqlite":
        Path(url).parent.mkdir(parents=True, exist_ok=True)
        for suffix in ("", "-wal", "-shm"):
            Path(f"{url}{suffix}").unlink(missing_ok=True)
    else:
        drop_database(url)
        db = url.rsplit("/", 1)[1]
        subprocess.run(["psql", f"{PG_ADMIN}/postgres", "-qc", f'CREATE DATABASE "{db}"'], check=True)
    ses(url, "migrate", capture=True)
    loaded = load(url, total)
    return f"| {engine} | load {total:,} services (prepared, kept) | {loaded:.1f} s | | |"


def run(engine: str, total: int, seconds: int, *, workers: int, exports: bool, prepared: bool) -> list[str]:
    url = prepared_database(engine, total) if prepared else fresh_database(engine, "directory")
    lines = []
    try:
        if not prepared:
            ses(url, "migrate", capture=True)
            loaded = load(url, total)
            lines.append(f"| {engine} | load {total:,} services | {loaded:.1f} s | | |")
        pages, hsds = search_paths(5000)
        with server(url, workers=workers) as (base, pid):
            for path in pages[:20]:
                httpx.get(base + path, timeout=30).raise_for_status()  # warm-up, checks the answers
            shapes = (
                ("search page, paced 1 s", pages, "fixed"),
                ("search page, paced, think time exp. mean 1 s", pages, "exponential"),
                ("search page, saturated", pages, ""),
                ("hsds gmina, saturated", hsds, ""),
            )
            for name, paths, paced in shapes:
                script = wrk_paths_script(paths, unique_param="_")  # `_`: accepted by every route
                if paced == "fixed":
                    # wrk takes one script: the paced variant adds a delay() to the paths script.
                    # Every connection starts at once and waits exactly 1 s after each answer, so the
                    # 32 arrive in step, in bursts of 32.
                    script.write_text(script.read_text() + wrk_paced_script(1000).read_text())
                elif paced == "exponential":
                    # Independent residents: each waits a random time (exponential, mean 1 s) after
                    # an answer, so arrivals spread out as they do from many people (a Poisson stream).
                    script.write_text(script.read_text() + EXPONENTIAL_THINK)
                cpu_before = tree_cpu_seconds(pid)
                result = wrk(base + "/", seconds=seconds, connections=32, script=script)
                cpu_ms = (tree_cpu_seconds(pid) - cpu_before) * 1000 / max(result.requests, 1)
                latency = f"p50 {result.p50_ms:.1f} · p90 {result.p90_ms:.1f} · p99 {result.p99_ms:.1f} ms"
                volume = f"{result.requests:,} req, {result.rps:.0f}/s"
                failures = f"server CPU {cpu_ms:.1f} ms/req; errors {result.errors}, non-2xx {result.non_2xx}"
                shape = f"{name}, {workers} worker(s)"
                lines.append(f"| {engine} | {shape} | {volume} | {latency} | {failures} |")
            for path in ("/hsds/datapackage.zip", "/hsds/export.ndjson") if exports else ():
                size, took, before, peak = download(base, path, pid)
                memory = f"server RSS {before:.0f} MB before, peak {peak:.0f} MB"
                lines.append(f"| {engine} | {path} | {size / 1e6:.1f} MB in {took:.1f} s | {memory} | |")
    finally:
        if not prepared:
            drop_database(url)
    return lines


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--engines", default="sqlite,postgres")
    parser.add_argument("--services", type=int, default=50_000)
    parser.add_argument("--seconds", type=int, default=15)
    parser.add_argument("--workers", type=int, default=1, help="uvicorn worker processes of the server")
    parser.add_argument("--no-export", action="store_true", help="skip the two whole-directory downloads")
    parser.add_argument(
        "--prepare", action="store_true", help="only create and load kept databases (nice 15, no lock)"
    )
    parser.add_argument("--prepared", action="store_true", help="measure the kept databases of --prepare")
    parser.add_argument("--load-only", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.load_only:
        asyncio.run(_load(args.load_only))
        return
    print(f"Machine: {machine()} (shared with other engineers' work)")
    print("| engine | shape | volume | result | |\n|---|---|---|---|---|")
    for engine in args.engines.split(","):
        if args.prepare:
            print(prepare(engine, args.services), flush=True)
            continue
        lines = run(
            engine,
            args.services,
            args.seconds,
            workers=args.workers,
            exports=not args.no_export,
            prepared=args.prepared,
        )
        for line in lines:
            print(line, flush=True)


if __name__ == "__main__":
    main()
