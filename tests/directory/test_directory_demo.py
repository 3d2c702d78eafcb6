"""The demo directory: services of the region's organisations, in their own gminas (pure generator)."""

from __future__ import annotations

from ses.directory.demo import generate
from ses.directory.geo import gmina_at, inside_poland
from ses.directory.vocab import CATEGORIES


def test_demo_services_sit_in_their_organisations_gminas():
    kinds = ["ops", "pup", "pcpr", "cis", "wtz", "social_cooperative", "association", "foundation"] * 30
    gminas = ["0463011", "0461011", "0415062", "0401011", "0464011"]
    orgs = [
        {
            "id": n,
            "name": f"Org {n}",
            "kind": kind,
            "is_owes": n == 3,
            "gmina_code": gminas[n % len(gminas)],
            "locality": None,
            "street": None,
            "postal_code": "87-100",
            "email": None,
            "phone": None,
            "website": None,
        }
        for n, kind in enumerate(kinds)
    ]
    category_ids = {code: index for index, (code, *_rest) in enumerate(CATEGORIES, 1)}
    seeds = generate(orgs, category_ids, dict.fromkeys(gminas, "Miejscowość"))
    assert 200 <= len(seeds) <= 600
    assert generate(orgs, category_ids, {}) != [] and len(generate(orgs, category_ids, {})) == len(seeds)
    for seed in seeds:
        location = seed.locations[0]
        assert inside_poland(location["latitude"], location["longitude"])
        assert gmina_at(location["latitude"], location["longitude"]) == location["gmina_code"]
        assert all(location["gmina_code"].startswith(code) for code in seed.areas)
    assert {seed.values["cost"] for seed in seeds} == {"free", "paid"}
