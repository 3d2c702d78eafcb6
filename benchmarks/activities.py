"""#19 benchmark: the project's indicator table and the monitoring XLSX over five years of support
activities with 50,000 participations (the issue's targets: ≤ 500 ms and ≤ 3 s).

For each engine: a fresh database, `ses migrate`, a seeding subprocess writes five years of
activities (2,500), 15,000 people and 50,000 participations from the region's real gminas plus
deinstitutionalisation plans, then a real server answers `GET /api/v1/project-indicators` and
`GET /api/v1/project-indicators/monitoring.xlsx` one after another, `--repeat` times each, with a
staff token; the table prints p50 and max of the wall time seen by the client.

    .venv/bin/python -m benchmarks.activities --engines sqlite,postgres --participations 50000
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import statistics
import subprocess
import sys
import time
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import httpx

from benchmarks.harness import BIN, ROOT, drop_database, fresh_database, machine, server, ses


async def seed(participations: int, years: int) -> None:
    from ses.activities.tables import Activity, DeinstitutionalisationPlan, Participation, Person
    from ses.activities.vocab import ActivityKind, ParticipantRole, Topic
    from ses.db import db_lifespan, write_transaction
    from ses.territories.tables import Territory

    rng = random.Random(19)
    async with db_lifespan():
        gminas = [
            row["code"]
            for row in await Territory.select(Territory.code).where(
                (Territory.level == "gmina") & Territory.code.like("04%")
            )
        ]
        stamp = datetime.now(UTC)
        first = date(date.today().year - years + 1, 1, 1)
        activities = max(participations // 20, 1)
        async with write_transaction():
            for start in range(0, activities, 500):
                await Activity.insert(
                    *[
                        Activity(
                            kind=rng.choice(list(ActivityKind)).value,
                            topic=rng.choice(list(Topic)).value,
                            title=f"Działanie {i}",
                            starts_on=first + timedelta(days=int(i * 365 * years / activities)),
                            ends_on=first + timedelta(days=int(i * 365 * years / activities)),
                            place="Toruń",
                            gmina_code=rng.choice(gminas),
                            hours=Decimal(6),
                            certificates=rng.random() < 0.4,
                            created_at=stamp,
                        )
                        for i in range(start, min(start + 500, activities))
                    ]
                )
            people = participations * 3 // 10
            for start in range(0, people, 1000):
                await Person.insert(
                    *[
                        Person(
                            full_name=f"Osoba {i}",
                            email=f"o{i}@bench.example",
                            consent_on=first,
                            created_at=stamp,
                        )
                        for i in range(start, min(start + 1000, people))
                    ]
                )
            activity_ids = [r["id"] for r in await Activity.select(Activity.id)]
            person_ids = [r["id"] for r in await Person.select(Person.id)]
            roles = list(ParticipantRole)
            seen: set[tuple[int, int]] = set()
            batch: list[Participation] = []
            while len(seen) < participations:
                pair = (rng.choice(activity_ids), rng.choice(person_ids))
                if pair in seen:
                    continue
                seen.add(pair)
                completed = rng.random() < 0.6
                batch.append(
                    Participation(
                        activity=pair[0],
                        person=pair[1],
                        role=rng.choice(roles).value,
                        organisation=None,
                        institution=f"Instytucja {pair[1] % 900}",
                        gmina_code=rng.choice(gminas),
                        completed=completed,
                        certificate_number=f"Z/{len(seen)}" if completed else None,
                    )
                )
                if len(batch) == 1000:
                    await Participation.insert(*batch)
                    batch = []
            if batch:
                await Participation.insert(*batch)
            for i, code in enumerate(rng.sample(gminas, 40)):
                await DeinstitutionalisationPlan.insert(
                    DeinstitutionalisationPlan(
                        territory_code=code,
                        title="Plan DI",
                        adopted_on=first + timedelta(days=30 * i),
                        created_at=stamp,
                    )
                )


def timed(client: httpx.Client, url: str, repeat: int) -> tuple[float, float, int]:
    times = []
    size = 0
    for _ in range(repeat):
        started = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - started) * 1000)
        response.raise_for_status()
        size = len(response.content)
    return statistics.median(times), max(times), size


def run_engine(engine: str, participations: int, years: int, repeat: int) -> list[str]:
    url = fresh_database(engine, "bench_activities")
    try:
        ses(url, "migrate", capture=True)
        started = time.perf_counter()
        subprocess.run(
            [
                sys.executable,
                "-m",
                "benchmarks.activities",
                "--seed-only",
                str(participations),
                "--years",
                str(years),
            ],
            env={**os.environ, "SES_DATABASE_URL": url},
            cwd=ROOT,
            check=True,
        )
        seeded = time.perf_counter() - started
        ses(url, "user", "create", "bench.staff", "--role", "staff", "--no-password", capture=True)
        token = ses(url, "token", "create", "bench.staff", capture=True).stdout.strip().splitlines()[-1]
        with (
            server(url) as (base, _pid),
            httpx.Client(base_url=base, headers={"Authorization": f"Bearer {token}"}, timeout=60) as client,
        ):
            table = timed(client, "/api/v1/project-indicators", repeat)
            xlsx = timed(client, "/api/v1/project-indicators/monitoring.xlsx", repeat)
        return [
            f"| {engine} | indicator table, all periods | {table[0]:.0f} | {table[1]:.0f} "
            f"| {table[2] / 1024:.0f} KB |",
            f"| {engine} | monitoring XLSX | {xlsx[0]:.0f} | {xlsx[1]:.0f} | {xlsx[2] / 1024:.0f} KB |",
            f"| {engine} | (seeding {participations:,} participations) | {seeded * 1000:.0f} | | |",
        ]
    finally:
        drop_database(url)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--engines", default="sqlite,postgres")
    parser.add_argument("--participations", type=int, default=50_000)
    parser.add_argument("--years", type=int, default=5)
    parser.add_argument("--repeat", type=int, default=10)
    parser.add_argument("--seed-only", type=int, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.seed_only is not None:
        asyncio.run(seed(args.seed_only, args.years))
        return 0
    print(f"Machine: {machine()}; {datetime.now(UTC):%Y-%m-%d %H:%M} UTC; ses at {BIN}")
    print("| engine | measure | p50 ms | max ms | size |\n|---|---|---|---|---|")
    for engine in args.engines.split(","):
        for line in run_engine(engine, args.participations, args.years, args.repeat):
            print(line, flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
