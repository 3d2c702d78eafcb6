"""What building a select's SQL costs, against the same select prepared once (ses/prepared.py).

    .venv/bin/python -m benchmarks.prepared [--engines sqlite,postgres] [--calls 2000]

For each engine: a fresh database, `ses migrate`, 1,000 generated organisations imported, then the
record page's own select of one organisation by id run `--calls` times as Piccolo builds it and as
`prepared()` runs it, in one process. Prints the CPU time per call (process time: the database's
own work on PostgreSQL is in its server process, not here).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time

from benchmarks.harness import drop_database, fresh_database, ses
from benchmarks.register import national_csv

MEASURE = """
import asyncio, sys, time
from ses.db import engine
from ses.prepared import prepared
from ses.register.services import OUTPUT_COLUMNS
from ses.register.tables import Organisation

CALLS = int(sys.argv[1])

def built(org_id):
    return Organisation.select(*OUTPUT_COLUMNS).where(Organisation.id == org_id).first()

async def main():
    db = engine()
    if hasattr(db, "start_connection_pool") and db.engine_type == "postgres":
        await db.start_connection_pool()
    statement = prepared(built)
    ids = [row["id"] for row in await Organisation.select(Organisation.id).limit(1000)]
    assert await statement(ids[0]) == await built(ids[0])
    for name, run in (("built each time", built), ("prepared", statement), ("built each time", built)):
        started = time.process_time()
        for call in range(CALLS):
            await run(ids[call % len(ids)])
        print(f"{name}: {(time.process_time() - started) * 1000 / CALLS:.3f} ms CPU per call")

asyncio.run(main())
"""


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--engines", default="sqlite,postgres")
    parser.add_argument("--calls", type=int, default=2000)
    args = parser.parse_args()
    csv_path, _ = national_csv(1000)
    for engine_name in args.engines.split(","):
        url = fresh_database(engine_name, "prepared_bench")
        try:
            ses(url, "migrate", capture=True)
            ses(url, "import", str(csv_path), capture=True)
            out = subprocess.run(
                [sys.executable, "-c", MEASURE, str(args.calls)],
                env={**os.environ, "SES_DATABASE_URL": url},
                check=True,
                text=True,
                capture_output=True,
            ).stdout
            print(f"## {engine_name}\n{out}")
        finally:
            drop_database(url)


if __name__ == "__main__":
    started = time.perf_counter()
    main()
    print(f"({time.perf_counter() - started:.1f} s)")
