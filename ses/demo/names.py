"""Polish naming material for generated organisations (pure data and grammar helpers).

Names follow the shapes found in KRS and the voivodes' registers ("Stowarzyszenie na rzecz
Rozwoju Gminy Lubicz", "Koło Gospodyń Wiejskich w Zalesiu", "Spółdzielnia Socjalna „Perspektywa”").
Polish place names decline; where a locative form ("w Toruniu") cannot be derived safely the
generator uses a phrase that needs none ("Gminy Lubicz", "Miasta Toruń").
"""

from __future__ import annotations

from ses.demo.regions import Gmina

MOTTOS = (
    "Nadzieja", "Razem", "Tęcza", "Promyk", "Przystań", "Horyzont", "Słoneczko", "Uśmiech", "Pomocna Dłoń",
    "Otwarte Serca", "Bliżej Siebie", "Krok po Kroku", "Nowa Droga", "Szansa", "Przyszłość", "Źródło",
    "Iskierka", "Wspólnota", "Most", "Kotwica", "Mozaika", "Zielony Zakątek", "Dobry Start", "Wrzos",
    "Jutrzenka", "Arka", "Latarnia", "Na Skrzydłach", "Sami Sobie", "Dom pod Lipami", "Drugi Brzeg",
    "Ku Słońcu", "Pod Wspólnym Dachem", "Azymut", "Kompas", "Sprawni Razem", "Wiatrak", "Bez Barier",
)  # fmt: skip
COOPERATIVE_NAMES = (
    "Perspektywa", "Razem Możemy", "Pod Lipami", "Smaki Regionu", "Zielona Dolina", "Czysty Świat",
    "Złota Rączka", "Dobre Ręce", "Gościniec", "Pracownia Marzeń", "Wspólny Cel", "Eko-Dom", "Smacznie",
    "Opiekun", "Ogrody Mazur", "Sprzątamy", "Zakątek", "Remonty i Usługi", "Na Fali", "Pralnia Pod Mostem",
    "Dobry Smak", "Kuchnia Babuni", "Zieleń Miejska", "Serwis Plus", "Pomocnik", "Wiklina",
)  # fmt: skip
WORK_COOPERATIVE_NAMES = (
    "Metalowiec", "Postęp", "Jedność", "Budowlani", "Usługi Komunalne", "Drukarnia", "Krawiec",
    "Piekarnia Wiejska", "Elektromet", "Przyszłość", "Zgoda", "Tkacz",
)  # fmt: skip
CLUB_NAMES = (
    "Orlik", "Sokół", "Jastrząb", "Start", "Zryw", "Błękitni", "Iskra", "Victoria", "Olimpia", "Sparta",
    "Lider", "Delfin", "Żak", "Grom", "Piast", "Unia", "Wisła", "Pogoń", "Tęcza", "Huragan",
)  # fmt: skip
PATRONS = (
    "św. Brata Alberta", "Jana Pawła II", "Mikołaja Kopernika", "Marii Konopnickiej", "Janusza Korczaka",
    "Ireny Sendlerowej", "ks. Jerzego Popiełuszki", "Fryderyka Chopina", "Marii Skłodowskiej-Curie",
    "św. Faustyny", "Heleny Modrzejewskiej", "Józefa Wybickiego",
)  # fmt: skip
FOUNDATION_AIMS = (
    "Rozwoju Przedsiębiorczości Społecznej", "Rozwoju Edukacji i Kultury", "Aktywności Lokalnej",
    "Ekonomii Społecznej", "Rozwoju Obszarów Wiejskich", "Sportu i Rekreacji", "Zdrowia Psychicznego",
    "Wspierania Rodziny", "Aktywizacji Zawodowej", "Dziedzictwa Kulturowego",
)  # fmt: skip
BENEFICIARIES = (
    "Osób Niepełnosprawnych", "Dzieci i Młodzieży", "Seniorów", "Osób Bezdomnych", "Rodzin Zastępczych",
    "Osób Chorych na Autyzm", "Osób Wykluczonych Społecznie", "Kobiet", "Bezrobotnych",
)  # fmt: skip
ASSOCIATION_AIMS = (
    "Pomocy Osobom Niepełnosprawnym", "Rodzin i Opiekunów Osób z Niepełnosprawnością", "Seniorów",
    "Wspierania Edukacji", "Kulturalne", "Ekologiczne", "Abstynenckie", "Twórców Ludowych",
    "Pomocy Dzieciom", "Amazonek", "Miłośników Historii", "Aktywnych Kobiet", "Młodzieżowe",
)  # fmt: skip
SAINTS = (
    "św. Jakuba Apostoła", "Wniebowzięcia NMP", "św. Mikołaja", "św. Józefa",
    "Najświętszego Serca Pana Jezusa", "św. Wojciecha", "Matki Bożej Częstochowskiej",
    "św. Stanisława Biskupa", "św. Maksymiliana Kolbego", "Podwyższenia Krzyża Świętego",
    "św. Jana Chrzciciela",
)  # fmt: skip
NONPROFIT_NAMES = (
    "Centrum Usług Społecznych", "Agencja Rozwoju Lokalnego", "Przedsiębiorstwo Społeczne „Razem”",
    "Klub Sportowy", "Centrum Kultury i Rekreacji", "Zakład Usług Opiekuńczych",
)  # fmt: skip
OTHER_NGO_NAMES = (
    "Uczniowski Klub Sportowy „{club}”", "Ludowy Zespół Sportowy „{club}”", "Klub Sportowy „{club}”",
    "Polskie Towarzystwo Turystyczno-Krajoznawcze Oddział {place}",
    "Polski Komitet Pomocy Społecznej Zarząd Rejonowy {place}", "Związek Harcerstwa Polskiego Hufiec {place}",
    "Uniwersytet Trzeciego Wieku {place}", "Klub Seniora „{motto}”", "Parafialny Zespół Caritas {place}",
)  # fmt: skip
# (nominative, locative) of frequent village names: KGW and OSP are named after villages.
VILLAGES = (
    ("Nowa Wieś", "Nowej Wsi"), ("Dąbrowa", "Dąbrowie"), ("Zielonka", "Zielonce"), ("Wola", "Woli"),
    ("Górka", "Górce"), ("Olszyny", "Olszynach"), ("Brzozówka", "Brzozówce"), ("Lipniki", "Lipnikach"),
    ("Kamionka", "Kamionce"), ("Osiek", "Osieku"), ("Gaj", "Gaju"), ("Józefowo", "Józefowie"),
    ("Zalesie", "Zalesiu"), ("Piaski", "Piaskach"), ("Grabowiec", "Grabowcu"),
    ("Wierzchosławice", "Wierzchosławicach"), ("Kolonia", "Kolonii"), ("Zakrzewo", "Zakrzewie"),
    ("Stara Wieś", "Starej Wsi"), ("Lisewo", "Lisewie"), ("Janowo", "Janowie"), ("Bielice", "Bielicach"),
    ("Rudniki", "Rudnikach"), ("Borówno", "Borównie"), ("Sadłowo", "Sadłowie"), ("Mierzynek", "Mierzynku"),
    ("Ostrowite", "Ostrowitem"), ("Przysiek", "Przysieku"), ("Łążyn", "Łążynie"), ("Kiełpiny", "Kiełpinach"),
)  # fmt: skip
STREETS = (
    "Szkolna", "Polna", "Lipowa", "Ogrodowa", "Kwiatowa", "Leśna", "Słoneczna", "Kościelna", "Długa",
    "Mickiewicza", "Kościuszki", "Sienkiewicza", "Dworcowa", "Parkowa", "Spacerowa", "Klonowa", "Brzozowa",
    "Wiejska", "Rynek", "Plac Wolności", "Jana Pawła II", "Piłsudskiego", "3 Maja", "Zielona", "Krótka",
    "Toruńska", "Bydgoska", "Chełmińska", "Grunwaldzka", "Kolejowa", "Sportowa", "Wodna", "Młyńska",
)  # fmt: skip
# Lands of Kujawy and Pomorze used in regional names (genitive), by voivodeship.
LANDS = {
    "04": ("Ziemi Chełmińskiej", "Ziemi Dobrzyńskiej", "Kujaw", "Krajny", "Pałuk", "Borów Tucholskich",
           "Doliny Dolnej Wisły", "Ziemi Michałowskiej", "Kociewia"),
}  # fmt: skip
LGD_NAMES = (
    "Dolina Drwęcy", "Razem ku Lepszej Przyszłości", "Pałuki — Wspólna Sprawa", "Krajna Złotowska",
    "Podgrodzie", "Gniazdo", "Ziemia Dobrzyńska", "Zielone Sąsiedztwo", "Vistula", "Trzy Doliny",
)  # fmt: skip
# Locative of towns that the rules below get wrong or cannot know.
LOCATIVE = {
    "Bydgoszcz": "Bydgoszczy", "Toruń": "Toruniu", "Włocławek": "Włocławku", "Grudziądz": "Grudziądzu",
    "Inowrocław": "Inowrocławiu", "Świecie": "Świeciu", "Nakło nad Notecią": "Nakle nad Notecią",
    "Golub-Dobrzyń": "Golubiu-Dobrzyniu", "Aleksandrów Kujawski": "Aleksandrowie Kujawskim",
    "Sępólno Krajeńskie": "Sępólnie Krajeńskim", "Solec Kujawski": "Solcu Kujawskim",
    "Brześć Kujawski": "Brześciu Kujawskim", "Lubień Kujawski": "Lubieniu Kujawskim",
    "Izbica Kujawska": "Izbicy Kujawskiej", "Piotrków Kujawski": "Piotrkowie Kujawskim",
    "Kowalewo Pomorskie": "Kowalewie Pomorskim", "Jabłonowo Pomorskie": "Jabłonowie Pomorskim",
    "Kamień Krajeński": "Kamieniu Krajeńskim", "Janowiec Wielkopolski": "Janowcu Wielkopolskim",
    "Dobrzyń nad Wisłą": "Dobrzyniu nad Wisłą", "Radzyń Chełmiński": "Radzyniu Chełmińskim",
    "Nowe": "Nowem", "Dobre": "Dobrem", "Skępe": "Skępem", "Warszawa": "Warszawie", "Kraków": "Krakowie",
    "Łódź": "Łodzi", "Wrocław": "Wrocławiu", "Poznań": "Poznaniu", "Gdańsk": "Gdańsku",
    "Szczecin": "Szczecinie", "Lublin": "Lublinie", "Białystok": "Białymstoku", "Katowice": "Katowicach",
    "Kielce": "Kielcach", "Olsztyn": "Olsztynie", "Rzeszów": "Rzeszowie", "Opole": "Opolu",
    "Zielona Góra": "Zielonej Górze", "Gorzów Wielkopolski": "Gorzowie Wielkopolskim", "Chełmża": "Chełmży",
    "Kcynia": "Kcyni",
}  # fmt: skip
# (ending, replacement) tried in order on one-word names; safe for the shapes listed only.
_LOCATIVE_RULES = (
    ("szcz", "szczy"), ("owo", "owie"), ("ewo", "ewie"), ("ów", "owie"), ("ek", "ku"), ("ko", "ku"),
    ("no", "nie"), ("ice", "icach"), ("yce", "ycach"), ("iny", "inach"), ("yny", "ynach"), ("in", "inie"),
    ("yn", "ynie"), ("ń", "niu"), ("aw", "awiu"), ("dz", "dzu"), ("ica", "icy"), ("ola", "oli"),
    ("wa", "wie"), ("cie", "ciu"),
)  # fmt: skip


