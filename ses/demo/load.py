"""Loading the demo region into a database through the real services (import, statuses, figures).

Idempotent: organisations are generated only when the database holds no demo organisation yet, and
demo accounts only when missing, so `ses demo` can be run again on the same file.
"""

from __future__ import annotations

import random
from datetime import date
from typing import Any

from ses.audit.channel import Channel
from ses.audit.services import Actor
from ses.auth.policy import ROLE_LABELS, Role
from ses.auth.services import create_account, create_token
from ses.auth.tables import Account
from ses.demo.generator import IMPORT_COLUMNS
from ses.demo.regions import DEMO_VOIVODESHIP, region_gminas
from ses.demo.register import Register, generate_register, working_day
from ses.extensions import DemoContext, installed
from ses.register import obligation_services, status_services
from ses.register.importer import import_table
from ses.register.tables import Organisation
from ses.uploads import Table

DEMO_TOTAL = 1150  # PES; with gmina offices, OPS, PCPR, PUP and LGD about 1,500 records
DEMO_SEED = 2026
DEMO_PASSWORD = "ses-demo-2026"
DEMO_ACCOUNTS = (
    ("demo-pracownik", Role.STAFF),
    ("demo-weryfikator", Role.REVIEWER),
    ("demo-komitet", Role.COMMITTEE),
    ("demo-owes", Role.OWES),
    ("demo-admin", Role.ADMIN),
)
ACTOR = Actor(label="demo", channel=Channel.SYSTEM)


def demo_register(total: int = DEMO_TOTAL, seed: int = DEMO_SEED) -> Register:
    return generate_register(region_gminas(DEMO_VOIVODESHIP), total=total, seed=seed)


async def _annual_reports(org_ids: list[int], seed: int = DEMO_SEED) -> None:
    """Most annual reports came in during March, a few late, a few are still missing."""
    rng = random.Random(seed)
    for org_id in org_ids:
        for row in await obligation_services.annual_reports(org_id):
            roll = rng.random()
            if roll < 0.08 or date(row["year"] + 1, 4, 30) > date.today():
                continue
            day = (
                date(row["year"] + 1, 3, rng.randrange(1, 31)) if roll < 0.9 else date(row["year"] + 1, 4, 20)
            )
            await obligation_services.record_annual_report(
                org_id,
                {"status_type": row["status_type"], "year": row["year"], "submitted_on": working_day(day)},
                ACTOR,
            )


TRANSITION_REASONS = {
    "under_control": "Kontrola spełniania warunków statusu (art. 15 ustawy o ekonomii społecznej).",
    "lost": "Decyzja wojewody o utracie statusu: niespełnienie warunków (art. 16).",
    "active": "Kontrola zakończona: warunki statusu spełnione.",
}


async def _load_register(register: Register) -> int:
    table = Table(
        header=list(IMPORT_COLUMNS),
        rows=[(line, seed.row()) for line, seed in enumerate(register.organisations, start=2)],
        encoding="utf-8",
    )
    result = await import_table(table, Actor(label="demo", channel=Channel.IMPORT), is_demo=True)
    ids = result.ids_by_ref
    for status in register.statuses:
        org_id = ids[status.ref]
        recorded = await status_services.record_status(
            org_id,
            {
                "status_type": status.status_type,
                "state": status.state,
                "goal": status.goal,
                "decision_number": status.decision_number,
                "decision_date": status.decision_date,
                "granted_by": status.granted_by,
            },
            ACTOR,
        )
        for to_state, on_date, decision_number, final_date in status.transitions:
            await status_services.transition(
                org_id,
                recorded["id"],
                {
                    "to_state": to_state,
                    "on_date": on_date,
                    "decision_number": decision_number,
                    "final_date": final_date,
                    "reason": TRANSITION_REASONS.get(to_state),
                },
                ACTOR,
            )
    await _annual_reports(sorted({ids[status.ref] for status in register.statuses}))
    for figures in register.figures:
        await status_services.put_figures(
            ids[figures.ref],
            figures.year,
            {
                "employees": figures.employees,
                "employees_at_risk": figures.employees_at_risk,
                "employees_disabled": figures.employees_disabled,
                "revenue_pln": figures.revenue_pln,
                "market_revenue_pln": figures.market_revenue_pln,
            },
            ACTOR,
            source="demo",
        )
    return result.created


async def _load_activity() -> list[str]:
    """What the installed packages add to the demo region (accreditations, reports, the network),
    in the order of the installed packages."""
    rows = await (
        Organisation.select(Organisation.id)
        .where((Organisation.is_demo == True) & (Organisation.is_owes == True))  # noqa: E712
        .order_by(Organisation.id)
    )
    context = DemoContext(owes_ids=tuple(row["id"] for row in rows))
    lines: list[str] = []
    for extension in installed():
        for step in extension.demo:
            lines += await step(context)
    # Last, over everything the packages brought: the programme's targets and the time series.
    from ses.indicators.demo import load_indicator_demo
    from ses.indicators.pages import region_code

    lines += await load_indicator_demo(await region_code())
    return lines


async def _demo_owes() -> dict[str, Any] | None:
    return await (
        Organisation.select(Organisation.id, Organisation.name)
        .where((Organisation.is_demo == True) & (Organisation.is_owes == True))  # noqa: E712
        .order_by(Organisation.id)
        .first()
    )


async def ensure_accounts() -> list[tuple[str, Role, int, str | None]]:
    """The demo accounts (created when missing): (username, role, account id, OWES name)."""
    owes = await _demo_owes()
    accounts = []
    for username, role in DEMO_ACCOUNTS:
        organisation_id = owes["id"] if role is Role.OWES and owes else None
        if role is Role.OWES and organisation_id is None:
            continue
        row = await Account.select(Account.id).where(Account.username == username).first()
        if row is None:
            account_id = await create_account(
                username=username,
                role=role,
                password=DEMO_PASSWORD,
                display_name=f"{ROLE_LABELS[role].capitalize()} (demo)",
                organisation_id=organisation_id,
                actor=ACTOR,
            )
        else:
            account_id = row["id"]
        accounts.append((username, role, account_id, owes["name"] if organisation_id and owes else None))
    return accounts


async def load_demo(total: int = DEMO_TOTAL, seed: int = DEMO_SEED) -> list[str]:
    """Load the demo region (once) and its accounts; returns the lines `ses demo` prints."""
    already = await Organisation.count().where(Organisation.is_demo == True)  # noqa: E712
    created = 0
    activity: list[str] = []
    if not already:
        created = await _load_register(demo_register(total, seed))
        activity = await _load_activity()
    demo_count = already or created
    accounts = await ensure_accounts()
    staff_id = next(account_id for username, role, account_id, _ in accounts if role is Role.STAFF)
    token, _ = await create_token(account_id=staff_id, name="demo", valid_days=30, actor=ACTOR)
    state = "wczytano" if created else "już były w bazie"
    lines = [
        f"Dane demonstracyjne (województwo kujawsko-pomorskie): {demo_count} organizacji ({state}).",
        *activity,
        f"Konta demonstracyjne (hasło dla wszystkich: {DEMO_PASSWORD}):",
    ]
    for username, role, _, owes_name in accounts:
        extra = f" — {owes_name}" if owes_name else ""
        lines.append(f"  {username:<18} {role.value:<10} {ROLE_LABELS[role]}{extra}")
    lines.append(f"Token API konta demo-pracownik (ważny 30 dni): {token}")
    lines.append(
        "  np. curl -H 'Authorization: Bearer <token>' "
        "'<adres>/api/v1/organisations?territory=0463&q=fundacja'"
    )
    return lines
