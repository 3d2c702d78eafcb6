"""The minutes of a committee meeting as a DOCX the secretary edits (pure: data in, bytes out).

Built with python-docx from its default template: headings, the agenda, the attendance list with
the quorum, the documents and each resolution with its votes. Opens in Word and LibreOffice.
"""

from __future__ import annotations

import io
from datetime import date
from typing import Any

from docx import Document
from docx.shared import Pt

from ses.text import xml_safe


def _pl_date(value: Any) -> str:
    day = value if isinstance(value, date) else date.fromisoformat(str(value)[:10])
    return day.strftime("%d.%m.%Y")


def minutes_docx(meeting: dict[str, Any], term: dict[str, Any], region: str) -> bytes:
    meeting, term = xml_safe(meeting), xml_safe(term)  # an old record with a control character
    doc = Document()
    doc.styles["Normal"].font.name = "Calibri"
    doc.styles["Normal"].font.size = Pt(11)
    doc.add_heading(f"Protokół nr {meeting['number']} posiedzenia", level=1)
    doc.add_paragraph(
        f"Regionalny Komitet Rozwoju Ekonomii Społecznej {region}, kadencja {term['number']} "
        f"({_pl_date(term['starts_on'])} – {_pl_date(term['ends_on'])})."
    )
    doc.add_paragraph(f"Data posiedzenia: {_pl_date(meeting['held_on'])}. Miejsce: {meeting['place']}.")

    doc.add_heading("Porządek obrad", level=2)
    for line in [part.strip() for part in str(meeting["agenda"]).splitlines() if part.strip()]:
        doc.add_paragraph(line, style="List Number")

    doc.add_heading("Lista obecności", level=2)
    table = doc.add_table(rows=1, cols=4)
    table.style = "Table Grid"
    for cell, text in zip(
        table.rows[0].cells, ("Lp.", "Imię i nazwisko", "Reprezentowana grupa", "Obecność"), strict=True
    ):
        cell.text = text
    for i, row in enumerate(meeting["attendance"], start=1):
        cells = table.add_row().cells
        name = row["person_name"] + (f" ({row['function_label']})" if row["function"] != "member" else "")
        for cell, text in zip(cells, (str(i), name, row["group_label"], row["presence_label"]), strict=True):
            cell.text = text
    quorum = meeting["quorum"]
    verdict = "Komitet był zdolny do podejmowania uchwał." if quorum["reached"] else "Brak kworum."
    doc.add_paragraph(
        f"Obecnych {quorum['present']} z {quorum['members']} członków "
        f"(kworum: {quorum['required']}). {verdict}"
    )

    if meeting["documents"]:
        doc.add_heading("Dokumenty posiedzenia", level=2)
        for item in meeting["documents"]:
            doc.add_paragraph(f"{item['title']} ({item['filename']})", style="List Bullet")

    doc.add_heading("Podjęte uchwały i opinie", level=2)
    if not meeting["resolutions"]:
        doc.add_paragraph("Na posiedzeniu nie podjęto uchwał.")
    for item in meeting["resolutions"]:
        doc.add_paragraph().add_run(f"Uchwała nr {item['number']} — {item['subject']}").bold = True
        doc.add_paragraph(f"Rodzaj: {item['kind_label']}.")
        if item.get("text"):
            doc.add_paragraph(item["text"])
        outcome = "przyjęta" if item["adopted"] else "nieprzyjęta"
        doc.add_paragraph(
            f"Głosowanie: za {item['votes_for']}, przeciw {item['votes_against']}, "
            f"wstrzymało się {item['abstained']} — uchwała {outcome}."
        )

    if meeting.get("minutes_note"):
        doc.add_heading("Przebieg posiedzenia", level=2)
        doc.add_paragraph(meeting["minutes_note"])
    doc.add_paragraph()
    doc.add_paragraph("Protokołował(a): ………………………………        Przewodniczący(a) komitetu: ………………………………")
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
