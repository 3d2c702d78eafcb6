"""What the scrapers package contributes: sync commands and jobs, the review pages and API, the
register panel "Dane z KRS", and its demo."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from scrapers import api, cli, jobs, list_pages, pages, panels
from ses.auth.policy import Role
from ses.extensions import DemoContext, Extension, NavLink
from ses.web.i18n import N_


async def _demo(_context: DemoContext) -> Sequence[str]:
    from scrapers.demo import load_krs_demo

    return await load_krs_demo()


EXTENSION = Extension(
    name="scrapers",
    routes=(*api.ROUTES, *pages.ROUTES, *list_pages.ROUTES),
    commands=cli.COMMANDS,
    jobs=jobs.JOBS,
    record_panels=(panels.krs_panel,),
    nav=(
        NavLink(
            "/synchronizacja",
            N_("Synchronizacja z rejestrami publicznymi"),
            frozenset({Role.STAFF}),
            order=80,
        ),
    ),
    templates=Path(__file__).parent / "templates",
    demo=(_demo,),
)
