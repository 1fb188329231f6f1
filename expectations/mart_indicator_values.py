"""marts.indicator_values: one value per indicator × area × period × sex (marts.md).

The contract's readings this suite makes where the text leaves a choice:
- City = sum of its areas (public counts and amounts of money): an event counts in the unit
  valid on its date, so over a period spanning the 2025 reform the districts hold its days up
  to 30/06/2025 and the commune-level units the days after. The city is therefore compared
  with the sum over every area below it, reported split by level (district_sum, commune_sum).
- Coverage: an agency covers, in each calendar, the months from its first to its last month
  with rows; every period of that calendar overlapping them is expected (periods are made of
  whole months, so this is exactly "the periods that overlap its earliest and latest event
  date"). The days every calendar agrees are covered are expected in both calendars, so a
  calendar missing altogether is caught. Health is covered month by month: only the months
  with a workbook, and the longer periods overlapping one (in the calendar of its workbooks).
  Each expected period has a row for every area valid in it and every sex of the indicator
  (the sexes come from the registry seed: dim_indicator does not publish them).
- Disclosure control (version 2) is applied by pipelines/disclosure; this suite does not apply
  the rules again, it checks properties of the result: no 1–4 shown, no T suppressed beside a
  shown F or M and never one of F and M alone, no lone suppressed area in an area group nor
  lone suppressed period in a period relation, ratios with their parts, and the audit (rule 8):
  no suppressed cell is determined by the published values and the exact relations.
Disclosure failures report keys only, never the small values themselves.
"""

import duckdb
import polars as pl

from pipelines.disclosure import determined_cells, period_relations_sql
from pipelines.quality.rules import NUMERIC_TYPES, columns_as_contracted, in_set, no_identity_numbers, not_null, unique
from pipelines.quality.spec import Suite, expect, violations

TABLE = "marts.indicator_values"
KEY = ["indicator_code", "area_id", "period_id", "sex"]
COLUMNS = {
    "indicator_code": "VARCHAR", "area_id": "VARCHAR", "period_id": "VARCHAR", "sex": "VARCHAR",
    "value": "DOUBLE", "numerator": NUMERIC_TYPES, "denominator": NUMERIC_TYPES, "flag": "VARCHAR",
    "release_id": "VARCHAR",  # NULL in the candidate; publish stamps it
}
# Rows joined with what the rules need to know about their indicator and area.
ROWS = f"""
    {TABLE} v
    join marts.dim_indicator i using (indicator_code)
    join marts.dim_area a using (area_id)
"""
SUPPRESSED = "coalesce(v.flag = 'suppressed', false)"
# The rows disclosure control protects: small-cell counts below the city.
PROTECTED = f"""
    select v.*, {SUPPRESSED} as is_suppressed
    from {ROWS}
    where i.disclosure = 'small_cell' and i.unit = 'count' and a.level <> 'city'
"""


def determined(con: duckdb.DuckDBPyConnection) -> str:
    """Rule 8's audit on the candidate (pipelines.disclosure.determined_cells): the suppressed
    cells its published values and the exact relations determine, as a frame of keys."""
    values = f"""(
        select v.indicator_code, v.area_id, v.period_id, v.sex, v.value, v.flag,
               i.unit, i.disclosure, i.additive, a.level as area_level
        from {ROWS}
    )"""
    found = pl.DataFrame(determined_cells(con, values, "marts.dim_period"), orient="row",
                         schema=["indicator_code", "area_id", "period_id", "sex"])
    con.register("disclosure_determined_cells", found)
    return "select * from disclosure_determined_cells order by all"


