"""What the register accepts as an organisation record, and what it says when it does not (pure:
the same function checks a form, an API call and every row of an import)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from ses.register.validation import clean_organisation, control_character_problems

TODAY = date(2026, 3, 16)
GMINY = {"0463011", "1465011", "0264011"}  # Toruń, Warszawa, Wrocław


def check(
    data: dict[str, Any], current: dict[str, Any] | None = None
) -> tuple[dict[str, Any], dict[str, str]]:
    out, errors = clean_organisation(data, gmina_exists=GMINY.__contains__, today=TODAY, current=current)
    messages: dict[str, str] = {}
    for error in errors:
        assert error.field not in messages, f"two problems with {error.field}"
        messages[error.field] = error.message
    return out, messages


def association(**fields: Any) -> dict[str, Any]:
    return {
        "name": "Stowarzyszenie Na Rzecz Osób Bezrobotnych",
        "kind": "association",
        "gmina_code": "0463011",
        **fields,
    }


def test_a_complete_association_is_accepted_and_its_derived_columns_filled():
    out, problems = check(
        association(
            nip="PL 526-104-08-28",
            regon="871-118-833",
            krs="30897",
            locality=" Toruń ",
            street="ul.  Szeroka 12",
            postal_code="87-100",
            email="biuro@stowarzyszenie-torun.pl",
            website="https://stowarzyszenie-torun.pl",
            phone="56 622 10 10",
            registered_on=date(2004, 6, 1),
            is_owes=True,
        )
    )
    assert problems == {}
    assert out == {
        "name": "Stowarzyszenie Na Rzecz Osób Bezrobotnych",
        "name_search": "stowarzyszenie na rzecz osob bezrobotnych",
        "kind": "association",
        "pes_letter": "e",
        "legal_form": "stowarzyszenie",
        "activity_state": "active",
        "gmina_code": "0463011",
        "powiat_code": "0463",
        "voivodeship_code": "04",
        "nip": "5261040828",
        "regon": "871118833",
        "krs": "0000030897",
        "locality": "Toruń",
        "street": "ul. Szeroka 12",
        "postal_code": "87-100",
        "email": "biuro@stowarzyszenie-torun.pl",
        "website": "https://stowarzyszenie-torun.pl",
        "phone": "56 622 10 10",
        "registered_on": date(2004, 6, 1),
        "is_owes": True,
    }


@pytest.mark.parametrize("name", ["", "A", "   ", None])
def test_a_name_has_at_least_two_characters(name):
    _, problems = check(association(name=name))
    assert problems == {"name": "Nazwa jest wymagana (co najmniej 2 znaki)."}


def test_a_two_letter_name_is_enough():
    out, problems = check(association(name=" Ja "))
    assert problems == {} and out["name"] == "Ja"


def test_spaces_in_a_name_are_collapsed():
    out, problems = check(association(name="  Fundacja   Dobrej\tRoboty "))
    assert problems == {}
    assert out["name"] == "Fundacja Dobrej Roboty"
    assert out["name_search"] == "fundacja dobrej roboty"


def test_an_unknown_kind_is_refused_naming_the_allowed_ones():
    out, problems = check(association(kind="ngo"))
    assert set(problems) == {"kind"}
    assert problems["kind"].startswith("Nieznany rodzaj podmiotu „ngo”. Dozwolone: social_cooperative, wtz,")
    assert "kind" not in out and "legal_form" not in out


@pytest.mark.parametrize(
    ("kind", "letter", "form"),
    [
        ("social_cooperative", "a", "spoldzielnia"),
        ("foundation", "e", "fundacja"),
        ("nonprofit_company", "f", "spolka_zoo"),
        ("business", None, "spolka_zoo"),
        ("ops", None, "jednostka_publiczna"),
    ],
)
def test_kind_gives_the_pes_letter_and_the_usual_legal_form(kind, letter, form):
    out, problems = check(association(kind=kind))
    assert problems == {}
    assert (out["kind"], out["pes_letter"], out["legal_form"]) == (kind, letter, form)


def test_a_legal_form_given_is_kept_or_refused_when_unknown():
    out, problems = check(association(kind="other_ngo", legal_form="fundacja"))
    assert problems == {} and out["legal_form"] == "fundacja"
    out, problems = check(association(legal_form="spolka_cywilna"))
    assert set(problems) == {"legal_form"}
    assert problems["legal_form"].startswith("Nieznany forma prawna „spolka_cywilna”.")
    assert "legal_form" not in out
    out, problems = check(association(legal_form=None))
    assert problems == {} and out["legal_form"] == "stowarzyszenie"


def test_a_change_of_some_fields_does_not_reset_the_others():
    current = {
        "name": "Fundacja Dobrej Roboty",
        "kind": "foundation",
        "legal_form": "fundacja",
        "activity_state": "suspended",
    }
    out, problems = check({"email": "kontakt@fundacja.org.pl"}, current=current)
    assert problems == {}
    assert out == {"email": "kontakt@fundacja.org.pl"}


@pytest.mark.parametrize(
    ("fields", "field", "form_label"),
    [
        ({"legal_form": "zwiazek_zawodowy"}, "legal_form", "Związek zawodowy"),
        ({"legal_form": "partia_polityczna"}, "legal_form", "Partia polityczna"),
        ({"name": "NSZZ Solidarność Region Toruński"}, "name", "Związek zawodowy"),
        ({"name": "Związek Pracodawców Ziemi Chełmińskiej"}, "name", "Organizacja pracodawców"),
        ({"name": "Okręgowa Izba Radców Prawnych w Toruniu"}, "name", "Samorząd zawodowy"),
    ],
)
def test_unions_parties_and_chambers_are_not_letter_e_organisations(fields, field, form_label):
    _, problems = check(association(**fields))
    assert set(problems) == {field}
    assert problems[field].startswith(
        f"{form_label} nie jest podmiotem ekonomii społecznej (art. 2 pkt 5 lit. e"
    )


def test_a_name_that_only_contains_such_words_is_an_ordinary_association():
    _, problems = check(association(name="Stowarzyszenie Przyjaciół Związku Zawodowego Górników"))
    assert problems == {}
    _, problems = check(association(name="Partia Szachowa Klub Sportowy", kind="business"))
    assert problems == {}  # not a PES of letter e at all: nothing to refuse


def test_the_refusal_of_an_excluded_body_says_how_to_enter_it():
    _, problems = check(association(name="NSZZ"))
    assert problems == {
        "name": "Związek zawodowy nie jest podmiotem ekonomii społecznej (art. 2 pkt 5 lit. e ustawy o "
        "ekonomii społecznej wyłącza związki zawodowe, organizacje pracodawców, partie polityczne, "
        "samorządy zawodowe i fundacje partii): można go wpisać jako inny podmiot (other), nie jako "
        "organizację pozarządową."
    }


def test_an_excluded_body_is_recognised_on_an_update_by_its_stored_legal_form():
    current = {
        "name": "Ogólnopolskie Porozumienie Pracowników",
        "kind": "business",
        "legal_form": "zwiazek_zawodowy",
    }
    _, problems = check({"kind": "association"}, current=current)
    assert set(problems) == {"legal_form"}
    _, problems = check({"kind": "association", "legal_form": "stowarzyszenie"}, current=current)
    assert problems == {}


def test_an_excluded_body_is_recognised_on_an_update_by_its_stored_name():
    current = {"name": "NSZZ Solidarność Region Toruński", "kind": "business"}
    _, problems = check({"kind": "association"}, current=current)
    assert set(problems) == {"name"}


@pytest.mark.parametrize("state", ["registered", "existing", "active", "suspended", "in_liquidation"])
def test_the_activity_state_may_be_set(state):
    out, problems = check(association(activity_state=state))
    assert problems == {} and out["activity_state"] == state


def test_retiring_needs_its_own_operation_and_unknown_states_are_refused():
    _, problems = check(association(activity_state="retired"))
    assert problems == {"activity_state": "Do wycofania z rejestru służy operacja „retire” z powodem."}
    out, problems = check({"activity_state": "retired"}, current={"activity_state": "retired"})
    assert problems == {} and out == {"activity_state": "retired"}
    _, problems = check(association(activity_state="closed"))
    assert problems["activity_state"].startswith("Nieznany stan aktywności „closed”.")
    _, problems = check(association(activity_state=None))
    assert problems["activity_state"].startswith("Nieznany stan aktywności „”.")


@pytest.mark.parametrize("code", ["046301", "04630111", "04-6301", "", None, "O463011"])
def test_a_gmina_code_has_seven_digits(code):
    out, problems = check(association(gmina_code=code))
    assert problems == {"gmina_code": "Kod gminy TERYT (TERC) ma 7 cyfr, np. 0463011."}
    assert "gmina_code" not in out


def test_a_gmina_code_must_exist_and_gives_its_powiat_and_voivodeship():
    _, problems = check(association(gmina_code="0463099"))
    assert problems == {"gmina_code": "Nie ma gminy o kodzie TERYT 0463099."}
    out, problems = check(association(gmina_code=" 1465011 "))
    assert problems == {}
    assert (out["gmina_code"], out["powiat_code"], out["voivodeship_code"]) == ("1465011", "1465", "14")


def test_a_wrong_identifier_is_named_with_what_was_typed():
    out, problems = check(association(nip="526-104-08-29", regon="87111883400016", krs="0000000000"))
    assert problems == {
        "nip": "NIP ma błędną cyfrę kontrolną. Podano: „526-104-08-29”.",
        "regon": "REGON ma błędną cyfrę kontrolną. Podano: „87111883400016”.",
        "krs": "Numer KRS nie może składać się z samych zer. Podano: „0000000000”.",
    }
    assert out["nip"] == "5261040829"


@pytest.mark.parametrize("empty", ["", "  ", None])
def test_an_empty_identifier_clears_it(empty):
    out, problems = check(association(nip=empty, regon=empty, krs=empty))
    assert problems == {}
    assert (out["nip"], out["regon"], out["krs"]) == (None, None, None)


def test_identifiers_not_given_are_left_alone():
    out, _ = check(association())
    assert "nip" not in out and "regon" not in out and "krs" not in out


@pytest.mark.parametrize("code", ["87100", "87-1000", "8-7100", "87 100", "ab-cde"])
def test_a_postal_code_is_written_00_000(code):
    _, problems = check(association(postal_code=code))
    assert problems == {"postal_code": "Kod pocztowy ma postać 00-000."}


@pytest.mark.parametrize(
    "email",
    ["biuro(at)fundacja.pl", "biuro@fundacja", "@fundacja.pl", "biuro@@fundacja.pl", "biuro fundacji@wp.pl"],
)
def test_an_e_mail_address_must_look_like_one(email):
    _, problems = check(association(email=email))
    assert problems == {"email": "Niepoprawny adres e-mail."}


def test_empty_contact_fields_are_stored_as_nothing():
    out, problems = check(association(postal_code="", email=None, street="   ", phone=""))
    assert problems == {}
    assert (out["postal_code"], out["email"], out["street"], out["phone"]) == (None, None, None, None)


def test_a_registration_date_cannot_be_in_the_future():
    _, problems = check(association(registered_on=date(2026, 3, 17)))
    assert problems == {"registered_on": "Data rejestracji nie może być z przyszłości."}
    out, problems = check(association(registered_on=TODAY))
    assert problems == {} and out["registered_on"] == TODAY
    out, problems = check(association(registered_on=None))
    assert problems == {} and out["registered_on"] is None


@pytest.mark.parametrize(
    ("kind", "founder", "allowed"),
    [
        ("association", None, True),
        ("social_cooperative", None, True),
        ("cis", 12, False),
        ("wtz", 12, False),
        ("business", None, False),
        ("ops", None, False),
    ],
)
def test_only_a_pes_of_letter_a_d_e_or_f_may_be_an_owes(kind, founder, allowed):
    out, problems = check(association(kind=kind, founder_id=founder, is_owes=True))
    if allowed:
        assert problems == {} and out["is_owes"] is True
    else:
        assert problems == {
            "is_owes": "Akredytację OWES może mieć tylko PES z art. 2 pkt 5 lit. a, d, e lub f."
        }


def test_not_being_an_owes_is_always_allowed():
    out, problems = check(association(kind="business", is_owes=False))
    assert problems == {} and out["is_owes"] is False
    out, problems = check(association(is_owes=None))
    assert problems == {} and "is_owes" not in out
    out, problems = check(association(is_owes=1))
    assert problems == {} and out["is_owes"] is True


@pytest.mark.parametrize("kind", ["cis", "kis", "zaz", "wtz"])
def test_a_reintegration_unit_names_the_organisation_that_runs_it(kind):
    _, problems = check(association(name=f"{kind.upper()} w Toruniu", kind=kind))
    assert problems == {
        "founder_id": f"{kind.upper()} nie ma osobowości prawnej: wskaż podmiot, który go prowadzi."
    }
    out, problems = check(association(name=f"{kind.upper()} w Toruniu", kind=kind, founder_id=41))
    assert problems == {} and out["founder"] == 41


def test_a_unit_already_linked_to_its_founder_keeps_it_on_a_change():
    out, problems = check({"name": "CIS w Toruniu – filia"}, current={"kind": "cis", "founder": 41})
    assert problems == {}
    _, problems = check({"name": "CIS w Toruniu – filia"}, current={"kind": "cis", "founder_id": 41})
    assert problems == {}
    _, problems = check({"founder_id": None}, current={"kind": "cis", "founder": 41})
    assert set(problems) == {"founder_id"}


def test_only_a_reintegration_unit_has_a_founder():
    _, problems = check(association(founder_id=41))
    assert problems == {"founder_id": "Podmiot prowadzący wskazuje się tylko dla CIS, KIS, ZAZ i WTZ."}
    _, problems = check(association(founder_id=None))
    assert problems == {}


def test_control_characters_pasted_into_a_field_are_refused():
    problems = control_character_problems(
        {
            "name": "Fundacja\x07 Dobrej Roboty",
            "street": "ul. Szeroka 12\x1b",
            "email": "ok@fundacja.pl",
            "kind": 3,
        }
    )
    assert [(p.field, p.message) for p in problems] == [
        (
            "name",
            "Pole zawiera niedozwolony znak sterujący (U+0007), zwykle wklejony z innego programu: usuń go.",
        ),
        (
            "street",
            "Pole zawiera niedozwolony znak sterujący (U+001B), zwykle wklejony z innego programu: usuń go.",
        ),
    ]
    _, errors = clean_organisation(
        association(nip="526\x00-104-08-28"), gmina_exists=GMINY.__contains__, today=TODAY
    )
    assert [e.field for e in errors] == ["nip", "nip"] and "U+0000" in errors[0].message
    assert control_character_problems({"name": "Fundacja\tDobrej\nRoboty"}) == []
