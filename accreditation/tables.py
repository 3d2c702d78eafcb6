"""Tables of OWES accreditation: templates, accreditation records, verifications, evidence, opinions.

States are stored as the strings of the machines in `accreditation.lifecycle`; every transition is
checked there and recorded in the audit trail. Lists that are only ever read whole with their
parent (team, modes, powiats) are JSON text; anything filtered on is a real column.
"""

from __future__ import annotations

from piccolo.columns import (
    JSON,
    Boolean,
    Bytea,
    Date,
    ForeignKey,
    Integer,
    Text,
    Timestamptz,
    Varchar,
)
from piccolo.columns.base import OnDelete
from piccolo.table import Table

from ses.register.tables import Organisation


class ChecklistTemplate(Table, tablename="acc_checklist_template"):
    """One version of a checklist template as loaded from its file; never changed once stored."""

    code = Varchar(length=64, index=True)
    version = Varchar(length=40)
    title = Varchar(length=300)
    status = Varchar(length=12)
    criteria_count = Integer(default=0)
    source_yaml = Text()
    sha256 = Varchar(length=64)
    created_at = Timestamptz()
    created_by = Varchar(length=120)


class Accreditation(Table, tablename="acc_accreditation"):
    """An accreditation of an OWES: the decision, its period, the lead applicant and the state."""

    organisation = ForeignKey(Organisation, on_delete=OnDelete.restrict, index=True)
    owes_name = Varchar(length=300)
    call_edition = Varchar(length=120)
    decision_number = Varchar(length=80, null=True, default=None)
    decision_date = Date(null=True, default=None)
    valid_from = Date(null=True, default=None)
    valid_to = Date(null=True, default=None, index=True)
    state = Varchar(length=24, index=True)
    ended_on = Date(null=True, default=None)
    powiat_codes = JSON(default="[]")
    version = Integer(default=1)
    created_at = Timestamptz()
    updated_at = Timestamptz()


class AccreditationPartner(Table, tablename="acc_accreditation_partner"):
    accreditation = ForeignKey(Accreditation, on_delete=OnDelete.restrict, index=True)
    organisation = ForeignKey(Organisation, on_delete=OnDelete.restrict, index=True)


class Verification(Table, tablename="acc_verification"):
    """A run of one template version against an OWES (its lead organisation is copied for access)."""

    accreditation = ForeignKey(Accreditation, on_delete=OnDelete.restrict, index=True)
    organisation = ForeignKey(Organisation, on_delete=OnDelete.restrict, index=True)
    template = ForeignKey(ChecklistTemplate, on_delete=OnDelete.restrict)
    state = Varchar(length=24, index=True)
    scope = Text()
    modes = JSON(default="[]")
    team = JSON(default="[]")
    planned_from = Date()
    planned_to = Date(index=True)
    version = Integer(default=1)
    created_at = Timestamptz()
    updated_at = Timestamptz()


class CriterionAssessment(Table, tablename="acc_criterion_assessment"):
    """One criterion of one verification: the reviewer's result, the evidence request and the
    OWES's self-assessment side by side in one row."""

    verification = ForeignKey(Verification, on_delete=OnDelete.restrict, index=True)
    position = Integer()
    code = Varchar(length=24)
    result = Varchar(length=20, null=True, default=None)
    finding = Text(null=True, default=None)
    recommendation = Text(null=True, default=None)
    recommendation_deadline = Date(null=True, default=None, index=True)
    recommendation_done_on = Date(null=True, default=None)
    evidence_requested = Boolean(default=False, index=True)
    request_note = Text(null=True, default=None)
    request_due = Date(null=True, default=None)
    requested_at = Timestamptz(null=True, default=None)
    answered_at = Timestamptz(null=True, default=None)
    self_result = Varchar(length=20, null=True, default=None)
    self_comment = Text(null=True, default=None)
    self_updated_at = Timestamptz(null=True, default=None)
    updated_at = Timestamptz()


class CriterionComment(Table, tablename="acc_criterion_comment"):
    """A message in the thread of one criterion between the reviewers and the OWES."""

    verification = ForeignKey(Verification, on_delete=OnDelete.restrict, index=True)
    code = Varchar(length=24)
    author = Varchar(length=120)
    author_role = Varchar(length=12)
    body = Text()
    at = Timestamptz()


class EvidenceFile(Table, tablename="acc_evidence_file"):
    """An evidence file attached to a criterion; the bytes are content-addressed by SHA-256,
    on disk (`storage = 'disk'`) or in `data` (`storage = 'db'`)."""

    verification = ForeignKey(Verification, on_delete=OnDelete.restrict, index=True)
    code = Varchar(length=24)
    filename = Varchar(length=255)
    content_type = Varchar(length=120)
    size = Integer()
    sha256 = Varchar(length=64, index=True)
    storage = Varchar(length=8)
    data = Bytea(null=True, default=None)
    uploaded_by = Varchar(length=120)
    uploaded_role = Varchar(length=12)
    uploaded_at = Timestamptz()


class Opinion(Table, tablename="acc_opinion"):
    """One version of the ROPS opinion on a verification. Approval locks it: the DOCX bytes and
    their SHA-256 are kept, and a later change is a new version."""

    verification = ForeignKey(Verification, on_delete=OnDelete.restrict, index=True)
    number = Integer()
    state = Varchar(length=12)
    conclusion = Varchar(length=24)
    justification = Text()
    reference_number = Varchar(length=80, null=True, default=None)
    signatory_name = Varchar(length=200)
    signatory_position = Varchar(length=300)
    place = Varchar(length=120)
    issue_date = Date()
    docx = Bytea(null=True, default=None)
    sha256 = Varchar(length=64, null=True, default=None)
    approved_by = Varchar(length=120, null=True, default=None)
    approved_at = Timestamptz(null=True, default=None)
    version = Integer(default=1)
    created_at = Timestamptz()
    updated_at = Timestamptz()
