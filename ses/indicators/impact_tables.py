"""Tables of the composite index's weights and of SROI (social return on investment) analyses.

Kept apart from the indicator tables: SROI figures are estimates of impact in PLN, never indicator
values, so nothing here feeds an indicator or an output count."""

from __future__ import annotations

from decimal import Decimal

from piccolo.columns import Float, ForeignKey, Integer, Numeric, Text, Timestamptz, Varchar
from piccolo.columns.base import OnDelete
from piccolo.table import Table

from ses.register.tables import Organisation


class IndexWeighting(Table, tablename="indicator_index_weighting"):
    """One set of the composite index's weights as staff set it; the newest row is in force, the
    older ones are its history."""

    method = Varchar(length=10)
    components = Text()
    """JSON: [{"indicator": code, "weight": 0.25}, …], summing to one."""
    reason = Text(default="")
    set_at = Timestamptz()
    set_by = Varchar(length=120)


class SroiProxy(Table, tablename="sroi_proxy"):
    """A financial proxy of the library staff maintain: what one unit of an outcome is worth in PLN,
    with the source of that value and the year it refers to (a proxy without a source is refused)."""

    name = Varchar(length=300, unique=True)
    unit = Varchar(length=120)
    value_pln = Numeric(digits=(14, 2))
    source = Varchar(length=500)
    year = Integer()
    note = Text(default="")
    version = Integer(default=1)
    set_at = Timestamptz()
    set_by = Varchar(length=120)


class SroiAnalysis(Table, tablename="sroi_analysis"):
    """An SROI calculation for one OWES, one PS or the whole region, for one year's investment."""

    title = Varchar(length=300)
    scope = Varchar(length=10)
    """owes, ps or region."""
    organisation = ForeignKey(Organisation, null=True, default=None, on_delete=OnDelete.restrict)
    year = Integer()
    investment_pln = Numeric(digits=(14, 2))
    duration_years = Integer(default=1)
    discount_rate = Float(default=3.5)
    """In % a year (the present value of later years' impact)."""
    note = Text(default="")
    version = Integer(default=1)
    set_at = Timestamptz()
    set_by = Varchar(length=120)


class SroiOutcome(Table, tablename="sroi_outcome"):
    """One outcome of an analysis: who changed and how, how many, the proxy that values one unit,
    and the four adjustments (all required, 0–100 %)."""

    analysis = ForeignKey(SroiAnalysis, on_delete=OnDelete.cascade, index=True)
    position = Integer(default=0)
    stakeholder = Varchar(length=200)
    description = Text()
    quantity = Float()
    proxy = ForeignKey(SroiProxy, on_delete=OnDelete.restrict)
    value_pln = Numeric(digits=(14, 2), default=Decimal(0))
    """The proxy's value when the analysis was saved (a later change of the proxy does not rewrite it)."""
    deadweight = Float()
    attribution = Float()
    displacement = Float()
    drop_off = Float()
