"""What accreditation contributes: its API and pages, the register panel, the reporting windows,
the deadline reminder, its command and its demo."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from accreditation import api, cli, home, indicators, jobs, pages, panels, reporting_windows
from ses.auth.policy import Role
from ses.extensions import DemoContext, Extension, NavLink


async def _demo(context: DemoContext) -> Sequence[str]:
    from accreditation.demo import load_accreditation_demo

    loaded = await load_accreditation_demo(list(context.owes_ids))
    return [
        f"Akredytacje OWES: {len(context.owes_ids)} "
        f"(z weryfikacjami i opinią: {len(loaded.get('verifications', []))})."
    ]


EXTENSION = Extension(
    name="accreditation",
    routes=[*api.ROUTES, *pages.PAGES],
    commands=cli.COMMANDS,
    jobs=jobs.JOBS,
    record_panels=(panels.panel,),
    nav=(
        NavLink("/akredytacja", "Akredytacja", frozenset({Role.STAFF, Role.REVIEWER}), order=30),
        NavLink("/akredytacja", "Weryfikacja OWES", frozenset({Role.OWES}), order=30),
        NavLink(
            "/akredytacja/terminy", "Terminy akredytacji", frozenset({Role.STAFF, Role.REVIEWER}), order=31
        ),
    ),
    home_sections=home.HOME_SECTIONS,
    templates=Path(__file__).parent / "templates",
    reporting_windows=(reporting_windows.reporting_windows,),
    demo=(_demo,),
    indicators=indicators.INDICATORS,
    dashboard_panels=indicators.PANELS,
)
