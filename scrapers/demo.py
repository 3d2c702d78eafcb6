"""The demo's KRS change set: recorded KRS answers served by a local stand-in, reconciled into the
demo register, and left waiting for staff (marked as a demonstration; nothing leaves the machine).

The stand-in answers for a few demo organisations with the recorded foundation's extract re-labelled
with their number, name and seat, and some fields changed (an address, a web site, a postal code);
one has a correction a person made later (a conflict), one was deregistered (204), one number is
unknown (404), and the recorded company (KRS 0001268296) comes as a new organisation.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from scrapers.standin import StandIn, sample, serving, with_number
from scrapers.tables import SyncRun
from ses.audit.services import Actor
from ses.register import services as register
from ses.register.tables import Organisation
from ses.register.vocab import Channel
from ses.territories.tables import Territory

UNKNOWN = "0000999001"


async def _seat(gmina_code: str) -> dict[str, str]:
    codes = [gmina_code[:2], gmina_code[:4], gmina_code]
    names = {
        row["code"]: row["name"]
        for row in await Territory.select(Territory.code, Territory.name).where(Territory.code.is_in(codes))
    }
    return {
        "kraj": "POLSKA",
        "wojewodztwo": names.get(codes[0], "").upper(),
        "powiat": names.get(codes[1], "").upper(),
        "gmina": names.get(codes[2], "").upper(),
        "miejscowosc": names.get(codes[2], "").upper(),
    }


async def load_krs_demo() -> Sequence[str]:
    if await SyncRun.count().where(SyncRun.is_demo == True):  # noqa: E712
        return ["Synchronizacja z KRS (demonstracja): przebieg już jest w bazie."]
    orgs: list[dict[str, Any]] = await (
        Organisation.select()
        .where(
            (Organisation.is_demo == True)  # noqa: E712
            & Organisation.krs.is_not_null()
            & Organisation.kind.is_in(["foundation", "association"])
        )
        .order_by(Organisation.id)
        .limit(5)
    )
    if len(orgs) < 4:
        return []
    template = sample("current-S-0000030897-wosp.json")
    stand_in = StandIn()
    conflicted, gone = orgs[1], orgs[2]
    for index, org in enumerate(orgs):
        if org is gone:
            stand_in.deregistered.add(org["krs"])
            continue
        seat = await _seat(org["gmina_code"])
        street = f"UL. {('LIPOWA', 'KOŚCIUSZKI', 'DŁUGA', 'POLNA', 'MOSTOWA')[index]}"
        address = {
            "ulica": street,
            "nrDomu": str(3 + index),
            "miejscowosc": seat["miejscowosc"],
            "kodPocztowy": org["postal_code"] or "87-100",
            "poczta": seat["miejscowosc"],
            "kraj": "POLSKA",
        }
        text = with_number(
            template,
            org["krs"],
            nazwa=org["name"].upper(),
            formaPrawna="FUNDACJA" if org["kind"] == "foundation" else "STOWARZYSZENIE",
            nip=org["nip"] or "",
            siedziba=seat,
            adres=address,
            stanZDnia="01.09.2026",
            dataRejestracjiWKRS=org["registered_on"].strftime("%d.%m.%Y") if org["registered_on"] else "",
            adresStronyInternetowej=f"WWW.KRS-DEMO-{index + 1}.EXAMPLE",
        )
        stand_in.add(org["krs"], "S", text)
    # a person corrected this organisation's street after the KRS data's date: a conflict
    await register.update(
        conflicted["id"],
        {"street": "ul. Szeroka 12 (poprawione przez ROPS)"},
        conflicted["version"],
        Actor("demo-pracownik", Channel.WEB),
    )
    stand_in.add("0001268296", "P", sample("current-P-0001268296.json"))
    numbers = [org["krs"] for org in orgs] + [UNKNOWN, "0001268296"]
    from scrapers.http import Source, build_client
    from scrapers.krs_sync import sync_krs

    with serving(stand_in) as running:
        client = build_client(Source("krs", running.url, 0))
        try:
            report = await sync_krs(numbers=numbers, client=client, triggered_by="demonstracja", is_demo=True)
        finally:
            await client.aclose()
    return [
        f"Synchronizacja z KRS (demonstracja, nagrane odpowiedzi z lokalnego serwera): przebieg nr "
        f"{report.run_id}, {report.counts.get('changes_pending', 0)} zmian czeka na przegląd "
        "pod /synchronizacja."
    ]
