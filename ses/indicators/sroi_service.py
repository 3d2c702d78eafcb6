"""SROI in the database: the proxy library staff maintain, and analyses for one OWES, one PS or the
region with their outcomes (every input checked first: one problem and nothing is stored)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from ses.audit.services import Actor, record_event
from ses.db import write_transaction
from ses.errors import Conflict, FieldError, NotFound, ValidationFailed
from ses.indicators import sroi
from ses.indicators.impact_tables import SroiAnalysis, SroiOutcome, SroiProxy
from ses.register.tables import Organisation

SCOPES = {"owes": "OWES", "ps": "przedsiębiorstwo społeczne", "region": "województwo"}
PS_STATES = ("active", "under_control")
MAX_OUTCOMES = 30


@dataclass(frozen=True)
class ProxyInput:
    name: str
    unit: str
    value_pln: Any
    source: str
    year: Any
    note: str = ""


@dataclass(frozen=True)
class OutcomeInput:
    stakeholder: str
    description: str
    quantity: Any
    proxy_id: Any
    deadweight: Any
    attribution: Any
    displacement: Any
    drop_off: Any


@dataclass(frozen=True)
class AnalysisInput:
    title: str
    scope: str
    organisation_id: Any
    year: Any
    investment_pln: Any
    duration_years: Any
    discount_rate: Any
    outcomes: Sequence[OutcomeInput]
    note: str = ""


def _money(value: Any, where: str, problems: list[FieldError]) -> Decimal | None:
    try:
        amount = Decimal(str(value).replace(",", ".").replace(" ", "").replace("\u00a0", ""))
    except (InvalidOperation, ValueError):
        problems.append(FieldError(where, "Podaj kwotę w złotych (np. 1500,00)."))
        return None
    if not amount.is_finite() or amount <= 0 or amount >= Decimal("1e12"):
        problems.append(FieldError(where, "Kwota musi być większa od 0 zł."))
        return None
    return amount.quantize(Decimal("0.01"))


def _number(value: Any, where: str, problems: list[FieldError], label: str = "liczbę") -> float | None:
    if value is None or str(value).strip() == "":
        return None
    try:
        number = float(str(value).replace(",", "."))
    except ValueError:
        problems.append(FieldError(where, f"Podaj {label}."))
        return None
    if not math.isfinite(number):
        problems.append(FieldError(where, f"Podaj {label}."))
        return None
    return number


def _year(value: Any, where: str, problems: list[FieldError]) -> int | None:
    text = str(value if value is not None else "").strip()
    this = date.today().year
    if not text.isdigit() or not 1990 <= int(text) <= this + 1:
        problems.append(FieldError(where, f"Podaj rok od 1990 do {this + 1}."))
        return None
    return int(text)


def check_proxy(data: ProxyInput) -> tuple[list[FieldError], dict[str, Any]]:
    problems: list[FieldError] = []
    if not data.name.strip():
        problems.append(FieldError("name", "Podaj nazwę wartości finansowej."))
    if not data.unit.strip():
        problems.append(FieldError("unit", "Podaj jednostkę (np. osoba zatrudniona przez rok)."))
    if not data.source.strip():
        problems.append(
            FieldError(
                "source",
                "Podaj źródło wartości (publikację, badanie, dane GUS): "
                "proxy bez źródła nie jest przyjmowane.",
            )
        )
    value = _money(data.value_pln, "value_pln", problems)
    year = _year(data.year, "year", problems)
    clean = {
        "name": data.name.strip()[:300],
        "unit": data.unit.strip()[:120],
        "value_pln": value,
        "source": data.source.strip()[:500],
        "year": year,
        "note": data.note.strip(),
    }
    return problems, clean


async def proxies() -> list[dict[str, Any]]:
    return list(await SroiProxy.select().order_by(SroiProxy.name))


async def get_proxy(proxy_id: int) -> dict[str, Any]:
    row = await SroiProxy.select().where(SroiProxy.id == proxy_id).first()
    if row is None:
        raise NotFound(f"Nie ma wartości finansowej nr {proxy_id}.")
    return row


async def save_proxy(
    data: ProxyInput, actor: Actor, proxy_id: int | None = None, version: int | None = None
) -> dict[str, Any]:
    problems, clean = check_proxy(data)
    if problems:
        raise ValidationFailed("Wartość finansowa nie została zapisana.", problems)
    stamp = datetime.now(UTC)
    async with write_transaction():
        same = await SroiProxy.select(SroiProxy.id).where(SroiProxy.name == clean["name"]).first()
        if same and same["id"] != proxy_id:
            raise ValidationFailed(
                "Wartość finansowa nie została zapisana.",
                [FieldError("name", f"W bibliotece jest już wartość „{clean['name']}”.")],
            )
        if proxy_id is None:
            row = (await SroiProxy.insert(SroiProxy(**clean, version=1, set_at=stamp, set_by=actor.label)))[0]
            proxy_id = row["id"]
            changes = {key: (None, str(value)) for key, value in clean.items()}
        else:
            before = await get_proxy(proxy_id)
            if version is not None and version != before["version"]:
                raise Conflict(
                    f"Wartość „{before['name']}” zmienił w międzyczasie ktoś inny "
                    f"(wersja {before['version']})."
                )
            await SroiProxy.update(
                {
                    **{getattr(SroiProxy, k): v for k, v in clean.items()},
                    SroiProxy.version: before["version"] + 1,
                    SroiProxy.set_at: stamp,
                    SroiProxy.set_by: actor.label,
                }
            ).where(SroiProxy.id == proxy_id)
            changes = {k: (str(before[k]), str(v)) for k, v in clean.items() if str(before[k]) != str(v)}
        await record_event(actor, "save", "sroi_proxy", proxy_id, changes)
    return await get_proxy(proxy_id)


async def _check_analysis(
    data: AnalysisInput,
) -> tuple[list[FieldError], dict[str, Any], list[dict[str, Any]]]:
    problems: list[FieldError] = []
    if not data.title.strip():
        problems.append(FieldError("title", "Podaj tytuł analizy."))
    if data.scope not in SCOPES:
        problems.append(FieldError("scope", "Zakres analizy: owes, ps albo region."))
    organisation_id = None
    text = str(data.organisation_id if data.organisation_id is not None else "").strip()
    if data.scope in ("owes", "ps"):
        if not text.isdigit():
            problems.append(
                FieldError("organisation_id", f"Wskaż organizację z rejestru ({SCOPES[data.scope]}).")
            )
        else:
            org = (
                await Organisation.select(Organisation.id, Organisation.is_owes, Organisation.ps_state)
                .where(Organisation.id == int(text))
                .first()
            )
            if org is None:
                problems.append(FieldError("organisation_id", f"Nie ma w rejestrze organizacji nr {text}."))
            elif data.scope == "owes" and not org["is_owes"]:
                problems.append(FieldError("organisation_id", f"Organizacja nr {text} nie jest OWES."))
            elif data.scope == "ps" and org["ps_state"] not in PS_STATES:
                problems.append(FieldError("organisation_id", f"Organizacja nr {text} nie ma statusu PS."))
            else:
                organisation_id = int(text)
    elif data.scope == "region" and text:
        problems.append(FieldError("organisation_id", "Analiza dla województwa nie wskazuje organizacji."))
    year = _year(data.year, "year", problems)
    investment = _money(data.investment_pln, "investment_pln", problems)
    duration = _number(data.duration_years, "duration_years", problems, "liczbę lat")
    if duration is None or not duration.is_integer() or not 1 <= duration <= sroi.MAX_DURATION:
        problems.append(
            FieldError("duration_years", f"Czas trwania efektu: od 1 do {sroi.MAX_DURATION} lat.")
        )
    rate = _number(data.discount_rate, "discount_rate", problems, "stopę dyskonta w %")
    if rate is None or not 0 <= rate <= 100:
        problems.append(FieldError("discount_rate", "Stopa dyskonta jest wymagana, 0–100 %."))
    if not 1 <= len(data.outcomes) <= MAX_OUTCOMES:
        problems.append(FieldError("outcomes", f"Analiza ma od 1 do {MAX_OUTCOMES} rezultatów."))
    proxy_rows = {row["id"]: row for row in await SroiProxy.select()}
    outcomes = []
    for number, item in enumerate(data.outcomes):
        where = f"outcomes.{number}"
        if not item.stakeholder.strip():
            problems.append(
                FieldError(f"{where}.stakeholder", "Podaj, kogo dotyczy zmiana (interesariusza).")
            )
        if not item.description.strip():
            problems.append(FieldError(f"{where}.description", "Opisz rezultat (co się zmieniło)."))
        quantity = _number(item.quantity, f"{where}.quantity", problems)
        if quantity is None or quantity <= 0:
            problems.append(FieldError(f"{where}.quantity", "Liczba musi być większa od 0."))
        proxy_text = str(item.proxy_id if item.proxy_id is not None else "").strip()
        proxy = proxy_rows.get(int(proxy_text)) if proxy_text.isdigit() else None
        if proxy is None:
            problems.append(FieldError(f"{where}.proxy_id", "Wybierz wartość finansową z biblioteki."))
        adjustments: dict[str, float | None] = {}
        for key in sroi.ADJUSTMENTS:
            adjustments[key] = _number(getattr(item, key), f"{where}.{key}", problems)
        problems += sroi.check_adjustments(adjustments, where)
        outcomes.append(
            {
                "position": number,
                "stakeholder": item.stakeholder.strip()[:200],
                "description": item.description.strip(),
                "quantity": quantity,
                "proxy": proxy["id"] if proxy else None,
                "value_pln": proxy["value_pln"] if proxy else None,
                **adjustments,
            }
        )
    clean = {
        "title": data.title.strip()[:300],
        "scope": data.scope,
        "organisation": organisation_id,
        "year": year,
        "investment_pln": investment,
        "duration_years": int(duration) if duration else None,
        "discount_rate": rate,
        "note": data.note.strip(),
    }
    return problems, clean, outcomes


async def save_analysis(
    data: AnalysisInput, actor: Actor, analysis_id: int | None = None, version: int | None = None
) -> dict[str, Any]:
    problems, clean, outcomes = await _check_analysis(data)
    if problems:
        raise ValidationFailed("Analiza SROI nie została zapisana.", problems)
    stamp = datetime.now(UTC)
    async with write_transaction():
        if analysis_id is None:
            row = (
                await SroiAnalysis.insert(SroiAnalysis(**clean, version=1, set_at=stamp, set_by=actor.label))
            )[0]
            analysis_id = row["id"]
        else:
            before = (
                await SroiAnalysis.select(SroiAnalysis.version).where(SroiAnalysis.id == analysis_id).first()
            )
            if before is None:
                raise NotFound(f"Nie ma analizy SROI nr {analysis_id}.")
            if version is not None and version != before["version"]:
                raise Conflict(f"Analizę zmienił w międzyczasie ktoś inny (wersja {before['version']}).")
            await SroiAnalysis.update(
                {
                    **{getattr(SroiAnalysis, k): v for k, v in clean.items()},
                    SroiAnalysis.version: before["version"] + 1,
                    SroiAnalysis.set_at: stamp,
                    SroiAnalysis.set_by: actor.label,
                }
            ).where(SroiAnalysis.id == analysis_id)
            await SroiOutcome.delete().where(SroiOutcome.analysis == analysis_id)
        await SroiOutcome.insert(*[SroiOutcome(analysis=analysis_id, **item) for item in outcomes])
        await record_event(
            actor,
            "save",
            "sroi_analysis",
            analysis_id,
            {"title": (None, clean["title"]), "outcomes": (None, str(len(outcomes)))},
        )
    return await analysis(analysis_id)


async def analyses() -> list[dict[str, Any]]:
    rows = (
        await SroiAnalysis.select(
            *SroiAnalysis.all_columns(), SroiAnalysis.organisation.name.as_alias("organisation_name")
        )
        .order_by(SroiAnalysis.year, ascending=False)
        .order_by(SroiAnalysis.id)
    )
    out = []
    for row in rows:
        out.append(await _with_result(row))
    return out


async def analysis(analysis_id: int) -> dict[str, Any]:
    row = (
        await SroiAnalysis.select(
            *SroiAnalysis.all_columns(), SroiAnalysis.organisation.name.as_alias("organisation_name")
        )
        .where(SroiAnalysis.id == analysis_id)
        .first()
    )
    if row is None:
        raise NotFound(f"Nie ma analizy SROI nr {analysis_id}.")
    return await _with_result(row)


async def _with_result(row: dict[str, Any]) -> dict[str, Any]:
    items = (
        await SroiOutcome.select(
            *SroiOutcome.all_columns(),
            SroiOutcome.proxy.name.as_alias("proxy_name"),
            SroiOutcome.proxy.unit.as_alias("proxy_unit"),
            SroiOutcome.proxy.source.as_alias("proxy_source"),
            SroiOutcome.proxy.year.as_alias("proxy_year"),
        )
        .where(SroiOutcome.analysis == row["id"])
        .order_by(SroiOutcome.position)
    )
    outcomes = [
        sroi.Outcome(
            stakeholder=item["stakeholder"],
            description=item["description"],
            quantity=item["quantity"],
            value_pln=Decimal(str(item["value_pln"])),
            deadweight=item["deadweight"],
            attribution=item["attribution"],
            displacement=item["displacement"],
            drop_off=item["drop_off"],
            proxy_name=item["proxy_name"],
        )
        for item in items
    ]
    result = sroi.compute(
        outcomes, Decimal(str(row["investment_pln"])), row["duration_years"], row["discount_rate"]
    )
    return {**row, "outcome_rows": items, "result": result}
