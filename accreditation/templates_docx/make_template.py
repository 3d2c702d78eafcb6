"""Generate the default DOCX template of the ROPS opinion (opinion_template.docx, committed).

    python -m accreditation.templates_docx.make_template [output.docx]

The template carries only the look: A4 page, the letterhead in the page header, a footer with the
case number, version and page numbers, and the "SES …" paragraph styles. Its body holds instructions
for staff and is discarded when an opinion is rendered. Staff may replace the file with their own
letterhead made in Word, keeping the style names (missing styles are recreated with defaults).
"""

from __future__ import annotations

import io
import sys
from datetime import UTC, datetime
from pathlib import Path

from docx import Document
from docx.document import Document as DocxDocument
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from docx.text.paragraph import Paragraph

from accreditation.opinion_document import (
    DEFAULT_DOCX_TEMPLATE,
    PLACEHOLDERS,
    STYLE_SPECS,
    _normalise_zip,
    ensure_styles,
)

_FIXED = datetime(2025, 1, 1, tzinfo=UTC)


def _bottom_border(paragraph: Paragraph) -> None:
    p_pr = paragraph._p.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    bottom.set(qn("w:val"), "single")
    bottom.set(qn("w:sz"), "8")
    bottom.set(qn("w:space"), "4")
    bottom.set(qn("w:color"), "1F3864")
    borders.append(bottom)
    p_pr.append(borders)


def _field(paragraph: Paragraph, instruction: str, placeholder: str) -> None:
    """A simple field (PAGE, NUMPAGES) that Word and LibreOffice update when the page is laid out."""
    fld = OxmlElement("w:fldSimple")
    fld.set(qn("w:instr"), f" {instruction} ")
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = placeholder
    run.append(text)
    fld.append(run)
    paragraph._p.append(fld)


def _base_font(doc: DocxDocument) -> None:
    normal = doc.styles["Normal"]
    normal.font.name = "Arial"
    normal.font.size = Pt(11)
    r_pr = normal.element.get_or_add_rPr()
    fonts = r_pr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        r_pr.append(fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attr), "Arial")
    lang = OxmlElement("w:lang")
    lang.set(qn("w:val"), "pl-PL")
    r_pr.append(lang)


def build_template() -> bytes:
    doc = Document()
    _base_font(doc)
    ensure_styles(doc, overwrite=True)

    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)
    section.top_margin, section.bottom_margin = Cm(2.0), Cm(2.0)
    section.left_margin, section.right_margin = Cm(2.0), Cm(2.0)
    section.header_distance, section.footer_distance = Cm(1.0), Cm(1.0)

    header = section.header
    header.is_linked_to_previous = False
    first = header.paragraphs[0]
    first.style = doc.styles["SES Papier firmowy"]
    first.add_run("[[NAZWA_ROPS]]")
    address = header.add_paragraph(style="SES Papier firmowy adres")
    address.add_run("[[ADRES_ROPS]]")
    _bottom_border(address)

    footer = section.footer
    footer.is_linked_to_previous = False
    case = footer.paragraphs[0]
    case.style = doc.styles["SES Stopka"]
    case.add_run("Znak sprawy: [[ZNAK_SPRAWY]] · wersja [[WERSJA]] · [[STATUS]]")
    pages = footer.add_paragraph(style="SES Stopka")
    pages.add_run("Strona ")
    _field(pages, "PAGE", "1")
    pages.add_run(" z ")
    _field(pages, "NUMPAGES", "1")

    doc.add_paragraph("Szablon opinii ROPS o OWES (SES)", style="SES Tytuł")
    for text in (
        "Ten plik określa wyłącznie wygląd opinii: papier firmowy w nagłówku strony, stopkę i style "
        "akapitów „SES …”. Treść opinii tworzy SES — wszystko, co znajduje się w treści tego pliku, "
        "zostanie pominięte.",
        "Aby użyć własnego papieru firmowego: otwórz plik w programie Word lub LibreOffice, zmień nagłówek "
        "i stopkę (możesz wstawić logo), w razie potrzeby zmień wygląd stylów „SES …”, nie zmieniając ich "
        "nazw, i zapisz plik w formacie .docx.",
        "Pola, które SES wypełnia w nagłówku i stopce: " + ", ".join(PLACEHOLDERS) + ".",
    ):
        doc.add_paragraph(text, style="SES Tekst")
    doc.add_paragraph("Style używane w opinii", style="SES Nagłówek")
    for name in STYLE_SPECS:
        doc.add_paragraph(f"Przykład stylu „{name}”", style=name)

    props = doc.core_properties
    props.title = "Szablon opinii ROPS o OWES"
    props.author = "SES"
    props.last_modified_by = "SES"
    props.language = "pl-PL"
    props.revision = 1
    props.created = props.modified = props.last_printed = _FIXED

    buffer = io.BytesIO()
    doc.save(buffer)
    return _normalise_zip(buffer.getvalue(), _FIXED)


def main(argv: list[str] | None = None) -> None:
    args = sys.argv[1:] if argv is None else argv
    target = Path(args[0]) if args else DEFAULT_DOCX_TEMPLATE
    target.write_bytes(build_template())
    print(f"zapisano {target}")


if __name__ == "__main__":
    main()
