"""Expectations that every suite words the same way: columns, nulls, keys, sets, identity numbers.

Each builder returns an `Expectation` with a default note; a suite passes `note=` to say what
the failure means for its own table. Table and column names come from the suites (code, not
data), so they are written into the SQL, quoted.
"""

from __future__ import annotations

from typing import Iterable, Mapping

import duckdb

from pipelines.publish.candidate import quote_identifier, quote_literal
from pipelines.quality.spec import Expectation, expect, violations

NUMERIC_TYPES = ("DOUBLE", "BIGINT", "INTEGER", "HUGEINT")  # a count may be stored as any of these

# A run of digits with single spaces or dots between them; 9 or 12 digits looks like a CMND/CCCD.
_DIGIT_RUN = r"'[0-9]+(?:[ .][0-9]+)*'"
LOOKS_LIKE_IDENTITY = (
    f"list_filter(regexp_extract_all(text, {_DIGIT_RUN}), "
    "lambda run: length(regexp_replace(run, '[^0-9]', '', 'g')) in (9, 12)) <> []"
)


def _split(table: str) -> tuple[str, str]:
    schema, name = table.split(".")
    return schema, name


def _columns(names: Iterable[str]) -> str:
    return ", ".join(quote_identifier(n) for n in names)


def declared_type(ddl: str) -> str:
    """`VARCHAR NOT NULL` -> `VARCHAR` (the DDL strings of pipelines.warehouse)."""
    return ddl.removesuffix(" NOT NULL").strip()


def columns_as_contracted(
    table: str,
    columns: Mapping[str, str | tuple[str, ...]],
    *,
    more_columns_sql: str | None = None,
    note: str | None = None,
) -> Expectation:
    """The table has exactly these columns, each of one of the accepted types.

    `more_columns_sql` adds expected columns computed in SQL (column_name, accepted types list).
    Types are compared in DuckDB's own spelling (`typeof(NULL::TIMESTAMPTZ)`).
    """
    schema, name = _split(table)
    rows = []
    for column, types in columns.items():
        accepted = ", ".join(f"typeof(NULL::{t})" for t in ((types,) if isinstance(types, str) else types))
        rows.append(f"({quote_literal(column)}, [{accepted}])")
    expected = "values " + ",\n               ".join(rows)
    if more_columns_sql:
        expected += f"\n        union all\n        {more_columns_sql}"
    sql = f"""
        with expected(column_name, accepted) as (
            {expected}
        ),
        actual as (
            select column_name, data_type from information_schema.columns
            where table_catalog = current_database()
              and table_schema = {quote_literal(schema)} and table_name = {quote_literal(name)}
        )
        select column_name,
               case when accepted is null then 'no such column in the contract'
                    else array_to_string(accepted, ' or ') end as expected_type,
               coalesce(data_type, 'missing') as actual_type
        from expected full join actual using (column_name)
        where data_type is null or accepted is null or not list_contains(accepted, data_type)
        order by column_name
    """
    return violations(
        "columns_as_contracted",
        note or f"{table} lacks a column, has one the contract does not list, or one of another type "
        "(the interface its readers rely on changed)",
        sql,
    )


def not_null(table: str, columns: Iterable[str], *, name: str = "required_not_null", note: str | None = None) -> Expectation:
    """None of `columns` holds NULL: GX expects each column's null count to be 0."""
    columns = list(columns)
    counts = ", ".join(f"count(*) filter (where {quote_identifier(c)} is null) as {quote_identifier(c)}" for c in columns)
    sql = f"""
        from (select {counts} from {table})
        unpivot (null_rows for column_name in ({_columns(columns)}))
    """
    return expect(
        name, note or f"a required column of {table} holds NULL", sql,
        "expect_column_values_to_be_between", keys=("column_name",), min_value=0, max_value=0,
        column="null_rows",
    )


def unique(table: str, key: Iterable[str], *, name: str = "key_unique", note: str | None = None) -> Expectation:
    """No two rows share `key` (a duplicated key: a join fan-out, a load repeated)."""
    key = list(key)
    sql = f"""
        select {_columns(key)}, count(*) as copies
        from {table}
        group by all
        having count(*) > 1
        order by copies desc, {_columns(key)}
    """
    return violations(name, note or f"two rows of {table} share the key ({', '.join(key)})", sql)


def in_set(table: str, column: str, values: Iterable[str], *, name: str | None = None, note: str | None = None) -> Expectation:
    """Every non-NULL value of `column` is one of `values` (GX on the distinct values)."""
    values = list(values)
    sql = f"select {quote_identifier(column)}, count(*) as rows from {table} group by all"
    return expect(
        name or f"{column}_in_set",
        note or f"{table}.{column} holds a value outside {values}",
        sql, "expect_column_values_to_be_in_set", keys=("rows",), column=column, value_set=values,
    )


def no_negative(table: str, columns: Iterable[str], *, note: str | None = None) -> Expectation:
    """Counts and money are never negative."""
    columns = list(columns)
    counts = ", ".join(f"count(*) filter (where {quote_identifier(c)} < 0) as {quote_identifier(c)}" for c in columns)
    sql = f"""
        from (select {counts} from {table})
        unpivot (negative_rows for column_name in ({_columns(columns)}))
    """
    return expect(
        "no_negative_values", note or f"a count or an amount of money in {table} is negative",
        sql, "expect_column_values_to_be_between", keys=("column_name",), min_value=0, max_value=0,
        column="negative_rows",
    )


def no_identity_numbers(table: str, *, exclude: Iterable[str] = (), note: str | None = None) -> Expectation:
    """No text column holds what looks like an identity number (9 or 12 digits, spaced or dotted).

    The columns are found at run time, so a text column added later is checked too. Each
    column's distinct values are scanned; the report shows the text with every digit masked.
    """
    schema, name = _split(table)
    excluded = set(exclude)

    def probe(con: duckdb.DuckDBPyConnection) -> str:
        rows = con.execute(
            "select column_name from information_schema.columns "
            "where table_catalog = current_database() and table_schema = ? and table_name = ? "
            "and data_type = 'VARCHAR' order by ordinal_position",
            [schema, name],
        ).fetchall()
        columns = [c for (c,) in rows if c not in excluded]
        if not columns:
            return "select NULL::VARCHAR as column_name, 0::BIGINT as values_found, NULL::VARCHAR as masked_example where false"
        texts = "\n            union all\n            ".join(
            f"select {quote_literal(c)} as column_name, text from (select distinct {quote_identifier(c)} as text from {table})"
            for c in columns
        )
        return f"""
            with texts as (
            {texts}
            )
            select column_name, count(*) as values_found,
                   regexp_replace(left(min(text), 80), '[0-9]', '#', 'g') as masked_example
            from texts
            where {LOOKS_LIKE_IDENTITY}
            group by column_name
            order by column_name
        """

    return violations(
        "no_identity_numbers_in_text",
        note or f"a text column of {table} holds what looks like an identity number (CMND 9 or CCCD 12 "
        "digits): personal data that must never be stored or published in clear",
        probe,
    )
