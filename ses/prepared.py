"""Selects whose SQL is built once: `prepared(lambda org_id: Organisation.select(…).where(…))`.

Piccolo builds a query's SQL anew each time it runs: the columns, joins and conditions walked and
the text assembled: two thirds of a one-row select's Python cost (0.241 → 0.075 ms on SQLite,
0.315 → 0.125 ms on PostgreSQL; a record page runs ten of them; docs/benchmarks.md, "statements
built once"). A statement that hot paths run with new values of
the same shape is written once as a function of those values; the first call builds the select with
a marker for each value, compiles it for the engine, and every call after that only puts its values
in the markers' places. The answer goes through Piccolo's own result processing (dicts, JSON
columns, `output(…)`), so it is exactly what the select would give: `.first()` gives a row or None,
`.output(as_list=True)` a list of values. A limit is part of the SQL text: give it as a number.

The function must use each value as one bound parameter (`column == value`, `column >= value`),
never to choose the shape of the query (a Python `if` on a value, a list of values of varying
length: those would be frozen at their first call). It must not register callbacks. Values go to
the driver as they are, without Piccolo's conversion of a select's values: give plain ones (an
Enum's `.value`, not the Enum; a date, a number, a text).
"""

from __future__ import annotations

import inspect
import itertools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from piccolo.query.methods.select import First, Select, SelectList
from piccolo.querystring import QueryString

R = TypeVar("R")


class _Slot:
    """Where the n-th value goes (compared by identity: no value of a caller can be one)."""

    __slots__ = ("index",)

    def __init__(self, index: int) -> None:
        self.index = index

    def __repr__(self) -> str:
        return f"<value {self.index}>"


class _Compiled(QueryString):
    """A statement already compiled: its SQL and this call's values, as the engines run it."""

    def __init__(self, sql: str, args: list[Any], table: Any) -> None:
        super().__init__("")
        self._sql = sql
        self._args = args
        self.table = table

    def compile_string(self, engine_type: str = "postgres") -> tuple[str, list[Any]]:
        return self._sql, self._args

    def __str__(self) -> str:
        return self._sql


@dataclass(frozen=True)
class _Plan:
    engine_type: str
    select: Select[Any]
    first: bool
    as_list: bool
    sql: str
    args: tuple[Any, ...]
    """Fixed values as they are; each `_Slot` is replaced by the call's value."""


class Prepared(Generic[R]):
    def __init__(self, build: Callable[..., Any], arity: int | None = None) -> None:
        self.build = build
        parameters = inspect.signature(build).parameters.values()
        if arity is None and any(p.kind is inspect.Parameter.VAR_POSITIONAL for p in parameters):
            raise TypeError("prepared(build, arity=n): say how many values a `*values` function takes")
        self.arity = len(parameters) if arity is None else arity
        self._plan: _Plan | None = None

    def _compile(self) -> _Plan:
        query = self.build(*(_Slot(index) for index in range(self.arity)))
        first, as_list = isinstance(query, First), isinstance(query, SelectList)
        select = query.query if first or as_list else query
        if not isinstance(select, Select):
            raise TypeError("prepared() takes a function that returns a select")
        engine_type = select.table._meta.db.engine_type
        if any(select.callback_delegate._callbacks.values()):
            raise TypeError("a prepared select takes no callbacks")
        (querystring,) = select.querystrings
        sql, args = querystring.compile_string(engine_type=engine_type)
        used = {arg.index for arg in args if isinstance(arg, _Slot)}
        if used != set(range(self.arity)):
            raise TypeError("every value of a prepared select must be one parameter of its SQL")
        return _Plan(engine_type, select, first, as_list, sql, tuple(args))

    async def __call__(self, *values: Any) -> R:
        plan = self._plan
        if plan is None:
            plan = self._plan = self._compile()
        engine = plan.select.table._meta.db
        if engine.engine_type != plan.engine_type:  # (tests may switch engines within a process)
            plan = self._plan = self._compile()
        args = [values[arg.index] if type(arg) is _Slot else arg for arg in plan.args]
        raw = await engine.run_querystring(_Compiled(plan.sql, args, plan.select.table))
        rows = await plan.select._process_results(raw)
        if plan.first:
            return rows[0] if rows else None  # type: ignore[return-value]
        if plan.as_list:
            return list(itertools.chain.from_iterable(row.values() for row in rows))  # type: ignore[return-value]
        return rows  # type: ignore[no-any-return]


def prepared(build: Callable[..., Any], arity: int | None = None) -> Prepared[Any]:
    """`build(v1, v2, …)` returns the select (or `.first()`) with each value as a parameter;
    `arity`: how many values a `build(*values)` takes."""
    return Prepared(build, arity)
