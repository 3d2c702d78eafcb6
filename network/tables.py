"""Tables of the cooperation network: relations, PARTNER-style survey rounds, the network version."""

from __future__ import annotations

from piccolo.columns import Boolean, Date, Float, ForeignKey, Integer, Numeric, Text, Timestamptz, Varchar
from piccolo.columns.base import OnDelete
from piccolo.table import Table

from ses.register.tables import Organisation


class Relation(Table, tablename="network_relation"):
    """A typed, dated tie between two organisations of the register.

    `relation_type`, `intensity` and `origin` hold codes of network/vocab.py. A directed tie runs
    from `source` to `target` (a gmina contracts a service to a PES); an undirected one
    (cooperates with) is stored once and read both ways.
    """

    source = ForeignKey(Organisation, on_delete=OnDelete.restrict, index=True)
    target = ForeignKey(Organisation, on_delete=OnDelete.restrict, index=True)
    relation_type = Varchar(length=32, index=True)
    directed = Boolean(default=True)
    weight = Float(default=1.0)
    intensity = Varchar(length=16, null=True, default=None)
    valid_from = Date(null=True, default=None, index=True)
    valid_to = Date(null=True, default=None, index=True)
    formal_basis = Varchar(length=300, null=True, default=None)
    value_pln = Numeric(digits=(14, 2), null=True, default=None)
    social_clause = Boolean(null=True, default=None)
    service = Varchar(length=40, null=True, default=None)
    confidence = Float(default=1.0)
    origin = Varchar(length=16, index=True)
    survey_response = Integer(null=True, default=None, index=True)
    owes_report = Integer(null=True, default=None, index=True)
    """The accepted OWES report the tie was read from (origin `owes_report`); see report_ties.py."""
    source_row = Varchar(length=80, null=True, default=None)
    """Where in that report: table and row index, e.g. `cooperation_events.3`."""
    note = Text(null=True, default=None)
    version = Integer(default=1)
    created_at = Timestamptz()
    updated_at = Timestamptz()


class SurveyRound(Table, tablename="network_survey_round"):
    """One round of a PARTNER-style survey: invited organisations name and rate their partners."""

    name = Varchar(length=200)
    opened_on = Date()
    closes_on = Date(null=True, default=None)
    state = Varchar(length=10, default="open")
    created_at = Timestamptz()


class SurveyInvitation(Table, tablename="network_survey_invitation"):
    """An organisation invited to answer a round; only invited organisations may answer."""

    survey_round = ForeignKey(SurveyRound, on_delete=OnDelete.restrict, index=True)
    organisation = ForeignKey(Organisation, on_delete=OnDelete.restrict, index=True)
    invited_at = Timestamptz()


class SurveyResponse(Table, tablename="network_survey_response"):
    """The answer of one invited organisation in one round (one per organisation and round)."""

    survey_round = ForeignKey(SurveyRound, on_delete=OnDelete.restrict, index=True)
    respondent = ForeignKey(Organisation, on_delete=OnDelete.restrict, index=True)
    submitted_at = Timestamptz()
    submitted_by = Varchar(length=120)


class PartnerRating(Table, tablename="network_partner_rating"):
    """One partner named in a response, rated on trust and value (three items each, 1–4)."""

    response = ForeignKey(SurveyResponse, on_delete=OnDelete.restrict, index=True)
    survey_round = ForeignKey(SurveyRound, on_delete=OnDelete.restrict, index=True)
    respondent = ForeignKey(Organisation, on_delete=OnDelete.restrict, index=True)
    partner = ForeignKey(Organisation, on_delete=OnDelete.restrict, index=True)
    trust_reliability = Integer()
    trust_mission = Integer()
    trust_openness = Integer()
    value_power = Integer()
    value_involvement = Integer()
    value_resources = Integer()
    trust_score = Float()
    value_score = Float()


class NetworkState(Table, tablename="network_state"):
    """One row: the version of the network data. Every change of relations writes a new token.

    Cached metrics are keyed by the token (and the register's last change), so a cached answer
    is never served for data that changed — also when a change is rolled back and another made.
    """

    version = Integer(default=0)
    token = Varchar(length=32)
    changed_at = Timestamptz()
