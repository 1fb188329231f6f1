"""The connection suites run in, and how a probe's frame is fetched from it.

The warehouse is opened read-only: while it is open no writer can change it (DuckDB's file
lock), so every suite of a run, and the candidate fingerprint they record, see the same data.
"""

from __future__ import annotations

import json
import re
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from typing import Any, Callable, Iterator

import duckdb
import pandas as pd

from pipelines.config import INDICATOR_REGISTRY_CSV, Settings
from pipelines.contract import EARLIEST_EVENT_DATE, LOCAL_TIME_ZONE
from pipelines.publish import published_release
from pipelines.publish.candidate import quote_literal
from pipelines.warehouse import connect

# The indicator registry seed: the one home of indicator metadata (each indicator's sexes too,
# which dim_indicator does not publish).
REGISTRY_CSV = INDICATOR_REGISTRY_CSV

# A frame larger than this is not compact: the probe is cut off there (memory stays flat).
MAX_FRAME_ROWS = 100_000

_PARAMETER = re.compile(r"\$([a-z_]+)\b")


def _previous_table_rows(settings: Settings) -> str:
    """Row counts of the published release's tables, as JSON text ({} when nothing is published)."""
    manifest = published_release(settings) or {}
    return json.dumps({table: entry["rows"] for table, entry in manifest.get("tables", {}).items()})


# The values a probe may name as `$name`, computed only when a probe names them.
PARAMETERS: dict[str, Callable[[Settings], Any]] = {
    "province_code": lambda settings: settings.province_code,
    "earliest_event_date": lambda settings: date.fromisoformat(EARLIEST_EVENT_DATE),
    "local_time_zone": lambda settings: LOCAL_TIME_ZONE,
    "previous_table_rows": _previous_table_rows,
}


class QualityError(Exception):
    """The suites cannot run at all (no warehouse, unknown suite)."""


@contextmanager
def open_session(settings: Settings) -> Iterator[duckdb.DuckDBPyConnection]:
    """The warehouse read-only, with the temporary view `registry` when the seed is there."""
    if not settings.warehouse_db.exists():
        raise QualityError(f"no warehouse at {settings.warehouse_db}: nothing to check")
    con = connect(settings, read_only=True)
    try:
        # As publish's open_candidate: the fingerprint must hash the same text forms.
        con.execute("SET TimeZone = 'UTC'")
        # Without the seed the view is missing and every probe using it fails: loudly, not vacuously.
        if REGISTRY_CSV.is_file():
            con.execute(f"""
                create temp view registry as
                select indicator_code, unit, agency, numerator_code, denominator_code, disclosure,
                       additive::boolean as additive, string_split(sex_breakdown, '') as sexes
                from read_csv({quote_literal(REGISTRY_CSV)}, header = true, all_varchar = true)
            """)
        yield con
    finally:
        con.close()


def bind(sql: str, settings: Settings) -> dict[str, Any]:
    """The parameters `sql` names (DuckDB refuses parameters a query does not use)."""
    used = set(_PARAMETER.findall(sql))
    unknown = used - PARAMETERS.keys()
    if unknown:
        raise QualityError(f"unknown probe parameter(s): {', '.join(sorted(unknown))}")
    return {name: PARAMETERS[name](settings) for name in sorted(used)}


@dataclass(frozen=True)
class Frame:
    data: pd.DataFrame   # at most MAX_FRAME_ROWS + 1 rows
    rows: int            # rows the probe returned in all
    truncated: bool


def fetch(con: duckdb.DuckDBPyConnection, sql: str, settings: Settings) -> Frame:
    """Run a probe; its rows as pandas (what GX validates), cut off at MAX_FRAME_ROWS + 1."""
    query = sql.strip().rstrip(";")
    params = bind(query, settings)
    data = con.execute(f"select * from (\n{query}\n) limit {MAX_FRAME_ROWS + 1}", params).df()
    if len(data) <= MAX_FRAME_ROWS:
        return Frame(data=data, rows=len(data), truncated=False)
    rows = con.execute(f"select count(*) from (\n{query}\n)", params).fetchall()[0][0]
    return Frame(data=data, rows=rows, truncated=True)
