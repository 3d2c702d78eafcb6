"""The residents' page strings in Polish, English and Ukrainian, in one catalogue.

SES has no shared translation mechanism yet; keeping every string of the directory here means they
move to gettext catalogues in one step when it lands.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache

LANGS = ("pl", "en", "uk")
LANG_NAMES = {"pl": "Polski", "en": "English", "uk": "Українська"}

MESSAGES: dict[str, tuple[str, str, str]] = {
    "title": (
        "Usługi społeczne w Twojej gminie",
        "Social services where you live",
        "Соціальні послуги у вашій ґміні",
    ),
    "intro": (
        "Znajdź usługi społeczne dostępne dla mieszkańców Twojej gminy: opiekę, wsparcie rodziny, "
        "poradnictwo, "
        "pomoc w znalezieniu pracy, mieszkania i inne.",
        "Find the social services open to residents of your gmina (municipality): care, family support, "
        "counselling, help with finding work or housing, and more.",
        "Знайдіть соціальні послуги для мешканців вашої ґміни: догляд, підтримка сім'ї, консультування, "
        "допомога з працевлаштуванням, житлом тощо.",
    ),
    "language": ("Język", "Language", "Мова"),
    "place": (
        "Gdzie mieszkasz? Wpisz nazwę miejscowości lub gminy",
        "Where do you live? Type the name of your town or gmina",
        "Де ви живете? Введіть назву міста або ґміни",
    ),
    "place_hint": (
        "Polskie litery nie są wymagane, np. „Torun”, „Lodz”.",
        'Polish letters are optional, e.g. "Torun", "Lodz".',
        "Польські літери не обов'язкові, напр. «Torun», «Lodz».",
    ),
    "use_location": ("Użyj mojej lokalizacji", "Use my location", "Використати моє місцезнаходження"),
    "locating": ("Ustalanie lokalizacji…", "Finding your location…", "Визначення місцезнаходження…"),
    "location_denied": (
        "Nie udało się ustalić lokalizacji. Wpisz nazwę miejscowości.",
        "Your location could not be found. Please type the name of your town.",
        "Не вдалося визначити місцезнаходження. Введіть назву міста.",
    ),
    "category": ("Rodzaj usługi", "Kind of service", "Вид послуги"),
    "target_group": ("Dla kogo", "For whom", "Для кого"),
    "cost": ("Koszt", "Cost", "Вартість"),
    "language_of_service": ("Język usługi", "Language of the service", "Мова послуги"),
    "any": ("dowolny", "any", "будь-який"),
    "free": ("bezpłatna", "free", "безкоштовна"),
    "paid": ("odpłatna", "paid", "платна"),
    "search": ("Szukaj usług", "Search services", "Шукати послуги"),
    "filters": ("Zawęź wyniki", "Narrow the results", "Уточнити результати"),
    "choose_gmina": (
        "Którą gminę masz na myśli?",
        "Which gmina do you mean?",
        "Яку ґміну ви маєте на увазі?",
    ),
    "no_gmina": (
        "Nie znaleziono gminy ani miejscowości „{text}”. Sprawdź pisownię.",
        'No gmina or town called "{text}" was found. Please check the spelling.',
        "Ґміну або місто «{text}» не знайдено. Перевірте написання.",
    ),
    "unknown_gmina": (
        "Nie ma gminy o kodzie „{text}”. Wpisz nazwę miejscowości.",
        'There is no gmina with the code "{text}". Please type the name of your town.',
        "Ґміни з кодом «{text}» немає. Введіть назву міста.",
    ),
    "outside_poland": (
        "Podane współrzędne leżą poza Polską. Wpisz nazwę miejscowości.",
        "These coordinates are outside Poland. Please type the name of your town.",
        "Ці координати знаходяться за межами Польщі. Введіть назву міста.",
    ),
    "bad_coordinates": (
        "Niepoprawne współrzędne.",
        "The coordinates are not valid.",
        "Некоректні координати.",
    ),
    "bad_page": (
        "Nie ma takiej strony wyników.",
        "There is no such page of results.",
        "Такої сторінки результатів немає.",
    ),
    "too_long": (
        "Wpisany tekst jest za długi (najwyżej 100 znaków).",
        "The text is too long (at most 100 characters).",
        "Текст задовгий (не більше 100 символів).",
    ),
    "bad_filter": (
        "Nieznana wartość filtra „{text}”.",
        'Unknown filter value "{text}".',
        "Невідоме значення фільтра «{text}».",
    ),
    "results_for": (
        "Usługi dla mieszkańców: {gmina}",
        "Services for residents of {gmina}",
        "Послуги для мешканців: {gmina}",
    ),
    "results_count": (
        "Znaleziono {n} (usługa w miejscu). Najbliższe miejsca na początku.",
        "{n} found (a service at a place). Nearest places first.",
        "Знайдено {n} (послуга в місці). Найближчі місця спочатку.",
    ),
    "no_results": (
        "Nie znaleziono usług spełniających te warunki. Spróbuj usunąć filtry.",
        "No services match. Try removing some filters.",
        "Послуг не знайдено. Спробуйте прибрати фільтри.",
    ),
    "col_no": ("Nr", "No.", "№"),
    "col_service": ("Usługa", "Service", "Послуга"),
    "col_provider": ("Kto prowadzi", "Provided by", "Надавач"),
    "col_place": ("Miejsce", "Place", "Місце"),
    "col_distance": ("Odległość", "Distance", "Відстань"),
    "col_contact": ("Kontakt i godziny", "Contact and hours", "Контакти та години"),
    "eligibility": ("Kto może skorzystać", "Who may use it", "Хто може скористатися"),
    "accessibility": ("Dostępność miejsca", "Accessibility of the place", "Доступність місця"),
    "languages": ("Języki", "Languages", "Мови"),
    "confirmed": (
        "Dane potwierdzone: {date}",
        "Information confirmed: {date}",
        "Інформацію підтверджено: {date}",
    ),
    "stale": (
        "Uwaga: dane niepotwierdzone od ponad 6 miesięcy — zadzwoń przed wizytą.",
        "Note: not confirmed for over 6 months — call before you go.",
        "Увага: дані не підтверджувалися понад 6 місяців — зателефонуйте перед візитом.",
    ),
    "unconfirmed": (
        "Uwaga: dane nigdy nie zostały potwierdzone.",
        "Note: this information was never confirmed.",
        "Увага: ці дані ніколи не підтверджувалися.",
    ),
    "map": (
        "Mapa: granice gmin powiatu i miejsca usług (numery jak w tabeli)",
        "Map: gmina boundaries of the powiat and places of the services (numbers as in the table)",
        "Карта: межі ґмін повіту та місця послуг (номери як у таблиці)",
    ),
    "map_home": ("Twoja lokalizacja", "Your location", "Ваше місцезнаходження"),
    "previous": ("Poprzednia strona", "Previous page", "Попередня сторінка"),
    "next": ("Następna strona", "Next page", "Наступна сторінка"),
    "page_of": ("Strona {page} z {pages}", "Page {page} of {pages}", "Сторінка {page} з {pages}"),
    "open_data": (
        "Dane otwarte (Open Referral HSDS 3.0): API, paczka danych CSV, JSON, licencja CC BY 4.0",
        "Open data (Open Referral HSDS 3.0): API, CSV data package, JSON, licence CC BY 4.0",
        "Відкриті дані (Open Referral HSDS 3.0): API, пакет даних CSV, JSON, ліцензія CC BY 4.0",
    ),
    "km": ("{km} km", "{km} km", "{km} км"),
    "phone": ("tel.", "phone", "тел."),
    "hours": ("Godziny", "Hours", "Години"),
    "gmina_kind": ("gmina", "gmina", "ґміна"),
    "powiat": ("powiat", "powiat (county)", "повіт"),
    "gmina_type_1": ("gmina miejska", "urban gmina", "міська ґміна"),
    "gmina_type_2": ("gmina wiejska", "rural gmina", "сільська ґміна"),
    "gmina_type_3": ("gmina miejsko-wiejska", "urban-rural gmina", "місько-сільська ґміна"),
    "error_title": ("Popraw wyszukiwanie", "Please correct the search", "Виправте пошук"),
}


def pick(lang: str | None) -> str:
    return lang if lang in LANGS else "pl"


@cache
def labels(lang: str) -> dict[str, str]:
    """Every message without placeholders in one language (templates read them as `L.key`)."""
    index = LANGS.index(pick(lang))
    return {key: texts[index] for key, texts in MESSAGES.items()}


def translator(lang: str) -> Callable[..., str]:
    index = LANGS.index(pick(lang))

    def t(key: str, **values: object) -> str:
        text = MESSAGES[key][index]
        return text.format(**values) if values else text

    return t
