"""The ROPS opinion on an OWES as a document: DOCX (from a replaceable DOCX template) and HTML print view.

`OpinionContent` is a plain dataclass the service fills from a verification; both renderers read the
same prepared view, so the DOCX and the HTML always say the same thing. The DOCX layout comes from
`templates_docx/opinion_template.docx`: its page header is the letterhead and its named paragraph
styles ("SES …") set the look, so staff can replace it in Word with their own letterhead. The body of
the template is discarded; placeholders such as ``[[NAZWA_ROPS]]`` in headers and footers are filled.

Pure module: no database, no web framework. The output is deterministic (fixed ZIP timestamps and
document properties), so the same content gives the same bytes and the same SHA-256.
"""

from __future__ import annotations

import hashlib
import io
import zipfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

import jinja2
from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor
from docx.table import Table
from docx.text.paragraph import Paragraph

from accreditation.checklists import Template, iter_criteria
from accreditation.lifecycle import (
    AccreditationRuleError,
    CriterionResult,
    OpinionConclusion,
    VerificationMode,
)
from ses.text import xml_safe

__all__ = [
    "DEFAULT_DOCX_TEMPLATE",
    "PLACEHOLDERS",
    "STYLE_SPECS",
    "AccreditationDecision",
    "AreaSummary",
    "FindingItem",
    "OpinionContent",
    "OpinionContentError",
    "OrganisationInfo",
    "TeamMember",
    "area_summaries_from_results",
    "ensure_styles",
    "format_date_pl",
    "render_opinion_docx",
    "render_opinion_html",
    "sha256_of",
]

PACKAGE_DIR = Path(__file__).resolve().parent
DEFAULT_DOCX_TEMPLATE = PACKAGE_DIR / "templates_docx" / "opinion_template.docx"
HTML_TEMPLATE = "accreditation/opinion_print.html.j2"


# ---------------------------------------------------------------------------------------------
# Content


@dataclass(frozen=True)
class OrganisationInfo:
    """The lead applicant or a partner, with the identifiers it has (none is mandatory)."""

    name: str
    krs: str | None = None
    nip: str | None = None
    regon: str | None = None
    address: str | None = None


@dataclass(frozen=True)
class AccreditationDecision:
    number: str
    decision_date: date
    valid_from: date
    valid_to: date


@dataclass(frozen=True)
class TeamMember:
    name: str
    role: str  # e.g. "przewodnicząca zespołu"
    institution: str | None = None


@dataclass(frozen=True)
class AreaSummary:
    """Final results in one area. There is deliberately no "partly": it is never printed."""

    code: str
    title: str
    meets: int = 0
    does_not_meet: int = 0
    needs_completion: int = 0
    not_applicable: int = 0

    @property
    def total(self) -> int:
        return self.meets + self.does_not_meet + self.needs_completion + self.not_applicable


@dataclass(frozen=True)
class FindingItem:
    criterion_code: str
    finding: str
    recommendation: str | None = None
    deadline: date | None = None


@dataclass(frozen=True)
class OpinionContent:
    rops_name: str
    owes_name: str
    lead: OrganisationInfo
    call_edition: str
    verification_scope: str
    verification_from: date
    verification_to: date
    verification_modes: Sequence[str]  # VerificationMode values
    conclusion: str  # OpinionConclusion value
    justification: str
    signatory_name: str
    signatory_position: str
    place: str
    issue_date: date
    partners: Sequence[OrganisationInfo] = field(default_factory=tuple)
    decision: AccreditationDecision | None = None  # None: opinion on an application, before a decision
    team: Sequence[TeamMember] = field(default_factory=tuple)
    area_summaries: Sequence[AreaSummary] = field(default_factory=tuple)
    findings: Sequence[FindingItem] = field(default_factory=tuple)
    version: int = 1
    approved: bool = False
    reference_number: str | None = None  # znak sprawy
    rops_address: str | None = None
    template_title: str | None = None
    template_version: str | None = None
    template_status: str | None = None  # "working" adds a note that the standards are a working version


