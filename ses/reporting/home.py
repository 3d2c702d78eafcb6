"""Reporting's boxes on the start page: for ROPS staff, the reports waiting for review and the
reports past their deadline; for an OWES, its reports returned for correction."""

from __future__ import annotations

from ses.auth.policy import Principal, Role
from ses.extensions import HomeSection
from ses.reporting import followup, services
from ses.reporting.workflow import State
from ses.web.i18n import gettext

ROPS = frozenset({Role.STAFF, Role.ADMIN})


async def waiting_for_review(user: Principal) -> HomeSection | None:
    if user.role not in ROPS:
        return None
    found = await services.list_reports(user, state=[State.SUBMITTED.value], page_size=6)
    return HomeSection(
        title=gettext("Sprawozdania czekające na przegląd"),
        count=found["total"],
        items=[(f"{row['period']} · {row['owes_name']}", f"/raporty/{row['id']}") for row in found["items"]],
        link=("/raporty?stan=submitted", gettext("Wszystkie złożone sprawozdania")),
        empty=gettext("Żadne sprawozdanie nie czeka na przegląd."),
        order=10,
    )


async def overdue_reports(user: Principal) -> HomeSection | None:
    if user.role not in ROPS:
        return None
    found = await followup.overdue(page_size=6)
    return HomeSection(
        title=gettext("Sprawozdania po terminie"),
        count=found["total"],
        items=[(f"{row['period']} · {row['owes_name']}", None) for row in found["items"]],
        link=("/raporty/monitoring", gettext("Monitoring terminowości")),
        empty=gettext("Wszystkie sprawozdania wpłynęły w terminie."),
        order=20,
    )


async def returned_to_owes(user: Principal) -> HomeSection | None:
    if user.role is not Role.OWES:
        return None
    found = await services.list_reports(user, state=[State.RETURNED.value], page_size=6)
    return HomeSection(
        title=gettext("Sprawozdania zwrócone do poprawy"),
        count=found["total"],
        items=[(row["period"], f"/raporty/{row['id']}") for row in found["items"]],
        empty=gettext("Żadne sprawozdanie nie czeka na poprawę."),
        order=10,
    )


HOME_SECTIONS = (waiting_for_review, overdue_reports, returned_to_owes)
