"""`ses demo` loads the region through the real services, once, with one account per role."""

from __future__ import annotations

import pytest

from ses.auth.policy import Role
from ses.auth.services import verify_password
from ses.auth.tables import Account
from ses.demo.load import DEMO_ACCOUNTS, DEMO_PASSWORD, load_demo
from ses.register.tables import Organisation

pytestmark = pytest.mark.anyio


async def test_demo_loads_once_and_serves_every_role(client):
    lines = await load_demo(total=200)
    loaded = await Organisation.count().where(Organisation.is_demo == True)  # noqa: E712
    assert loaded > 200  # PES plus offices, OPS, PCPR, PUP, LGD
    assert any("wczytano" in line for line in lines)
    again = await load_demo(total=200)
    assert await Organisation.count().where(Organisation.is_demo == True) == loaded  # noqa: E712
    assert any("już były" in line for line in again)

    accounts = await Account.select(
        Account.username, Account.role, Account.password_hash, Account.organisation
    ).where(Account.username.is_in([name for name, _ in DEMO_ACCOUNTS]))
    assert {row["role"] for row in accounts} == {role.value for _, role in DEMO_ACCOUNTS}
    assert all(verify_password(row["password_hash"], DEMO_PASSWORD) for row in accounts)
    assert all(DEMO_PASSWORD in line for line in lines if "hasło" in line)

    token = next(line.split(": ")[1] for line in again if line.startswith("Token API"))
    headers = {"Authorization": f"Bearer {token}"}
    page = await client.get(
        "/api/v1/organisations",
        params={"territory": "04", "facets": "kind,ps_state,unit_state"},
        headers=headers,
    )
    assert page.status_code == 200
    body = page.json()
    assert body["total"] == loaded - await Organisation.count().where(
        (Organisation.is_demo == True) & (Organisation.activity_state == "retired")  # noqa: E712
    )
    assert body["facets"]["kind"]["association"] > body["facets"]["kind"]["foundation"]
    assert set(body["facets"]["unit_state"]) >= {"active"}
    assert all(item["is_demo"] for item in body["items"])

    owes_row = next(row for row in accounts if row["role"] == Role.OWES.value)
    owes = (
        await Organisation.select(Organisation.is_owes, Organisation.name)
        .where(Organisation.id == owes_row["organisation"])
        .first()
    )
    assert owes["is_owes"]


async def test_demo_units_point_at_their_running_bodies_and_carry_statuses(client, staff):
    await load_demo(total=200)
    units = await client.get("/api/v1/organisations", params={"pes_letter": "b,c"}, headers=staff.headers)
    assert units.json()["total"] > 0
    for item in units.json()["items"]:
        assert item["founder_id"] is not None
        statuses = (
            await client.get(f"/api/v1/organisations/{item['id']}/statuses", headers=staff.headers)
        ).json()
        assert statuses and statuses[0]["status_type"] == item["kind"]
        assert statuses[0]["decision_number"]
    ps = await client.get(
        "/api/v1/organisations", params={"ps_state": "active,under_control,lost"}, headers=staff.headers
    )
    assert ps.json()["total"] >= 1
    first = ps.json()["items"][0]["id"]
    history = (await client.get(f"/api/v1/organisations/{first}/history", headers=staff.headers)).json()
    assert {entry["channel"] for entry in history} >= {"import", "system"}
