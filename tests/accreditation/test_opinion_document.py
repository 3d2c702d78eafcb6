"""The opinion as DOCX and HTML: both carry the OWES, the conclusion and the signature block."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from docx import Document

from accreditation.checklists import Template, iter_criteria
from accreditation.opinion_document import (
    DEFAULT_DOCX_TEMPLATE,
    STYLE_SPECS,
    OpinionContent,
    OpinionContentError,
    area_summaries_from_results,
    format_date_pl,
    render_opinion_docx,
    render_opinion_html,
    sha256_of,
)


def _docx_text(data: bytes) -> tuple[str, str, list[list[list[str]]]]:
    """Body text, header+footer text, and the tables as rows of cell texts."""
    doc = Document(io.BytesIO(data))
    body = "\n".join(p.text for p in doc.paragraphs)
    section = doc.sections[0]
    margins = "\n".join(p.text for p in [*section.header.paragraphs, *section.footer.paragraphs])
    tables = [[[cell.text for cell in row.cells] for row in table.rows] for table in doc.tables]
    return body, margins, tables


def test_docx_opens_again_and_has_the_content(opinion: OpinionContent) -> None:
    data = render_opinion_docx(opinion)
    body, margins, tables = _docx_text(data)
    assert "Regionalny Ośrodek Polityki Społecznej w Poznaniu" in margins  # letterhead in the page header
    assert "ROPS.III.4521.7.2025" in margins and "wersja 2" in margins
    assert "[[" not in margins
    assert opinion.owes_name in body
    assert "Opinia pozytywna z uwagami" in body
    # Signature block, in order, at the end.
    tail = body[body.index("Zatwierdził(a):") :]
    assert tail.index("Katarzyna Wróblewska-Kędzierska") < tail.index("Dyrektor Regionalnego Ośrodka")
    assert tail.rstrip().endswith("(podpis)")
    assert "Poznań, 20 marca 2025 r." in body

    organisations, summary, findings = tables
    assert organisations[1][0] == "lider" and organisations[1][2] == "0000123456"
    assert [row[1] for row in organisations[2:]] == [p.name for p in opinion.partners]
    assert summary[0] == ["Obszar", "Spełnia", "Nie spełnia", "Wymaga uzupełnienia", "Nie dotyczy", "Razem"]
    assert summary[-1] == ["Razem", "55", "1", "2", "1", "59"]
    assert findings[1][1] == "I.3.7" and findings[1][4] == "30 maja 2025 r."
    assert not any("częściowo" in cell for table in tables for row in table for cell in row)


def test_docx_is_a_valid_package_and_deterministic(opinion: OpinionContent) -> None:
    data = render_opinion_docx(opinion)
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        assert package.testzip() is None
        assert "word/document.xml" in package.namelist()
    assert render_opinion_docx(opinion) == data
    assert sha256_of(data) == sha256_of(render_opinion_docx(opinion))
    changed = render_opinion_docx(replace(opinion, justification="Inne uzasadnienie."))
    assert sha256_of(changed) != sha256_of(data)
    assert len(sha256_of(data)) == 64


def test_draft_is_marked_and_not_signed(opinion_factory: Callable[..., OpinionContent]) -> None:
    draft = opinion_factory(approved=False, version=1, findings=(), decision=None, conclusion="negative")
    body, margins, tables = _docx_text(render_opinion_docx(draft))
    assert "PROJEKT — wersja 1" in body and "PROJEKT" in margins
    assert "Opinia negatywna" in body
    assert "Do zatwierdzenia:" in body and "(projekt — nie podpisywać)" in body
    assert "Nie sformułowano ustaleń" in body
    assert "przed wydaniem decyzji" in body
    assert len(tables) == 2


def test_docx_uses_the_named_styles_of_the_template(opinion: OpinionContent) -> None:
    doc = Document(io.BytesIO(render_opinion_docx(opinion)))
    used = {p.style.name for p in doc.paragraphs if p.style is not None}
    assert {"SES Tytuł", "SES Nagłówek", "SES Tekst", "SES Konkluzja", "SES Podpis"} <= used
    template = Document(str(DEFAULT_DOCX_TEMPLATE))
    assert set(STYLE_SPECS) <= {s.name for s in template.styles}


def test_staff_template_with_own_letterhead_and_missing_styles(
    tmp_path: Path, opinion: OpinionContent
) -> None:
    own = Document()  # a plain Word document: no "SES …" styles at all
    own.sections[0].header.paragraphs[0].text = "Urząd Marszałkowski — [[NAZWA_ROPS]]"
    path = tmp_path / "moj_papier.docx"
    own.save(str(path))
    body, margins, _ = _docx_text(render_opinion_docx(opinion, template_path=path))
    assert margins.startswith("Urząd Marszałkowski — Regionalny Ośrodek Polityki Społecznej w Poznaniu")
    assert "Opinia pozytywna z uwagami" in body


def test_html_has_the_same_content_and_no_scripts(opinion: OpinionContent) -> None:
    html = render_opinion_html(opinion)
    assert html.startswith("<!DOCTYPE html>") and '<html lang="pl">' in html
    assert "<script" not in html.lower()
    assert "Wielkopolski Ośrodek Wsparcia Ekonomii Społecznej" in html
    assert 'data-conclusion="positive_with_remarks"' in html and "Opinia pozytywna z uwagami" in html
    assert "Katarzyna Wróblewska-Kędzierska" in html and "(podpis)" in html
    assert "Spółdzielnia Socjalna „Ślężanka”" in html
    assert "<td>I.3.7</td>" in html


def test_html_escapes_user_text(opinion: OpinionContent) -> None:
    html = render_opinion_html(replace(opinion, justification="<b>pogrubione</b> & inne"))
    assert "&lt;b&gt;pogrubione&lt;/b&gt; &amp; inne" in html


def test_bad_content_is_refused_in_polish(opinion: OpinionContent) -> None:
    bad = replace(opinion, conclusion="maybe", verification_modes=("phone",), justification=" ")
    with pytest.raises(OpinionContentError) as caught:
        render_opinion_docx(bad)
    message = str(caught.value)
    assert "nieznana konkluzja „maybe”" in message
    assert "nieznana forma weryfikacji „phone”" in message
    assert "„uzasadnienie” (justification) jest puste" in message
    with pytest.raises(OpinionContentError):
        render_opinion_html(bad)


def test_area_summaries_from_results_refuse_partly_and_foreign_codes(shipped_template: Template) -> None:
    results = {p.criterion.code: "meets" for p in iter_criteria(shipped_template)}
    results["II.4.5"] = "does_not_meet"
    summaries = area_summaries_from_results(shipped_template, results)
    assert [s.code for s in summaries] == ["I.1", "I.2", "I.3", "II.1", "II.2", "II.3", "II.4", "II.5"]
    procurement = summaries[6]
    assert (procurement.meets, procurement.does_not_meet, procurement.total) == (4, 1, 5)

    results["II.4.5"] = "partly"
    with pytest.raises(OpinionContentError, match="„częściowo” \\(II.4.5\\)"):
        area_summaries_from_results(shipped_template, results)
    del results["II.4.5"]
    results["IX.9.9"] = "meets"
    with pytest.raises(OpinionContentError, match="IX.9.9"):
        area_summaries_from_results(shipped_template, results)


def test_polish_dates() -> None:
    assert format_date_pl(date(2025, 9, 1)) == "1 września 2025 r."


def test_a_control_character_stored_before_input_refused_it_does_not_break_the_docx(
    opinion: OpinionContent,
) -> None:
    """#14: one record must never break an export; DOCX cannot hold U+0007 at all."""
    body, _, _ = _docx_text(render_opinion_docx(replace(opinion, justification="Uzasadnienie\x07 krótkie.")))
    assert "Uzasadnienie\ufffd krótkie." in body
