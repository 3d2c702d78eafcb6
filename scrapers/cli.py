"""`ses sync …`: bring what public registers say into the register, for staff to review.

ses sync krs [--numbers 30897,0001268296] [--since 2026-09-22 [--until …]] [--dry-run]
ses sync bdl --year 2024 [--dry-run]
ses sync file SOURCE FILE [--dry-run] [--encoding cp1250]
"""

from __future__ import annotations

import argparse
import sys
from datetime import date
from typing import Any

from ses.commands import run_async
from ses.extensions import Command


def _arguments(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="source", required=True)
    krs = sub.add_parser("krs", help="odpisy KRS: podane numery albo zmienione wg biuletynów")
    krs.add_argument("--numbers", default=None, help="numery KRS po przecinku (zera wiodące można pominąć)")
    krs.add_argument("--since", type=date.fromisoformat, default=None, help="biuletyny od dnia RRRR-MM-DD")
    krs.add_argument(
        "--until", type=date.fromisoformat, default=None, help="biuletyny do dnia (domyślnie wczoraj)"
    )
    krs.add_argument("--dry-run", action="store_true", help="pokaż zestaw zmian, nic nie zapisuj")
    _bdl_arguments(sub)
    _file_arguments(sub)


def _file_arguments(sub: Any) -> None:
    listed = sub.add_parser(
        "file", help="lista urzędowa z pliku (CSV, XLSX, tabela HTML) według zapisanego mapowania kolumn"
    )
    listed.add_argument("list_code", metavar="SOURCE", help="kod listy, np. ps, owes, cis-kp")
    listed.add_argument("file", metavar="FILE", help="plik listy (.csv, .xlsx, .html)")
    listed.add_argument("--dry-run", action="store_true", help="pokaż zestaw zmian, nic nie zapisuj")
    listed.add_argument(
        "--encoding", default=None, help="kodowanie CSV/HTML, np. cp1250 (domyślnie wykrywane)"
    )


def _bdl_arguments(sub: Any) -> None:
    bdl = sub.add_parser("bdl", help="ludność gmin, powiatów i województw z GUS BDL za rok")
    bdl.add_argument("--year", type=int, required=True, help="rok, np. 2024")
    bdl.add_argument("--dry-run", action="store_true", help="pokaż, co przyszło, nic nie zapisuj")


def _progress() -> Any:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    return Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        transient=False,
    )


def cmd_sync(args: argparse.Namespace) -> int:
    return int(run_async(ACTIONS[args.source](args)))


async def _krs(args: argparse.Namespace) -> int:
    from scrapers.krs_sync import change_set_lines, sync_krs

    numbers = [n for n in (args.numbers or "").split(",") if n.strip()] if args.numbers else None
    with _progress() as bar:
        task = bar.add_task("KRS", total=None)

        def advance(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        report = await sync_krs(
            numbers=numbers, since=args.since, until=args.until, dry_run=args.dry_run, on_progress=advance
        )
    for message in report.refused:
        print(f"Pominięto: {message}", file=sys.stderr)
    if args.dry_run:
        print("Zestaw zmian (próba — nic nie zapisano):")
        for line in change_set_lines(report):
            print("  " + line)
    for message in report.errors:
        print(f"Błąd przebiegu: {message}", file=sys.stderr)
    _summary(report.run_id, report.status, report.planned, dict(report.counts), report.resumed)
    return 0 if report.status == "finished" else 2


LABELS = {
    "new": "nowe organizacje",
    "update": "zmiany danych",
    "conflict": "konflikty z poprawkami osób",
    "unchanged": "bez zmian",
    "suggestion": "możliwe dopasowania (nazwa i gmina)",
    "deregistered": "wykreślone",
    "not_found": "nieznane numery (404)",
    "error": "błędy",
    "unmatched": "niedopasowane",
    "already_pending": "zmiany już czekające na decyzję",
    "changes_pending": "zmiany do przejrzenia",
    "changes_applied": "zmiany zastosowane",
}


def _summary(run_id: int | None, status: str, planned: int, counts: dict[str, int], resumed: bool) -> None:
    where = f"przebieg #{run_id}" + (" (wznowiony)" if resumed else "") if run_id else "próba"
    print(f"Podsumowanie — {where}, stan: {status}, zaplanowano: {planned}")
    for key, label in LABELS.items():
        if counts.get(key):
            print(f"  {label}: {counts[key]}")
    if run_id:
        print(f"Przegląd zmian: /synchronizacja/{run_id}")


async def _bdl(args: argparse.Namespace) -> int:
    from scrapers.bdl_sync import sync_bdl

    report = await sync_bdl(args.year, dry_run=args.dry_run)
    if args.dry_run:
        for code, population in sorted(report.values.items()):
            print(f"  {code}\t{population}")
    for message in report.problems[:50]:
        print(f"Uwaga: {message}", file=sys.stderr)
    where = f"przebieg #{report.run_id}" if report.run_id else "próba"
    print(f"Podsumowanie — {where}, stan: {report.status}, jednostek: {len(report.values)}, "
          f"zapytań: {report.requests}, uwag: {len(report.problems)}")  # fmt: skip
    return 0 if report.status == "finished" else 2


async def _file(args: argparse.Namespace) -> int:
    from pathlib import Path

    from scrapers.file_sync import sync_file
    from scrapers.krs_sync import change_set_lines
    from ses.errors import NotFound

    path = Path(args.file)
    if not path.is_file():
        print(f"Nie ma pliku {path}.", file=sys.stderr)
        return 2
    with _progress() as bar:
        task = bar.add_task(f"Lista {args.list_code}", total=None)

        def advance(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        try:
            report = await sync_file(
                args.list_code,
                path.read_bytes(),
                path.name,
                encoding=args.encoding,
                dry_run=args.dry_run,
                on_progress=advance,
            )
        except NotFound as error:
            print(str(error), file=sys.stderr)
            return 2
    if args.dry_run and report.status != "failed":
        print("Zestaw zmian (próba — nic nie zapisano):")
        for line in change_set_lines(report):
            print("  " + line)
    for message in report.errors:
        print(f"Uwaga: {message}", file=sys.stderr)
    _summary(report.run_id, report.status, report.planned, dict(report.counts), report.resumed)
    return 0 if report.status == "finished" else 2


ACTIONS: dict[str, Any] = {"krs": _krs, "bdl": _bdl, "file": _file}

COMMANDS = [
    Command(
        name="sync",
        help="pobierz dane z rejestrów publicznych (KRS, GUS BDL, listy) do przeglądu",
        handler=cmd_sync,
        arguments=_arguments,
    )
]
