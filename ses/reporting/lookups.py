"""Names instead of ids in the report form: find gminas, powiats and register organisations by what
a person types, label stored codes and ids for the form, and resolve a typed text back to one.

A person types "lodz" or "Łódź" (names are matched folded, `ses.text.fold`), a NIP or a KRS
number, or picks a suggestion; a suggestion's text ends with its code or id in brackets ("Łódź —
gmina miejska (1061011)", "Fundacja Razem (id 17)"), so the form works
the same with or without the page's script: the server resolves whatever text arrives, and a text
that names nothing, or more than one thing, is a field error in Polish listing the candidates.

What an OWES may find: organisations of the register that are not retired, with only what naming
one in a report needs (id, name, NIP, KRS, kind, gmina) — never contacts, statuses or history.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from piccolo.columns.combination import WhereRaw

from ses.db import is_sqlite
from ses.prepared import Prepared, prepared
from ses.register.identifiers import krs_problem, nip_problem, normalise_krs, normalise_nip
from ses.register.name_search import FTS_TABLE, MIN_INDEXED, fts_match, name_conditions, search_words
from ses.register.tables import Organisation
from ses.register.vocab import KIND_LABELS
from ses.settings import get_settings
from ses.territories.services import territory_names, territory_rows
from ses.text import fold
from ses.web.i18n import gettext

LIMIT = 10
MAX_TEXT = 300
LEVELS = ("gmina", "powiat")
_CODE_AT_END = re.compile(r"\((\d{4}|\d{7})\)\s*$")
_ID_AT_END = re.compile(r"\(id\s*(\d{1,9})\)\s*$", re.IGNORECASE)
_DIGITS = re.compile(r"[\s\-.]")
_LEVEL_WORDS = {"gmina", "gm", "powiat", "pow", "miasto", "m", "miejska", "wiejska", "miejsko-wiejska"}
_KIND_LABELS = {str(kind.value): label for kind, label in KIND_LABELS.items()}
TERRITORY_NOUNS = {"gmina": ("gminy", "gmin"), "powiat": ("powiatu", "powiatów")}


@dataclass(frozen=True)
class Found:
    """One suggestion: `value` is what goes into the input, `label` what the list shows."""

    key: str
    value: str
    label: str


@dataclass(frozen=True)
class Resolved:
    """A typed text resolved: `key` (a TERC code or an organisation id as text) or a Polish problem."""

    key: str | None
    problem: str | None = None


def _clean(text: str) -> str:
    return " ".join(text.split())[:MAX_TEXT]


# --- territories -----------------------------------------------------------------------------


def _powiat_words(row: dict[str, Any]) -> str:
    if row["type_label"] == "powiat":
        return f"powiat {row['name']}"
    return f"{row['name']} — {row['type_label']}"


async def _parents(given: Iterable[str]) -> dict[str, dict[str, Any]]:
    codes = list(given)
    wanted = {code[:4] for code in codes if len(code) == 7} | {code[:2] for code in codes}
    units = await territory_rows()
    return {code: units[code] for code in wanted if code in units}


def _territory_label(row: dict[str, Any], parents: dict[str, dict[str, Any]]) -> str:
    voivodeship = parents.get(row["code"][:2], {}).get("name", "")
    if row["level"] == "powiat":
        return f"{_powiat_words(row)}, woj. {voivodeship} ({row['code']})"
    powiat = parents.get(row["code"][:4])
    where = (
        f"powiat {powiat['name']}"
        if powiat and powiat["type_label"] == "powiat"
        else "miasto na prawach powiatu"
    )
    return f"{row['name']} — {row['type_label']}, {where}, woj. {voivodeship} ({row['code']})"


def _needle(text: str) -> str:
    text = _CODE_AT_END.sub("", text).split(" — ")[0]
    words = [
        word for word in fold(text).replace("%", " ").replace("_", " ").split() if word not in _LEVEL_WORDS
    ]
    return " ".join(words)


async def _territory_rows(needle: str, level: str) -> list[dict[str, Any]]:
    """Units of the level whose folded name holds the text, best first (the reference data is held
    in memory: no statement per keystroke)."""
    rows = [
        row
        for row in (await territory_rows()).values()
        if row["level"] == level and needle in row["name_search"]
    ]
    region = get_settings().region_code

    def rank(row: dict[str, Any]) -> tuple[Any, ...]:
        name = row["name_search"]
        closeness = 0 if name == needle else 1 if name.startswith(needle) else 2
        return (closeness, not row["code"].startswith(region), -(row["population"] or 0), row["code"])

    return sorted(rows, key=rank)


async def _territories_labelled(rows: list[dict[str, Any]]) -> list[Found]:
    parents = await _parents(row["code"] for row in rows)
    out = []
    for row in rows:
        short = _powiat_words(row) if row["level"] == "powiat" else f"{row['name']} — {row['type_label']}"
        value = f"{short} ({row['code']})"
        out.append(Found(key=row["code"], value=value, label=_territory_label(row, parents)))
    return out


async def find_territories(text: str, level: str, limit: int = LIMIT) -> list[Found]:
    """Gminas or powiats whose name holds the typed text: exact names first, then the region's."""
    needle = _needle(_clean(text))
    if len(needle) < 2:
        return []
    return await _territories_labelled((await _territory_rows(needle, level))[:limit])


