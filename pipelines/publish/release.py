"""Write one release folder: marts.duckdb, one Parquet file per table, manifest.json.

The release database holds the published tables in its default schema `main`, copied from the
warehouse's schema `marts` by DuckDB (ATTACH, CREATE TABLE AS SELECT), and `release`, the row
that describes the release. Nothing raw, staged or person-level can reach it. Opened directly, a
file named `marts.duckdb` is catalog `marts`, so clients write `indicator_values` or
`marts.indicator_values` alike (contract v2; a schema `marts` inside it would make that ambiguous).
"""

from __future__ import annotations

import hashlib
import json
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Callable

import duckdb

from pipelines.config import AGENCIES
from pipelines.publish.candidate import (
    PUBLISHED_ORDER, PUBLISHED_TABLES, RELEASE_ID_COLUMN, STAMPED_TABLES, quote_identifier, quote_literal,
    table_columns,
)
from pipelines.publish.store import MANIFEST, RELEASE_DB

RELEASE_TABLE = "release"
# The release table, as in docs/interface.md.
RELEASE_COLUMNS = {
    "release_id": "VARCHAR NOT NULL",
    "published_at": "TIMESTAMPTZ NOT NULL",
    "code_version": "VARCHAR NOT NULL",
    **{f"data_through_{agency}": "DATE" for agency in AGENCIES},  # latest event date of its data
    "deliveries": "INTEGER NOT NULL",       # deliveries the release contains (listed in the manifest)
    "checks_passed": "INTEGER NOT NULL",    # quality checks passed (all listed in the manifest)
    "previous_release_id": "VARCHAR",
}
_ATTACHED = "release"


def _select(con: duckdb.DuckDBPyConnection, table: str) -> str:
    """SELECT of a warehouse table in its published order; a stamped table gets its release_id
    from the parameter."""
    order = f" order by {', '.join(PUBLISHED_ORDER[table])}" if table in PUBLISHED_ORDER else ""
    if table not in STAMPED_TABLES:
        return f"select * from marts.{table}{order}"
    stamp = f"?::VARCHAR as {RELEASE_ID_COLUMN}"
    if RELEASE_ID_COLUMN in {name for name, _ in table_columns(con, table)}:
        return f"select * replace ({stamp}) from marts.{table}{order}"
    return f"select *, {stamp} from marts.{table}{order}"


def _copy_tables(con: duckdb.DuckDBPyConnection, release_id: str, on_stage: Callable[[str], None]) -> None:
    for table in PUBLISHED_TABLES:
        params = [release_id] if table in STAMPED_TABLES else []
        con.execute(f"create table {_ATTACHED}.main.{table} as {_select(con, table)}", params)
        on_stage(f"copied {table}")


def _write_release_row(con: duckdb.DuckDBPyConnection, row: dict) -> None:
    columns = ", ".join(f"{quote_identifier(n)} {t}" for n, t in RELEASE_COLUMNS.items())
    con.execute(f"create table {_ATTACHED}.main.{RELEASE_TABLE} ({columns})")
    placeholders = ", ".join("?" for _ in RELEASE_COLUMNS)
    con.execute(f"insert into {_ATTACHED}.main.{RELEASE_TABLE} values ({placeholders})",
                [row[name] for name in RELEASE_COLUMNS])


def _json_value(value: object) -> object:
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, (Decimal, Path)):
        return str(value)
    raise TypeError(f"cannot record {type(value).__name__} {value!r} in a manifest")


def _sha256_file(path: Path) -> str:
    with open(path, "rb") as f:
        return hashlib.file_digest(f, "sha256").hexdigest()


def write_release(
    con: duckdb.DuckDBPyConnection,
    folder: Path,
    row: dict,
    *,
    fingerprint: str,
    deliveries: list[dict],
    checks: list[dict],
    on_stage: Callable[[str], None],
) -> dict:
    """Build the release described by `row` (the marts.release row) in `folder`; return its manifest.

    `con` is the candidate warehouse (read-only); the new database is attached to it, filled,
    checkpointed and detached, so the file is complete and closed when this returns.
    """
    tables = (*PUBLISHED_TABLES, RELEASE_TABLE)
    con.execute(f"attach {quote_literal(folder / RELEASE_DB)} as {_ATTACHED} (READ_WRITE)")
    try:
        _copy_tables(con, row["release_id"], on_stage)
        _write_release_row(con, row)
        rows = {}
        for table in tables:
            qualified = f"{_ATTACHED}.main.{table}"
            rows[table] = con.execute(f"select count(*) from {qualified}").fetchall()[0][0]
            con.execute(f"copy {qualified} to {quote_literal(folder / f'{table}.parquet')} (format parquet)")
        con.execute(f"checkpoint {_ATTACHED}")
    finally:
        con.execute(f"detach {_ATTACHED}")

    manifest = {
        "release_id": row["release_id"],
        "published_at": row["published_at"],
        "code_version": row["code_version"],
        "fingerprint": fingerprint,
        "previous_release_id": row["previous_release_id"],
        "data_through": {agency: row[f"data_through_{agency}"] for agency in AGENCIES},
        "tables": {table: {"rows": rows[table], "parquet": f"{table}.parquet"} for table in tables},
        "files": {path.name: _sha256_file(path) for path in sorted(folder.iterdir())},
        "deliveries": deliveries,
        "checks": checks,
    }
    text = json.dumps(manifest, indent=2, ensure_ascii=False, default=_json_value)
    (folder / MANIFEST).write_text(text + "\n", encoding="utf-8")
    return json.loads(text)
