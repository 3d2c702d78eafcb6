"""What the core contributes through the same contract as every other package."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from litestar.static_files import create_static_files_router

from ses import auth_cli, commands
from ses.auth.api import ROUTES as AUTH_API
from ses.auth.policy import Role, allow
from ses.extensions import DemoContext, Extension, NavLink, ScheduledJob
from ses.indicators import api as indicators_api
from ses.indicators import cli as indicators_cli
from ses.indicators import (
    index_api,
    index_pages,
    programme_api,
    programme_pages,
    snapshots,
    sroi_api,
    sroi_pages,
)
from ses.indicators import pages as indicator_pages
from ses.indicators.builtin import INDICATORS, PANELS
from ses.indicators.static_assets import maplibre_stylesheet, plotly_js, plotly_stylesheet
from ses.jobs import api as jobs_api
from ses.jobs import cli as jobs_cli
from ses.jobs import pages as jobs_pages
from ses.jobs.reminders import JOBS as REMINDERS
from ses.register.api import OrganisationController
from ses.register.expiry import expiry_job
from ses.territories.api import TerritoryController
from ses.web import admin_pages, home, import_pages, pages, register_list, register_pages
from ses.web.i18n import N_
from ses.web.meta import health, vocab

WEB = Path(__file__).parent / "web"


async def _sroi_proxies_demo(_context: DemoContext) -> Sequence[str]:
    from ses.indicators.demo import load_sroi_proxies

    return await load_sroi_proxies()


EXTENSION = Extension(
    name="ses",
    routes=(
        health,
        vocab,
        OrganisationController,
        TerritoryController,
        *pages.ROUTES,
        *admin_pages.ROUTES,
        *register_pages.ROUTES,
        *register_list.ROUTES,
        *import_pages.ROUTES,
        *AUTH_API,
        *jobs_api.ROUTES,
        *jobs_pages.ROUTES,
        *index_api.ROUTES,
        *sroi_api.ROUTES,
        *indicators_api.ROUTES,
        *programme_api.ROUTES,
        *indicator_pages.ROUTES,
        *index_pages.ROUTES,
        *sroi_pages.ROUTES,
        *programme_pages.ROUTES,
        plotly_js,
        plotly_stylesheet,
        maplibre_stylesheet,
        create_static_files_router(
            path="/static/ses",
            directories=[WEB / "static"],
            guards=[allow(Role.PUBLIC)],
            include_in_schema=False,
            name="ses-static",
        ),
    ),
    commands=(*commands.COMMANDS, *auth_cli.COMMANDS, *jobs_cli.COMMANDS, *indicators_cli.COMMANDS),
    jobs=(
        *REMINDERS,
        ScheduledJob(
            id="indicator-snapshot",
            run=snapshots.scheduled_snapshot,
            cron={"hour": 2, "minute": 30},
            title=N_("Zapis wartości wskaźników za bieżący rok (szereg czasowy)"),
            count_labels={
                "period": "okres",
                "indicators": "wskaźniki",
                "values": "wartości",
                "seconds": "sekundy",
            },
        ),
        ScheduledJob(
            "register-status-expiry",
            expiry_job,
            cron={"hour": 0, "minute": 5},
            title="Wygaszanie statusów, których termin upłynął (np. status CIS po 5 latach)",
            count_labels={"result": "wygaszone statusy"},
        ),
    ),
    nav=(
        NavLink("/rejestr", N_("Rejestr"), frozenset({Role.STAFF, Role.REVIEWER}), order=10),
        NavLink("/rejestr/import", N_("Import do rejestru"), frozenset({Role.STAFF}), order=11),
        NavLink("/admin/accounts", N_("Konta i tokeny API"), frozenset({Role.ADMIN}), order=90),
        NavLink("/zadania", N_("Zadania harmonogramu i przypomnienia"), frozenset({Role.STAFF}), order=85),
        NavLink("/panel", N_("Panel RKRES"), frozenset({Role.COMMITTEE, Role.STAFF, Role.REVIEWER}), order=5),
        NavLink(
            "/panel/indeks",
            N_("Indeks kondycji sektora"),
            frozenset({Role.COMMITTEE, Role.STAFF, Role.REVIEWER}),
            order=6,
        ),
        NavLink("/panel/program", N_("Program regionalny: wskaźniki"), frozenset({Role.STAFF}), order=8),
        NavLink(
            "/panel/sroi",
            N_("Wpływ społeczny (SROI)"),
            frozenset({Role.COMMITTEE, Role.STAFF, Role.REVIEWER}),
            order=7,
        ),
    ),
    home_sections=(home.recent_register_changes,),
    indicators=INDICATORS,
    dashboard_panels=PANELS,
    demo=(_sroi_proxies_demo,),
)
