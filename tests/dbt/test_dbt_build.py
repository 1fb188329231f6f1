"""The dbt project built for real (dbt-duckdb, DuckDB) on a few hand-made raw rows.

One build per module (dbt takes seconds to start): the build runs the seeds, every model, the
dbt unit tests and the data tests; the tests below then read what it made.
"""

from __future__ import annotations

import os
from datetime import date, datetime, timezone

import pytest

from pipelines import transform
from pipelines.config import load_settings
from pipelines.warehouse import LINEAGE_COLUMNS, RAW_TABLES, connect, ensure_schema

LOADED_AT = datetime.now(timezone.utc)

# (line_no, area_code, area_name, detected_on, role, sex): what the police sent, in every form.
POLICE = [
    (2, "006", "Q. Đống Đa", date(2024, 3, 5), "người bán dâm", "Nữ"),
    (3, None, "quan dong da", date(2024, 3, 14), "NGƯỜI MUA DÂM", "nam"),
    (4, "006", "Ba Đình", date(2024, 3, 15), "chủ chứa", "Nam"),
    (5, "019", None, date(2013, 12, 27), "người bán dâm", "Nữ"),
    (6, "019", None, date(2013, 12, 28), "người bán dâm", "Nữ"),
    (7, None, "Phường Láng", date(2025, 7, 2), "người môi giới", "Nam"),
    (8, "00004", None, date(2025, 6, 30), "người qua đường", "Nữ"),
]
HEALTH = [  # (line_no, area_name): the March 2024 workbook, calendar month
    (6, "Quận Ba Đình"),
    (7, "Huyện Ứng Hoà"),
    (8, "Quận Hoa Sen"),
]
CULTURE = [  # (line_no, area_code, area_name, inspected_at, inspected_on, team, findings)
    # 23:30 UTC on the 9th is the 10th in Hanoi
    (1, "005", "cau giay", datetime(2024, 3, 9, 23, 30, tzinfo=timezone.utc), date(2024, 3, 10),
     "LN178", ["MD01", "AN01"]),
    (2, None, "Q. Thanh Xuân", None, date(2021, 5, 13), "tts", []),   # schema v1: a date only
]
# A revision of line 2 in an export dated earlier but updated later: it cancels the pair.
POLICE_REVISION = (2, "006", "Q. Đống Đa", date(2024, 3, 5), "người bán dâm", "Nữ")
LABOR = [  # (line_no, area_code, area_name, support_started_on, support_kind)
    (2, "00181", "P. Văn Miếu - Quốc Tử Giám", date(2023, 8, 26), "tro_cap_xa_hoi"),
    (3, None, "Hai Bà Trưng", date(2024, 6, 3), "gioi_thieu_viec_lam"),
]


def _lineage(source_file: str, line_no: int, file_date: date) -> dict:
    return {"source_file": source_file, "line_no": line_no, "file_sha256": "0" * 64,
            "file_date": file_date, "file_seq": 1, "loaded_at": LOADED_AT}


def _insert(con, table: str, rows: list[dict]) -> None:
    columns = [*RAW_TABLES[table], *LINEAGE_COLUMNS]
    placeholders = ", ".join("?" for _ in columns)
    con.executemany(
        f"insert into raw.{table} ({', '.join(columns)}) values ({placeholders})",
        [[row.get(column) for column in columns] for row in rows],
    )


def _police_row(source_file, file_date, line, code, name, detected, role, sex, status, updated_at):
    return {**_lineage(source_file, line, file_date), "case_id": f"CA-HN-{line:06d}",
            "detected_on": detected, "area_code": code, "area_name": name, "offence": "bán dâm",
            "handling": "Xử phạt hành chính", "person_pseudonym": f"p{line}", "sex": sex,
            "role": role, "record_status": status, "updated_at": updated_at}


def _write_raw_rows(con) -> None:
    _insert(con, "police_case_persons", [
        _police_row("police/police_cases_20250710.csv", date(2025, 7, 10), *row, "Hiệu lực",
                    datetime(2025, 7, 9, 8, 0))
        for row in POLICE
    ] + [
        _police_row("police/police_cases_20250701.csv", date(2025, 7, 1), *POLICE_REVISION, "Huỷ",
                    datetime(2025, 7, 9, 8, 30))
    ])
    health_file = "health/health_2024_03.xlsx"
    _insert(con, "health_monthly_reports", [
        {**_lineage(health_file, line, date(2024, 3, 31)), "report_year": 2024, "report_month": 3,
         "period_start": date(2024, 3, 1), "period_end": date(2024, 3, 31), "version": 1,
         "row_number": line - 5, "area_name": name, "reached_female": 3, "reached_male": 1,
         "hiv_tested": 2, "hiv_positive": 0, "art_initiated": 0, "sti_examined": 1,
         "methadone_enrolled": 0, "condoms": 100}
        for line, name in HEALTH
    ])
    culture_file = "culture/culture_inspections_20240311.jsonl"
    _insert(con, "culture_inspections", [
        {**_lineage(culture_file, line, date(2024, 3, 11)), "inspection_id": f"VH-{line}",
         "schema_version": 2 if at else 1, "inspected_at": at, "inspected_on": inspected,
         "team": team, "area_code": code, "area_name": name, "finding_codes": findings,
         "penalty_vnd": 0, "license_action": "none"}
        for line, code, name, at, inspected, team, findings in CULTURE
    ])
    labor_file = "labor/labor_support_20240701.csv"
    _insert(con, "labor_support_records", [
        {**_lineage(labor_file, line, date(2024, 7, 1)), "record_id": f"HS-{line}",
         "person_pseudonym": f"p{line}", "sex": "nu", "area_code": code, "area_name": name,
         "support_kind": kind, "support_started_on": started}
        for line, code, name, started, kind in LABOR
    ])


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """A warehouse with the raw rows above, built once by dbt; yields (settings, result)."""
    with pytest.MonkeyPatch.context() as env:
        env.setenv("PCMD_PSEUDONYM_KEY", "test-pseudonym-key-not-secret")
        settings = load_settings(home=tmp_path_factory.mktemp("dbt_home"))
        con = connect(settings)
        try:
            ensure_schema(con)
            _write_raw_rows(con)
        finally:
            con.close()
        environment_before = dict(os.environ)
        result = transform.build(settings)
        assert dict(os.environ) == environment_before, "dbt's environment leaked out of build()"
        yield settings, result


