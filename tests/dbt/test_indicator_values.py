"""marts.indicator_values on the scenario: what is counted where and when, which rows exist, and
what disclosure control hides (the rules themselves are unit-tested in dbt)."""

from __future__ import annotations

import pytest

from conftest import rows


def _values(con, indicator: str, area: str, *periods: str, sex: str = "T") -> dict[str, tuple]:
    """period_id -> (value, flag) of one indicator, area and sex."""
    found = rows(con, f"""
        select period_id, value, flag from marts.indicator_values
        where indicator_code = ? and area_id = ? and sex = ? and period_id in ({', '.join('?' * len(periods))})
    """, indicator, area, sex, *periods)
    return {period: (value, flag) for period, value, flag in found}


def test_columns_are_the_contract(warehouse_db):
    assert rows(warehouse_db, "select column_name, data_type from information_schema.columns "
                              "where table_schema = 'marts' and table_name = 'indicator_values' "
                              "order by ordinal_position") == [
        ("indicator_code", "VARCHAR"), ("area_id", "VARCHAR"), ("period_id", "VARCHAR"),
        ("sex", "VARCHAR"), ("value", "DOUBLE"), ("numerator", "BIGINT"), ("denominator", "BIGINT"),
        ("flag", "VARCHAR"), ("release_id", "VARCHAR"),
    ]
    assert rows(warehouse_db, "select count(*) from marts.indicator_values where release_id is not null") == [(0,)]


def test_every_registry_indicator_has_values(warehouse_db):
    assert rows(warehouse_db, """
        select indicator_code from reference.indicator_registry
        except select indicator_code from marts.indicator_values
    """) == []


def test_events_count_on_their_date_in_both_calendars(warehouse_db):
    # cases on 14 and 15 March: the same calendar month, two reporting months (cut-off on the 14th)
    assert _values(warehouse_db, "VIO_CASES", "007", "2024-03", "R2024-03", "R2024-04") == {
        "2024-03": (2, None), "R2024-03": (1, None), "R2024-04": (1, None)}
    # the inspection of 15 March local time (14 March UTC) is in R2024-04
    assert _values(warehouse_db, "INS_INSPECTIONS", "005", "2024-03", "R2024-03", "R2024-04") == {
        "2024-03": (2, None), "R2024-03": (1, None), "R2024-04": (1, None)}
    # the corrected fine counts (1.5 + 2 + 3.5 million), nothing happened in 005: 0, not missing
    assert _values(warehouse_db, "VIO_FINES_VND", "007", "2024-03") == {"2024-03": (7_000_000, None)}
    assert _values(warehouse_db, "VIO_CASES", "005", "2024-03") == {"2024-03": (0, None)}


def test_persons_are_distinct_within_the_cell(warehouse_db):
    # s1 was detected in 007 and 008: once in the city, once in each district
    before_suppression = dict(rows(warehouse_db, """
        select area_id, value from intermediate.int_indicator_values_computed
        where indicator_code = 'VIO_SELLERS' and period_id = '2024' and sex = 'T' and value > 0
    """))
    assert before_suppression == {"01": 8, "004": 6, "007": 2, "008": 1}


def test_a_row_for_every_area_valid_in_the_period(warehouse_db):
    levels = dict(rows(warehouse_db, """
        select period_id, list(distinct a.level order by a.level)
        from marts.indicator_values v join marts.dim_area a using (area_id)
        where indicator_code = 'VIO_CASES' and period_id in ('2025-Q2', 'R2025-07', '2025-Q3')
        group by period_id
    """))
    # R2025-07 (15/06 - 14/07/2025) spans the reform: districts and the new communes
    assert levels == {"2025-Q2": ["city", "district"], "R2025-07": ["city", "commune", "district"],
                      "2025-Q3": ["city", "commune"]}
    assert rows(warehouse_db, """
        select count(distinct area_id) from marts.indicator_values
        where indicator_code = 'VIO_CASES' and period_id = 'R2025-07'
    """) == [(1 + 30 + 126,)]
    # Huyện Từ Liêm (until 27/12/2013) has rows in the periods that contain one of its days only
    assert rows(warehouse_db, """
        select count(*) > 0, bool_and(p.start_date <= date '2013-12-27')
        from marts.indicator_values v join marts.dim_period p using (period_id)
        where area_id = '019-2013'
    """) == [(True, True)]


