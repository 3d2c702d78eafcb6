"""The directory as Open Referral HSDS 3.0: every answer valid against the official compiled schemas."""

from __future__ import annotations

import io
import json
import zipfile
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from ses.audit.services import Actor
from ses.directory import services
from ses.directory.schemas import ServiceIn
from tests.directory.conftest import BYDGOSZCZ, LUBICZ, TORUN, service_body

pytestmark = pytest.mark.anyio
SCHEMAS = Path(__file__).resolve().parent.parent / "fixtures" / "hsds"


@cache
def schema(name: str) -> dict[str, Any]:
    if name in ("taxonomy_term", "taxonomy"):  # not compiled on their own: taken from inside a service
        term = schema("service")["properties"]["attributes"]["items"]["properties"]["taxonomy_term"]
        return term if name == "taxonomy_term" else term["properties"]["taxonomy_detail"]
    return json.loads((SCHEMAS / f"{name}.json").read_text(encoding="utf-8"))


def valid(document: Any, name: str) -> None:
    jsonschema.Draft202012Validator(schema(name), format_checker=jsonschema.FormatChecker()).validate(
        document
    )


def valid_page(document: dict[str, Any], item: str) -> None:
    page_schema = json.loads((SCHEMAS / "page.json").read_text())["Page"]
    jsonschema.Draft202012Validator(page_schema).validate(document)
    assert set(document) == {*page_schema["properties"], "contents"}
    for content in document["contents"]:
        valid(content, item)


def _in(body: dict[str, Any]) -> dict[str, Any]:
    return ServiceIn.model_validate(body).model_dump()


async def _seed(make_org: Any) -> dict[str, Any]:
    """Three services: Toruń (gmina), powiat toruński (Lubicz, area = powiat), Bydgoszcz."""
    actor = Actor.system("tests")
    torun = await make_org(name="Stowarzyszenie Pomocy Sąsiedzkiej", krs="0000030897", nip="5260250274")
    lubicz = await make_org(name="Fundacja Lubicka", gmina_code=LUBICZ, regon="012100784")
    bydgoszcz = await make_org(
        name="Spółdzielnia Socjalna Bydgoszcz", kind="social_cooperative", gmina_code=BYDGOSZCZ
    )
    near = (await services.create(_in(service_body(torun["id"])), None, actor))[0]
    lubicz_location = {
        "name": "Świetlica w Lubiczu",
        "street": "ul. Toruńska 21",
        "locality": "Lubicz Dolny",
        "postal_code": "87-162",
        "gmina_code": LUBICZ,
        "latitude": 53.0353,
        "longitude": 18.7567,
    }
    far = (
        await services.create(
            _in(
                service_body(
                    lubicz["id"],
                    name="Świetlica środowiskowa",
                    category="wspieranie_rodziny",
                    target_groups=["mlodziez"],
                    cost="free",
                    languages=["pl"],
                    locations=[lubicz_location],
                    area_codes=["0415", TORUN],
                )
            ),
            None,
            actor,
        )
    )[0]
    other = (
        await services.create(
            _in(
                service_body(
                    bydgoszcz["id"],
                    name="Pośrednictwo pracy",
                    category="zatrudnienie",
                    target_groups=["bezrobotni"],
                    locations=[
                        {
                            **lubicz_location,
                            "gmina_code": BYDGOSZCZ,
                            "latitude": 53.1235,
                            "longitude": 18.0084,
                            "locality": "Bydgoszcz",
                            "postal_code": "85-001",
                        }
                    ],
                    area_codes=[BYDGOSZCZ],
                )
            ),
            None,
            actor,
        )
    )[0]
    return {"near": near, "far": far, "other": other, "torun_org": torun}


async def test_every_endpoint_answers_valid_hsds(client, make_org):
    seeded = await _seed(make_org)
    root = (await client.get("/hsds/")).json()
    assert root["version"] == "3.0" and root["openapi_url"].endswith("/schema/openapi.json")

    listing = (await client.get("/hsds/services")).json()
    valid_page(listing, "service_list")
    assert listing["total_items"] == 3

    service_id = listing["contents"][0]["id"]
    full = (await client.get(f"/hsds/services/{service_id}")).json()
    valid(full, "service")
    assert full["service_at_locations"][0]["location"]["latitude"] == pytest.approx(53.0103)
    assert {a["taxonomy_term"]["code"] for a in full["attributes"]} == {"uslugi_opiekuncze", "seniorzy"}
    assert [language["code"] for language in full["languages"]] == ["pl", "uk"]

    sal = (await client.get("/hsds/service_at_locations", params={"gmina": TORUN})).json()
    valid_page(sal, "service_at_location_list")
    one = (await client.get(f"/hsds/service_at_locations/{sal['contents'][0]['id']}")).json()
    valid(one, "service_at_location")

    organisations = (await client.get("/hsds/organizations")).json()
    valid_page(organisations, "organization_list")
    assert organisations["total_items"] == 3
    org_id = next(
        o["id"] for o in organisations["contents"] if o["name"] == "Stowarzyszenie Pomocy Sąsiedzkiej"
    )
    organisation = (await client.get(f"/hsds/organizations/{org_id}")).json()
    valid(organisation, "organization")
    identifiers = {
        (i["identifier_scheme"], i["identifier"]) for i in organisation["organization_identifiers"]
    }
    assert identifiers == {("PL-KRS", "0000030897"), ("PL-NIP", "5260250274")}
    assert [s["name"] for s in organisation["services"]] == ["Usługi opiekuńcze dla seniorów"]
    assert seeded["torun_org"]["id"]

    taxonomies = (await client.get("/hsds/taxonomies")).json()
    valid_page(taxonomies, "taxonomy")
    terms = (await client.get("/hsds/taxonomy_terms", params={"per_page": 200})).json()
    valid_page(terms, "taxonomy_term")
    assert {"uslugi_opiekuncze", "seniorzy", "reintegracja"} <= {t["code"] for t in terms["contents"]}


