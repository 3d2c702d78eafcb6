"""Tables of the indicator framework: snapshots of computed values per indicator, territory and
period (the time series), a regional programme's indicators loaded from a file, and values
entered by hand for what SES cannot compute."""

from __future__ import annotations

from piccolo.columns import Float, Integer, Text, Timestamptz, Varchar
from piccolo.table import Table


class IndicatorSnapshot(Table, tablename="indicator_snapshot"):
    """One value of one indicator for one territory and period, as computed when it was taken.

    (indicator_code, period, territory) is unique: taking a snapshot again replaces the period's
    values. `value` NULL is "no data" (never stored as zero)."""

    indicator_code = Varchar(length=80, index=True)
    period = Varchar(length=7, index=True)
    level = Varchar(length=12)
    territory = Varchar(length=7, index=True)
    value = Float(null=True, default=None)
    numerator = Float(null=True, default=None)
    denominator = Float(null=True, default=None)
    population = Integer(null=True, default=None)
    taken_at = Timestamptz()
    taken_by = Varchar(length=120)


class ProgrammeIndicator(Table, tablename="indicator_programme"):
    """An indicator of the regional programme: baseline and target, and where its value comes from
    (a computed indicator's code, or values entered by hand under its own code)."""

    code = Varchar(length=80, unique=True)
    name_pl = Varchar(length=300)
    name_en = Varchar(length=300)
    definition = Text(default="")
    unit = Varchar(length=12)
    direction = Varchar(length=16)
    baseline = Float(null=True, default=None)
    baseline_year = Integer(null=True, default=None)
    target = Float(null=True, default=None)
    target_year = Integer(null=True, default=None)
    computed_from = Varchar(length=80, null=True, default=None)
    """The code of the computed indicator that gives the value; NULL: manual values."""
    source = Varchar(length=300, default="")
    loaded_at = Timestamptz()
    loaded_by = Varchar(length=120)


class ManualValue(Table, tablename="indicator_manual_value"):
    """A value entered by staff for a programme indicator SES cannot compute.
    (indicator_code, territory, period) is unique."""

    indicator_code = Varchar(length=80, index=True)
    territory = Varchar(length=7)
    period = Varchar(length=7)
    value = Float()
    note = Text(default="")
    entered_at = Timestamptz()
    entered_by = Varchar(length=120)
