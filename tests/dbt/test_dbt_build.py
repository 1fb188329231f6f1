"""The dbt build as a whole, and its first layers: area resolution, staging, revisions and the
dimensions, on the hand-made raw rows of scenario.py (the shared build of conftest.py)."""

from __future__ import annotations

from datetime import date

from pipelines import transform
from scenario import (
    AREA_CULTURE_FILE,
    AREA_HEALTH_FILE,
    AREA_LABOR_FILE,
    AREA_POLICE_FILE,
    AREA_POLICE_REVISION_FILE,
)


def test_build_passes_every_model_unit_test_and_data_test(built):
    _, results = built
    assert len(results) == 2  # before the disclosure step and after it
    for result in results:
        assert result.success, "\n".join(transform.failures(result))
    nodes = [r for result in results for r in result.result.results]
    statuses = {r.node.resource_type: set() for r in nodes}
    for r in nodes:
        statuses[r.node.resource_type].add(str(r.status))
    # the build really ran unit tests and data tests, and all of them passed
    assert statuses["unit_test"] == {"pass"}
    assert statuses["test"] == {"pass"}
    assert statuses["model"] == {"success"}


def test_models_land_in_their_layer_schema(warehouse_db):
    tables = set(warehouse_db.sql(
        "select table_schema || '.' || table_name from information_schema.tables"
    ).fetchall())
    for expected in ("staging.stg_police__case_persons", "intermediate.int_areas_resolved",
                     "core.fct_violation_persons", "marts.dim_area", "marts.dim_period",
                     "marts.dim_indicator", "marts.indicator_values", "marts.district_report",
                     "reference.admin_units"):
        assert (expected,) in tables


def test_dbt_writes_its_target_and_logs_under_the_home(built):
    settings, _ = built
    assert (transform.target_path(settings) / "manifest.json").exists()
    assert (transform.log_path(settings) / "dbt.log").exists()


def _resolved(con, source_file: str) -> dict[int, tuple[str | None, str | None]]:
    # each line through its mention (code, name, date), as the *_checked models join them
    rows = con.execute(
        "select area_rows.line_no, areas.area_id, areas.unplaceable_reason "
        "from intermediate.int_area_rows as area_rows "
        "inner join intermediate.int_areas_resolved as areas "
        "on areas.area_code is not distinct from area_rows.area_code "
        "and areas.area_name is not distinct from area_rows.area_name "
        "and areas.event_date = area_rows.event_date "
        "where area_rows.source_file = ?", [source_file]).fetchall()
    return {line: (area, reason) for line, area, reason in rows}


def test_police_rows_are_placed_on_their_detection_date(warehouse_db):
    assert _resolved(warehouse_db, AREA_POLICE_FILE) == {
        2: ("006", None),
        3: ("006", None),
        4: (None, "code 006 contradicts name 'Ba Đình'"),
        5: ("019-2013", None),      # Huyện Từ Liêm, the day before the split
        6: ("019", None),           # Quận Nam Từ Liêm took over the code
        7: ("00199", None),         # a 2025 commune
        8: ("001", None),           # the old ward 00004 (Trúc Bạch), rolled up to Ba Đình
    }


def test_other_agencies_rows_are_placed_too(warehouse_db):
    assert _resolved(warehouse_db, AREA_HEALTH_FILE) == {
        6: ("001", None),
        7: ("281", None),           # old-style tone placement: Ứng Hoà = Ứng Hòa
        8: (None, "name 'Quận Hoa Sen' matches no unit valid on 2024-03-31"),
    }
    assert _resolved(warehouse_db, AREA_CULTURE_FILE) == {
        1: ("005", None), 2: ("009", None)}
    assert _resolved(warehouse_db, AREA_LABOR_FILE) == {
        2: ("006", None), 3: ("007", None)}


def test_staging_canonicalises_categories(warehouse_db):
    rows = warehouse_db.execute(
        "select line_no, role_code, sex_code from staging.stg_police__case_persons "
        "where source_file = ? order by line_no", [AREA_POLICE_FILE]
    ).fetchall()
    assert rows == [
        (2, "seller", "F"), (3, "buyer", "M"), (4, "brothel_keeper", "M"), (5, "seller", "F"),
        (6, "seller", "F"), (7, "broker", "M"), (8, None, "F"),   # unknown role: text kept, no code
    ]
    assert warehouse_db.execute(
        "select line_no, has_md_finding, team_code from staging.stg_culture__inspections "
        "where source_file = ? order by 1", [AREA_CULTURE_FILE]
    ).fetchall() == [(1, True, "LN178"), (2, False, "TTS")]


