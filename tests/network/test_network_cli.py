"""`ses network import|export|metrics`: the commands' work (in the test's transaction) and wiring."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import networkx as nx
import pytest

from network import cli
from ses.cli import build_parser

pytestmark = pytest.mark.anyio

BASE = "/api/v1/network"


def args(*argv: str) -> argparse.Namespace:
    return build_parser().parse_args(["network", *argv])


async def test_import_refuses_the_whole_file_with_row_and_column(client, staff, tmp_path: Path, org):
    from ses.errors import ValidationFailed

    a, b = [await org(f"Fundacja CLI {i}") for i in range(2)]
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "source_id,target_id,relation_type,valid_from,valid_to\n"
        f"{a},{b},cooperates,2024-01-01,\n"
        f"{a},{a},cooperates,,\n"
        f"{a},{b},friends,2025-01-01,2024-01-01\n"
        f"{a},999999,cooperates,,\n",
        encoding="utf-8",
    )
    with pytest.raises(ValidationFailed) as refused:
        await cli._import(args("import", str(bad)))
    problems = {(e.row, e.field) for e in refused.value.errors}
    assert {(3, "target_id"), (4, "relation_type"), (4, "valid_to"), (5, "target_id")} <= problems
    listing = await client.get(f"{BASE}/relations", params={"organisation_id": a}, headers=staff.headers)
    assert listing.json()["total"] == 0  # nothing of the file was written


async def test_import_metrics_and_export_formats(client, staff, tmp_path: Path, capsys, org):
    a, b, c = [await org(f"Spółdzielnia CLI {i}") for i in range(3)]
    good = tmp_path / "good.csv"
    good.write_text(
        f"source_id,target_id,relation_type,valid_from\n{a},{b},cooperates,2024-01-01\n{b},{c},member_of,2025-05-01\n",
        encoding="utf-8",
    )
    assert await cli._import(args("import", str(good), "--dry-run")) == 0
    assert "nic nie zapisano" in capsys.readouterr().out
    assert await cli._import(args("import", str(good))) == 0
    assert "Zaimportowano 2 relacji" in capsys.readouterr().out

    assert await cli._metrics(args("metrics", "--territory", "041401", "--as-of", "2024-06-01")) == 0
    answer = json.loads(capsys.readouterr().out)
    assert answer["scope"]["territory"] == "041401" and answer["summary"]["ties"] == 1

    for fmt, reader in (("graphml", nx.read_graphml), ("gexf", nx.read_gexf)):
        path = tmp_path / f"siec.{fmt}"
        assert await cli._export(args("export", "--format", fmt, str(path), "--territory", "041401")) == 0
        graph = reader(path)
        assert graph.number_of_edges() >= 2
    path = tmp_path / "siec.json"
    assert await cli._export(args("export", "--format", "json", str(path), "--types", "member_of")) == 0
    data = json.loads(path.read_text(encoding="utf-8"))
    assert [(link["source"], link["target"]) for link in data["links"]] == [(b, c)]


def test_command_is_registered_and_runs_against_a_database(live_server):
    out = live_server.ses("network", "metrics", "--territory", "04")
    assert json.loads(out)["scope"]["territory"] == "04"
    with pytest.raises(RuntimeError, match="TERYT"):
        live_server.ses("network", "metrics", "--territory", "4x")
