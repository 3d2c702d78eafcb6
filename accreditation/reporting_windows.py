"""When an OWES owes reports: the date ranges of its accreditations, for the reporting follow-up.

`ses.reporting.followup` names this module in `WINDOW_MODULES` and embeds `windows_sql()` in its
follow-up query, so the expected reports are still counted in one SQL statement (`ses` does not
import this package; it only knows the module's name and this contract).

One row per accreditation that was ever in force, as lead applicant: from `valid_from` to
`valid_to`, cut at `ended_on` when it was withdrawn early. States: in force (accredited, under
verification, corrective actions — also when `valid_to` has passed and nobody marked it expired
yet), expired and withdrawn. Applications that never led to a decision (submitted, checked,
assessed) and refusals give no range; an OWES that has only those still gets one row with NULL
dates, which tells the follow-up "known here, never accredited": it owes no reports. Partners of a
partnership report through the lead, so only the lead organisation is listed.
"""

from __future__ import annotations

from accreditation.services import IN_FORCE

# States whose [valid_from, valid_to] was (or is) a period of accreditation.
WAS_ACCREDITED = (*IN_FORCE, "expired", "withdrawn")


def windows_sql() -> str:
    """A parameterless SELECT of (owes_id, starts_on, ends_on); no braces (Piccolo templates)."""
    states = ", ".join(f"'{state}'" for state in WAS_ACCREDITED)
    return (
        "SELECT a.organisation AS owes_id, a.valid_from AS starts_on, "
        "CASE WHEN a.state = 'withdrawn' AND a.ended_on IS NOT NULL AND a.ended_on < a.valid_to "
        "THEN a.ended_on ELSE a.valid_to END AS ends_on "
        "FROM acc_accreditation a "
        f"WHERE a.state IN ({states}) AND a.valid_from IS NOT NULL AND a.valid_to IS NOT NULL "
        "UNION ALL "
        "SELECT DISTINCT n.organisation AS owes_id, "
        "CAST(NULL AS DATE) AS starts_on, CAST(NULL AS DATE) AS ends_on "
        "FROM acc_accreditation n"
    )
