"""Re-extract the translatable strings and merge them into the catalogs (README, "Translations").

    .venv/bin/python -m ses.web.locale.update

Runs `pybabel extract` over the packages' code and templates into messages.pot, then
`pybabel update` for each language; new strings arrive untranslated (English then shows the
Polish source until someone translates it). Texts that are data rather than code — the labels
of the shipped report definitions and the choices of the report form — are added to the template
too (`data_texts()`), since the pages show them through `_()`.
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
    _add_data_texts(pot)
    subprocess.run([pybabel, "update", "-i", str(pot), "-d", str(HERE), "--no-fuzzy-matching"], check=True)
    return 0


def data_texts() -> list[str]:
    """Labels the pages translate that live in data: the shipped report definitions' title, fields,
    tables and columns, the report form's choice and column labels, and the SROI and condition-index
    method texts, scopes, adjustments and normalisation methods, and the installed packages' navigation
    labels."""
    from ses.indicators import composite, sroi, sroi_service
    from ses.packages import INSTALLED
    from ses.reporting import form
    from ses.reporting.catalogue import shipped_documents

    texts: list[str] = [*form.CHOICE_LABELS.values(), *form.COLUMN_LABELS.values()]
    texts += [sroi.METHOD_TEXT, sroi.SENSITIVITY_TEXT, sroi.SEPARATION_TEXT, sroi.PROXY_LABEL]
    texts += [*sroi.ADJUSTMENTS.values(), *sroi_service.SCOPES.values(), *composite.METHODS.values()]
    texts += [composite.METHOD_TEXT, composite.MISSING_TEXT, composite.SENSITIVITY_TEXT]
    texts += [link.label for extension in INSTALLED for link in extension.nav]
    for document in shipped_documents():
        texts.append(document.get("title") or "")
        texts += [spec.get("label") or "" for spec in document.get("fields", [])]
        for table in (document.get("tables") or {}).values():
            texts.append(table.get("label") or "")
            texts += [column.get("label") or "" for column in table.get("columns", [])]
    return sorted({text for text in texts if text and not text.isdigit()})


def _add_data_texts(pot: Path) -> None:
    from babel.messages.pofile import read_po, write_po

    with pot.open("rb") as handle:
        catalog = read_po(handle)
    for text in data_texts():
        if text not in catalog:
            catalog.add(text)
    with pot.open("wb") as handle:
        write_po(handle, catalog, sort_output=True, omit_header=False)


if __name__ == "__main__":
    raise SystemExit(main())
