"""Seat names as KRS writes them (capitals, no codes) → the TERYT code of the gmina (pure).

KRS gives voivodeship, powiat and gmina names. They are matched, folded (case and accents), level
by level inside their parent. Known shapes: cities with powiat rights as the powiat ("KRAKÓW",
"M. PŁOCK", "M. ST. WARSZAWA"), Warsaw's old powiat "WARSZAWSKI" and old districts
("WARSZAWA-CENTRUM") for the one gmina of Warsaw, and towns whose urban and rural gminas share a
name (the seat's locality decides). Whatever cannot be resolved is returned as a message.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from ses.territories.reference import read_territories
from ses.text import fold


@dataclass(frozen=True)
class Resolved:
    gmina_code: str | None
    problem: str | None = None
    note: str | None = None


_PREFIX = re.compile(r"^(m\. ?st\. ?|m\. ?|miasto |powiat |gmina )")
_ALIASES = {"warszawski": "warszawa"}  # Warsaw's powiat before 2002, still in old KRS entries


def _key(name: str) -> str:
    folded = fold(name)
    while (stripped := _PREFIX.sub("", folded)) != folded:
        folded = stripped
    return _ALIASES.get(folded, folded)


class TerritoryIndex:
    def __init__(self, rows: Iterable[tuple[str, str, str]]) -> None:
        """rows: (TERC code, level, name)."""
        self.voivodeships: dict[str, str] = {}
        self.powiats: dict[tuple[str, str], list[str]] = defaultdict(list)
        self.gminas: dict[tuple[str, str], list[str]] = defaultdict(list)
        self.gminas_of_powiat: dict[str, list[str]] = defaultdict(list)
        for code, level, name in rows:
            if level == "voivodeship":
                self.voivodeships[_key(name)] = code
            elif level == "powiat":
                self.powiats[(code[:2], _key(name))].append(code)
            elif level == "gmina":
                self.gminas[(code[:4], _key(name))].append(code)
                self.gminas_of_powiat[code[:4]].append(code)

    def resolve(self, voivodeship: str, powiat: str, gmina: str, locality: str = "") -> Resolved:
        written = "/".join(part for part in (voivodeship, powiat, gmina) if part) or "(brak)"
        woj = self.voivodeships.get(_key(voivodeship))
        if woj is None:
            return Resolved(None, f"Nie rozpoznano województwa siedziby: {written}.")
        powiats = self.powiats.get((woj, _key(powiat)), [])
        if len(powiats) != 1:
            # the powiat may be missing or misspelt: look for the gmina in the whole voivodeship
            wanted = _key(gmina)
            found = [
                code
                for (pow_code, name), codes in self.gminas.items()
                if pow_code[:2] == woj and name == wanted
                for code in codes
            ]
            if len({code[:6] for code in found}) == 1:
                return self._pick(found, gmina, locality, written)
            return Resolved(None, f"Nie rozpoznano powiatu siedziby: {written}.")
        pow_code = powiats[0]
        found = self.gminas.get((pow_code, _key(gmina)), [])
        if found:
            return self._pick(found, gmina, locality, written)
        in_powiat = self.gminas_of_powiat.get(pow_code, [])
        if len(in_powiat) == 1:  # a city with powiat rights: old districts and spellings are its gmina
            return Resolved(in_powiat[0], note=f"Gminę „{gmina}” przyjęto jako jedyną gminę powiatu.")
        return Resolved(None, f"Nie rozpoznano gminy siedziby: {written}.")

    @staticmethod
    def _pick(codes: list[str], gmina: str, locality: str, written: str) -> Resolved:
        if len(codes) == 1:
            return Resolved(codes[0])
        # an urban and a rural gmina of one name: a seat in the town itself lies in the urban one
        by_type = {code[-1]: code for code in codes}
        in_town = _key(locality) == _key(gmina)
        for kind in ("1", "3") if in_town else ("2", "3"):
            if kind in by_type:
                return Resolved(by_type[kind], note="Gminę wybrano według miejscowości siedziby.")
        return Resolved(None, f"Gmina siedziby niejednoznaczna: {written}.")


@lru_cache(maxsize=1)
def shipped_index() -> TerritoryIndex:
    """The index of the TERC units shipped with SES (the same the database is loaded from)."""
    return TerritoryIndex((row.code, row.level, row.name) for row in read_territories())
