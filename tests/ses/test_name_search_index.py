"""Name search through the trigram index: same rows as a plain substring test, on both engines."""

from __future__ import annotations

from typing import Any

import pytest

from ses.audit.channel import Channel
from ses.audit.services import Actor
from ses.db import is_sqlite
from ses.errors import ValidationFailed
from ses.register import queries, services
from ses.register.importer import import_table
from ses.register.name_search import FTS_TABLE, INSERT_TRIGGER, fts_query, search_words
from ses.register.queries import RegisterFilter
from ses.register.tables import Organisation
from ses.text import _fold_by_string, fold
from ses.uploads import read_csv

pytestmark = pytest.mark.anyio

TORUN = "0463011"
LODZ = "1061011"
ACTOR = Actor(label="test", channel=Channel.API)
NAMES = [
    ("Fundacja „Źródło” w Łodzi", "foundation", LODZ),
    ("Stowarzyszenie Łódzkich Żeglarzy", "association", LODZ),
    ("Koło Gospodyń Wiejskich w Ząbkach", "kgw", TORUN),
    ("Fundacja Toruńska", "foundation", TORUN),
    ("Stowarzyszenie Przyjaciół Torunia", "association", TORUN),
    ("Przyjaciele 100% Łodzi_Bałut", "association", LODZ),
    ('Klub "Ab\\Cd" Sportowy', "association", TORUN),
]
QUERIES = [
    "lodz", "ŁÓDŹ żeglarzy", "zrodlo FUNDACJA", "ko", "w", "ab", "torun przyjaciol", "przyjaciol",
    "100%", "lodzi_balut", "_", "%", 'ab\\cd', '"ab', "zzzq", "a b c", "stowarzyszenie lodzkich",
    "ciół", "fundacja zabkach",
]  # fmt: skip


async def add_all() -> dict[str, dict[str, Any]]:
    created = {}
    for name, kind, gmina in NAMES:
        created[name] = await services.create({"name": name, "kind": kind, "gmina_code": gmina}, ACTOR)
    return created


async def found(**filters: Any) -> list[str]:
    page = await queries.search(
        RegisterFilter(**filters), sort="name", page=1, page_size=100, facets=["kind"]
    )
    names = [item["name"] for item in page["items"]]
    assert page["total"] == len(names) == sum(page["facets"]["kind"].values())
    return names


async def expected(q: str, **where: Any) -> list[str]:
    """The meaning of a name search, computed in Python over every row."""
    rows = await Organisation.select(Organisation.name, Organisation.name_search).where(
        Organisation.activity_state != "retired", *[getattr(Organisation, k) == v for k, v in where.items()]
    )
    words = search_words(q)
    return [
        row["name"]
        for row in sorted(rows, key=lambda row: row["name_search"])
        if all(w in row["name_search"] for w in words)
    ]


async def index_is_consistent() -> None:
    if is_sqlite():  # FTS5 checks its index against the organisation table (raises if not)
        await Organisation.raw(f"INSERT INTO {FTS_TABLE} ({FTS_TABLE}, rank) VALUES ('integrity-check', 1)")


async def test_every_query_finds_exactly_the_names_holding_every_word(app_tx):
    await add_all()
    for q in QUERIES:
        assert await found(q=q) == await expected(q), q
    assert await found(q="lodz") == [
        "Fundacja „Źródło” w Łodzi",
        "Przyjaciele 100% Łodzi_Bałut",
        "Stowarzyszenie Łódzkich Żeglarzy",
    ]
    assert await found(q="ko") == ["Koło Gospodyń Wiejskich w Ząbkach"]  # 2 letters: LIKE alone
    await index_is_consistent()


async def test_name_search_combined_with_territory_and_kind(app_tx):
    await add_all()
    assert await found(q="fundacja", territory=["10"]) == ["Fundacja „Źródło” w Łodzi"]
    assert await found(q="lodz", kind=["association"]) == await expected("lodz", kind="association")
    assert await found(q="przyjac", territory=["0463"], kind=["association"]) == [
        "Stowarzyszenie Przyjaciół Torunia"
    ]
    assert await found(q="to", territory=[TORUN]) == await expected("to", gmina_code=TORUN)


async def test_both_page_plans_give_the_same_pages(app_tx, monkeypatch):
    await add_all()
    for extra in range(30):
        await services.create(
            {"name": f"Stowarzyszenie Przyjaciół nr {extra:02}", "kind": "association", "gmina_code": TORUN},
            ACTOR,
        )
    for sort in ("name", "-name"):
        pages = {}
        for limit in (0, 10**9):  # walk the name index / read the index's matches and sort them
            monkeypatch.setattr(queries, "INDEX_DRIVEN_MAX", {"sqlite": limit, "postgres": limit})
            queries.AGGREGATES.entries.clear()
            pages[limit] = [
                [
                    item["id"]
                    for item in (
                        await queries.search(
                            RegisterFilter(q="przyjaciol"), sort=sort, page=p, page_size=7, facets=[]
                        )
                    )["items"]
                ]
                for p in (1, 2, 5)
            ]
        assert pages[0] == pages[10**9], sort
        assert len(pages[0][0]) == 7


