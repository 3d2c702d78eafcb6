#!/bin/sh
# Mutation testing of accreditation/lifecycle.py against its own tests (issue #14).
#
#   benchmarks/mutation_accreditation.sh            # prints the counts and every surviving mutant
#
# mutmut 3 copies what it mutates into ./mutants of the directory it runs in, so it runs in a
# scratch copy (the package, the test module and its conftest) and never touches the work tree.
# Mutants in code that runs only at import (the state-machine tables) cannot be activated by
# mutmut's fork model; the tests call `_machine` and `StateMachine` directly instead.
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
PY=${PYTHON:-$ROOT/.venv/bin/python}
WORK=$(mktemp -d /tmp/ses-mutation-accreditation.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
mkdir -p "$WORK/accreditation" "$WORK/tests/accreditation"
cp "$ROOT"/accreditation/__init__.py "$ROOT"/accreditation/lifecycle.py "$ROOT"/accreditation/checklists.py \
   "$ROOT"/accreditation/opinion_document.py "$WORK/accreditation/"
cp -r "$ROOT/accreditation/standards" "$WORK/accreditation/"
cp "$ROOT/tests/accreditation/conftest.py" "$ROOT/tests/accreditation/test_lifecycle.py" "$WORK/tests/accreditation/"
cat > "$WORK/setup.cfg" <<'CFG'
[mutmut]
source_paths=accreditation/
only_mutate=accreditation/lifecycle.py
also_copy=accreditation/standards/
pytest_add_cli_args_test_selection=tests/accreditation/test_lifecycle.py
pytest_add_cli_args=-p no:cacheprovider -q
CFG
cd "$WORK"
MUTMUT=$(dirname "$PY")/mutmut
"$MUTMUT" run --max-children "${MAX_CHILDREN:-2}" > run.log 2>&1 || true
"$MUTMUT" results --all true > results.txt 2>/dev/null || true
total=$(grep -c ': ' results.txt || true)
killed=$(grep -c ': killed' results.txt || true)
survived=$(grep -c ': survived' results.txt || true)
echo "mutants: $total  killed: $killed  survived: $survived"
for m in $(grep ': survived' results.txt | cut -d: -f1); do
  echo "== $m"
  "$MUTMUT" show "$m" 2>/dev/null | grep '^[-+]' | grep -v '^---\|^+++' || true
done