@pytest.fixture
def warehouse_db(built):
    """A read-only connection, closed after each test: dbt cannot open a file held open here."""
    settings, _ = built
    con = connect(settings, read_only=True)
    yield con
    con.close()


def test_build_passes_every_model_unit_test_and_data_test(built):
    _, result = built
    assert result.success, "\n".join(transform.failures(result))
    statuses = {r.node.resource_type: set() for r in result.result.results}
    for r in result.result.results:
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
                     "marts.dim_area", "marts.dim_period", "marts.dim_indicator",
                     "reference.admin_units"):
        assert (expected,) in tables


def test_dbt_writes_its_target_and_logs_under_the_home(built):
    settings, _ = built
    assert (transform.target_path(settings) / "manifest.json").exists()
    assert (transform.log_path(settings) / "dbt.log").exists()


def _resolved(con, source_file: str) -> dict[int, tuple[str | None, str | None]]:
    rows = con.execute(
        "select line_no, area_id, unplaceable_reason from intermediate.int_areas_resolved "
        "where source_file = ?", [source_file]).fetchall()
    return {line: (area, reason) for line, area, reason in rows}


def test_police_rows_are_placed_on_their_detection_date(warehouse_db):
    assert _resolved(warehouse_db, "police/police_cases_20250710.csv") == {
        2: ("006", None),
        3: ("006", None),
        4: (None, "code 006 contradicts name 'Ba Đình'"),
        5: ("019-2013", None),      # Huyện Từ Liêm, the day before the split
        6: ("019", None),           # Quận Nam Từ Liêm took over the code
        7: ("00199", None),         # a 2025 commune
        8: ("001", None),           # the old ward 00004 (Trúc Bạch), rolled up to Ba Đình
    }


def test_other_agencies_rows_are_placed_too(warehouse_db):
    assert _resolved(warehouse_db, "health/health_2024_03.xlsx") == {
        6: ("001", None),
        7: ("281", None),           # old-style tone placement: Ứng Hoà = Ứng Hòa
        8: (None, "name 'Quận Hoa Sen' matches no unit valid on 2024-03-31"),
    }
    assert _resolved(warehouse_db, "culture/culture_inspections_20240311.jsonl") == {
        1: ("005", None), 2: ("009", None)}
    assert _resolved(warehouse_db, "labor/labor_support_20240701.csv") == {
        2: ("006", None), 3: ("007", None)}


def test_staging_canonicalises_categories(warehouse_db):
    rows = warehouse_db.sql(
        "select line_no, role_code, sex_code from staging.stg_police__case_persons "
        "where source_file = 'police/police_cases_20250710.csv' order by line_no"
    ).fetchall()
    assert rows == [
        (2, "seller", "F"), (3, "buyer", "M"), (4, "brothel_keeper", "M"), (5, "seller", "F"),
        (6, "seller", "F"), (7, "broker", "M"), (8, None, "F"),   # unknown role: text kept, no code
    ]
    assert warehouse_db.sql(
        "select line_no, has_md_finding, team_code from staging.stg_culture__inspections order by 1"
    ).fetchall() == [(1, True, "LN178"), (2, False, "TTS")]


def test_revisions_keep_good_rows_in_force_and_their_delivery(warehouse_db):
    # line 2 cancelled by a later update (in an earlier-dated export); lines 4 (contradicting
    # area) and 8 (unknown role) are bad and take no part
    assert warehouse_db.sql(
        "select case_id, source_file, delivered_rows from intermediate.int_police__case_persons_revised "
        "order by case_id"
    ).fetchall() == [
        (f"CA-HN-{line:06d}", "police/police_cases_20250710.csv", 1) for line in (3, 5, 6, 7)
    ]
    assert warehouse_db.sql(
        "select line_no, rejection_reason from intermediate.int_police__case_persons_checked "
        "where rejection_reason is not null order by line_no"
    ).fetchall() == [
        (4, "code 006 contradicts name 'Ba Đình'"),
        (8, "Vai trò 'người qua đường' is not a known value"),
    ]
    assert warehouse_db.sql(
        "select area_id, calendar from intermediate.int_health__monthly_reports_revised order by 1"
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
                       "denominator_code", "disclosure", "definition"]


def test_docs_generate(built):
    settings, _ = built
    result = transform.docs_generate(settings)
    assert result.success, "\n".join(transform.failures(result))
    assert (transform.target_path(settings) / "catalog.json").exists()


def test_source_freshness_passes_for_rows_just_loaded(built):
    settings, _ = built
    result = transform.source_freshness(settings)
    assert result.success, "\n".join(transform.failures(result))
    assert {str(r.status) for r in result.result.results} == {"pass"}
