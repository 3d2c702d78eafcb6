"""Code lists of the register: kinds of organisation, PES letters, legal forms, activity states.

Codes are stable English identifiers stored in the database; labels are Polish (the interface's
first language). The PES letter follows art. 2 pt 5 of the Act of 5 August 2022 on social economy.
"""

from __future__ import annotations

from enum import StrEnum

# `Channel` and its labels belong to the audit trail now (ses/audit/channel.py); the names stay
# importable here only so branches written before the move keep working. New code imports them
# from ses.audit.channel.
from ses.audit.channel import CHANNEL_LABELS as CHANNEL_LABELS
from ses.audit.channel import Channel as Channel


class PesLetter(StrEnum):
    A = "a"  # social cooperative
    B = "b"  # WTZ, ZAZ
    C = "c"  # CIS, KIS
    D = "d"  # work / disabled / agricultural production cooperative
    E = "e"  # NGO
    F = "f"  # church legal person, association of local governments, non-profit company


PES_LETTER_LABELS: dict[PesLetter, str] = {
    PesLetter.A: "a — spółdzielnia socjalna",
    PesLetter.B: "b — WTZ, ZAZ",
    PesLetter.C: "c — CIS, KIS",
    PesLetter.D: "d — spółdzielnia pracy, inwalidów, niewidomych, produkcji rolnej",
    PesLetter.E: "e — organizacja pozarządowa, KGW, OSP",
    PesLetter.F: "f — kościelna osoba prawna, związek JST, spółka non-profit",
}

# Only these letters may hold PS status or OWES accreditation (art. 12 ust. 1, art. 36 ust. 3).
STATUS_ELIGIBLE_LETTERS = frozenset({PesLetter.A, PesLetter.D, PesLetter.E, PesLetter.F})


class Kind(StrEnum):
    SOCIAL_COOPERATIVE = "social_cooperative"
    WTZ = "wtz"
    ZAZ = "zaz"
    CIS = "cis"
    KIS = "kis"
    WORK_COOPERATIVE = "work_cooperative"
    DISABLED_COOPERATIVE = "disabled_cooperative"
    AGRICULTURAL_COOPERATIVE = "agricultural_cooperative"
    ASSOCIATION = "association"
    FOUNDATION = "foundation"
    KGW = "kgw"
    OSP = "osp"
    OTHER_NGO = "other_ngo"
    CHURCH_ENTITY = "church_entity"
    JST_ASSOCIATION = "jst_association"
    NONPROFIT_COMPANY = "nonprofit_company"
    # Actors that are not PES but take part in the sector's cooperation network.
    GMINA_OFFICE = "gmina_office"
    POWIAT_OFFICE = "powiat_office"
    VOIVODESHIP_OFFICE = "voivodeship_office"
    OPS = "ops"
    CUS = "cus"
    PCPR = "pcpr"
    PUP = "pup"
    LGD = "lgd"
    BUSINESS = "business"
    SCHOOL = "school"
    HEALTH = "health"
    POLICE = "police"
    COURT = "court"
    UNIVERSITY = "university"
    OTHER = "other"


KIND_LETTER: dict[Kind, PesLetter] = {
    Kind.SOCIAL_COOPERATIVE: PesLetter.A,
    Kind.WTZ: PesLetter.B,
    Kind.ZAZ: PesLetter.B,
    Kind.CIS: PesLetter.C,
    Kind.KIS: PesLetter.C,
    Kind.WORK_COOPERATIVE: PesLetter.D,
    Kind.DISABLED_COOPERATIVE: PesLetter.D,
    Kind.AGRICULTURAL_COOPERATIVE: PesLetter.D,
    Kind.ASSOCIATION: PesLetter.E,
    Kind.FOUNDATION: PesLetter.E,
    Kind.KGW: PesLetter.E,
    Kind.OSP: PesLetter.E,
    Kind.OTHER_NGO: PesLetter.E,
    Kind.CHURCH_ENTITY: PesLetter.F,
    Kind.JST_ASSOCIATION: PesLetter.F,
    Kind.NONPROFIT_COMPANY: PesLetter.F,
}

# Reintegration units have no legal personality: each links to the body that runs it.
REINTEGRATION_UNIT_KINDS = frozenset({Kind.CIS, Kind.KIS, Kind.ZAZ, Kind.WTZ})

