"""The register list cache and the token cache: same answers, fresh after writes, no leaks.

The first group runs through the app inside the test transaction (the cache keys entries by the
stamp read in that transaction). The second group drives a real uvicorn server over committed data,
where the fast path (`ServeCachedPages`), the committed-stamp probe and the token cache work, and
writes come from the same process (the API) and from another one (the `ses` command).
"""

from __future__ import annotations

import time
import uuid
from typing import Any

import httpx
import pytest
from litestar.serialization import encode_json

from ses.auth.policy import Principal, Role
from ses.auth.services import TOKEN_CACHE_SECONDS
from ses.register import page_cache, queries, stamp
from ses.register.api import LIST_POLICY

pytestmark = pytest.mark.anyio

TORUN = "0463011"
LIST = "/api/v1/organisations"


async def create(client: Any, caller: Any, **fields: Any) -> dict[str, Any]:
    body = {"kind": "association", "gmina_code": TORUN, **fields}
    response = await client.post(LIST, json=body, headers=caller.headers)
    assert response.status_code == 201, response.text
    return response.json()


async def listed(client: Any, caller: Any, **params: Any) -> dict[str, Any]:
    response = await client.get(LIST, params=params, headers=caller.headers)
    assert response.status_code == 200, response.text
    return response.json()


async def test_cached_answer_is_the_uncached_answer_byte_for_byte(client, staff):
    for name in ("Zzcache Alfa", "Zzcache Beta", "Zzcache Gamma"):
        await create(client, staff, name=name)
    params = {"q": "zzcache", "sort": "name", "facets": "kind,pes_letter", "page_size": "2"}
    first = await client.get(LIST, params=params, headers=staff.headers)
    hits = page_cache.PAGES.hits
    again = await client.get(LIST, params=dict(reversed(params.items())), headers=staff.headers)
    assert page_cache.PAGES.hits == hits + 1  # parameters in another order: the same entry
    uncached = encode_json(
        await queries.search(
            queries.RegisterFilter(q="zzcache"),
            sort="name",
            page=1,
            page_size=2,
            facets=["kind", "pes_letter"],
        )
    )
    assert first.content == again.content == uncached
    assert first.json()["total"] == 3 and [item["name"] for item in first.json()["items"]] == [
        "Zzcache Alfa",
        "Zzcache Beta",
    ]
    assert first.headers["etag"] == again.headers["etag"] == page_cache.etag_of(uncached)


async def test_every_kind_of_write_shows_in_the_next_list_call(client, staff):
    assert (await listed(client, staff, q="zzwrite"))["total"] == 0
    coop = await create(client, staff, name="Zzwrite Spółdzielnia", kind="social_cooperative")
    page = await listed(client, staff, q="zzwrite")
    assert page["total"] == 1 and page["items"][0]["ps_state"] is None

    url = f"{LIST}/{coop['id']}"
    changed = await client.patch(
        url,
        json={"name": "Zzwrite Spółdzielnia Razem"},
        headers={**staff.headers, "If-Match": f'"org-{coop["id"]}-v1"'},
    )
    assert changed.status_code == 200, changed.text
    assert (await listed(client, staff, q="zzwrite"))["items"][0]["name"] == "Zzwrite Spółdzielnia Razem"

    granted = await client.post(
        f"{url}/statuses",
        json={"status_type": "ps", "state": "active", "goal": "reintegration",
              "decision_number": "WPS.1.2024", "decision_date": "2024-03-01",
              "granted_by": "Wojewoda Kujawsko-Pomorski"},
        headers=staff.headers,
    )  # fmt: skip
    assert granted.status_code == 201, granted.text
    assert (await listed(client, staff, q="zzwrite"))["items"][0]["ps_state"] == "active"

    moved = await client.post(
        f"{url}/statuses/{granted.json()['id']}/transitions",
        json={"to_state": "under_control", "on_date": "2024-06-01", "reason": "Kontrola warunków"},
        headers=staff.headers,
    )
    assert moved.status_code == 200, moved.text
    page = await listed(client, staff, q="zzwrite")
    assert page["items"][0]["ps_state"] == "under_control"
    version = page["items"][0]["version"]

    retired = await client.post(
        f"{url}/retire",
        json={"reason": "Likwidacja"},
        headers={**staff.headers, "If-Match": f'"org-{coop["id"]}-v{version}"'},
    )
    assert retired.status_code == 200, retired.text
    assert (await listed(client, staff, q="zzwrite"))["total"] == 0
    assert (await listed(client, staff, q="zzwrite", include_retired="true"))["total"] == 1

    imported = await client.post(
        f"{LIST}/import",
        files={
            "data": (
                "rejestr.csv",
                f"name,kind,gmina_code\nZzwrite Fundacja,foundation,{TORUN}\n".encode(),
                "text/csv",
            )
        },
        headers=staff.headers,
    )
    assert imported.status_code == 201, imported.text
    page = await listed(client, staff, q="zzwrite")
    assert page["total"] == 1 and page["items"][0]["name"] == "Zzwrite Fundacja"


