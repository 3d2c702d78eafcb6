"""What the ROPS's support work contributes: its API and pages, navigation, and its demo year."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from ses.activities import api, framework, pages
from ses.auth.policy import Role
from ses.extensions import DemoContext, Extension, NavLink


async def _demo(_context: DemoContext) -> Sequence[str]:
    from ses.activities.demo import load_activities_demo

    return await load_activities_demo()


EXTENSION = Extension(
    name="activities",
    routes=(*api.ROUTES, *pages.ROUTES),
    nav=(
        NavLink("/dzialania", "Działania ROPS: szkolenia i sieciowanie", frozenset({Role.STAFF}), order=70),
        NavLink(
            "/dzialania/wskazniki", "Wskaźniki projektu", frozenset({Role.COMMITTEE, Role.STAFF}), order=71
        ),
    ),
    templates=Path(__file__).parent / "templates",
    demo=(_demo,),
    indicators=framework.INDICATORS,
    indicator_targets=(framework.current_targets,),
    dashboard_panels=framework.PANELS,
)
