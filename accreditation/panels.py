"""What accreditation shows on an organisation's register page: the OWES accreditation in force."""

from __future__ import annotations

from accreditation import services
from ses.extensions import Panel, RecordSubject


async def panel(subject: RecordSubject) -> Panel | None:
    current = await services.current_accreditation(subject.id)
    if current is None:
        return None
    partners = ", ".join(p["name"] for p in current.get("partners", [])) or "—"
    return Panel(
        title="Akredytacja OWES",
        rows=[
            ("Stan", current["state_label"]),
            ("Decyzja", f"{current['decision_number']} z {current['decision_date']}"),
            ("Ważna", f"{current['valid_from']} – {current['valid_to']}"),
            ("Nabór", current.get("call_edition") or "—"),
            ("Partnerzy", partners),
            ("Powiaty", ", ".join(current.get("powiat_codes") or []) or "—"),
        ],
    )
