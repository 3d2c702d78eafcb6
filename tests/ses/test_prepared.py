"""Prepared selects answer exactly what the same Piccolo select answers, on both engines, inside the
caller's transaction, and refuse a function whose values would not be parameters."""

from __future__ import annotations

from typing import Any

import pytest

from ses.audit.tables import AuditRecord
from ses.prepared import prepared
from ses.register.services import OUTPUT_COLUMNS
from ses.register.tables import Organisation
from tests.ses.test_register_queries import TORUN, create

pytestmark = pytest.mark.anyio


def by_id(org_id: Any) -> Any:
    return Organisation.select(*OUTPUT_COLUMNS).where(Organisation.id == org_id).first()


def by_gmina(code: Any, kind: Any) -> Any:
    return (
        Organisation.select(Organisation.id, Organisation.name, Organisation.registered_on)
        .where((Organisation.gmina_code == code) & (Organisation.kind == kind))
        .order_by(Organisation.name)
    )


def history_of(entity_id: Any) -> Any:
    return (
        AuditRecord.select(AuditRecord.action, AuditRecord.changes)
        .where((AuditRecord.entity_type == "organisation") & (AuditRecord.entity_id == entity_id))
        .order_by(AuditRecord.id)
        .limit(5)
        .output(load_json=True)
    )


def names_of(code: Any) -> Any:
    return Organisation.select(Organisation.name).where(Organisation.gmina_code == code).output(as_list=True)


async def test_a_prepared_select_answers_what_the_select_answers(client, staff):
    first = await create(client, staff, "Fundacja Pierwsza", kind="foundation", registered_on="2020-05-01")
    await create(client, staff, "Stowarzyszenie Druga", krs="0000123456")
    await create(client, staff, "Stowarzyszenie Trzecia")

    for build, values in (
        (by_id, (first["id"],)),
        (by_id, (10**9,)),
        (by_gmina, (TORUN, "association")),
        (by_gmina, (TORUN, "foundation")),
        (by_gmina, ("9999999", "association")),
        (history_of, (first["id"],)),
        (names_of, (TORUN,)),
    ):
        statement = prepared(build)
        # The first call builds the SQL, the second reuses it: both as the select itself.
        assert await statement(*values) == await build(*values)
        assert await statement(*values) == await build(*values)

    row = await prepared(by_id)(first["id"])
    assert row["name"] == "Fundacja Pierwsza" and row["registered_on"].isoformat() == "2020-05-01"
    assert await prepared(by_id)(10**9) is None
    changes = (await prepared(history_of)(first["id"]))[0]["changes"]
    assert isinstance(changes, dict), "JSON columns come back loaded, as with output(load_json=True)"


async def test_the_same_statement_runs_again_with_other_values(client, staff):
    one = await create(client, staff, "Jedna")
    two = await create(client, staff, "Druga")
    statement = prepared(by_id)
    assert (await statement(one["id"]))["name"] == "Jedna"
    assert (await statement(two["id"]))["name"] == "Druga"


async def test_a_value_that_is_not_a_parameter_is_refused(app_tx):
    def limit_by(number: Any) -> Any:
        return Organisation.select(Organisation.id).limit(number)

    with pytest.raises(TypeError):
        await prepared(limit_by)(5)

    def ignores(org_id: Any) -> Any:
        return Organisation.select(Organisation.id).where(Organisation.id == 1)

    with pytest.raises(TypeError, match="parameter"):
        await prepared(ignores)(5)


async def test_a_function_of_any_number_of_values_says_how_many(client, staff):
    await create(client, staff, "Fundacja Rzeka", kind="foundation")

    def named(*names: Any) -> Any:
        return Organisation.select(Organisation.name).where(Organisation.name.is_in(list(names)))

    with pytest.raises(TypeError, match="arity"):
        prepared(named)
    two = prepared(named, arity=2)
    assert await two("Fundacja Rzeka", "nikt") == [{"name": "Fundacja Rzeka"}]
