from __future__ import annotations

from piccolo.columns import (
    JSON,
    Boolean,
    Date,
    ForeignKey,
    Integer,
    LazyTableReference,
    Numeric,
    Text,
    Timestamptz,
    Varchar,
)
from piccolo.columns.base import OnDelete
from piccolo.table import Table


class Organisation(Table, tablename="organisation"):
    """An entry of the register: a PES, a reintegration unit, an OWES or another actor.

    Current legal statuses are kept denormalised in `ps_state` / `unit_state` so the register can
    be filtered and faceted in SQL; `LegalStatus` rows hold the full records and `StatusEvent`
    every transition.
    """

    name = Varchar(length=300)
    name_search = Varchar(length=300, index=True)
    kind = Varchar(length=32, index=True)
    pes_letter = Varchar(length=1, null=True, default=None, index=True)
    legal_form = Varchar(length=32, index=True)
    activity_state = Varchar(length=20, index=True)
    is_owes = Boolean(default=False, index=True)
    founder = ForeignKey(
        LazyTableReference("Organisation", module_path="ses.register.tables"),
        on_delete=OnDelete.restrict,
        null=True,
        default=None,
        index=True,
    )
    krs = Varchar(length=10, null=True, default=None, unique=True)
    nip = Varchar(length=10, null=True, default=None, unique=True)
    regon = Varchar(length=14, null=True, default=None, unique=True)
    voivodeship_code = Varchar(length=2, index=True)
    powiat_code = Varchar(length=4, index=True)
    gmina_code = Varchar(length=7, index=True)
    locality = Varchar(length=120, null=True, default=None)
    street = Varchar(length=200, null=True, default=None)
    postal_code = Varchar(length=6, null=True, default=None)
    email = Varchar(length=200, null=True, default=None)
    website = Varchar(length=300, null=True, default=None)
    phone = Varchar(length=40, null=True, default=None)
    registered_on = Date(null=True, default=None)
    ps_state = Varchar(length=20, null=True, default=None, index=True)
    unit_state = Varchar(length=20, null=True, default=None, index=True)
    is_demo = Boolean(default=False)
    version = Integer(default=1)
    created_at = Timestamptz()
    updated_at = Timestamptz(index=True)
    retired_reason = Text(null=True, default=None)


class LegalStatus(Table, tablename="legal_status"):
    """A legal status of an organisation: PS status, CIS status, KIS entry, ZAZ or WTZ status."""

    organisation = ForeignKey(Organisation, on_delete=OnDelete.restrict, index=True)
    status_type = Varchar(length=8, index=True)
    state = Varchar(length=20)
    goal = Varchar(length=20, null=True, default=None)
    decision_number = Varchar(length=80, null=True, default=None)
    decision_date = Date(null=True, default=None)
    granted_by = Varchar(length=200, null=True, default=None)
    valid_from = Date(null=True, default=None)
    valid_to = Date(null=True, default=None)
    loss_decision_number = Varchar(length=80, null=True, default=None)
    loss_decision_date = Date(null=True, default=None)
    loss_final_date = Date(null=True, default=None)
    reapply_after = Date(null=True, default=None)
    version = Integer(default=1)
    created_at = Timestamptz()
    updated_at = Timestamptz()


class StatusEvent(Table, tablename="status_event"):
    """One transition of a legal status: who moved it, from which state to which, when and why."""

    status = ForeignKey(LegalStatus, on_delete=OnDelete.restrict, index=True)
    from_state = Varchar(length=20, null=True, default=None)
    to_state = Varchar(length=20)
    on_date = Date()
    decision_number = Varchar(length=80, null=True, default=None)
    reason = Text(null=True, default=None)
    actor = Varchar(length=120)
    at = Timestamptz()
    details = JSON(default="{}")


class YearFigures(Table, tablename="year_figures"):
    """Per-year employment and revenue of an organisation (one row per organisation and year)."""

    organisation = ForeignKey(Organisation, on_delete=OnDelete.restrict, index=True)
    year = Integer()
    employees = Integer(default=0)
    employees_at_risk = Integer(default=0)
    employees_disabled = Integer(default=0)
    revenue_pln = Numeric(digits=(14, 2), null=True, default=None)
    market_revenue_pln = Numeric(digits=(14, 2), null=True, default=None)
    source = Varchar(length=20)
    updated_at = Timestamptz()


class JobsCreated(Table, tablename="jobs_created"):
    """Jobs created in an organisation (a PS) in a year, as the accepted OWES reports count them.

    A different measure from the people it employs (`YearFigures.employees`): a PS of 23 employees
    that took on 2 people with OWES support created 2 jobs and still employs 23. Only the
    reporting feed writes here (the sum of the accepted reports, recomputed on every acceptance
    and reopening); the year figures stay what ROPS and the PS's own annual report say."""

    organisation = ForeignKey(Organisation, on_delete=OnDelete.restrict, index=True)
    year = Integer()
    jobs_created = Integer(default=0)
    jobs_created_at_risk = Integer(default=0)
    jobs_created_disabled = Integer(default=0)
    updated_at = Timestamptz()


class AnnualReport(Table, tablename="annual_report"):
    """An annual report of a PS, CIS or KIS (due by 31 March about the previous year), as received.

    Which reports are owed is computed from the statuses (`ses.register.obligations`); this table
    records the ones that came in, one row per organisation, status type and year.
    """

    organisation = ForeignKey(Organisation, on_delete=OnDelete.restrict, index=True)
    status_type = Varchar(length=8)
    year = Integer()
    submitted_on = Date()
    note = Text(null=True, default=None)
    actor = Varchar(length=120)
    at = Timestamptz()
