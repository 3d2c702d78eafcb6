"""The indicator framework's part of the demo region, loaded after every package's demo data:

- a regional programme whose indicators take their values from SES's computed ones (and one series
  entered by hand), with baselines and targets set around the demo region's own figures, so the
  dashboards show progress against targets;
- snapshots of every indicator for the last four years (the time series): indicators that can be
  computed for past years are computed; those that read the register as it is today get past values
  derived from today's (an invented, rising trend — marked `taken_by = "demo (trend)"`);
- an SROI proxy library (the core's demo step, first), which the reporting package's demo uses for
  its SROI analyses.

Everything here is demo data: proxies say so in their source.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, date, datetime
from typing import Any

import yaml

from ses.audit.services import Actor, Channel
from ses.db import bulk_insert, write_transaction
from ses.indicators import cache, programme_store, services, snapshots, sroi_service
from ses.indicators.model import Level, parse_period
from ses.indicators.tables import IndicatorSnapshot

ACTOR = Actor(label="demo", channel=Channel.IMPORT)
YEARS_BACK = 3
TREND_STEP = 0.07
"""How much lower each earlier year is, for values derived from today's register (demo only)."""

PROGRAMME = (
    ("rpes.ps_active", "Aktywne przedsiębiorstwa społeczne w województwie", "Active social enterprises",
     "ps.active"),
    ("rpes.pes_active", "Aktywne podmioty ekonomii społecznej", "Active social economy entities",
     "pes.active"),
    ("rpes.pes_gminas", "Gminy z co najmniej jednym PES", "Gminas with a social economy entity",
     "pes.gminas_share"),
    ("rpes.owes_gminas", "Gminy, w których OWES wsparły PES", "Gminas reached by OWES support",
     "owes.gminas_supported_share"),
    ("rpes.jobs_at_risk", "Miejsca pracy w PS dla osób zagrożonych wykluczeniem",
     "Jobs in social enterprises for people at risk", "jobs.ps.at_risk"),
)  # fmt: skip
MANUAL = (
    "rpes.clauses",
    "Odsetek zamówień JST z klauzulami społecznymi",
    "Share of local procurement with social clauses",
)


def _wobble(*parts: Any) -> float:
    """A deterministic number in [-1, 1] (the demo loads the same figures every time)."""
    digest = hashlib.sha256("|".join(map(str, parts)).encode()).digest()
    return digest[0] / 127.5 - 1


async def _region_value(code: str, region: str, years: list[int]) -> tuple[float, int] | None:
    ind = services.indicator(code)
    for year in years:
        table = await services.compute(ind, Level.VOIVODESHIP, region, parse_period(str(year)))
        own = next((v for v in table.values if v.territory == region), None)
        if own and own.value is not None:
            return own.value, year
    return None


async def load_programme(region: str, this_year: int) -> int:
    """The demo's regional programme: baselines a little below today's figures, targets above."""
    rows = []
    for code, name_pl, name_en, computed_from in PROGRAMME:
        if computed_from not in services.catalogue():
            continue
        found = await _region_value(computed_from, region, [this_year, this_year - 1])
        now = found[0] if found else 0.0
        percent = services.indicator(computed_from).unit.value == "percent"
        baseline = round(now * 0.8, 1) if percent else round(now * 0.8)
        target = min(100.0, round(now * 1.25 + 5, 1)) if percent else round(now * 1.3 + 2)
        rows.append(
            {
                "code": code,
                "name_pl": name_pl,
                "name_en": name_en,
                "baseline": baseline,
                "baseline_year": this_year - YEARS_BACK,
                "target": target,
                "target_year": 2029,
                "computed_from": computed_from,
                "source": "Regionalny program rozwoju ekonomii społecznej (demo)",
            }
        )
    rows.append(
        {
            "code": MANUAL[0],
            "name_pl": MANUAL[1],
            "name_en": MANUAL[2],
            "unit": "percent",
            "baseline": 2.0,
            "baseline_year": this_year - YEARS_BACK,
            "target": 8.0,
            "target_year": 2029,
            "source": "ankieta ROPS wśród JST (demo)",
        }
    )
    data = yaml.safe_dump({"indicators": rows}, allow_unicode=True).encode()
    loaded = await programme_store.load("program-demo.yaml", data, services.catalogue(), ACTOR)
    manual = await programme_store.programme_indicators(services.catalogue())
    for back, value in enumerate((4.6, 3.9, 3.1, 2.4)):
        await programme_store.put_manual_value(
            MANUAL[0], region, str(this_year - back), value, "ankieta ROPS (demo)", manual, ACTOR
        )
    return loaded


