"""The meeting report "Stan ekonomii społecznej w województwie" for a chosen period: the
programme's indicators against their targets, every panel's indicators with the change since the
previous period, OWES reporting results, the network's development and a methodology annex. One
content model, two forms: a printable page and an editable DOCX (python-docx)."""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import date

from ses.extensions import installed
from ses.indicators import services
from ses.indicators.batch import side_by_side
from ses.indicators.display import formatted, name, progress, verdict
from ses.indicators.model import (
    CODE_LENGTH,
    NATURE_LABELS,
    PROGRAMME_LABELS,
    UNIT_LABELS,
    Indicator,
    Level,
    Period,
)
from ses.web.i18n import gettext


@dataclass(frozen=True)
class Line:
    code: str
    name: str
    value: str
    previous: str
    change: str
    baseline: str
    target: str
    progress: str
    verdict: str


@dataclass
class Section:
    title: str
    lines: list[Line] = field(default_factory=list)


@dataclass
class MeetingReport:
    region: str
    region_name: str
    period: Period
    previous: Period
    made_on: date
    programme: Section
    sections: list[Section]
    methodology: list[Indicator]


def _level(ind: Indicator, region: str) -> Level:
    level = {2: Level.VOIVODESHIP, 4: Level.POWIAT, 7: Level.GMINA}[len(region)]
    if level not in ind.levels:
        level = min(ind.levels, key=lambda lv: CODE_LENGTH[lv])
    return level


async def _line(ind: Indicator, region: str, period: Period) -> Line:
    level = _level(ind, region)
    now = await services.compute(ind, level, region, period)
    then = await services.compute(ind, level, region, period.previous())
    value = next((v.value for v in now.values if v.territory == region), None)
    before = next((v.value for v in then.values if v.territory == region), None)
    change = "—"
    if value is not None and before is not None:
        difference = value - before
        change = ("+" if difference > 0 else "−" if difference < 0 else "±") + formatted(ind, abs(difference))
    done = progress(ind, value)
    return Line(
        code=ind.code,
        name=name(ind),
        value=formatted(ind, value),
        previous=formatted(ind, before),
        change=change,
        baseline=f"{formatted(ind, ind.baseline.value)} ({ind.baseline.year})" if ind.baseline else "—",
        target=f"{formatted(ind, ind.target.value)} ({ind.target.year})" if ind.target else "—",
        progress=f"{done:.1f} %".replace(".", ",") if done is not None else "—",
        verdict=verdict(ind, value) or "—",
    )


async def build(region: str, period: Period) -> MeetingReport:
    catalogue = await services.full_catalogue()
    wanted = [(ind, _level(ind, region)) for ind in catalogue.values()]
    # Every value of the report computed together, both periods side by side (two cores).
    await side_by_side([services.prefetch(wanted, region, each) for each in (period, period.previous())])
    programme = Section(gettext("Wskaźniki programu a wartości docelowe"))
    for ind in catalogue.values():
        if ind.target is not None:
            programme.lines.append(await _line(ind, region, period))
    sections = []
    panels = sorted((p for ext in installed() for p in ext.dashboard_panels), key=lambda p: p.order)
    for panel in panels:
        section = Section(gettext(panel.title))
        for code in panel.indicators:
            if code in catalogue:
                section.lines.append(await _line(catalogue[code], region, period))
        if section.lines:
            sections.append(section)
    used = {line.code for section in [programme, *sections] for line in section.lines}
    return MeetingReport(
        region=region,
        region_name=await services.territory_name(region),
        period=period,
        previous=period.previous(),
        made_on=date.today(),
        programme=programme,
        sections=sections,
        methodology=[ind for code, ind in catalogue.items() if code in used],
    )


def docx_bytes(report: MeetingReport) -> bytes:
    """The same report as a DOCX the committee secretary can edit (plain text, no fields)."""
    from docx import Document

    document = Document()
    # Styles looked up once: `add_heading` searches the styles by name each time (~60 headings).
    title, heading_1, heading_2 = (document.styles[name] for name in ("Title", "Heading 1", "Heading 2"))
    document.add_paragraph(f"Stan ekonomii społecznej w województwie {report.region_name}", title)
    document.add_paragraph(
        f"Okres: {report.period.code} (porównanie z okresem {report.previous.code}). "
        f"Sporządzono {report.made_on.isoformat()} z danych SES. „Brak danych” nie oznacza zera."
    )
    for section in [report.programme, *report.sections]:
        if not section.lines:
            continue
        document.add_paragraph(section.title, heading_1)
        table = document.add_table(rows=1, cols=6)
        table.style = "Table Grid"
        head = [
            "Wskaźnik",
            report.period.code,
            report.previous.code,
            "Zmiana",
            "Wartość docelowa",
            "Realizacja",
        ]
        for cell, text in zip(table.rows[0].cells, head, strict=True):
            cell.text = text
        for line in section.lines:
            cells = table.add_row().cells
            texts = [line.name, line.value, line.previous, line.change, line.target, line.progress]
            for cell, text in zip(cells, texts, strict=True):
                cell.text = text
    document.add_paragraph("Aneks metodologiczny", heading_1)
    for ind in report.methodology:
        document.add_paragraph(f"{ind.name_pl} ({ind.code})", heading_2)
        document.add_paragraph(ind.definition)
        document.add_paragraph(
            f"Jednostka: {UNIT_LABELS[ind.unit]}; rodzaj: {NATURE_LABELS[ind.nature]}; "
            f"program: {PROGRAMME_LABELS[ind.programme]}; źródło: {ind.source}."
        )
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
