"""API input and output models of the directory's maintenance API (/api/v1/services)."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from ses.directory.vocab import Cost, ServiceStatus
from ses.web.schemas import Named, Page


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class LocationIn(_In):
    name: str = Field(min_length=2, max_length=200, description="e.g. the name of the building or office")
    street: str = Field(default="", max_length=200)
    locality: str = Field(min_length=2, max_length=120)
    postal_code: str = Field(pattern=r"^\d{2}-\d{3}$", description="NN-NNN")
    gmina_code: str = Field(pattern=r"^\d{7}$", description="7-digit TERYT code of the gmina")
    latitude: float = Field(description="WGS 84; inside Poland")
    longitude: float = Field(description="WGS 84; inside Poland")
    accessibility: str = Field(default="", max_length=2000, description="Accessibility of the place")


class ServiceIn(_In):
    """A whole service (POST creates it, PUT replaces it)."""

    organisation_id: int = Field(description="The register organisation that offers the service")
    name: str = Field(min_length=3, max_length=300)
    description: str = Field(default="", max_length=5000)
    category: str = Field(max_length=60, description="Code of a category term of the taxonomy")
    target_groups: list[str] = Field(default_factory=list, max_length=20, description="Target-group codes")
    eligibility: str = Field(default="", max_length=2000)
    cost: Cost = Cost.FREE
    fees_description: str = Field(default="", max_length=1000)
    languages: list[str] = Field(default_factory=lambda: ["pl"], min_length=1, max_length=10)
    opening_hours: str = Field(default="", max_length=1000)
    email: str | None = Field(default=None, max_length=200)
    phone: str | None = Field(default=None, max_length=40)
    url: str | None = Field(default=None, max_length=300)
    contact_person: str | None = Field(default=None, max_length=200, description="Not published")
    internal_note: str | None = Field(default=None, max_length=2000, description="Not published")
    status: ServiceStatus = ServiceStatus.ACTIVE
    locations: list[LocationIn] = Field(min_length=1, max_length=50)
    area_codes: list[str] = Field(
        default_factory=list,
        max_length=500,
        description="TERYT codes (gmina 7, powiat 4, voivodeship 2 digits) whose residents may use it; "
        "empty: the gminas of its locations",
    )


class LocationOut(BaseModel):
    id: int
    name: str
    street: str
    locality: str
    postal_code: str
    gmina_code: str
    latitude: float
    longitude: float
    accessibility: str


class ServiceOut(BaseModel):
    id: int
    organisation_id: int
    organisation_name: str
    name: str
    description: str
    category: str
    target_groups: list[str]
    eligibility: str
    cost: str
    fees_description: str
    languages: list[str]
    opening_hours: str
    email: str | None
    phone: str | None
    url: str | None
    contact_person: str | None
    internal_note: str | None
    status: str
    confirmed_at: datetime | None
    confirmed_by: str | None
    confirmation_overdue: bool
    version: int
    created_at: datetime
    updated_at: datetime
    locations: list[LocationOut]
    area_codes: list[str]


class ServicePage(Page[ServiceOut]):
    pass


class TermIn(_In):
    taxonomy: str = Field(pattern="^(category|target_group)$")
    code: str = Field(pattern=r"^[a-z0-9_]{2,60}$")
    parent_code: str | None = Field(default=None, max_length=60)
    name_pl: str = Field(min_length=2, max_length=200)
    name_en: str = Field(min_length=2, max_length=200)
    name_uk: str = Field(min_length=2, max_length=200)
    description: str = Field(default="", max_length=2000)


class TermOut(BaseModel):
    id: int
    taxonomy: str
    code: str
    parent_code: str | None
    name_pl: str
    name_en: str
    name_uk: str
    description: str


# ------------------------------------------------------------- open data as plain JSON (/api/v1/public)


class PublicTerm(BaseModel):
    code: str
    name_pl: str
    name_en: str
    name_uk: str


class PublicOrganisationRef(Named):
    pass


class PublicLocation(BaseModel):
    id: int
    name: str | None
    street: str | None
    locality: str | None
    postal_code: str | None
    gmina_code: str | None
    latitude: float | None
    longitude: float | None
    accessibility: str | None


class PublicArea(BaseModel):
    code: str
    name: str | None


class PublicService(BaseModel):
    """A published service: only the fields declared public (ses/directory/public.py)."""

    id: int
    organisation: PublicOrganisationRef
    name: str
    description: str | None
    category: PublicTerm | None
    target_groups: list[PublicTerm]
    eligibility: str | None
    cost: str | None
    fees_description: str | None
    languages: list[str]
    opening_hours: str | None
    email: str | None
    phone: str | None
    url: str | None
    confirmed_at: datetime | None
    updated_at: datetime | None
    locations: list[PublicLocation]
    areas: list[PublicArea]


class PublicServicePage(Page[PublicService]):
    pass


class PublicOrganisation(BaseModel):
    """An organisation of the register: only the fields declared public (ses/directory/public.py)."""

    id: int
    name: str
    kind: str
    legal_form: str | None
    krs: str | None
    nip: str | None
    regon: str | None
    website: str | None
    locality: str | None
    postal_code: str | None
    gmina_code: str | None
    updated_at: datetime | None


class PublicOrganisationPage(Page[PublicOrganisation]):
    pass


class PublicServiceRef(Named):
    pass


class PublicOrganisationDetail(PublicOrganisation):
    services: list[PublicServiceRef]
