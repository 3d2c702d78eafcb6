"""Text helpers shared by search and imports."""

from __future__ import annotations

import unicodedata

# Letters that Unicode does not decompose into a base letter and a combining mark.
_EXTRA_FOLDS = str.maketrans({"ł": "l", "ø": "o", "đ": "d", "ß": "ss"})


def fold(text: str) -> str:
    """Case- and accent-insensitive form of a name: "Łódź" and "LODZ" both become "lodz".

    SQLite's LIKE folds ASCII letters only, so the register stores this form of every name in a
    search column and matches queries folded the same way, identically on both engines.
    """
    lowered = text.casefold().translate(_EXTRA_FOLDS)
    decomposed = unicodedata.normalize("NFKD", lowered)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(stripped.split())


def like_pattern(text: str) -> str:
    """A LIKE pattern matching `text` anywhere, with LIKE's wildcards taken literally."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"