class OpinionContentError(AccreditationRuleError):
    code = "opinion_content"

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems = tuple(problems)
        super().__init__("Opinii nie można wygenerować: " + "; ".join(self.problems) + ".")


def area_summaries_from_results(
    template: Template, results: Mapping[str, str | CriterionResult]
) -> list[AreaSummary]:
    """Count final results per area of the template (areas without results are left out).

    Refuses the internal working value "partly" and codes that are not in the template: an opinion
    shows only final results of this template version.
    """
    counts: dict[str, dict[str, int]] = {}
    titles: dict[str, str] = {}
    known: set[str] = set()
    partly: list[str] = []
    for placed in iter_criteria(template):
        code = placed.criterion.code
        known.add(code)
        if code not in results:
            continue
        result = CriterionResult(results[code])
        if result is CriterionResult.PARTLY:
            partly.append(code)
            continue
        area = counts.setdefault(placed.area.code, {r.value: 0 for r in CriterionResult})
        titles[placed.area.code] = placed.area.title
        area[result.value] += 1
    problems = []
    unknown = sorted(set(results) - known)
    if unknown:
        problems.append(
            f"wyniki dla kryteriów spoza szablonu {template.code} {template.version}: {', '.join(unknown)}"
        )
    if partly:
        problems.append(
            f"kryteria z roboczą oceną „częściowo” ({', '.join(partly)}) — przed wydaniem opinii "
            "nadaj im wynik ostateczny"
        )
    if problems:
        raise OpinionContentError(problems)
    return [
        AreaSummary(
            code=code,
            title=titles[code],
            meets=c["meets"],
            does_not_meet=c["does_not_meet"],
            needs_completion=c["needs_completion"],
            not_applicable=c["not_applicable"],
        )
        for code, c in counts.items()
    ]


def _validate(content: OpinionContent) -> None:
    problems: list[str] = []
    required = {
        "rops_name": "nazwa ROPS",
        "owes_name": "nazwa OWES",
        "call_edition": "edycja naboru",
        "verification_scope": "zakres weryfikacji",
        "justification": "uzasadnienie",
        "signatory_name": "imię i nazwisko podpisującego",
        "signatory_position": "stanowisko podpisującego",
        "place": "miejscowość",
    }
    for attr, label in required.items():
        if not str(getattr(content, attr) or "").strip():
            problems.append(f"pole „{label}” ({attr}) jest puste")
    if not content.lead.name.strip():
        problems.append("brak nazwy lidera (lead.name)")
    try:
        OpinionConclusion(content.conclusion)
    except ValueError:
        allowed = ", ".join(c.value for c in OpinionConclusion)
        problems.append(f"nieznana konkluzja „{content.conclusion}” (dozwolone: {allowed})")
    for mode in content.verification_modes:
        try:
            VerificationMode(mode)
        except ValueError:
            allowed = ", ".join(m.value for m in VerificationMode)
            problems.append(f"nieznana forma weryfikacji „{mode}” (dozwolone: {allowed})")
    if content.verification_to < content.verification_from:
        problems.append("data końca weryfikacji jest wcześniejsza niż data początku")
    if content.version < 1:
        problems.append("numer wersji opinii musi być dodatni")
    for summary in content.area_summaries:
        if min(summary.meets, summary.does_not_meet, summary.needs_completion, summary.not_applicable) < 0:
            problems.append(f"ujemna liczba wyników w obszarze {summary.code}")
    if problems:
        raise OpinionContentError(problems)


# ---------------------------------------------------------------------------------------------
# Shared view (what both renderers print)

_MONTHS_GENITIVE = (
    "stycznia",
    "lutego",
    "marca",
    "kwietnia",
    "maja",
    "czerwca",
    "lipca",
    "sierpnia",
    "września",
    "października",
    "listopada",
    "grudnia",
)


def format_date_pl(day: date) -> str:
    """'5 marca 2025 r.'"""
    return f"{day.day} {_MONTHS_GENITIVE[day.month - 1]} {day.year} r."


