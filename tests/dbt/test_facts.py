"""The core facts (schema core): records in force after the revisions, with their deliveries."""

from __future__ import annotations

from datetime import date

from conftest import rows
from scenario import HEALTH_MAY_V2_FILE, HEALTH_R07_FILE, POLICE_FILE, POLICE_REVISION_FILE


def test_facts_land_in_core(warehouse_db):
    tables = {name for (name,) in rows(
        warehouse_db, "select table_name from information_schema.tables where table_schema = 'core'")}
    assert tables == {"fct_violation_persons", "fct_violation_cases", "fct_inspections",
                      "fct_health_monthly_reports", "fct_support_records", "fct_seller_support_links"}


def test_a_pair_in_force_keeps_the_delivery_of_its_winning_line(warehouse_db):
    # b1's fine was corrected by a later export; s2's line was delivered once
    assert rows(warehouse_db, """
        select person_pseudonym, fine_vnd, source_file, line_no, delivered_rows
        from core.fct_violation_persons where case_id = 'K2' order by person_pseudonym
    """) == [
        ("b1", 3_500_000, POLICE_REVISION_FILE, 7, 2),
        ("s2", 2_000_000, POLICE_FILE, 3, 1),
    ]


def test_a_case_has_its_persons_criminal_flag_and_fines(warehouse_db):
    assert rows(warehouse_db, """
        select case_id, detected_on, area_id, persons, is_criminal, fines_vnd
        from core.fct_violation_cases where case_id like 'K%' order by case_id
    """) == [
        ("K1", date(2024, 3, 14), "007", 1, False, 1_500_000),
        ("K2", date(2024, 3, 15), "007", 2, False, 5_500_000),
        ("K3", date(2024, 4, 20), "008", 2, True, 1_000_000),
        ("K4", date(2024, 5, 6), "004", 6, False, 3_000_000),
    ]


def test_an_inspection_is_dated_by_its_local_day(warehouse_db):
    # 23:30 UTC on 14 March is 15 March in Hanoi
    assert rows(warehouse_db, """
        select inspected_on, area_id, has_md_finding, is_licence_revoked, penalty_vnd
        from core.fct_inspections where inspection_id = 'VH-3'
    """) == [(date(2024, 3, 15), "005", True, True, 10_000_000)]


def test_a_health_month_is_its_highest_version_in_its_own_calendar(warehouse_db):
    assert rows(warehouse_db, """
        select period_id, calendar, area_id, condoms, source_file, delivered_workbooks
        from core.fct_health_monthly_reports where report_month in (5, 7) order by period_id, area_id
    """) == [
        ("2024-05", "calendar", "001", 300, HEALTH_MAY_V2_FILE, 2),
        ("2024-05", "calendar", "004", 200, HEALTH_MAY_V2_FILE, 2),
        ("R2024-07", "reporting", "001", 400, HEALTH_R07_FILE, 1),
    ]


def test_sanctioned_sellers_link_to_their_next_support_record(warehouse_db):
    assert rows(warehouse_db, """
        select case_id, person_pseudonym, is_first_detection, support_record_id, days_to_support,
               is_supported_in_window
        from core.fct_seller_support_links where person_pseudonym in ('s1', 's2', 'lb6')
        order by person_pseudonym, detected_on
    """) == [
        ("K4", "lb6", True, None, None, False),
        ("K1", "s1", True, "HS-s1", 180, True),     # the last day of the window
        ("K3", "s1", False, "HS-s1", 143, True),
        ("K2", "s2", True, "HS-s2", 181, False),    # one day too late
    ]


def test_facts_hold_no_identity_numbers_or_names(warehouse_db):
    columns = {name for (name,) in rows(
        warehouse_db, "select column_name from information_schema.columns where table_schema in ('core', 'marts')")}
    assert not columns & {"identity_number", "full_name", "so_dinh_danh", "ho_ten"}