@pytest.mark.parametrize("indicator, first, last, before, after", [
    ("VIO_CASES", "2013-12", "2025-07", "2013-11", "2025-08"),     # police: 27/12/2013 - 02/07/2025
    ("SUP_RECORDS", "2023-08", "2024-09", "2023-07", "2024-10"),   # labour: 26/08/2023 - 12/09/2024
    ("LNK_SELLERS_SANCTIONED", "R2023-09", "R2024-09", "R2023-08", "R2024-10"),  # both: labour's span
])
def test_rows_from_the_first_to_the_last_period_the_agency_covers(warehouse_db, indicator, first, last, before, after):
    periods = {period for (period,) in rows(
        warehouse_db, "select distinct period_id from marts.indicator_values where indicator_code = ?", indicator)}
    assert {first, last} <= periods
    assert not {before, after} & periods


def test_health_only_in_its_calendar_and_months_with_a_workbook(warehouse_db):
    periods = {period: flag for period, flag in rows(warehouse_db, """
        select period_id, any_value(flag) from marts.indicator_values
        where indicator_code = 'HLT_CONDOMS' and area_id = '01' group by period_id
    """)}
    assert periods == {
        "2024-03": None, "2024-05": None,                      # the two calendar workbooks
        "2024-Q1": "incomplete", "2024-Q2": "incomplete",      # no January, February, April, June
        "2024-H1": "incomplete", "2024": "incomplete",
        "R2024-07": None,                                      # the workbook of 15/06 - 14/07
        "R2024-Q3": "incomplete", "R2024-H2": "incomplete", "R2024": "incomplete",
    }
    # sums of the months reported (May: version 2 only; the unplaceable March row left out)
    assert _values(warehouse_db, "HLT_CONDOMS", "01", "2024-03", "2024-05", "2024") == {
        "2024-03": (200, None), "2024-05": (500, None), "2024": (700, "incomplete")}
    assert _values(warehouse_db, "HLT_REACHED", "01", "2024-05", sex="F") == {"2024-05": (10, None)}


def test_ratios_have_their_parts_and_are_undefined_without_a_denominator(warehouse_db):
    assert rows(warehouse_db, """
        select area_id, value, numerator, denominator, flag from marts.indicator_values
        where indicator_code = 'INS_MD_FINDING_RATE' and period_id = '2024-03' and area_id in ('005', '004')
        order by area_id
    """) == [("004", None, 0, 0, "undefined"), ("005", 1.0, 2, 2, None)]


def test_support_within_180_days_of_the_first_detection(warehouse_db):
    # 8 sanctioned sellers; supported: s1 (day 180) and five of Long Biên's six; not s2 (day 181)
    assert rows(warehouse_db, """
        select value, numerator, denominator from marts.indicator_values
        where indicator_code = 'LNK_SUPPORT_RATE_180D' and area_id = '01' and period_id = '2024' and sex = 'T'
    """) == [(0.75, 6, 8)]
    assert _values(warehouse_db, "LNK_SUPPORT_RATE_180D", "004", "2024") == {"2024": (5 / 6, None)}


def test_small_cells_below_the_city_are_suppressed(warehouse_db):
    sellers = {(area, sex): (value, flag) for area, sex, value, flag in rows(warehouse_db, """
        select area_id, sex, value, flag from marts.indicator_values
        where indicator_code = 'VIO_SELLERS' and period_id = '2024' and area_id in ('01', '004', '007', '008')
    """)}
    assert sellers == {
        ("01", "T"): (8, None), ("01", "F"): (8, None), ("01", "M"): (0, None),   # the city: never
        ("004", "T"): (6, None), ("004", "F"): (6, None), ("004", "M"): (0, None),
        ("007", "T"): (None, "suppressed"), ("007", "F"): (None, "suppressed"),
        ("007", "M"): (None, "suppressed"),                                       # rule 2: even a zero
        ("008", "T"): (None, "suppressed"), ("008", "F"): (None, "suppressed"),
        ("008", "M"): (None, "suppressed"),
    }
    # public counts are never suppressed
    assert _values(warehouse_db, "VIO_CASES", "008", "2024") == {"2024": (1, None)}
    # 007 alone is suppressed among SUP_PERSONS 2024: 004 (5 persons) goes with it (rule 3)
    assert _values(warehouse_db, "SUP_PERSONS", "004", "2024") == {"2024": (None, "suppressed")}
