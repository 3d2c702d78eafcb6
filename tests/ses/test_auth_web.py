"""People in the browser: sign-in with CSRF, throttling and lock-out, sessions, password change,
account pages for admins, and the audit trail of all of it."""

from __future__ import annotations

import re
from typing import Any

import pytest

from ses.audit.services import Actor
from ses.auth.policy import Role

pytestmark = pytest.mark.anyio
PASSWORD = "Torun-2026-haslo"
HTML = {"accept": "text/html"}


async def account(username: str, role: Role = Role.STAFF, password: str = PASSWORD, **extra: Any) -> int:
    from ses.auth.services import create_account

    return await create_account(
        username=username, role=role, password=password, actor=Actor.system("tests"), **extra
    )


def hidden(html: str, name: str) -> str:
    match = re.search(rf'name="{name}" value="([^"]*)"', html)
    assert match, f"no hidden field {name}"
    return match.group(1)


async def sign_in(client: Any, username: str, password: str = PASSWORD, next_path: str = "/") -> Any:
    form_page = await client.get("/login", headers=HTML)
    assert form_page.status_code == 200
    return await client.post(
        "/login",
        data={
            "username": username,
            "password": password,
            "_csrf": hidden(form_page.text, "_csrf"),
            "next": next_path,
        },
        headers=HTML,
    )


async def audit_actions(account_id: int | None = None) -> list[str]:
    from ses.audit.tables import AuditRecord

    query = AuditRecord.select(AuditRecord.action).order_by(AuditRecord.id)
    if account_id is not None:
        query = query.where(AuditRecord.entity_id == account_id)
    return [row["action"] for row in await query]


async def test_sign_in_sets_a_safe_session_cookie_and_the_session_works_for_the_api(client):
    account_id = await account("anna.kowalska")
    response = await sign_in(client, "anna.kowalska", next_path="/account/password")
    assert response.status_code == 303
    assert response.headers["location"] == "/account/password"
    cookie = next(
        value
        for name, value in response.headers.multi_items()
        if name == "set-cookie" and "ses_session=" in value
    )
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie.replace("Lax", "lax") and "Path=/" in cookie
    me = await client.get("/api/v1/me")
    assert me.status_code == 200
    csrf = me.json().pop("csrf_token")
    assert me.json() | {"csrf_token": csrf} == {
        "account_id": account_id,
        "username": "anna.kowalska",
        "role": "staff",
        "organisation_id": None,
        "authenticated_by": "session",
        "csrf_token": csrf,
    }
    with_header = await client.post(
        "/api/v1/tokens", json={"account_id": account_id, "name": "x"}, headers={"X-SES-CSRF": csrf}
    )
    assert with_header.status_code == 403 and "tylko kontom OWES" in with_header.json()["detail"]
    assert "auth.login" in await audit_actions(account_id)


async def test_open_redirects_after_sign_in_are_not_followed(client):
    await account("jan.nowak")
    response = await sign_in(client, "jan.nowak", next_path="//evil.example/phish")
    assert response.headers["location"] == "/"


async def test_sign_in_form_without_its_csrf_token_is_refused(client):
    await account("ewa.zielinska")
    await client.get("/login", headers=HTML)
    response = await client.post(
        "/login", data={"username": "ewa.zielinska", "password": PASSWORD, "_csrf": "forged"}, headers=HTML
    )
    assert response.status_code == 403
    assert "Formularz wygasł" in response.text
    assert (await client.get("/api/v1/me")).status_code == 401


async def test_wrong_password_and_unknown_user_get_the_same_polish_answer(client):
    await account("piotr.wisniewski")
    wrong = await sign_in(client, "piotr.wisniewski", "zle-haslo-123")
    unknown = await sign_in(client, "nikt.taki", "zle-haslo-123")
    assert wrong.status_code == unknown.status_code == 401
    for response in (wrong, unknown):
        assert "Nieprawidłowa nazwa użytkownika lub hasło." in response.text
    assert (await audit_actions()).count("auth.login_failed") == 2


async def test_five_failures_lock_the_account_even_for_the_right_password(client):
    account_id = await account("marta.lewandowska")
    for _ in range(4):
        assert (await sign_in(client, "marta.lewandowska", "zle-haslo-123")).status_code == 401
    fifth = await sign_in(client, "marta.lewandowska", "zle-haslo-123")
    assert "wstrzymane na 15 minut" in fifth.text
    locked = await sign_in(client, "marta.lewandowska", PASSWORD)
    assert locked.status_code == 401
    assert "wstrzymane na 15 minut" in locked.text
    actions = await audit_actions(account_id)
    assert actions.count("auth.login_failed") == 5 and "auth.login_refused" in actions
    assert "auth.login" not in actions


async def test_an_address_trying_many_accounts_is_locked_out(client):
    for attempt in range(20):
        await sign_in(client, f"zgadywany{attempt}", "zle-haslo-123")
    await account("tomasz.wojcik")
    response = await sign_in(client, "tomasz.wojcik")
    assert response.status_code == 401
    assert "z tego adresu" in response.text


