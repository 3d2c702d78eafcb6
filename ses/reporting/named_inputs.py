"""The report form's inputs that name something: gminas, powiats and register organisations.

The report stores TERC codes and organisation ids; the form shows and takes names. `labelled`
turns stored codes and ids into the texts the form shows, `resolved` turns what was typed back into
codes and ids, answering a Polish problem for each text that names nothing or several things (the
page shows it next to the input and in the summary, keeps the text, and stores nothing).
"""

from __future__ import annotations

import copy
from dataclasses import dataclass

from ses.errors import FieldError
from ses.reporting import lookups
from ses.reporting.form import FormValues
from ses.reporting.model import Definition, FieldSpec


@dataclass(frozen=True)
class Named:
    """An input naming something: `kind` is gmina, powiat or organisation."""

    kind: str
    table: str | None
    name: str


def kind_of(spec: FieldSpec) -> str | None:
    if spec.type == "organisation":
        return "organisation"
    if spec.name.endswith("gmina_code"):
        return "gmina"
    if spec.name.endswith("powiat_code"):
        return "powiat"
    return None


def named_inputs(definition: Definition) -> list[Named]:
    found = [Named(kind, None, spec.name) for spec in definition.fields if (kind := kind_of(spec))]
    for table in definition.tables:
        found += [
            Named(kind, table.name, column.name) for column in table.columns if (kind := kind_of(column))
        ]
    return found


def _cells(definition: Definition, values: FormValues) -> list[tuple[Named, dict[str, str], str, str]]:
    """(input, the dict holding its text, key in it, error path) for every filled named input."""
    out = []
    for named in named_inputs(definition):
        if named.table is None:
            if values.fields.get(named.name):
                out.append((named, values.fields, named.name, f"data.{named.name}"))
            continue
        for index, row in enumerate(values.tables.get(named.table, [])):
            if row.get(named.name):
                out.append((named, row, named.name, f"data.{named.table}.{index}.{named.name}"))
    return out


async def labelled(definition: Definition, values: FormValues) -> FormValues:
    """The form of stored content with names in place of codes and ids (unknown ones stay as they are)."""
    cells = _cells(definition, values)
    ids = [text for named, holder, key, _ in cells if named.kind == "organisation" for text in [holder[key]]]
    codes = [holder[key] for named, holder, key, _ in cells if named.kind != "organisation"]
    organisations = await lookups.organisation_labels(int(i) for i in ids if i.isdigit())
    territories = await lookups.territory_labels(codes)
    for named, holder, key, _ in cells:
        labels = organisations if named.kind == "organisation" else territories
        holder[key] = labels.get(holder[key], holder[key])
    return values


async def resolved(definition: Definition, values: FormValues) -> tuple[FormValues, list[FieldError]]:
    """A copy of the typed values with codes and ids in place of names, and a problem per text that
    names nothing or several things (that input is left empty in the copy)."""
    out = copy.deepcopy(values)
    problems: list[FieldError] = []
    for named, holder, key, path in _cells(definition, out):
        if named.kind == "organisation":
            answer = await lookups.resolve_organisation(holder[key])
        else:
            answer = await lookups.resolve_territory(holder[key], named.kind)
        if answer.key is None:
            problems.append(FieldError(path, answer.problem or "Nie rozpoznano."))
            holder[key] = ""
        else:
            holder[key] = answer.key
    return out, problems


async def shown_names(
    definition: Definition, data: dict[str, object] | None
) -> dict[tuple[str | None, str], dict[str, str]]:
    """For a report page: (table or None, column) → {stored code or id: its name}."""
    values = FormValues(
        fields={
            n.name: str((data or {}).get(n.name) or "") for n in named_inputs(definition) if n.table is None
        },
        tables={
            table.name: [
                {c.name: str(row.get(c.name) or "") for c in table.columns}
                for row in (data or {}).get(table.name) or []  # type: ignore[attr-defined]
                if isinstance(row, dict)
            ]
            for table in definition.tables
        },
    )
    before = copy.deepcopy(values)
    await labelled(definition, values)
    out: dict[tuple[str | None, str], dict[str, str]] = {}
    for named in named_inputs(definition):
        if named.table is None:
            pairs = [(before.fields.get(named.name, ""), values.fields.get(named.name, ""))]
        else:
            pairs = [
                (old.get(named.name, ""), new.get(named.name, ""))
                for old, new in zip(
                    before.tables.get(named.table, []), values.tables.get(named.table, []), strict=True
                )
            ]
        out[(named.table, named.name)] = {old: new for old, new in pairs if old}
    return out
