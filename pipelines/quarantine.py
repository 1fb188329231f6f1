"""The rows dbt finds bad, into the quarantine, and the delivery counts that follow.

Ingestion quarantines the rows it cannot parse and never loads them. Among the rows it loads,
dbt finds those whose area cannot be placed, whose category no vocabulary knows, or whose health
workbook states no month of either calendar: `intermediate.int_rows_rejected` (file_name,
line_no, reason, raw with the pseudonym masked). Run after a build:

    from pipelines.config import load_settings
    from pipelines.quarantine import record_rejections

    record_rejections(load_settings())   # -> rows newly quarantined

It makes ops.quarantine hold exactly dbt's current rejections besides ingestion's own rows, so a
second run changes nothing; and it sets `rows_loaded` / `rows_quarantined` of the deliveries
concerned, so that `rows_loaded + rows_quarantined` stays `rows_read`. A row rejected by an
earlier build and accepted now (a vocabulary or reference fix) leaves the quarantine again.
dbt's entries are told from ingestion's by their line being in raw.*: ingestion never loads the
rows it quarantines.
"""

from __future__ import annotations

import logging

import duckdb

from pipelines.config import Settings
from pipelines.warehouse import RAW_TABLES, warehouse

log = logging.getLogger(__name__)

REJECTED_ROWS = "intermediate.int_rows_rejected"


class NotBuilt(RuntimeError):
    """The warehouse has no int_rows_rejected: dbt has not built it yet."""


def record_rejections(settings: Settings) -> int:
    """Bring ops.quarantine up to date with dbt's rejections; returns how many rows it added."""
    with warehouse(settings) as con:
        if not _exists(con, REJECTED_ROWS):
            raise NotBuilt(f"{settings.warehouse_db} has no {REJECTED_ROWS}: run the dbt build first")
        con.begin()
        try:
            _stage_changes(con)
            withdrawn, added = (
                con.sql("select count(*) from _withdrawn").fetchall()[0][0],
                con.sql("select count(*) from _added").fetchall()[0][0],
            )
            con.execute(
                "delete from ops.quarantine q using _withdrawn w "
                "where q.file_name = w.file_name and q.line_no = w.line_no and q.reason = w.reason"
            )
            con.execute("insert into ops.quarantine by name select file_name, line_no, reason, raw from _added")
            _recount_deliveries(con)
            con.commit()
        except BaseException:
            con.rollback()
            raise
    log.info("quarantine: %d rows found bad by dbt added, %d no longer bad withdrawn", added, withdrawn)
    return added


def _stage_changes(con: duckdb.DuckDBPyConnection) -> None:
    """_withdrawn: dbt's entries that are no longer rejections (or no longer for that reason);
    _added: rejections not yet in the quarantine. Temporary tables of this transaction."""
    raw_lines = " union all ".join(f"select source_file, line_no from raw.{table}" for table in RAW_TABLES)
    con.execute(f"""
        create or replace temp table _withdrawn as
        select quarantine.file_name, quarantine.line_no, quarantine.reason
        from ops.quarantine as quarantine
        semi join ({raw_lines}) as raw_lines
            on raw_lines.source_file = quarantine.file_name and raw_lines.line_no = quarantine.line_no
        anti join {REJECTED_ROWS} as rejected
            on rejected.file_name = quarantine.file_name
            and rejected.line_no = quarantine.line_no
            and rejected.reason = quarantine.reason
    """)
    con.execute(f"""
        create or replace temp table _added as
        select rejected.*
        from {REJECTED_ROWS} as rejected
        anti join ops.quarantine as quarantine
            on quarantine.file_name = rejected.file_name
            and quarantine.line_no = rejected.line_no
            and quarantine.reason = rejected.reason
    """)


def _recount_deliveries(con: duckdb.DuckDBPyConnection) -> None:
    """rows_quarantined of each file concerned is what the quarantine holds for it; the rest of
    what was read is loaded."""
    con.execute("""
        update ops.deliveries as deliveries
        set rows_quarantined = counts.quarantined,
            rows_loaded = deliveries.rows_read - counts.quarantined
        from (
            select file_name, count(*) as quarantined
            from ops.quarantine
            where file_name in (select file_name from _withdrawn union select file_name from _added)
            group by file_name
            union all
            -- a file whose last quarantined row was withdrawn
            select file_name, 0
            from (select file_name from _withdrawn union select file_name from _added)
            where file_name not in (select file_name from ops.quarantine)
        ) as counts
        where deliveries.file_name = counts.file_name and deliveries.status = 'accepted'
    """)


def _exists(con: duckdb.DuckDBPyConnection, qualified_name: str) -> bool:
    schema, name = qualified_name.split(".")
    return bool(con.execute(
        "select count(*) from information_schema.tables "
        "where table_catalog = current_database() and table_schema = ? and table_name = ?",
        [schema, name],
    ).fetchall()[0][0])