def test_revisions_keep_good_rows_in_force_and_their_delivery(warehouse_db):
    # line 2 cancelled by a later update (in an earlier-dated export); lines 4 (contradicting
    # area) and 8 (unknown role) are bad and take no part
    assert warehouse_db.execute(
        "select case_id, source_file, delivered_rows, record_status_code "
        "from intermediate.int_police__case_persons_revised "
        "where case_id like 'CA-HN-%' order by case_id"
    ).fetchall() == [
        # the cancellation wins and stays (for incremental builds); the facts leave it out
        ("CA-HN-000002", AREA_POLICE_REVISION_FILE, 2, "cancelled"),
        *((f"CA-HN-{line:06d}", AREA_POLICE_FILE, 1, "in_force") for line in (3, 5, 6, 7)),
    ]
    assert warehouse_db.execute(
        "select count(*) from core.fct_violation_persons where case_id = 'CA-HN-000002'").fetchall() == [(0,)]
    assert warehouse_db.execute(
        "select line_no, rejection_reason from intermediate.int_police__case_persons_checked "
        "where rejection_reason is not null and source_file = ? order by line_no", [AREA_POLICE_FILE]
    ).fetchall() == [
        (4, "code 006 contradicts name 'Ba Đình'"),
        (8, "Vai trò 'người qua đường' is not a known value"),
    ]
    assert warehouse_db.execute(
        "select area_id, calendar from intermediate.int_health__monthly_reports_revised "
        "where source_file = ? order by 1", [AREA_HEALTH_FILE]
    ).fetchall() == [("001", "calendar"), ("281", "calendar")]   # the unknown area is left out


def test_dim_period_has_both_calendars_at_their_cut_offs(warehouse_db):
    periods = {row[0]: row[1:] for row in warehouse_db.sql(
        "select period_id, calendar, period_type, start_date, end_date, label_vi from marts.dim_period"
    ).fetchall()}
    assert periods["2024-03"] == ("calendar", "month", date(2024, 3, 1), date(2024, 3, 31), "Tháng 03/2024")
    assert periods["R2024-03"] == ("reporting", "month", date(2024, 2, 15), date(2024, 3, 14),
                                   "Kỳ báo cáo tháng 03/2024")
    assert periods["R2024-H1"][2:4] == (date(2023, 12, 15), date(2024, 6, 14))
    assert periods["R2024-Q1"][2:4] == (date(2023, 12, 15), date(2024, 3, 14))
    assert periods["2024-H2"][2:4] == (date(2024, 7, 1), date(2024, 12, 31))
    assert periods["R2024"][2:4] == (date(2023, 12, 15), date(2024, 12, 14))
    # 2010 to two years ahead: 12 months, 4 quarters, 2 halves and the year in each calendar
    years = date.today().year + 2 - 2010 + 1
    assert len(periods) == 2 * 19 * years
    assert f"R{date.today().year + 2}" in periods and f"{date.today().year + 3}" not in periods


def test_dim_area_publishes_the_published_levels_only(warehouse_db):
    levels = dict(warehouse_db.sql("select level, count(*) from marts.dim_area group by level").fetchall())
    assert levels == {"city": 1, "district": 31, "commune": 126}
    assert warehouse_db.sql(
        "select area_name, valid_to from marts.dim_area where area_id = '019-2013'"
    ).fetchall() == [("Huyện Từ Liêm", date(2013, 12, 27))]


def test_dim_indicator_comes_from_the_registry(warehouse_db):
    rows = warehouse_db.sql(
        "select indicator_code, unit, agency, numerator_code, denominator_code, disclosure "
        "from marts.dim_indicator"
    ).fetchall()
    assert len(rows) == 32
    by_code = {row[0]: row[1:] for row in rows}
    assert by_code["LNK_SUPPORT_RATE_180D"] == (
        "ratio", "police+labor", "LNK_SELLERS_SUPPORTED_180D", "LNK_SELLERS_SANCTIONED", "small_cell")
    assert by_code["VIO_FINES_VND"] == ("vnd", "police", None, None, "public")
    columns = [r[0] for r in warehouse_db.sql("describe marts.dim_indicator").fetchall()]
    assert columns == ["indicator_code", "name_vi", "name_en", "unit", "agency", "numerator_code",
                       "denominator_code", "disclosure", "additive", "definition"]
    additive = dict(warehouse_db.sql("select indicator_code, additive from marts.dim_indicator").fetchall())
    # distinct persons and ratios do not add up over areas and periods (marts.md rule 8)
    assert {code for code, adds in additive.items() if not adds} == {
        "VIO_PERSONS", "VIO_SELLERS", "VIO_BUYERS", "VIO_ORGANISERS", "VIO_TRAFFICKING_VICTIMS", "SUP_PERSONS",
        "LNK_SELLERS_SANCTIONED", "LNK_SELLERS_SUPPORTED_180D", "INS_MD_FINDING_RATE", "HLT_HIV_POSITIVITY",
        "SUP_STABLE_WORK_RATE", "LNK_SUPPORT_RATE_180D"}


def test_source_freshness_passes_for_rows_just_loaded(built):
    settings, _ = built
    result = transform.source_freshness(settings)
    assert result.success, "\n".join(transform.failures(result))
    assert {str(r.status) for r in result.result.results} == {"pass"}
