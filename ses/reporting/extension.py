"""What OWES reporting contributes: its API and pages, its command and its demo reports."""

from __future__ import annotations

from collections.abc import Sequence

from ses.auth.policy import Role
from ses.extensions import DemoContext, Extension, NavLink
from ses.reporting import api, cli, coverage, home, indicators, pages
from ses.web.i18n import N_

READERS = frozenset({Role.STAFF, Role.REVIEWER})


async def _demo(context: DemoContext) -> Sequence[str]:
    from ses.reporting.demo import load_reporting_demo
    from ses.reporting.sroi_demo import load_sroi_demo

    reports = await load_reporting_demo(list(context.owes_ids))
    sroi_lines = await load_sroi_demo(list(context.owes_ids))
    return [
        "Sprawozdania OWES z ośmiu kwartałów: "
        + ", ".join(f"{name} {count}" for name, count in reports.items())
        + ".",
        *sroi_lines,
    ]


EXTENSION = Extension(
    name="reporting",
    routes=(*api.ROUTES, *pages.ROUTES),
    commands=cli.COMMANDS,
    nav=(
        NavLink("/raporty", N_("Sprawozdania OWES"), READERS | {Role.OWES}, order=20),
        NavLink(
            "/raporty/monitoring", N_("Monitoring sprawozdań (kompletność, terminowość)"), READERS, order=21
        ),
    ),
    home_sections=home.HOME_SECTIONS,
    demo=(_demo,),
    indicators=(*indicators.INDICATORS, *coverage.INDICATORS),
    dashboard_panels=(*indicators.PANELS, *coverage.PANELS),
)
