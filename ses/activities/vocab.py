"""Code lists of the ROPS's own support work, with Polish labels (no code is shown to a person)."""

from __future__ import annotations

from enum import StrEnum


class ActivityKind(StrEnum):
    TRAINING = "training"
    WORKSHOP = "workshop"
    ADVISORY = "advisory"
    STUDY_VISIT = "study_visit"
    SUPERVISION = "supervision"
    COACHING = "coaching"
    NETWORKING_PES = "networking_pes"
    NETWORKING_OWES = "networking_owes"
    NETWORKING_CUS = "networking_cus"
    FORUM = "forum"
    FAIR = "fair"
    COMPETITION = "competition"


KIND_LABELS = {
    ActivityKind.TRAINING: "szkolenie",
    ActivityKind.WORKSHOP: "warsztaty",
    ActivityKind.ADVISORY: "doradztwo",
    ActivityKind.STUDY_VISIT: "wizyta studyjna",
    ActivityKind.SUPERVISION: "superwizja",
    ActivityKind.COACHING: "coaching",
    ActivityKind.NETWORKING_PES: "spotkanie sieciujące PES",
    ActivityKind.NETWORKING_OWES: "spotkanie sieci OWES",
    ActivityKind.NETWORKING_CUS: "spotkanie sieci centrów usług społecznych",
    ActivityKind.FORUM: "forum",
    ActivityKind.FAIR: "targi",
    ActivityKind.COMPETITION: "konkurs",
}
# Meeting there is a cooperation fact: the organisations gain ties "met at an event".
NETWORKING_KINDS = frozenset(
    {
        ActivityKind.NETWORKING_PES,
        ActivityKind.NETWORKING_OWES,
        ActivityKind.NETWORKING_CUS,
        ActivityKind.STUDY_VISIT,
    }
)
# Kinds that raise qualifications when completed with a certificate.
QUALIFYING_KINDS = frozenset({ActivityKind.TRAINING, ActivityKind.WORKSHOP})


class Topic(StrEnum):
    SOCIAL_ECONOMY = "social_economy"
    SOCIAL_ASSISTANCE = "social_assistance"
    FAMILY_SUPPORT = "family_support"
    COMMUNITY_SERVICES = "community_services"
    FOREIGNERS = "foreigners"
    COOPERATION = "cooperation"


TOPIC_LABELS = {
    Topic.SOCIAL_ECONOMY: "ekonomia społeczna",
    Topic.SOCIAL_ASSISTANCE: "pomoc społeczna",
    Topic.FAMILY_SUPPORT: "wspieranie rodziny i piecza zastępcza",
    Topic.COMMUNITY_SERVICES: "usługi społeczne i deinstytucjonalizacja",
    Topic.FOREIGNERS: "integracja cudzoziemców",
    Topic.COOPERATION: "współpraca międzysektorowa",
}


class Strand(StrEnum):
    """The project's strands: its indicators count coverage per strand."""

    SOCIAL_ECONOMY = "social_economy"
    INCLUSION = "inclusion"


STRAND_LABELS = {Strand.SOCIAL_ECONOMY: "ekonomia społeczna", Strand.INCLUSION: "włączenie społeczne"}
TOPIC_STRAND = {
    Topic.SOCIAL_ECONOMY: Strand.SOCIAL_ECONOMY,
    Topic.COOPERATION: Strand.SOCIAL_ECONOMY,
    Topic.SOCIAL_ASSISTANCE: Strand.INCLUSION,
    Topic.FAMILY_SUPPORT: Strand.INCLUSION,
    Topic.COMMUNITY_SERVICES: Strand.INCLUSION,
    Topic.FOREIGNERS: Strand.INCLUSION,
}


class ParticipantRole(StrEnum):
    OPS = "ops"
    PCPR = "pcpr"
    CUS = "cus"
    PUP = "pup"
    LOCAL_GOVERNMENT = "local_government"
    PES = "pes"
    OWES = "owes"
    NGO = "ngo"
    OTHER = "other"


ROLE_LABELS = {
    ParticipantRole.OPS: "pracownik ośrodka pomocy społecznej",
    ParticipantRole.PCPR: "pracownik powiatowego centrum pomocy rodzinie",
    ParticipantRole.CUS: "pracownik centrum usług społecznych",
    ParticipantRole.PUP: "pracownik powiatowego urzędu pracy",
    ParticipantRole.LOCAL_GOVERNMENT: "pracownik urzędu gminy lub powiatu",
    ParticipantRole.PES: "przedstawiciel podmiotu ekonomii społecznej",
    ParticipantRole.OWES: "pracownik OWES",
    ParticipantRole.NGO: "przedstawiciel organizacji pozarządowej",
    ParticipantRole.OTHER: "inna rola",
}
# Staff of social-inclusion institutions: the people the project's first indicator counts.
INSTITUTION_ROLES = frozenset(
    {
        ParticipantRole.OPS,
        ParticipantRole.PCPR,
        ParticipantRole.CUS,
        ParticipantRole.PUP,
        ParticipantRole.LOCAL_GOVERNMENT,
    }
)


def label(labels: dict[StrEnum, str], value: str | None) -> str:
    for key, text in labels.items():
        if key.value == value:
            return text
    return value or "—"