KIND_LABELS: dict[Kind, str] = {
    Kind.SOCIAL_COOPERATIVE: "spółdzielnia socjalna",
    Kind.WTZ: "warsztat terapii zajęciowej (WTZ)",
    Kind.ZAZ: "zakład aktywności zawodowej (ZAZ)",
    Kind.CIS: "centrum integracji społecznej (CIS)",
    Kind.KIS: "klub integracji społecznej (KIS)",
    Kind.WORK_COOPERATIVE: "spółdzielnia pracy",
    Kind.DISABLED_COOPERATIVE: "spółdzielnia inwalidów lub niewidomych",
    Kind.AGRICULTURAL_COOPERATIVE: "spółdzielnia produkcji rolnej",
    Kind.ASSOCIATION: "stowarzyszenie",
    Kind.FOUNDATION: "fundacja",
    Kind.KGW: "koło gospodyń wiejskich",
    Kind.OSP: "ochotnicza straż pożarna",
    Kind.OTHER_NGO: "inna organizacja pozarządowa",
    Kind.CHURCH_ENTITY: "kościelna osoba prawna",
    Kind.JST_ASSOCIATION: "związek jednostek samorządu terytorialnego",
    Kind.NONPROFIT_COMPANY: "spółka non-profit",
    Kind.GMINA_OFFICE: "urząd gminy",
    Kind.POWIAT_OFFICE: "starostwo powiatowe",
    Kind.VOIVODESHIP_OFFICE: "urząd marszałkowski / wojewódzki",
    Kind.OPS: "ośrodek pomocy społecznej (OPS)",
    Kind.CUS: "centrum usług społecznych (CUS)",
    Kind.PCPR: "powiatowe centrum pomocy rodzinie (PCPR)",
    Kind.PUP: "powiatowy urząd pracy (PUP)",
    Kind.LGD: "lokalna grupa działania (LGD)",
    Kind.BUSINESS: "przedsiębiorstwo",
    Kind.SCHOOL: "szkoła lub placówka oświatowa",
    Kind.HEALTH: "podmiot leczniczy",
    Kind.POLICE: "policja",
    Kind.COURT: "sąd lub kuratorska służba sądowa",
    Kind.UNIVERSITY: "uczelnia",
    Kind.OTHER: "inny podmiot",
}


class LegalForm(StrEnum):
    ASSOCIATION = "stowarzyszenie"
    FOUNDATION = "fundacja"
    COOPERATIVE = "spoldzielnia"
    LIMITED_COMPANY = "spolka_zoo"
    JOINT_STOCK_COMPANY = "spolka_akcyjna"
    KGW = "kgw"
    CHURCH_LEGAL_PERSON = "koscielna_osoba_prawna"
    JST_ASSOCIATION = "zwiazek_jst"
    PUBLIC_BODY = "jednostka_publiczna"
    NO_LEGAL_PERSONALITY = "brak_osobowosci_prawnej"
    TRADE_UNION = "zwiazek_zawodowy"
    EMPLOYERS_ORGANISATION = "organizacja_pracodawcow"
    POLITICAL_PARTY = "partia_polityczna"
    PROFESSIONAL_SELF_GOVERNMENT = "samorzad_zawodowy"
    PARTY_FOUNDATION = "fundacja_partii"
    OTHER = "inna"


LEGAL_FORM_LABELS: dict[LegalForm, str] = {
    LegalForm.ASSOCIATION: "stowarzyszenie",
    LegalForm.FOUNDATION: "fundacja",
    LegalForm.COOPERATIVE: "spółdzielnia",
    LegalForm.LIMITED_COMPANY: "spółka z o.o.",
    LegalForm.JOINT_STOCK_COMPANY: "spółka akcyjna",
    LegalForm.KGW: "koło gospodyń wiejskich",
    LegalForm.CHURCH_LEGAL_PERSON: "kościelna osoba prawna",
    LegalForm.JST_ASSOCIATION: "związek JST",
    LegalForm.PUBLIC_BODY: "jednostka sektora publicznego",
    LegalForm.NO_LEGAL_PERSONALITY: "bez osobowości prawnej",
    LegalForm.TRADE_UNION: "związek zawodowy",
    LegalForm.EMPLOYERS_ORGANISATION: "organizacja pracodawców",
    LegalForm.POLITICAL_PARTY: "partia polityczna",
    LegalForm.PROFESSIONAL_SELF_GOVERNMENT: "samorząd zawodowy",
    LegalForm.PARTY_FOUNDATION: "fundacja utworzona przez partię polityczną",
    LegalForm.OTHER: "inna",
}


