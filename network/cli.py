"""`ses network …`: import ties from a file, export the network, print its metrics.

ses network import relacje.csv [--dry-run] [--encoding cp1250]   # all rows or none
ses network export --format graphml|gexf|json siec.graphml [--territory 0414] [--as-of 2025-12-31]
ses network metrics [--territory 0414] [--as-of 2025-12-31] [--types cooperates,member_of] [--communities]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from datetime import date
from pathlib import Path
from typing import Any

from ses.commands import run_async
from ses.extensions import Command


def _scope_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--territory", default=None, help="kod TERYT: województwo (2), powiat (4), gmina (6–7)"
    )
    parser.add_argument("--as-of", default=None, type=date.fromisoformat, help="stan na dzień RRRR-MM-DD")
    parser.add_argument("--types", default=None, help="typy relacji po przecinku, np. cooperates,member_of")


def _arguments(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="action", required=True)
    load = sub.add_parser("import", help="importuj relacje z pliku CSV/XLSX (wszystko albo nic)")
    load.add_argument("file", help="kolumny: source_id, target_id, relation_type[, valid_from, valid_to, …]")
    load.add_argument("--dry-run", action="store_true", help="tylko sprawdź, nic nie zapisuj")
    load.add_argument("--encoding", default=None, help="wymuś kodowanie CSV, np. cp1250")
    out = sub.add_parser("export", help="zapisz sieć jako GraphML, GEXF (Gephi) albo JSON")
    out.add_argument("--format", choices=("graphml", "gexf", "json"), default="graphml")
    out.add_argument("file", help="plik wynikowy (- = standardowe wyjście)")
    _scope_arguments(out)
    measure = sub.add_parser("metrics", help="miary sieci (JSON) dla regionu, powiatu, gminy lub dnia")
    _scope_arguments(measure)
    measure.add_argument("--communities", action="store_true", help="także społeczności (metoda Leiden)")


def _scope(args: argparse.Namespace) -> Any:
    from network.analysis import resolve_scope
    from network.metrics import Scope

    types = tuple(sorted(t.strip() for t in (args.types or "").split(",") if t.strip()))
    return resolve_scope(Scope(as_of=args.as_of, territory=args.territory or None, types=types), None)


def _print_problem(exc: Any) -> None:
    print(exc.detail, file=sys.stderr)
    for error in exc.errors:
        where = f"wiersz {error.row}, " if error.row else ""
        print(f"  {where}kolumna {error.field}: {error.message}", file=sys.stderr)


def cmd_network(args: argparse.Namespace) -> int:
    from network.dispatch import INDEX
    from ses.errors import DomainError

    INDEX.enabled = False  # one command, one answer: no background index build

    async def run() -> int:
        try:
            return await ACTIONS[args.action](args)
        except DomainError as exc:
            _print_problem(exc)
            return 1

    return int(run_async(run()))


async def _import(args: argparse.Namespace) -> int:
    from network.relations import import_relations
    from ses.audit.channel import Channel
    from ses.audit.services import Actor
    from ses.uploads import operator_limits, read_table

    path = Path(args.file)
    if not path.is_file():
        print(f"Nie ma pliku {path}.", file=sys.stderr)
        return 2
    table = read_table(path.read_bytes(), path.name, args.encoding, operator_limits())
    actor = Actor(label=f"cli:{os.environ.get('USER', 'operator')}", channel=Channel.IMPORT)
    result = await import_relations(table.rows, table.header, actor, dry_run=args.dry_run)
    if result["dry_run"]:
        print(f"Sprawdzono {result['rows']} wierszy: bez błędów, nic nie zapisano.")
    else:
        print(f"Zaimportowano {result['created']} relacji.")
    return 0


async def _export(args: argparse.Namespace) -> int:
    from network.analysis import export

    data = await export(_scope(args), args.format)
    text = json.dumps(data, ensure_ascii=False, default=str) if args.format == "json" else data
    if args.file == "-":
        sys.stdout.write(text + "\n")
    else:
        Path(args.file).write_text(text, encoding="utf-8")
        print(f"Zapisano {args.file} ({args.format}).")
    return 0


async def _metrics(args: argparse.Namespace) -> int:
    from network.analysis import network_metrics

    result = await network_metrics(_scope(args), args.communities)
    print(json.dumps(result, ensure_ascii=False, indent=2, default=str))
    return 0


ACTIONS = {"import": _import, "export": _export, "metrics": _metrics}


COMMANDS = (
    Command(
        "network",
        "sieć współpracy: import relacji, eksport (GraphML/GEXF/JSON), miary",
        cmd_network,
        _arguments,
    ),
)
