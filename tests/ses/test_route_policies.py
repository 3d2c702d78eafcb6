"""Every route declares who may call it, and every role gets the answer its policy promises.

The first test walks the application's routes and fails on any handler without a declared policy.
The second calls every route as every role (anonymous, committee, OWES, reviewer, staff, admin):
a role outside the policy must get 401 (anonymous) or 403, a role inside it must never get either,
and nothing may answer 5xx. New routes are covered the moment they are mounted.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from ses.auth.policy import Role, policy_of

pytestmark = pytest.mark.anyio

# Framework-generated handlers that serve no data: CORS pre-flight answers and HEAD twins of GETs.
GENERATED_METHODS = {"OPTIONS", "HEAD"}
# Routes that stream files from disk; called separately below with a real file name.
STATIC_PREFIXES = ("/static/",)
# Public forms whose CSRF check answers 403 before any policy matters (tested in test_auth_web.py).
CSRF_FORMS = {("POST", "/login")}
ROLES = [None, Role.COMMITTEE, Role.OWES, Role.REVIEWER, Role.STAFF, Role.ADMIN]


def app_routes() -> list[tuple[str, str, frozenset[Role] | None]]:
    from ses.app import create_app

    found = []
    for route in create_app().routes:
        for handler in getattr(route, "route_handlers", []):
            for method in sorted(handler.http_methods - GENERATED_METHODS):
                found.append((route.path, method, policy_of(handler)))
    return found


def concrete(path: str) -> str:
    """A path with every parameter filled by a value that names nothing that exists."""
    path = re.sub(r"\{[^}:]+:int\}", "987654", path)
    path = re.sub(r"\{[^}:]+:path\}", "nie-ma.txt", path)
    return re.sub(r"\{[^}:]+(:[a-z]+)?\}", "nie-ma", path)


def test_every_route_declares_its_policy():
    routes = app_routes()
    assert len(routes) > 20
    undeclared = [f"{method} {path}" for path, method, policy in routes if policy is None]
    assert undeclared == [], f"routes without a declared policy: {undeclared}"


async def test_every_route_answers_every_role_as_its_policy_says(client, staff, caller_for):
    owes_org = await client.post(
        "/api/v1/organisations",
        json={
            "name": "OWES do testu polityk",
            "kind": "association",
            "gmina_code": "0463011",
            "is_owes": True,
        },
        headers=staff.headers,
    )
    assert owes_org.status_code == 201, owes_org.text
    callers = {None: None, Role.STAFF: staff}
    for role in (Role.COMMITTEE, Role.REVIEWER, Role.ADMIN):
        callers[role] = await caller_for(role, name=f"policy-{role.value}")
    callers[Role.OWES] = await caller_for(
        Role.OWES, organisation_id=owes_org.json()["id"], name="policy-owes"
    )

    wrong: list[str] = []
    checked = 0
    for path, method, policy in app_routes():
        if path.startswith(STATIC_PREFIXES) or (method, path) in CSRF_FORMS:
            continue
        assert policy is not None
        for role in ROLES:
            caller = callers[role]
            headers = dict(caller.headers) if caller else {}
            body: dict[str, Any] = {"json": {}} if method in ("POST", "PUT", "PATCH") else {}
            response = await client.request(method, concrete(path), headers=headers, **body)
            checked += 1
            admitted = Role.PUBLIC in policy or (role is not None and (role in policy or role is Role.ADMIN))
            status = response.status_code
            if status >= 500:
                wrong.append(f"{method} {path} as {role}: {status} {response.text[:200]}")
            elif admitted and status in (401, 403):
                wrong.append(f"{method} {path} as {role}: admitted by policy but got {status}")
            elif not admitted and status != (401 if role is None else 403):
                wrong.append(
                    f"{method} {path} as {role}: expected {401 if role is None else 403}, got {status}"
                )
    assert wrong == [], "\n".join(wrong)
    assert checked > 100


async def test_static_files_are_public_and_cannot_escape_their_folder(client):
    assert (await client.get("/static/ses/ses.css")).status_code == 200
    for attempt in (
        "/static/ses/../../settings.py",
        "/static/ses/%2e%2e/%2e%2e/settings.py",
        "/static/ses/..%2f..%2fsettings.py",
    ):
        response = await client.get(attempt)
        assert response.status_code in (400, 404), attempt
        assert "Settings" not in response.text


@pytest.mark.parametrize(
    ("method", "path", "expected"),
    [
        # method, path, {role: status} — the promises of issue #3's role table, spelled out.
        (
            "GET",
            "/api/v1/organisations",
            {
                None: 401,
                Role.COMMITTEE: 403,
                Role.OWES: 403,
                Role.REVIEWER: 200,
                Role.STAFF: 200,
                Role.ADMIN: 200,
            },
        ),
        (
            "GET",
            "/api/v1/territories?level=voivodeship",
            {None: 200, Role.COMMITTEE: 200, Role.OWES: 200, Role.STAFF: 200},
        ),
        (
            "GET",
            "/api/v1/me",
            {
                None: 401,
                Role.COMMITTEE: 200,
                Role.OWES: 200,
                Role.REVIEWER: 200,
                Role.STAFF: 200,
                Role.ADMIN: 200,
            },
        ),
        (
            "GET",
            "/api/v1/tokens",
            {
                None: 401,
                Role.COMMITTEE: 403,
                Role.OWES: 403,
                Role.REVIEWER: 403,
                Role.STAFF: 200,
                Role.ADMIN: 200,
            },
        ),
        ("GET", "/admin/accounts", {None: 401, Role.STAFF: 403, Role.REVIEWER: 403, Role.ADMIN: 200}),
    ],
)
async def test_role_table(client, staff, caller_for, method, path, expected):
    owes_org = await client.post(
        "/api/v1/organisations",
        json={"name": "OWES tabela ról", "kind": "association", "gmina_code": "0463011", "is_owes": True},
        headers=staff.headers,
    )
    for role, status in expected.items():
        headers = {}
        if role is Role.STAFF:
            headers = staff.headers
        elif role is Role.OWES:
            headers = (
                await caller_for(role, organisation_id=owes_org.json()["id"], name="table-owes")
            ).headers
        elif role is not None:
            headers = (await caller_for(role, name=f"table-{role.value}")).headers
        response = await client.request(method, path, headers=headers)
        assert response.status_code == status, (
            f"{method} {path} as {role}: {response.status_code} {response.text[:200]}"
        )
