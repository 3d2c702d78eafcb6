"""`ses indicators …`: list the installed indicators, take a snapshot of one period."""

from __future__ import annotations

import argparse
import os
import sys

from ses.commands import run_async
from ses.extensions import Command


def _arguments(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="action", required=True)
    sub.add_parser("list", help="wskaźniki zainstalowanych pakietów")
    snapshot = sub.add_parser(
        "snapshot", help="zapisz wartości wszystkich wskaźników za okres (szereg czasowy)"
    )
    snapshot.add_argument(
        "--period", default=None, help="rok (2025) albo kwartał (2025-Q3); domyślnie bieżący rok"
    )
    snapshot.add_argument(
        "--indicator", action="append", default=None, help="tylko ten wskaźnik (można powtórzyć)"
    )


def cmd_indicators(args: argparse.Namespace) -> int:
    from ses.errors import DomainError
    from ses.indicators import services, snapshots

    async def run() -> int:
        from ses.commands import migrate

        await migrate(territories=False)
        if args.action == "list":
            for ind in services.catalogue().values():
                print(f"{ind.code}\t{ind.package}\t{ind.name_pl}")
            return 0
        try:
            done = await snapshots.take_snapshot(
                args.period, f"cli:{os.environ.get('USER', 'operator')}", args.indicator
            )
        except DomainError as exc:
            print(exc.detail, *(f"  {e.field}: {e.message}" for e in exc.errors), sep="\n", file=sys.stderr)
            return 1
        print(
            f"Zapisano {done.values} wartości {done.indicators} wskaźników "
            f"za okres {done.period} w {done.seconds} s."
        )
        return 0

    return int(run_async(run()))


COMMANDS = (
    Command(
        "indicators", "wskaźniki: lista, zapis wartości za okres (szereg czasowy)", cmd_indicators, _arguments
    ),
)
