"""The one way a package plugs into SES: a typed record of what it contributes.

Every package (the core itself included) declares one `Extension` in its `extension.py`. The
composition root (`ses/packages.py`) holds the one list of installed packages and calls `install()`
at start-up (the app factory, the CLI, the test set-up); the core reads contributions from
`installed()` and never imports an outer package or loads a module by name.

`install()` checks the contributions and refuses a malformed one at start-up with a message that
names the package: a route without a declared policy, two packages claiming the same URL and
method, two jobs, two commands or two indicators with the same name or code.
"""

from __future__ import annotations

import argparse
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ses.auth.policy import Role

if TYPE_CHECKING:  # types only: this module is imported before any table or service
    from ses.audit.services import Actor
    from ses.auth.policy import Principal
    from ses.indicators.model import Benchmark, DashboardPanel, Indicator
    from ses.reporting.contract import AcceptedReport


@dataclass(frozen=True)
class Command:
    """A subcommand of `ses`: `ses NAME …`."""

    name: str
    help: str
    handler: Callable[[argparse.Namespace], int]
    arguments: Callable[[argparse.ArgumentParser], None] = lambda _parser: None


@dataclass(frozen=True)
class ScheduledJob:
    """A job the scheduler runs (in exactly one process; see ses/scheduler.py)."""

    id: str
    run: Callable[[], Awaitable[Any]]
    cron: Mapping[str, Any] = field(default_factory=lambda: {"hour": 6, "minute": 0})
    """CronTrigger fields, in Polish time (the default: every day at 6:00)."""
    title: str = ""
    """What the job does, in Polish, for the pages that list jobs."""
    time_limit_minutes: float = 60
    """A run still going after this long is stopped and recorded as failed (never left running)."""
    reaches_outside: bool = False
    """The job calls a service outside the ROPS (a public register's API). Such jobs are scheduled only
    while `SES_EXTERNAL_JOBS` is on (the demo turns it off: its register is invented)."""
    count_labels: Mapping[str, str] = field(default_factory=dict)
    """Polish labels of the counts a run returns, for /zadania (the outbox's `sent` and `failed` are
    labelled by the core); a count without a label is shown by its key."""


@dataclass(frozen=True)
class Panel:
    """A box on a register record page (e.g. the OWES accreditation in force)."""

    title: str
    rows: Sequence[tuple[str, str]]
    link: tuple[str, str] | None = None


@dataclass(frozen=True)
class RecordSubject:
    """The organisation a record page shows: read once by the page and handed to every panel, so
    a panel reads only its own data (never the organisation again)."""

    id: int
    name: str
    kind: str
    is_owes: bool
    activity_state: str
    gmina_code: str | None = None


PanelSource = Callable[[RecordSubject], Awaitable[Panel | None]]
"""`await source(subject)`: the panel for that organisation, or None to show nothing."""


@dataclass(frozen=True)
class NavLink:
    """A link of the application's navigation, shown to the roles that may open it."""

    href: str
    label: str
    roles: frozenset[Role]
    order: int = 50


@dataclass(frozen=True)
class HomeSection:
    """A box on the start page that begins a person's day (e.g. "reports waiting for review").

    `items` are (label, link or None); `count` is shown big when given; `empty` is said when there
    are no items. Titles and labels are Polish (wrap them in `ses.web.i18n.gettext`)."""

    title: str
    items: Sequence[tuple[str, str | None]] = ()
    count: int | None = None
    link: tuple[str, str] | None = None
    empty: str = "Nic do zrobienia."
    order: int = 50


HomeSource = Callable[["Principal"], Awaitable[HomeSection | None]]
"""`await source(principal)`: the box for that signed-in person, or None when it is not theirs."""


@dataclass(frozen=True)
class ReportingWindow:
    """A date range in which an OWES was accredited, so owed its periodic reports.

    `starts_on`/`ends_on` both None: the provider knows this OWES but it was never accredited."""

    owes_id: int
    starts_on: date | None
    ends_on: date | None