async def load_snapshots(this_year: int) -> int:
    """Snapshots of the last years: computed where the data allows, else today's values with a trend."""
    today = date.today()
    taken = 0
    for year in range(this_year - YEARS_BACK, this_year + 1):
        taken += (await snapshots.take_snapshot(str(year), "demo")).values
    current = await IndicatorSnapshot.select().where(IndicatorSnapshot.period == str(this_year))
    stock = {
        code
        for code, ind in services.catalogue().items()
        if not ind.computation.covers(parse_period(str(this_year - 1)), today)
    }
    stamp = datetime.now(UTC)
    rows = []
    for back in range(1, YEARS_BACK + 1):
        period = str(this_year - back)
        for row in current:
            if row["indicator_code"] not in stock or row["value"] is None or row["numerator"] is None:
                continue
            factor = max(0.0, 1 - TREND_STEP * back + 0.02 * _wobble(row["indicator_code"], period))
            numerator, denominator = row["numerator"], row["denominator"]
            if denominator:  # a share of gminas kept as 100 × hits / gminas
                numerator = 100 * min(denominator, round(numerator / 100 * factor))
                value = numerator / denominator
            else:
                numerator = float(round(numerator * factor))
                value = numerator
            rows.append(
                (row["indicator_code"], period, row["level"], row["territory"], value, numerator, denominator,
                 row["population"], stamp, "demo (trend)")
            )  # fmt: skip
    async with write_transaction():
        for start in range(0, len(rows), 5_000):
            await bulk_insert(
                IndicatorSnapshot._meta.tablename, snapshots.COLUMNS, rows[start : start + 5_000]
            )
    cache.clear()
    return taken + len(rows)


PROXIES = (
    ("Roczne koszty publiczne bezrobocia jednej osoby (zasiłek, składki, utracone podatki)",
     "osoba zatrudniona przez rok", "31200"),
    ("Wartość podniesienia kwalifikacji pracownika pomocy społecznej (koszt równoważnego szkolenia)",
     "osoba z zaświadczeniem", "2400"),
    ("Roczna wartość usług społecznych świadczonych przez nowy PES w gminie", "nowy PES", "48000"),
    ("Wartość godziny wolontariatu i animacji lokalnej", "godzina wsparcia", "38"),
)  # fmt: skip
PROXY_SOURCE = (
    "Dane demonstracyjne SES — wartość przykładowa do zastąpienia źródłem ROPS (np. GUS BDL, MRiPS)"
)


async def load_sroi_proxies() -> list[str]:
    """The core's demo step (before the packages' own): the proxy library their SROI demos use."""
    if await sroi_service.proxies():
        return []
    for name, unit, value in PROXIES:
        await sroi_service.save_proxy(
            sroi_service.ProxyInput(name, unit, value, PROXY_SOURCE, date.today().year - 1), ACTOR
        )
    return [f"SROI: biblioteka {len(PROXIES)} wartości finansowych (przykładowych)."]


async def load_indicator_demo(region: str) -> list[str]:
    """Run after every package's demo step (ses/demo/load.py): the programme and the time series."""
    this_year = date.today().year
    loaded = await load_programme(region, this_year)
    values = await load_snapshots(this_year)
    return [
        f"Wskaźniki: program regionalny ({loaded} wskaźników z wartościami docelowymi), szereg czasowy "
        f"{this_year - YEARS_BACK}–{this_year} ({values} wartości)."
    ]
