"""Test set-up shared by every package: one fresh database per run, on SQLite or PostgreSQL.

`SES_TEST_DB=postgres` runs the suite on PostgreSQL (127.0.0.1:5432, user postgres, or
`SES_TEST_PG_DSN`); anything else on a fresh SQLite file. The schema is built by running the real
migrations. Each test runs inside a transaction that is rolled back, and talks to the real app
through httpx's ASGI transport in the test's own event loop (see stack notes §1.11).
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import tempfile
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
ENGINE = os.environ.get("SES_TEST_DB", "sqlite")
_run_id = uuid.uuid4().hex[:10]

if ENGINE == "postgres":
    _admin_dsn = os.environ.get("SES_TEST_PG_DSN", "postgresql://postgres@127.0.0.1:5432/postgres")
    _db_name = f"ses_test_{_run_id}"
    os.environ["SES_DATABASE_URL"] = _admin_dsn.rsplit("/", 1)[0] + f"/{_db_name}"
else:
    _tmp = Path(tempfile.mkdtemp(prefix="ses-test-"))
    os.environ["SES_DATABASE_URL"] = str(_tmp / "test.sqlite")
os.environ.setdefault("SES_SECRET_KEY", "test-secret-key-" + "x" * 32)
os.environ.setdefault("SES_LOGIN_SLOWDOWN", "0")

# Imported only now: piccolo_conf reads SES_DATABASE_URL when first imported.
from ses.audit.services import Actor  # noqa: E402
from ses.auth.policy import Role  # noqa: E402
from ses.packages import install  # noqa: E402

install()  # as the app factory and the CLI do: services called directly see every package


def _on_postgres(statement: str) -> None:
    """Run one statement (CREATE/DROP DATABASE) on the PostgreSQL server's admin database."""
    import asyncio

    import asyncpg

    async def run() -> None:
        conn = await asyncpg.connect(_admin_dsn)
        try:
            await conn.execute(statement)
        finally:
            await conn.close()

    asyncio.run(run())


def _migrate_and_seed() -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    result = subprocess.run(
        [sys.executable, "-m", "ses.cli", "migrate", "--territories"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        raise RuntimeError(f"migrations failed:\n{result.stdout}\n{result.stderr}")


def pytest_report_header(config: pytest.Config) -> str:
    return f"SES test database: {ENGINE} ({os.environ['SES_DATABASE_URL']})"


def pytest_sessionstart(session: pytest.Session) -> None:
    if ENGINE == "postgres":
        _on_postgres(f'CREATE DATABASE "{_db_name}"')
    _migrate_and_seed()


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if ENGINE == "postgres":
        _on_postgres(f'DROP DATABASE IF EXISTS "{_db_name}" WITH (FORCE)')


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
async def app_tx() -> AsyncIterator[object]:
    """The real app, started, with every test's writes inside one rolled-back transaction."""
    from ses.app import create_app
    from ses.db import engine

    app = create_app()
    async with app.lifespan():
        transaction = engine().transaction()
        async with transaction as tx:
            yield app
            await tx.rollback()


@pytest.fixture
async def client(app_tx: object) -> AsyncIterator[object]:
    import httpx

    transport = httpx.ASGITransport(app=app_tx)  # type: ignore[arg-type]
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        yield http


# Accounts and tokens for every role, made through the real services inside the test transaction.
@dataclass
class Caller:
    role: Role
    token: str
    account_id: int
    organisation_id: int | None = None

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


async def make_caller(role: Role, organisation_id: int | None = None, name: str | None = None) -> Caller:
    from ses.auth.services import create_account, create_token

    actor = Actor.system("tests")
    username = name or f"{role.value}-{organisation_id or 0}"
    account_id = await create_account(
        username=username, role=role, password=None, organisation_id=organisation_id, actor=actor
    )
    token, _ = await create_token(account_id=account_id, name="tests", valid_days=30, actor=actor)
    return Caller(role=role, token=token, account_id=account_id, organisation_id=organisation_id)


@pytest.fixture
async def staff(app_tx: Any) -> Caller:
    return await make_caller(Role.STAFF)


@pytest.fixture
async def reviewer(app_tx: Any) -> Caller:
    return await make_caller(Role.REVIEWER)


@pytest.fixture
async def committee(app_tx: Any) -> Caller:
    return await make_caller(Role.COMMITTEE)


@pytest.fixture
async def admin(app_tx: Any) -> Caller:
    return await make_caller(Role.ADMIN)


@pytest.fixture
def caller_for(app_tx: Any) -> Any:
    """`await caller_for(Role.OWES, organisation_id=...)`: a further caller of any role."""
    return make_caller


@dataclass
class LiveServer:
    base_url: str
    env: dict[str, str]
    pid: int = 0

    def ses(self, *args: str) -> str:
        """Run the `ses` command against the live server's database (as an operator would)."""
        result = subprocess.run(
            [sys.executable, "-m", "ses.cli", *args], cwd=ROOT, env=self.env, capture_output=True, text=True
        )
        if result.returncode != 0:
            raise RuntimeError(f"ses {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
        return result.stdout


@contextlib.contextmanager
def running_server(label: str = "live", workers: int = 1) -> Iterator[LiveServer]:
    """A real uvicorn server of SES on its own fresh database (same engine as the suite)."""
    import socket
    import time

    import httpx

    if ENGINE == "postgres":
        name = f"ses_{label}_{_run_id}"
        _on_postgres(f'CREATE DATABASE "{name}"')
        url = _admin_dsn.rsplit("/", 1)[0] + f"/{name}"
    else:
        url = str(Path(tempfile.mkdtemp(prefix=f"ses-{label}-")) / f"{label}.sqlite")
    env = {**os.environ, "SES_DATABASE_URL": url, "PYTHONPATH": str(ROOT), "SES_LOG_LEVEL": "WARNING"}
    env["SES_EVIDENCE_DIR"] = tempfile.mkdtemp(prefix="ses-live-evidence-")  # uploads never land in the repo
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = LiveServer(base_url=f"http://127.0.0.1:{port}", env=env)
    server.ses("migrate")
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "ses.cli",
            "serve",
            "--no-migrate",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--workers",
            str(workers),
        ],
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )
    server.pid = process.pid
    try:
        for _ in range(300):
            try:
                if httpx.get(f"{server.base_url}/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.1)
        else:
            raise RuntimeError("the live server did not start")
        yield server
    finally:
        process.terminate()
        process.wait(timeout=20)
        if ENGINE == "postgres":
            _on_postgres(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def start_server() -> Any:
    """`with start_server("label") as server:` a further real server on its own fresh database (test
    modules must not import this module: a second import would point the suite at a new database)."""
    return running_server


@pytest.fixture(scope="session")
def live_server() -> Any:
    """A real uvicorn server of SES on its own fresh database (same engine as the suite)."""
    with running_server("live") as server:
        yield server
