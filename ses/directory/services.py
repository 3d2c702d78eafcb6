"""Use-cases of directory maintenance: services with their locations and areas, confirmations, terms.

Staff maintain every service; an OWES account maintains only its own organisation's services (any
other answers 404, as if it did not exist). Every write runs in one transaction with its audit row.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from ses.audit.services import Actor, diff, record_event
from ses.auth.policy import Principal
from ses.db import write_transaction
from ses.directory import taxonomy
from ses.directory.geo import inside_poland
from ses.directory.tables import Service, ServiceArea, ServiceLocation, TaxonomyTerm
from ses.directory.vocab import CONFIRMATION_MAX_AGE_DAYS, LANGUAGES
from ses.errors import Conflict, ErrorCollector, NotFound, PreconditionFailed
from ses.prepared import prepared
from ses.register.tables import Organisation
from ses.territories.services import gmina_codes, territory_codes
from ses.text import fold

LOCATION_FIELDS = (
    "name",
    "street",
    "locality",
    "postal_code",
    "gmina_code",
    "latitude",
    "longitude",
    "accessibility",
)
SCALAR_FIELDS = (
    "name",
    "description",
    "eligibility",
    "cost",
    "fees_description",
    "opening_hours",
    "email",
    "phone",
    "url",
    "contact_person",
    "internal_note",
    "status",
)


def now() -> datetime:
    return datetime.now(UTC)


def etag(service: Mapping[str, Any]) -> str:
    return f'"service-{service["id"]}-v{service["version"]}"'


def codes_of(packed: str) -> list[str]:
    return [code for code in packed.split("|") if code]


def packed(codes: Sequence[str]) -> str:
    return "|" + "|".join(dict.fromkeys(codes)) + "|" if codes else ""


def search_text(name: str, description: str) -> str:
    return fold(f"{name} {description[:80]}")[:400]


def is_overdue(confirmed_at: datetime | None, today: datetime | None = None) -> bool:
    if confirmed_at is None:
        return True
    return (today or now()) - confirmed_at > timedelta(days=CONFIRMATION_MAX_AGE_DAYS)


_CONFIRMED_AT_OF = prepared(
    lambda org_id: (
        Service.select(Service.confirmed_at).where(Service.organisation == org_id).output(as_list=True)
    )
)


async def confirmation_counts(org_id: int) -> tuple[int, int]:
    """How many services of an organisation the directory holds, and how many of them wait for a
    confirmation that they are still current (one statement)."""
    dates = await _CONFIRMED_AT_OF(org_id)
    return len(dates), sum(1 for confirmed_at in dates if is_overdue(confirmed_at))


def _not_found(service_id: int) -> NotFound:
    return NotFound(f"Nie ma w katalogu usługi o id {service_id}.")


async def _row(service_id: int, viewer: Principal | None) -> dict[str, Any]:
    row = await Service.select().where(Service.id == service_id).first()
    if row is None or (
        viewer is not None and viewer.is_owes and viewer.organisation_id != row["organisation"]
    ):
        raise _not_found(service_id)
    return row


async def get(service_id: int, viewer: Principal | None = None) -> dict[str, Any]:
    return (await _full([await _row(service_id, viewer)]))[0]


async def _full(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Rows of `directory_service` with their organisation name, locations and areas."""
    if not rows:
        return []
    ids = [row["id"] for row in rows]
    locations = (
        await ServiceLocation.select().where(ServiceLocation.service.is_in(ids)).order_by(ServiceLocation.id)
    )
    areas = await ServiceArea.select().where(ServiceArea.service.is_in(ids)).order_by(ServiceArea.id)
    org_ids = list({row["organisation"] for row in rows})
    names = {
        org["id"]: org["name"]
        for org in await Organisation.select(Organisation.id, Organisation.name).where(
            Organisation.id.is_in(org_ids)
        )
    }
    categories = await taxonomy.code_by_id()
    out = []
    for row in rows:
        out.append(
            {
                **{key: row[key] for key in SCALAR_FIELDS},
                "id": row["id"],
                "organisation_id": row["organisation"],
                "organisation_name": names.get(row["organisation"], ""),
                "category": categories.get(row["category"], ""),
                "target_groups": codes_of(row["target_groups"]),
                "languages": codes_of(row["languages"]),
                "confirmed_at": row["confirmed_at"],
                "confirmed_by": row["confirmed_by"],
                "confirmation_overdue": is_overdue(row["confirmed_at"]),
                "version": row["version"],
                "created_at": row["created_at"],
                "updated_at": row["updated_at"],
                "locations": [
                    {"id": loc["id"], **{key: loc[key] for key in LOCATION_FIELDS}}
                    for loc in locations
                    if loc["service"] == row["id"]
                ],
                "area_codes": [area["territory_code"] for area in areas if area["service"] == row["id"]],
            }
        )
    return out