async def test_hsds_parameters(client, make_org):
    await _seed(make_org)

    async def names(path: str, **params: Any) -> list[str]:
        answer = await client.get(path, params=params)
        assert answer.status_code == 200, answer.text
        return [c["name"] if "name" in c else c["service"]["name"] for c in answer.json()["contents"]]

    # Residents of Toruń may use the Toruń service and the powiat-wide one, nearest place first.
    assert await names("/hsds/service_at_locations", gmina=TORUN) == [
        "Usługi opiekuńcze dla seniorów",
        "Świetlica środowiskowa",
    ]
    assert await names("/hsds/services", gmina=LUBICZ) == ["Świetlica środowiskowa"]
    assert await names("/hsds/services", search="swietlica") == ["Świetlica środowiskowa"]
    assert await names("/hsds/services", search="POŚREDNICTWO") == ["Pośrednictwo pracy"]
    terms = (await client.get("/hsds/taxonomy_terms", params={"per_page": 200})).json()["contents"]
    by_code = {t["code"]: t["id"] for t in terms}
    assert await names("/hsds/services", taxonomy_term_id=by_code["zatrudnienie"]) == ["Pośrednictwo pracy"]
    assert await names("/hsds/services", taxonomy_term_id=by_code["pomoc_spoleczna"]) == [
        "Usługi opiekuńcze dla seniorów"  # a child category counts under its parent
    ]
    assert await names("/hsds/services", taxonomy_term_id=by_code["mlodziez"]) == ["Świetlica środowiskowa"]
    assert await names("/hsds/service_at_locations", postcode="87-162") == ["Świetlica środowiskowa"]
    assert await names("/hsds/service_at_locations", postcode="87-100", proximity="15000") == [
        "Usługi opiekuńcze dla seniorów",
        "Świetlica środowiskowa",
    ]
    assert await names("/hsds/service_at_locations", postcode="87-100", proximity="500") == [
        "Usługi opiekuńcze dla seniorów"
    ]
    assert await names("/hsds/services", modified_after="2000-01-01T00:00:00Z") != []
    assert await names("/hsds/services", modified_after="2100-01-01T00:00:00Z") == []
    paged = (await client.get("/hsds/services", params={"per_page": 2, "page": 2})).json()
    assert (paged["total_items"], paged["total_pages"], paged["size"], paged["last_page"]) == (3, 2, 1, True)


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"gmina": "0499999"}, "gmina"),
        ({"gmina": "abc"}, "gmina"),
        ({"per_page": "201"}, "per_page"),
        ({"per_page": "0"}, "per_page"),
        ({"page": "0"}, "page"),
        ({"postcode": "87100"}, "postcode"),
        ({"postcode": "87-100", "proximity": "-5"}, "proximity"),
        ({"postcode": "87-100", "proximity": "NaN"}, "proximity"),
        ({"proximity": "100"}, "proximity"),
        ({"taxonomy_term_id": "x' OR 1=1 --"}, "taxonomy_term_id"),
        ({"search": "x" * 201}, "search"),
    ],
)
async def test_bad_parameters_answer_422_naming_the_parameter(client, params, field):
    for path in ("/hsds/services", "/hsds/service_at_locations"):
        answer = await client.get(path, params=params)
        assert answer.status_code == 422, answer.text
        assert answer.headers["content-type"].startswith("application/problem+json")
        assert [error["field"] for error in answer.json()["errors"]] == [field]


async def test_hostile_search_strings_are_just_text(client, make_org):
    await _seed(make_org)
    for text in ("%", "_", "\\", "'; DROP TABLE directory_service; --", "<script>alert(1)</script>", "ł%_"):
        answer = await client.get("/hsds/services", params={"search": text})
        assert answer.status_code == 200 and answer.json()["total_items"] == 0
    assert (await client.get("/hsds/services")).json()["total_items"] == 3


async def test_unknown_ids_answer_404(client):
    for path in ("/hsds/services/", "/hsds/organizations/", "/hsds/service_at_locations/"):
        for text in (
            "nonsense",
            "5e5d0002-0000-4000-8000-00000000ffff",
            "5e5d0001-0000-4000-8000-000000000001",
        ):
            assert (await client.get(path + text)).status_code == 404


async def test_the_whole_directory_downloads_as_a_data_package_and_json_lines(client, make_org):
    await _seed(make_org)
    lines = (await client.get("/hsds/export.ndjson")).text.splitlines()
    assert len(lines) == 3
    for line in lines:
        valid(json.loads(line), "service")
    archive = zipfile.ZipFile(io.BytesIO((await client.get("/hsds/datapackage.zip")).content))
    descriptor = json.loads(archive.read("datapackage.json"))
    assert descriptor["licenses"][0]["name"] == "CC-BY-4.0"
    assert {r["path"] for r in descriptor["resources"]} <= set(archive.namelist())
    services_csv = archive.read("services.csv").decode().splitlines()
    assert len(services_csv) == 4 and services_csv[0].startswith("id,organization_id,name")
    assert "CC BY 4.0" in archive.read("LICENCE.txt").decode()
    licence = await client.get("/hsds/licence")
    assert licence.status_code == 200 and "Creative Commons" in licence.text
    assert licence.headers["content-type"] == "text/plain; charset=utf-8"  # once, readable by any client
