"""Mutation testing of one pure module against its own tests (mutmut 3), in a scratch copy.

    .venv/bin/python -m benchmarks.mutation network/metrics.py tests/network/test_network_metrics.py

One mutant runs at a time unless `--max-children N` says otherwise (the machine is shared).

mutmut reads its settings from pyproject.toml and writes a `mutants/` tree beside it; to leave
the project's own file and tree alone, the module's package and the test file are copied into a
temporary directory with a pyproject.toml of their own, mutmut runs there, and the tally is
printed: killed / (killed + survived + no tests), timeouts counted as killed (a mutant that
makes the suite loop changed behaviour). Surviving mutants are listed with their diff, so each can
be judged behaviour-changing or equivalent.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def scratch(module: Path, tests: list[Path], where: Path) -> None:
    package = module.parts[0]
    shutil.copytree(ROOT / package, where / package, ignore=shutil.ignore_patterns("__pycache__"))
    for test in tests:
        (where / test).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(ROOT / test, where / test)
    test_list = ", ".join(f'"{t}"' for t in tests)
    (where / "pyproject.toml").write_text(
        "[tool.mutmut]\n"
        f'source_paths = ["{package}"]\n'
        f'only_mutate = ["{module}"]\n'
        f"pytest_add_cli_args_test_selection = [{test_list}]\n"
        'pytest_add_cli_args = ["-p", "no:cacheprovider", "-q"]\n',
        encoding="utf-8",
    )


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("module", type=Path)
    parser.add_argument("tests", type=Path, nargs="+")
    parser.add_argument("--keep", action="store_true", help="keep the scratch directory")
    parser.add_argument("--max-children", type=int, default=1, help="mutants run at once (default 1)")
    parser.add_argument("--show", type=int, default=200, help="print the diff of at most this many survivors")
    args = parser.parse_args()
    mutmut = str(Path(sys.executable).with_name("mutmut"))
    where = Path(tempfile.mkdtemp(prefix="ses-mutation-"))
    try:
        scratch(args.module, args.tests, where)
        env = {**os.environ, "PYTHONPATH": str(where)}
        subprocess.run(
            [mutmut, "run", "--max-children", str(args.max_children)],
            cwd=where,
            env=env,
            check=False,
            stdout=subprocess.DEVNULL,
        )
        listing = subprocess.run(
            [mutmut, "results", "--all", "true"], cwd=where, env=env, capture_output=True, text=True
        ).stdout
        states: Counter[str] = Counter()
        survivors = []
        for line in listing.splitlines():
            name, _, state = line.strip().rpartition(": ")
            if not name:
                continue
            states[state] += 1
            if state in ("survived", "no tests"):
                survivors.append(name)
        killed = states["killed"] + states["timeout"]
        scored = killed + states["survived"] + states["no tests"]
        print(f"\n{args.module}: {dict(states)}")
        print(f"killed {killed} of {scored} ({killed / scored:.1%})" if scored else "no mutants")
        for name in survivors[: args.show]:
            shown = subprocess.run([mutmut, "show", name], cwd=where, env=env, capture_output=True, text=True)
            print(shown.stdout)
    finally:
        if args.keep:
            print(f"scratch directory kept: {where}")
        else:
            shutil.rmtree(where, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
