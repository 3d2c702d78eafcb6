"""Directory rows as Open Referral HSDS 3.0 objects (pure: rows in, JSON-ready dicts out).

Only public columns reach these functions (queries.py selects nothing else). Absent values are
left out rather than sent as null: the HSDS schemas type every field as a plain string or number.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from ses.directory.ids import TAXONOMY_IDS, uid
from ses.directory.vocab import LANGUAGES
from ses.register.vocab import KIND_LABELS, LEGAL_FORM_LABELS

HSDS_VERSION = "3.0"
PROFILE = "https://docs.openreferral.org/en/3.0/"
TAXONOMIES = {
    "category": (
        "Kategorie usług społecznych SES",
        "Usługi społeczne (ustawa o realizowaniu usług społecznych przez centrum usług społecznych, art. 2) "
        "i rodzaje pomocy, które mieszkańcy najczęściej wyszukują.",
    ),
    "target_group": ("Grupy docelowe SES", "Komu usługa jest przeznaczona."),
}
IDENTIFIER_SCHEMES = (("krs", "PL-KRS", "KRS"), ("nip", "PL-NIP", "NIP"), ("regon", "PL-REGON", "REGON"))
COST_LABELS = {"free": "bezpłatna", "paid": "odpłatna"}
Row = Mapping[str, Any]


def _clean(obj: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in obj.items() if value not in (None, "")}


def as_datetime(value: Any) -> datetime | None:
    """A timestamp as read by either engine (SQLite's raw queries answer text), always in UTC."""
    if value is None:
        return None
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def timestamp(value: Any) -> str | None:
    moment = as_datetime(value)
    if moment is None:
        return None
    return moment.isoformat().replace("+00:00", "Z")


def day(value: Any) -> str | None:
    moment = as_datetime(value)
    return moment.date().isoformat() if moment else None


def codes(packed: str | None) -> list[str]:
    return [code for code in (packed or "").split("|") if code]


def page(contents: list[dict[str, Any]], total: int, page_number: int, per_page: int) -> dict[str, Any]:
    pages = max(1, math.ceil(total / per_page)) if per_page else 1
    return {
        "total_items": total,
        "total_pages": pages,
        "page_number": page_number,
        "size": len(contents),
        "first_page": page_number == 1,
        "last_page": page_number >= pages,
        "empty": total == 0,
        "contents": contents,
    }


def organization(row: Row, *, full: bool = False, services: Iterable[Row] = ()) -> dict[str, Any]:
    kind = KIND_LABELS.get(row["kind"], "") if row.get("kind") else ""  # type: ignore[call-overload]
    legal = LEGAL_FORM_LABELS.get(row["legal_form"], "") if row.get("legal_form") else ""  # type: ignore[call-overload]
    place = ", ".join(part for part in (row.get("locality"), row.get("postal_code")) if part)
    out = _clean(
        {
            "id": uid("organization", row["id"]),
            "name": row["name"],
            "description": f"{kind}" + (f" — {place}" if place else ""),
            "website": row.get("website") if str(row.get("website") or "").startswith("http") else None,
            "tax_id": row.get("nip"),
            "legal_status": legal,
        }
    )
    out.setdefault("description", row["name"])
    if full:
        out["organization_identifiers"] = [
            {
                "id": uid("organization_identifier", row["id"], index),
                "organization_id": uid("organization", row["id"]),
                "identifier_scheme": scheme,
                "identifier_type": label,
                "identifier": row[column],
            }
            for index, (column, scheme, label) in enumerate(IDENTIFIER_SCHEMES, 1)
            if row.get(column)
        ]
        out["services"] = [
            {"id": uid("service", s["service_id"]), "name": s["name"], "status": s["status"]}
            for s in services
        ]
    return out


def _organization_of(row: Row) -> dict[str, Any]:
    return {
        "id": uid("organization", row["organisation_id"]),
        "name": row["organisation_name"],
        "description": row["organisation_name"],
    }


def service_brief(row: Row) -> dict[str, Any]:
    """The one-to-one fields of a service, with its organization (the list form)."""
    return _clean(
        {
            "id": uid("service", row["service_id"]),
            "organization_id": uid("organization", row["organisation_id"]),
            "name": row["name"],
            "description": row.get("description"),
            "url": row.get("url") if str(row.get("url") or "").startswith("http") else None,
            "email": row.get("email"),
            "status": row["status"],
            "eligibility_description": row.get("eligibility"),
            "fees_description": row.get("fees_description") or COST_LABELS.get(row.get("cost") or ""),
            "assured_date": day(row.get("confirmed_at")),
            "last_modified": timestamp(row.get("updated_at")),
            "organization": _organization_of(row),
        }
    )


def taxonomy(name: str) -> dict[str, Any]:
    title, description = TAXONOMIES[name]
    return {
        "id": uid("taxonomy", TAXONOMY_IDS[name]),
        "name": title,
        "description": description,
        "version": "1",
    }


def taxonomy_term(term: Row, parent_id: int | None = None) -> dict[str, Any]:
    return _clean(
        {
            "id": uid("taxonomy_term", term["id"]),
            "code": term["code"],
            "name": term["name_pl"],
            "description": term.get("description") or term["name_pl"],
            "parent_id": uid("taxonomy_term", parent_id) if parent_id else None,
            "taxonomy": TAXONOMIES[term["taxonomy"]][0],
            "taxonomy_id": uid("taxonomy", TAXONOMY_IDS[term["taxonomy"]]),
            "language": "pl",
        }
    )


def location(row: Row, voivodeship: str = "") -> dict[str, Any]:
    location_id = row["location_id"]
    out = _clean(
        {
            "id": uid("location", location_id),
            "location_type": "physical",
            "organization_id": uid("organization", row["organisation_id"])
            if "organisation_id" in row
            else None,
            "name": row["location_name"],
            "latitude": row["latitude"],
            "longitude": row["longitude"],
            "external_identifier": row["gmina_code"],
            "external_identifier_type": "TERYT TERC (gmina)",
        }
    )
    out["addresses"] = [
        {
            "id": uid("address", location_id),
            "location_id": uid("location", location_id),
            "address_1": row.get("street") or row["locality"],
            "city": row["locality"],
            "state_province": voivodeship or "-",
            "postal_code": row["postal_code"],
            "country": "PL",
            "address_type": "physical",
        }
    ]
    if row.get("accessibility"):
        out["accessibility"] = [
            {
                "id": uid("accessibility", location_id),
                "location_id": uid("location", location_id),
                "description": row["accessibility"],
            }
        ]
    return out


def service_at_location(row: Row, voivodeship: str = "") -> dict[str, Any]:
    """The list form of a service at a location: the location and the service's one-to-one fields."""
    return {
        "id": uid("service_at_location", row["location_id"]),
        "service_id": uid("service", row["service_id"]),
        "location_id": uid("location", row["location_id"]),
        "location": location(row, voivodeship),
        "service": service_brief(row),
    }


def service_full(
    row: Row,
    *,
    locations: Sequence[Row],
    areas: Sequence[Row],
    terms: Mapping[int, Row],
    terms_by_code: Mapping[str, Row],
    voivodeships: Mapping[str, str],
) -> dict[str, Any]:
    """A service with everything HSDS nests in it."""
    service_id = row["service_id"]
    sid = uid("service", service_id)
    out = service_brief(row)
    if row.get("phone"):
        out["phones"] = [{"id": uid("phone", service_id), "service_id": sid, "number": row["phone"]}]
    if row.get("opening_hours"):
        out["schedules"] = [
            {"id": uid("schedule", service_id), "service_id": sid, "description": row["opening_hours"]}
        ]
    out["service_areas"] = [
        _clean(
            {
                "id": uid("service_area", area["id"]),
                "service_id": sid,
                "name": area.get("territory_name") or area["territory_code"],
                "description": f"TERYT {area['territory_code']}",
                "extent": area["territory_code"],
                "extent_type": "text",
            }
        )
        for area in areas
    ]
    out["service_at_locations"] = [
        {
            "id": uid("service_at_location", loc["location_id"]),
            "service_id": sid,
            "location_id": uid("location", loc["location_id"]),
            "location": location(
                {**loc, "organisation_id": row["organisation_id"]},
                voivodeships.get(loc["gmina_code"][:2], ""),
            ),
        }
        for loc in locations
    ]
    out["languages"] = [
        {
            "id": uid("language", service_id, index),
            "service_id": sid,
            "name": LANGUAGES[code][1],
            "code": code,
        }
        for index, code in enumerate(codes(row.get("languages")), 1)
        if code in LANGUAGES
    ]
    out["cost_options"] = [
        _clean(
            {
                "id": uid("cost_option", service_id),
                "service_id": sid,
                "option": COST_LABELS.get(row.get("cost") or "", ""),
                "currency": "PLN",
                "amount": 0 if row.get("cost") == "free" else None,
                "amount_description": row.get("fees_description"),
            }
        )
    ]
    attributes = []
    linked = [terms.get(row["category"])] + [
        terms_by_code.get(code) for code in codes(row.get("target_groups"))
    ]
    for index, term in enumerate(t for t in linked if t is not None):
        attributes.append(
            {
                "id": uid("attribute", service_id, index + 1),
                "link_id": sid,
                "link_type": "service",
                "link_entity": "service",
                "taxonomy_term_id": uid("taxonomy_term", term["id"]),
                "taxonomy_term": taxonomy_term(term, _parent_id(term, terms_by_code)),
                "value": term["code"],
            }
        )
    out["attributes"] = attributes
    return out


def _parent_id(term: Row, terms_by_code: Mapping[str, Row]) -> int | None:
    parent = terms_by_code.get(term.get("parent_code") or "")
    return int(parent["id"]) if parent else None


def api_root(base_url: str) -> dict[str, Any]:
    return {"version": HSDS_VERSION, "profile": PROFILE, "openapi_url": f"{base_url}/schema/openapi.json"}
