"""A KRS sync: the numbers to ask for (given, or from the bulletins of a window), each extract
fetched politely, parsed, matched and stored — every fault kept on its number or on the run.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import httpx

from scrapers import krs, review, runs
from scrapers.http import build_client, krs_source
from scrapers.places import shipped_index
from scrapers.runs import Item
from ses.register.tables import Organisation

SOURCE = "krs"
BATCH = 200
CONCURRENCY = 8
DOWN_AFTER = 5
"""Consecutive connection failures after which the source counts as down and the run stops."""


@dataclass
class Report:
    run_id: int | None
    resumed: bool = False
    status: str = "finished"
    planned: int = 0
    counts: Counter[str] = field(default_factory=Counter)
    errors: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)
    outcomes: list[tuple[Item, Any]] = field(default_factory=list)
    """Dry runs only: each item with its outcome (nothing stored)."""


def item_from(fetched: krs.Fetched) -> Item:
    """Parse an answer into an item; a malformed answer becomes an error item with the raw text."""
    if fetched.outcome == "not_found":
        return Item(
            fetched.number,
            "not_found",
            http_status=fetched.status,
            problems=["Nie ma takiego numeru w rejestrze P ani S KRS (odpowiedź 404)."],
        )
    if fetched.outcome == "deregistered":
        return Item(
            fetched.number,
            "deregistered",
            http_status=204,
            problems=["Podmiot wykreślony z KRS (odpowiedź 204)."],
        )
    try:
        extract = krs.parse_extract(fetched.text)
    except krs.MalformedPayload as error:
        return Item(
            fetched.number, "error", raw=fetched.text, http_status=fetched.status, problems=[str(error)]
        )
    values = extract.register_values()
    problems = list(extract.problems)
    place = shipped_index().resolve(
        extract.seat.voivodeship, extract.seat.powiat, extract.seat.gmina, extract.seat.locality
    )
    if place.gmina_code:
        values["gmina_code"] = place.gmina_code
    if place.problem:
        problems.append(place.problem)
    if place.note:
        problems.append(place.note)
    values["kind"] = extract.kind
    return Item(
        extract.krs,
        "found",
        values=values,
        facts={
            "opp": extract.opp,
            "pkd": extract.pkd,
            "register": extract.register,
            "legal_form_text": extract.legal_form_text,
        },
        problems=problems,
        raw=fetched.text,
        http_status=200,
        as_of=extract.as_of,
    )


def window_of(numbers: Sequence[str] | None, since: date | None, until: date | None) -> str:
    if numbers:
        digest = hashlib.sha1(",".join(sorted(numbers)).encode()).hexdigest()[:12]
        return f"numbers:{len(numbers)}:{digest}"
    return f"bulletin:{since}:{until}"


P_FORMS = frozenset({"spoldzielnia", "spolka_zoo", "spolka_akcyjna"})
"""Legal forms entered in register P (companies, cooperatives); the others live in register S."""


async def held_numbers(numbers: Sequence[str]) -> dict[str, str]:
    """Those of `numbers` the register holds, each with the KRS register to ask first (P or S).

    A number lives in one register and asking the other costs a 404; the legal form in the register
    says which to try first, so a refresh usually costs one request per organisation.
    """
    held: dict[str, str] = {}
    for start in range(0, len(numbers), 500):
        chunk = list(numbers[start : start + 500])
        rows = await Organisation.select(Organisation.krs, Organisation.legal_form).where(
            Organisation.krs.is_in(chunk)
        )
        held.update({row["krs"]: "P" if row["legal_form"] in P_FORMS else "S" for row in rows})
    return held


async def _fetch_one(client: httpx.AsyncClient, number: str, first: str = "P") -> tuple[Item, bool]:
    """(item, whether the source could not be reached)."""
    try:
        return item_from(await krs.fetch_extract(client, number, first)), False
    except httpx.TimeoutException:
        return Item(number, "error", problems=["Źródło nie odpowiedziało w czasie (po ponowieniach)."]), False
    except (httpx.ConnectError, httpx.RemoteProtocolError, httpx.ReadError) as error:
        return Item(number, "error", problems=[f"Nie można połączyć się ze źródłem: {error}."]), True
    except httpx.HTTPStatusError as error:
        status = error.response.status_code
        return Item(
            number,
            "error",
            http_status=status,
            problems=[f"Źródło odpowiedziało błędem {status} (po ponowieniach)."],
        ), status >= 500


async def sync_krs(
    *,
    numbers: Sequence[str] | None = None,
    since: date | None = None,
    until: date | None = None,
    dry_run: bool = False,
    client: httpx.AsyncClient | None = None,
    triggered_by: str = "ses sync krs",
    on_progress: Callable[[int, int], None] | None = None,
    is_demo: bool = False,
) -> Report:
    """Run a KRS sync (see the module docstring); `until` defaults to yesterday."""
    own_client = client is None
    client = client or build_client(krs_source())
    report = Report(run_id=None)
    try:
        return await _sync(client, report, numbers, since, until, dry_run, triggered_by, on_progress, is_demo)
    finally:
        if own_client:
            await client.aclose()


async def _sync(
    client: httpx.AsyncClient,
    report: Report,
    numbers: Sequence[str] | None,
    since: date | None,
    until: date | None,
    dry_run: bool,
    triggered_by: str,
    on_progress: Callable[[int, int], None] | None,
    is_demo: bool,
) -> Report:
    wanted, refused = krs.unique_numbers(numbers or [])
    report.refused = refused
    if numbers is None and since is None:
        since = date.today() - timedelta(days=1)
    until = until or (date.today() - timedelta(days=1))
    window = window_of(wanted, since, until)
    if not dry_run:
        report.run_id, report.resumed = await runs.open_run(SOURCE, window, triggered_by, is_demo=is_demo)
        for message in refused:
            await runs.add_run_error(report.run_id, message)
    requests = 0
    if not wanted and since is not None:
        day = since
        bulletin: dict[str, None] = {}
        while day <= until:
            try:
                for number in await krs.fetch_bulletin(client, day):
                    bulletin.setdefault(number, None)
            except (httpx.HTTPError, krs.MalformedPayload) as error:
                message = f"Biuletyn KRS z {day.isoformat()} nie został pobrany: {error}"
                report.errors.append(message)
                if report.run_id:
                    await runs.add_run_error(report.run_id, message)
            requests += 1
            day += timedelta(days=1)
        held = await held_numbers(list(bulletin))
        wanted = [number for number in bulletin if number in held]
    else:
        held = await held_numbers(wanted)
    todo = wanted
    if report.run_id and report.resumed:
        done = await runs.done_keys(report.run_id)
        todo = [n for n in wanted if n not in done]
    report.planned = len(wanted)
    if report.run_id:
        await runs.progress(report.run_id, planned=len(wanted), requests=requests)
    finished = len(wanted) - len(todo)
    down_streak = 0
    gate = asyncio.Semaphore(CONCURRENCY)

    async def one(number: str) -> tuple[Item, bool]:
        async with gate:
            return await _fetch_one(client, number, held.get(number, "P"))

    chunks = [todo[start : start + BATCH] for start in range(0, len(todo), BATCH)]

    def fetch(index: int) -> asyncio.Future[list[tuple[Item, bool]]] | None:
        if index >= len(chunks):
            return None
        return asyncio.ensure_future(asyncio.gather(*(one(n) for n in chunks[index])))

    # The next batch is fetched while this one is matched and stored: the source (or the stand-in)
    # answers while the database works, instead of each waiting for the other.
    ahead = fetch(0)
    try:
        for index, chunk in enumerate(chunks):
            assert ahead is not None
            fetched = await ahead
            ahead = fetch(index + 1)
            items = [item for item, _ in fetched]
            for _, unreachable in fetched:
                down_streak = down_streak + 1 if unreachable else 0
            if dry_run:
                outcomes = await runs.reconcile(items)
                report.outcomes += list(zip(items, outcomes, strict=True))
                pairs = list(zip(items, outcomes, strict=True))
                report.counts.update(o.status if o else i.status for i, o in pairs)
            else:
                assert report.run_id is not None
                report.counts.update(await runs.store(report.run_id, SOURCE, items))
                await runs.progress(report.run_id, requests=len(chunk))
                await review.apply_automatic(report.run_id)
            finished += len(chunk)
            if on_progress:
                on_progress(finished, len(wanted))
            if down_streak >= DOWN_AFTER:
                message = (
                    f"Źródło KRS niedostępne ({down_streak} kolejnych nieudanych połączeń); "
                    f"przerwano po {finished} z {len(wanted)} numerów — "
                    "następne uruchomienie wznowi przebieg."
                )
                report.errors.append(message)
                report.status = "interrupted"
                if report.run_id:
                    await runs.add_run_error(report.run_id, message)
                break
    finally:
        if ahead is not None and not ahead.done():  # dropped: a resumed run asks for it again
            ahead.cancel()
            await asyncio.gather(ahead, return_exceptions=True)
    if report.run_id:
        # an interrupted run stays resumable: the same window picks up the numbers not yet recorded
        report.counts = Counter(await runs.finish_run(report.run_id, report.status))
    return report


def change_set_lines(report: Report) -> list[str]:
    """The change set of a dry run, one line per change (for the command line)."""
    lines: list[str] = []
    for item, outcome in report.outcomes:
        if outcome is None:
            lines.append(f"{item.key}: {item.status} — {'; '.join(item.problems)}")
            continue
        head = f"{item.key}: {outcome.status}" + (
            f" (organizacja {outcome.organisation_id})" if outcome.organisation_id else ""
        )
        lines.append(head)
        for change in outcome.changes:
            mark = " [KONFLIKT]" if change.is_conflict else ""
            lines.append(
                f"    {change.field}: {json.dumps(change.old, ensure_ascii=False)} → "
                f"{json.dumps(change.new, ensure_ascii=False)}{mark}"
            )
        for problem in item.problems:
            lines.append(f"    ! {problem}")
    return lines