def locative(name: str) -> str | None:
    """The locative ("w …") of a place name, or None when no safe rule applies."""
    if name in LOCATIVE:
        return LOCATIVE[name]
    if " " in name or "-" in name:
        return None
    for ending, replacement in _LOCATIVE_RULES:
        if name.endswith(ending):
            return name[: -len(ending)] + replacement
    return None


def of_gmina(gmina: Gmina) -> str:
    """A genitive phrase for a gmina that needs no declension: "Gminy Lubicz", "Miasta Toruń"."""
    return f"{'Miasta' if gmina.is_urban else 'Gminy'} {gmina.name}"


def in_gmina(gmina: Gmina) -> str:
    """ "w Toruniu" when the locative is known, otherwise "Gminy Lubicz"-style phrase."""
    form = locative(gmina.name)
    return f"w {form}" if form else of_gmina(gmina)


def voivode_of(voivodeship_name: str) -> str:
    """ "kujawsko-pomorskie" -> "Wojewoda Kujawsko-Pomorski"."""
    adjective = voivodeship_name.lower()
    adjective = adjective[:-2] + "i" if adjective.endswith("ie") else adjective
    return "Wojewoda " + "-".join(part.capitalize() for part in adjective.split("-"))


def powiat_genitive(powiat_name: str) -> str:
    """ "aleksandrowski" -> "Powiatu Aleksandrowskiego"."""
    return "Powiatu " + "-".join(part.capitalize() for part in powiat_name.split("-")) + "ego"


