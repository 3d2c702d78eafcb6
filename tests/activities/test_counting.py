"""The project's indicator counts from participation rows (pure): each subject counted once, in its
first year, and once in every year it took part."""

from ses.activities.indicators import count_participations


def test_each_subject_counts_once_in_its_first_year_and_once_per_year_it_took_part():
    # year, person, from an institution, qualified, who (organisation or institution|gmina), gmina
    rows = [
        ("2024", 1, 1, 0, "10", "0401011"),
        ("2024", 1, 1, 1, "10", "0401011"),  # the same person again in 2024: still one
        ("2024", 2, 0, 0, "OPS Toruń|0463011", None),
        ("2025", 1, 1, 0, "10", "0402011"),  # the person reached in 2024 is not new in 2025
        ("2025", 3, 1, 1, "11", "0401021"),
        ("2025", None, 1, 0, None, None),  # an erased person: one subject at first, none in a year
    ]
    first, in_year = count_participations(rows)
    assert first["people_supported"] == {"2024": 1, "2025": 2}
    assert in_year["people_supported"] == {"2024": 1, "2025": 2}
    assert first["people_qualified"] == {"2024": 1, "2025": 1}
    assert first["institutions_supported"] == {"2024": 2, "2025": 2}
    assert in_year["institutions_supported"] == {"2024": 2, "2025": 2}
    assert first["gmina_coverage_es"] == {"2024": 1, "2025": 2}
    assert first["powiat_coverage_es"] == {"2024": 1, "2025": 1}


def test_rows_without_a_year_are_left_out():
    first, in_year = count_participations([(None, 1, 1, 1, "10", "0401011")])
    assert all(not counts for counts in first.values())
    assert all(not counts for counts in in_year.values())