SUITE = Suite(
    name="mart_indicator_values",
    layer="marts",
    blocking=True,
    description="The published values: keys, references, arithmetic, coverage and disclosure control.",
    expectations=(
        columns_as_contracted(TABLE, COLUMNS),
        not_null(TABLE, KEY, name="key_not_null", note="a row without its indicator, area, period or sex cannot be read"),
        unique(TABLE, KEY, note="two values for one indicator × area × period × sex (a join fan-out): sums double"),
        violations(
            "indicator_known",
            "a value of an indicator that is not in dim_indicator (the registry): readers cannot tell what it counts",
            f"""
            select indicator_code, count(*) as rows
            from {TABLE} anti join marts.dim_indicator using (indicator_code)
            group by all order by all
            """,
        ),
        violations(
            "area_known",
            "a value of an area that is not in dim_area (an old ward, an unresolved name)",
            f"""
            select area_id, count(*) as rows
            from {TABLE} anti join marts.dim_area using (area_id)
            group by all order by all
            """,
        ),
        violations(
            "period_known",
            "a value of a period that is not in dim_period",
            f"""
            select period_id, count(*) as rows
            from {TABLE} anti join marts.dim_period using (period_id)
            group by all order by all
            """,
        ),
        violations(
            "area_valid_in_period",
            "a value of an area that did not exist on any day of the period (a district after the "
            "2025 reform, a commune before it, Huyện Từ Liêm after 2013): events were placed in the wrong unit",
            f"""
            select v.area_id, v.period_id, count(*) as rows
            from {TABLE} v
            join marts.dim_area a using (area_id)
            join marts.dim_period p using (period_id)
            where a.valid_from > p.end_date or a.valid_to < p.start_date
            group by all order by all
            """,
        ),
        in_set(TABLE, "sex", ["T", "F", "M"]),
        violations(
            "sex_as_registered",
            "a sex the indicator has no breakdown for (F or M of a total-only indicator)",
            f"""
            select v.indicator_code, v.sex, count(*) as rows
            from {TABLE} v join registry r using (indicator_code)
            where not list_contains(r.sexes, v.sex)
            group by all order by all
            """,
        ),
        in_set(TABLE, "flag", ["suppressed", "undefined", "incomplete"],
               note="a flag outside the contract's (NULL, suppressed, undefined, incomplete)"),
        violations(
            "value_null_iff_suppressed_or_undefined",
            "a value is NULL without being suppressed or undefined (a missing number passed off as "
            "published), or a suppressed/undefined row still carries its value",
            f"""
            select indicator_code, flag, value is null as value_is_null, count(*) as rows
            from {TABLE}
            where (value is null) <> coalesce(flag in ('suppressed', 'undefined'), false)
            group by all order by all
            """,
        ),
        violations(
            "incomplete_only_for_monthly_reports",
            "a row flagged incomplete whose agency does not report month by month (only health does)",
            f"""
            select v.indicator_code, count(*) as rows
            from {ROWS}
            where v.flag = 'incomplete' and i.agency <> 'health'
            group by all order by all
            """,
        ),
        violations(
            "no_negative_values",
            "a negative count, amount, numerator or denominator",
            f"""
            select indicator_code, count(*) as rows
            from {TABLE}
            where value < 0 or numerator < 0 or denominator < 0
            group by all order by all
            """,
        ),
        violations(
            "counts_are_whole_numbers",
            "a count or an amount of đồng that is not a whole number (an average or a share slipped in)",
            f"""
            select v.indicator_code, count(*) as rows
            from {ROWS}
            where i.unit in ('count', 'vnd') and v.value <> round(v.value)
            group by all order by all
            """,
        ),
        violations(
            "ratio_within_0_and_1",
            "a ratio outside [0, 1]: its numerator and denominator are swapped or counted differently",
            f"""
            select v.indicator_code, count(*) as rows, min(v.value) as lowest, max(v.value) as highest
            from {ROWS}
            where i.unit = 'ratio' and (v.value < 0 or v.value > 1)
            group by all order by all
            """,
        ),
        violations(
            "ratio_equals_numerator_over_denominator",
            "a published ratio is not its numerator divided by its denominator (or lacks them)",
            f"""
            select v.indicator_code, v.area_id, v.period_id, v.sex, v.value, v.numerator, v.denominator
            from {ROWS}
            where i.unit = 'ratio' and v.value is not null
              and (v.numerator is null or v.denominator is null or v.denominator = 0
                   or abs(v.value - v.numerator / v.denominator) > 1e-9)
            order by all
            """,
        ),
        violations(
            "ratio_parts_match_their_indicators",
            "a ratio's numerator or denominator is not the value of that indicator in the same cell: "
            "the ratio was computed from other counts than those published",
            f"""
            select v.indicator_code, v.area_id, v.period_id, v.sex
            from {ROWS}
            left join {TABLE} n on n.indicator_code = i.numerator_code and n.area_id = v.area_id
                               and n.period_id = v.period_id and n.sex = v.sex
            left join {TABLE} d on d.indicator_code = i.denominator_code and d.area_id = v.area_id
                               and d.period_id = v.period_id and d.sex = v.sex
            where i.unit = 'ratio' and not {SUPPRESSED}
              -- a suppressed part is rule 6's concern (the ratio must be suppressed too)
              and (not coalesce(n.flag = 'suppressed', false) and v.numerator is distinct from n.value
                   or not coalesce(d.flag = 'suppressed', false) and v.denominator is distinct from d.value)
            order by all
            """,
        ),
        violations(
            "undefined_iff_zero_denominator",
            "a ratio with a zero denominator is not flagged undefined, or an undefined flag is on a "
            "non-zero denominator or on something that is not a ratio",
            f"""
            select v.indicator_code, v.flag, v.denominator = 0 as zero_denominator, count(*) as rows
            from {ROWS}
            where (i.unit <> 'ratio' and v.flag = 'undefined')
               or (i.unit = 'ratio' and not {SUPPRESSED}
                   and coalesce(v.flag = 'undefined', false) <> coalesce(v.denominator = 0, false))
            group by all order by all
            """,
        ),
        expect(
            "city_equals_sum_of_areas",
            "the city value of a public count (or amount) differs from the sum of its areas: events "
            "lost or counted twice when placing them (for a period spanning the 2025 reform, the "
            "districts' days and the communes' days together make the city)",
            f"""
            with public_rows as (
                select v.indicator_code, v.period_id, v.sex, v.value, a.level
                from {ROWS}
                where i.disclosure = 'public' and i.unit in ('count', 'vnd')
            ),
            city as (
                select indicator_code, period_id, sex, value as city_value
                from public_rows where level = 'city'
            ),
            areas as (
                select indicator_code, period_id, sex,
                       sum(value) filter (where level = 'district') as district_sum,
                       sum(value) filter (where level = 'commune') as commune_sum
                from public_rows where level <> 'city'
                group by all
            )
            select indicator_code, period_id, sex, city_value, district_sum, commune_sum,
                   city_value - coalesce(district_sum, 0) - coalesce(commune_sum, 0) as difference
            from city left join areas using (indicator_code, period_id, sex)
            order by all
            """,
            "expect_column_values_to_be_between",
            keys=("indicator_code", "period_id", "sex", "city_value", "district_sum", "commune_sum"),
            column="difference", min_value=0, max_value=0,
        ),
        violations(
            "required_rows_present",
            "a row the contract requires is missing (an area valid in the period, a period the agency "
            "covers, a sex of the indicator): a missing row reads as 'not reported', never as zero",
            f"""
            with indicators as (
                select i.indicator_code, i.agency, unnest(r.sexes) as sex
                from marts.dim_indicator i join registry r using (indicator_code)
            ),
            agency_months as (
                select distinct i.agency, p.calendar, p.start_date, p.end_date
                from {TABLE} v
                join marts.dim_indicator i using (indicator_code)
                join marts.dim_period p using (period_id)
                where p.period_type = 'month'
            ),
            spans as (
                -- months of one calendar tile it, so min(end_date) ends the first month
                select agency, calendar, min(start_date) as first_start, min(end_date) as first_end,
                       max(start_date) as last_start, max(end_date) as last_end
                from agency_months where agency <> 'health'
                group by agency, calendar
            ),
            certain as (
                -- days inside the agency's coverage whichever calendar tells: a calendar with no
                -- rows at all still gets the periods overlapping them
                select agency, min(first_end) as first_day, max(last_start) as last_day
                from spans group by agency
            ),
            covered as (
                -- health is covered month by month: only the months with a workbook
                select agency, calendar, start_date as first_day, end_date as last_day
                from agency_months where agency = 'health'
                union all
                -- the others from their first month to their last, in each calendar
                select agency, calendar, first_start, last_end from spans
                union all
                select c.agency, p.calendar, c.first_day, c.last_day
                from certain c cross join (select distinct calendar from marts.dim_period) p
                where c.first_day <= c.last_day
            ),
            expected_periods as (
                select distinct c.agency, p.period_id, p.start_date, p.end_date
                from covered c join marts.dim_period p
                  on p.calendar = c.calendar and p.start_date <= c.last_day and p.end_date >= c.first_day
            ),
            expected as (
                select i.indicator_code, a.area_id, e.period_id, i.sex
                from indicators i
                join expected_periods e using (agency)
                join marts.dim_area a on a.valid_from <= e.end_date and (a.valid_to is null or a.valid_to >= e.start_date)
            )
            select indicator_code, period_id, sex, count(*) as missing_rows, min(area_id) as first_missing_area
            from expected anti join {TABLE} using (indicator_code, area_id, period_id, sex)
            group by all order by all
            """,
        ),
        violations(
            "suppressed_only_small_cells_below_city",
            "a city value or a public indicator is suppressed: the contract never suppresses them",
            f"""
            select v.indicator_code, a.level, count(*) as rows
            from {ROWS}
            where {SUPPRESSED} and (a.level = 'city' or i.disclosure <> 'small_cell')
            group by all order by all
            """,
        ),
        violations(
            "small_counts_suppressed",
            "rule 1: a small_cell count from 1 to 4 below the city is published (in a count, or as a "
            "ratio's numerator or denominator): a person could be recognised",
            f"""
            select v.indicator_code, v.period_id, v.sex, count(*) as areas, min(v.area_id) as first_area
            from {ROWS}
            where i.disclosure = 'small_cell' and a.level <> 'city'
              and ((i.unit = 'count' and v.value > 0 and v.value < 5)
                or (i.unit = 'ratio' and (v.numerator > 0 and v.numerator < 5 or v.denominator > 0 and v.denominator < 5)))
            group by all order by all
            """,
        ),
        violations(
            "sexes_suppressed_together",
            "rule 2: a suppressed T beside a shown F or M (T = F + M gives it back), or exactly one "
            "of F and M suppressed (T minus the other gives it away)",
            f"""
            select indicator_code, area_id, period_id
            from ({PROTECTED})
            group by all
            having count(*) filter (where sex in ('F', 'M') and is_suppressed) = 1
                or bool_or(sex = 'T' and is_suppressed)
                   and count(*) filter (where sex in ('F', 'M') and not is_suppressed) > 0
            order by all
            """,
        ),
        violations(
            "no_lone_suppressed_area",
            "rule 3: exactly one area is suppressed in an indicator × period × sex: the city total "
            "minus the other areas gives it away",
            f"""
            select indicator_code, period_id, sex, count(*) as areas
            from ({PROTECTED})
            group by all
            having count(*) filter (where is_suppressed) = 1 and count(*) > 1
            order by all
            """,
        ),
        violations(
            "no_lone_suppressed_period",
            "rule 4: exactly one period of a relation (a year and its halves, a half and its "
            "quarters, a quarter and its months) is suppressed: the others give it away",
            f"""
            with protected as ({PROTECTED}),
            pairs as ({period_relations_sql('marts.dim_period')}),
            members as (
                select c.indicator_code, c.area_id, c.sex, pairs.parent_id, c.is_suppressed, false as is_parent
                from protected c join pairs on pairs.child_id = c.period_id
                union all
                select p.indicator_code, p.area_id, p.sex, p.period_id, p.is_suppressed, true
                from protected p
            )
            -- a relation is a parent with a row and its children with rows
            select indicator_code, area_id, sex, parent_id, count(*) as periods
            from members
            group by all
            having bool_or(is_parent) and count(*) > 1 and count(*) filter (where is_suppressed) = 1
            order by all
            """,
        ),
        violations(
            "no_suppressed_cell_determined",
            "rule 8 (the audit): a suppressed cell is determined by the published values and the "
            "exact relations (T = F + M; for additive counts city = sum of areas, parent period = "
            "sum of child periods): the release would publish it",
            determined,
        ),
        violations(
            "ratio_suppressed_with_its_parts",
            "rule 6: a ratio is published while its numerator or denominator is suppressed (or is "
            "suppressed while neither is), or a suppressed ratio still shows a value or its parts",
            f"""
            select v.indicator_code, v.area_id, v.period_id, v.sex, v.flag,
                   n.flag as numerator_flag, d.flag as denominator_flag
            from {ROWS}
            left join {TABLE} n on n.indicator_code = i.numerator_code and n.area_id = v.area_id
                               and n.period_id = v.period_id and n.sex = v.sex
            left join {TABLE} d on d.indicator_code = i.denominator_code and d.area_id = v.area_id
                               and d.period_id = v.period_id and d.sex = v.sex
            where i.unit = 'ratio'
              and ({SUPPRESSED} <> (coalesce(n.flag = 'suppressed', false) or coalesce(d.flag = 'suppressed', false))
                   or {SUPPRESSED} and (v.value is not null or v.numerator is not null or v.denominator is not null))
            order by all
            """,
        ),
        no_identity_numbers(TABLE),
    ),
)
