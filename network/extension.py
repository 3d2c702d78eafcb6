"""What the cooperation network contributes: its API, its command, ties from accepted OWES
reports, and the demo network."""

from __future__ import annotations

from collections.abc import Sequence

from network import api, cli, dispatch, event_ties, report_ties
from ses.extensions import DemoContext, Extension


async def _demo(_context: DemoContext) -> Sequence[str]:
    from network.demo import load_network_demo

    network = await load_network_demo()
    return [f"Sieć współpracy: {network['ties']} relacji z lat 2024–2026 (zakończonych: {network['ended']})."]


EXTENSION = Extension(
    name="network",
    routes=api.ROUTES,
    commands=cli.COMMANDS,
    report_accepted=(report_ties.report_accepted,),
    report_withdrawn=(report_ties.report_withdrawn,),
    event_meetings=(event_ties.event_met,),
    demo=(_demo,),
    lifespans=(dispatch.index_lifespan,),
)
