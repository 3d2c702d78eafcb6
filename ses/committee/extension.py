"""What the regional committee contributes: its API and pages, the navigation link, its demo."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from ses.auth.policy import Role
from ses.committee import api, home, pages
from ses.extensions import DemoContext, Extension, NavLink


async def _demo(_context: DemoContext) -> Sequence[str]:
    from ses.committee.demo import load_committee_demo

    return await load_committee_demo()


EXTENSION = Extension(
    name="committee",
    routes=(*api.ROUTES, *pages.ROUTES),
    nav=(
        NavLink(
            "/komitet",
            "Komitet (RKRES): skład, posiedzenia, uchwały",
            frozenset({Role.COMMITTEE, Role.STAFF}),
            order=60,
        ),
    ),
    home_sections=(home.committee_box,),
    templates=Path(__file__).parent / "templates",
    demo=(_demo,),
)
