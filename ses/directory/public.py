"""Which fields of each model may ever be published (HSDS, the search page, the data package).

Every column of every table the directory publishes is declared here as public or private; a test
fails when a column is added without a declaration, and another proves that none of the private
values appears in any public answer. Public queries select only the public columns.
"""

from __future__ import annotations

from typing import Any

from piccolo.table import Table

from ses.directory.tables import Service, ServiceArea, ServiceLocation, TaxonomyTerm
from ses.register.tables import Organisation

PUBLIC: dict[type[Table], tuple[str, ...]] = {
    Organisation: (
        "id",
        "name",
        "kind",
        "legal_form",
        "krs",
        "nip",
        "regon",
        "website",
        "locality",
        "postal_code",
        "gmina_code",
        "updated_at",
    ),
    Service: (
        "id",
        "organisation",
        "name",
        "description",
        "category",
        "target_groups",
        "eligibility",
        "cost",
        "fees_description",
        "languages",
        "opening_hours",
        "email",
        "phone",
        "url",
        "status",
        "confirmed_at",
        "updated_at",
    ),
    ServiceLocation: (
        "id",
        "service",
        "name",
        "street",
        "locality",
        "postal_code",
        "gmina_code",
        "latitude",
        "longitude",
        "accessibility",
    ),
    ServiceArea: ("id", "service", "territory_code"),
    TaxonomyTerm: (
        "id",
        "taxonomy",
        "code",
        "parent_code",
        "name_pl",
        "name_en",
        "name_uk",
        "description",
        "position",
        "created_at",
        "updated_at",
    ),
}

PRIVATE: dict[type[Table], tuple[str, ...]] = {
    # The register's contact details, statuses (also those under verification), figures and history
    # belong to the register's own access rules, not to open data.
    Organisation: (
        "name_search",
        "pes_letter",
        "activity_state",
        "is_owes",
        "founder",
        "voivodeship_code",
        "powiat_code",
        "street",
        "email",
        "phone",
        "registered_on",
        "ps_state",
        "unit_state",
        "is_demo",
        "version",
        "created_at",
        "retired_reason",
    ),
    # Contact persons, internal notes and who confirmed an entry (an account name) stay inside SES.
    Service: (
        "name_search",
        "contact_person",
        "internal_note",
        "confirmed_by",
        "reminded_at",
        "idempotency_key",
        "request_fingerprint",
        "is_demo",
        "version",
        "created_at",
    ),
    ServiceLocation: (),
    ServiceArea: (),
    TaxonomyTerm: (),
}


def public_columns(table: type[Table]) -> list[Any]:
    """The columns of `table` a public query may select."""
    return [table._meta.get_column_by_name(name) for name in PUBLIC[table]]


def undeclared(table: type[Table]) -> set[str]:
    """Columns of `table` declared neither public nor private (a test keeps this empty)."""
    names = {column._meta.name for column in table._meta.columns}
    return names - set(PUBLIC[table]) - set(PRIVATE[table])
