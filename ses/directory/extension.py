"""What the directory of social services contributes: its maintenance API, the HSDS open data, the
residents' search page, the confirmation reminder, a panel on register records and its demo."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from ses.auth.policy import Role
from ses.directory import api, hsds_api, jobs, open_data_api, pages
from ses.extensions import DemoContext, Extension, NavLink, Panel, RecordSubject


async def _demo(_context: DemoContext) -> Sequence[str]:
    from ses.directory.demo import load_directory_demo

    count = await load_directory_demo()
    if not count:
        return []
    return [f"Katalog usług społecznych: {count} usług w gminach regionu demonstracyjnego — /uslugi, /hsds/."]


async def _panel(subject: RecordSubject) -> Panel | None:
    from ses.directory.services import confirmation_counts

    total, overdue = await confirmation_counts(subject.id)
    if not total:
        return None
    return Panel(
        title="Katalog usług społecznych",
        rows=[
            ("Usługi w katalogu", str(total)),
            ("Czekają na potwierdzenie aktualności", str(overdue)),
        ],
        link=(f"/api/v1/services?organisation_id={subject.id}", "Usługi organizacji (API)"),
    )


EXTENSION = Extension(
    name="directory",
    routes=(*api.ROUTES, *hsds_api.ROUTES, *open_data_api.ROUTES, *pages.ROUTES),
    jobs=jobs.JOBS,
    record_panels=(_panel,),
    nav=(NavLink("/uslugi", "Katalog usług społecznych", frozenset(Role), order=5),),
    templates=Path(__file__).parent / "templates",
    demo=(_demo,),
)
