"""Only what is declared public is ever published: no private value in any public answer, page or file."""

from __future__ import annotations

import io
import zipfile

import pytest

from ses.auth.policy import Role
from ses.directory.public import PRIVATE, PUBLIC, undeclared
from ses.register.tables import Organisation
from tests.directory.conftest import TORUN, service_body

pytestmark = pytest.mark.anyio
SECRETS = {
    "contact_person": "Osoba-Kontaktowa-Sekret",
    "internal_note": "Notatka-Wewnetrzna-Sekret",
}
ORG_SECRETS = {
    "email": "biuro-sekret@fundacja.example",
    "phone": "+48 600 999 111",
    "street": "ul. Tajna 13",
}


def test_every_column_is_declared_public_or_private():
    for table in PUBLIC:
        assert undeclared(table) == set(), (
            f"{table._meta.tablename}: declare each column in ses/directory/public.py"
        )
        assert not set(PUBLIC[table]) & set(PRIVATE[table])


async def test_no_private_value_appears_in_any_public_answer_page_or_download(
    client, staff, make_org, caller_for
):
    org = await make_org(name="Fundacja Jawna", is_owes=True, **ORG_SECRETS)
    account = await caller_for(Role.OWES, organisation_id=org["id"], name="konto-demo-sekretne")
    created = await client.post(
        "/api/v1/services", json=service_body(org["id"], **SECRETS), headers=account.headers
    )
    assert created.status_code == 201
    assert created.json()["confirmed_by"].startswith("konto-demo-sekretne")  # staff see who confirmed
    # A status under verification and report data live in the register, never in the directory.
    await Organisation.update({Organisation.ps_state: "applied"}).where(Organisation.id == org["id"])

    ids = (await client.get("/hsds/services")).json()["contents"]
    assert ids, "the service is published"
    sal = (await client.get("/hsds/service_at_locations", params={"gmina": TORUN})).json()["contents"]
    organisations = (await client.get("/hsds/organizations")).json()["contents"]
    paths = [
        "/hsds/",
        "/hsds/services",
        f"/hsds/services/{ids[0]['id']}",
        "/hsds/organizations",
        f"/hsds/organizations/{organisations[0]['id']}",
        "/hsds/service_at_locations?gmina=" + TORUN,
        f"/hsds/service_at_locations/{sal[0]['id']}",
        "/hsds/taxonomies",
        "/hsds/taxonomy_terms",
        "/hsds/export.ndjson",
        "/hsds/licence",
        "/uslugi?gmina=" + TORUN,
        "/uslugi?q=Torun&lang=en",
        "/uslugi?gmina=" + TORUN + "&lang=uk",
        "/uslugi/gminy?q=Toru",
        "/api/v1/public/services",
        f"/api/v1/public/services?gmina={TORUN}&organisation_id={org['id']}",
        f"/api/v1/public/services/{created.json()['id']}",
        "/api/v1/public/organisations",
        f"/api/v1/public/organisations?gmina={TORUN}&search=Jawna",
        f"/api/v1/public/organisations/{org['id']}",
    ]
    texts: dict[str, str] = {}
    for path in paths:
        answer = await client.get(path)
        assert answer.status_code == 200, (path, answer.text[:300])
        texts[path] = answer.text
    archive = zipfile.ZipFile(io.BytesIO((await client.get("/hsds/datapackage.zip")).content))
    for name in archive.namelist():
        texts[f"datapackage.zip/{name}"] = archive.read(name).decode("utf-8")

    forbidden = [*SECRETS.values(), *ORG_SECRETS.values(), "konto-demo-sekretne", "applied", "is_demo"]
    for where, text in texts.items():
        for value in forbidden:
            assert value not in text, f"{value!r} published in {where}"
    assert "Usługi opiekuńcze dla seniorów" in texts["/uslugi?gmina=" + TORUN]
    assert "Fundacja Jawna" in texts["/hsds/organizations"]
    assert "Usługi opiekuńcze dla seniorów" in texts[f"/api/v1/public/services/{created.json()['id']}"]
    assert "Fundacja Jawna" in texts[f"/api/v1/public/organisations?gmina={TORUN}&search=Jawna"]