# First two digits of postal codes by voivodeship (Poczta Polska's districts, simplified).
POSTAL_PREFIXES = {
    "02": range(50, 60), "04": range(85, 90), "06": range(20, 25), "08": range(65, 69), "10": range(90, 100),
    "12": range(30, 35), "14": range(0, 10), "16": range(45, 50), "18": range(35, 40), "20": range(15, 20),
    "22": range(80, 85), "24": range(40, 45), "26": range(25, 30), "28": range(10, 15), "30": range(60, 65),
    "32": range(70, 79),
}  # fmt: skip
AREA_CODES = {
    "04": ("52", "54", "56"),
    "14": ("22", "24", "25"),
    "12": ("12", "14", "18"),
    "24": ("32", "33", "34"),
}


# Postal codes of the seats of the demo region's gminas (kujawsko-pomorskie), Poczta Polska. A
# gmina not listed takes the code of the town of the same name, else of its powiat's seat.
POSTAL_CODES = {
    "Aleksandrów Kujawski": "87-700", "Ciechocinek": "87-720", "Nieszawa": "87-730", "Brodnica": "87-300",
    "Górzno": "87-320", "Jabłonowo Pomorskie": "87-330", "Koronowo": "86-010", "Solec Kujawski": "86-050",
    "Chełmno": "86-200", "Golub-Dobrzyń": "87-400", "Kowalewo Pomorskie": "87-410", "Łasin": "86-320",
    "Radzyń Chełmiński": "87-220", "Inowrocław": "88-100", "Gniewkowo": "88-140", "Janikowo": "88-160",
    "Kruszwica": "88-150", "Pakość": "88-170", "Lipno": "87-600", "Bobrowniki": "87-617",
    "Dobrzyń nad Wisłą": "87-610", "Kikół": "87-620", "Skępe": "87-630", "Mogilno": "88-300",
    "Strzelno": "88-320", "Kcynia": "89-240", "Mrocza": "89-115", "Nakło nad Notecią": "89-100",
    "Szubin": "89-200", "Radziejów": "88-200", "Piotrków Kujawski": "88-230", "Rypin": "87-500",
    "Kamień Krajeński": "89-430", "Sępólno Krajeńskie": "89-400", "Więcbork": "89-410", "Nowe": "86-170",
    "Pruszcz": "86-120", "Świecie": "86-100", "Chełmża": "87-140", "Tuchola": "89-500",
    "Wąbrzeźno": "87-200", "Kowal": "87-820", "Brześć Kujawski": "87-880", "Chodecz": "87-860",
    "Izbica Kujawska": "87-865", "Lubień Kujawski": "87-840", "Lubraniec": "87-890", "Barcin": "88-190",
    "Gąsawa": "88-410", "Janowiec Wielkopolski": "88-430", "Łabiszyn": "89-210", "Żnin": "88-400",
    "Bydgoszcz": "85-001", "Grudziądz": "86-300", "Toruń": "87-100", "Włocławek": "87-800",
    "Białe Błota": "86-005", "Dobrcz": "86-022", "Nowa Wieś Wielka": "86-060", "Osielsko": "86-031",
    "Sicienko": "86-014", "Dąbrowa Chełmińska": "86-070", "Lubicz": "87-162", "Obrowo": "87-126",
    "Łysomice": "87-148", "Wielka Nieszawka": "87-165", "Zławieś Wielka": "87-134", "Łubianka": "87-152",
    "Czernikowo": "87-640", "Lisewo": "86-230", "Stolno": "86-212", "Unisław": "86-260",
    "Fabianki": "87-811", "Lubanie": "87-732", "Waganiec": "87-731", "Raciążek": "87-721",
    "Zbójno": "87-645", "Ciechocin": "87-408", "Dragacz": "86-134", "Gruta": "86-330", "Rogóźno": "86-318",
    "Świecie nad Osą": "86-341", "Dąbrowa Biskupia": "88-133", "Rojewo": "88-111",
    "Złotniki Kujawskie": "88-180", "Dąbrowa": "88-306", "Jeziora Wielkie": "88-324", "Sadki": "89-110",
    "Topólka": "87-875", "Bytoń": "88-231", "Osięciny": "88-220", "Brzuze": "87-517", "Rogowo": "87-515",
    "Skrwilno": "87-510", "Wąpielsko": "87-337", "Bartniczka": "87-321", "Bobrowo": "87-327",
    "Osiek": "87-340", "Zbiczno": "87-305", "Brzozie": "87-313", "Cekcyn": "89-511", "Gostycyn": "89-520",
    "Kęsowo": "89-506", "Lubiewo": "89-526", "Śliwice": "89-530", "Bukowiec": "86-122", "Drzycim": "86-140",
    "Jeżewo": "86-131", "Lniano": "86-141", "Osie": "86-150", "Warlubie": "86-160", "Książki": "87-222",
    "Płużnica": "87-214", "Dębowa Łąka": "87-207", "Baruchowo": "87-821", "Boniewo": "87-851",
    "Choceń": "87-850", "Chrostkowo": "87-602", "Tłuchowo": "87-605", "Wielgie": "87-603",
    "Sośno": "89-412", "Kamień": "89-430",
}  # fmt: skip
