"""The KRS parser over the recorded answers (pure: no database, no network)."""

from __future__ import annotations

import json
from datetime import date

import pytest

from tests.scrapers.conftest import fixture


def test_a_foundation_in_register_s_maps_to_the_register_fields():
    from scrapers.krs import parse_extract

    extract = parse_extract(fixture("krs/current-S-0000030897-wosp.json"))
    assert extract.krs == "0000030897" and extract.register == "S"
    assert extract.name == "FUNDACJA WIELKA ORKIESTRA ŚWIĄTECZNEJ POMOCY"
    assert extract.legal_form == "fundacja" and extract.kind == "foundation"
    assert extract.nip == "5213003700" and extract.regon is None  # WOŚP has no REGON in KRS
    assert extract.opp is True
    assert "88.99.Z" in extract.pkd
    assert extract.street == "Dominikańska 19 C" and extract.postal_code == "02-738"
    assert extract.locality == "Warszawa" and extract.website == "www.wosp.org.pl"
    assert extract.registered_on == date(2001, 7, 25) and extract.as_of == date(2025, 11, 20)
    assert extract.in_liquidation is False


def test_a_company_in_register_p_gives_the_nine_digit_regon_and_its_pkd():
    from scrapers.krs import parse_extract

    extract = parse_extract(fixture("krs/current-P-0001268296.json"))
    assert extract.register == "P" and extract.legal_form == "spolka_zoo"
    assert extract.regon14 == "54577292400000" and extract.regon == "545772924"
    assert extract.opp is False
    assert extract.pkd[0] == "93.13.Z"
    assert extract.problems == []


def test_a_wrong_nip_check_digit_is_reported_not_proposed():
    from scrapers.krs import parse_extract

    payload = json.loads(fixture("krs/current-P-0001268296.json"))
    payload["odpis"]["dane"]["dzial1"]["danePodmiotu"]["identyfikatory"]["nip"] = "9452336419"
    extract = parse_extract(payload)
    assert extract.nip is None
    assert extract.problems == ["NIP 9452336419 z KRS pominięto: NIP ma błędną cyfrę kontrolną."]


def test_liquidation_section_marks_the_entity_in_liquidation():
    from scrapers.krs import parse_extract

    payload = json.loads(fixture("krs/current-P-0001268296.json"))
    payload["odpis"]["dane"]["dzial6"] = {"likwidacja": {"otwarcieLikwidacji": "TAK"}}
    assert parse_extract(payload).register_values()["activity_state"] == "in_liquidation"


def test_truncated_and_foreign_payloads_are_refused_with_a_reason():
    from scrapers.krs import MalformedPayload, parse_extract

    text = fixture("krs/current-S-0000030897-wosp.json")
    with pytest.raises(MalformedPayload, match="ucięta"):
        parse_extract(text[: len(text) // 2])
    with pytest.raises(MalformedPayload, match="budowy odpisu"):
        parse_extract(fixture("krs/not-found-404.json"))


def test_the_bulletin_loses_duplicates_and_gains_leading_zeros():
    from scrapers.krs import parse_bulletin

    raw = fixture("krs/biuletyn-godzinowy-2026-09-22-10-11.json")
    numbers = parse_bulletin(raw)
    assert numbers[0] == "0000005204"
    assert len(numbers) == len(set(json.loads(raw))) < len(json.loads(raw))
    assert all(len(n) == 10 for n in numbers)


@pytest.mark.parametrize(
    ("given", "message"),
    [
        ("12345678901", "do 10 cyfr"),
        ("00000", "samych zer"),
        ("KRS-1", "do 10 cyfr"),
        ("１２３", "do 10 cyfr"),
    ],
)
def test_a_number_that_cannot_be_a_krs_number_is_refused(given, message):
    from scrapers.krs import unique_numbers

    valid, refused = unique_numbers([given, "30897"])
    assert valid == ["0000030897"]
    assert message in refused[0]


def test_seat_names_in_capitals_resolve_to_teryt_and_the_rest_is_flagged():
    from scrapers.places import shipped_index

    index = shipped_index()
    assert index.resolve("MAŁOPOLSKIE", "KRAKÓW", "KRAKÓW", "KRAKÓW").gmina_code == "1261011"
    assert index.resolve("MAZOWIECKIE", "M. PŁOCK", "PŁOCK", "PŁOCK").gmina_code == "1462011"
    # Warsaw's old powiat and district as a 2001 entry still has them
    assert index.resolve("MAZOWIECKIE", "WARSZAWSKI", "WARSZAWA-CENTRUM", "WARSZAWA").gmina_code == "1465011"
    # one name, an urban and a rural gmina: the seat's locality decides
    assert index.resolve("KUJAWSKO-POMORSKIE", "BRODNICKI", "BRODNICA", "BRODNICA").gmina_code == "0402011"
    assert index.resolve("KUJAWSKO-POMORSKIE", "BRODNICKI", "BRODNICA", "SZABDA").gmina_code.endswith("2")
    unresolved = index.resolve("MAZOWIECKIE", "NIEISTNIEJĄCY", "GDZIEKOLWIEK", "X")
    assert unresolved.gmina_code is None and "NIEISTNIEJĄCY" in unresolved.problem
