"""Every GET route — list pages and list APIs of every package — answers an unknown query parameter
with 422 naming it (ses/web/query_guard.py), and still reads the parameters it declares.

The first test walks the application's routes, so a route mounted later is covered the moment it is.
"""

from __future__ import annotations

import pytest
from litestar.handlers import HTTPRouteHandler

from tests.ses.test_route_policies import STATIC_PREFIXES, concrete

pytestmark = pytest.mark.anyio

UNKNOWN = "zz_nieznany"
LISTS_THAT_MUST_BE_COVERED = (
    "/rejestr",
    "/api/v1/organisations",
    "/raporty",
    "/akredytacja",
    "/siec",
    "/komitet",
    "/dzialania",
    "/uslugi",
    "/panel",
    "/dzialania/wskazniki",
    "/synchronizacja",
    "/zadania",
    "/api/v1/reports",
    "/api/v1/accreditation/accreditations",
    "/api/v1/accreditation/verifications",
    "/api/v1/indicators",
    "/api/v1/sync/runs",
    "/api/v1/jobs/runs",
    "/api/v1/services",
    "/hsds/services",
)


def get_routes() -> list[str]:
    from ses.app import create_app

    paths = []
    for route in create_app().routes:
        for handler in getattr(route, "route_handlers", []):
            if not isinstance(handler, HTTPRouteHandler) or "GET" not in handler.http_methods:
                continue
            if handler.fn.__module__.startswith("litestar.") or route.path.startswith(STATIC_PREFIXES):
                continue  # Litestar's own schema routes and the static files
            paths.append(route.path)
    return sorted(set(paths))


def test_the_named_lists_are_among_the_routes_checked():
    paths = set(get_routes())
    missing = [path for path in LISTS_THAT_MUST_BE_COVERED if path not in paths]
    assert missing == [], f"list routes not mounted under the expected address: {missing}"


async def test_every_get_route_refuses_an_unknown_query_parameter_by_name(client, admin):
    wrong = []
    paths = get_routes()
    for path in paths:
        address = concrete(path)
        response = await client.get(f"{address}?{UNKNOWN}=1", headers=admin.headers)
        if response.status_code != 422 or UNKNOWN not in response.text:
            wrong.append(f"GET {path}: {response.status_code} {response.text[:160]}")
            continue
        if path.startswith(("/api/", "/hsds")):
            assert response.headers["content-type"].startswith("application/problem+json"), path
            problem = response.json()
            assert problem["status"] == 422
            assert UNKNOWN in str(problem), path
        else:
            assert "Nieznany parametr" in response.text, path
    assert wrong == [], "\n".join(wrong)
    assert len(paths) > 60


async def test_declared_parameters_the_language_and_the_cache_buster_are_still_read(client, staff, admin):
    for address in (
        "/rejestr?q=fundacja&kind=foundation&sort=-name&lang=pl&_=1",
        "/api/v1/organisations?kind=association&page_size=5&_=17",
        "/rejestr/eksport.csv?q=fundacja&separator=comma",
        "/raporty?lang=en",
    ):
        response = await client.get(address, headers=staff.headers)
        assert response.status_code == 200, (address, response.text[:300])
    assert (await client.get("/login?next=/rejestr")).status_code == 200
    assert (await client.get("/zadania?uruchomiono=5", headers=admin.headers)).status_code == 200


async def test_the_policy_answers_before_the_parameters_are_checked(client, committee):
    assert (await client.get(f"/api/v1/organisations?{UNKNOWN}=1")).status_code == 401
    assert (await client.get(f"/rejestr?{UNKNOWN}=1", headers=committee.headers)).status_code == 403


async def test_several_unknown_parameters_are_all_named_in_the_api_and_on_the_page(client, staff):
    response = await client.get("/api/v1/organisations?knd=association&strona=2", headers=staff.headers)
    assert response.status_code == 422
    fields = {error["field"] for error in response.json()["errors"]}
    assert {"knd", "strona"} <= fields, response.json()
    page = await client.get("/rejestr?knd=association", headers=staff.headers)
    assert page.status_code == 422
    assert "knd" in page.text and "Nieznany parametr" in page.text
