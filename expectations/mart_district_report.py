"""marts.district_report: the half-year and year report of every area (marts.md, `marts.district_report`).

One column per indicator of dim_indicator (its code in lower case) holding its T value after
suppression. Rows are required for every area below the city that has values in a half-year or
year period; a city row is allowed, not required (the contract asks the report of every district).
"""

from pipelines.quality.rules import NUMERIC_TYPES, columns_as_contracted, no_identity_numbers, not_null, unique
from pipelines.quality.spec import Suite, violations

TABLE = "marts.district_report"
LABELS = ["area_id", "period_id", "area_name", "label_vi"]
REPORT_PERIOD_TYPES = "('half', 'year')"

SUITE = Suite(
    name="mart_district_report",
    layer="marts",
    blocking=True,
    description="The district report: one row per area and half-year/year period, values as in indicator_values.",
    expectations=(
        columns_as_contracted(
            TABLE, {c: "VARCHAR" for c in LABELS},
            more_columns_sql="select lower(indicator_code), " + repr(list(NUMERIC_TYPES)) + " from marts.dim_indicator",
            note="the report lacks an indicator's column, has a column no indicator explains, or one of another type",
        ),
        not_null(TABLE, ["area_id", "period_id"], name="key_not_null"),
        unique(TABLE, ["area_id", "period_id"], note="two report rows for one area and period"),
        violations(
            "periods_are_halves_and_years",
            "a report row for a period that is not a half-year or a year (of either calendar), or an unknown period",
            f"""
            select r.period_id, count(*) as rows
            from {TABLE} r left join marts.dim_period p using (period_id)
            where p.period_type is null or p.period_type not in {REPORT_PERIOD_TYPES}
            group by all order by all
            """,
        ),
        violations(
            "area_valid_in_period",
            "a report row for an area unknown to dim_area, or not valid on any day of its period",
            f"""
            select r.area_id, r.period_id
            from {TABLE} r
            left join marts.dim_area a using (area_id)
            left join marts.dim_period p using (period_id)
            where a.area_id is null or a.valid_from > p.end_date or a.valid_to < p.start_date
            order by all
            """,
        ),
        violations(
            "rows_present",
            "an area below the city has values in a half-year or year period but no report row: its report is missing",
            f"""
            with expected as (
                select distinct v.area_id, v.period_id
                from marts.indicator_values v
                join marts.dim_period p using (period_id)
                join marts.dim_area a using (area_id)
                where p.period_type in {REPORT_PERIOD_TYPES} and a.level <> 'city'
            )
            select area_id, period_id
            from expected anti join {TABLE} using (area_id, period_id)
            order by all
            """,
        ),
        violations(
            "values_match_indicator_values",
            "a report value differs from the T value of indicator_values (after suppression): the "
            "report would show what the published values hide, or numbers that are not published",
            f"""
            with report as (
                from {TABLE}
                unpivot include nulls (value for column_name in (columns(* exclude ({', '.join(LABELS)}))))
            )
            select r.area_id, r.period_id, upper(r.column_name) as indicator_code
            from report r
            left join marts.indicator_values v
              on v.indicator_code = upper(r.column_name) and v.area_id = r.area_id
             and v.period_id = r.period_id and v.sex = 'T'
            where r.value is distinct from v.value
            order by all
            """,
        ),
        violations(
            "labels_as_in_dimensions",
            "a report row's area_name or label_vi differs from dim_area / dim_period",
            f"""
            select r.area_id, r.period_id,
                   r.area_name is distinct from a.area_name as area_name_differs,
                   r.label_vi is distinct from p.label_vi as label_differs
            from {TABLE} r
            left join marts.dim_area a using (area_id)
            left join marts.dim_period p using (period_id)
            where r.area_name is distinct from a.area_name or r.label_vi is distinct from p.label_vi
            order by all
            """,
        ),
        no_identity_numbers(TABLE),
    ),
)
