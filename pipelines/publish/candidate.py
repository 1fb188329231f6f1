"""The candidate release: the published marts as dbt built them in the warehouse.

Its fingerprint (a content hash of those tables and the code version) is what the quality
checks validate and what `publish` compares with the published release, so that unchecked
data is never published and an unchanged candidate does not make a new release.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import subprocess
from contextlib import contextmanager
from datetime import date
from typing import Iterator

import duckdb
import polars as pl

from pipelines.config import AGENCIES, REPO_ROOT, Settings
from pipelines.warehouse import AGENCY_RAW_TABLE, EVENT_DATE_COLUMNS, connect

# The tables of schema `marts` that a release publishes (docs/interface.md).
PUBLISHED_TABLES = ("dim_area", "dim_period", "dim_indicator", "indicator_values", "district_report")
# Set to the new release's id when a table is copied into a release; not part of the content.
RELEASE_ID_COLUMN = "release_id"
STAMPED_TABLES = ("indicator_values",)
# The published copy is stored in the order statisticians ask for it (one period's report, one
# indicator's series): DuckDB then skips the row groups a filter on the leading column rules out.
PUBLISHED_ORDER = {
    "indicator_values": ("indicator_code", "period_id", "area_id", "sex"),
    "district_report": ("period_id", "area_id"),
}

# The event date of each agency's raw rows (marts.md, "Event dates"): what `data_through` means.

_FINGERPRINT_VERSION = "pcmd-release-fingerprint-v1"
_BATCH_ROWS = 100_000


class CandidateError(Exception):
    """The warehouse holds no complete candidate (no warehouse, or a published table missing)."""


def quote_identifier(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def quote_literal(text: object) -> str:
    return "'" + str(text).replace("'", "''") + "'"


def tables_in(con: duckdb.DuckDBPyConnection, schema: str) -> set[str]:
    """Tables and views of `schema` in the connection's own database (not attached ones)."""
    rows = con.execute(
        "select table_name from information_schema.tables "
        "where table_catalog = current_database() and table_schema = ?",
        [schema],
    ).fetchall()
    return {name for (name,) in rows}


def table_columns(con: duckdb.DuckDBPyConnection, table: str) -> list[tuple[str, str]]:
    """(name, type) of the columns of marts.<table>, in table order."""
    return con.execute(
        "select column_name, data_type from information_schema.columns "
        "where table_catalog = current_database() and table_schema = 'marts' and table_name = ? "
        "order by ordinal_position",
        [table],
    ).fetchall()


@contextmanager
def open_candidate(settings: Settings) -> Iterator[duckdb.DuckDBPyConnection]:
    """The warehouse opened read-only, with every published table present.

    While it is open no writer can change the warehouse (DuckDB's file lock), so what is
    fingerprinted is exactly what is copied into the release.
    """
    if not settings.warehouse_db.exists():
        raise CandidateError(f"no warehouse at {settings.warehouse_db}: nothing to publish")
    con = connect(settings, read_only=True)
    try:
        # Text forms of TIMESTAMPTZ (in the fingerprint) must not depend on the machine's zone.
        con.execute("SET TimeZone = 'UTC'")
        missing = [t for t in PUBLISHED_TABLES if t not in tables_in(con, "marts")]
        if missing:
            names = ", ".join(f"marts.{t}" for t in missing)
            raise CandidateError(f"{settings.warehouse_db} has no {names}: build the marts (dbt) before publishing")
        yield con
    finally:
        con.close()


def fingerprint(con: duckdb.DuckDBPyConnection, code_version: str) -> str:
    """SHA-256 over the code version and, per published table, its columns and its rows.

    Each row is hashed in SQL (sha256 of its JSON); the row hashes are streamed sorted, so the
    result does not depend on the physical order of the rows and memory stays flat.
    """
    digest = hashlib.sha256(f"{_FINGERPRINT_VERSION}\ncode_version {code_version}\n".encode())
    for table in PUBLISHED_TABLES:
        columns = [(name, type_) for name, type_ in table_columns(con, table) if name != RELEASE_ID_COLUMN]
        digest.update(f"table marts.{table} ({', '.join(f'{n} {t}' for n, t in columns)})\n".encode())
        row = "{" + ", ".join(f"{quote_literal(n)}: {quote_identifier(n)}" for n, _ in columns) + "}"
        hashes = con.sql(f"select sha256(to_json({row})) as h from marts.{table} order by h")
        rows = 0
        for batch in hashes.to_arrow_reader(_BATCH_ROWS):
            digest.update(pl.from_arrow(batch)["h"].str.join("").item().encode("ascii"))
            rows += batch.num_rows
        digest.update(f"\nrows {rows}\n".encode())
    return digest.hexdigest()


def current_code_version() -> str:
    """The package version and the git commit of the code, `-dirty` with uncommitted changes.

    `--no-optional-locks`: reading the version must not touch the repository's index.
    """
    try:
        version = importlib.metadata.version("pcmd-warehouse")
    except importlib.metadata.PackageNotFoundError:
        version = "0+unknown"
    try:
        described = subprocess.run(
            ["git", "--no-optional-locks", "-C", str(REPO_ROOT), "describe", "--always", "--dirty", "--abbrev=12"],
            capture_output=True, text=True, timeout=10, check=True,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return version
    return f"{version}+{described}" if described else version


def candidate_fingerprint(settings: Settings, code_version: str | None = None) -> str:
    """The fingerprint of what `publish` would publish now; the checks carry it with their result.

    Pass the same `code_version` as to `publish` (default: `current_code_version()`).
    """
    with open_candidate(settings) as con:
        return fingerprint(con, current_code_version() if code_version is None else code_version)


def data_through(con: duckdb.DuckDBPyConnection) -> dict[str, date | None]:
    """The latest event date of each agency's rows in the warehouse (None without rows)."""
    present = tables_in(con, "raw")
    latest = {}
    for agency in AGENCIES:
        table = AGENCY_RAW_TABLE[agency]
        latest[agency] = (
            con.execute(f"select max({EVENT_DATE_COLUMNS[agency]}) from raw.{table}").fetchall()[0][0]
            if table in present else None
        )
    return latest


def accepted_deliveries(settings: Settings) -> list[dict]:
    """The accepted deliveries of ops.deliveries (what the candidate was built from), oldest first."""
    if not settings.warehouse_db.exists():
        return []
    con = connect(settings, read_only=True)
    try:
        if "deliveries" not in tables_in(con, "ops"):
            return []
        rel = con.sql(
            "select file_name, agency, sha256, first_seen_at, rows_loaded, rows_quarantined "
            "from ops.deliveries where status = 'accepted' order by first_seen_at, file_name"
        )
        return [dict(zip(rel.columns, row)) for row in rel.fetchall()]
    finally:
        con.close()