async def territory_labels(codes: Iterable[str]) -> dict[str, str]:
    """Code → the text the form shows for it (unknown codes are left out)."""
    wanted = sorted({code for code in codes if code})
    if not wanted:
        return {}
    units = await territory_rows()
    rows = [units[code] for code in wanted if code in units]
    return {found.key: found.value for found in await _territories_labelled(rows)}


async def region_territories(level: str) -> list[Found]:
    """Every gmina or powiat of the ROPS's region (offered as a plain list when scripts are off)."""
    region = get_settings().region_code
    rows = [
        row
        for row in (await territory_rows()).values()
        if row["level"] == level and row["code"].startswith(region)
    ]
    return await _territories_labelled(sorted(rows, key=lambda row: (row["name_search"], row["code"])))


async def resolve_territory(text: str, level: str) -> Resolved:
    """The one gmina or powiat a typed text names (by its code, or by a name that fits only one)."""
    text = _clean(text)
    nouns = TERRITORY_NOUNS[level]
    length = 7 if level == "gmina" else 4
    code_match = _CODE_AT_END.search(text)
    code = code_match.group(1) if code_match else (text if text.isdigit() else None)
    if code is not None:
        row = (await territory_rows()).get(code)
        if row is None or row["level"] != level or len(code) != length:
            return Resolved(None, f"Nie ma {nouns[0]} o kodzie TERYT {code}. Wybierz {level} z podpowiedzi.")
        return Resolved(code)
    needle = _needle(text)
    if len(needle) < 2:
        return Resolved(None, f"Wpisz co najmniej dwie litery nazwy {nouns[0]}.")
    rows = await _territory_rows(needle, level)
    exact = [row for row in rows if row["name_search"] == needle]
    candidates = exact or rows
    if len(candidates) == 1:
        return Resolved(candidates[0]["code"])
    region = get_settings().region_code
    in_region = [row for row in candidates if row["code"].startswith(region)]
    if exact and len(in_region) == 1:
        return Resolved(in_region[0]["code"])
    if not candidates:
        return Resolved(None, f"Nie znaleziono {nouns[0]} o nazwie „{text}”. Sprawdź pisownię.")
    shown = await _territories_labelled(candidates[:5])
    more = f" i {len(candidates) - 5} innych" if len(candidates) > 5 else ""
    return Resolved(
        None,
        f"Nazwa „{text}” pasuje do kilku {nouns[1]}: "
        + "; ".join(found.label for found in shown)
        + f"{more}. Wybierz jedną z podpowiedzi albo dopisz kod TERYT w nawiasie.",
    )


# --- organisations ---------------------------------------------------------------------------

_ORG_COLUMNS = (
    Organisation.id,
    Organisation.name,
    Organisation.name_search,
    Organisation.nip,
    Organisation.krs,
    Organisation.kind,
    Organisation.gmina_code,
)
_VISIBLE = Organisation.activity_state != "retired"


def _format_nip(nip: str) -> str:
    return f"{nip[:3]}-{nip[3:6]}-{nip[6:8]}-{nip[8:]}"


async def _organisations_labelled(rows: list[dict[str, Any]]) -> list[Found]:
    # The names of every unit, read once per process (reference data): a statement per keystroke less.
    names = await territory_names()
    out = []
    for row in rows:
        known = (
            f"NIP {_format_nip(row['nip'])}" if row["nip"] else (f"KRS {row['krs']}" if row["krs"] else "")
        )
        value = f"{row['name']} (id {row['id']})"
        kind = _KIND_LABELS.get(row["kind"], row["kind"])
        # Shown in the reader's language; the value sent back (name and id) stays as it is.
        details = [known, gettext(kind) if kind else kind, names.get(row["gmina_code"], "")]
        label = f"{row['name']} — {', '.join(d for d in details if d)}"
        out.append(Found(key=str(row["id"]), value=value, label=label))
    return out


