"""`ses jobs …`: list the scheduled jobs, or run one now or for a given slot.

ses jobs list
ses jobs run scrapers.krs_nightly                   # a manual run (always runs)
ses jobs run ses.cis_status_ending --slot 2026-12-06T05:45:00+00:00   # as the scheduler would: once per slot
"""

from __future__ import annotations

import argparse
from datetime import datetime

from ses.commands import run_async
from ses.extensions import Command


def _arguments(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="action", required=True)
    sub.add_parser("list", help="zadania, ich harmonogram i następne uruchomienie")
    run = sub.add_parser("run", help="uruchom zadanie teraz (albo dla podanego terminu — raz na termin)")
    run.add_argument("job_id")
    run.add_argument(
        "--slot", type=datetime.fromisoformat, default=None, help="termin RRRR-MM-DDTGG:MM:SS+00:00"
    )


def cmd_jobs(args: argparse.Namespace) -> int:
    return int(run_async(_jobs(args)))


async def _jobs(args: argparse.Namespace) -> int:
    from ses import scheduler
    from ses.jobs.services import cron_text, pl_time

    if args.action == "list":
        for job in scheduler.scheduled_jobs():
            print(f"{job.id}\t{cron_text(job)}\tnastępne: {pl_time(scheduler.next_run(job))}\t{job.title}")
        return 0
    job = scheduler.job_by_id(args.job_id)
    if job is None:
        print(f"Nie ma zadania „{args.job_id}”.")
        return 1
    if args.slot is None:
        run_id = await scheduler.run_now(job, wait=True)
        print(f"Zadanie {job.id}: przebieg nr {run_id}.")
        return 0
    run_id, status = await scheduler.run_slot(job, args.slot)
    if run_id is None:
        print(f"Zadanie {job.id}: termin {args.slot.isoformat()} obsługuje już inny proces — pominięto.")
        return 0
    print(f"Zadanie {job.id}: przebieg nr {run_id}, wynik: {status}.")
    return 0 if status == "finished" else 1


COMMANDS = (
    Command(
        name="jobs", help="zadania harmonogramu: lista, uruchomienie", handler=cmd_jobs, arguments=_arguments
    ),
)
