"""Machine clients and hostile input: bearer tokens, the token API, security headers, size limits,
injection attempts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from ses.auth.policy import Role

pytestmark = pytest.mark.anyio
HOSTILE = [
    "'; DROP TABLE organisation; --",
    '" OR 1=1 --',
    "{{7*7}}{% raw %}",
    "<script>alert(1)</script>",
    "../../../etc/passwd",
    "%00\x00null",
    "ł' UNION SELECT password_hash FROM account --",
]


async def owes_organisation(client: Any, staff: Any, name: str = "OWES Bydgoszcz") -> int:
    response = await client.post(
        "/api/v1/organisations",
        json={"name": name, "kind": "association", "gmina_code": "0461011", "is_owes": True},
        headers=staff.headers,
    )
    assert response.status_code == 201, response.text
    return response.json()["id"]


async def test_bad_tokens_all_get_the_same_401_that_tells_nothing(client, caller_for, staff):
    from ses.auth.tables import ApiToken

    expired = await caller_for(Role.REVIEWER, name="wygasly")
    await ApiToken.update({ApiToken.expires_at: datetime.now(UTC) - timedelta(seconds=1)}).where(
        ApiToken.account == expired.account_id
    )
    revoked = await caller_for(Role.REVIEWER, name="uniewazniony")
    await ApiToken.update({ApiToken.revoked_at: datetime.now(UTC)}).where(
        ApiToken.account == revoked.account_id
    )
    answers = []
    for header in (
        "Bearer ses_" + "A" * 43,  # well-formed, forged
        "Bearer nie-token",  # malformed
        "Basic YWRtaW46YWRtaW4=",  # another scheme
        "Bearer ",  # empty
        expired.headers["Authorization"],
        revoked.headers["Authorization"],
    ):
        response = await client.get("/api/v1/organisations", headers={"Authorization": header})
        answers.append(
            (response.status_code, response.json()["detail"], response.headers.get("www-authenticate"))
        )
    assert set(answers) == {(401, "Nieprawidłowy lub nieważny token.", "Bearer")}


async def test_staff_issue_and_revoke_owes_tokens_but_not_tokens_of_other_roles(client, staff, caller_for):
    owes = await caller_for(
        Role.OWES, organisation_id=await owes_organisation(client, staff), name="owes-bdg"
    )
    issued = await client.post(
        "/api/v1/tokens",
        json={"account_id": owes.account_id, "name": "system sprawozdawczy", "valid_days": 90},
        headers=staff.headers,
    )
    assert issued.status_code == 201, issued.text
    secret = issued.json()["token"]
    me = await client.get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"})
    assert me.json()["role"] == "owes" and me.json()["authenticated_by"] == "token"

    listing = await client.get(f"/api/v1/tokens?account_id={owes.account_id}", headers=staff.headers)
    assert listing.status_code == 200
    assert secret not in listing.text and listing.json()["total"] == 2
    assert all(item["prefix"] != secret for item in listing.json()["items"])

    other = await caller_for(Role.REVIEWER, name="recenzent")
    refused = await client.post(
        "/api/v1/tokens", json={"account_id": other.account_id, "name": "x"}, headers=staff.headers
    )
    assert refused.status_code == 403
    too_long = await client.post(
        "/api/v1/tokens",
        json={"account_id": owes.account_id, "name": "x", "valid_days": 5000},
        headers=staff.headers,
    )
    assert too_long.status_code == 422
    assert too_long.json()["errors"][0]["field"] == "valid_days"

    revoked = await client.post(f"/api/v1/tokens/{issued.json()['id']}/revoke", headers=staff.headers)
    assert revoked.status_code == 200
    assert (await client.get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"})).status_code == 401


async def test_security_headers_on_api_pages_and_errors(client, staff):
    for path, headers in (
        ("/api/v1/organisations", staff.headers),
        ("/", {}),
        ("/login", {}),
        ("/api/v1/nie-ma", {}),
    ):
        response = await client.get(path, headers=headers)
        csp = response.headers["content-security-policy"]
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp, path
        assert "frame-ancestors 'none'" in csp
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["referrer-policy"] == "same-origin"
    docs = await client.get("/schema")
    assert docs.status_code == 200
    assert "frame-ancestors 'none'" in docs.headers["content-security-policy"]


async def test_a_1_gb_upload_is_refused_before_it_is_read(client, staff):
    sent = 0

    async def body() -> Any:
        nonlocal sent
        for _ in range(4):
            sent += 65536
            yield b"x" * 65536

    response = await client.post(
        "/api/v1/organisations/import",
        content=body(),
        headers={
            **staff.headers,
            "content-type": "multipart/form-data; boundary=x",
            "content-length": str(1024**3),
        },
    )
    assert response.status_code == 413
    assert response.headers["content-type"].startswith("application/problem+json")
    assert sent <= 65536 * 4


async def test_oversized_json_body_is_refused(client, staff):
    response = await client.post(
        "/api/v1/organisations",
        content=b'{"name": "' + b"a" * (3 * 1024 * 1024) + b'"}',
        headers={**staff.headers, "content-type": "application/json"},
    )
    assert response.status_code == 413


@pytest.mark.parametrize("hostile", HOSTILE)
async def test_hostile_text_in_fields_and_filters_is_only_text(client, staff, hostile):
    created = await client.post(
        "/api/v1/organisations",
        json={"name": f"Fundacja {hostile}", "kind": "foundation", "gmina_code": "0463011"},
        headers=staff.headers,
    )
    assert created.status_code in (201, 422), created.text
    for query in (
        {"q": hostile},
        {"territory": hostile},
        {"sort": hostile},
        {"kind": hostile},
        {"krs": hostile},
    ):
        response = await client.get("/api/v1/organisations", params=query, headers=staff.headers)
        assert response.status_code in (200, 400, 422), (query, response.text)
    if created.status_code == 201:
        found = await client.get("/api/v1/organisations", params={"q": hostile[:30]}, headers=staff.headers)
        assert found.status_code == 200
        record = await client.get(f"/api/v1/organisations/{created.json()['id']}", headers=staff.headers)
        assert record.json()["name"] == f"Fundacja {hostile}"
    still_there = await client.get("/api/v1/organisations", headers=staff.headers)
    assert still_there.status_code == 200


async def test_hostile_names_are_escaped_on_pages(client, admin):
    from ses.audit.services import Actor
    from ses.auth.services import create_account

    await create_account(
        username="x-hostile",
        display_name="{{7*7}}<script>alert(1)</script>",
        role=Role.COMMITTEE,
        password=None,
        actor=Actor.system("tests"),
    )
    page = await client.get("/admin/accounts", headers={**admin.headers, "accept": "text/html"})
    assert page.status_code == 200
    assert "<script>alert(1)</script>" not in page.text


async def test_an_owes_token_sees_only_its_own_register_record(client, staff, caller_for):
    own = await owes_organisation(client, staff, "OWES Włocławek")
    other = await owes_organisation(client, staff, "OWES Grudziądz")
    owes = await caller_for(Role.OWES, organisation_id=own, name="owes-wloclawek")
    assert (await client.get(f"/api/v1/organisations/{own}", headers=owes.headers)).status_code == 200
    for path in (
        f"/api/v1/organisations/{other}",
        f"/api/v1/organisations/{other}/statuses",
        f"/api/v1/organisations/{other}/figures",
    ):
        response = await client.get(path, headers=owes.headers)
        assert response.status_code == 404, path
        assert "Grudziądz" not in response.text
    listing = await client.get("/api/v1/organisations", headers=owes.headers)
    assert listing.status_code == 403
