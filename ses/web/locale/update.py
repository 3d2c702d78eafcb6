"""Re-extract the translatable strings and merge them into the catalogs (README, "Translations").

    .venv/bin/python -m ses.web.locale.update

Runs `pybabel extract` over the packages' code and templates into messages.pot, then
`pybabel update` for each language; new strings arrive untranslated (English then shows the
Polish source until someone translates it).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).parent
ROOT = HERE.parents[2]
PACKAGES = ["ses", "accreditation", "network", "scrapers"]


def main() -> int:
    pybabel = str(Path(sys.executable).with_name("pybabel"))
    sources = [name for name in PACKAGES if (ROOT / name).is_dir()]
    pot = HERE / "messages.pot"
    keywords = ["-k", "_", "-k", "gettext", "-k", "ngettext:1,2", "-k", "N_"]
    extract = [pybabel, "extract", "-F", str(ROOT / "babel.cfg"), *keywords, "--no-location", "--sort-output"]
    extract += ["-o", str(pot), *sources]
    subprocess.run(extract, cwd=ROOT, check=True, capture_output=True)
    subprocess.run([pybabel, "update", "-i", str(pot), "-d", str(HERE), "--no-fuzzy-matching"], check=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
