"""Text helpers shared by search and imports."""

from __future__ import annotations

import re
import unicodedata
from typing import Any

# Letters that Unicode does not decompose into a base letter and a combining mark.
_EXTRA_FOLDS = str.maketrans({"ł": "l", "ø": "o", "đ": "d", "ß": "ss"})


class _FoldedChars(dict[int, str]):
    """What each character becomes in `fold`, worked out the first time it is met.

    NFKD decomposes character by character and the combining marks it may reorder are all
    dropped, so folding each character alone gives the same text as folding the whole string.
    """

    def __missing__(self, code: int) -> str:
        decomposed = unicodedata.normalize("NFKD", chr(code).translate(_EXTRA_FOLDS))
        folded = self[code] = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
        return folded


_FOLDED = _FoldedChars()


def fold(text: str) -> str:
    """Case- and accent-insensitive form of a name: "Łódź" and "LODZ" both become "lodz".

    SQLite's LIKE folds ASCII letters only, so the register stores this form of every name in a
    search column and matches queries folded the same way, identically on both engines.
    """
    lowered = text.casefold()
    if not lowered.isascii():
        lowered = lowered.translate(_FOLDED)  # one dict lookup per character (imports fold 100,000 names)
    return " ".join(lowered.split())


def _fold_by_string(text: str) -> str:
    """The definition `fold` implements character by character (kept for the tests)."""
    lowered = text.casefold().translate(_EXTRA_FOLDS)
    decomposed = unicodedata.normalize("NFKD", lowered)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(stripped.split())


def like_pattern(text: str) -> str:
    """A LIKE pattern matching `text` anywhere, with LIKE's wildcards taken literally."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def plural_pl(count: int, one: str, few: str, many: str) -> str:
    """`count` with the Polish noun form it takes: 1 podmiot, 2 podmioty, 5 podmiotów, 22 podmioty."""
    if count == 1:
        return f"{count} {one}"
    if count % 10 in (2, 3, 4) and count % 100 not in (12, 13, 14):
        return f"{count} {few}"
    return f"{count} {many}"


def pl_number(value: object) -> str:
    """A number as Poles write it: a space between thousands, a comma before decimals (1 100; 25,7)."""
    if value is None:
        return ""
    number = float(str(value))
    text = f"{int(number):,}" if number.is_integer() else f"{number:,.1f}"
    return text.replace(",", "\u00a0").replace(".", ",")


FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
"""How a cell a spreadsheet would run as a formula begins (OWASP's list: a tab or carriage return
before one counts too). Every CSV and XLSX SES writes puts an apostrophe before such text."""


def inert(value: Any) -> Any:
    """A cell for a CSV or XLSX: text a spreadsheet would run as a formula gets a leading
    apostrophe (shown as typed, never run); anything else is returned as it is."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
"""Characters no XML document (DOCX, XLSX) can hold: lxml refuses to write them at all."""


def xml_safe(value: Any) -> Any:
    """`value` (text, or dicts and lists of it) with the characters XML cannot hold shown as U+FFFD.

    Input refuses them (ses/web/input_guard.py), but a record stored before that must not make a
    document (minutes, an opinion) impossible to write: one record never breaks an export."""
    if isinstance(value, str):
        return XML_ILLEGAL.sub("\ufffd", value)
    if isinstance(value, dict):
        return {key: xml_safe(item) for key, item in value.items()}
    if isinstance(value, list) or type(value) is tuple:
        return type(value)(xml_safe(item) for item in value)
    return value
