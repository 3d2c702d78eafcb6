"""Evidence files: uploaded by the OWES or reviewers, content-addressed, typed, limited, guarded."""

from __future__ import annotations

import hashlib
import io
from pathlib import Path
from typing import Any

import pytest
from docx import Document

from ses.auth.policy import Role

pytestmark = pytest.mark.anyio
API = "/api/v1/accreditation"
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


@pytest.fixture(autouse=True)
def evidence_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("SES_EVIDENCE_DIR", str(tmp_path / "evidence"))
    monkeypatch.delenv("SES_EVIDENCE_STORAGE", raising=False)
    return tmp_path / "evidence"


async def _upload(
    client: Any,
    caller: Any,
    verification_id: int,
    code: str,
    name: str,
    data: bytes,
    mime: str = "application/pdf",
) -> Any:
    return await client.post(
        f"{API}/verifications/{verification_id}/criteria/{code}/evidence",
        files={"file": (name, data, mime)},
        headers=caller.headers,
    )


async def test_owes_uploads_evidence_and_it_answers_the_request(
    client, reviewer, owes_world, caller_for, evidence_dir
):
    v = owes_world["verification"]
    await client.post(
        f"{API}/verifications/{v['id']}/evidence-requests",
        json={"codes": ["I.3.2"]},
        headers=reviewer.headers,
    )
    owes = await caller_for(Role.OWES, organisation_id=owes_world["lead"]["id"], name="owes-up")
    response = await _upload(client, owes, v["id"], "I.3.2", "CV kadry – Żółć.pdf", PDF)
    assert response.status_code == 201, response.text
    stored = response.json()
    digest = hashlib.sha256(PDF).hexdigest()
    assert stored["sha256"] == digest and stored["size"] == len(PDF)
    assert stored["filename"] == "CV kadry – Żółć.pdf" and stored["content_type"] == "application/pdf"
    assert (evidence_dir / digest[:2] / digest[2:4] / digest).read_bytes() == PDF

    opened = (await client.get(f"{API}/verifications/{v['id']}", headers=reviewer.headers)).json()
    item = {c["code"]: c for c in opened["criteria"]}["I.3.2"]
    assert [f["id"] for f in item["evidence"]] == [stored["id"]] and item["answered_at"] is not None

    for caller in (reviewer, owes):
        download = await client.get(f"{API}/evidence/{stored['id']}", headers=caller.headers)
        assert download.status_code == 200
        assert download.content == PDF
        assert download.headers["content-type"] == "application/pdf"
        assert download.headers["x-content-type-options"] == "nosniff"
        assert "attachment" in download.headers["content-disposition"]


async def test_same_file_twice_is_stored_once_on_disk(client, reviewer, owes_world, evidence_dir):
    v = owes_world["verification"]
    first = await _upload(client, reviewer, v["id"], "I.1.1", "statut.pdf", PDF)
    second = await _upload(client, reviewer, v["id"], "I.1.2", "umowa.pdf", PDF)
    assert first.status_code == second.status_code == 201
    assert first.json()["sha256"] == second.json()["sha256"] and first.json()["id"] != second.json()["id"]
    assert len([p for p in evidence_dir.rglob("*") if p.is_file()]) == 1


async def test_wrong_type_executable_and_too_large_files_are_refused(
    client, reviewer, owes_world, monkeypatch
):
    v = owes_world["verification"]
    cases = [
        ("program.exe", b"MZ\x90\x00" + b"\x00" * 60, "programem"),
        ("faktura.pdf", b"MZ\x90\x00" + b"\x00" * 60, "programem"),
        ("skrypt.pdf", b"#!/bin/sh\nrm -rf /\n", "programem"),
        ("zdjecie.gif", b"GIF89a" + b"\x00" * 20, "Niedozwolony typ"),
        ("raport.pdf", b"to nie jest PDF", "nie jest plikiem PDF"),
        ("arkusz.docx", b"PK\x03\x04" + b"\x00" * 30, "nie jest plikiem DOCX"),
        ("pusty.pdf", b"", "pusty"),
    ]
    for name, data, expected in cases:
        response = await _upload(client, reviewer, v["id"], "I.1.1", name, data)
        assert response.status_code == 422, (name, response.text)
        assert expected in response.json()["detail"], (name, response.json()["detail"])
        assert response.json()["errors"][0]["field"] == "file"
    monkeypatch.setenv("SES_EVIDENCE_MAX_BYTES", "100")
    big = await _upload(client, reviewer, v["id"], "I.1.1", "duzy.pdf", PDF + b"0" * 200)
    assert big.status_code == 422
    assert "najwyżej" in big.json()["detail"]
    opened = (await client.get(f"{API}/verifications/{v['id']}", headers=reviewer.headers)).json()
    assert opened["criteria"][0]["evidence"] == []


