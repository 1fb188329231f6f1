"""release_row_counts: each published table's size against the release published now (a warning).

A table that shrinks or grows by more than half since the published release is worth a look
(a lost agency, a duplicated load), but real changes happen too (a new agency, the first
months of data), so it never refuses a release. Without a published release nothing is compared.
"""

from pipelines.publish import PUBLISHED_TABLES
from pipelines.quality.spec import Suite, expect

ROW_COUNT_BAND = 0.5  # ±50% of the published release's rows

CURRENT_ROWS = "\n                union all ".join(
    f"select '{table}' as table_name, count(*) as rows from marts.{table}" for table in PUBLISHED_TABLES
)

SUITE = Suite(
    name="release_row_counts",
    layer="marts",
    blocking=False,
    description=f"Row counts of the candidate within ±{ROW_COUNT_BAND:.0%} of the published release's manifest.",
    expectations=(
        expect(
            "rows_within_band_of_published_release",
            f"a published table's row count changed by more than {ROW_COUNT_BAND:.0%} against the "
            "published release (a lost or duplicated delivery, a join that drops or multiplies rows)",
            f"""
            with previous as (
                select key as table_name, value::bigint as previous_rows
                from json_each($previous_table_rows)
            ),
            current as (
                {CURRENT_ROWS}
            )
            select table_name, previous_rows, rows, rows / nullif(previous_rows, 0) - 1 as relative_change
            from current join previous using (table_name)
            order by table_name
            """,
            "expect_column_values_to_be_between",
            keys=("table_name", "previous_rows", "rows"),
            column="relative_change", min_value=-ROW_COUNT_BAND, max_value=ROW_COUNT_BAND,
        ),
    ),
)
