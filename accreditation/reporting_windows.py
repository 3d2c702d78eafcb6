"""When an OWES owes reports: the date ranges of its accreditations, for the reporting follow-up.

A `reporting_windows` source of accreditation's extension record: reporting asks it for
`ReportingWindow`s and counts the expected reports in its own SQL statement (`ses` never reads
accreditation's tables).

One window per accreditation that was ever in force, as lead applicant: from `valid_from` to
`valid_to`, cut at `ended_on` when it was withdrawn early. States: in force (accredited, under
verification, corrective actions — also when `valid_to` has passed and nobody marked it expired
yet), expired and withdrawn. Applications that never led to a decision (submitted, checked,
assessed) and refusals give no range; an OWES that has only those still gets one window with no
dates, which tells the follow-up "known here, never accredited": it owes no reports. Partners of a
partnership report through the lead, so only the lead organisation is listed.
"""

from __future__ import annotations

from accreditation.services import IN_FORCE
from accreditation.tables import Accreditation
from ses.extensions import ReportingWindow

# States whose [valid_from, valid_to] was (or is) a period of accreditation.
WAS_ACCREDITED = frozenset((*IN_FORCE, "expired", "withdrawn"))


async def reporting_windows() -> list[ReportingWindow]:
    rows = await Accreditation.select(
        Accreditation.organisation,
        Accreditation.state,
        Accreditation.valid_from,
        Accreditation.valid_to,
        Accreditation.ended_on,
    )
    windows = []
    known = set()
    for row in rows:
        owes_id = int(row["organisation"])
        known.add(owes_id)
        if row["state"] not in WAS_ACCREDITED or row["valid_from"] is None or row["valid_to"] is None:
            continue
        ends_on = row["valid_to"]
        if row["state"] == "withdrawn" and row["ended_on"] is not None and row["ended_on"] < ends_on:
            ends_on = row["ended_on"]
        windows.append(ReportingWindow(owes_id, row["valid_from"], ends_on))
    windows += [ReportingWindow(owes_id, None, None) for owes_id in sorted(known)]
    return windows
