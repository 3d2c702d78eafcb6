"""`ses accreditation …`: load checklist templates from files and print the deadline list.

ses accreditation template-import standardy.yaml      # a YAML or JSON file
ses accreditation template-import --shipped             # the working OWES standards
ses accreditation deadlines --days 90                   # JSON for the scheduler's reminders
"""

from __future__ import annotations

import argparse
import json
import sys

from ses.commands import run_async
from ses.extensions import Command


def _arguments(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="action", required=True)
    load = sub.add_parser(
        "template-import", help="wczytaj szablon listy kontrolnej (YAML lub JSON) jako nową wersję"
    )
    load.add_argument("path", nargs="?", default=None)
    load.add_argument("--shipped", action="store_true", help="wbudowana robocza wersja standardów OWES")
    due = sub.add_parser(
        "deadlines", help="terminy: wygasające akredytacje, zaległe weryfikacje, dowody, zalecenia"
    )
    due.add_argument("--days", type=int, default=90)


def cmd_accreditation(args: argparse.Namespace) -> int:
    from ses.audit.services import Actor
    from ses.errors import DomainError

    async def template_import() -> int:
        from accreditation import checklist_services as checklists_svc
        from accreditation.checklists import load_shipped_template

        actor = Actor.system("cli")
        try:
            if args.shipped:
                row = await checklists_svc.store_template(load_shipped_template(), actor)
            elif args.path:
                with open(args.path, encoding="utf-8") as handle:
                    text = handle.read()
                fmt = "json" if args.path.lower().endswith(".json") else "yaml"
                row = await checklists_svc.import_template(text, fmt, actor)
            else:
                print("Podaj plik szablonu albo --shipped.", file=sys.stderr)
                return 2
        except DomainError as exc:
            print(exc.detail, file=sys.stderr)
            for error in exc.errors:
                print(f"- {error.message}", file=sys.stderr)
            return 1
        print(
            f"Zapisano szablon {row['code']} {row['version']} "
            f"(id {row['id']}, kryteriów: {row['criteria_count']})"
        )
        return 0

    async def deadlines() -> int:
        from accreditation.deadlines import deadlines as query

        data = await query(within_days=args.days)
        print(json.dumps(data, ensure_ascii=False, indent=2, default=str))
        return 0

    return int(run_async(template_import() if args.action == "template-import" else deadlines()))


COMMANDS = (
    Command(
        "accreditation",
        "akredytacja OWES: szablony list kontrolnych i terminy",
        cmd_accreditation,
        _arguments,
    ),
)
