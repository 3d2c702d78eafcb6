"""Published report definitions: the shipped files, publishing new versions, resolving one.

The files in `definitions/` are published (inserted) the first time they are needed; after that
the stored row is what counts. A published (code, version) never changes: publishing different
content under it is refused.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import yaml

from ses.audit.services import Actor, record_event
from ses.db import write_transaction
from ses.errors import Conflict, FieldError, NotFound, ValidationFailed
from ses.reporting.model import Definition, DefinitionError, parse_definition
from ses.reporting.tables import ReportDefinition

SHIPPED_DIR = Path(__file__).parent / "definitions"
DEFAULT_CODE = "owes-quarterly"

# Parsed definitions by (code, version): safe to keep because a published version never changes.
_parsed: dict[tuple[str, int], Definition] = {}


def shipped_documents() -> list[dict[str, Any]]:
    documents = []
    for path in sorted(SHIPPED_DIR.iterdir()):
        if path.suffix in (".yaml", ".yml"):
            documents.append(yaml.safe_load(path.read_text(encoding="utf-8")))
        elif path.suffix == ".json":
            documents.append(json.loads(path.read_text(encoding="utf-8")))
    return documents


def _canonical(raw: dict[str, Any]) -> str:
    return json.dumps(raw, sort_keys=True, ensure_ascii=False)


def _loaded(row: dict[str, Any]) -> Definition:
    cache_key = (row["code"], row["version"])
    if cache_key not in _parsed:
        body = row["body"] if isinstance(row["body"], dict) else json.loads(row["body"])
        _parsed[cache_key] = parse_definition(body)
    return _parsed[cache_key]


async def publish(raw: Any, actor: Actor) -> dict[str, Any]:
    """Publish a definition version; the same content again is a no-op, different content a 409."""
    try:
        definition = parse_definition(raw)
    except DefinitionError as exc:
        raise ValidationFailed("Definicja sprawozdania zawiera błędy.", exc.errors) from exc
    async with write_transaction():
        existing = await (
            ReportDefinition.select(ReportDefinition.id, ReportDefinition.body)
            .where(
                (ReportDefinition.code == definition.code) & (ReportDefinition.version == definition.version)
            )
            .first()
        )
        if existing is not None:
            body = existing["body"] if isinstance(existing["body"], dict) else json.loads(existing["body"])
            if _canonical(body) != _canonical(raw):
                raise Conflict(
                    f"Wersja {definition.version} definicji {definition.code} jest już opublikowana i nie "
                    f"może się zmienić; opublikuj zmiany jako nową wersję."
                )
            return await get_definition(definition.code, definition.version)
        rows = await (
            ReportDefinition.insert(
                ReportDefinition(
                    code=definition.code,
                    version=definition.version,
                    title=definition.title,
                    period_type=definition.period_type,
                    # Stored as written: the order of tables and fields is the order of the form.
                    body=json.dumps(raw, ensure_ascii=False),
                    published_at=datetime.now(UTC),
                    published_by=actor.label[:120],
                )
            )
            # Two processes publishing the shipped files at once: the unique index keeps one.
            .on_conflict(action="DO NOTHING")
            .returning(ReportDefinition.id)
        )
        if rows:
            await record_event(
                actor,
                "report_definition.publish",
                "report_definition",
                int(rows[0]["id"]),
                {"code": [None, definition.code], "version": [None, definition.version]},
            )
    return await get_definition(definition.code, definition.version)


async def ensure_shipped() -> None:
    """Publish the shipped definition files that are not in the database yet."""
    actor = Actor.system("reporting")
    for raw in shipped_documents():
        exists = await ReportDefinition.exists().where(
            (ReportDefinition.code == raw["code"]) & (ReportDefinition.version == raw["version"])
        )
        if not exists:
            await publish(raw, actor)


# Hand-written SQL (Table.raw, `{}` placeholders): building these through the query builder cost
# more Python time than the database spent answering (measured on the submission path).
_LATEST = "SELECT id, code, version FROM report_definition WHERE code = {} ORDER BY version DESC LIMIT 1"
_EXACT = "SELECT id, code, version FROM report_definition WHERE code = {} AND version = {}"
_BODY = "SELECT code, version, body FROM report_definition WHERE id = {}"
_BY_ID = "SELECT code, version FROM report_definition WHERE id = {}"


async def cached(row: dict[str, Any], definition_id: int) -> Definition:
    """The parsed definition of a row that carries code and version; the body is read only once."""
    found = _parsed.get((row["code"], row["version"]))
    if found is not None:
        return found
    rows = await ReportDefinition.raw(_BODY, definition_id)
    if not rows:  # pragma: no cover - the row was just read
        raise NotFound(f"Nie ma definicji o id {definition_id}.")
    return _loaded(rows[0])


async def resolve(code: str, version: int | None = None) -> tuple[int, Definition]:
    """(row id, definition) of `code` at `version`, or at its latest published version."""
    for attempt in range(2):
        rows = await (
            ReportDefinition.raw(_LATEST, code)
            if version is None
            else ReportDefinition.raw(_EXACT, code, version)
        )
        if rows:
            definition_id = int(rows[0]["id"])
            return definition_id, await cached(rows[0], definition_id)
        if attempt == 0:
            await ensure_shipped()
    where = f"{code} w wersji {version}" if version is not None else code
    raise ValidationFailed(
        f"Nie ma opublikowanej definicji sprawozdania {where}.",
        [FieldError("definition_version" if version is not None else "definition_code", where)],
    )


async def by_id(definition_id: int) -> Definition:
    rows = await ReportDefinition.raw(_BY_ID, definition_id)
    if not rows:  # pragma: no cover - a foreign key guarantees it
        raise NotFound(f"Nie ma definicji o id {definition_id}.")
    return await cached(rows[0], definition_id)


def describe(definition: Definition) -> dict[str, Any]:
    return {
        "code": definition.code,
        "version": definition.version,
        "title": definition.title,
        "period_type": definition.period_type,
        "deadline_days": definition.deadline_days,
        "fields": [spec.describe() for spec in definition.fields],
        "tables": [
            {
                "name": table.name,
                "label": table.label,
                "key": list(table.key),
                "columns": [column.describe() for column in table.columns],
                "row_rules": list(table.row_rules),
                "template_marker": definition.template_marker(table.name),
            }
            for table in definition.tables
        ],
        "rules": list(definition.rules),
    }


async def list_definitions() -> list[dict[str, Any]]:
    await ensure_shipped()
    rows = (
        await ReportDefinition.select(
            ReportDefinition.code,
            ReportDefinition.version,
            ReportDefinition.title,
            ReportDefinition.period_type,
            ReportDefinition.published_at,
            ReportDefinition.published_by,
        )
        .order_by(ReportDefinition.code)
        .order_by(ReportDefinition.version)
    )
    return list(rows)


async def get_definition(code: str, version: int) -> dict[str, Any]:
    row = (
        await ReportDefinition.select(
            ReportDefinition.id,
            ReportDefinition.code,
            ReportDefinition.version,
            ReportDefinition.body,
            ReportDefinition.published_at,
            ReportDefinition.published_by,
        )
        .where((ReportDefinition.code == code) & (ReportDefinition.version == version))
        .first()
    )
    if row is None:
        await ensure_shipped()
        try:
            await resolve(code, version)
        except ValidationFailed:
            raise NotFound(f"Nie ma definicji sprawozdania {code} w wersji {version}.") from None
        return await get_definition(code, version)
    return {
        **describe(_loaded(row)),
        "published_at": row["published_at"],
        "published_by": row["published_by"],
    }
