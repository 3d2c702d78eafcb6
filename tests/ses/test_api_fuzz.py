"""A property-based fuzzer (schemathesis) against the real server: no 5xx, nothing the OpenAPI denies.

The server runs with uvicorn on a free local port on the engine of the run, seeded with a little data
(an OWES, a social enterprise, a relation, a survey). Every API operation is fuzzed as ROPS staff
(bearer token), as an OWES and anonymously, with valid and invalid input, each role within a time
budget and from a fixed seed, so a failure is reproducible: the output names the request (a `curl`
line) and the check it broke. Faults it found are pinned by small reproducers in test_api_faults.py.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import httpx
import pytest

SECONDS_PER_ROLE = int(os.environ.get("SES_FUZZ_SECONDS", "50"))
EXAMPLES = int(os.environ.get("SES_FUZZ_EXAMPLES", "8"))
CHECKS = (
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_schema_conformance",
    "response_headers_conformance",
)
TORUN = "0463011"


def _token(server: Any, username: str, role: str, organisation_id: int | None = None) -> str:
    extra = ["--organisation-id", str(organisation_id)] if organisation_id is not None else []
    server.ses("user", "create", username, "--role", role, "--no-password", *extra)
    out = server.ses("token", "create", username, "--name", "fuzz")
    return out.strip().splitlines()[-1].strip()


def _seed(server: Any, staff: str) -> int:
    """A little data so that reads and writes of existing records are reached too; the OWES's id."""
    headers = {"Authorization": f"Bearer {staff}"}
    base = server.base_url + "/api/v1"
    with httpx.Client(headers=headers, timeout=30) as http:
        owes = http.post(
            f"{base}/organisations",
            json={"name": "OWES Toruń", "kind": "association", "gmina_code": TORUN, "is_owes": True},
        )
        owes.raise_for_status()
        ps = http.post(
            f"{base}/organisations",
            json={"name": "Spółdzielnia Socjalna Toruń", "kind": "social_cooperative", "gmina_code": TORUN},
        )
        ps.raise_for_status()
        tie = {"source_id": owes.json()["id"], "target_id": ps.json()["id"], "relation_type": "owes_supports"}
        http.post(f"{base}/network/relations", json=tie).raise_for_status()
    return int(owes.json()["id"])


@pytest.fixture(scope="module")
def fuzzed_server(start_server: Any) -> Any:
    with start_server("fuzz") as server:
        staff = _token(server, "fuzz.staff", "staff")
        owes_id = _seed(server, staff)
        owes = _token(server, "fuzz.owes", "owes", owes_id)
        server.tokens = {"staff": staff, "owes": owes, "anonymous": None}  # type: ignore[attr-defined]
        yield server


def fuzz(server: Any, token: str | None, seed: int) -> subprocess.CompletedProcess[str]:
    st = Path(sys.executable).parent / "st"
    command = [
        str(st),
        "run",
        f"{server.base_url}/schema/openapi.json",
        "--checks",
        ",".join(CHECKS),
        "--phases",
        "examples,coverage,fuzzing",
        "--max-examples",
        str(EXAMPLES),
        "--max-time",
        str(SECONDS_PER_ROLE),
        "--seed",
        str(seed),
        "--generation-deterministic",
        "--workers",
        "1",
        "--request-timeout",
        "30",
        "--suppress-health-check",
        "all",
        "--no-shrink",
        "--exclude-path-regex",
        # revoking tokens would take the other roles' tokens away mid-run (tested in tests/ses/test_auth*)
        "^/(health|hsds/datapackage.zip|hsds/export.ndjson|api/v1/tokens/[^/]+/revoke)$",
    ]
    if token:
        command += ["--header", f"Authorization: Bearer {token}"]
    return subprocess.run(
        command,
        capture_output=True,
        text=True,
        timeout=SECONDS_PER_ROLE * 3 + 120,
        cwd=tempfile.mkdtemp(prefix="ses-fuzz-"),  # schemathesis keeps its run data in the working directory
    )


@pytest.mark.parametrize("role", ["staff", "owes", "anonymous"])
def test_every_operation_answers_as_the_openapi_says(fuzzed_server: Any, role: str) -> None:
    result = fuzz(fuzzed_server, fuzzed_server.tokens[role], seed=14)
    report = f"schemathesis as {role}:\n{result.stdout[-20000:]}\n{result.stderr[-3000:]}"
    assert result.returncode == 0, report
