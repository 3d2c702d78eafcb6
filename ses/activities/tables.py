"""Tables of the ROPS's support work: activities, people and their participation, training needs,
deinstitutionalisation plans of local governments, and the project's targets.

A participation keeps a copy of where the person came from (institution, gmina, role), so the
counts already reported survive when a person's data is removed on request (the person row is
anonymised: name and e-mail gone, the anonymous counts stay)."""

from __future__ import annotations

from decimal import Decimal

from piccolo.columns import Boolean, Date, ForeignKey, Integer, Numeric, Text, Timestamptz, Varchar
from piccolo.columns.base import OnDelete
from piccolo.table import Table

from ses.register.tables import Organisation


class Activity(Table, tablename="activity"):
    kind = Varchar(length=24, index=True)
    topic = Varchar(length=24, index=True)
    title = Varchar(length=300)
    starts_on = Date(index=True)
    ends_on = Date()
    place = Varchar(length=300)
    gmina_code = Varchar(length=7)
    hours = Numeric(digits=(6, 1), default=Decimal(0))
    description = Text(default="")
    certificates = Boolean(default=False)
    """Completing it gives a certificate (a raised qualification)."""
    created_at = Timestamptz()
    version = Integer(default=1)


class Person(Table, tablename="activity_person"):
    full_name = Varchar(length=200, null=True, default=None)
    email = Varchar(length=200, null=True, default=None, index=True)
    consent_on = Date(null=True, default=None)
    anonymised_at = Timestamptz(null=True, default=None)
    created_at = Timestamptz()


class Participation(Table, tablename="activity_participation"):
    activity = ForeignKey(Activity, on_delete=OnDelete.cascade, index=True)
    person = ForeignKey(Person, on_delete=OnDelete.restrict, index=True)
    role = Varchar(length=24)
    organisation = ForeignKey(Organisation, on_delete=OnDelete.restrict, null=True, default=None, index=True)
    institution = Varchar(length=300)
    gmina_code = Varchar(length=7, index=True)
    completed = Boolean(default=False)
    certificate_number = Varchar(length=60, null=True, default=None)


class TrainingNeed(Table, tablename="activity_training_need"):
    """One answer of the yearly training-needs survey: an institution's need on a topic."""

    year = Integer(index=True)
    institution = Varchar(length=300)
    organisation = ForeignKey(Organisation, on_delete=OnDelete.restrict, null=True, default=None)
    gmina_code = Varchar(length=7)
    topic = Varchar(length=24)
    people = Integer(default=1)
    priority = Integer(default=2)
    note = Text(default="")
    created_at = Timestamptz()


class DeinstitutionalisationPlan(Table, tablename="activity_di_plan"):
    """A local government's deinstitutionalisation plan, with the date it was adopted."""

    territory_code = Varchar(length=7, index=True)
    title = Varchar(length=300)
    adopted_on = Date()
    created_at = Timestamptz()


class ProjectTarget(Table, tablename="activity_project_target"):
    code = Varchar(length=40, unique=True)
    baseline = Numeric(digits=(12, 2), default=Decimal(0))
    target = Numeric(digits=(12, 2))
    target_year = Integer()
