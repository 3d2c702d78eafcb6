"""The composite condition index of the sector per territory (pure: no database, no Litestar).

Method, stated on every page and in the API (`METHOD_TEXT`):

1. Each component is one indicator's value in each territory — per 10,000 inhabitants when the
   indicator is shown so (counts grow with population), else its own value (shares in %).
2. Normalisation over the territories compared (those with data for that component):
   - `minmax`: (x − min) / (max − min), so 0 is the weakest territory and 1 the strongest;
   - `zscore`: (x − mean) / standard deviation (population), in standard deviations.
   A component where "less is better" is turned round (1 − s, or −z); a component with the same
   value everywhere gives every territory the middle (0.5, or 0): it cannot tell them apart.
3. The index is the weighted sum of the normalised components (× 100 for min–max: 0–100). Weights
   are set by staff, each above 0, and must sum to one.
4. Missing data: a territory lacking a component is scored on the components it has, their weights
   scaled up to sum to one, when those carry at least `MIN_COVERAGE` of the weight; below that it
   gets no index ("brak danych") and no rank. Missing is never read as zero.
5. Rank 1 is the best; equal indexes share a rank (1, 2, 2, 4).
6. Sensitivity: each weight in turn is moved by −10 % and +10 % of itself, the other weights scaled
   so all still sum to one, and every territory is ranked again. A territory's rank range is the
   lowest and highest rank over those scenarios and the set weights: a narrow range means the
   ranking does not hang on the exact weights.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from ses.errors import FieldError

METHODS = {"minmax": "min–max (0–100)", "zscore": "standaryzacja (z-score)"}
MIN_COVERAGE = 0.5
SENSITIVITY_STEP = 0.10
WEIGHT_TOLERANCE = 1e-6
MIN_COMPONENTS = 2
MAX_COMPONENTS = 20

METHOD_TEXT = (
    "Każdy składnik to wartość wskaźnika w jednostce (na 10 tys. mieszkańców, gdy wskaźnik tak się "
    "pokazuje; udziały w %). Normalizacja wśród porównywanych jednostek z danymi: min–max "
    "((x − min) / (max − min), 0 = najsłabsza, 1 = najlepsza) albo standaryzacja (x − średnia) / "
    "odchylenie standardowe. Składnik „im mniej, tym lepiej” jest odwracany. Indeks to suma ważona "
    "znormalizowanych składników (min–max × 100: skala 0–100); wagi ustala ROPS, sumują się do 1."
)
MISSING_TEXT = (
    "Brak danych: jednostka bez wartości składnika jest oceniana na składnikach, które ma, z wagami "
    "przeskalowanymi do sumy 1, o ile te składniki niosą co najmniej połowę wagi; inaczej indeksu nie "
    "liczy się („brak danych”) i jednostka nie ma miejsca w rankingu. Brak danych nigdy nie jest zerem."
)
SENSITIVITY_TEXT = (
    "Wrażliwość: każda waga po kolei zmienia się o −10 % i +10 % swojej wartości (pozostałe wagi "
    "skalowane tak, by suma nadal wynosiła 1), a ranking liczy się od nowa. Zakres miejsc to najlepsze "
    "i najgorsze miejsce jednostki we wszystkich tych wariantach."
)


@dataclass(frozen=True)
class Component:
    code: str
    weight: float
    lower_better: bool = False


@dataclass(frozen=True)
class Part:
    """One component of one territory: its raw value, normalised score and weighted contribution."""

    code: str
    raw: float | None
    score: float | None
    weight: float
    """The weight used for this territory (scaled up when another component is missing)."""
    contribution: float | None


@dataclass(frozen=True)
class Standing:
    territory: str
    index: float | None
    rank: int | None
    rank_best: int | None
    rank_worst: int | None
    coverage: float
    """The share of the set weight that had data in this territory."""
    parts: tuple[Part, ...]

    @property
    def weakest(self) -> Part | None:
        """The component that pulls the territory down most (lowest normalised score)."""
        scored = [part for part in self.parts if part.score is not None]
        return min(scored, key=lambda part: part.score or 0.0) if scored else None


def check_weights(
    method: str, pairs: Sequence[tuple[str, float]], known: Mapping[str, bool]
) -> list[FieldError]:
    """Problems of a set of weights; `known` maps every indicator that may enter the index to whether
    it has a direction (a descriptive indicator cannot be ranked as better or worse)."""
    problems: list[FieldError] = []
    if method not in METHODS:
        problems.append(FieldError("method", f"Nieznana metoda „{method}”: dozwolone minmax albo zscore."))
    if not MIN_COMPONENTS <= len(pairs) <= MAX_COMPONENTS:
        problems.append(
            FieldError("components", f"Indeks ma od {MIN_COMPONENTS} do {MAX_COMPONENTS} składników.")
        )
    seen: set[str] = set()
    for number, (code, weight) in enumerate(pairs):
        where = f"components.{number}"
        if code in seen:
            problems.append(FieldError(f"{where}.indicator", f"Wskaźnik „{code}” powtarza się."))
        seen.add(code)
        if code not in known:
            problems.append(FieldError(f"{where}.indicator", f"Nie ma wskaźnika o kodzie „{code}”."))
        elif not known[code]:
            problems.append(
                FieldError(
                    f"{where}.indicator",
                    f"Wskaźnik „{code}” jest opisowy (bez kierunku): nie może wejść do indeksu.",
                )
            )
        if not (math.isfinite(weight) and 0 < weight <= 1):
            problems.append(FieldError(f"{where}.weight", "Waga musi być większa od 0 i nie większa niż 1."))
    total = sum(weight for _, weight in pairs if math.isfinite(weight))
    if pairs and abs(total - 1) > WEIGHT_TOLERANCE:
        shown = f"{total:.4f}".replace(".", ",")
        problems.append(FieldError("components", f"Wagi sumują się do {shown}, a muszą sumować się do 1."))
    return problems


def normalise(values: Mapping[str, float], lower_better: bool, method: str) -> dict[str, float]:
    """Scores of the territories that have a value (see the module docstring, step 2)."""
    if not values:
        return {}
    numbers = list(values.values())
    if method == "zscore":
        mean = sum(numbers) / len(numbers)
        sd = math.sqrt(sum((x - mean) ** 2 for x in numbers) / len(numbers))
        out = {code: ((x - mean) / sd if sd > 0 else 0.0) for code, x in values.items()}
        return {code: -z if lower_better and z else z for code, z in out.items()}
    low, high = min(numbers), max(numbers)
    scaled = {code: ((x - low) / (high - low) if high > low else 0.5) for code, x in values.items()}
    return {code: 1 - s if lower_better else s for code, s in scaled.items()}


def _indexes(
    components: Sequence[Component],
    scores: Mapping[str, Mapping[str, float]],
    territories: Sequence[str],
    scale: float,
) -> dict[str, float | None]:
    out: dict[str, float | None] = {}
    for territory in territories:
        present = [c for c in components if territory in scores[c.code]]
        carried = sum(c.weight for c in present)
        if carried < MIN_COVERAGE - WEIGHT_TOLERANCE or carried <= 0:
            out[territory] = None
            continue
        out[territory] = scale * sum(c.weight / carried * scores[c.code][territory] for c in present)
    return out


def ranks(indexes: Mapping[str, float | None]) -> dict[str, int]:
    """Competition ranking, best (highest) first; territories without an index are not ranked."""
    ordered = sorted((value, code) for code, value in indexes.items() if value is not None)
    ordered.reverse()
    out: dict[str, int] = {}
    for position, (value, code) in enumerate(ordered, start=1):
        out[code] = position
        if position > 1 and math.isclose(value, ordered[position - 2][0], abs_tol=1e-9):
            out[code] = out[ordered[position - 2][1]]
    return out


def shifted(components: Sequence[Component], position: int, factor: float) -> list[Component]:
    """The weights with one moved by `factor` (e.g. 1.1) and the others scaled to keep the sum one."""
    moved = components[position].weight * factor
    rest = 1 - components[position].weight
    scale = (1 - moved) / rest if rest > 0 else 0.0
    return [
        Component(c.code, moved if i == position else c.weight * scale, c.lower_better)
        for i, c in enumerate(components)
    ]


def composite_index(
    components: Sequence[Component],
    values: Mapping[str, Mapping[str, float | None]],
    territories: Sequence[str],
    method: str = "minmax",
) -> list[Standing]:
    """Every territory's index, rank, rank range under ±10 % weights, and the parts behind it,
    best first (territories without an index last)."""
    scale = 100.0 if method == "minmax" else 1.0
    raw = {
        c.code: {t: float(v) for t in territories if (v := values.get(c.code, {}).get(t)) is not None}
        for c in components
    }
    scores = {c.code: normalise(raw[c.code], c.lower_better, method) for c in components}
    indexes = _indexes(components, scores, territories, scale)
    base = ranks(indexes)
    best = dict(base)
    worst = dict(base)
    if len(components) > 1:
        for position in range(len(components)):
            for factor in (1 - SENSITIVITY_STEP, 1 + SENSITIVITY_STEP):
                scenario = ranks(_indexes(shifted(components, position, factor), scores, territories, scale))
                for code, rank in scenario.items():
                    best[code] = min(best.get(code, rank), rank)
                    worst[code] = max(worst.get(code, rank), rank)
    out = []
    for territory in territories:
        present = [c for c in components if territory in scores[c.code]]
        carried = sum(c.weight for c in present)
        has_index = indexes[territory] is not None
        parts = tuple(
            Part(
                code=c.code,
                raw=raw[c.code].get(territory),
                score=scores[c.code].get(territory),
                weight=c.weight / carried if has_index and territory in scores[c.code] else 0.0,
                contribution=scale * c.weight / carried * scores[c.code][territory]
                if has_index and territory in scores[c.code]
                else None,
            )
            for c in components
        )
        out.append(
            Standing(
                territory=territory,
                index=indexes[territory],
                rank=base.get(territory),
                rank_best=best.get(territory),
                rank_worst=worst.get(territory),
                coverage=carried,
                parts=parts,
            )
        )
    out.sort(key=lambda s: (s.rank is None, s.rank or 0, s.territory))
    return out