async def test_real_docx_and_text_evidence_are_accepted(client, reviewer, owes_world):
    v = owes_world["verification"]
    buffer = io.BytesIO()
    document = Document()
    document.add_paragraph("Plan rozwoju kadry")
    document.save(buffer)
    docx = await _upload(
        client, reviewer, v["id"], "I.3.7", "plan.docx", buffer.getvalue(), "application/octet-stream"
    )
    assert docx.status_code == 201, docx.text
    assert docx.json()["content_type"].endswith("wordprocessingml.document")
    text = await _upload(
        client, reviewer, v["id"], "I.3.7", "lista.csv", "imię;nazwisko\nŻaneta;Łąk\n".encode(), "text/csv"
    )
    assert text.status_code == 201, text.text


async def test_evidence_of_another_owes_is_not_found(
    client, reviewer, owes_world, caller_for, new_organisation
):
    v = owes_world["verification"]
    stored = (await _upload(client, reviewer, v["id"], "I.1.1", "statut.pdf", PDF)).json()
    other_org = await new_organisation(name="Fundacja Obca", kind="foundation", is_owes=True)
    stranger = await caller_for(Role.OWES, organisation_id=other_org["id"], name="owes-obcy")
    assert (await client.get(f"{API}/evidence/{stored['id']}", headers=stranger.headers)).status_code == 404
    upload = await _upload(client, stranger, v["id"], "I.1.1", "wrzutka.pdf", PDF)
    assert upload.status_code == 404
    assert (await client.get(f"{API}/evidence/{stored['id']}")).status_code == 401


async def test_evidence_can_be_kept_in_the_database(client, reviewer, owes_world, monkeypatch, evidence_dir):
    monkeypatch.setenv("SES_EVIDENCE_STORAGE", "db")
    v = owes_world["verification"]
    stored = await _upload(client, reviewer, v["id"], "I.2.1", "regulamin.pdf", PDF)
    assert stored.status_code == 201
    assert not evidence_dir.exists() or not any(p.is_file() for p in evidence_dir.rglob("*"))
    download = await client.get(f"{API}/evidence/{stored.json()['id']}", headers=reviewer.headers)
    assert download.content == PDF


async def test_retried_owes_posts_with_the_same_idempotency_key_make_no_duplicates(
    client, reviewer, owes_world, caller_for
):
    v = owes_world["verification"]
    owes = await caller_for(Role.OWES, organisation_id=owes_world["lead"]["id"], name="owes-retry")
    headers = {**owes.headers, "Idempotency-Key": "upload-7f3a"}
    url = f"{API}/verifications/{v['id']}/criteria/I.2.3/evidence"
    first = await client.post(url, files={"file": ("regulamin.pdf", PDF, "application/pdf")}, headers=headers)
    again = await client.post(url, files={"file": ("regulamin.pdf", PDF, "application/pdf")}, headers=headers)
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["id"] == again.json()["id"]
    comment_url = f"{API}/verifications/{v['id']}/criteria/I.2.3/comments"
    headers = {**owes.headers, "Idempotency-Key": "comment-1"}
    said = await client.post(comment_url, json={"body": "Regulamin w załączeniu."}, headers=headers)
    repeated = await client.post(comment_url, json={"body": "Regulamin w załączeniu."}, headers=headers)
    assert (said.status_code, repeated.status_code) == (201, 200) and said.json()["id"] == repeated.json()[
        "id"
    ]
    opened = (await client.get(f"{API}/verifications/{v['id']}", headers=reviewer.headers)).json()
    item = {c["code"]: c for c in opened["criteria"]}["I.2.3"]
    assert len(item["evidence"]) == 1 and len(item["comments"]) == 1
    # Without a key (or with another one) a second post is a second record.
    other = await client.post(
        comment_url, json={"body": "Jeszcze jedno."}, headers={**owes.headers, "Idempotency-Key": "comment-2"}
    )
    assert other.status_code == 201