def _date_range_pl(start: date, end: date) -> str:
    if start == end:
        return format_date_pl(start)
    if (start.year, start.month) == (end.year, end.month):
        return f"{start.day}–{format_date_pl(end)}"
    if start.year == end.year:
        return f"{start.day} {_MONTHS_GENITIVE[start.month - 1]} – {format_date_pl(end)}"
    return f"{format_date_pl(start)} – {format_date_pl(end)}"


def _paragraphs(text: str) -> list[str]:
    return [line.strip() for line in text.replace("\r\n", "\n").split("\n") if line.strip()]


def _identifiers(org: OrganisationInfo) -> dict[str, str]:
    return {"krs": org.krs or "—", "nip": org.nip or "—", "regon": org.regon or "—"}


def _view(content: OpinionContent) -> dict[str, Any]:
    conclusion = OpinionConclusion(content.conclusion)
    organisations = [
        {
            "role": "lider",
            "name": content.lead.name,
            "address": content.lead.address,
            **_identifiers(content.lead),
        }
    ] + [
        {"role": "partner", "name": p.name, "address": p.address, **_identifiers(p)} for p in content.partners
    ]
    decision = content.decision
    if decision is not None:
        accreditation = (
            f"Decyzja nr {decision.number} z dnia {format_date_pl(decision.decision_date)} o przyznaniu "
            f"akredytacji i statusu OWES na okres od {format_date_pl(decision.valid_from)} "
            f"do {format_date_pl(decision.valid_to)}"
        )
    else:
        accreditation = (
            "Opinia dotyczy wniosku o przyznanie akredytacji i statusu OWES (przed wydaniem decyzji)."
        )
    standards = None
    if content.template_title:
        standards = content.template_title
        if content.template_version:
            standards += f", wersja {content.template_version}"
        if content.template_status == "working":
            standards += " (wersja robocza standardów — do czasu wczytania oficjalnego załącznika)"
    summaries = list(content.area_summaries)
    totals = AreaSummary(
        code="",
        title="Razem",
        meets=sum(s.meets for s in summaries),
        does_not_meet=sum(s.does_not_meet for s in summaries),
        needs_completion=sum(s.needs_completion for s in summaries),
        not_applicable=sum(s.not_applicable for s in summaries),
    )
    return {
        "draft": not content.approved,
        "rops_name": content.rops_name,
        "rops_address": content.rops_address or "",
        "reference_number": content.reference_number or "—",
        "version": content.version,
        "status_label": "opinia zatwierdzona" if content.approved else "PROJEKT — opinia niezatwierdzona",
        "place_date": f"{content.place}, {format_date_pl(content.issue_date)}",
        "title": "Opinia",
        "subtitle": (
            "regionalnego ośrodka polityki społecznej w sprawie realizacji standardów działania "
            "ośrodka wsparcia ekonomii społecznej"
        ),
        "owes_name": content.owes_name,
        "organisations": organisations,
        "call_edition": content.call_edition,
        "accreditation": accreditation,
        "scope": _paragraphs(content.verification_scope),
        "dates": _date_range_pl(content.verification_from, content.verification_to),
        "modes": ", ".join(VerificationMode(m).label for m in content.verification_modes) or "—",
        "standards": standards,
        "team": [{"name": m.name, "role": m.role, "institution": m.institution or ""} for m in content.team],
        "summary_header": ["Obszar", "Spełnia", "Nie spełnia", "Wymaga uzupełnienia", "Nie dotyczy", "Razem"],
        "summaries": [_summary_row(s) for s in summaries],
        "summary_total": _summary_row(totals),
        "findings_header": ["Lp.", "Kryterium", "Ustalenie", "Zalecenie", "Termin realizacji"],
        "findings": [
            {
                "no": i,
                "criterion": f.criterion_code,
                "finding": f.finding,
                "recommendation": f.recommendation or "—",
                "deadline": format_date_pl(f.deadline) if f.deadline else "—",
            }
            for i, f in enumerate(content.findings, start=1)
        ],
        "conclusion": conclusion.value,
        "conclusion_label": conclusion.label[0].upper() + conclusion.label[1:],
        "justification": _paragraphs(content.justification),
        "signatory_name": content.signatory_name,
        "signatory_position": content.signatory_position,
        "signature_note": "(podpis)" if content.approved else "(projekt — nie podpisywać)",
    }


