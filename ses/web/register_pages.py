"""The register record as a page: the organisation, its legal statuses, and panels that other
packages contribute (e.g. the OWES's accreditation in force), each from its own service.

Panels come from the `record_panels` of each installed package's extension record: an async
function of the organisation's id answering a `Panel`, or None to show nothing.
"""

from __future__ import annotations

from typing import Any

from litestar import Request, get
from litestar.params import FromPath
from litestar.response import Template

from ses.auth.policy import Role, allow
from ses.extensions import Panel, installed
from ses.register import services, status_services
from ses.register.statuses import MACHINES, STATE_LABELS
from ses.register.vocab import ACTIVITY_STATE_LABELS, KIND_LABELS, LEGAL_FORM_LABELS
from ses.web.context import principal
from ses.web.pages import page


async def panels(org_id: int) -> list[Panel]:
    found = []
    for extension in installed():
        for source in extension.record_panels:
            panel = await source(org_id)
            if panel is not None:
                found.append(panel)
    return found


def _label(labels: dict[Any, str], value: Any) -> str:
    return next((label for key, label in labels.items() if getattr(key, "value", key) == value), value or "—")


@get("/rejestr/{org_id:int}", guards=[allow(Role.REVIEWER, Role.STAFF, Role.OWES)], include_in_schema=False)
async def record_page(request: Request[Any, Any, Any], org_id: FromPath[int]) -> Template:
    services.ensure_visible(principal(request), org_id)
    org = await services.get(org_id)
    facts = [
        ("Rodzaj", _label(KIND_LABELS, org["kind"])),
        ("Litera PES (art. 2 pkt 5)", org.get("pes_letter") or "—"),
        ("Forma prawna", _label(LEGAL_FORM_LABELS, org.get("legal_form"))),
        ("Działalność", _label(ACTIVITY_STATE_LABELS, org.get("activity_state"))),
        ("KRS / NIP / REGON", " / ".join(org.get(k) or "—" for k in ("krs", "nip", "regon"))),
        ("Gmina (TERYT)", f"{org.get('locality') or ''} ({org.get('gmina_code') or '—'})"),
    ]
    statuses = [
        {
            "type": (
                MACHINES[row["status_type"]].label if row["status_type"] in MACHINES else row["status_type"]
            ),
            "state": STATE_LABELS.get(row["state"], row["state"]),
            "decision": row.get("decision_number") or "—",
            "valid": f"{row.get('valid_from') or '—'} – {row.get('valid_to') or '—'}",
        }
        for row in await status_services.list_statuses(org_id)
    ]
    return page(
        request,
        "register_record.html.j2",
        org=org,
        facts=facts,
        statuses=statuses,
        panels=await panels(org_id),
    )


ROUTES = [record_page]
