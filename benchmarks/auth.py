"""What authentication costs (issue #3), on SQLite and PostgreSQL.

    .venv/bin/python -m benchmarks.auth [--engines sqlite,postgres] [--tokens 10000] [--seconds 10]

For each engine: a fresh migrated database holding `--tokens` accounts with one API token each
(inserted in bulk), then
1. the token check itself: `principal_for_token` called in-process 2,000 times with random tokens
   of those accounts (p50/p99 in ms);
2. what the check adds to an API call: a real uvicorn server, wrk with one connection on a public
   endpoint, without and with an `Authorization: Bearer` header (the p50 difference);
3. that sign-ins do not stall other requests: the same public endpoint measured by wrk while 2
   clients keep signing in successfully, back to back (each an Argon2 verification, run in a worker
   thread so the event loop keeps serving).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import statistics
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime

import httpx

from benchmarks.harness import drop_database, fresh_database, machine, server, ses, wrk

PUBLIC = "/api/v1/territories/0463011"
SIGNER_PASSWORD = "Benchmark-haslo-2026"
ROUNDS = 5


async def _seed(count: int) -> list[str]:
    from ses.auth.tables import Account, ApiToken
    from ses.auth.tokens import new_token, token_hash
    from ses.db import release_connections, write_transaction

    secrets_ = [new_token() for _ in range(count)]
    now = datetime.now(UTC)
    async with write_transaction():
        for start in range(0, count, 500):
            chunk = range(start, min(start + 500, count))
            rows = await Account.insert(
                *[
                    Account(
                        username=f"bench-{i}",
                        display_name=f"bench {i}",
                        role="reviewer",
                        active=True,
                        created_at=now,
                    )
                    for i in chunk
                ]
            )
            await ApiToken.insert(
                *[
                    ApiToken(
                        account=row["id"],
                        name="bench",
                        token_hash=token_hash(secrets_[i]),
                        prefix=secrets_[i][:10],
                        created_at=now,
                    )
                    for i, row in zip(chunk, rows, strict=True)
                ]
            )
    await release_connections()
    return secrets_


async def _time_checks(secrets_: list[str], rounds: int = 2000) -> tuple[list[float], list[float]]:
    """(first use of a token within a minute: lookup + last-used write, later uses: lookup only)."""
    from ses.auth.services import principal_for_token
    from ses.db import db_lifespan

    first, later = [], []
    sample = random.sample(secrets_, min(rounds, len(secrets_)))
    async with db_lifespan():
        for timings in (first, later):
            for secret in sample:
                started = time.perf_counter()
                assert await principal_for_token(secret) is not None
                timings.append((time.perf_counter() - started) * 1000)
    return first, later


def _pct(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100)[int(q) - 1]


def _login_storm(base: str, stop: threading.Event, counter: list[int]) -> None:
    with httpx.Client(base_url=base, timeout=30) as client:
        while not stop.is_set():
            page = client.get("/login")
            token = page.text.split('name="_csrf" value="', 1)[1].split('"', 1)[0]
            signed = client.post(
                "/login", data={"username": "bench-signer", "password": SIGNER_PASSWORD, "_csrf": token}
            )
            assert signed.status_code == 303, signed.text[:300]
            client.cookies.clear()
            counter[0] += 1


def run(engine: str, tokens: int, seconds: int) -> list[str]:
    url = fresh_database(engine, "bench_auth")
    try:
        ses(url, "migrate", capture=True)
        os.environ["SES_DATABASE_URL"] = url  # read by piccolo_conf on first import, below
        secrets_ = asyncio.run(_seed(tokens))
        ses(
            url,
            "user",
            "create",
            "bench-signer",
            "--role",
            "staff",
            "--password",
            SIGNER_PASSWORD,
            capture=True,
        )
        first, later = asyncio.run(_time_checks(secrets_))
        lines = [
            f"| {engine} | token check in-process, {tokens:,} tokens stored: "
            "a token's first use in a minute "
            f"(lookup + last-used write) | p50 {statistics.median(first):.2f} ms, "
            f"p99 {_pct(first, 99):.2f} ms |",
            f"| {engine} | token check in-process: every later use (lookup only) | "
            f"p50 {statistics.median(later):.2f} ms, p99 {_pct(later, 99):.2f} ms |",
        ]
        # Failed sign-ins are slowed down per account; the storm must measure hashing, not sleeping.
        with server(url, extra_env={"SES_LOGIN_SLOWDOWN": "0"}) as (base, _pid):
            # Alternating short rounds, so a change in the machine's load hits both sides
            # alike.
            plain_p50, bearer_p50, added = [], [], []
            for _ in range(ROUNDS):
                plain = wrk(base + PUBLIC, seconds=max(seconds // 2, 2), connections=1, threads=1)
                bearer = wrk(
                    base + PUBLIC,
                    seconds=max(seconds // 2, 2),
                    connections=1,
                    threads=1,
                    headers={"Authorization": f"Bearer {secrets_[0]}"},
                )
                plain_p50.append(plain.p50_ms)
                bearer_p50.append(bearer.p50_ms)
                added.append(bearer.p50_ms - plain.p50_ms)
            lines.append(
                f"| {engine} | public API call, 1 connection, no token ({ROUNDS} rounds) | "
                f"p50 {statistics.median(plain_p50):.2f} ms "
                f"(rounds: {', '.join(f'{v:.2f}' for v in plain_p50)}) |"
            )
            lines.append(
                f"| {engine} | same call with a bearer token, alternating with the above | "
                f"p50 {statistics.median(bearer_p50):.2f} ms "
                f"(rounds: {', '.join(f'{v:.2f}' for v in bearer_p50)}); "
                f"token adds {statistics.median(added):.2f} ms at p50 "
                "(median of the rounds' differences) |"
            )
            stop, counter = threading.Event(), [0]
            storm = [
                threading.Thread(target=_login_storm, args=(base, stop, counter), daemon=True)
                for _ in range(2)
            ]
            for thread in storm:
                thread.start()
            during = wrk(base + PUBLIC, seconds=seconds, connections=1, threads=1)
            stop.set()
            for thread in storm:
                thread.join()
            lines.append(
                f"| {engine} | same call while 2 clients sign in back to back "
                f"({counter[0] / seconds:.1f} sign-ins/s) | "
                f"p50 {during.p50_ms:.2f} ms, p99 {during.p99_ms:.2f} ms |"
            )
        return lines
    finally:
        drop_database(url)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--engines", default="sqlite,postgres")
    parser.add_argument("--tokens", type=int, default=10000)
    parser.add_argument("--seconds", type=int, default=10)
    args = parser.parse_args()
    engines = args.engines.split(",")
    if len(engines) > 1:
        # Piccolo binds tables to the engine of the first import: one process per engine.
        print(f"Machine: {machine()}\n")
        print("| engine | what | measured |\n|---|---|---|", flush=True)
        for engine in engines:
            subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "benchmarks.auth",
                    "--engines",
                    engine,
                    "--tokens",
                    str(args.tokens),
                    "--seconds",
                    str(args.seconds),
                ],
                check=True,
            )
        return
    for line in run(engines[0], args.tokens, args.seconds):
        print(line, flush=True)


if __name__ == "__main__":
    main()
