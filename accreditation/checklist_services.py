"""Checklist templates stored by version: loaded from YAML/JSON files, never changed once stored."""

from __future__ import annotations

import hashlib
from typing import Any

from accreditation.checklists import Template, TemplateError, dump_template, load_template
from accreditation.services import now
from accreditation.tables import (
    ChecklistTemplate,
)
from ses.audit.services import Actor, record_event
from ses.db import write_transaction
from ses.errors import Conflict, FieldError, NotFound, ValidationFailed

# ---------------------------------------------------------------------------------------------
# Checklist templates (stored by version, never changed)

_TEMPLATES: dict[str, Template] = {}
TEMPLATE_COLUMNS = (
    ChecklistTemplate.id,
    ChecklistTemplate.code,
    ChecklistTemplate.version,
    ChecklistTemplate.title,
    ChecklistTemplate.status,
    ChecklistTemplate.criteria_count,
    ChecklistTemplate.sha256,
    ChecklistTemplate.created_at,
    ChecklistTemplate.created_by,
)


async def import_template(text: str, fmt: str, actor: Actor) -> dict[str, Any]:
    """Load a template file as a new stored version; the same code and version may exist once."""
    try:
        template = load_template(text, fmt)  # type: ignore[arg-type]
    except TemplateError as exc:
        errors = [FieldError(issue.path or "content", str(issue)) for issue in exc.issues]
        raise ValidationFailed(str(exc).splitlines()[0], errors) from exc
    return await store_template(template, actor)


async def store_template(template: Template, actor: Actor) -> dict[str, Any]:
    canonical = dump_template(template, "yaml")
    digest = hashlib.sha256(canonical.encode()).hexdigest()
    async with write_transaction():
        existing = (
            await ChecklistTemplate.select(ChecklistTemplate.id)
            .where(
                (ChecklistTemplate.code == template.code) & (ChecklistTemplate.version == template.version)
            )
            .first()
        )
        if existing:
            raise Conflict(
                f"Szablon „{template.code}” w wersji {template.version} jest już zapisany "
                f"(id {existing['id']}). "
                "Zapisany szablon się nie zmienia: nadaj plikowi nowy numer wersji."
            )
        rows = await ChecklistTemplate.insert(
            ChecklistTemplate(
                code=template.code,
                version=template.version,
                title=template.title,
                status=template.status,
                criteria_count=len(template.criterion_codes),
                source_yaml=canonical,
                sha256=digest,
                created_at=now(),
                created_by=actor.label[:120],
            )
        )
        template_id = int(rows[0]["id"])
        await record_event(
            actor,
            "checklist_template.import",
            "checklist_template",
            template_id,
            {"code": [None, template.code], "version": [None, template.version]},
        )
    _TEMPLATES[digest] = template
    return await get_template_row(template_id)


async def get_template_row(template_id: int) -> dict[str, Any]:
    row = await ChecklistTemplate.select(*TEMPLATE_COLUMNS).where(ChecklistTemplate.id == template_id).first()
    if row is None:
        raise NotFound(f"Nie ma szablonu listy kontrolnej o id {template_id}.")
    return row


async def list_templates(limit: int, offset: int) -> list[dict[str, Any]]:
    return await (
        ChecklistTemplate.select(*TEMPLATE_COLUMNS)
        .order_by(ChecklistTemplate.code)
        .order_by(ChecklistTemplate.id, ascending=False)
        .limit(limit)
        .offset(offset)
    )


async def template_of(template_id: int) -> Template:
    """The parsed template. A stored version never changes, so it is parsed once per process and
    cached by the SHA-256 of its text (not by id: an id can come back after a rolled-back insert)."""
    row = (
        await ChecklistTemplate.select(ChecklistTemplate.sha256)
        .where(ChecklistTemplate.id == template_id)
        .first()
    )
    if row is None:
        raise NotFound(f"Nie ma szablonu listy kontrolnej o id {template_id}.")
    cached = _TEMPLATES.get(row["sha256"])
    if cached is not None:
        return cached
    text = (
        await ChecklistTemplate.select(ChecklistTemplate.source_yaml)
        .where(ChecklistTemplate.id == template_id)
        .first()
    )
    template = load_template(text["source_yaml"], "yaml")  # type: ignore[index]
    _TEMPLATES[row["sha256"]] = template
    return template


async def export_template(template_id: int, fmt: str) -> str:
    return dump_template(await template_of(template_id), fmt)  # type: ignore[arg-type]
