"""A run over an official list published as a file: read through its mapping, match, store.

The whole file is read and checked before anything is stored: a file that cannot be read, or whose
header lacks a mapped column, ends the run as failed with the message and no record. Each row then
goes through the same reconciliation as a KRS extract (KRS → NIP → REGON, name and gmina only as a
suggestion) and waits for staff on the same review pages. The run's window is the list's code and
the file's digest: an interrupted run of the same file resumes, and a rerun proposes nothing already
waiting for a decision.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Callable

from scrapers import review, runs
from scrapers.file_sources import mapping_of
from scrapers.filelist import ColumnMapping, ListProblem, ListRow, locate_header, read_grid, read_rows
from scrapers.krs_sync import Report
from scrapers.places import shipped_index
from scrapers.runs import Item
from ses.uploads import Limits, off_loop

SOURCE = "file"
BATCH = 200


def window_of(code: str, data: bytes) -> str:
    return f"{code}:{hashlib.sha256(data).hexdigest()[:16]}"


def item_of(row: ListRow) -> Item:
    raw = json.dumps({"wiersz": row.line, **row.cells}, ensure_ascii=False)
    if not row.usable:
        return Item(row.key, "error", problems=row.problems, raw=raw)
    return Item(
        row.key,
        "found",
        values=dict(row.values),
        facts=dict(row.facts),
        problems=row.problems,
        raw=raw,
        founder=dict(row.founder),
    )


def items_of(rows: list[ListRow]) -> list[Item]:
    """One item per row; a row repeating an earlier row's key is an error naming that row."""
    seen: dict[str, int] = {}
    items: list[Item] = []
    for row in rows:
        if row.key in seen:
            message = f"Wiersz {row.line} powtarza podmiot z wiersza {seen[row.key]}; pominięto."
            items.append(Item(f"{row.key[:30]}:w{row.line}"[:40], "error", problems=[message]))
            continue
        seen[row.key] = row.line
        items.append(item_of(row))
    return items


def read_list(
    mapping: ColumnMapping, data: bytes, filename: str, encoding: str | None, within: Limits | None
) -> tuple[list[Item], list[str]]:
    """(items, notes) of a list file read through its mapping (pure); ListProblem stops the list."""
    grid = read_grid(data, filename, encoding, within)
    header = locate_header(grid, mapping)
    items = items_of(read_rows(grid, header, mapping, shipped_index()))
    notes: list[str] = []
    if header.ignored:
        notes.append("Kolumny pliku pominięte (mapowanie ich nie wskazuje): " + ", ".join(
            f"„{name}”" for name in header.ignored) + ".")  # fmt: skip
    if not items:
        raise ListProblem(f"Pod nagłówkiem (wiersz {header.row + 1}) nie ma żadnego wiersza danych.")
    return items, notes


async def sync_file(
    code: str,
    data: bytes,
    filename: str = "",
    *,
    encoding: str | None = None,
    dry_run: bool = False,
    triggered_by: str = "ses sync file",
    on_progress: Callable[[int, int], None] | None = None,
    within: Limits | None = None,
) -> Report:
    """Read a list file (in a worker thread: a large or hostile file never stalls the event loop)
    and reconcile it; `within`: the upload limits when the file came through a page."""
    mapping = await mapping_of(code)  # NotFound for an unknown list: nothing is recorded
    report = Report(run_id=None)
    items: list[Item] = []
    notes: list[str] = []
    try:
        items, notes = await off_loop(read_list, mapping, data, filename, encoding, within)
    except ListProblem as error:
        report.status = "failed"
        report.errors.append(f"Lista „{mapping.name}” ({filename or 'plik'}) nie została wczytana: {error}")
    if not dry_run:
        report.run_id, report.resumed = await runs.open_run(
            SOURCE, window_of(code, data), f"{triggered_by} {code} {filename}".strip()
        )
        for message in report.errors + notes:
            await runs.add_run_error(report.run_id, message)
    report.errors += notes
    report.planned = len(items)
    if report.status == "failed":
        if report.run_id:
            report.counts = Counter(await runs.finish_run(report.run_id, "failed"))
        return report
    todo = items
    if report.run_id:
        if report.resumed:
            done = await runs.done_keys(report.run_id)
            todo = [item for item in items if item.key not in done]
        await runs.progress(report.run_id, planned=len(items), requests=1)
    finished = len(items) - len(todo)
    for start in range(0, len(todo), BATCH):
        chunk = todo[start : start + BATCH]
        if dry_run:
            outcomes = await runs.reconcile(chunk)
            report.outcomes += list(zip(chunk, outcomes, strict=True))
            report.counts.update(o.status if o else i.status for i, o in zip(chunk, outcomes, strict=True))
        else:
            assert report.run_id is not None
            report.counts.update(await runs.store(report.run_id, SOURCE, chunk))
            await runs.progress(report.run_id)
        finished += len(chunk)
        if on_progress:
            on_progress(finished, len(items))
    if report.run_id:
        await review.apply_automatic(report.run_id)
        report.counts = Counter(await runs.finish_run(report.run_id, report.status))
    return report
