"""The internal warehouse file (warehouse.duckdb): connections and the tables Python owns.

Python owns `raw.*` (append-only, one table per agency) and `ops.*` (the delivery
register and the quarantine). Everything else in the file is built by dbt.
"""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import duckdb

from pipelines.config import Settings
from pipelines.permissions import make_private

# Lineage carried by every raw row.
LINEAGE_COLUMNS = {
    "source_file": "VARCHAR NOT NULL",   # path relative to landing/, as in ops.deliveries
    "line_no": "INTEGER NOT NULL",       # 1-based line of the file, or row of the sheet
    "file_sha256": "VARCHAR NOT NULL",
    "file_date": "DATE NOT NULL",        # the date in the file name (revision order)
    "file_seq": "INTEGER NOT NULL",      # police _<n> / health _v<n> suffix; 1 when absent
    "loaded_at": "TIMESTAMPTZ NOT NULL",
}

# Raw tables: values as delivered, parsed to types, text NFC-normalised and trimmed;
# identity numbers replaced by pseudonyms, names dropped. No revision resolution here.
RAW_TABLES: dict[str, dict[str, str]] = {
    "police_case_persons": {
        "case_id": "VARCHAR NOT NULL",
        "detected_on": "DATE NOT NULL",
        "area_code": "VARCHAR",
        "area_name": "VARCHAR",
        "place_kind": "VARCHAR",
        "establishment_name": "VARCHAR",
        "offence": "VARCHAR NOT NULL",
        "handling": "VARCHAR NOT NULL",
        "fine_vnd": "BIGINT",
        "person_pseudonym": "VARCHAR NOT NULL",
        "birth_year": "SMALLINT",
        "sex": "VARCHAR NOT NULL",
        "role": "VARCHAR NOT NULL",
        "record_status": "VARCHAR NOT NULL",
        "updated_at": "TIMESTAMP NOT NULL",
    },
    "health_monthly_reports": {
        "report_year": "SMALLINT NOT NULL",
        "report_month": "TINYINT NOT NULL",
        "period_start": "DATE NOT NULL",     # dates stated in row 2 of the form
        "period_end": "DATE NOT NULL",
        "version": "INTEGER NOT NULL",       # 1 without suffix, n for _v<n>
        "row_number": "INTEGER",            # STT
        "area_name": "VARCHAR NOT NULL",
        "reached_female": "INTEGER NOT NULL",
        "reached_male": "INTEGER NOT NULL",
        "hiv_tested": "INTEGER NOT NULL",
        "hiv_positive": "INTEGER NOT NULL",
        "art_initiated": "INTEGER NOT NULL",
        "sti_examined": "INTEGER NOT NULL",
        "methadone_enrolled": "INTEGER NOT NULL",
        "condoms": "BIGINT NOT NULL",
    },
    "culture_inspections": {
        "inspection_id": "VARCHAR NOT NULL",
        "schema_version": "TINYINT NOT NULL",
        "inspected_at": "TIMESTAMPTZ",       # v2 only (instant); NULL for v1
        "inspected_on": "DATE NOT NULL",     # local date in Asia/Ho_Chi_Minh
        "team": "VARCHAR",
        "license_no": "VARCHAR",
        "establishment_name": "VARCHAR",
        "establishment_type": "VARCHAR",
        "area_code": "VARCHAR",
        "area_name": "VARCHAR",
        "finding_codes": "VARCHAR[] NOT NULL",
        "penalty_vnd": "BIGINT",
        "license_action": "VARCHAR",         # none / suspended / revoked (v1 revoked -> revoked/none)
    },
    "labor_support_records": {
        "record_id": "VARCHAR NOT NULL",
        "person_pseudonym": "VARCHAR NOT NULL",
        "sex": "VARCHAR NOT NULL",
        "birth_year": "SMALLINT",
        "area_code": "VARCHAR",
        "area_name": "VARCHAR",
        "support_kind": "VARCHAR NOT NULL",
        "support_started_on": "DATE NOT NULL",
        "followup_outcome": "VARCHAR",
        "followed_up_on": "DATE",
    },
}

AGENCY_RAW_TABLE = {
    "police": "police_case_persons",
    "health": "health_monthly_reports",
    "culture": "culture_inspections",
    "labor": "labor_support_records",
}

# The column holding each agency's event date (the date an indicator counts the row on).
EVENT_DATE_COLUMNS = {
    "police": "detected_on",
    "health": "period_end",
    "culture": "inspected_on",
    "labor": "support_started_on",
}

OPS_TABLES: dict[str, dict[str, str]] = {
    "deliveries": {
        "file_name": "VARCHAR NOT NULL",     # path relative to landing/
        "agency": "VARCHAR NOT NULL",
        "sha256": "VARCHAR NOT NULL",
        "first_seen_at": "TIMESTAMPTZ NOT NULL",
        "status": "VARCHAR NOT NULL",        # accepted / rejected / duplicate
        "reason": "VARCHAR",
        "rows_read": "BIGINT",
        "rows_loaded": "BIGINT",
        "rows_quarantined": "BIGINT",
    },
    "quarantine": {
        "file_name": "VARCHAR NOT NULL",
        "line_no": "INTEGER",
        "reason": "VARCHAR NOT NULL",
        "raw": "VARCHAR",                    # the row as read, personal fields masked
    },
}


def _ddl(schema: str, table: str, columns: dict[str, str]) -> str:
    cols = ",\n  ".join(f"{name} {type_}" for name, type_ in columns.items())
    return f"CREATE TABLE IF NOT EXISTS {schema}.{table} (\n  {cols}\n)"


def raw_columns(table: str) -> dict[str, str]:
    return {**RAW_TABLES[table], **LINEAGE_COLUMNS}


def ensure_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Create raw.* and ops.* if missing (idempotent)."""
    con.execute("CREATE SCHEMA IF NOT EXISTS raw")
    con.execute("CREATE SCHEMA IF NOT EXISTS ops")
    for table in RAW_TABLES:
        con.execute(_ddl("raw", table, raw_columns(table)))
    for table, columns in OPS_TABLES.items():
        con.execute(_ddl("ops", table, columns))


def connect(settings: Settings, path: Path | None = None, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """A DuckDB connection with the configured limits and no extension auto-install."""
    db = path or settings.warehouse_db
    db.parent.mkdir(parents=True, exist_ok=True)
    config = {
        "memory_limit": settings.duckdb_memory_limit,
        "threads": settings.duckdb_threads,
        "autoinstall_known_extensions": False,
        "autoload_known_extensions": True,  # only the built-in ones (parquet, json, icu) exist
        "temp_directory": str(settings.work_dir / "duckdb_tmp"),
    }
    con = duckdb.connect(str(db), read_only=read_only, config=config)
    if db == settings.warehouse_db and not read_only:
        make_private(settings, db)  # and readable by PCMD_INTERNAL_GROUP, if set, from its creation
    con.execute("SET enable_progress_bar = false")  # progress bars would end up in run logs
    return con


@contextmanager
def warehouse(settings: Settings, read_only: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
    con = connect(settings, read_only=read_only)
    try:
        if not read_only:
            ensure_schema(con)
        yield con
    finally:
        con.close()
