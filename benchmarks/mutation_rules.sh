#!/bin/sh
# Mutation testing of the register's and reporting's pure rule modules, each against its own tests
# (issue #14). One mutant at a time (the machine is shared); expect about an hour in all.
#
#   benchmarks/mutation_rules.sh                 # all five runs, one after another
#   benchmarks/mutation_rules.sh identifiers     # one of: identifiers statuses tables validation reporting
#
# Each run prints the tally and the diff of every surviving mutant (benchmarks/mutation.py);
# `tables` mutates the status machines' data, which mutmut cannot (benchmarks/mutation_tables.py).
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
PY=${PYTHON:-$ROOT/.venv/bin/python}
cd "$ROOT"
run() {
  case "$1" in
    identifiers) "$PY" -m benchmarks.mutation ses/register/identifiers.py tests/ses/test_register_identifiers.py ;;
    statuses) "$PY" -m benchmarks.mutation ses/register/statuses.py tests/ses/test_register_status_rules.py ;;
    tables) "$PY" -m benchmarks.mutation_tables tests/ses/test_register_status_rules.py ;;
    validation) "$PY" -m benchmarks.mutation ses/register/validation.py tests/ses/test_register_validation.py ;;
    reporting) "$PY" -m benchmarks.mutation ses/reporting/rules.py tests/reporting/test_reporting_rules.py ;;
    *) echo "unknown run: $1" >&2; exit 2 ;;
  esac
}
if [ $# -eq 0 ]; then
  set -- identifiers statuses tables validation reporting
fi
for name in "$@"; do
  echo "== $name ($(date -u +%H:%M:%S) UTC, load: $(cut -d' ' -f1-3 /proc/loadavg))"
  run "$name"
done
echo "== done ($(date -u +%H:%M:%S) UTC, load: $(cut -d' ' -f1-3 /proc/loadavg))"
