"""Use-cases of the register: create, change and retire organisations, each audited.

Every write runs in one transaction with its audit record; a failed check leaves nothing behind.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime
from typing import Any

from ses.audit.services import Actor, diff, record_event
from ses.auth.policy import Principal
from ses.db import write_transaction
from ses.errors import Conflict, FieldError, NotFound, PreconditionFailed, ValidationFailed
from ses.prepared import prepared
from ses.register.changes import announce_write
from ses.register.tables import Organisation
from ses.register.validation import clean_organisation
from ses.register.vocab import REINTEGRATION_UNIT_KINDS, Kind
from ses.territories.services import gmina_exists_checker

OUTPUT_COLUMNS = (
    Organisation.id,
    Organisation.name,
    Organisation.kind,
    Organisation.pes_letter,
    Organisation.legal_form,
    Organisation.activity_state,
    Organisation.is_owes,
    Organisation.founder.as_alias("founder_id"),
    Organisation.krs,
    Organisation.nip,
    Organisation.regon,
    Organisation.voivodeship_code,
    Organisation.powiat_code,
    Organisation.gmina_code,
    Organisation.locality,
    Organisation.street,
    Organisation.postal_code,
    Organisation.email,
    Organisation.website,
    Organisation.phone,
    Organisation.registered_on,
    Organisation.ps_state,
    Organisation.unit_state,
    Organisation.is_demo,
    Organisation.version,
    Organisation.created_at,
    Organisation.updated_at,
    Organisation.retired_reason,
)
AUDITED = tuple(
    name
    for name in (column._meta.name for column in Organisation._meta.columns)
    if name not in {"id", "name_search", "version", "created_at", "updated_at"}
)
UNIQUE_IDENTIFIERS = ("krs", "nip", "regon")


def now() -> datetime:
    return datetime.now(UTC)


def etag(org: Mapping[str, Any]) -> str:
    return f'"org-{org["id"]}-v{org["version"]}"'


def ensure_visible(viewer: Principal | None, org_id: int) -> None:
    """An OWES sees only its own register record; for others the record does not exist."""
    if viewer is not None and viewer.is_owes and viewer.organisation_id != org_id:
        raise NotFound(f"Nie ma w rejestrze organizacji o id {org_id}.")


_BY_ID = prepared(
    lambda org_id: Organisation.select(*OUTPUT_COLUMNS).where(Organisation.id == org_id).first()
)


async def get(org_id: int) -> dict[str, Any]:
    row = await _BY_ID(org_id)
    if row is None:
        raise NotFound(f"Nie ma w rejestrze organizacji o id {org_id}.")
    return row


_LINKED = prepared(
    lambda org_id, founder_id: (
        Organisation.select(Organisation.id, Organisation.name, Organisation.kind, Organisation.founder)
        .where((Organisation.founder == org_id) | (Organisation.id == founder_id))
        .order_by(Organisation.name_search)
    )
)


async def linked(org_id: int, founder_id: int | None) -> list[dict[str, Any]]:
    """The body running this unit (`founder_id`) and the units this organisation runs, by name, in
    one statement (no founder: an id compared with NULL matches nothing)."""
    return list(await _LINKED(org_id, founder_id))


async def _raw(org_id: int) -> dict[str, Any]:
    row = await Organisation.select().where(Organisation.id == org_id).first()
    if row is None:
        raise NotFound(f"Nie ma w rejestrze organizacji o id {org_id}.")
    return row


async def identifier_conflicts(values: Mapping[str, Any], exclude_id: int | None = None) -> list[FieldError]:
    """KRS, NIP and REGON must be unique when given; name the organisation that already has one."""
    errors: list[FieldError] = []
    for field in UNIQUE_IDENTIFIERS:
        value = values.get(field)
        if not value:
            continue
        column = Organisation._meta.get_column_by_name(field)
        query = Organisation.select(Organisation.id, Organisation.name).where(column == value)
        if exclude_id is not None:
            query = query.where(Organisation.id != exclude_id)
        other = await query.first()
        if other:
            errors.append(
                FieldError(
                    field,
                    f"{field.upper()} {value} ma już w rejestrze: {other['name']} (id {other['id']}).",
                )
            )
    return errors


async def founder_problems(founder_id: int | None, org_id: int | None = None) -> list[FieldError]:
    if founder_id is None:
        return []
    if founder_id == org_id:
        return [FieldError("founder_id", "Jednostka nie może prowadzić samej siebie.")]
    founder = await Organisation.select(Organisation.kind).where(Organisation.id == founder_id).first()
    if founder is None:
        return [FieldError("founder_id", f"Nie ma w rejestrze podmiotu prowadzącego o id {founder_id}.")]
    if Kind(founder["kind"]) in REINTEGRATION_UNIT_KINDS:
        return [
            FieldError(
                "founder_id", "Jednostką reintegracyjną nie może kierować inna jednostka reintegracyjna."
            )
        ]
    return []


async def create(data: Mapping[str, Any], actor: Actor, *, is_demo: bool = False) -> dict[str, Any]:
    gmina_exists = await gmina_exists_checker()
    values, errors = clean_organisation(data, gmina_exists=gmina_exists, today=date.today())
    async with write_transaction():
        if not errors:
            errors += await identifier_conflicts(values)
            errors += await founder_problems(values.get("founder"))
        if errors:
            raise ValidationFailed("Nie można dodać organizacji: dane zawierają błędy.", errors)
        stamp = now()
        rows = await Organisation.insert(
            Organisation(**values, is_demo=is_demo, version=1, created_at=stamp, updated_at=stamp)
        )
        org_id = int(rows[0]["id"])
        announce_write()
        changes = {key: [None, values.get(key)] for key in AUDITED if values.get(key) is not None}
        await record_event(actor, "organisation.create", "organisation", org_id, changes)
        return await get(org_id)


async def update(org_id: int, data: Mapping[str, Any], expected_version: int, actor: Actor) -> dict[str, Any]:
    gmina_exists = await gmina_exists_checker()
    async with write_transaction():
        current = await _raw(org_id)
        if current["version"] != expected_version:
            raise PreconditionFailed(
                f"Rekord zmienił się od czasu, gdy go pobrano (wersja {current['version']}, "
                f"a zmiany dotyczą wersji {expected_version}). Pobierz go ponownie i nanieś zmiany."
            )
        if current["activity_state"] == "retired":
            raise Conflict("Organizacja została wycofana z rejestru; jej dane są tylko do odczytu.")
        values, errors = clean_organisation(
            data, gmina_exists=gmina_exists, today=date.today(), current=current
        )
        if not errors:
            errors += await identifier_conflicts(values, exclude_id=org_id)
            if "founder" in values:
                errors += await founder_problems(values["founder"], org_id)
        if errors:
            raise ValidationFailed("Nie można zapisać zmian: dane zawierają błędy.", errors)
        changes = diff(current, {k: v for k, v in values.items() if k in AUDITED})
        if not changes:
            return await get(org_id)
        updated = await (
            Organisation.update({**values, "version": expected_version + 1, "updated_at": now()})
            .where((Organisation.id == org_id) & (Organisation.version == expected_version))
            .returning(Organisation.id)
        )
        if not updated:
            raise PreconditionFailed("Rekord zmienił się w trakcie zapisu. Pobierz go ponownie.")
        announce_write()
        await record_event(actor, "organisation.update", "organisation", org_id, changes)
        return await get(org_id)


async def retire(org_id: int, reason: str, expected_version: int, actor: Actor) -> dict[str, Any]:
    """Take an organisation out of the register; the record and all its history stay."""
    async with write_transaction():
        current = await _raw(org_id)
        if current["version"] != expected_version:
            raise PreconditionFailed(
                f"Rekord zmienił się od czasu, gdy go pobrano (wersja {current['version']}). "
                "Pobierz go ponownie."
            )
        if current["activity_state"] == "retired":
            raise Conflict("Organizacja jest już wycofana z rejestru.")
        await Organisation.update(
            {
                Organisation.activity_state: "retired",
                Organisation.retired_reason: reason,
                Organisation.version: expected_version + 1,
                Organisation.updated_at: now(),
            }
        ).where(Organisation.id == org_id)
        announce_write()
        await record_event(
            actor,
            "organisation.retire",
            "organisation",
            org_id,
            {"activity_state": [current["activity_state"], "retired"]},
            reason=reason,
        )
        return await get(org_id)


async def touch(org_id: int, values: Mapping[str, Any]) -> None:
    """Change derived columns (current status) and bump the version, inside the caller's transaction."""
    await Organisation.update(
        {**values, Organisation.version: Organisation.version + 1, Organisation.updated_at: now()}
    ).where(Organisation.id == org_id)
    announce_write()
