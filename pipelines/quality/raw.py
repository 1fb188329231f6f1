"""Expectations of the raw tables, derived from their one definition (pipelines.warehouse.RAW_TABLES).

Raw rows are what ingestion wrote: a broken rule here is an ingestion bug (or a sender's
surprise it let through). Offending rows are reported by file and first line, never by value
of a personal field.
"""

from __future__ import annotations

from typing import Iterable

from pipelines.publish.candidate import quote_identifier
from pipelines.quality.rules import columns_as_contracted, declared_type, no_identity_numbers, not_null, unique
from pipelines.quality.spec import Expectation, violations
from pipelines.warehouse import LINEAGE_COLUMNS, RAW_TABLES, raw_columns

HEX_COLUMNS = ("person_pseudonym", "file_sha256")  # hex text is digits and letters by design
LOAD_DAY = "timezone($local_time_zone, loaded_at)::date"  # the local day the row was loaded


def basics(table: str) -> tuple[Expectation, ...]:
    """Columns and types, required fields, lineage: what every raw table promises dbt."""
    qualified = f"raw.{table}"
    required = [c for c, ddl in RAW_TABLES[table].items() if ddl.endswith("NOT NULL")]
    return (
        columns_as_contracted(
            qualified, {c: declared_type(ddl) for c, ddl in raw_columns(table).items()},
            note=f"{qualified} differs from RAW_TABLES (a reader or the DDL changed alone): "
            "the staging models read columns that are not there or not of that type",
        ),
        not_null(qualified, required, note="a field the contract requires is empty: the reader should have quarantined the row"),
        not_null(
            qualified, LINEAGE_COLUMNS, name="lineage_not_null",
            note="a row cannot be traced to its delivery (file, line, sha256, file date, load time)",
        ),
        unique(
            qualified, ("file_sha256", "line_no"), name="lineage_unique",
            note="the same line of the same file was loaded twice (a duplicate delivery or a batch written twice)",
        ),
        no_identity_numbers(
            qualified, exclude=HEX_COLUMNS,
            note="a text field holds what looks like an identity number: ingestion must pseudonymise "
            "identity numbers and must not keep them in clear anywhere",
        ),
    )


def pseudonyms_are_hmac(table: str, column: str = "person_pseudonym") -> Expectation:
    """Every pseudonym is an HMAC-SHA-256 hex digest: anything else may be an identity number in clear."""
    return violations(
        "pseudonyms_are_hmac_sha256",
        f"a {column} is not 64 lower-case hex digits: the identity number was not pseudonymised "
        "(it may be stored in clear) or was pseudonymised another way, which breaks the cross-agency link",
        f"""
        select source_file, count(*) as rows, min(line_no) as first_line
        from raw.{table}
        where {quote_identifier(column)} is not null
          and not regexp_full_match({quote_identifier(column)}, '[0-9a-f]{{64}}')
        group by source_file
        order by source_file
        """,
    )


def event_dates_in_range(table: str, column: str) -> Expectation:
    """The event date lies in [2010-01-01, the day the row was loaded]."""
    c = quote_identifier(column)
    return violations(
        "event_dates_in_range",
        f"a {column} is before 2010-01-01 or after the day its file was loaded: the reader should "
        "have quarantined the row (or parsed day and month the wrong way round)",
        f"""
        select source_file, count(*) as rows, min({c}) as earliest, max({c}) as latest,
               min(line_no) as first_line
        from raw.{table}
        where {c} < $earliest_event_date or {c} > {LOAD_DAY}
        group by source_file
        order by source_file
        """,
    )


def not_after_load_day(table: str, columns: Iterable[str]) -> Expectation:
    """Dates other than the event's (updates, follow-ups) cannot lie after the load either."""
    columns = list(columns)
    late = " or ".join(f"{quote_identifier(c)}::date > {LOAD_DAY}" for c in columns)
    return violations(
        "no_dates_after_load_day",
        f"a {' or '.join(columns)} lies after the day its file was loaded: a misread date",
        f"""
        select source_file, count(*) as rows, min(line_no) as first_line
        from raw.{table}
        where {late}
        group by source_file
        order by source_file
        """,
    )
