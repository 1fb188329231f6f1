"""What a suite is: named expectations, each a DuckDB probe and the GX expectation on its result.

The tables checked are large, so the set work stays in DuckDB: a probe is a query that reduces
a table to a compact frame (the rows that break a rule, or one row per group with a measure),
and great-expectations validates that frame. Two shapes cover the suites:

- `violations(...)`: the probe returns what breaks the rule (grouped where a table is large);
  GX expects no rows.
- `expect(...)`: the probe returns one row per group checked; GX checks a column of it
  (e.g. `difference` between 0 and 0, `flag` in a set), and `keys` name the offending rows.

A probe may use the named parameters of `session.PARAMETERS` (`$province_code`, ...) and the temporary
view `registry` (the indicator registry seed, see `session.py`); it is SQL text, or a function of
the connection that writes it (for checks over columns discovered at run time). Suites import
nothing heavy: listing them must stay fast (great-expectations is imported only to validate).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Mapping, Union

import duckdb

LAYERS = ("raw", "marts")
ROW_COUNT_ZERO = "expect_table_row_count_to_equal"

Probe = Union[str, Callable[[duckdb.DuckDBPyConnection], str]]


@dataclass(frozen=True)
class Expectation:
    name: str                  # unique within its suite; how a failure is reported
    note: str                  # the failure it catches, in a sentence
    sql: Probe
    gx_type: str = ROW_COUNT_ZERO
    gx_kwargs: Mapping[str, Any] = field(default_factory=lambda: {"value": 0})
    keys: tuple[str, ...] = ()  # columns of the frame that name an unexpected row

    @property
    def counts_violations(self) -> bool:
        return self.gx_type == ROW_COUNT_ZERO

    def probe(self, con: duckdb.DuckDBPyConnection) -> str:
        return self.sql if isinstance(self.sql, str) else self.sql(con)


def violations(name: str, note: str, sql: Probe) -> Expectation:
    """The probe returns the rows (or groups) that break the rule; none are expected."""
    return Expectation(name=name, note=note, sql=sql)


def expect(name: str, note: str, sql: Probe, gx_type: str, *, keys: tuple[str, ...] = (), **gx_kwargs) -> Expectation:
    """GX expectation `gx_type` (e.g. expect_column_values_to_be_between) on the probe's frame."""
    return Expectation(name=name, note=note, sql=sql, gx_type=gx_type, gx_kwargs=gx_kwargs, keys=tuple(keys))


@dataclass(frozen=True)
class Suite:
    name: str                  # e.g. mart_indicator_values; also the file name under expectations/
    layer: str                 # raw or marts
    blocking: bool             # a failure refuses the release (marts) or only warns (raw)
    description: str
    expectations: tuple[Expectation, ...]

    def __post_init__(self) -> None:
        if self.layer not in LAYERS:
            raise ValueError(f"suite {self.name}: layer must be one of {LAYERS}, not {self.layer!r}")
        names = [e.name for e in self.expectations]
        duplicated = sorted({n for n in names if names.count(n) > 1})
        if duplicated:
            raise ValueError(f"suite {self.name}: expectation names used twice: {', '.join(duplicated)}")