def _summary_row(s: AreaSummary) -> list[str]:
    area = f"{s.code} {s.title}".strip()
    return [
        area,
        str(s.meets),
        str(s.does_not_meet),
        str(s.needs_completion),
        str(s.not_applicable),
        str(s.total),
    ]


# ---------------------------------------------------------------------------------------------
# DOCX styles (shared with make_template.py, and used to repair a staff template that lacks some)


@dataclass(frozen=True)
class StyleSpec:
    size: float = 11
    bold: bool = False
    italic: bool = False
    align: WD_ALIGN_PARAGRAPH | None = None
    space_before: float = 0
    space_after: float = 6
    keep_with_next: bool = False
    left_indent_cm: float = 0
    first_line_indent_cm: float = 0
    all_caps: bool = False
    color: str | None = None


STYLE_SPECS: dict[str, StyleSpec] = {
    "SES Papier firmowy": StyleSpec(size=12, bold=True, space_after=0, color="1F3864"),
    "SES Papier firmowy adres": StyleSpec(size=9, space_after=4, color="404040"),
    "SES Stopka": StyleSpec(size=8, space_after=0, align=WD_ALIGN_PARAGRAPH.CENTER, color="404040"),
    "SES Metryka": StyleSpec(size=10, align=WD_ALIGN_PARAGRAPH.RIGHT, space_after=12),
    "SES Tytuł": StyleSpec(
        size=16, bold=True, all_caps=True, align=WD_ALIGN_PARAGRAPH.CENTER, space_before=6, space_after=2
    ),
    "SES Podtytuł": StyleSpec(size=11, align=WD_ALIGN_PARAGRAPH.CENTER, space_after=4),
    "SES Nazwa OWES": StyleSpec(size=13, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, space_after=14),
    "SES Nagłówek": StyleSpec(size=12, bold=True, space_before=12, space_after=6, keep_with_next=True),
    "SES Tekst": StyleSpec(size=11, align=WD_ALIGN_PARAGRAPH.JUSTIFY, space_after=6),
    "SES Lista": StyleSpec(size=11, space_after=2, left_indent_cm=0.6, first_line_indent_cm=-0.4),
    "SES Tabela": StyleSpec(size=9.5, space_after=0),
    "SES Tabela nagłówek": StyleSpec(size=9.5, bold=True, space_after=0, keep_with_next=True),
    "SES Konkluzja": StyleSpec(size=13, bold=True, space_before=6, space_after=8, keep_with_next=True),
    "SES Podpis": StyleSpec(size=11, space_after=0, left_indent_cm=9, keep_with_next=True),
    "SES Uwaga": StyleSpec(size=9, italic=True, space_after=4, color="404040"),
}


def ensure_styles(doc: DocxDocument, *, overwrite: bool = False) -> None:
    """Create the "SES …" paragraph styles a template lacks (or redefine all with `overwrite`)."""
    styles = doc.styles
    existing = {style.name for style in styles}  # one scan; `name in styles` scans every time
    for name, spec in STYLE_SPECS.items():
        if name in existing and not overwrite:
            continue
        style = styles[name] if name in existing else styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = styles["Normal"]
        style.quick_style = True
        font = style.font
        font.size = Pt(spec.size)
        font.bold = spec.bold
        font.italic = spec.italic
        font.all_caps = spec.all_caps
        if spec.color:
            font.color.rgb = RGBColor.from_string(spec.color)
        fmt = style.paragraph_format
        fmt.alignment = spec.align
        fmt.space_before = Pt(spec.space_before)
        fmt.space_after = Pt(spec.space_after)
        fmt.keep_with_next = spec.keep_with_next
        fmt.left_indent = Cm(spec.left_indent_cm) if spec.left_indent_cm else None
        fmt.first_line_indent = Cm(spec.first_line_indent_cm) if spec.first_line_indent_cm else None


