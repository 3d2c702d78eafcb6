"""The approved opinion opens in LibreOffice: converted to PDF headless (skipped where LibreOffice is
not installed; `apt-get install libreoffice-writer-nogui`)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from accreditation.opinion_document import OpinionContent, render_opinion_docx

OFFICE = shutil.which("libreoffice") or shutil.which("soffice")


@pytest.mark.skipif(OFFICE is None, reason="LibreOffice is not installed")
def test_the_opinion_docx_opens_in_libreoffice(opinion: OpinionContent, tmp_path: Path) -> None:
    source = tmp_path / "opinia.docx"
    source.write_bytes(render_opinion_docx(opinion))
    profile = tmp_path / "profile"
    result = subprocess.run(
        [
            str(OFFICE),
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(source),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    pdf = tmp_path / "opinia.pdf"
    assert pdf.exists(), result.stdout + result.stderr
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF") and len(data) > 10_000