async def test_session_writes_need_the_csrf_token_and_sign_out_ends_the_session(client):
    await account("kasia.kaminska")
    await sign_in(client, "kasia.kaminska")
    page = await client.get("/", headers=HTML)
    token = hidden(page.text, "_csrf")
    refused = await client.post("/logout", data={}, headers=HTML)
    assert refused.status_code == 403
    refused_json = await client.post("/api/v1/tokens", json={"account_id": 1, "name": "x"})
    assert refused_json.status_code == 403 and "CSRF" in refused_json.json()["detail"]
    out = await client.post("/logout", data={"_csrf": token}, headers=HTML)
    assert out.status_code == 303 and out.headers["location"] == "/login"
    assert (await client.get("/api/v1/me")).status_code == 401


async def test_pages_send_anonymous_people_to_the_sign_in_form(client):
    response = await client.get("/admin/accounts", headers=HTML)
    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=/admin/accounts"


async def test_password_change_checks_the_current_one_and_then_works(client):
    await account("ola.dabrowska")
    await sign_in(client, "ola.dabrowska")
    form = await client.get("/account/password", headers=HTML)
    token = hidden(form.text, "_csrf")
    bad = await client.post(
        "/account/password",
        data={
            "_csrf": token,
            "current_password": "nie-to-haslo",
            "new_password": "krotkie",
            "repeat_password": "inne",
        },
        headers=HTML,
    )
    assert bad.status_code == 422
    assert "Obecne hasło jest nieprawidłowe." in bad.text and "co najmniej 10 znaków" in bad.text
    good = await client.post(
        "/account/password",
        data={
            "_csrf": token,
            "current_password": PASSWORD,
            "new_password": "Nowe-haslo-2027",
            "repeat_password": "Nowe-haslo-2027",
        },
        headers=HTML,
    )
    assert good.status_code == 200 and "Hasło zostało zmienione" in good.text
    client.cookies.clear()
    assert (await sign_in(client, "ola.dabrowska")).status_code == 401
    assert (await sign_in(client, "ola.dabrowska", "Nowe-haslo-2027")).status_code == 303


async def test_admin_manages_accounts_and_tokens_on_pages_and_a_token_is_shown_once(client, staff):
    owes = await client.post(
        "/api/v1/organisations",
        json={"name": "OWES Toruń", "kind": "association", "gmina_code": "0463011", "is_owes": True},
        headers=staff.headers,
    )
    assert owes.status_code == 201, owes.text
    await account("admin.ropsu", Role.ADMIN)
    await sign_in(client, "admin.ropsu")
    listing = await client.get("/admin/accounts", headers=HTML)
    assert listing.status_code == 200 and "admin.ropsu" in listing.text
    token = hidden(listing.text, "_csrf")
    created = await client.post(
        "/admin/accounts",
        data={
            "_csrf": token,
            "username": "owes.torun",
            "role": "owes",
            "organisation_id": str(owes.json()["id"]),
            "password": "",
        },
        headers=HTML,
    )
    assert created.status_code == 303
    detail_path = created.headers["location"]
    issued = await client.post(
        f"{detail_path}/tokens",
        data={"_csrf": token, "name": "system OWES", "valid_days": "90"},
        headers=HTML,
    )
    assert issued.status_code == 201
    secret = re.search(r"<code>(ses_[^<]+)</code>", issued.text).group(1)
    as_owes = await client.get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"})
    assert as_owes.json()["role"] == "owes"
    again = await client.get(detail_path, headers=HTML)
    assert secret not in again.text and secret[:10] in again.text
    token_id = re.search(r'action="/admin/tokens/(\d+)/revoke"', again.text).group(1)
    revoked = await client.post(f"/admin/tokens/{token_id}/revoke", data={"_csrf": token}, headers=HTML)
    assert revoked.status_code == 303
    refused = await client.get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"})
    assert refused.status_code == 401
    actions = await audit_actions()
    assert {"account.create", "token.create", "token.revoke"} <= set(actions)


async def test_admin_role_change_is_audited_and_bad_form_input_is_explained(client):
    target = await account("lukasz.zajac", Role.COMMITTEE)
    await account("admin.drugi", Role.ADMIN)
    await sign_in(client, "admin.drugi")
    page = await client.get(f"/admin/accounts/{target}", headers=HTML)
    token = hidden(page.text, "_csrf")
    changed = await client.post(
        f"/admin/accounts/{target}", data={"_csrf": token, "role": "reviewer", "active": "1"}, headers=HTML
    )
    assert changed.status_code == 200 and "Zapisano zmiany" in changed.text
    assert "account.role_change" in await audit_actions(target)
    bad = await client.post(
        "/admin/accounts",
        data={"_csrf": token, "username": "x", "role": "owes", "password": "krotkie"},
        headers=HTML,
    )
    assert bad.status_code == 422
    assert "Konto OWES musi wskazywać organizację OWES." in bad.text and "co najmniej 10 znaków" in bad.text


async def test_non_admin_sees_a_polish_refusal_page_and_the_refusal_is_audited(client):
    await account("staff.bez.uprawnien", Role.STAFF)
    await sign_in(client, "staff.bez.uprawnien")
    response = await client.get("/admin/accounts", headers=HTML)
    assert response.status_code == 403
    assert "Twoja rola nie pozwala na tę operację." in response.text
    assert "access.refused" in await audit_actions()