# Placeholders that staff may put anywhere in the template's page headers and footers.
PLACEHOLDERS: dict[str, Callable[[dict[str, Any]], str]] = {
    "[[NAZWA_ROPS]]": lambda v: v["rops_name"],
    "[[ADRES_ROPS]]": lambda v: v["rops_address"],
    "[[ZNAK_SPRAWY]]": lambda v: v["reference_number"],
    "[[WERSJA]]": lambda v: str(v["version"]),
    "[[STATUS]]": lambda v: v["status_label"],
    "[[NAZWA_OWES]]": lambda v: v["owes_name"],
}


# ---------------------------------------------------------------------------------------------
# DOCX rendering


@lru_cache(maxsize=8)
def _template_bytes(path: str, mtime: float) -> bytes:
    return Path(path).read_bytes()


def _load_template(path: Path) -> DocxDocument:
    data = _template_bytes(str(path), path.stat().st_mtime)
    return Document(io.BytesIO(data))


def _clear_body(doc: DocxDocument) -> None:
    body = doc.element.body
    for child in list(body):
        if child.tag != qn("w:sectPr"):
            body.remove(child)


def _fill_placeholders(paragraphs: Sequence[Paragraph], view: dict[str, Any]) -> None:
    for paragraph in paragraphs:
        if "[[" not in paragraph.text:
            continue
        for run in paragraph.runs:
            for key, value in PLACEHOLDERS.items():
                if key in run.text:
                    run.text = run.text.replace(key, value(view))
        text = paragraph.text
        if "[[" in text and any(key in text for key in PLACEHOLDERS):
            # Word split a placeholder across runs: merge the runs (keeps the first run's format).
            for key, value in PLACEHOLDERS.items():
                text = text.replace(key, value(view))
            runs = paragraph.runs
            runs[0].text = text
            for run in runs[1:]:
                run.text = ""


def _fill_headers_and_footers(doc: DocxDocument, view: dict[str, Any]) -> None:
    for section in doc.sections:
        for part in (
            section.header,
            section.first_page_header,
            section.even_page_header,
            section.footer,
            section.first_page_footer,
            section.even_page_footer,
        ):
            if part.is_linked_to_previous:
                continue
            paragraphs = list(part.paragraphs)
            for table in part.tables:
                for row in table.rows:
                    for cell in row.cells:
                        paragraphs.extend(cell.paragraphs)
            _fill_placeholders(paragraphs, view)


def _set_cell_shading(cell: Any, fill: str) -> None:
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), fill)
    cell._tc.get_or_add_tcPr().append(shading)


def _set_borders(table: Table) -> None:
    """Single borders set on the table itself, so they do not depend on styles in the template."""
    tbl_pr = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:val"), "single")
        element.set(qn("w:sz"), "4")
        element.set(qn("w:space"), "0")
        element.set(qn("w:color"), "808080")
        borders.append(element)
    tbl_pr.append(borders)


def _row_flags(row: Any, *, header: bool) -> None:
    """Rows never split across pages; the header row repeats on every page."""
    tr_pr = row._tr.get_or_add_trPr()
    names = ("w:cantSplit", "w:tblHeader") if header else ("w:cantSplit",)
    for name in names:
        flag = OxmlElement(name)
        flag.set(qn("w:val"), "true")
        tr_pr.append(flag)


