"""Invented Polish names for demo people (committee members, participants): common first names and
surnames, generated deterministically. No real person is named."""

from __future__ import annotations

import random

FIRST_F = (
    "Anna",
    "Maria",
    "Katarzyna",
    "Małgorzata",
    "Agnieszka",
    "Barbara",
    "Ewa",
    "Magdalena",
    "Joanna",
    "Monika",
    "Beata",
    "Dorota",
    "Elżbieta",
    "Aleksandra",
    "Justyna",
    "Iwona",
)
FIRST_M = (
    "Piotr",
    "Krzysztof",
    "Tomasz",
    "Andrzej",
    "Paweł",
    "Michał",
    "Marcin",
    "Jan",
    "Grzegorz",
    "Łukasz",
    "Adam",
    "Marek",
    "Wojciech",
    "Rafał",
    "Jacek",
    "Dariusz",
)
SURNAMES = (
    ("Nowak", "Nowak"),
    ("Kowalski", "Kowalska"),
    ("Wiśniewski", "Wiśniewska"),
    ("Wójcik", "Wójcik"),
    ("Kowalczyk", "Kowalczyk"),
    ("Kamiński", "Kamińska"),
    ("Lewandowski", "Lewandowska"),
    ("Zieliński", "Zielińska"),
    ("Szymański", "Szymańska"),
    ("Woźniak", "Woźniak"),
    ("Dąbrowski", "Dąbrowska"),
    ("Kozłowski", "Kozłowska"),
    ("Jankowski", "Jankowska"),
    ("Mazur", "Mazur"),
    ("Kwiatkowski", "Kwiatkowska"),
    ("Krawczyk", "Krawczyk"),
    ("Piotrowski", "Piotrowska"),
    ("Grabowski", "Grabowska"),
    ("Pawłowski", "Pawłowska"),
    ("Michalski", "Michalska"),
    ("Król", "Król"),
    ("Wieczorek", "Wieczorek"),
    ("Jabłoński", "Jabłońska"),
    ("Wróbel", "Wróbel"),
)

ASCII = str.maketrans("ąćęłńóśźżĄĆĘŁŃÓŚŹŻ", "acelnoszzACELNOSZZ")


def person(rng: random.Random) -> tuple[str, str]:
    """(full name, e-mail on the reserved .example domain)."""
    female = rng.random() < 0.7  # social-policy staff are mostly women
    first = rng.choice(FIRST_F if female else FIRST_M)
    surname = rng.choice(SURNAMES)[1 if female else 0]
    number = rng.randrange(1, 999)
    email = f"{first}.{surname}{number}@demo-ses.example".lower().translate(ASCII)
    return f"{first} {surname}", email