def _identifier(text: str) -> tuple[str, str] | None:
    """("nip"|"krs", number) when the text is a NIP or KRS number as people write them."""
    compact = _DIGITS.sub("", text).upper()
    if compact.startswith("KRS"):
        number = normalise_krs(compact[3:])
        return ("krs", number) if krs_problem(number) is None else None
    nip = normalise_nip(compact)
    if nip.isdigit() and len(nip) == 10:
        return ("nip", nip) if nip_problem(nip) is None else ("krs", nip)
    return None


async def _organisation_rows(text: str, limit: int, *, typeahead: bool = True) -> list[dict[str, Any]]:
    """`typeahead=False` (resolving a typed name to one organisation): every name holding the words
    is considered, never a bounded sample of them."""
    identifier = _identifier(text)
    if identifier is not None:
        column = Organisation.nip if identifier[0] == "nip" else Organisation.krs
        rows = await Organisation.select(*_ORG_COLUMNS).where(_VISIBLE, column == identifier[1]).limit(limit)
        if rows or identifier[0] == "krs":
            return list(rows)
        rows = await Organisation.select(*_ORG_COLUMNS).where(_VISIBLE, Organisation.krs == identifier[1])
        return list(rows)
    words = search_words(_ID_AT_END.sub("", text).split(" — ")[0])
    if not words or sum(len(word) for word in words) < 2:
        return []
    needle = " ".join(words)
    if typeahead:
        rows = await _typeahead_rows(words, needle, limit)
    else:
        rows = await (
            Organisation.select(*_ORG_COLUMNS)
            .where(_VISIBLE, *name_conditions(words))
            .order_by(Organisation.name_search)
            .limit(200)
        )

    def rank(row: dict[str, Any]) -> tuple[Any, ...]:
        name = row["name_search"]
        return (0 if name == needle else 1 if name.startswith(needle) else 2, name, row["id"])

    return sorted(rows, key=rank)[:limit]


TYPEAHEAD_CANDIDATES = 100
"""Names the trigram index offers for a type-ahead at most (see `_typeahead_rows`). Ten are shown,
and a longer text narrows them; reading and sorting 500 cost PostgreSQL 1.1–2.2 ms per keystroke
on a word inside names ("przyjac", "amazon", "latarn" at 100,000 names), 100 cost 0.3–0.9 ms."""


async def _typeahead_rows(words: list[str], needle: str, limit: int) -> list[dict[str, Any]]:
    """What the type-ahead offers, on both engines: the names starting with the typed text (a range
    of the name index: every one of them, however common the word), then, by name, the names
    holding every word among the first `TYPEAHEAD_CANDIDATES` the trigram index offers.

    Sorting every name that holds a common word cost 40 ms per keystroke on SQLite ("stow": a fifth
    of the register) and 3–10 ms of PostgreSQL ("przyjac": 10,436 names read, rechecked and
    sorted); a type-ahead shows ten, and a longer text narrows them. Both statements are prepared
    (ses/prepared.py): their SQL is built once."""
    starting = [
        row
        for row in await _starting_statement(limit)(needle, needle + "\U0010ffff")
        if row["name_search"].startswith(needle)
    ]
    if len(starting) >= limit:
        return starting
    indexed = tuple(len(word) >= MIN_INDEXED for word in words)
    # Hot path, engine branch kept: benchmarks.register (typeahead; docs/benchmarks.md "statements
    # built once"): each engine's own trigram index, one prepared statement per engine and shape.
    # The names starting with the text are all in `starting`: the first `2 × limit` names holding the
    # words hold whatever of them the answer still needs.
    holding = await _holding_statement(is_sqlite(), indexed, 2 * limit)(*_holding_values(words))
    seen = {row["id"] for row in starting}
    return [*starting, *(row for row in holding if row["id"] not in seen)]


@lru_cache(maxsize=8)
def _starting_statement(limit: int) -> Prepared[list[dict[str, Any]]]:
    """The first `limit` names (not retired) from a folded text on, by name: a range of the name
    index. Under a collation that is not byte order (a PostgreSQL database created with a
    language's collation) the range is only close to the prefix: the caller keeps the names that
    start with the text, and, finding fewer than `limit`, asks for the names holding it."""
    return prepared(
        lambda low, high: (
            Organisation.select(*_ORG_COLUMNS)
            .where(_VISIBLE, Organisation.name_search >= low, Organisation.name_search < high)
            .order_by(Organisation.name_search)
            .limit(limit)
        )
    )


def _holding_values(words: list[str]) -> tuple[str, ...]:
    """The values of `_holding_statement`'s parameters for these words."""
    # Hot path, engine branch kept: benchmarks.register (typeahead), each engine's trigram index.
    if is_sqlite():
        match = fts_match(words)
        return (*([match] if match else []), *(f"%{word}%" for word in words))
    return tuple(
        "%" + word.replace("\\", "\\\\") + "%" if len(word) >= MIN_INDEXED else word for word in words
    )