class _Writer:
    """Appends styled paragraphs and tables to the document body.

    Style ids are resolved once: python-docx resolves a style name by scanning every style of the
    document for each paragraph, which made rendering several times slower.
    """

    def __init__(self, doc: DocxDocument) -> None:
        self.doc = doc
        self.ids = {name: doc.styles[name].style_id for name in STYLE_SPECS}

    def _style(self, paragraph: Paragraph, name: str) -> None:
        paragraph._p.style = self.ids[name]

    def para(self, style: str, *parts: str | tuple[str, bool]) -> Paragraph:
        paragraph = self.doc.add_paragraph()
        self._style(paragraph, style)
        for part in parts:
            text, bold = (part, False) if isinstance(part, str) else part
            run = paragraph.add_run(text)
            if bold:
                run.bold = True
        return paragraph

    def table(
        self,
        header: Sequence[str],
        rows: Sequence[Sequence[str]],
        widths_cm: Sequence[float],
        *,
        bold_last_row: bool = False,
        numeric_from: int | None = None,
    ) -> Table:
        table = self.doc.add_table(rows=1 + len(rows), cols=len(header))
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        table.autofit = False
        _set_borders(table)
        for column, width in zip(table.columns, widths_cm, strict=True):
            column.width = Cm(width)
        for r, values in enumerate([header, *rows]):
            row = table.rows[r]
            is_header = r == 0
            _row_flags(row, header=is_header)
            for c, (cell, value) in enumerate(zip(row.cells, values, strict=True)):
                cell.width = Cm(widths_cm[c])
                lines = value.split("\n")
                paragraph = cell.paragraphs[0]
                self._style(paragraph, "SES Tabela nagłówek" if is_header else "SES Tabela")
                run = paragraph.add_run(lines[0])
                if bold_last_row and r == len(rows):
                    run.bold = True
                for extra in lines[1:]:
                    self._style(cell.add_paragraph(extra), "SES Tabela")
                if numeric_from is not None and c >= numeric_from and not is_header:
                    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
                if is_header:
                    _set_cell_shading(cell, "D9E2F3")
        return table


def _build_body(w: _Writer, view: dict[str, Any]) -> None:
    w.para("SES Metryka", view["place_date"])
    if view["draft"]:
        w.para("SES Uwaga", f"PROJEKT — wersja {view['version']}, opinia niezatwierdzona")
    w.para("SES Tytuł", view["title"])
    w.para("SES Podtytuł", view["subtitle"])
    w.para("SES Nazwa OWES", f"„{view['owes_name']}”")

    w.para("SES Nagłówek", "1. Opiniowany ośrodek wsparcia ekonomii społecznej")
    w.para("SES Tekst", ("Nazwa OWES: ", True), view["owes_name"])
    rows = [
        [o["role"], o["name"] + (f"\n{o['address']}" if o["address"] else ""), o["krs"], o["nip"], o["regon"]]
        for o in view["organisations"]
    ]
    w.table(["Rola", "Podmiot", "KRS", "NIP", "REGON"], rows, [1.9, 7.3, 2.6, 2.6, 2.6])

    w.para("SES Nagłówek", "2. Akredytacja")
    w.para("SES Tekst", ("Edycja naboru: ", True), view["call_edition"])
    w.para("SES Tekst", view["accreditation"])

    w.para("SES Nagłówek", "3. Zakres i przebieg weryfikacji")
    for i, paragraph in enumerate(view["scope"]):
        w.para("SES Tekst", *((("Zakres: ", True),) if i == 0 else ()), paragraph)
    w.para("SES Tekst", ("Termin: ", True), view["dates"])
    w.para("SES Tekst", ("Formy weryfikacji: ", True), view["modes"])
    if view["standards"]:
        w.para("SES Tekst", ("Podstawa oceny: ", True), view["standards"])
    if view["team"]:
        w.para("SES Tekst", ("Zespół weryfikujący:", True))
        for member in view["team"]:
            institution = f" ({member['institution']})" if member["institution"] else ""
            w.para("SES Lista", f"– {member['name']} — {member['role']}{institution}")

    w.para("SES Nagłówek", "4. Wyniki weryfikacji w obszarach standardów")
    if view["summaries"]:
        w.table(
            view["summary_header"],
            [*view["summaries"], view["summary_total"]],
            [6.2, 1.9, 2.0, 2.9, 2.0, 1.6],
            bold_last_row=True,
            numeric_from=1,
        )
    else:
        w.para("SES Tekst", "Nie przedstawiono wyników w podziale na obszary.")

    w.para("SES Nagłówek", "5. Ustalenia i zalecenia")
    if view["findings"]:
        rows = [
            [str(f["no"]), f["criterion"], f["finding"], f["recommendation"], f["deadline"]]
            for f in view["findings"]
        ]
        w.table(view["findings_header"], rows, [1.0, 2.2, 6.0, 5.4, 2.4])
    else:
        w.para("SES Tekst", "Nie sformułowano ustaleń wymagających zaleceń.")

    w.para("SES Nagłówek", "6. Konkluzja")
    w.para("SES Konkluzja", view["conclusion_label"])
    w.para("SES Tekst", ("Uzasadnienie", True))
    for paragraph in view["justification"]:
        w.para("SES Tekst", paragraph)

    # Signature block: kept together on one page by keep_with_next on every line but the last.
    spacer = w.para("SES Podpis", "")
    spacer.paragraph_format.space_before = Pt(24)
    w.para("SES Podpis", "Zatwierdził(a):" if not view["draft"] else "Do zatwierdzenia:")
    line = w.para("SES Podpis", "……………………………………………")
    line.paragraph_format.space_before = Pt(28)
    w.para("SES Podpis", (view["signatory_name"], True))
    w.para("SES Podpis", view["signatory_position"])
    last = w.para("SES Podpis", view["signature_note"])
    last.paragraph_format.keep_with_next = False


