"""Mutation testing of the status machines' tables in ses/register/statuses.py (issue #14).

    .venv/bin/python -m benchmarks.mutation_tables [tests/ses/test_register_status_rules.py]

mutmut mutates code inside functions; `MACHINES` is data built once at import, so its mutants are
made here instead: for every kind of status, each possible change between two of its states is
added when the law lacks it and removed when the law has it, each state is added to or removed from
the initial and the terminal set, the term (`valid_years`) is removed, added or moved by a year and
`reason_required` is flipped. After each change the test file runs (in this process, `-x`); a
failure kills the mutant. Prints the tally and every surviving mutant.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import io
from collections.abc import Iterator

import pytest

from ses.register import statuses
from ses.register.statuses import MACHINES, Machine, StatusType


def _states(machine: Machine) -> list[str]:
    found = set(machine.initial) | set(machine.terminal) | set(machine.transitions)
    for targets in machine.transitions.values():
        found |= targets
    return sorted(found)


def _toggle(values: frozenset[str], item: str) -> frozenset[str]:
    return values - {item} if item in values else values | {item}


def mutants() -> Iterator[tuple[str, StatusType, Machine]]:
    for status_type, machine in MACHINES.items():
        states = _states(machine)
        for source in states:
            for target in states:
                changed = _toggle(machine.targets(source), target)
                transitions = {**machine.transitions, source: changed}
                verb = "removed" if target in machine.targets(source) else "added"
                yield (
                    f"{status_type.value}: {source} → {target} {verb}",
                    status_type,
                    dataclasses.replace(machine, transitions={k: v for k, v in transitions.items() if v}),
                )
        for state in states:
            for attribute in ("initial", "terminal"):
                verb = "removed from" if state in getattr(machine, attribute) else "added to"
                yield (
                    f"{status_type.value}: {state} {verb} {attribute}",
                    status_type,
                    dataclasses.replace(machine, **{attribute: _toggle(getattr(machine, attribute), state)}),
                )
        years = (
            [1] if machine.valid_years is None else [None, machine.valid_years - 1, machine.valid_years + 1]
        )
        for value in years:
            yield (
                f"{status_type.value}: valid_years {machine.valid_years} → {value}",
                status_type,
                dataclasses.replace(machine, valid_years=value),
            )
        yield (
            f"{status_type.value}: reason_required {machine.reason_required} → {not machine.reason_required}",
            status_type,
            dataclasses.replace(machine, reason_required=not machine.reason_required),
        )


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("tests", nargs="*", default=["tests/ses/test_register_status_rules.py"])
    args = parser.parse_args()
    pytest_args = ["-x", "-q", "--noconftest", "-p", "no:cacheprovider", *args.tests]
    with contextlib.redirect_stdout(io.StringIO()):
        clean = pytest.main(pytest_args)
    if clean != 0:
        print("the tests fail on the unchanged tables: nothing to measure")
        return 1
    killed, survivors = 0, []
    for name, status_type, mutant in mutants():
        original = MACHINES[status_type]
        MACHINES[status_type] = mutant
        try:
            with contextlib.redirect_stdout(io.StringIO()):
                outcome = pytest.main(pytest_args)
        finally:
            MACHINES[status_type] = original
        if outcome == 0:
            survivors.append(name)
        else:
            killed += 1
    assert statuses.MACHINES is MACHINES
    total = killed + len(survivors)
    print(f"ses/register/statuses.py MACHINES: killed {killed} of {total} ({killed / total:.1%})")
    for name in survivors:
        print(f"survived: {name}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