async def test_if_none_match_gives_304_until_the_register_changes(client, staff):
    await create(client, staff, name="Zzetag Jeden")
    first = await client.get(LIST, params={"q": "zzetag"}, headers=staff.headers)
    etag = first.headers["etag"]
    assert first.headers["cache-control"] == "private, no-cache"
    same = await client.get(LIST, params={"q": "zzetag"}, headers={**staff.headers, "If-None-Match": etag})
    assert same.status_code == 304 and same.content == b"" and same.headers["etag"] == etag
    listed_etags = await client.get(
        LIST, params={"q": "zzetag"}, headers={**staff.headers, "If-None-Match": f'"other", W/{etag}'}
    )
    assert listed_etags.status_code == 304
    await create(client, staff, name="Zzetag Dwa")
    changed = await client.get(LIST, params={"q": "zzetag"}, headers={**staff.headers, "If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["etag"] != etag and changed.json()["total"] == 2


async def test_owes_cannot_read_the_list_through_a_filled_cache(client, staff, caller_for):
    owes_org = await create(client, staff, name="Zzowes OWES", is_owes=True)
    owes = await caller_for(Role.OWES, organisation_id=owes_org["id"], name="zzowes")
    assert (await listed(client, staff, q="zzowes"))["total"] == 1  # now in the cache
    refused = await client.get(LIST, params={"q": "zzowes"}, headers=owes.headers)
    assert refused.status_code == 403


async def test_viewer_scope_is_part_of_the_key():
    staff = Principal(account_id=1, username="a", role=Role.STAFF)
    reviewer = Principal(account_id=2, username="b", role=Role.REVIEWER)
    owes_a = Principal(account_id=3, username="c", role=Role.OWES, organisation_id=10)
    owes_b = Principal(account_id=4, username="d", role=Role.OWES, organisation_id=11)
    assert page_cache.scope_of(staff) == page_cache.scope_of(reviewer)
    assert len({page_cache.scope_of(staff), page_cache.scope_of(owes_a), page_cache.scope_of(owes_b)}) == 3


async def test_fast_path_serves_only_callers_the_route_admits():
    """The middleware in front of the route, outside any transaction, with an entry planted for
    the register scope: a staff caller gets it, an OWES caller (and an anonymous one) go on to the
    route, which refuses them."""
    raw = b"q=zzfast&page=1"
    current = await stamp.STAMP.current()
    body = b'{"planted":true}'
    entry = page_cache.Entry(body=body, etag=page_cache.etag_of(body), made_at=time.monotonic())
    staff = Principal(account_id=1, username="a", role=Role.STAFF)
    page_cache.PAGES.put(page_cache._key(current, False, staff, raw), entry)
    owes = Principal(account_id=3, username="c", role=Role.OWES, organisation_id=10)
    passed_on: list[Any] = []

    async def route(scope: Any, receive: Any, send: Any) -> None:
        passed_on.append(scope["user"])

    middleware = page_cache.ServeCachedPages(route, roles=LIST_POLICY.roles)  # type: ignore[attr-defined]
    for user in (staff, owes, None):
        sent: list[Any] = []

        async def send(message: Any, sent: list[Any] = sent) -> None:
            sent.append(message)

        scope = {"type": "http", "method": "GET", "query_string": raw, "headers": [], "user": user}
        await middleware(scope, None, send)
        if user is staff:
            assert sent[0]["status"] == 200 and sent[1]["body"] == body
        else:
            assert sent == []
    assert passed_on == [owes, None]


# ---- a real server over committed data ------------------------------------------------------


def _token(live_server: Any, username: str, role: str) -> tuple[str, int]:
    live_server.ses("user", "create", username, "--role", role, "--no-password")
    lines = live_server.ses("token", "create", username).strip().splitlines()
    return lines[-1], int(lines[-2].split()[1])


def _wait_until(check: Any, limit: float) -> float:
    started = time.monotonic()
    while not check():
        if time.monotonic() - started > limit:
            raise AssertionError(f"not within {limit} s")
        time.sleep(0.02)
    return time.monotonic() - started


def test_live_server_writes_from_this_and_other_processes_reach_the_list(live_server, tmp_path):
    word = "zz" + uuid.uuid4().hex[:8]
    secret, _ = _token(live_server, f"staff-{word}", "staff")
    headers = {"Authorization": f"Bearer {secret}"}
    with httpx.Client(base_url=live_server.base_url, headers=headers) as http:

        def total() -> int:
            response = http.get(LIST, params={"q": word})
            assert response.status_code == 200, response.text
            return int(response.json()["total"])

        assert total() == 0 and total() == 0  # the second from the cache
        created = http.post(LIST, json={"name": f"{word} Alfa", "kind": "association", "gmina_code": TORUN})
        assert created.status_code == 201, created.text
        assert total() == 1  # a write through this server: at once

        first = http.get(LIST, params={"q": word})
        cached = http.get(LIST, params={"q": word})
        assert cached.content == first.content and cached.headers["etag"] == first.headers["etag"]
        assert cached.headers["content-type"] == first.headers["content-type"] == "application/json"
        assert cached.headers["x-content-type-options"] == "nosniff"  # security headers on the fast path too
        not_modified = http.get(LIST, params={"q": word}, headers={"If-None-Match": first.headers["etag"]})
        assert not_modified.status_code == 304 and not_modified.content == b""

        # Another process writes (`ses import`): SQLite sees it at once (data_version), PostgreSQL
        # within the stamp recheck interval.
        path = tmp_path / "more.csv"
        path.write_text(f"name,kind,gmina_code\n{word} Beta,foundation,{TORUN}\n", encoding="utf-8")
        live_server.ses("import", str(path))
        took = _wait_until(lambda: total() == 2, stamp.STAMP_RECHECK_S + 1.0)
        assert took <= stamp.STAMP_RECHECK_S + 0.5


def test_live_server_revoked_token_stops_within_the_bound(live_server):
    word = uuid.uuid4().hex[:8]
    admin_secret, _ = _token(live_server, f"admin-{word}", "admin")
    secret, token_id = _token(live_server, f"reader-{word}", "reviewer")
    with httpx.Client(base_url=live_server.base_url) as http:

        def status(token: str) -> int:
            return http.get(
                LIST, params={"page_size": "1"}, headers={"Authorization": f"Bearer {token}"}
            ).status_code

        assert status(secret) == 200 and status(secret) == 200  # the second from the token cache
        # Revoked through this server: refused by the very next request.
        revoked = http.post(
            f"/api/v1/tokens/{token_id}/revoke", headers={"Authorization": f"Bearer {admin_secret}"}
        )
        assert revoked.status_code == 200, revoked.text
        assert status(secret) == 401

        # Revoked by another process (`ses token revoke`): refused within TOKEN_CACHE_SECONDS.
        other_secret, other_id = _token(live_server, f"other-{word}", "staff")
        assert status(other_secret) == 200
        live_server.ses("token", "revoke", str(other_id))
        took = _wait_until(lambda: status(other_secret) == 401, TOKEN_CACHE_SECONDS + 1.0)
        assert took <= TOKEN_CACHE_SECONDS + 0.5


async def test_unknown_parameters_are_refused_and_the_cache_buster_is_not_stored(client, staff):
    from ses.register.api import LIST_PARAMS

    schema = (await client.get("/schema/openapi.json")).json()
    documented = schema["paths"]["/api/v1/organisations"]["get"]["parameters"]
    assert {p["name"] for p in documented if p["in"] == "query"} == set(LIST_PARAMS)
    await create(client, staff, name="Zzjunk Jeden")
    entries = len(page_cache.PAGES.entries)
    plain = await client.get(LIST, params={"q": "zzjunk"}, headers=staff.headers)
    assert len(page_cache.PAGES.entries) == entries + 1
    for n in range(3):
        fresh = await client.get(LIST, params={"q": "zzjunk", "_": str(n)}, headers=staff.headers)
        assert fresh.status_code == 200 and fresh.content == plain.content
    assert len(page_cache.PAGES.entries) == entries + 1
    junk = await client.get(LIST, params={"q": "zzjunk", "_cold": "1"}, headers=staff.headers)
    assert junk.status_code == 422 and junk.json()["errors"][0]["field"] == "_cold"
    assert len(page_cache.PAGES.entries) == entries + 1


async def test_concurrent_misses_of_one_page_compute_it_once():
    import asyncio

    calls = 0

    async def compute() -> dict[str, Any]:
        nonlocal calls
        calls += 1
        await asyncio.sleep(0.05)
        return {"items": [], "total": calls}

    key = ("stamp-single-flight", False, ("register",), (b"q=przyjaciol",))
    entries = await asyncio.gather(*(page_cache._made_once(key, compute, 0.0) for _ in range(8)))
    assert calls == 1
    assert {entry.body for entry in entries} == {b'{"items":[],"total":1}'}
    assert len(page_cache.IN_FLIGHT) == 0


async def test_an_error_reaches_every_waiter_and_a_leader_that_left_is_replaced():
    import asyncio

    async def refused() -> Any:
        await asyncio.sleep(0.02)
        raise ValueError("Nieznany wymiar")

    key = ("stamp-single-flight-error", False, ("register",), (b"facets=x",))
    outcomes = await asyncio.gather(
        *(page_cache._made_once(key, refused, 0.0) for _ in range(3)), return_exceptions=True
    )
    assert [type(outcome) for outcome in outcomes] == [ValueError] * 3

    started = asyncio.Event()

    async def slow() -> dict[str, Any]:
        started.set()
        await asyncio.sleep(10)
        return {}

    async def quick() -> dict[str, Any]:
        return {"total": 7}

    key = ("stamp-single-flight-cancel", False, ("register",), (b"page=2",))
    leader = asyncio.create_task(page_cache._made_once(key, slow, 0.0))
    await started.wait()
    waiter = asyncio.create_task(page_cache._made_once(key, quick, 0.0))
    await asyncio.sleep(0.01)
    leader.cancel()
    assert (await waiter).body == b'{"total":7}'
    assert len(page_cache.IN_FLIGHT) == 0


def test_live_server_a_report_acceptance_that_creates_a_pes_reaches_the_list_at_once(live_server):
    """A register write made by another package (reporting's acceptance creates the PES named in the
    report) shows in the very next list answer, as a write through the register's own API does."""
    from tests.reporting.test_reporting_api import content

    word = "zz" + uuid.uuid4().hex[:8]
    nip = _valid_nip(word)
    staff_secret, _ = _token(live_server, f"staff-{word}", "staff")
    staff = {"Authorization": f"Bearer {staff_secret}"}
    with httpx.Client(base_url=live_server.base_url) as http:

        def create(**fields: Any) -> dict[str, Any]:
            body = {"kind": "association", "gmina_code": TORUN, **fields}
            response = http.post(LIST, json=body, headers=staff)
            assert response.status_code == 201, response.text
            return response.json()

        owes = create(name=f"{word} OWES", is_owes=True)
        ps = create(name=f"{word} Spółdzielnia", kind="social_cooperative")
        live_server.ses("user", "create", f"owes-{word}", "--role", "owes", "--organisation-id",
                        str(owes["id"]), "--no-password")  # fmt: skip
        owes_secret = live_server.ses("token", "create", f"owes-{word}").strip().splitlines()[-1]
        data = content(ps["id"])
        data["new_entities"][0].update(name=f"{word} Nowa Droga", nip=nip)
        submitted = http.post(
            "/api/v1/reports",
            json={"period": "2025-Q1", "data": data, "submit": True},
            headers={"Authorization": f"Bearer {owes_secret}"},
        )
        assert submitted.status_code == 201, submitted.text

        def total() -> int:
            response = http.get(LIST, params={"nip": nip}, headers=staff)
            assert response.status_code == 200, response.text
            return int(response.json()["total"])

        assert total() == 0 and total() == 0  # the second from the cache
        accepted = http.post(f"/api/v1/reports/{submitted.json()['id']}/accept", headers=staff)
        assert accepted.status_code == 200, accepted.text
        assert total() == 1  # at once, not after the stamp's recheck interval


def _valid_nip(seed: str) -> str:
    """A NIP with a valid check digit, different for every run."""
    weights = (6, 5, 7, 2, 3, 4, 5, 6, 7)
    number = int(seed[2:], 16)
    while True:
        digits = f"{number % 10**9:09d}"
        check = sum(int(d) * w for d, w in zip(digits, weights, strict=True)) % 11
        if check < 10 and digits[0] != "0":
            return digits + str(check)
        number += 1
