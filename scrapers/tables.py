"""What a sync run leaves behind: the run, one record per source entity, the proposed changes."""

from __future__ import annotations

from piccolo.columns import JSON, Boolean, Date, ForeignKey, Integer, Text, Timestamptz, Varchar
from piccolo.columns.base import OnDelete
from piccolo.table import Table

from ses.register.tables import Organisation


class SyncRun(Table, tablename="sync_run"):
    """One run of a source over a window (a day's bulletins, a list of numbers, a file, a year)."""

    source = Varchar(length=20, index=True)
    window = Varchar(length=120, index=True)
    """What the run covers; an unfinished run of the same source and window is resumed."""
    status = Varchar(length=20, index=True)
    started_at = Timestamptz()
    finished_at = Timestamptz(null=True, default=None)
    heartbeat_at = Timestamptz(null=True, default=None)
    triggered_by = Varchar(length=120)
    planned = Integer(default=0)
    requests = Integer(default=0)
    counts = JSON(default="{}")
    errors = JSON(default="[]")
    """Run-level faults: a bulletin that failed, the source being down, a mapping that is wrong."""
    is_demo = Boolean(default=False)


class SyncRecord(Table, tablename="sync_record"):
    """What the source said about one entity in one run, and how it matched the register."""

    run = ForeignKey(SyncRun, on_delete=OnDelete.cascade, index=True)
    key = Varchar(length=40)
    status = Varchar(length=20, index=True)
    organisation = ForeignKey(Organisation, on_delete=OnDelete.set_null, null=True, default=None, index=True)
    matched_by = Varchar(length=20, null=True, default=None)
    http_status = Integer(null=True, default=None)
    raw = Text(null=True, default=None)
    source_values = JSON(default="{}")
    """The register fields as the source gives them (plus facts kept beside the register)."""
    problems = JSON(default="[]")
    decision = Varchar(length=20, default="open")
    fetched_at = Timestamptz()


class SyncChange(Table, tablename="sync_change"):
    """One field of one organisation the source would change: old → new, waiting for staff."""

    run = ForeignKey(SyncRun, on_delete=OnDelete.cascade, index=True)
    record = ForeignKey(SyncRecord, on_delete=OnDelete.cascade, index=True)
    organisation = ForeignKey(Organisation, on_delete=OnDelete.set_null, null=True, default=None, index=True)
    field = Varchar(length=40)
    old = Text(null=True, default=None)
    new = Text(null=True, default=None)
    is_conflict = Boolean(default=False)
    state = Varchar(length=20, index=True)
    decided_by = Varchar(length=120, null=True, default=None)
    decided_at = Timestamptz(null=True, default=None)


class AutoApply(Table, tablename="sync_auto_apply"):
    """A (source, field) pair whose changes are applied without review (conflicts never are)."""

    source = Varchar(length=20)
    field = Varchar(length=40)


class SourceFacts(Table, tablename="sync_source_facts"):
    """What a source says that the register has no column for (OPP status, PKD codes)."""

    organisation = ForeignKey(Organisation, on_delete=OnDelete.cascade, index=True)
    source = Varchar(length=20)
    facts = JSON(default="{}")
    as_of = Date(null=True, default=None)
    fetched_at = Timestamptz()


class PopulationFigure(Table, tablename="sync_population"):
    """Population of a territorial unit in a year, as GUS BDL gives it (feeds per-capita indicators)."""

    code = Varchar(length=7, index=True)
    year = Integer()
    population = Integer()
    source = Varchar(length=20)
    fetched_at = Timestamptz()


class FileSource(Table, tablename="sync_file_source"):
    """An official list published as a file, with the column mapping it is read through (staff edit it)."""

    code = Varchar(length=20, unique=True)
    name = Varchar(length=200)
    columns = JSON(default="{}")
    """Register field → the column's heading as the list publishes it."""
    constants = JSON(default="{}")
    """Values every row shares (a voivode's register: its voivodeship)."""
    kind = Varchar(length=32, null=True, default=None)
    """The kind of a new organisation when a row does not say."""
    version = Integer(default=1)
    updated_at = Timestamptz()
    updated_by = Varchar(length=120)
