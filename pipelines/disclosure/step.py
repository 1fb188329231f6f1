"""The disclosure step of a build: between dbt's unsuppressed values and the published marts.

dbt builds `intermediate.int_indicator_values_computed` (every value, nothing hidden) and
`marts.dim_period`; this step runs disclosure control on the whole candidate and writes
`disclosure.suppressed_cells` (one row per suppressed row, with the rule that suppressed it),
which dbt reads as a source when it builds `marts.indicator_values` and `district_report`.
The table is rewritten in full each time: the rules run on the whole candidate.
"""

from __future__ import annotations

import time

import polars as pl

from pipelines.config import Settings
from pipelines.disclosure.control import KEY, Outcome, control
from pipelines.warehouse import warehouse

SCHEMA = "disclosure"
SUPPRESSED_TABLE = f"{SCHEMA}.suppressed_cells"
CANDIDATE = "intermediate.int_indicator_values_computed"
PERIODS = "marts.dim_period"
# dbt's selection of what is built after this step (the source and everything downstream).
AFTER_DISCLOSURE = f"source:{SCHEMA}+"


def run(settings: Settings, fixed: pl.DataFrame | None = None) -> tuple[Outcome, float]:
    """Disclosure control of the warehouse's candidate; `fixed`: rows of approved periods
    (KEY + `suppressed`, rule 9), none today. Returns the outcome and the seconds it took."""
    started = time.perf_counter()
    with warehouse(settings) as con:
        if fixed is not None:
            con.register("dc_fixed", fixed.select(*KEY, "suppressed"))
        outcome = control(con, CANDIDATE, PERIODS, "dc_fixed" if fixed is not None else None)
        con.register("dc_outcome", outcome.suppressed)
        con.execute(f"create schema if not exists {SCHEMA}")
        con.execute(f"create or replace table {SUPPRESSED_TABLE} as select * from dc_outcome")
    return outcome, time.perf_counter() - started
