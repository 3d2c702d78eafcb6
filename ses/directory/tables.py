"""Tables of the directory. Which columns are public is declared in ses/directory/public.py."""

from __future__ import annotations

from piccolo.columns import (
    Boolean,
    DoublePrecision,
    ForeignKey,
    Integer,
    Text,
    Timestamptz,
    Varchar,
)
from piccolo.columns.base import OnDelete
from piccolo.table import Table

from ses.register.tables import Organisation


class TaxonomyTerm(Table, tablename="directory_term"):
    """A term of one of the directory's taxonomies: service categories or target groups.

    Shipped terms come with the migration; staff add more through the API."""

    taxonomy = Varchar(length=20, index=True)
    """`category` or `target_group`."""
    code = Varchar(length=60, unique=True)
    parent_code = Varchar(length=60, null=True, default=None)
    name_pl = Varchar(length=200)
    name_en = Varchar(length=200)
    name_uk = Varchar(length=200)
    description = Text(default="")
    position = Integer(default=100)
    created_at = Timestamptz()
    updated_at = Timestamptz()


class Service(Table, tablename="directory_service"):
    """A service an organisation of the register offers to residents of some gminas or powiats."""

    organisation = ForeignKey(Organisation, on_delete=OnDelete.restrict, index=True)
    name = Varchar(length=300)
    name_search = Varchar(length=400, index=True)
    """Folded name and description start (ses.text.fold), for accent-free search on both engines."""
    description = Text(default="")
    category = ForeignKey(TaxonomyTerm, on_delete=OnDelete.restrict, index=True)
    target_groups = Varchar(length=600, default="")
    """Codes of target-group terms as `|a|b|`, so one LIKE finds a code on both engines."""
    eligibility = Text(default="")
    cost = Varchar(length=8, index=True)
    fees_description = Text(default="")
    languages = Varchar(length=120, default="|pl|")
    opening_hours = Text(default="")
    email = Varchar(length=200, null=True, default=None)
    phone = Varchar(length=40, null=True, default=None)
    url = Varchar(length=300, null=True, default=None)
    contact_person = Varchar(length=200, null=True, default=None)
    internal_note = Text(null=True, default=None)
    status = Varchar(length=16, default="active", index=True)
    confirmed_at = Timestamptz(null=True, default=None)
    confirmed_by = Varchar(length=120, null=True, default=None)
    reminded_at = Timestamptz(null=True, default=None)
    idempotency_key = Varchar(length=120, null=True, default=None, unique=True)
    """`<account id>:<Idempotency-Key>` of the POST that created it: a retried POST finds it."""
    request_fingerprint = Varchar(length=16, null=True, default=None)
    """Digest of that POST's body: the same key sent with another body is refused."""
    is_demo = Boolean(default=False)
    version = Integer(default=1)
    created_at = Timestamptz()
    updated_at = Timestamptz(index=True)


class ServiceLocation(Table, tablename="directory_location"):
    """A place where a service is given, with coordinates (WGS 84)."""

    service = ForeignKey(Service, on_delete=OnDelete.cascade, index=True)
    name = Varchar(length=200)
    street = Varchar(length=200, default="")
    locality = Varchar(length=120)
    postal_code = Varchar(length=6, index=True)
    gmina_code = Varchar(length=7, index=True)
    latitude = DoublePrecision()
    longitude = DoublePrecision()
    accessibility = Text(default="")


class ServiceArea(Table, tablename="directory_area"):
    """A territory whose residents may use a service: a gmina (7 digits), powiat (4) or voivodeship (2)."""

    service = ForeignKey(Service, on_delete=OnDelete.cascade, index=True)
    territory_code = Varchar(length=7, index=True)
