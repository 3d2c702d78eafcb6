"""Name search through a trigram index, with the exact meaning of a substring match.

A name matches when every word of the query, folded like the name (`ses.text.fold`), occurs in the
folded name (`name_search`). `name_search LIKE '%word%'` says exactly that but reads every name;
the trigram index narrows the candidates first, and the LIKE stays as the exact check:

- PostgreSQL: a `pg_trgm` GIN index on `name_search` serves the LIKE itself (the planner rechecks
  the candidates against the pattern).
- SQLite: an FTS5 table with the `trigram` tokenizer over `name_search`
  (`organisation_name_fts`, external content, kept in step by triggers; SQLite ≥ 3.34). The
  words of three or more characters add one `id IN (SELECT rowid FROM organisation_name_fts WHERE
  … MATCH …)` next to their LIKEs (`queries.search` leaves it out when the candidates are so
  many that the name index is cheaper). Words of one or two characters have no trigram: they
  keep the LIKE alone, which is correct but reads the name index.

The FTS query asks for trigrams of the word that together cover it (a candidate holds all of them,
not necessarily next to each other); the LIKE then keeps only real substrings. The tokenizer folds
case on both sides, so it never loses a row that the LIKE (ASCII case-insensitive) would keep.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any

from piccolo.columns.combination import WhereRaw

from ses.db import is_sqlite
from ses.text import fold

FTS_TABLE = "organisation_name_fts"
INSERT_TRIGGER = "organisation_name_fts_insert"
_INDEX_NAMES = (
    f"INSERT INTO {FTS_TABLE} (rowid, name_search) SELECT id, name_search FROM organisation WHERE id >= ?"
)
MIN_INDEXED = 3
"""Shortest word the trigram index can answer."""


def search_words(q: str) -> list[str]:
    """The words of a name query as matched: folded, LIKE wildcards dropped, empty ones skipped."""
    return [word for word in fold(q).replace("%", "").replace("_", "").split() if word]


def fts_query(word: str) -> str:
    """An FTS5 query for rows whose name holds every trigram of a cover of `word`.

    Trigrams at every third position plus the last one cover each character; fewer terms make the
    FTS5 AND cheaper than all overlapping trigrams, and the LIKE beside it is the exact check.
    """
    starts = sorted({*range(0, len(word) - 2, 3), len(word) - 3})
    terms = dict.fromkeys(word[start : start + 3] for start in starts)
    return " AND ".join('"' + term.replace('"', '""') + '"' for term in terms)


def fts_match(words: list[str]) -> str | None:
    """One FTS5 query for all indexed words (None when no word has three characters).

    FTS5 intersects the words itself: two IN lists of 10,000 rows each cost more than the rows
    they have in common.
    """
    indexed = [fts_query(word) for word in dict.fromkeys(words) if len(word) >= MIN_INDEXED]
    return " AND ".join(f"({query})" for query in indexed) or None


async def fts_candidates(words: list[str]) -> int:
    """SQLite: how many names hold the trigrams of every indexed word (no row of the register
    read; a few ms even for 50,000 candidates)."""
    from ses.register.tables import Organisation

    match = fts_match(words)
    if match is None:
        return 0
    statement = f"SELECT count(*) AS n FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH {{}}"
    rows = await Organisation.raw(statement, match)
    return int(rows[0]["n"])


def name_conditions(words: list[str], *, use_index: bool = True) -> list[Any]:
    """WHERE conditions matching every word anywhere in the folded name (see the module docstring).

    `use_index=False`: the same test in a form no trigram index serves (SQLite: the LIKEs alone;
    PostgreSQL: strpos), for a plan that walks the name index instead."""
    from ses.register.tables import Organisation

    # Hot path, engine branch kept: benchmarks.register, docs/benchmarks.md "Trigram name search and
    # a faster import": each engine's own trigram index (FTS5 / pg_trgm); search_cold p50 349.7 ms
    # SQLite / 841.8 ms PostgreSQL, selective searches ~4 ms.
    if is_sqlite():
        # SQLite's LIKE has no escape character unless asked: each word is taken literally.
        conditions: list[Any] = [Organisation.name_search.like(f"%{word}%") for word in words]
        match = fts_match(words)
        if use_index and match:
            conditions.insert(
                0,
                WhereRaw(
                    f'"organisation"."id" IN (SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH {{}})',
                    match,
                ),
            )
        return conditions
    conditions = []
    for word in words:
        if len(word) < MIN_INDEXED or not use_index:
            # A word without a trigram would make PostgreSQL read the whole GIN index (0.2–0.3 s
            # at 100,000 names); strpos is the same substring test and leaves the index aside
            # (also asked for when a page walks the name index: `queries._name_page_plan`).
            conditions.append(WhereRaw('strpos("organisation"."name_search", {}) > 0', word))
        else:
            # PostgreSQL's LIKE escapes with a backslash: double it so the word is taken literally.
            conditions.append(Organisation.name_search.like("%" + word.replace("\\", "\\\\") + "%"))
    return conditions


@asynccontextmanager
async def bulk_filled_index(
    connection: Any, first_id: Callable[[], int]
) -> AsyncIterator[Callable[[int], Awaitable[None]] | None]:
    """SQLite, inside a write transaction: index the names of rows inserted from id `first_id()`
    on in one statement at the end, instead of one trigger call per inserted row.

    Yields `index_to(last_id)` (None without a name index), which indexes the rows written so far
    at once: a caller writing in batches indexes each batch while it prepares the next, and the
    statement at the end takes only the rows after the last one indexed. Ids are given in order.

    The insert trigger is dropped for the duration and created again from its own stored SQL, all
    inside the caller's transaction (SQLite DDL is transactional: on rollback the trigger is back
    and the index unchanged). Updates and deletes keep their triggers throughout.
    """
    cursor = await connection.execute(
        "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = ?", (INSERT_TRIGGER,)
    )
    row = await cursor.fetchone()
    await cursor.close()
    if row is None:  # a database without the name index: nothing to keep in step
        yield None
        return
    trigger_sql = row["sql"] if isinstance(row, dict) else row[0]
    indexed = 0  # the last id indexed by index_to

    async def index_to(last_id: int) -> None:
        nonlocal indexed
        start, indexed = max(first_id(), indexed + 1), last_id
        await connection.execute(f"{_INDEX_NAMES} AND id <= ?", (start, last_id))

    await connection.execute(f"DROP TRIGGER {INSERT_TRIGGER}")
    yield index_to
    await connection.execute(_INDEX_NAMES, (max(first_id(), indexed + 1),))
    await connection.execute(trigger_sql)
