"""Open data as plain JSON under /api/v1/public: anonymous, paginated, filtered, bad input named."""

from __future__ import annotations

import pytest

from ses.auth.policy import Role
from tests.directory.conftest import BYDGOSZCZ, LUBICZ, TORUN, service_body

pytestmark = pytest.mark.anyio


async def _directory(client, make_org, caller_for):
    torun = await make_org(name="Fundacja Toruńska", krs="0000123456")
    bydgoszcz = await make_org(name="Stowarzyszenie Bydgoskie", kind="association", gmina_code=BYDGOSZCZ)
    staff = await caller_for(Role.STAFF)
    care = await client.post("/api/v1/services", json=service_body(torun["id"]), headers=staff.headers)
    advice = service_body(
        bydgoszcz["id"], name="Poradnictwo rodzinne", category="poradnictwo", cost="free", languages=["pl"],
        target_groups=["rodziny"], area_codes=[BYDGOSZCZ[:4]],
    )  # fmt: skip
    advice["locations"][0] |= {"gmina_code": BYDGOSZCZ, "locality": "Bydgoszcz", "postal_code": "85-001"}
    family = await client.post("/api/v1/services", json=advice, headers=staff.headers)
    assert care.status_code == 201 and family.status_code == 201, family.text
    return torun, bydgoszcz, care.json(), family.json()


async def test_anyone_reads_services_and_organisations_with_filters(client, make_org, caller_for):
    torun, bydgoszcz, care, family = await _directory(client, make_org, caller_for)
    everything = (await client.get("/api/v1/public/services")).json()
    assert everything["total"] == 2 and everything["page"] == 1 and everything["page_size"] == 50
    one = next(s for s in everything["items"] if s["id"] == care["id"])
    assert one["organisation"] == {"id": torun["id"], "name": "Fundacja Toruńska"}
    assert one["category"]["code"] == "uslugi_opiekuncze" and one["languages"] == ["pl", "uk"]
    assert one["locations"][0]["gmina_code"] == TORUN and one["areas"][0]["code"] == TORUN
    assert "contact_person" not in one and "internal_note" not in one

    async def ids(**params):
        answer = await client.get("/api/v1/public/services", params=params)
        assert answer.status_code == 200, answer.text
        return {s["id"] for s in answer.json()["items"]}

    assert await ids(gmina=TORUN) == {care["id"]}
    assert await ids(gmina=BYDGOSZCZ) == {family["id"]}  # the powiat of Bydgoszcz is served
    assert await ids(gmina=LUBICZ) == set()
    assert await ids(category="poradnictwo") == {family["id"]}
    assert await ids(cost="free") == {family["id"]} and await ids(language="uk") == {care["id"]}
    assert await ids(target_group="rodziny") == {family["id"]}
    assert await ids(search="opiekun") == {care["id"]} and await ids(postcode="85-001") == {family["id"]}
    assert await ids(organisation_id=torun["id"]) == {care["id"]}
    assert await ids(modified_after="2999-01-01T00:00:00Z") == set()
    paged = (await client.get("/api/v1/public/services", params={"page_size": 1, "page": 2})).json()
    assert paged["total"] == 2 and len(paged["items"]) == 1
    detail = await client.get(f"/api/v1/public/services/{family['id']}")
    assert detail.status_code == 200 and detail.json()["areas"][0]["code"] == BYDGOSZCZ[:4]

    orgs = (await client.get("/api/v1/public/organisations", params={"gmina": TORUN})).json()
    assert [o["name"] for o in orgs["items"]] == ["Fundacja Toruńska"]
    assert orgs["items"][0]["krs"] == "0000123456" and "email" not in orgs["items"][0]
    kinds = (await client.get("/api/v1/public/organisations", params={"kind": "association"})).json()
    assert [o["id"] for o in kinds["items"]] == [bydgoszcz["id"]]
    found = (await client.get("/api/v1/public/organisations", params={"search": "torunska"})).json()
    assert [o["id"] for o in found["items"]] == [torun["id"]]
    one_org = (await client.get(f"/api/v1/public/organisations/{torun['id']}")).json()
    assert one_org["services"] == [{"id": care["id"], "name": "Usługi opiekuńcze dla seniorów"}]


@pytest.mark.parametrize(
    ("path", "params", "field"),
    [
        ("services", {"gmina": "9999999"}, "gmina"),
        ("services", {"page_size": 100_000}, "page_size"),
        ("services", {"page": 0}, "page"),
        ("services", {"category": "nie-ma"}, "category"),
        ("services", {"cost": "cheap"}, "cost"),
        ("services", {"language": "xx"}, "language"),
        ("services", {"target_group": "nikt"}, "target_group"),
        ("services", {"postcode": "87100"}, "postcode"),
        ("services", {"search": "x" * 201}, "search"),
        ("organisations", {"gmina": "12"}, "gmina"),
        ("organisations", {"kind": "pirates"}, "kind"),
        ("organisations", {"page_size": 0}, "page_size"),
    ],
)
async def test_bad_parameters_answer_422_naming_the_parameter(client, path, params, field):
    answer = await client.get(f"/api/v1/public/{path}", params=params)
    assert answer.status_code == 422, answer.text
    assert answer.headers["content-type"].startswith("application/problem+json")
    assert field in {error["field"] for error in answer.json()["errors"]}


async def test_hostile_strings_and_unknown_ids(client, make_org):
    await make_org(name="Fundacja 100% Pomocy")
    for text in ["%", "_", "' OR 1=1 --", "<script>", "\\"]:
        answer = await client.get("/api/v1/public/organisations", params={"search": text})
        assert answer.status_code == 200
    assert (
        len((await client.get("/api/v1/public/organisations", params={"search": "100%"})).json()["items"])
        == 1
    )
    assert (await client.get("/api/v1/public/services/999999")).status_code == 404
    assert (await client.get("/api/v1/public/organisations/999999")).status_code == 404
