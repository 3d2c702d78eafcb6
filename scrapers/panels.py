"""The register record's box "Dane z KRS": what the last sync learnt that the register has no column for."""

from __future__ import annotations

from scrapers.queries import facts_of
from ses.extensions import Panel, RecordSubject


async def krs_panel(subject: RecordSubject) -> Panel | None:
    found = [row for row in await facts_of(subject.id) if row["source"] == "krs"]
    if not found:
        return None
    facts = found[0]["facts"]
    pkd = facts.get("pkd") or []
    rows = [
        ("Status organizacji pożytku publicznego (OPP)", "tak" if facts.get("opp") else "nie"),
        (
            "Rejestr KRS",
            {"P": "przedsiębiorców", "S": "stowarzyszeń i fundacji"}.get(facts.get("register"), "—"),
        ),
        ("Forma prawna w KRS", (facts.get("legal_form_text") or "—").lower()),
        ("PKD", ", ".join(pkd[:12]) + (f" (+{len(pkd) - 12})" if len(pkd) > 12 else "") if pkd else "—"),
        ("Stan danych KRS na dzień", found[0]["as_of"].strftime("%d.%m.%Y") if found[0]["as_of"] else "—"),
    ]
    return Panel(
        title="Dane z KRS", rows=rows, link=("/synchronizacja", "Synchronizacja z rejestrami publicznymi")
    )