async def test_index_follows_renames_and_retirement(app_tx):
    created = await add_all()
    org = created["Fundacja Toruńska"]
    renamed = await services.update(org["id"], {"name": "Fundacja Bydgoska"}, org["version"], ACTOR)
    assert await found(q="torunska") == []
    assert await found(q="bydgoska") == ["Fundacja Bydgoska"]
    await services.retire(renamed["id"], "zakończyła działalność", renamed["version"], ACTOR)
    assert await found(q="bydgoska") == []
    assert await found(q="bydgoska", include_retired=True) == ["Fundacja Bydgoska"]
    await index_is_consistent()


async def test_imported_rows_are_found_and_a_refused_import_leaves_the_index_as_it_was(app_tx):
    await add_all()
    good = "name,kind,gmina_code\nFundacja Wiślana Przystań,foundation,0463011\nKGW Żółte Łąki,kgw,1061011\n"
    result = await import_table(read_csv(good.encode()), Actor(label="test", channel=Channel.IMPORT))
    assert result.created == 2
    assert await found(q="wislana przystan") == ["Fundacja Wiślana Przystań"]
    assert await found(q="zolte laki") == ["KGW Żółte Łąki"]
    await index_is_consistent()

    bad = "name,kind,gmina_code\nFundacja Nadwiślańska,foundation,0463011\nBłędny wiersz,foundation,9999999\n"
    with pytest.raises(ValidationFailed):
        await import_table(read_csv(bad.encode()), Actor(label="test", channel=Channel.IMPORT))
    assert await found(q="nadwislanska") == []
    assert await Organisation.count().where(Organisation.name == "Fundacja Nadwiślańska") == 0
    if is_sqlite():  # the insert trigger dropped for the bulk fill is back
        triggers = await Organisation.raw(
            "SELECT name FROM sqlite_master WHERE type = 'trigger' AND name = {}", INSERT_TRIGGER
        )
        assert len(triggers) == 1
    # … and still indexes rows added one by one
    await services.create({"name": "Fundacja Po Imporcie", "kind": "foundation", "gmina_code": TORUN}, ACTOR)
    assert await found(q="po imporcie") == ["Fundacja Po Imporcie"]
    await index_is_consistent()


def test_trigram_cover_touches_every_character():
    for word in ("abc", "abcd", "przyjaciol", "abcdefg", 'a"bc'):
        terms = [term[1:-1].replace('""', '"') for term in fts_query(word).split(" AND ")]
        covered = set()
        for term in terms:
            start = word.index(term)
            covered |= set(range(start, start + 3))
        assert covered == set(range(len(word))), word
    assert fts_query('a"bc') == '"a""b" AND """bc"'


def test_fold_per_character_equals_fold_of_the_whole_string():
    samples = [
        "Łódź",
        "ZAŻÓŁĆ GĘŚLĄ JAŹŃ",
        "Straße",
        "ﬁnanse",
        "e\u0301cole",
        "\u0301a",
        "Ø  đ\tx",
        "한국",
        "ℌ",
        "",
    ]
    for text in samples:
        assert fold(text) == _fold_by_string(text), text


async def test_an_import_of_several_batches_is_indexed_batch_by_batch_and_undone_whole(app_tx):
    """SQLite indexes each written batch while the next is checked; every row is indexed exactly once
    (FTS5's own integrity check), units written after the bodies too, and a row refused after some
    batches were indexed leaves the index as it was."""
    from ses.register.importer import BATCH

    rows = [f"Spółdzielnia Próbna Kwx{n:05},social_cooperative,{TORUN},,\n" for n in range(2 * BATCH + 7)]
    rows.insert(0, f"CIS Przy Kwx00001,cis,{TORUN},,z1\n")
    rows[2] = f"Spółdzielnia Próbna Kwx00001,social_cooperative,{TORUN},z1,\n"
    content = "name,kind,gmina_code,ref,founder_ref\n" + "".join(rows)
    result = await import_table(read_csv(content.encode()), Actor(label="test", channel=Channel.IMPORT))
    assert result.created == 2 * BATCH + 8
    await index_is_consistent()
    for number in (0, BATCH - 1, BATCH, 2 * BATCH + 6):
        assert await found(q=f"kwx{number:05}") == [f"Spółdzielnia Próbna Kwx{number:05}"]
    assert await found(q="cis przy kwx") == ["CIS Przy Kwx00001"]

    again = "".join(f"Fundacja Odrzucona Qzv{n:05},foundation,{TORUN},,\n" for n in range(2 * BATCH + 3))
    bad = f"name,kind,gmina_code,ref,founder_ref\n{again}Zły wiersz,foundation,9999999,,\n"
    with pytest.raises(ValidationFailed):
        await import_table(read_csv(bad.encode()), Actor(label="test", channel=Channel.IMPORT))
    assert await found(q="qzv00001") == []
    await index_is_consistent()
