"""Engine branches (SQLite or PostgreSQL) live in the database layer (#13). Elsewhere a branch is
allowed only on a measured hot path, and says so next to it: a `Hot path, engine branch kept:`
comment naming the benchmark (`benchmarks.X`) that justifies it, whose figures are in
docs/benchmarks.md. Read from the source; nothing is run."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("ses", "accreditation", "network", "scrapers")
DATABASE_LAYER = {"ses/db.py", "ses/sqlite_engine.py", "ses/database_choice.py"}
BRANCH = re.compile(r"\bis_sqlite\(\)|SQLiteEngine\)|PostgresEngine\)|engine_type\s*==")
MARKER = re.compile(r"Hot path, engine branch kept: benchmarks\.[a-z_]+")
REACH = 12  # lines above a branch where its marker may stand


def unmarked_branches(text: str) -> list[int]:
    lines = text.splitlines()
    found = []
    for number, line in enumerate(lines):
        code = line.split("#", 1)[0]
        if line.lstrip().startswith("def ") or not BRANCH.search(code):
            continue
        above = "\n".join(lines[max(0, number - REACH) : number + 1])
        if not MARKER.search(above):
            found.append(number + 1)
    return found


def test_engine_branches_outside_the_database_layer_name_their_benchmark():
    offenders = []
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            relative = path.relative_to(ROOT).as_posix()
            if relative in DATABASE_LAYER or "piccolo_migrations" in path.parts:
                continue
            offenders += [f"{relative}:{n}" for n in unmarked_branches(path.read_text(encoding="utf-8"))]
    assert offenders == [], "engine branches with no benchmark named beside them:\n" + "\n".join(offenders)


def test_every_named_benchmark_exists_and_has_figures():
    text = "\n".join(
        path.read_text(encoding="utf-8")
        for package in PACKAGES
        for path in (ROOT / package).rglob("*.py")
        if "piccolo_migrations" not in path.parts
    )
    named = set(re.findall(r"Hot path, engine branch kept: benchmarks\.([a-z_]+)", text))
    assert named, "no marked branch found: the check reads nothing"
    recorded = (ROOT / "docs" / "benchmarks.md").read_text(encoding="utf-8")
    for name in named:
        assert (ROOT / "benchmarks" / f"{name}.py").is_file(), name
        assert f"benchmarks.{name}" in recorded, f"no figures of benchmarks.{name} in docs/benchmarks.md"


def test_the_check_finds_an_unmarked_branch():
    assert unmarked_branches("x = 1\nif is_sqlite():\n    pass\n") == [2]
    marked = "# Hot path, engine branch kept: benchmarks.register, figures\nif is_sqlite():\n    pass\n"
    assert unmarked_branches(marked) == []
