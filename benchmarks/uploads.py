"""What the upload limits cost, and what the hostile files of issue 14 cost now (in one process).

    .venv/bin/python -m benchmarks.uploads [--rows 100000] [--xlsx-rows 10000] [--against COMMIT]

Reads the national register CSV of `--rows` rows (benchmarks.register's generator) and a jobs XLSX of
`--xlsx-rows` rows (benchmarks.reporting's) with `ses.uploads.read_table`, best of 3, and, with
`--against`, with the reader as it was at that commit (`ses/register/tabular.py`, before the
limits) in the same process, so both see the same machine load. Then the hostile files: three
million empty rows (0.03 MB zipped) and document properties of 315 MB, with the time to refusal and
the peak of Python allocations (tracemalloc). Prints a Markdown table.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
import tracemalloc
import types
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def best_of(times: int, func: Callable[[], Any]) -> float:
    best = float("inf")
    for _ in range(times):
        started = time.perf_counter()
        func()
        best = min(best, time.perf_counter() - started)
    return best


def old_reader(commit: str) -> Any:
    source = subprocess.run(
        ["git", "show", f"{commit}:ses/register/tabular.py"],
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    module = types.ModuleType("old_tabular")
    sys.modules["old_tabular"] = module  # dataclasses look their module up there
    exec(compile(source, "old_tabular.py", "exec"), module.__dict__)  # noqa: S102 - our own file at a commit
    return module.read_table


def refused(func: Callable[[], Any]) -> tuple[float, float, str]:
    tracemalloc.start()
    started = time.perf_counter()
    try:
        func()
        message = "not refused"
    except Exception as exc:  # the refusal is what is measured
        message = str(exc)[:80]
    took = time.perf_counter() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return took, peak / 2**20, message


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--xlsx-rows", type=int, default=10_000)
    parser.add_argument("--against", help="a commit whose reader (without limits) to compare with")
    args = parser.parse_args()
    os.environ.setdefault("SES_DATABASE_URL", "/tmp/ses-bench-uploads.sqlite")
    sys.path.insert(0, str(ROOT / "tests" / "ses"))
    from test_uploads import empty_rows_xlsx, huge_properties_xlsx  # type: ignore[import-not-found]

    from benchmarks.register import WORK, national_csv
    from benchmarks.reporting import jobs_xlsx
    from ses import uploads

    WORK.mkdir(parents=True, exist_ok=True)
    csv_path, _ = national_csv(args.rows)
    csv_bytes = csv_path.read_bytes()
    xlsx_bytes = jobs_xlsx(args.xlsx_rows, 1)
    readers = {"with limits (ses.uploads)": uploads.read_table}
    if args.against:
        readers[f"without limits ({args.against[:10]})"] = old_reader(args.against)
    print(f"\nload average before: {os.getloadavg()}\n")
    print(f"| reader | {args.rows}-row CSV ({len(csv_bytes) / 2**20:.1f} MB) | {args.xlsx_rows}-row XLSX |")
    print("|---|---|---|")
    for name, read in readers.items():
        csv_s = best_of(3, lambda read=read: read(csv_bytes, "rejestr.csv"))
        xlsx_s = best_of(3, lambda read=read: read(xlsx_bytes, "jobs.xlsx"))
        print(
            f"| {name} | {csv_s:.2f} s ({args.rows / csv_s:,.0f} rows/s) "
            f"| {xlsx_s:.2f} s ({args.xlsx_rows / xlsx_s:,.0f} rows/s) |"
        )
    print("\n| hostile file | zipped | refused after | peak Python memory | answer |")
    print("|---|---|---|---|---|")
    for name, content in (
        ("3,000,000 empty rows", empty_rows_xlsx(3_000_000)),
        ("docProps/core.xml of 315 MB", huge_properties_xlsx(315)),
    ):
        took, peak, message = refused(lambda content=content: uploads.read_table(content, "x.xlsx"))
        print(f"| {name} | {len(content) / 1024:.0f} KiB | {took:.2f} s | {peak:.1f} MiB | {message} |")
    print(f"\nload average after: {os.getloadavg()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