async def list_services(
    viewer: Principal | None, *, organisation_id: int | None, overdue: bool | None, page: int, page_size: int
) -> tuple[list[dict[str, Any]], int]:
    conditions = []
    if viewer is not None and viewer.is_owes:
        conditions.append(Service.organisation == (viewer.organisation_id or 0))
    if organisation_id is not None:
        conditions.append(Service.organisation == organisation_id)
    if overdue is not None:
        limit = now() - timedelta(days=CONFIRMATION_MAX_AGE_DAYS)
        stale = Service.confirmed_at.is_null() | (Service.confirmed_at < limit)
        conditions.append(stale if overdue else (Service.confirmed_at >= limit))
    query = Service.select().order_by(Service.id).limit(page_size).offset((page - 1) * page_size)
    count = Service.count()
    if conditions:
        query, count = query.where(*conditions), count.where(*conditions)
    return await _full(list(await query)), await count


async def _clean(
    data: Mapping[str, Any], viewer: Principal | None
) -> tuple[dict[str, Any], list[dict[str, Any]], list[str]]:
    """Check a whole service; every problem is reported at once (field by field)."""
    errors = ErrorCollector()
    org_id = data["organisation_id"]
    if viewer is not None and viewer.is_owes and viewer.organisation_id != org_id:
        # Another organisation's entries do not exist for an OWES account.
        raise NotFound(f"Nie ma w rejestrze organizacji o id {org_id}.")
    org = await Organisation.select(Organisation.activity_state).where(Organisation.id == org_id).first()
    if org is None:
        errors.add("organisation_id", f"Nie ma w rejestrze organizacji o id {org_id}.")
    elif org["activity_state"] == "retired":
        errors.add("organisation_id", "Organizacja została wycofana z rejestru.")
    categories = await taxonomy.terms("category")
    groups = await taxonomy.terms("target_group")
    if data["category"] not in categories:
        errors.add("category", f"Nieznana kategoria usługi: {data['category']!r}.")
    for index, code in enumerate(data["target_groups"]):
        if code not in groups:
            errors.add(f"target_groups.{index}", f"Nieznana grupa docelowa: {code!r}.")
    for index, code in enumerate(data["languages"]):
        if code not in LANGUAGES:
            errors.add(
                f"languages.{index}", f"Nieznany kod języka: {code!r} (dozwolone: {', '.join(LANGUAGES)})."
            )
    if data.get("email") and ("@" not in data["email"] or " " in data["email"]):
        errors.add("email", "Niepoprawny adres e-mail.")
    if data.get("url") and not data["url"].startswith(("https://", "http://")):
        errors.add("url", "Adres strony musi zaczynać się od https:// albo http://.")
    gminas = await gmina_codes()
    known = await territory_codes()
    locations = []
    for index, loc in enumerate(data["locations"]):
        if loc["gmina_code"] not in gminas:
            errors.add(f"locations.{index}.gmina_code", f"Nie ma gminy o kodzie TERYT {loc['gmina_code']}.")
        if not inside_poland(loc["latitude"], loc["longitude"]):
            errors.add(
                f"locations.{index}.latitude",
                f"Współrzędne {loc['latitude']}, {loc['longitude']} leżą poza Polską.",
            )
        locations.append({key: loc[key] for key in LOCATION_FIELDS})
    areas = list(dict.fromkeys(data["area_codes"])) or list(
        dict.fromkeys(loc["gmina_code"] for loc in locations)
    )
    for index, code in enumerate(data["area_codes"]):
        if code not in known:
            errors.add(f"area_codes.{index}", f"Nie ma jednostki terytorialnej o kodzie TERYT {code!r}.")
    errors.raise_if_any("Usługa zawiera błędy; nic nie zapisano.")
    values = {
        **{key: data.get(key) for key in SCALAR_FIELDS},
        "cost": str(data["cost"]),
        "status": str(data["status"]),
        "organisation": org_id,
        "category": categories[data["category"]]["id"],
        "target_groups": packed(data["target_groups"]),
        "languages": packed(data["languages"]),
        "name_search": search_text(data["name"], data.get("description") or ""),
    }
    return values, locations, areas


async def _write_places(service_id: int, locations: list[dict[str, Any]], areas: list[str]) -> None:
    await ServiceLocation.delete().where(ServiceLocation.service == service_id)
    await ServiceArea.delete().where(ServiceArea.service == service_id)
    await ServiceLocation.insert(*(ServiceLocation(service=service_id, **loc) for loc in locations))
    await ServiceArea.insert(*(ServiceArea(service=service_id, territory_code=code) for code in areas))


def _fingerprint(data: Mapping[str, Any]) -> str:
    return hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()[:16]


