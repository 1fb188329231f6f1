"""marts.district_report: generated from the registry, the same values as indicator_values."""

from __future__ import annotations

import csv

from conftest import rows
from pipelines import transform


def _registry() -> list[dict[str, str]]:
    with transform.INDICATOR_REGISTRY.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def _registry_codes() -> list[str]:
    return [row["indicator_code"] for row in _registry()]


def test_its_properties_are_generated_from_the_registry():
    # after a change of the registry: transform.write_district_report_properties()
    committed = transform.DISTRICT_REPORT_PROPERTIES.read_text(encoding="utf-8")
    assert committed == transform.district_report_properties(), "regenerate _district_report__models.yml"


def test_one_column_per_indicator_of_the_registry_counts_as_whole_numbers(warehouse_db):
    columns = rows(warehouse_db, "select column_name, data_type from information_schema.columns "
                                 "where table_schema = 'marts' and table_name = 'district_report' "
                                 "order by ordinal_position")
    labels = [("area_id", "VARCHAR"), ("period_id", "VARCHAR"), ("area_name", "VARCHAR"), ("label_vi", "VARCHAR")]
    # contract v2: counts and sums (count, vnd) are whole numbers, ratios DOUBLE
    types = {"count": "BIGINT", "vnd": "BIGINT", "ratio": "DOUBLE"}
    assert columns == labels + [(row["indicator_code"].lower(), types[row["unit"]]) for row in _registry()]


def test_a_row_per_area_and_half_year_or_year_of_both_calendars(warehouse_db):
    assert rows(warehouse_db, """
        select distinct p.calendar, p.period_type
        from marts.district_report r join marts.dim_period p using (period_id) order by all
    """) == [("calendar", "half"), ("calendar", "year"), ("reporting", "half"), ("reporting", "year")]
    assert rows(warehouse_db, """
        select area_id, period_id from marts.indicator_values v join marts.dim_period p using (period_id)
        where p.period_type in ('half', 'year')
        except select area_id, period_id from marts.district_report
    """) == []


def test_it_shows_the_total_values_after_suppression(warehouse_db):
    codes = _registry_codes()
    report = " union all ".join(
        f"select area_id, period_id, '{code}' as indicator_code, {code.lower()} as value from marts.district_report"
        for code in codes
    )
    assert rows(warehouse_db, f"""
        select r.area_id, r.period_id, r.indicator_code
        from ({report}) r
        left join marts.indicator_values v
            on v.indicator_code = r.indicator_code and v.area_id = r.area_id
            and v.period_id = r.period_id and v.sex = 'T'
        where r.value is distinct from v.value
    """) == []
    assert rows(warehouse_db, """
        select area_id, area_name, label_vi, vio_sellers, vio_fines_vnd, lnk_sellers_sanctioned
        from marts.district_report where period_id = '2024' and area_id in ('01', '004', '007') order by area_id
    """) == [
        ("004", "Quận Long Biên", "Năm 2024", 6, 3_000_000, 6),
        ("007", "Quận Hai Bà Trưng", "Năm 2024", None, 7_000_000, None),   # suppressed
        ("01", "Thành phố Hà Nội", "Năm 2024", 8, 11_000_000, 8),
    ]
