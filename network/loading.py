"""The graph read from the database: a scope's organisations and ties, only the columns the
metrics need, as plain tuples (no ORM rows on this path)."""

from __future__ import annotations

from typing import Any

from network.metrics import EdgeRow, NodeRow, Scope
from network.tables import Relation
from network.vocab import Origin, RelationType, sector_of
from ses.db import fetch_tuples
from ses.errors import FieldError
from ses.register.tables import Organisation
from ses.territories.tables import Territory


def scope_errors(scope: Scope) -> list[FieldError]:
    errors = []
    code = scope.territory
    if code is not None and (not code.isdigit() or len(code) not in (2, 4, 6, 7)):
        errors.append(
            FieldError("territory", "Kod TERYT ma 2 (województwo), 4 (powiat) lub 6–7 (gmina) cyfr.")
        )
    known = {t.value for t in RelationType}
    unknown = [t for t in scope.types if t not in known]
    if unknown:
        errors.append(
            FieldError(
                "types",
                f"Nieznane typy relacji: {', '.join(unknown)}. Dozwolone: {', '.join(sorted(known))}.",
            )
        )
    return errors


def territory_condition(column_owner: Any, code: str) -> Any:
    if len(code) == 2:
        return column_owner.voivodeship_code == code
    if len(code) == 4:
        return column_owner.powiat_code == code
    return column_owner.gmina_code.like(f"{code[:6]}%")


TERRITORY_COLUMN = {2: "voivodeship_code", 4: "powiat_code"}


def _territory_sql(code: str) -> tuple[str, list[Any]]:
    """Condition on organisation columns for a TERYT prefix (7-digit gmina codes match on six)."""
    column = TERRITORY_COLUMN.get(len(code))
    if column:
        return f"{column} = {{}}", [code]
    return "gmina_code LIKE {}", [f"{code[:6]}%"]


async def load_rows(
    scope: Scope, *, all_dates: bool = False, details: bool = False
) -> tuple[list[NodeRow], list[EdgeRow]]:
    """Nodes and ties of a scope, reading only the columns the metrics need, in one query each.

    A territory keeps ties whose both ends lie in it (metrics.build_graph drops the others too).
    """
    node_where = ["activity_state != 'retired'"]
    node_params: list[Any] = []
    edge_where: list[str] = []
    edge_params: list[Any] = []
    edge_from = "network_relation r"
    if scope.territory:
        condition, values = _territory_sql(scope.territory)
        node_where.append(condition)
        node_params += values
        # Walk the territory's organisations and their ties by the source index. CROSS JOIN and
        # `+ 0` are SQLite planner hints (PostgreSQL plans them as a plain join): left alone, SQLite
        # scanned every current tie by the valid_to index (150 ms for a powiat) or probed the
        # (source, target) index for every pair of the powiat (1.1 s); this way 85 ms.
        edge_from = "organisation o CROSS JOIN network_relation r"
        edge_where += [
            "o." + condition,
            "r.source = o.id",
            f"r.target + 0 IN (SELECT id FROM organisation WHERE {condition})",
        ]
        edge_params += values + values
    if scope.types:
        edge_where.append(f"r.relation_type IN ({', '.join('{}' for _ in scope.types)})")
        edge_params += list(scope.types)
    if scope.as_of is not None and not all_dates:
        edge_where.append(
            "(r.valid_from IS NULL OR r.valid_from <= {}) AND (r.valid_to IS NULL OR r.valid_to >= {})"
        )
        edge_params += [scope.as_of, scope.as_of]
    elif not all_dates:
        edge_where.append("r.valid_to IS NULL")
    node_rows = await fetch_tuples(
        f"SELECT id, name, kind, gmina_code, is_owes FROM organisation WHERE {' AND '.join(node_where)}",
        node_params,
    )
    nodes = [
        NodeRow(i, name, kind, sector_of(kind), gmina, bool(owes)) for i, name, kind, gmina, owes in node_rows
    ]
    # Dates are read only when the job filters by them itself (change between two dates); otherwise
    # the query has already kept exactly the ties active in the scope, and EdgeRow leaves them None.
    # `details` (exports) adds what was recorded about each tie: its dates, intensity and value.
    dates = "r.valid_from, r.valid_to" if all_dates or details else "NULL, NULL"
    recorded = "r.intensity, r.value_pln" if details else "NULL, NULL"
    edge_rows = await fetch_tuples(
        f"SELECT r.id, r.source, r.target, r.relation_type, r.directed, r.weight, {dates}, r.origin,"
        f" {recorded} FROM {edge_from}" + (f" WHERE {' AND '.join(edge_where)}" if edge_where else ""),
        edge_params,
    )
    # Both drivers already give bool, float and date (Piccolo registers SQLite converters by
    # declared column type), so each row becomes an EdgeRow as it is.
    edges = list(map(EdgeRow._make, edge_rows))
    founder_query = Organisation.select(
        Organisation.id, Organisation.founder, Organisation.registered_on
    ).where(Organisation.founder.is_not_null(), Organisation.activity_state != "retired")
    if scope.territory:
        founder_query = founder_query.where(territory_condition(Organisation, scope.territory))
    if not scope.types or RelationType.FOUNDS_RUNS.value in scope.types:
        # The register's own fact: a reintegration unit and the body that runs it.
        edges += [
            EdgeRow(
                -r["id"],
                r["founder"],
                r["id"],
                RelationType.FOUNDS_RUNS.value,
                True,
                1.0,
                r["registered_on"],
                None,
                Origin.REGISTER.value,
            )  # fmt: skip
            for r in await founder_query
        ]
    return nodes, edges


async def tie_count(scope: Scope) -> int:
    query = Relation.count()
    if scope.territory:
        query = query.where(territory_condition(Relation.source, scope.territory))
    return int(await query)


async def powiats_with_organisations() -> list[dict[str, str]]:
    """The powiats that hold at least one organisation of the register, by name (for the page)."""
    codes = [
        row["powiat_code"]
        for row in await Organisation.select(Organisation.powiat_code).distinct()
        if row["powiat_code"]
    ]
    if not codes:
        return []
    rows = await Territory.select(Territory.code, Territory.name).where(Territory.code.is_in(codes))
    return sorted(({"code": r["code"], "name": r["name"]} for r in rows), key=lambda r: r["name"])


async def organisation_name(organisation_id: int) -> str | None:
    row = await Organisation.select(Organisation.name).where(Organisation.id == organisation_id).first()
    return row["name"] if row else None
