"""KRS, NIP and REGON as a register clerk types them: separators, a "PL" prefix, short KRS numbers."""

from __future__ import annotations

import pytest

from ses.register.identifiers import (
    IDENTIFIERS,
    krs_problem,
    nip_problem,
    normalise_krs,
    normalise_nip,
    normalise_regon,
    regon_problem,
)

NIP_10 = "NIP ma 10 cyfr."
NIP_CHECK = "NIP ma błędną cyfrę kontrolną."
REGON_LENGTH = "REGON ma 9 lub 14 cyfr."
REGON_CHECK = "REGON ma błędną cyfrę kontrolną."
KRS_10 = "Numer KRS ma 10 cyfr."


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("5261040828", "5261040828"),
        ("526-104-08-28", "5261040828"),
        ("526 10 40 828", "5261040828"),
        ("  526.104.08.28 ", "5261040828"),
        ("PL5261040828", "5261040828"),
        ("pl 526-104-08-28", "5261040828"),
        ("PL 725-18-01-126", "7251801126"),
    ],
)
def test_a_nip_is_stored_as_ten_digits_whatever_its_separators_or_pl_prefix(typed, stored):
    assert normalise_nip(typed) == stored
    assert nip_problem(normalise_nip(typed)) is None


def test_a_nip_keeps_letters_that_are_not_a_pl_prefix_so_it_is_refused():
    assert normalise_nip("DE5261040828") == "DE5261040828"
    assert nip_problem(normalise_nip("DE5261040828")) == NIP_10


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("5261040828", None),
        ("1132853869", None),
        ("9562307984", None),
        ("5261040829", NIP_CHECK),
        ("7251801127", NIP_CHECK),
        ("526104082", NIP_10),
        ("52610408280", NIP_10),
        ("52610408AB", NIP_10),
        ("", NIP_10),
        ("５２６１０４０８２８", NIP_10),  # full-width digits pasted from a PDF
    ],
)
def test_a_nip_has_ten_digits_and_a_right_check_digit(value, problem):
    assert nip_problem(value) == problem


@pytest.mark.parametrize(
    ("typed", "stored"),
    [("871118833", "871118833"), ("871-118-833", "871118833"), (" 87111883300010 ", "87111883300010")],
)
def test_a_regon_is_stored_without_separators(typed, stored):
    assert normalise_regon(typed) == stored


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("871118833", None),  # 9 digits: the organisation
        ("012100784", None),
        ("87111883300010", None),  # 14 digits: a local unit of 871118833
        ("12345678512347", None),
        ("871118834", REGON_CHECK),
        ("87111883300011", REGON_CHECK),  # last check digit wrong
        ("87111883400016", REGON_CHECK),  # its last digit fits, but the 9-digit part is not a REGON
        ("8711188330", REGON_LENGTH),
        ("87111883", REGON_LENGTH),
        ("8711188330001", REGON_LENGTH),
        ("871118833000100", REGON_LENGTH),
        ("87111883A", REGON_LENGTH),
        ("８７１１１８８３３", REGON_LENGTH),
    ],
)
def test_a_regon_has_9_or_14_digits_and_right_check_digits(value, problem):
    assert regon_problem(value) == problem


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("0000030897", "0000030897"),
        ("30897", "0000030897"),
        ("30 897", "0000030897"),
        ("000-003-08-97", "0000030897"),
        ("123456789", "0123456789"),
        ("KRS 30897", "KRS30897"),
        ("12a", "12a"),
    ],
)
def test_a_krs_number_written_without_leading_zeros_gets_them_back(typed, stored):
    assert normalise_krs(typed) == stored


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("0000030897", None),
        ("0000000001", None),
        ("000003089", KRS_10),
        ("00000308970", KRS_10),
        ("KRS0030897", KRS_10),
        ("０００００３０８９７", KRS_10),
        ("0000000000", "Numer KRS nie może składać się z samych zer."),
    ],
)
def test_a_krs_number_has_ten_digits_and_is_not_all_zeros(value, problem):
    assert krs_problem(value) == problem


def test_each_identifier_is_normalised_and_checked_by_its_own_rules():
    assert set(IDENTIFIERS) == {"krs", "nip", "regon"}
    normalise, problem = IDENTIFIERS["nip"]
    assert problem(normalise("PL 526-104-08-28")) is None
    normalise, problem = IDENTIFIERS["regon"]
    assert problem(normalise("871-118-833-00010")) is None
    normalise, problem = IDENTIFIERS["krs"]
    assert problem(normalise("30897")) is None
