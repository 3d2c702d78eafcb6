"""Whole numbers on pages are formatted without Babel's pattern machinery (the register page formats
~50 facet counts per request), and must read exactly as Babel writes them in every language."""

from __future__ import annotations

import random

from babel.numbers import format_decimal

from ses.web.i18n import LANGUAGES, _current, fmt_number


def test_whole_numbers_read_as_babel_writes_them_in_every_language():
    rng = random.Random(15)
    values = [0, 7, 999, 1000, 1234, 9999, 10000, 12345, 100000, 1234567, -5, -1234, -12345]
    values += [rng.randint(-(10**12), 10**12) for _ in range(2000)]
    for language in LANGUAGES:
        token = _current.set(language)
        try:
            for value in values:
                assert fmt_number(value) == format_decimal(value, locale=language), (language, value)
        finally:
            _current.reset(token)


def test_polish_groups_thousands_with_a_no_break_space():
    assert fmt_number(12345) == "12\xa0345"
    assert fmt_number(12345.5) == "12\xa0345,5"
