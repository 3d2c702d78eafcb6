"""Indicator benchmark (#16): every installed indicator for every territory, and dashboard pages.

    .venv/bin/python -m benchmarks.indicators [--engine sqlite|postgres] [--orgs 100000]
        [--figures 500000] [--ties 200000] [--seconds 15] [--seeded] [--seed-only]

`--seeded` keeps the generated database (SQLite: $SES_BENCH_DIR/indicators_seeded.sqlite,
PostgreSQL: database `indicators_seeded`) and reuses it when it already holds the organisations, so
the generation can run beforehand at low priority (`--seed-only`) and the measured run stays short.

A fresh database gets organisations spread over all 2,477 gminas (PES of every kind and letter,
~2% with a PS status, reintegration units with theirs), yearly figures (the rows OWES reports and
staff bring into the register, five years per organisation; "report rows" of the issue) and
cooperation ties. Generation is not measured. Then, in this process:

- every installed indicator at every level it has, for all 2,875 territories, for one period,
  exactly as a snapshot computes them (`ses.indicators.snapshots.compute_all`), cold;
- the bare SQL GROUP BY of PES by gmina beside it (the floor of one statement), and how many
  such statements the framework issues;

and on a real uvicorn server, as 8 committee members (8 wrk connections, bearer tokens):

- dashboard pages (the overview, indicator pages by powiat and by gmina) once computed: p50/p99;
- the bytes of the gmina map's boundaries over the wire (the largest voivodeship, the country).

Every figure printed is measured.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import re
import subprocess
import sys
import time
from datetime import UTC, date, datetime

from benchmarks.harness import drop_database, fresh_database, machine, server, ses, wrk, wrk_paths_script

KINDS = [
    ("association", "e", 40),
    ("foundation", "e", 20),
    ("osp", "e", 10),
    ("kgw", "e", 10),
    ("other_ngo", "e", 4),
    ("social_cooperative", "a", 3),
    ("work_cooperative", "d", 1),
    ("church_entity", "f", 2),
    ("nonprofit_company", "f", 1),
    ("cis", "c", 1),
    ("kis", "c", 1),
    ("zaz", "b", 1),
    ("wtz", "b", 2),
    ("gmina_office", None, 2),
    ("business", None, 2),
]


async def populate(orgs: int, figures: int, ties: int, seed: int = 2026) -> None:
    from ses.db import bulk_insert, write_transaction
    from ses.territories.tables import Territory

    rng = random.Random(seed)
    gminas = [row["code"] for row in await Territory.select(Territory.code).where(Territory.level == "gmina")]
    weights = [weight for *_, weight in KINDS]
    stamp = datetime.now(UTC)
    rows = []
    ps_ids = []
    for i in range(1, orgs + 1):
        kind, letter, _ = rng.choices(KINDS, weights)[0]
        gmina = rng.choice(gminas)
        ps = "active" if letter in ("a", "e", "f") and rng.random() < 0.02 else None
        unit = "active" if kind in ("cis", "kis", "zaz", "wtz") else None
        if ps:
            ps_ids.append(i)
        activity = rng.choice(["active", "active", "existing", "registered"])
        rows.append(
            (
                i,
                f"Organizacja {i}",
                f"organizacja {i}",
                kind,
                letter,
                "inna",
                activity,
                False,
                gmina[:2],
                gmina[:4],
                gmina,
                ps,
                unit,
                False,
                1,
                stamp,
                stamp,
            )
        )
    columns = [
        "id",
        "name",
        "name_search",
        "kind",
        "pes_letter",
        "legal_form",
        "activity_state",
        "is_owes",
        "voivodeship_code",
        "powiat_code",
        "gmina_code",
        "ps_state",
        "unit_state",
        "is_demo",
        "version",
        "created_at",
        "updated_at",
    ]
    async with write_transaction():
        for start in range(0, len(rows), 10_000):
            await bulk_insert("organisation", columns, rows[start : start + 10_000])
    this_year = date.today().year
    years = [this_year - k for k in range(5)]
    figure_rows = []
    for n in range(figures):
        org = n // len(years) + 1
        if org > orgs:
            break
        employees = rng.randint(0, 40)
        figure_rows.append(
            (
                n + 1,
                org,
                years[n % len(years)],
                employees,
                employees // 3,
                employees // 8,
                "owes_report",
                stamp,
            )
        )
    async with write_transaction():
        for start in range(0, len(figure_rows), 20_000):
            await bulk_insert(
                "year_figures",
                [
                    "id",
                    "organisation",
                    "year",
                    "employees",
                    "employees_at_risk",
                    "employees_disabled",
                    "source",
                    "updated_at",
                ],
                figure_rows[start : start + 20_000],
            )
    tie_rows = []
    for n in range(1, ties + 1):
        a = rng.randint(1, orgs)
        b = min(orgs, max(1, a + rng.randint(-300, 300)))  # mostly near: same region in id order
        if a == b:
            b = a % orgs + 1
        start_year = rng.choice(years)
        tie_rows.append(
            (n, a, b, "cooperates", False, 1.0, date(start_year, 1, 1), None, 1.0, "import", 1, stamp, stamp)
        )
    async with write_transaction():
        for start in range(0, len(tie_rows), 20_000):
            await bulk_insert(
                "network_relation",
                [
                    "id",
                    "source",
                    "target",
                    "relation_type",
                    "directed",
                    "weight",
                    "valid_from",
                    "valid_to",
                    "confidence",
                    "origin",
                    "version",
                    "created_at",
                    "updated_at",
                ],
                tie_rows[start : start + 20_000],
            )
    if not os.environ["SES_DATABASE_URL"].startswith("postgresql"):
        return
    from ses.db import engine

    for table in ("organisation", "year_figures", "network_relation"):
        await engine().run_ddl(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT MAX(id) FROM {table}))"
        )
        await engine().run_ddl(f"ANALYZE {table}")


async def measure_compute() -> dict[str, float]:
    from ses.db import engine
    from ses.indicators.model import current_period
    from ses.indicators.services import catalogue
    from ses.indicators.snapshots import compute_all

    period = current_period()
    started = time.perf_counter()
    rows = await compute_all(period)
    everything = time.perf_counter() - started
    started = time.perf_counter()
    await compute_all(period)
    again = time.perf_counter() - started
    statements = sum(
        1 if getattr(ind.computation, "additive", False) else len(ind.levels) for ind in catalogue().values()
    )
    sql = (
        "SELECT gmina_code, COUNT(*) AS n FROM organisation WHERE pes_letter IS NOT NULL "
        "AND activity_state <> 'retired' GROUP BY gmina_code"
    )
    bare = []
    for _ in range(3):
        started = time.perf_counter()
        await engine().run_querystring(
            __import__("piccolo.querystring", fromlist=["QueryString"]).QueryString(sql)
        )
        bare.append(time.perf_counter() - started)
    return {
        "all_seconds": everything,
        "again_seconds": again,
        "values": float(len(rows)),
        "indicators": float(len(catalogue())),
        "statements": float(statements),
        "bare_ms": min(bare) * 1000,
    }


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--engine", default="sqlite", choices=("sqlite", "postgres"))
    parser.add_argument("--orgs", type=int, default=100_000)
    parser.add_argument("--figures", type=int, default=500_000)
    parser.add_argument("--ties", type=int, default=200_000)
    parser.add_argument("--seconds", type=int, default=15)
    parser.add_argument("--seeded", action="store_true", help="keep and reuse the generated database")
    parser.add_argument("--seed-only", action="store_true", help="generate the kept database and stop")
    args = parser.parse_args()
    args.seeded = args.seeded or args.seed_only
    load_before = os.getloadavg()
    url = seeded_database(args.engine) if args.seeded else fresh_database(args.engine, "indicators_bench")
    os.environ["SES_DATABASE_URL"] = url
    try:
        ses(url, "migrate", capture=True)
        from ses.packages import install

        install()

        async def prepare_and_compute() -> dict[str, float]:
            from ses.db import db_lifespan

            async with db_lifespan():
                if not args.seeded or not await already_seeded(args.orgs):
                    started = time.perf_counter()
                    await populate(args.orgs, args.figures, args.ties)
                    print(
                        f"generated in {time.perf_counter() - started:.1f} s (not measured below)",
                        file=sys.stderr,
                    )
                if args.seed_only:
                    return {}
                return await measure_compute()

        figures = asyncio.run(prepare_and_compute())
        if args.seed_only:
            return 0
        try:
            ses(url, "user", "create", "bench-rkres", "--role", "committee", "--no-password", capture=True)
        except subprocess.CalledProcessError:
            if not args.seeded:  # a kept database has the account from its earlier run
                raise
        token = re.search(
            r"ses_[\w\-]+", ses(url, "token", "create", "bench-rkres", "--days", "1", capture=True).stdout
        )
        assert token is not None
        headers = {"Authorization": f"Bearer {token.group(0)}"}
        paths = [
            "/panel",
            "/panel/wskazniki/pes.total?teryt=14",
            "/panel/wskazniki/ps.active?teryt=14&poziom=gmina",
            "/panel/wskazniki/jobs.ps.total?teryt=12",
            "/panel/wskazniki/network.cross_sector_ties?teryt=14",
            "/panel/wskazniki/pes.total?teryt=1465",
        ]
        import httpx

        # The network package builds its region index (networkx over all 200,000 ties) in a worker
        # process at start and after every data change; it is measured in benchmarks.network. The
        # dashboards are measured as committee members meet them: once that build has finished.
        with server(url) as (base, _pid):
            with httpx.Client(base_url=base, headers=headers, timeout=120) as http:
                started = time.perf_counter()
                while True:
                    index = http.get("/api/v1/network/status").json()["index"]
                    waited = time.perf_counter() - started
                    if index["current"] or (not index["building"] and waited > 5):
                        break  # built, or nothing to build (disabled, or a network below min_ties)
                    if waited > 900:
                        raise RuntimeError("the network's region index was not built in 15 minutes")
                    time.sleep(1)
                index_seconds = time.perf_counter() - started
                started = time.perf_counter()
                assert http.get("/panel/raport.docx").status_code == 200
                report_cold = time.perf_counter() - started
                started = time.perf_counter()
                assert http.get("/panel/raport.docx").status_code == 200
                report_warm = time.perf_counter() - started
                first = []
                for path in paths:
                    started = time.perf_counter()
                    assert http.get(path).status_code == 200, path
                    first.append(time.perf_counter() - started)
                voivodeship = http.get("/panel/granice/gmina?teryt=14")
                country = http.get("/panel/granice/gmina")
            load = wrk(
                base + paths[0],
                seconds=args.seconds,
                connections=8,
                threads=2,
                headers=headers,
                script=wrk_paths_script(paths),
            )
        load_after = os.getloadavg()
        print(f"\n## Indicators benchmark — {date.today().isoformat()}, {args.engine}, {machine()}")
        print(f"{args.orgs:,} organisations, {args.figures:,} year-figure rows, {args.ties:,} ties\n")
        print("| measure | figure |\n|---|---|")
        print(
            f"| every indicator ({figures['indicators']:.0f}) × every level, all 2,875 territories, "
            "one period "
            f"({figures['values']:,.0f} values) | {figures['all_seconds']:.2f} s "
            f"(again: {figures['again_seconds']:.2f} s) |"
        )
        print(
            "| bare SQL GROUP BY of PES by gmina "
            f"(floor of one of the {figures['statements']:.0f} statements) "
            f"| {figures['bare_ms']:.1f} ms |"
        )
        print(
            "| dashboard pages, first request each (cold) | "
            f"{', '.join(f'{s * 1000:.0f}' for s in first)} ms |"
        )
        print(
            f"| dashboard pages once computed, 8 committee members: p50 / p99 | {load.p50_ms:.1f} / "
            f"{load.p99_ms:.1f} ms ({load.rps:.0f} req/s, {load.non_2xx} non-2xx) |"
        )
        maps = (("largest voivodeship (mazowieckie)", voivodeship), ("the whole country", country))
        for label, answer in maps:
            encoding = answer.headers.get("content-encoding", "uncompressed")
            print(
                f"| gmina map data, {label}, over the wire | {answer.num_bytes_downloaded / 1e6:.2f} MB "
                f"({len(answer.content) / 1e6:.2f} MB unzipped; sent {encoding}) |"
            )
        print(f"| meeting report (DOCX), first request / again | {report_cold:.2f} / {report_warm:.2f} s |")
        built = f"{index['ties']:,} ties" if index["current"] else "not built (network below its threshold)"
        waited_for = f"{index_seconds:.1f} s, {built}"
        print(f"| network region index at start, waited for before measuring | {waited_for} |")
        print(f"\nload average (1, 5, 15 min) before: {load_before}, after: {load_after}")
    finally:
        if not args.seeded:
            drop_database(url)
    return 0


def seeded_database(engine: str) -> str:
    """The kept benchmark database of `engine` (created empty the first time)."""
    from pathlib import Path

    from benchmarks.harness import PG_ADMIN

    if engine == "sqlite":
        path = Path(os.environ.get("SES_BENCH_DIR", "/tmp/ses-bench")) / "indicators_seeded.sqlite"
        path.parent.mkdir(parents=True, exist_ok=True)
        return str(path)
    name = "indicators_seeded"
    found = subprocess.run(
        ["psql", f"{PG_ADMIN}/postgres", "-tAc", f"SELECT 1 FROM pg_database WHERE datname = '{name}'"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    if not found:
        subprocess.run(["psql", f"{PG_ADMIN}/postgres", "-qc", f'CREATE DATABASE "{name}"'], check=True)
    return f"{PG_ADMIN}/{name}"


async def already_seeded(orgs: int) -> bool:
    from ses.register.tables import Organisation

    return bool(await Organisation.count() >= orgs)


if __name__ == "__main__":
    raise SystemExit(main())