WindowSource = Callable[[], Awaitable[Sequence[ReportingWindow]]]
ReportAccepted = Callable[["AcceptedReport", "Actor"], Awaitable[Mapping[str, Any] | None]]
"""Called inside the acceptance transaction; the mapping is kept in the report's register_links."""
ReportWithdrawn = Callable[[int, "Actor"], Awaitable[Any]]
"""Called inside the reopen transaction with the report's id: what the report brought leaves."""


@dataclass(frozen=True)
class CurrentTarget:
    """The baseline and target of a contributed indicator as they are set now (e.g. by staff on a
    page of the package), replacing the ones declared with the indicator."""

    baseline: Benchmark | None
    target: Benchmark | None


TargetSource = Callable[[], Awaitable[Mapping[str, CurrentTarget]]]
"""`await source()`: indicator code → its current baseline and target (codes not named keep theirs)."""


@dataclass(frozen=True)
class EventMeeting:
    """Organisations of the register that met at a networking event of the ROPS (a networking
    meeting, a study visit): a cooperation fact. Sent again whenever the participants change; an
    empty `organisation_ids` withdraws what the event brought."""

    activity_id: int
    title: str
    held_on: date
    organisation_ids: tuple[int, ...]


EventMet = Callable[[EventMeeting, "Actor"], Awaitable[Any]]
"""Called inside the transaction that changed the event's participants."""


@dataclass(frozen=True)
class DemoContext:
    """What the demo loader knows when a package's demo step runs (after the register is loaded)."""

    owes_ids: Sequence[int]


DemoStep = Callable[[DemoContext], Awaitable[Sequence[str]]]
"""Loads a package's demo data; returns the lines `ses demo` prints."""
Lifespan = Callable[[Any], AbstractAsyncContextManager[None]]
"""`async with lifespan(app):` around the server's life (as Litestar's own lifespan hooks)."""


@dataclass(frozen=True)
class Extension:
    """What one package contributes. Every field is optional; `name` names the package in errors."""

    name: str
    routes: Sequence[Any] = ()
    """Litestar route handlers, controllers or routers; every handler declares its policy."""
    commands: Sequence[Command] = ()
    jobs: Sequence[ScheduledJob] = ()
    record_panels: Sequence[PanelSource] = ()
    nav: Sequence[NavLink] = ()
    home_sections: Sequence[HomeSource] = ()
    """Boxes of the signed-in person's start page (`/`), each deciding itself whom it is for."""
    templates: Path | None = None
    """A folder of Jinja templates (`<package>/…`), found beside the shared layout."""
    report_accepted: Sequence[ReportAccepted] = ()
    report_withdrawn: Sequence[ReportWithdrawn] = ()
    reporting_windows: Sequence[WindowSource] = ()
    event_meetings: Sequence[EventMet] = ()
    demo: Sequence[DemoStep] = ()
    """Run in the order of the installed packages, after the register's demo organisations."""
    indicators: Sequence[Indicator] = ()
    """Indicator definitions (`ses.indicators.model.Indicator`) computed from this package's data;
    codes are unique across packages."""
    indicator_targets: Sequence[TargetSource] = ()
    """Read by the catalogue (`ses.indicators.services.full_catalogue()`) and kept like the values
    until a write commits, so a target changed in the package's own data shows on the next request
    in the API and on the dashboards."""
    dashboard_panels: Sequence[DashboardPanel] = ()
    """Sections of the committee's overview (`ses.indicators.model.DashboardPanel`)."""
    lifespans: Sequence[Lifespan] = ()
    """Background work that lives as long as the server (entered after the database is open, left
    before it closes), e.g. the network's region index kept fresh after every data change."""


class ContributionError(RuntimeError):
    """A package contributes something malformed: SES refuses to start."""


_installed: tuple[Extension, ...] | None = None


def install(extensions: Iterable[Extension]) -> tuple[Extension, ...]:
    """Check and install the packages' contributions (idempotent for the same list)."""
    global _installed
    found = tuple(extensions)
    check(found)
    _installed = found
    return found


def installed() -> tuple[Extension, ...]:
    if _installed is None:
        raise RuntimeError("SES packages are not installed: call ses.packages.install() at start-up.")
    return _installed


