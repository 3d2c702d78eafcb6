"""The core's own `ses` commands: migrate, serve, demo, import (the parser is built in ses/cli.py)."""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import time
from pathlib import Path
from typing import Any

from ses.extensions import Command


def run_async(coro: Any) -> Any:
    """Run a coroutine from a command, releasing the database connections at the end."""

    async def run_and_release() -> Any:
        from ses.db import release_connections

        try:
            return await coro
        finally:
            await release_connections()

    return asyncio.run(run_and_release())


async def migrate(territories: bool = True) -> None:
    from piccolo.apps.migrations.commands.forwards import run_forwards

    from ses.db import prepare_database

    result = await run_forwards(app_name="all")
    if not result.success:
        raise SystemExit(f"Migracje nie powiodły się: {result.message}")
    await prepare_database()
    if territories:
        from ses.territories.services import load_territories

        count = await load_territories()
        print(f"Jednostki terytorialne w bazie: {count}", file=sys.stderr)


class ProgressBar:
    """A plain progress bar on the terminal (only when stderr is a terminal)."""

    def __init__(self, label: str) -> None:
        self.label = label
        self.started = time.monotonic()
        self.enabled = sys.stderr.isatty()

    def __call__(self, done: int, total: int) -> None:
        if not self.enabled or total == 0:
            return
        width = 30
        filled = int(width * done / total)
        rate = done / max(time.monotonic() - self.started, 1e-6)
        bar = "█" * filled + "·" * (width - filled)
        sys.stderr.write(f"\r{self.label} [{bar}] {done}/{total} ({rate:,.0f} wierszy/s)")
        if done >= total:
            sys.stderr.write("\n")
        sys.stderr.flush()


def cmd_migrate(args: argparse.Namespace) -> int:
    run_async(migrate(territories=args.territories))
    print("Baza danych jest aktualna.")
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    from ses.audit.channel import Channel
    from ses.audit.services import Actor
    from ses.errors import ValidationFailed
    from ses.register import import_plan
    from ses.uploads import operator_limits, read_table

    path = Path(args.file)
    if not path.is_file():
        print(f"Nie ma pliku {path}.", file=sys.stderr)
        return 2

    async def run() -> int:
        await migrate(territories=True)
        try:
            table = read_table(path.read_bytes(), path.name, args.encoding, operator_limits())
            started = time.monotonic()
            actor = Actor(label=f"cli:{os.environ.get('USER', 'operator')}", channel=Channel.IMPORT)
            if args.dry_run:
                result = await import_plan.plan(table)
            else:
                result = await import_plan.apply(table, actor, progress=ProgressBar("Import"))
        except ValidationFailed as exc:
            print(exc.detail, file=sys.stderr)
            for error in exc.errors:
                where = f"wiersz {error.row}, " if error.row else ""
                print(f"  {where}kolumna {error.field}: {error.message}", file=sys.stderr)
            return 1
        took = time.monotonic() - started
        verb = "Sprawdzono" if args.dry_run else "Zaimportowano"
        print(
            f"{verb} {result.rows} wierszy w {took:.1f} s: nowe {len(result.created)}, "
            f"zmienione {len(result.changed)}, bez zmian {result.unchanged}."
        )
        return 0

    return int(run_async(run()))


def cmd_serve(args: argparse.Namespace) -> int:
    import uvicorn

    from ses.serving import prepare_process, serve

    if not args.no_migrate:
        run_async(migrate(territories=True))
    if args.workers > 1:
        return serve(args.host, args.port, args.workers)
    prepare_process()
    uvicorn.run(
        "ses.app:create_app",
        factory=True,
        host=args.host,
        port=args.port,
        log_level="warning",
        access_log=False,
    )
    return 0


def demo_environment() -> None:
    """The demo's settings: its one process runs the scheduled jobs, but never asks KRS or GUS
    about invented records. The settings were read (and cached) while the packages were installed
    to build the parser, so they are read again."""
    from ses.settings import get_settings

    os.environ.setdefault("SES_SCHEDULER", "1")
    os.environ.setdefault("SES_EXTERNAL_JOBS", "0")
    get_settings.cache_clear()


def cmd_demo(args: argparse.Namespace) -> int:
    from ses.demo.load import load_demo

    demo_environment()
    run_async(migrate(territories=True))
    summary = run_async(load_demo())
    url = f"http://{args.host}:{args.port}"
    print(
        "\n".join(
            ["", f"SES (demo) działa pod adresem: {url}", f"Dokumentacja API: {url}/schema", *summary, ""]
        )
    )
    sys.stdout.flush()
    args.no_migrate = True
    args.workers = 1
    return cmd_serve(args)


def _server_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", default=os.environ.get("SES_HOST", "127.0.0.1"))
    parser.add_argument("--port", type=int, default=int(os.environ.get("SES_PORT", "8000")))


def _serve_arguments(parser: argparse.ArgumentParser) -> None:
    _server_arguments(parser)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--no-migrate", action="store_true")


def _import_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", help="CSV (UTF-8 lub Windows-1250) albo XLSX")
    parser.add_argument("--dry-run", action="store_true", help="tylko sprawdź, nic nie zapisuj")
    parser.add_argument("--encoding", default=None, help="wymuś kodowanie CSV, np. cp1250")


def _migrate_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--territories", action="store_true", default=True, help="wczytaj też podział TERYT")


COMMANDS = (
    Command(
        "migrate", "uruchom migracje bazy i wczytaj podział terytorialny", cmd_migrate, _migrate_arguments
    ),
    Command("serve", "uruchom serwer", cmd_serve, _serve_arguments),
    Command(
        "demo",
        "wczytaj dane demonstracyjne (kujawsko-pomorskie) i uruchom serwer",
        cmd_demo,
        _server_arguments,
    ),
    Command(
        "import", "importuj organizacje z pliku CSV/XLSX (wszystko albo nic)", cmd_import, _import_arguments
    ),
)
