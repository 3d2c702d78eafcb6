"""What the cooperation network contributes: its API, its page (/siec) with its stylesheet, its
command, ties from accepted OWES reports and networking events, the demo network, and the region
index kept fresh."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from litestar.static_files import create_static_files_router

from network import api, cli, dispatch, event_ties, indicators, pages, report_ties
from ses.auth.policy import Role, allow
from ses.extensions import DemoContext, Extension, NavLink

HERE = Path(__file__).parent


async def _demo(_context: DemoContext) -> Sequence[str]:
    from network.demo import load_network_demo

    network = await load_network_demo()
    return [f"Sieć współpracy: {network['ties']} relacji z lat 2024–2026 (zakończonych: {network['ended']})."]


EXTENSION = Extension(
    name="network",
    routes=(
        *api.ROUTES,
        *pages.ROUTES,
        create_static_files_router(
            path="/static/network",
            directories=[HERE / "static"],
            guards=[allow(Role.PUBLIC)],
            include_in_schema=False,
            name="network-static",
        ),
    ),
    commands=cli.COMMANDS,
    nav=(
        NavLink(
            "/siec",
            "Sieć współpracy",
            frozenset({Role.STAFF, Role.REVIEWER, Role.COMMITTEE, Role.OWES}),
            order=40,
        ),
    ),
    templates=HERE / "templates",
    report_accepted=(report_ties.report_accepted,),
    report_withdrawn=(report_ties.report_withdrawn,),
    event_meetings=(event_ties.event_met,),
    demo=(_demo,),
    lifespans=(dispatch.index_lifespan,),
    indicators=indicators.INDICATORS,
    dashboard_panels=indicators.PANELS,
)
