"""The directory's fixed vocabularies and the taxonomy shipped with it (labels in pl, en, uk)."""

from __future__ import annotations

from enum import StrEnum


class Cost(StrEnum):
    FREE = "free"
    PAID = "paid"


class ServiceStatus(StrEnum):
    ACTIVE = "active"
    INACTIVE = "inactive"


LANGUAGES: dict[str, tuple[str, str, str]] = {
    "pl": ("polski", "Polish", "польська"),
    "uk": ("ukraiński", "Ukrainian", "українська"),
    "en": ("angielski", "English", "англійська"),
    "de": ("niemiecki", "German", "німецька"),
    "ru": ("rosyjski", "Russian", "російська"),
    "be": ("białoruski", "Belarusian", "білоруська"),
    "pso": ("polski język migowy", "Polish Sign Language", "польська жестова мова"),
}
"""ISO 639 codes of the languages a service may be given in."""

CONFIRMATION_MAX_AGE_DAYS = 180
"""An entry not confirmed for this long is shown as stale, and its organisation is asked to confirm."""
REMINDER_INTERVAL_DAYS = 30

# (code, parent code, pl, en, uk): the social services of the Act on community service centres
# (ustawa z 19 lipca 2019 r. o realizowaniu usług społecznych przez centrum usług społecznych, art. 2),
# with the kinds of help residents look for most under them.
CATEGORIES: tuple[tuple[str, str | None, str, str, str], ...] = (
    ("polityka_prorodzinna", None, "Polityka prorodzinna", "Family policy", "Сімейна політика"),
    ("wspieranie_rodziny", None, "Wspieranie rodziny", "Family support", "Підтримка сім'ї"),
    ("piecza_zastepcza", None, "Piecza zastępcza", "Foster care", "Прийомна опіка"),
    ("pomoc_spoleczna", None, "Pomoc społeczna", "Social assistance", "Соціальна допомога"),
    ("uslugi_opiekuncze", "pomoc_spoleczna", "Usługi opiekuńcze", "Care services", "Послуги догляду"),
    ("poradnictwo", "pomoc_spoleczna", "Poradnictwo", "Counselling", "Консультування"),
    (
        "ochrona_zdrowia",
        None,
        "Promocja i ochrona zdrowia",
        "Health promotion and protection",
        "Зміцнення та охорона здоров'я",
    ),
    (
        "niepelnosprawnosc",
        None,
        "Wspieranie osób niepełnosprawnych",
        "Support for persons with disabilities",
        "Підтримка осіб з інвалідністю",
    ),
    ("edukacja", None, "Edukacja", "Education", "Освіта"),
    (
        "zatrudnienie",
        None,
        "Przeciwdziałanie bezrobociu i zatrudnienie",
        "Employment and unemployment",
        "Зайнятість і протидія безробіттю",
    ),
    (
        "reintegracja",
        None,
        "Reintegracja społeczna i zawodowa",
        "Social and vocational reintegration",
        "Соціальна та професійна реінтеграція",
    ),
    ("kultura", None, "Kultura", "Culture", "Культура"),
    ("sport", None, "Sport", "Sport", "Спорт"),
    ("aktywnosc_obywatelska", None, "Aktywność obywatelska", "Civic engagement", "Громадська активність"),
    ("mieszkalnictwo", None, "Mieszkalnictwo", "Housing", "Житло"),
    ("ochrona_srodowiska", None, "Ochrona środowiska", "Environmental protection", "Охорона довкілля"),
)

TARGET_GROUPS: tuple[tuple[str, str, str, str], ...] = (
    ("wszyscy", "Wszyscy mieszkańcy", "All residents", "Усі мешканці"),
    ("seniorzy", "Seniorzy", "Older people", "Люди похилого віку"),
    ("niepelnosprawni", "Osoby z niepełnosprawnościami", "Persons with disabilities", "Особи з інвалідністю"),
    ("rodziny", "Rodziny z dziećmi", "Families with children", "Сім'ї з дітьми"),
    ("mlodziez", "Dzieci i młodzież", "Children and young people", "Діти та молодь"),
    ("bezrobotni", "Osoby bezrobotne", "Unemployed people", "Безробітні"),
    ("bezdomni", "Osoby w kryzysie bezdomności", "People experiencing homelessness", "Бездомні особи"),
    ("uzaleznieni", "Osoby z uzależnieniami", "People with addictions", "Особи із залежностями"),
    ("cudzoziemcy", "Cudzoziemcy i uchodźcy", "Foreigners and refugees", "Іноземці та біженці"),
    ("opiekunowie", "Opiekunowie osób zależnych", "Carers of dependent people", "Опікуни залежних осіб"),
    ("przemoc", "Osoby doznające przemocy", "People experiencing violence", "Особи, які зазнають насильства"),
    (
        "zdrowie_psychiczne",
        "Osoby w kryzysie psychicznym",
        "People in mental health crisis",
        "Особи в психічній кризі",
    ),
)