def _normalise_zip(data: bytes, stamp: datetime) -> bytes:
    """Rewrite the package with fixed timestamps so equal content gives equal bytes (and SHA-256)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    fixed = (max(stamp.year, 1980), stamp.month, stamp.day, 0, 0, 0)
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=fixed)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            target.writestr(entry, source.read(info.filename))
    return out.getvalue()


def render_opinion_docx(content: OpinionContent, template_path: str | Path | None = None) -> bytes:
    """The opinion as DOCX bytes, laid out by the DOCX template (default: the shipped one)."""
    _validate(content)
    view = xml_safe(_view(content))  # an old finding with a control character must not break it
    doc = _load_template(Path(template_path) if template_path else DEFAULT_DOCX_TEMPLATE)
    ensure_styles(doc)
    _clear_body(doc)
    _fill_headers_and_footers(doc, view)
    _build_body(_Writer(doc), view)

    stamp = datetime(content.issue_date.year, content.issue_date.month, content.issue_date.day, tzinfo=UTC)
    props = doc.core_properties
    props.title = xml_safe(f"Opinia w sprawie OWES „{content.owes_name}”")
    props.subject = "Opinia regionalnego ośrodka polityki społecznej o realizacji standardów OWES"
    props.author = content.rops_name
    props.last_modified_by = content.rops_name
    props.language = "pl-PL"
    props.keywords = "OWES; opinia; akredytacja"
    props.revision = content.version
    props.created = stamp
    props.modified = stamp
    props.last_printed = stamp
    props.comments = "zatwierdzona" if content.approved else "projekt"

    buffer = io.BytesIO()
    doc.save(buffer)
    return _normalise_zip(buffer.getvalue(), stamp)


# ---------------------------------------------------------------------------------------------
# HTML print view


@lru_cache(maxsize=1)
def _jinja() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(PACKAGE_DIR / "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def opinion_view(content: OpinionContent) -> dict[str, Any]:
    """What the HTML sheet prints (`accreditation/_opinion_body.html.j2`), checked first."""
    _validate(content)
    return _view(content)


def render_opinion_html(content: OpinionContent) -> str:
    """The opinion as a standalone, printable HTML page (no scripts, no inline styles: the sheet's
    styles come from /static/ses/accreditation.css, allowed by SES's CSP)."""
    _validate(content)
    return _jinja().get_template(HTML_TEMPLATE).render(v=_view(content))


def sha256_of(data: bytes) -> str:
    """Hex SHA-256, recorded when an opinion is approved."""
    return hashlib.sha256(data).hexdigest()