async def create(
    data: Mapping[str, Any],
    viewer: Principal | None,
    actor: Actor,
    *,
    idempotency_key: str | None = None,
    is_demo: bool = False,
) -> tuple[dict[str, Any], bool]:
    """Add a service; (the service, whether it was created now). A retried POST finds the first one."""
    stored_key = f"{viewer.account_id if viewer else 0}:{idempotency_key}"[:120] if idempotency_key else None
    fingerprint = _fingerprint(data)
    values, locations, areas = await _clean(data, viewer)
    async with write_transaction():
        if stored_key:
            earlier = (
                await Service.select(Service.id, Service.request_fingerprint)
                .where(Service.idempotency_key == stored_key)
                .first()
            )
            if earlier is not None:
                if earlier["request_fingerprint"] != fingerprint:
                    raise Conflict("Ten Idempotency-Key został już użyty z inną treścią żądania.")
                return await get(earlier["id"], viewer), False
        stamp = now()
        rows = await Service.insert(
            Service(
                **values,
                confirmed_at=stamp,
                confirmed_by=actor.label[:120],
                idempotency_key=stored_key,
                request_fingerprint=fingerprint if stored_key else None,
                is_demo=is_demo,
                version=1,
                created_at=stamp,
                updated_at=stamp,
            )
        )
        service_id = int(rows[0]["id"])
        await _write_places(service_id, locations, areas)
        await record_event(
            actor,
            "directory.service.create",
            "directory_service",
            service_id,
            {"name": [None, values["name"]]},
        )
        return await get(service_id, viewer), True


async def replace(
    service_id: int, data: Mapping[str, Any], expected_version: int, viewer: Principal | None, actor: Actor
) -> dict[str, Any]:
    """Replace a service as a whole (If-Match); saving it also confirms it is up to date."""
    values, locations, areas = await _clean(data, viewer)
    async with write_transaction():
        current = await get(service_id, viewer)
        _check_version(current, expected_version)
        stamp = now()
        updated = await (
            Service.update(
                {
                    **values,
                    "version": expected_version + 1,
                    "updated_at": stamp,
                    "confirmed_at": stamp,
                    "confirmed_by": actor.label[:120],
                }
            )
            .where((Service.id == service_id) & (Service.version == expected_version))
            .returning(Service.id)
        )
        if not updated:
            raise PreconditionFailed("Usługa zmieniła się w trakcie zapisu. Pobierz ją ponownie.")
        await _write_places(service_id, locations, areas)
        after = await get(service_id, viewer)
        changes = diff(
            {k: v for k, v in current.items() if k not in ("version", "updated_at", "confirmed_at")},
            {k: v for k, v in after.items() if k not in ("version", "updated_at", "confirmed_at")},
        )
        await record_event(
            actor, "directory.service.update", "directory_service", service_id, _plain(changes)
        )
        return after


async def confirm(
    service_id: int, expected_version: int, viewer: Principal | None, actor: Actor
) -> dict[str, Any]:
    """The organisation (or staff) confirms the entry is still true: it stops ageing."""
    async with write_transaction():
        current = await _row(service_id, viewer)
        _check_version(current, expected_version)
        await Service.update(
            {
                Service.confirmed_at: now(),
                Service.confirmed_by: actor.label[:120],
                Service.version: expected_version + 1,
                Service.updated_at: now(),
            }
        ).where(Service.id == service_id)
        await record_event(actor, "directory.service.confirm", "directory_service", service_id, {})
        return await get(service_id, viewer)


async def delete(service_id: int, expected_version: int, viewer: Principal | None, actor: Actor) -> None:
    async with write_transaction():
        current = await _row(service_id, viewer)
        _check_version(current, expected_version)
        await Service.delete().where(Service.id == service_id)
        await record_event(
            actor,
            "directory.service.delete",
            "directory_service",
            service_id,
            {"name": [current["name"], None]},
        )


def _check_version(current: Mapping[str, Any], expected: int) -> None:
    if current["version"] != expected:
        raise PreconditionFailed(
            f"Usługa zmieniła się od czasu, gdy ją pobrano (wersja {current['version']}, a zmiany dotyczą "
            f"wersji {expected}). Pobierz ją ponownie i nanieś zmiany."
        )


def _plain(changes: Mapping[str, Any]) -> dict[str, Any]:
    def plain(value: Any) -> Any:
        return json.dumps(value, default=str, ensure_ascii=False) if isinstance(value, list | dict) else value

    return {key: [plain(value) for value in pair] for key, pair in changes.items()}


async def add_term(data: Mapping[str, Any], actor: Actor) -> dict[str, Any]:
    """Staff extend a taxonomy with a new term (codes are unique across both taxonomies)."""
    errors = ErrorCollector()
    async with write_transaction():
        if await TaxonomyTerm.exists().where(TaxonomyTerm.code == data["code"]):
            errors.add("code", f"Termin o kodzie {data['code']!r} już istnieje.")
        parent = data.get("parent_code")
        if parent and parent not in await taxonomy.terms(data["taxonomy"], fresh=True):
            errors.add("parent_code", f"Nie ma w tej taksonomii terminu nadrzędnego {parent!r}.")
        errors.raise_if_any("Nie można dodać terminu.")
        stamp = now()
        rows = await TaxonomyTerm.insert(
            TaxonomyTerm(**data, position=1000, created_at=stamp, updated_at=stamp)
        )
        term_id = int(rows[0]["id"])
        await record_event(
            actor, "directory.term.create", "directory_term", term_id, {"code": [None, data["code"]]}
        )
    taxonomy.forget()
    return await TaxonomyTerm.select().where(TaxonomyTerm.id == term_id).first()  # type: ignore[return-value]
