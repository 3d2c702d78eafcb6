"""KRS, NIP and REGON: normalisation and validation (pure). None of them is mandatory."""

from __future__ import annotations

import re

from stdnum.pl import nip as stdnum_nip
from stdnum.pl import regon as stdnum_regon

_SEPARATORS = re.compile(r"[\s\-.]")


def _digits(value: str) -> str:
    return _SEPARATORS.sub("", value.strip())


def normalise_nip(value: str) -> str:
    cleaned = _digits(value).upper()
    return cleaned[2:] if cleaned.startswith("PL") else cleaned


def _is_digits(value: str) -> bool:
    return value.isascii() and value.isdigit()


# The format is checked here already, so python-stdnum is asked only for the check digit
# (its is_valid() cleans the string again, a third of the cost of validating an import row).
def nip_problem(value: str) -> str | None:
    if not _is_digits(value) or len(value) != 10:
        return "NIP ma 10 cyfr."
    if stdnum_nip.checksum(value) != 0:
        return "NIP ma błędną cyfrę kontrolną."
    return None


def normalise_regon(value: str) -> str:
    return _digits(value)


def regon_problem(value: str) -> str | None:
    if not _is_digits(value) or len(value) not in (9, 14):
        return "REGON ma 9 lub 14 cyfr."
    if value[-1] != stdnum_regon.calc_check_digit(value[:-1]) or (
        len(value) == 14 and value[8] != stdnum_regon.calc_check_digit(value[:8])
    ):
        return "REGON ma błędną cyfrę kontrolną."
    return None


def normalise_krs(value: str) -> str:
    cleaned = _digits(value)
    # KRS numbers are often written without leading zeros ("30897" for 0000030897).
    return cleaned.zfill(10) if cleaned.isdigit() and len(cleaned) < 10 else cleaned


def krs_problem(value: str) -> str | None:
    if not _is_digits(value) or len(value) != 10:
        return "Numer KRS ma 10 cyfr."
    if value == "0" * 10:
        return "Numer KRS nie może składać się z samych zer."
    return None


IDENTIFIERS = {
    "krs": (normalise_krs, krs_problem),
    "nip": (normalise_nip, nip_problem),
    "regon": (normalise_regon, regon_problem),
}
