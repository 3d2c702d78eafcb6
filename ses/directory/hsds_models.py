"""What the HSDS 3.0 answers hold, for the OpenAPI (#13). The answers themselves are built by
`hsds.py` and checked against the official compiled HSDS schemas in tests/directory/test_hsds_api.py;
these models describe the subset of HSDS fields SES fills. HSDS leaves out a field it has no value
for, so every field that may be empty is optional here (absent, never null)."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, Field


class HsdsRoot(BaseModel):
    version: str
    profile: str
    openapi_url: str
    licence: str
    licence_statement: str
    datapackage: str
    ndjson: str


class HsdsPage(BaseModel):
    total_items: int
    total_pages: int
    page_number: int
    size: int = Field(description="The number of entities in this page")
    first_page: bool
    last_page: bool
    empty: bool


class HsdsOrganizationBrief(BaseModel):
    id: str
    name: str
    description: str


class HsdsServiceBrief(BaseModel):
    """A service's one-to-one fields with its organization (the list form)."""

    id: str
    organization_id: str
    name: str
    description: str | None = None
    url: str | None = None
    email: str | None = None
    status: str
    eligibility_description: str | None = None
    fees_description: str | None = None
    assured_date: date | None = None
    last_modified: datetime | None = None
    organization: HsdsOrganizationBrief


class HsdsAddress(BaseModel):
    id: str
    location_id: str
    address_1: str
    city: str
    state_province: str
    postal_code: str
    country: str
    address_type: str


class HsdsAccessibility(BaseModel):
    id: str
    location_id: str
    description: str


class HsdsLocation(BaseModel):
    id: str
    location_type: str
    organization_id: str | None = None
    name: str
    latitude: float | None = None
    longitude: float | None = None
    external_identifier: str
    external_identifier_type: str
    addresses: list[HsdsAddress]
    accessibility: list[HsdsAccessibility] | None = None


class HsdsServiceAtLocation(BaseModel):
    id: str
    service_id: str
    location_id: str
    location: HsdsLocation
    service: HsdsServiceBrief


class HsdsNestedServiceAtLocation(BaseModel):
    id: str
    service_id: str
    location_id: str
    location: HsdsLocation


class HsdsPhone(BaseModel):
    id: str
    service_id: str
    number: str


class HsdsSchedule(BaseModel):
    id: str
    service_id: str
    description: str


class HsdsServiceArea(BaseModel):
    id: str
    service_id: str
    name: str
    description: str
    extent: str
    extent_type: str


class HsdsLanguage(BaseModel):
    id: str
    service_id: str
    name: str
    code: str


class HsdsCostOption(BaseModel):
    id: str
    service_id: str
    option: str | None = None
    currency: str
    amount: float | None = None
    amount_description: str | None = None


class HsdsTaxonomyTerm(BaseModel):
    id: str
    code: str
    name: str
    description: str
    parent_id: str | None = None
    taxonomy: str
    taxonomy_id: str
    language: str


class HsdsAttribute(BaseModel):
    id: str
    link_id: str
    link_type: str
    link_entity: str
    taxonomy_term_id: str
    taxonomy_term: HsdsTaxonomyTerm
    value: str


class HsdsService(HsdsServiceBrief):
    """A service with everything HSDS nests in it."""

    phones: list[HsdsPhone] | None = None
    schedules: list[HsdsSchedule] | None = None
    service_areas: list[HsdsServiceArea]
    service_at_locations: list[HsdsNestedServiceAtLocation]
    languages: list[HsdsLanguage]
    cost_options: list[HsdsCostOption]
    attributes: list[HsdsAttribute]


class HsdsOrganizationIdentifier(BaseModel):
    id: str
    organization_id: str
    identifier_scheme: str
    identifier_type: str
    identifier: str


class HsdsServiceRef(BaseModel):
    id: str
    name: str
    status: str


class HsdsOrganizationSummary(BaseModel):
    id: str
    name: str
    description: str
    website: str | None = None
    tax_id: str | None = None
    legal_status: str | None = None


class HsdsOrganization(HsdsOrganizationSummary):
    organization_identifiers: list[HsdsOrganizationIdentifier]
    services: list[HsdsServiceRef]


class HsdsTaxonomy(BaseModel):
    id: str
    name: str
    description: str
    version: str


class HsdsServicePage(HsdsPage):
    contents: list[HsdsServiceBrief]


class HsdsServiceAtLocationPage(HsdsPage):
    contents: list[HsdsServiceAtLocation]


class HsdsOrganizationPage(HsdsPage):
    contents: list[HsdsOrganizationSummary]


class HsdsTaxonomyPage(HsdsPage):
    contents: list[HsdsTaxonomy]


class HsdsTaxonomyTermPage(HsdsPage):
    contents: list[HsdsTaxonomyTerm]