# Not NGOs in the sense of art. 2 pt 5 lit. e (art. 3 ust. 4 of the Act on public benefit activity):
# they may take part in the network as other actors, never be registered as PES.
NOT_PES_FORMS = frozenset(
    {
        LegalForm.TRADE_UNION,
        LegalForm.EMPLOYERS_ORGANISATION,
        LegalForm.POLITICAL_PARTY,
        LegalForm.PROFESSIONAL_SELF_GOVERNMENT,
        LegalForm.PARTY_FOUNDATION,
    }
)
# How such bodies call themselves: a name that starts so is not a letter-e NGO.
NOT_PES_NAME_STARTS = {
    "zwiazek zawodowy": LegalForm.TRADE_UNION,
    "nszz ": LegalForm.TRADE_UNION,
    "niezalezny samorzadny zwiazek zawodowy": LegalForm.TRADE_UNION,
    "ogolnopolski zwiazek zawodowy": LegalForm.TRADE_UNION,
    "zwiazek pracodawcow": LegalForm.EMPLOYERS_ORGANISATION,
    "organizacja pracodawcow": LegalForm.EMPLOYERS_ORGANISATION,
    "partia ": LegalForm.POLITICAL_PARTY,
    "izba lekarska": LegalForm.PROFESSIONAL_SELF_GOVERNMENT,
    "okregowa izba": LegalForm.PROFESSIONAL_SELF_GOVERNMENT,
    "naczelna rada adwokacka": LegalForm.PROFESSIONAL_SELF_GOVERNMENT,
}


class ActivityState(StrEnum):
    """Sector studies tell registered, existing and active entities apart."""

    REGISTERED = "registered"
    EXISTING = "existing"
    ACTIVE = "active"
    SUSPENDED = "suspended"
    IN_LIQUIDATION = "in_liquidation"
    RETIRED = "retired"  # removed from the register by ROPS; the record and its history stay


ACTIVITY_STATE_LABELS: dict[ActivityState, str] = {
    ActivityState.REGISTERED: "zarejestrowany",
    ActivityState.EXISTING: "istniejący",
    ActivityState.ACTIVE: "aktywny",
    ActivityState.SUSPENDED: "zawieszony",
    ActivityState.IN_LIQUIDATION: "w likwidacji",
    ActivityState.RETIRED: "wycofany z rejestru",
}


def letter_of(kind: Kind | str) -> PesLetter | None:
    """The PES letter of a kind, or None for actors that are not PES."""
    return KIND_LETTER.get(Kind(kind))


DEFAULT_LEGAL_FORM: dict[Kind, LegalForm] = {
    Kind.SOCIAL_COOPERATIVE: LegalForm.COOPERATIVE,
    Kind.WORK_COOPERATIVE: LegalForm.COOPERATIVE,
    Kind.DISABLED_COOPERATIVE: LegalForm.COOPERATIVE,
    Kind.AGRICULTURAL_COOPERATIVE: LegalForm.COOPERATIVE,
    Kind.WTZ: LegalForm.NO_LEGAL_PERSONALITY,
    Kind.ZAZ: LegalForm.NO_LEGAL_PERSONALITY,
    Kind.CIS: LegalForm.NO_LEGAL_PERSONALITY,
    Kind.KIS: LegalForm.NO_LEGAL_PERSONALITY,
    Kind.ASSOCIATION: LegalForm.ASSOCIATION,
    Kind.OSP: LegalForm.ASSOCIATION,
    Kind.OTHER_NGO: LegalForm.ASSOCIATION,
    Kind.LGD: LegalForm.ASSOCIATION,
    Kind.FOUNDATION: LegalForm.FOUNDATION,
    Kind.KGW: LegalForm.KGW,
    Kind.CHURCH_ENTITY: LegalForm.CHURCH_LEGAL_PERSON,
    Kind.JST_ASSOCIATION: LegalForm.JST_ASSOCIATION,
    Kind.NONPROFIT_COMPANY: LegalForm.LIMITED_COMPANY,
    Kind.BUSINESS: LegalForm.LIMITED_COMPANY,
    Kind.OTHER: LegalForm.OTHER,
}


def default_legal_form(kind: Kind | str) -> LegalForm:
    return DEFAULT_LEGAL_FORM.get(Kind(kind), LegalForm.PUBLIC_BODY)
