"""`ses report-definitions …`: list published report definitions, publish one from a file."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from ses.commands import run_async
from ses.extensions import Command


def _arguments(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="action", required=True)
    sub.add_parser("list", help="opublikowane definicje (dołączone do programu publikuje przy okazji)")
    publish = sub.add_parser("publish", help="opublikuj nową wersję definicji z pliku YAML lub JSON")
    publish.add_argument("file")


def cmd_definitions(args: argparse.Namespace) -> int:
    import yaml

    from ses.audit.channel import Channel
    from ses.audit.services import Actor
    from ses.errors import DomainError
    from ses.reporting import catalogue

    async def run() -> int:
        from ses.commands import migrate

        await migrate(territories=False)
        if args.action == "list":
            for row in await catalogue.list_definitions():
                print(f"{row['code']} v{row['version']}\t{row['period_type']}\t{row['title']}")
            return 0
        path = Path(args.file)
        text = path.read_text(encoding="utf-8")
        raw = json.loads(text) if path.suffix == ".json" else yaml.safe_load(text)
        actor = Actor(label=f"cli:{os.environ.get('USER', 'operator')}", channel=Channel.SYSTEM)
        try:
            published = await catalogue.publish(raw, actor)
        except DomainError as exc:
            print(exc.detail, *(f"  {e.field}: {e.message}" for e in exc.errors), sep="\n", file=sys.stderr)
            return 1
        print(f"Opublikowano {published['code']} v{published['version']}.")
        return 0

    return int(run_async(run()))


COMMANDS = (
    Command(
        "report-definitions",
        "definicje sprawozdań OWES: lista, publikacja nowej wersji",
        cmd_definitions,
        _arguments,
    ),
)
