"""The `ses` commands share one default database and never create an empty one by accident."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from ses.database_choice import NoDatabase, choose

ROOT = Path(__file__).resolve().parents[2]


def test_one_default_for_every_command(tmp_path):
    (tmp_path / "ses-demo.sqlite").write_bytes(b"")
    for command in ("import", "network", "serve", "user", "migrate", "demo"):
        assert choose(command, None, tmp_path) == "ses-demo.sqlite"
    (tmp_path / "ses.sqlite").write_bytes(b"")
    assert choose("import", None, tmp_path) == "ses.sqlite"


def test_only_migrate_and_demo_may_create_a_database(tmp_path):
    assert choose("migrate", None, tmp_path) == "ses.sqlite"
    assert choose("demo", None, tmp_path) == "ses-demo.sqlite"
    for command in ("import", "network", "serve", "user", "token"):
        with pytest.raises(NoDatabase, match="ses migrate"):
            choose(command, None, tmp_path)
    with pytest.raises(NoDatabase, match="nie ma"):
        choose("import", str(tmp_path / "literowka.sqlite"), tmp_path)
    assert choose("import", "postgresql://postgres@127.0.0.1/x", tmp_path).startswith("postgresql")


def test_ses_import_without_a_database_creates_nothing(tmp_path):
    source = tmp_path / "plik.csv"
    source.write_text("name;kind;gmina_code\nFundacja;foundation;0463011\n", encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k != "SES_DATABASE_URL"}
    env["PYTHONPATH"] = str(ROOT)
    done = subprocess.run(
        [sys.executable, "-m", "ses.cli", "import", str(source)],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 2 and "ses migrate" in done.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["plik.csv"]
