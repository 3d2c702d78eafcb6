from __future__ import annotations

from piccolo.columns import Integer, Varchar
from piccolo.table import Table


class Territory(Table, tablename="territory"):
    """A TERC unit: voivodeship (2 digits), powiat (4) or gmina (7; the last digit is its type)."""

    code = Varchar(length=7, unique=True)
    level = Varchar(length=12, index=True)
    name = Varchar(length=120)
    name_search = Varchar(length=120, index=True)
    gmina_type = Varchar(length=1, null=True, default=None)
    type_label = Varchar(length=80)
    parent_code = Varchar(length=7, null=True, default=None, index=True)
    population = Integer(null=True, default=None)