def check(extensions: Sequence[Extension]) -> None:
    """Refuse malformed contributions, naming the package (see the module docstring)."""
    problems: list[str] = []
    names = [ext.name for ext in extensions]
    problems += [f"package {name!r} is installed twice" for name in _repeated(names)]
    seen_jobs: dict[str, str] = {}
    seen_commands: dict[str, str] = {}
    seen_routes: dict[tuple[str, str], str] = {}
    seen_indicators: dict[str, str] = {}
    for ext in extensions:
        for job in ext.jobs:
            if job.id in seen_jobs:
                problems.append(
                    f"package {ext.name!r}: job id {job.id!r} is already used by {seen_jobs[job.id]!r}"
                )
            seen_jobs.setdefault(job.id, ext.name)
        for command in ext.commands:
            if command.name in seen_commands:
                problems.append(
                    f"package {ext.name!r}: command {command.name!r} is already "
                    f"contributed by {seen_commands[command.name]!r}"
                )
            seen_commands.setdefault(command.name, ext.name)
        for path, method, has_policy in _routes_of(ext.routes):
            if not has_policy:
                problems.append(
                    f"package {ext.name!r}: route {method} {path} declares no policy (guards=[allow(...)])"
                )
            key = (path, method)
            if key in seen_routes:
                problems.append(
                    f"package {ext.name!r}: route {method} {path} is already claimed by {seen_routes[key]!r}"
                )
            seen_routes.setdefault(key, ext.name)
        for indicator in ext.indicators:
            if indicator.code in seen_indicators:
                problems.append(
                    f"package {ext.name!r}: indicator {indicator.code!r} is already "
                    f"contributed by {seen_indicators[indicator.code]!r}"
                )
            seen_indicators.setdefault(indicator.code, ext.name)
        if ext.templates is not None and not ext.templates.is_dir():
            problems.append(f"package {ext.name!r}: template folder {ext.templates} does not exist")
    if problems:
        raise ContributionError("SES cannot start: " + "; ".join(problems))


def _repeated(values: Sequence[str]) -> list[str]:
    return sorted({value for value in values if values.count(value) > 1})


def _routes_of(
    handlers: Sequence[Any], prefix: str = "", guarded: bool = False
) -> list[tuple[str, str, bool]]:
    """(path, method, has a policy) of every route a contribution declares, without building an app."""
    from litestar import Controller, Router
    from litestar.handlers import HTTPRouteHandler

    from ses.auth.policy import policy_of_guards

    found: list[tuple[str, str, bool]] = []
    for item in handlers:
        if isinstance(item, Router):
            policy = guarded or policy_of_guards(item.guards) is not None
            for route in item.routes:  # a router's paths already carry its prefix
                for handler in getattr(route, "route_handlers", ()):
                    has_policy = policy or policy_of_guards(handler.guards) is not None
                    for method in sorted(handler.http_methods - {"HEAD", "OPTIONS"}):
                        found.append((_join(prefix, route.path), method, has_policy))
        elif isinstance(item, type) and issubclass(item, Controller):
            base = _join(prefix, item.path)
            policy = guarded or policy_of_guards(_declared(item, "guards")) is not None
            members = [value for value in vars(item).values() if isinstance(value, HTTPRouteHandler)]
            found += _routes_of(members, base, policy)
        elif isinstance(item, HTTPRouteHandler):
            policy = guarded or policy_of_guards(item.guards) is not None
            for path in item.paths:
                for method in sorted(item.http_methods - {"HEAD", "OPTIONS"}):
                    found.append((_join(prefix, path), method, policy))
        # websocket/ASGI handlers and static routers are checked by the route-policy test
    return found


def _declared(cls: type, name: str) -> Any:
    """A class attribute as a subclass declared it (Litestar's Controller keeps unset ones as slots)."""
    for klass in cls.__mro__:
        if name in vars(klass) and isinstance(value := vars(klass)[name], list | tuple):
            return value
    return None


def _join(prefix: str, path: str) -> str:
    return "/" + "/".join(part.strip("/") for part in (prefix, path) if part.strip("/"))