@lru_cache(maxsize=64)
def _holding_statement(sqlite: bool, indexed: tuple[bool, ...], limit: int) -> Prepared[list[dict[str, Any]]]:
    """Names (not retired) holding every word, by name, among the first `TYPEAHEAD_CANDIDATES` the
    trigram index offers; one statement per engine and shape of the text (which words are long
    enough for the index). Without such a word the name index is walked with the substring test."""
    name = '"organisation"."name_search"'
    if sqlite:
        # SQLite's LIKE has no escape character unless asked: each word is taken literally.
        def build(*values: Any) -> Any:
            patterns = values[1:] if any(indexed) else values
            conditions = [WhereRaw(f"{name} LIKE {{}}", pattern) for pattern in patterns]
            if any(indexed):
                candidates = (
                    f'"organisation"."id" IN (SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH {{}} '
                    f"LIMIT {TYPEAHEAD_CANDIDATES})"
                )
                conditions.insert(0, WhereRaw(candidates, values[0]))
            return (
                Organisation.select(*_ORG_COLUMNS)
                .where(_VISIBLE, *conditions)
                .order_by(Organisation.name_search)
                .limit(limit)
            )

        return prepared(build, arity=len(indexed) + any(indexed))

    def build_pg(*values: Any) -> Any:
        # PostgreSQL's LIKE escapes with a backslash (doubled in the values); a word without a
        # trigram is tested with strpos, which the trigram index would otherwise read whole.
        tests = [f"{name} LIKE {{}}" if long else f"strpos({name}, {{}}) > 0" for long in indexed]
        if any(indexed):
            candidates = (
                f'"organisation"."id" IN (SELECT "id" FROM "organisation" WHERE {" AND ".join(tests)} '
                f"LIMIT {TYPEAHEAD_CANDIDATES})"
            )
            conditions = [WhereRaw(candidates, *values)]
        else:
            conditions = [WhereRaw(test, value) for test, value in zip(tests, values, strict=True)]
        return (
            Organisation.select(*_ORG_COLUMNS)
            .where(_VISIBLE, *conditions)
            .order_by(Organisation.name_search)
            .limit(limit)
        )

    return prepared(build_pg, arity=len(indexed))


async def find_organisations(text: str, limit: int = LIMIT) -> list[Found]:
    """Register organisations (not retired) by a word of their name, a NIP or a KRS number."""
    return await _organisations_labelled(await _organisation_rows(_clean(text), limit))


async def organisation_labels(ids: Iterable[int]) -> dict[str, str]:
    """Id (as text) → the text the form shows for it, retired ones included (a report may name one
    that has since been retired)."""
    wanted = sorted({int(i) for i in ids})
    if not wanted:
        return {}
    rows = await Organisation.select(*_ORG_COLUMNS).where(Organisation.id.is_in(wanted))
    return {found.key: found.value for found in await _organisations_labelled(list(rows))}


async def resolve_organisation(text: str) -> Resolved:
    """The one organisation a typed text names: "(id 17)" at the end, an id, a NIP or KRS, or a
    name that fits only one organisation of the register."""
    text = _clean(text)
    by_id = _ID_AT_END.search(text)
    if by_id or (text.isdigit() and len(text) < 10):
        number = int(by_id.group(1) if by_id else text)
        row = await Organisation.select(Organisation.id).where(Organisation.id == number).first()
        if row is None:
            return Resolved(None, f"Nie ma w rejestrze organizacji o id {number}.")
        return Resolved(str(number))
    identifier = _identifier(text)
    rows = await _organisation_rows(text, 50, typeahead=False)
    if identifier is not None and not rows:
        kind = "NIP" if identifier[0] == "nip" else "KRS"
        return Resolved(None, f"W rejestrze nie ma organizacji o numerze {kind} {identifier[1]}.")
    needle = " ".join(search_words(text))
    exact = [row for row in rows if row["name_search"] == needle]
    candidates = exact or rows
    if len(candidates) == 1:
        return Resolved(str(candidates[0]["id"]))
    if not candidates:
        if len(needle) < 2:
            return Resolved(None, "Wpisz co najmniej dwie litery nazwy, NIP albo numer KRS.")
        return Resolved(
            None,
            f"W rejestrze nie znaleziono organizacji „{text}”. Wpisz inne słowo z nazwy, NIP albo KRS.",
        )
    shown = await _organisations_labelled(candidates[:5])
    more = f" i inne ({len(candidates)} pasujących)" if len(candidates) > 5 else ""
    return Resolved(
        None,
        f"„{text}” pasuje do kilku organizacji: "
        + "; ".join(found.value for found in shown)
        + f"{more}. Wybierz jedną z podpowiedzi albo wpisz jej NIP.",
    )
