"""The demo and benchmark generator: deterministic, realistic, valid (pure: no database)."""

from __future__ import annotations

from collections import Counter
from datetime import date

import pytest
from stdnum.pl import nip, regon

from ses.demo.generator import generate_organisations, powiat_seat
from ses.demo.names import POSTAL_CODES, POSTAL_PREFIXES, in_gmina, locative, voivode_of
from ses.demo.regions import country_gminas, region_gminas
from ses.demo.register import generate_register, public_holidays
from ses.register.identifiers import krs_problem
from ses.register.statuses import PS_ACT_IN_FORCE, StatusType, term_end
from ses.register.vocab import REINTEGRATION_UNIT_KINDS, Kind, letter_of


@pytest.fixture(scope="module")
def region():
    return generate_register(region_gminas("04"), total=1150, seed=2026)


def test_same_seed_same_register_other_seed_other_register():
    first = generate_organisations(region_gminas("04"), total=300, seed=7)
    again = generate_organisations(region_gminas("04"), total=300, seed=7)
    other = generate_organisations(region_gminas("04"), total=300, seed=8)
    assert [seed.row() for seed in first] == [seed.row() for seed in again]
    assert [seed.name for seed in first] != [seed.name for seed in other]


def test_demo_region_is_kujawsko_pomorskie_in_real_gminas(region):
    codes = {gmina.code for gmina in region_gminas("04")}
    assert len(codes) == 144
    assert all(org.gmina_code in codes for org in region.organisations)
    assert 1_000 <= len(region.organisations) <= 1_600
    # Toruń and Bydgoszcz, the largest towns, hold the most organisations.
    busiest = [
        code
        for code, _ in Counter(o.gmina_code for o in region.organisations if letter_of(o.kind)).most_common(2)
    ]
    assert set(busiest) == {"0461011", "0463011"}


def test_shares_of_kinds_look_like_the_sector(region):
    pes = [org for org in region.organisations if letter_of(org.kind)]
    assert len(pes) == 1150
    ngo = sum(1 for org in pes if letter_of(org.kind) == "e")
    assert ngo / len(pes) > 0.9
    units = [org for org in pes if org.kind in REINTEGRATION_UNIT_KINDS]
    assert 0.008 < len(units) / len(pes) < 0.02
    assert sum(org.is_owes for org in region.organisations) == 4
    ps = [status for status in region.statuses if status.status_type == "ps"]
    assert 0.015 < len(ps) / len(pes) < 0.03
    # Public actors that take part in the network: an OPS in every gmina, a PUP in every powiat.
    kinds = Counter(org.kind for org in region.organisations)
    assert kinds[Kind.OPS] == 144 and kinds[Kind.PUP] == 23


def test_identifiers_are_valid_and_unique(region):
    for field, valid in (
        ("nip", nip.is_valid),
        ("regon", regon.is_valid),
        ("krs", lambda v: krs_problem(v) is None),
    ):
        values = [getattr(org, field) for org in region.organisations if getattr(org, field)]
        assert values and all(valid(value) for value in values), field
        assert len(values) == len(set(values)), field
    assert all(
        org.krs is None and org.nip is None
        for org in region.organisations
        if org.kind in REINTEGRATION_UNIT_KINDS
    )


def test_units_are_run_by_bodies_of_the_same_file(region):
    by_ref = {org.ref: org for org in region.organisations}
    position = {org.ref: index for index, org in enumerate(region.organisations)}
    units = [org for org in region.organisations if org.kind in REINTEGRATION_UNIT_KINDS]
    assert {org.kind for org in units} == {Kind.CIS, Kind.KIS, Kind.ZAZ, Kind.WTZ}
    for org in units:
        founder = by_ref[org.founder_ref]
        assert founder.kind not in REINTEGRATION_UNIT_KINDS
        assert position[founder.ref] < position[org.ref]
    assert all(
        org.founder_ref is None for org in region.organisations if org.kind not in REINTEGRATION_UNIT_KINDS
    )


def test_statuses_have_decisions_and_plausible_figures(region):
    for status in region.statuses:
        if status.state == "active":
            assert status.decision_number and status.decision_date
        for _, on_date, _, final in status.transitions:
            assert on_date >= status.decision_date
            assert final is None or final >= on_date
    assert any(t[0] == "lost" for s in region.statuses for t in s.transitions)
    for figures in region.figures:
        assert figures.employees_at_risk <= figures.employees
        assert figures.employees_disabled <= figures.employees
        assert figures.market_revenue_pln <= figures.revenue_pln


def test_decisions_fall_on_working_days_within_the_law_and_a_cis_is_in_force(region):
    """#14 demo realism: no office decides on a Sunday or a holiday, no PS before the Act took
    effect (30.10.2022) and nothing in the future; at least one CIS holds its five-year status."""
    today = date.today()
    for status in region.statuses:
        decided = [status.decision_date, *(on for _, on, number, _ in status.transitions if number)]
        for day in (d for d in decided if d is not None):
            assert day.weekday() < 5 and day not in public_holidays(day.year), (status.ref, day)
            assert day <= today, (status.ref, day)
        if status.status_type == "ps":
            assert status.decision_date is None or status.decision_date >= PS_ACT_IN_FORCE, status
    in_force = [
        s for s in region.statuses
        if s.status_type == "cis" and s.state == "active"
        and term_end(StatusType.CIS, s.decision_date) >= today
    ]  # fmt: skip
    assert in_force


def test_postal_codes_match_their_towns_and_powiat_offices_sit_in_powiat_seats(region):
    gminas = region_gminas("04")
    by_code = {g.code: g for g in gminas}
    for org in region.organisations:
        gmina = by_code[org.gmina_code]
        assert org.postal_code and int(org.postal_code[:2]) in POSTAL_PREFIXES["04"], org
        if gmina.name in POSTAL_CODES:
            assert org.postal_code == POSTAL_CODES[gmina.name], (org.name, gmina.name, org.postal_code)
    seats = {powiat_seat(p, gminas).code for p in {g.powiat_code for g in gminas}}
    for kind in (Kind.PCPR, Kind.PUP):
        assert {o.gmina_code for o in region.organisations if o.kind is kind} == seats, kind


def test_polish_place_names_decline_or_avoid_declension():
    assert locative("Toruń") == "Toruniu"
    assert locative("Włocławek") == "Włocławku"
    assert locative("Mogilno") == "Mogilnie"
    assert locative("Aleksandrów Kujawski") == "Aleksandrowie Kujawskim"
    assert locative("Białe Błota") is None
    lubicz = next(g for g in region_gminas("04") if g.code == "0415042")
    assert in_gmina(lubicz) == "Gminy Lubicz"
    assert voivode_of("kujawsko-pomorskie") == "Wojewoda Kujawsko-Pomorski"
    assert voivode_of("śląskie") == "Wojewoda Śląski"


def test_national_scale_covers_every_voivodeship():
    organisations = generate_organisations(country_gminas(), total=20_000, seed=2026)
    assert len(organisations) == 20_000
    assert {org.gmina_code[:2] for org in organisations} == {g.code[:2] for g in country_gminas()}
    assert 4 <= sum(org.is_owes for org in organisations) <= 12
