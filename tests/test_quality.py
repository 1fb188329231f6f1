"""Quality suites: real great-expectations on real DuckDB, on small hand-made marts and raw rows.

The marts are computed here from a handful of events (police cases, inspections, health
workbooks around the 2025 reform) by a reading of the contract that shares no code with the
suites: cells for every area valid in each covered period, ratios from their parts,
district_report from the T values; what is suppressed is decided by the warehouse's one
implementation of disclosure control (pipelines.disclosure, tested in tests/disclosure), as
the suites check properties of its result and do not apply the rules again. Every expectation must
pass on them. Then each rule is broken: the rules of the issue one per test, where exactly that
expectation must fail; the others together per suite, where each must be among the failures.
No blocking expectation is left without a test that makes it fail.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import socket
import subprocess
import sys
from calendar import monthrange
from collections import defaultdict
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import duckdb
import polars as pl
import pytest

from pipelines.config import REPO_ROOT
from pipelines.disclosure import control
from pipelines.personal import pseudonym
from pipelines.publish import PublishRefused, candidate_fingerprint, publish, published_release
from pipelines.quality import QualityError, get_suite, list_suites, run_all, run_suite, write_results
from pipelines.quality.session import REGISTRY_CSV
from pipelines.warehouse import ensure_schema

CODE_VERSION = "0.1.0+quality-test"
KEY = b"quality-test-key-not-secret"

# ---------------------------------------------------------------------------------------------
# The world: areas either side of the 2025 reform, the periods of 2025, a few events.

AREAS = [  # area_id, name, type, level, valid_from, valid_to
    ("01", "Thành phố Hà Nội", "thanh_pho", "city", date(2008, 8, 1), None),
    ("001", "Quận Ba Đình", "quan", "district", date(2008, 8, 1), date(2025, 6, 30)),
    ("002", "Quận Hoàn Kiếm", "quan", "district", date(2008, 8, 1), date(2025, 6, 30)),
    ("006", "Quận Đống Đa", "quan", "district", date(2008, 8, 1), date(2025, 6, 30)),
    ("017", "Huyện Đông Anh", "huyen", "district", date(2008, 8, 1), date(2025, 6, 30)),
    ("00004", "Phường Ba Đình", "phuong", "commune", date(2025, 7, 1), None),
    ("00070", "Phường Hoàn Kiếm", "phuong", "commune", date(2025, 7, 1), None),
    ("00235", "Phường Đống Đa", "phuong", "commune", date(2025, 7, 1), None),
    ("00454", "Xã Đông Anh", "xa", "commune", date(2025, 7, 1), None),
]
CITY = "01"

CASES = [  # case id, area, detected on, sellers F, sellers M, fines (đồng)
    ("CA-HN-2025-000101", "001", date(2025, 6, 3), 2, 0, 3_000_000),
    ("CA-HN-2025-000102", "006", date(2025, 6, 10), 6, 5, 5_500_000),
    ("CA-HN-2025-000103", "017", date(2025, 6, 20), 7, 6, 0),
    ("CA-HN-2025-000104", "002", date(2025, 6, 27), 9, 8, 12_000_000),
    ("CA-HN-2025-000105", "00004", date(2025, 7, 5), 5, 6, 4_000_000),
    ("CA-HN-2025-000106", "00235", date(2025, 7, 9), 6, 7, 2_500_000),
    ("CA-HN-2025-000107", "00454", date(2025, 7, 18), 8, 9, 0),
    ("CA-HN-2025-000108", "00070", date(2025, 7, 29), 10, 5, 7_000_000),
]
INSPECTIONS = [  # inspection id, area, inspected on, with a prostitution-related (MD) finding
    ("VH-2025-00041", "001", date(2025, 6, 4), True),
    ("VH-2025-00042", "001", date(2025, 6, 12), False),
    ("VH-2025-00047", "006", date(2025, 6, 18), True),
    ("VH-2025-00050", "002", date(2025, 6, 26), False),
    ("VH-2025-00055", "00004", date(2025, 7, 3), False),
    ("VH-2025-00061", "00235", date(2025, 7, 20), True),
    ("VH-2025-00063", "00454", date(2025, 7, 28), True),
]
# Health workbooks match the reporting calendar; none arrived for R2025-07.
WORKBOOKS = {  # reporting month -> area -> (HIV tests, positive)
    "R2025-06": {"001": (40, 2), "002": (22, 0), "006": (25, 6), "017": (12, 7)},
    "R2025-08": {"00004": (30, 1), "00070": (15, 5), "00235": (0, 0), "00454": (18, 9)},
}
INDICATORS = [
    "VIO_CASES", "VIO_FINES_VND", "VIO_SELLERS", "INS_INSPECTIONS", "INS_WITH_MD_FINDING",
    "INS_MD_FINDING_RATE", "HLT_HIV_TESTED", "HLT_HIV_POSITIVE", "HLT_HIV_POSITIVITY",
]
SMALL_CELL_COUNTS = ("VIO_SELLERS", "HLT_HIV_TESTED", "HLT_HIV_POSITIVE")
RATIOS = {"INS_MD_FINDING_RATE": ("INS_WITH_MD_FINDING", "INS_INSPECTIONS"),
          "HLT_HIV_POSITIVITY": ("HLT_HIV_POSITIVE", "HLT_HIV_TESTED")}


def periods_2025() -> list[tuple]:
    """(period_id, calendar, period_type, start, end, label_vi) of both calendars of 2025."""
    spans = ([("month", f"{m:02d}", m, m) for m in range(1, 13)]
             + [("quarter", f"Q{q}", 3 * q - 2, 3 * q) for q in range(1, 5)]
             + [("half", f"H{h}", 6 * h - 5, 6 * h) for h in (1, 2)] + [("year", "", 1, 12)])
    rows = []
    for kind, part, first, last in spans:
        pid = "2025" + (f"-{part}" if part else "")
        label = {"month": f"Tháng {part}/2025", "quarter": f"Quý {part}/2025",
                 "half": f"6 tháng {'đầu' if part == 'H1' else 'cuối'} năm 2025", "year": "Năm 2025"}[kind]
        rows.append((pid, "calendar", kind, date(2025, first, 1), date(2025, last, monthrange(2025, last)[1]), label))
        start = date(2024, 12, 15) if first == 1 else date(2025, first - 1, 15)
        rows.append(("R" + pid, "reporting", kind, start, date(2025, last, 14), "Kỳ báo cáo " + label.lower()))
    return rows


PERIODS = periods_2025()
PERIOD = {p[0]: p for p in PERIODS}


def valid_areas(start: date, end: date) -> list[str]:
    return [a[0] for a in AREAS if a[4] <= end and (a[5] is None or a[5] >= start)]


def covering(days: list[date]) -> list[str]:
    """Periods that overlap the span from the earliest to the latest event date."""
    first, last = min(days), max(days)
    return [p[0] for p in PERIODS if p[3] <= last and p[4] >= first]


def in_cell(area: str, cell_area: str) -> bool:
    return cell_area == CITY or area == cell_area


def build_values() -> pl.DataFrame:
    """marts.indicator_values, as the contract defines it for the events above."""
    counts: dict[tuple, float] = {}

    def add(code, pids, sexes, measure):
        for pid in pids:
            _, _, _, start, end, _ = PERIOD[pid]
            for area in valid_areas(start, end):
                for sex in sexes:
                    counts[(code, area, pid, sex)] = measure(area, start, end, sex)

    def police(area, start, end, pick):
        return sum(pick(c) for c in CASES if in_cell(c[1], area) and start <= c[2] <= end)

    police_periods = covering([c[2] for c in CASES])
    add("VIO_CASES", police_periods, "T", lambda a, s, e, _: police(a, s, e, lambda c: 1))
    add("VIO_FINES_VND", police_periods, "T", lambda a, s, e, _: police(a, s, e, lambda c: c[5]))
    sellers = {"F": lambda c: c[3], "M": lambda c: c[4], "T": lambda c: c[3] + c[4]}
    add("VIO_SELLERS", police_periods, "TFM", lambda a, s, e, sex: police(a, s, e, sellers[sex]))

    def culture(area, start, end, md_only):
        return sum(1 for i in INSPECTIONS if in_cell(i[1], area) and start <= i[2] <= end and (i[3] or not md_only))

    culture_periods = covering([i[2] for i in INSPECTIONS])
    add("INS_INSPECTIONS", culture_periods, "T", lambda a, s, e, _: culture(a, s, e, False))
    add("INS_WITH_MD_FINDING", culture_periods, "T", lambda a, s, e, _: culture(a, s, e, True))

    # Health: month by month; a longer period sums the workbooks of its months.
    months = [p for p in PERIODS if p[1] == "reporting" and p[2] == "month"]
    health_periods = [p[0] for p in PERIODS if p[1] == "reporting"
                      and any(p[3] <= PERIOD[m][3] and PERIOD[m][4] <= p[4] for m in WORKBOOKS)]
    incomplete = {pid for pid in health_periods
                  if any(m[3] >= PERIOD[pid][3] and m[4] <= PERIOD[pid][4] and m[0] not in WORKBOOKS for m in months)}

    def health(area, start, end, index):
        return sum(row[index] for month, rows in WORKBOOKS.items() for a, row in rows.items()
                   if in_cell(a, area) and start <= PERIOD[month][3] and PERIOD[month][4] <= end)

    add("HLT_HIV_TESTED", health_periods, "T", lambda a, s, e, _: health(a, s, e, 0))
    add("HLT_HIV_POSITIVE", health_periods, "T", lambda a, s, e, _: health(a, s, e, 1))

    suppressed = suppress(counts)
    rows = []
    for (code, area, pid, sex), value in counts.items():
        flag = "suppressed" if (code, area, pid, sex) in suppressed else ("incomplete" if pid in incomplete and code.startswith("HLT") else None)
        rows.append((code, area, pid, sex, None if flag == "suppressed" else float(value), None, None, flag))
    for ratio, (num_code, den_code) in RATIOS.items():
        for (code, area, pid, sex), den in list(counts.items()):
            if code != den_code:
                continue
            num = counts[(num_code, area, pid, sex)]
            if {(num_code, area, pid, sex), (den_code, area, pid, sex)} & suppressed:
                row = (None, None, None, "suppressed")
            elif den == 0:
                row = (None, num, den, "undefined")
            else:
                row = (num / den, num, den, "incomplete" if pid in incomplete and ratio.startswith("HLT") else None)
            rows.append((ratio, area, pid, sex, *row))
    return pl.DataFrame(rows, orient="row", schema={
        "indicator_code": pl.String, "area_id": pl.String, "period_id": pl.String, "sex": pl.String,
        "value": pl.Float64, "numerator": pl.Int64, "denominator": pl.Int64, "flag": pl.String,
    }).with_columns(release_id=pl.lit(None, pl.String))


def suppress(counts: dict[tuple, float]) -> set[tuple]:
    """The counts disclosure control suppresses (pipelines.disclosure on these values)."""
    registry = pl.read_csv(REGISTRY_CSV, infer_schema=False).filter(pl.col("indicator_code").is_in(INDICATORS))
    level = {a[0]: a[3] for a in AREAS}
    values = pl.DataFrame(
        [(code, area, pid, sex, value, None, level[area]) for (code, area, pid, sex), value in counts.items()],
        schema={"indicator_code": pl.String, "area_id": pl.String, "period_id": pl.String, "sex": pl.String,
                "value": pl.Float64, "flag": pl.String, "area_level": pl.String}, orient="row",
    ).join(registry.select("indicator_code", "unit", "disclosure", "numerator_code", "denominator_code",
                           pl.col("additive") == "true"), on="indicator_code")
    periods = pl.DataFrame(PERIODS, orient="row",
                           schema=["period_id", "calendar", "period_type", "start_date", "end_date", "label_vi"])
    con = duckdb.connect()
    con.register("fixture_values", values)
    con.register("fixture_periods", periods)
    outcome = control(con, "fixture_values", "fixture_periods")
    con.close()
    return set(outcome.suppressed.select("indicator_code", "area_id", "period_id", "sex").iter_rows())


def build_marts(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("create schema marts")
    areas = pl.DataFrame([(a[0], a[0], a[1], a[2], a[3], None if a[3] == "city" else CITY, a[4], a[5]) for a in AREAS],
                         orient="row", schema=["area_id", "gso_code", "area_name", "area_type", "level", "parent_id",
                                               "valid_from", "valid_to"])
    periods = pl.DataFrame(PERIODS, orient="row",
                           schema=["period_id", "calendar", "period_type", "start_date", "end_date", "label_vi"])
    values = build_values()
    con.execute("create table marts.dim_area as select * from areas")
    con.execute("create table marts.dim_period as select * from periods")
    con.execute(
        "create table marts.dim_indicator as select indicator_code, name_vi, name_en, unit, agency, numerator_code, "
        "denominator_code, disclosure, additive::boolean as additive, definition_en as definition "
        "from read_csv(?, all_varchar = true) "
        "where list_contains(?, indicator_code)", [str(REGISTRY_CSV), INDICATORS])
    con.execute("create table marts.indicator_values as select * from values")
    columns = ", ".join(f"max(v.value) filter (where v.indicator_code = '{c}') as {c.lower()}" for c in INDICATORS)
    con.execute(f"""
        create table marts.district_report as
        select v.area_id, v.period_id, a.area_name, p.label_vi, {columns}
        from marts.indicator_values v join marts.dim_area a using (area_id) join marts.dim_period p using (period_id)
        where v.sex = 'T' and p.period_type in ('half', 'year')
        group by all
    """)


LOADED_AT = datetime(2025, 9, 2, 1, 30, tzinfo=timezone.utc)


def lineage(source_file: str, line_no: int, file_date: date) -> dict:
    return {"source_file": source_file, "line_no": line_no, "file_sha256": hashlib.sha256(source_file.encode()).hexdigest(),
            "file_date": file_date, "file_seq": 1, "loaded_at": LOADED_AT}


def build_raw(con: duckdb.DuckDBPyConnection) -> None:
    ensure_schema(con)
    police, labor, culture, health = [], [], [], []
    line = 1
    for case_id, area, day, female, male, fine in CASES:
        for n, sex in enumerate(["Nữ"] * female + ["Nam"] * male):
            line += 1
            police.append({
                "case_id": case_id, "detected_on": day, "area_code": area, "area_name": None,
                "place_kind": "karaoke", "establishment_name": "Karaoke Hoa Hồng", "offence": "bán dâm",
                "handling": "Xử phạt hành chính", "fine_vnd": fine // max(female + male, 1),
                "person_pseudonym": pseudonym(f"0011950{line:05d}", KEY), "birth_year": 1990 + n % 10,
                "sex": sex, "role": "người bán dâm", "record_status": "Hiệu lực",
                "updated_at": datetime.combine(day, datetime.min.time()) + timedelta(days=3, hours=9),
                **lineage("police/police_cases_20250901.csv", line, date(2025, 9, 1)),
            })
    for n, (inspection_id, area, day, md) in enumerate(INSPECTIONS, start=1):
        culture.append({
            "inspection_id": inspection_id, "schema_version": 2,
            "inspected_at": datetime.combine(day, datetime.min.time(), timezone(timedelta(hours=7))).replace(hour=21),
            "inspected_on": day, "team": "LN178", "license_no": f"0104-KR-{2200 + n}",
            "establishment_name": "Karaoke Hoa Hồng", "establishment_type": "karaoke", "area_code": area,
            "area_name": None, "finding_codes": ["MD01"] if md else ["PC02"], "penalty_vnd": 15_000_000 if md else 0,
            "license_action": "suspended" if md else "none",
            **lineage("culture/culture_inspections_20250901.jsonl", n, date(2025, 9, 1)),
        })
    for month, rows in WORKBOOKS.items():
        _, _, _, start, end, _ = PERIOD[month]
        for n, (area, (tested, positive)) in enumerate(rows.items(), start=1):
            health.append({
                "report_year": 2025, "report_month": end.month, "period_start": start, "period_end": end,
                "version": 1, "row_number": n, "area_name": next(a[1] for a in AREAS if a[0] == area),
                "reached_female": 10 * n, "reached_male": n, "hiv_tested": tested, "hiv_positive": positive,
                "art_initiated": positive, "sti_examined": tested // 2, "methadone_enrolled": 1, "condoms": 1000 * n,
                **lineage(f"health/health_2025_{end.month:02d}.xlsx", 5 + n, date(2025, end.month, monthrange(2025, end.month)[1])),
            })
    for n in range(1, 5):
        followed = n % 2 == 0
        labor.append({
            "record_id": f"HS-2025-{n:04d}", "person_pseudonym": pseudonym(f"0011950{n + 1:05d}", KEY), "sex": "nu",
            "birth_year": 1992, "area_code": "00004", "area_name": "Phường Ba Đình", "support_kind": "hoc_nghe",
            "support_started_on": date(2025, 1, 10 + n), "followup_outcome": "viec_lam_on_dinh" if followed else None,
            "followed_up_on": date(2025, 7, 10 + n) if followed else None,
            **lineage("labor/labor_support_20250901.csv", n + 1, date(2025, 9, 1)),
        })
    for table, rows in [("police_case_persons", police), ("culture_inspections", culture),
                        ("health_monthly_reports", health), ("labor_support_records", labor)]:
        frame = pl.DataFrame(rows)
        con.execute(f"insert into raw.{table} by name select * from frame")


@pytest.fixture(scope="session")
def good_warehouse(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("quality") / "warehouse.duckdb"
    con = duckdb.connect(str(path))
    try:
        build_marts(con)
        build_raw(con)
    finally:
        con.close()
    return path


@pytest.fixture
def wh(settings, good_warehouse):
    """Settings whose warehouse is a fresh copy of the good one."""
    shutil.copyfile(good_warehouse, settings.warehouse_db)
    return settings


def change(settings, sql: str) -> None:
    con = duckdb.connect(str(settings.warehouse_db))
    try:
        con.execute(sql)
    finally:
        con.close()


def failures(results) -> dict[str, list[str]]:
    return {r.name: r.failed for r in results if r.failed}


# ---------------------------------------------------------------------------------------------
# Everything passes on correct data.

def test_the_marts_fixture_exercises_the_rules(good_warehouse):
    """The good marts are not trivially good: suppression, undefined, incomplete, both levels."""
    con = duckdb.connect(str(good_warehouse), read_only=True)
    flags = dict(con.execute("select coalesce(flag, '-'), count(*) from marts.indicator_values group by 1").fetchall())
    spanning = con.execute("""
        select count(distinct a.level) from marts.indicator_values v join marts.dim_area a using (area_id)
        where v.period_id = 'R2025-07' and a.level <> 'city'""").fetchall()[0][0]
    con.close()
    assert flags["suppressed"] >= 10 and flags["undefined"] >= 5 and flags["incomplete"] >= 10
    assert spanning == 2


def test_every_expectation_passes_on_correct_marts(wh, monkeypatch):
    monkeypatch.setattr("pipelines.quality.run.current_code_version", lambda: CODE_VERSION)
    results = run_all(wh)
    assert {r.name for r in results} == {s.name for s in list_suites("marts")}
    assert failures(results) == {}
    assert all(r.expectations and all(e.passed and e.error is None for e in r.expectations) for r in results)
    # The fingerprint recorded is the candidate's, computed in the same read-only session.
    assert {r.fingerprint for r in results} == {candidate_fingerprint(wh, CODE_VERSION)}
    values = next(r for r in results if r.name == "mart_indicator_values")
    assert values.blocking and values.passed and values.validation["success"] is True
    assert values.validation["statistics"]["evaluated_expectations"] == len(values.expectations)


def test_raw_suites_pass_on_correct_rows(wh):
    results = run_all(wh, layer="raw", fingerprint="f" * 64)
    assert {r.name for r in results} == {
        "raw_police_case_persons", "raw_health_monthly_reports", "raw_culture_inspections", "raw_labor_support_records"}
    assert failures(results) == {}
    assert all(not r.blocking and r.fingerprint == "f" * 64 for r in results)


def test_listing_suites_does_not_import_great_expectations():
    """Dagster loads the suites to declare its checks: that must not cost GX's import."""
    code = ("import sys; from pipelines.quality import list_suites; suites = list_suites(); "
            "assert len(suites) == 10, suites; assert 'great_expectations' not in sys.modules")
    subprocess.run([sys.executable, "-c", code], check=True, cwd=REPO_ROOT, timeout=120)


def test_validation_makes_no_network_call(wh, monkeypatch):
    from pipelines.quality import gx

    def refuse(*args, **kwargs):
        raise AssertionError("the quality suites tried to open a network connection")

    gx._context.cache_clear()  # the context itself is created under the guard too
    gx._batch_definition.cache_clear()
    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    assert run_suite(wh, "mart_dim_area").passed


# ---------------------------------------------------------------------------------------------
# Each blocking rule, broken once: exactly that expectation fails.

CELL = "indicator_code = '{}' and area_id = '{}' and period_id = '{}' and sex = '{}'"

BROKEN = {
    "duplicated key": (
        "mart_indicator_values", "key_unique",
        f"insert into marts.indicator_values select * from marts.indicator_values where {CELL.format('VIO_SELLERS', '01', '2025-06', 'T')}",
    ),
    "duplicated area": (
        "mart_dim_area", "key_unique",
        "insert into marts.dim_area select * from marts.dim_area where area_id = '017'",
    ),
    "unknown indicator": (
        "mart_indicator_values", "indicator_known",
        "insert into marts.indicator_values values ('VIO_ARRESTS', '01', '2025-06', 'T', 3, NULL, NULL, NULL, NULL)",
    ),
    "area not valid in its period": (
        "mart_indicator_values", "area_valid_in_period",
        "insert into marts.indicator_values values ('VIO_CASES', '00004', '2025-06', 'T', 0, NULL, NULL, NULL, NULL)",
    ),
    "negative count": (
        "mart_indicator_values", "no_negative_values",
        f"update marts.indicator_values set value = -value where {CELL.format('VIO_SELLERS', '01', '2025-06', 'T')}",
    ),
    "ratio not numerator over denominator": (
        "mart_indicator_values", "ratio_equals_numerator_over_denominator",
        f"update marts.indicator_values set value = value / 2 where {CELL.format('INS_MD_FINDING_RATE', '01', '2025-06', 'T')}",
    ),
    "city not the sum of its areas": (
        "mart_indicator_values", "city_equals_sum_of_areas",
        f"update marts.indicator_values set value = value + 1 where {CELL.format('VIO_CASES', '01', 'R2025-07', 'T')}",
    ),
    "missing required row": (
        "mart_indicator_values", "required_rows_present",
        f"delete from marts.indicator_values where {CELL.format('VIO_CASES', '00454', 'R2025-07', 'T')}",
    ),
    "a published 3 below city": (
        "mart_indicator_values", "small_counts_suppressed",
        f"update marts.indicator_values set value = 3 where {CELL.format('VIO_SELLERS', '00454', '2025-07', 'F')}",
    ),
    # A suppressed T beside its shown F and M (in every period of its relations, so that only the
    # sex relation gives it away): rule 2, and the audit finds T = F + M.
    "T suppressed but F and M shown": (
        "mart_indicator_values", ("sexes_suppressed_together", "no_suppressed_cell_determined"),
        "update marts.indicator_values set value = NULL, flag = 'suppressed' where indicator_code = 'VIO_SELLERS' "
        "and area_id = '00454' and sex = 'T' and period_id in ('2025-07', '2025-Q3', '2025-H2', '2025')",
    ),
    # One area of an additive count suppressed in one month: rule 3 and rule 4 (the quarter has
    # one month with a workbook), and the audit finds the value from the city and from the quarter.
    "exactly one suppressed area": (
        "mart_indicator_values", ("no_lone_suppressed_area", "no_lone_suppressed_period",
                                  "no_suppressed_cell_determined"),
        "update marts.indicator_values set value = NULL, flag = 'suppressed' "
        f"where {CELL.format('HLT_HIV_TESTED', '00070', 'R2025-08', 'T')}",
    ),
    # F and M of distinct persons (not additive: no area or period relation is exact) in one
    # month only: rule 4 alone.
    "exactly one suppressed period in a relation": (
        "mart_indicator_values", "no_lone_suppressed_period",
        "update marts.indicator_values set value = NULL, flag = 'suppressed' where indicator_code = 'VIO_SELLERS' "
        "and area_id = '00454' and period_id = '2025-07' and sex in ('F', 'M')",
    ),
    "ratio published while its numerator is suppressed": (  # 6 positives in 006, suppressed by rule 3
        "mart_indicator_values", "ratio_suppressed_with_its_parts",
        "update marts.indicator_values set value = 0.24, numerator = 6, denominator = 25, flag = NULL "
        f"where {CELL.format('HLT_HIV_POSITIVITY', '006', 'R2025-06', 'T')}",
    ),
    "district_report differs from indicator_values": (
        "mart_district_report", "values_match_indicator_values",
        "update marts.district_report set vio_cases = vio_cases + 1 where area_id = '006' and period_id = '2025-H1'",
    ),
    "district_report row missing": (
        "mart_district_report", "rows_present",
        "delete from marts.district_report where area_id = '00235' and period_id = 'R2025-H2'",
    ),
    "period id not as the calendar names it": (
        "mart_dim_period", "dates_as_defined",
        "update marts.dim_period set period_id = 'R2025-7' where period_id = 'R2025-07'",
    ),
    "a gap between periods": (
        "mart_dim_period", "periods_tile",
        "delete from marts.dim_period where period_id = '2025-Q2'",
    ),
}


@pytest.mark.parametrize("case", list(BROKEN))
def test_a_broken_rule_fails_its_expectation(wh, case):
    suite, expected, sql = BROKEN[case]
    expected = [expected] if isinstance(expected, str) else list(expected)
    expectation = expected[0]
    assert get_suite(suite).blocking
    change(wh, sql)
    result = run_suite(wh, suite)
    assert not result.passed
    assert sorted(result.failed) == sorted(expected)
    failed = next(e for e in result.expectations if e.name == expectation)
    assert failed.error is None and failed.observed and failed.sample
    assert sorted(result.to_check_dict()["failed"]) == sorted(expected)
    assert result.validation["success"] is False


# The other blocking expectations, broken together per suite (one run each): each must fail.
IV = "marts.indicator_values"
OTHER_RULES = {
    "mart_dim_area": [
        ("required_not_null", "update marts.dim_area set area_name = NULL where area_id = '006'"),
        ("level_in_set", "insert into marts.dim_area values ('99999', '99999', 'Phường Thử', 'phuong', 'ward_old', '01', "
                         "DATE '2025-07-01', NULL)"),
        ("area_type_in_set", "update marts.dim_area set area_type = 'thi_tran' where area_id = '017'"),
        ("type_matches_level", "update marts.dim_area set area_type = 'xa' where area_id = '002'"),
        ("one_city_the_province", "insert into marts.dim_area values ('79', '79', 'Thành phố Hồ Chí Minh', 'thanh_pho', "
                                  "'city', NULL, DATE '2008-08-01', NULL)"),
        ("parent_known", "update marts.dim_area set parent_id = '999' where area_id = '00070'"),
        ("validity_as_in_the_reform", "update marts.dim_area set valid_to = NULL where area_id = '001'"),
        ("gso_codes_never_overlap", "insert into marts.dim_area values ('006-2008', '006', 'Quận Đống Đa', 'quan', "
                                    "'district', '01', DATE '2008-08-01', DATE '2010-01-01')"),
        ("columns_as_contracted", "alter table marts.dim_area add column population BIGINT"),
    ],
    "mart_dim_period": [
        ("required_not_null", "update marts.dim_period set label_vi = NULL where period_id = '2025-01'"),
        ("key_unique", "insert into marts.dim_period select * from marts.dim_period where period_id = '2025-02'"),
        ("calendar_in_set", "update marts.dim_period set calendar = 'fiscal' where period_id = '2025-03'"),
        ("period_type_in_set", "update marts.dim_period set period_type = 'week' where period_id = '2025-04'"),
        ("columns_as_contracted", "alter table marts.dim_period add column is_current BOOLEAN"),
    ],
    "mart_dim_indicator": [
        ("required_not_null", "update marts.dim_indicator set name_en = NULL where indicator_code = 'VIO_CASES'"),
        ("key_unique", "insert into marts.dim_indicator select * from marts.dim_indicator where indicator_code = 'VIO_CASES'"),
        ("unit_in_set", "update marts.dim_indicator set unit = 'usd' where indicator_code = 'VIO_FINES_VND'"),
        ("disclosure_in_set", "update marts.dim_indicator set disclosure = 'secret' where indicator_code = 'HLT_HIV_TESTED'"),
        ("agency_in_set", "update marts.dim_indicator set agency = 'vhttdl' where indicator_code = 'INS_INSPECTIONS'"),
        ("as_in_the_registry", "update marts.dim_indicator set disclosure = 'public' where indicator_code = 'VIO_SELLERS'; "
                               "update marts.dim_indicator set additive = true where indicator_code = 'VIO_SELLERS'"),
        ("ratio_parts_defined", "update marts.dim_indicator set numerator_code = NULL where indicator_code = 'INS_MD_FINDING_RATE'"),
        ("columns_as_contracted", "alter table marts.dim_indicator add column owner VARCHAR"),
    ],
    "mart_indicator_values": [
        ("key_not_null", f"insert into {IV} values ('VIO_CASES', '01', '2025-06', NULL, 0, NULL, NULL, NULL, NULL)"),
        ("area_known", f"insert into {IV} values ('VIO_CASES', '00009-2025', '2025-06', 'T', 0, NULL, NULL, NULL, NULL)"),
        ("period_known", f"insert into {IV} values ('VIO_CASES', '01', '2025-13', 'T', 0, NULL, NULL, NULL, NULL)"),
        ("sex_in_set", f"insert into {IV} values ('VIO_CASES', '01', '2025-06', 'X', 0, NULL, NULL, NULL, NULL)"),
        ("sex_as_registered", f"insert into {IV} values ('VIO_CASES', '01', '2025-06', 'F', 0, NULL, NULL, NULL, NULL)"),
        ("flag_in_set", f"update {IV} set flag = 'estimated' where {CELL.format('VIO_SELLERS', '01', '2025-07', 'T')}"),
        ("value_null_iff_suppressed_or_undefined", f"update {IV} set value = NULL where {CELL.format('VIO_CASES', '006', '2025-06', 'T')}"),
        ("incomplete_only_for_monthly_reports", f"update {IV} set flag = 'incomplete' where {CELL.format('VIO_SELLERS', '01', '2025-06', 'T')}"),
        ("counts_are_whole_numbers", f"update {IV} set value = 2.5 where {CELL.format('VIO_SELLERS', '01', 'R2025-07', 'T')}"),
        ("ratio_within_0_and_1", f"update {IV} set value = 1.5, numerator = 3, denominator = 2 "
                                 f"where {CELL.format('INS_MD_FINDING_RATE', '01', '2025-07', 'T')}"),
        ("ratio_parts_match_their_indicators", f"update {IV} set numerator = 1, value = 1 / denominator "
                                               f"where {CELL.format('INS_MD_FINDING_RATE', '01', 'R2025-06', 'T')}"),
        ("undefined_iff_zero_denominator", f"update {IV} set flag = NULL, value = 0 "
                                           f"where {CELL.format('INS_MD_FINDING_RATE', '017', '2025-06', 'T')}"),
        ("suppressed_only_small_cells_below_city", f"update {IV} set value = NULL, flag = 'suppressed' "
                                                   f"where {CELL.format('VIO_SELLERS', '01', '2025-Q3', 'T')}"),
        ("columns_as_contracted", f"alter table {IV} add column note VARCHAR"),
    ],
    "mart_district_report": [
        ("key_not_null", "insert into marts.district_report (area_id, period_id) values (NULL, '2025-H1')"),
        ("key_unique", "insert into marts.district_report select * from marts.district_report "
                       "where area_id = '002' and period_id = '2025'"),
        ("periods_are_halves_and_years", "insert into marts.district_report (area_id, period_id, area_name, label_vi) "
                                         "values ('006', '2025-06', 'Quận Đống Đa', 'Tháng 06/2025')"),
        ("area_valid_in_period", "insert into marts.district_report (area_id, period_id, area_name, label_vi) "
                                 "values ('00004', '2025-H1', 'Phường Ba Đình', '6 tháng đầu năm 2025')"),
        ("labels_as_in_dimensions", "update marts.district_report set area_name = 'Đống Đa' where area_id = '006'"),
        ("columns_as_contracted", "alter table marts.district_report drop column hlt_hiv_positivity"),
    ],
}


@pytest.mark.parametrize("suite", list(OTHER_RULES))
def test_every_other_blocking_expectation_fails_when_broken(wh, suite):
    # columns_as_contracted comes last: it changes the table's shape
    change(wh, ";\n".join(sql for _, sql in OTHER_RULES[suite]))
    result = run_suite(wh, suite, fingerprint="candidate")
    assert {name for name, _ in OTHER_RULES[suite]} <= set(result.failed)
    assert not result.passed and result.to_check_dict()["passed"] is False


def test_no_blocking_expectation_goes_untested():
    proven = {(suite, name) for suite, names, _ in BROKEN.values()
              for name in ([names] if isinstance(names, str) else names)}
    proven |= {(suite, name) for suite, rules in OTHER_RULES.items() for name, _ in rules}
    proven |= {(suite, "no_identity_numbers_in_text") for suite in ("mart_dim_area", "mart_dim_period",
                                                                    "mart_dim_indicator", "mart_indicator_values",
                                                                    "mart_district_report")}
    every = {(s.name, e.name) for s in list_suites("marts") if s.blocking for e in s.expectations}
    assert every - proven == set()


def test_sample_of_a_gx_column_expectation_names_the_rows(wh):
    change(wh, f"update marts.indicator_values set value = value + 2 where {CELL.format('VIO_FINES_VND', '01', '2025', 'T')}")
    result = run_suite(wh, "mart_indicator_values")
    city = next(e for e in result.expectations if e.name == "city_equals_sum_of_areas")
    assert (city.observed, city.checked) == (1, 60)  # 4 public counts × 15 periods checked
    assert city.sample == [{"difference": 2.0, "indicator_code": "VIO_FINES_VND", "period_id": "2025", "sex": "T",
                            "city_value": 34_000_002.0, "district_sum": 20_500_000.0, "commune_sum": 13_500_000.0}]


@pytest.mark.parametrize("table, column, suite", [
    ("dim_area", "area_name", "mart_dim_area"),
    ("dim_indicator", "definition", "mart_dim_indicator"),
    ("dim_period", "label_vi", "mart_dim_period"),
    ("district_report", "label_vi", "mart_district_report"),
    ("indicator_values", "release_id", "mart_indicator_values"),
])
def test_identity_like_numbers_in_any_text_column_fail(wh, table, column, suite):
    change(wh, f"update marts.{table} set {column} = 'liên hệ 0012 3456 7890' where rowid = 0")
    result = run_suite(wh, suite)
    assert "no_identity_numbers_in_text" in result.failed
    found = next(e for e in result.expectations if e.name == "no_identity_numbers_in_text")
    assert found.sample == [{"column_name": column, "values_found": 1, "masked_example": "liên hệ #### #### ####"}]
    assert "3456" not in json.dumps([result.to_dict(), result.validation], default=str)


def test_nine_and_twelve_digit_runs_are_identity_like_others_not():
    from pipelines.quality.rules import LOOKS_LIKE_IDENTITY

    texts = {"Karaoke 123.456.789": True, "CCCD 001095012345": True, "Phố 12 Láng": False,
             "ĐT 0912345678": False, "CA-HN-2025-000123": False, "15.000.000 đ": False, "1234567890123": False}
    values = ", ".join(f"('{t}')" for t in texts)
    flagged = dict(duckdb.sql(f"select text, {LOOKS_LIKE_IDENTITY} from (values {values}) t(text)").fetchall())
    assert flagged == texts


# ---------------------------------------------------------------------------------------------
# Raw suites: warnings on bad rows, never personal data in the result.

CCCD = "001095012345"


def test_raw_suites_report_bad_rows_without_personal_data(wh):
    change(wh, f"""
        insert into raw.police_case_persons by name
        select * replace ('{CCCD}' as person_pseudonym, DATE '2009-12-31' as detected_on, -500000 as fine_vnd,
                          TIMESTAMP '2025-09-05 08:00' as updated_at)
        from raw.police_case_persons limit 1;
        insert into raw.labor_support_records by name
        select * replace (NULL as followed_up_on, line_no + 100 as line_no) from raw.labor_support_records
        where followup_outcome is not null limit 1;
        insert into raw.health_monthly_reports by name
        select * replace (-3 as hiv_positive, 7 as report_month) from raw.health_monthly_reports limit 1;
        insert into raw.culture_inspections by name
        select * replace (3 as schema_version, DATE '2025-09-03' as inspected_on) from raw.culture_inspections limit 1;
    """)
    change(wh, "alter table raw.culture_inspections alter column source_file drop not null; "
               "update raw.culture_inspections set source_file = NULL where inspection_id = 'VH-2025-00063'")
    results = {r.name: r for r in run_all(wh, layer="raw")}
    assert {name: set(failed) for name, failed in failures(results.values()).items()} == {
        "raw_police_case_persons": {"lineage_unique", "no_negative_values", "pseudonyms_are_hmac_sha256",
                                    "event_dates_in_range", "no_dates_after_load_day"},
        "raw_labor_support_records": {"followup_complete"},
        "raw_health_monthly_reports": {"lineage_unique", "no_negative_values", "stated_period_matches_month"},
        "raw_culture_inspections": {"lineage_not_null", "lineage_unique", "schema_version_in_set", "event_dates_in_range"},
    }
    police = results["raw_police_case_persons"]
    assert not any(r.blocking for r in results.values())
    pseudonyms = next(e for e in police.expectations if e.name == "pseudonyms_are_hmac_sha256")
    assert pseudonyms.sample == [{"source_file": "police/police_cases_20250901.csv", "rows": 1, "first_line": 2}]
    text = json.dumps([[r.to_dict(), r.validation] for r in results.values()], default=str)
    assert CCCD not in text and "0950123" not in text


# ---------------------------------------------------------------------------------------------
# Broken candidates: never a crash, always a failing blocking check.

def test_a_missing_mart_fails_its_suite_and_leaves_no_fingerprint(wh):
    change(wh, "drop table marts.district_report")
    results = {r.name: r for r in run_all(wh)}
    report = results["mart_district_report"]
    assert not report.passed and report.fingerprint is None
    assert "columns_as_contracted" in report.failed
    assert any(e.error and "district_report" in e.error for e in report.expectations)
    assert results["mart_dim_area"].passed  # the other marts are still checked


def test_missing_warehouse_and_unknown_suite_are_errors(wh):
    with pytest.raises(QualityError, match="no suite"):
        run_suite(wh, "mart_nonexistent")
    wh.warehouse_db.unlink()
    with pytest.raises(QualityError, match="no warehouse"):
        run_all(wh)


# ---------------------------------------------------------------------------------------------
# With publish: the gate reads the check dicts; row counts compare with the published release.

def test_checks_gate_publish_and_row_counts_warn(wh):
    fingerprint = candidate_fingerprint(wh, CODE_VERSION)
    results = run_all(wh, fingerprint=fingerprint)
    outcome = publish(wh, checks=[r.to_check_dict() for r in results], deliveries=[], code_version=CODE_VERSION)
    assert outcome.published
    manifest = published_release(wh)
    assert {c["name"] for c in manifest["checks"]} == {s.name for s in list_suites("marts")}

    rows = run_suite(wh, "release_row_counts", fingerprint=fingerprint)
    assert rows.passed and rows.expectations[0].checked == 5  # all five tables compared

    # The candidate loses most of its values: a warning (not blocking) and a refused release.
    change(wh, "delete from marts.indicator_values where period_id like 'R%'")
    broken = run_all(wh, fingerprint=candidate_fingerprint(wh, CODE_VERSION))
    by_name = {r.name: r for r in broken}
    assert by_name["release_row_counts"].failed == ["rows_within_band_of_published_release"]
    assert not by_name["release_row_counts"].blocking
    sample = by_name["release_row_counts"].expectations[0].sample
    assert [row["table_name"] for row in sample] == ["indicator_values"]
    assert "required_rows_present" in by_name["mart_indicator_values"].failed
    with pytest.raises(PublishRefused, match="mart_indicator_values: failed"):
        publish(wh, checks=[r.to_check_dict() for r in broken], deliveries=[], code_version=CODE_VERSION)
    assert published_release(wh)["release_id"] == outcome.release_id


def test_row_counts_pass_without_a_published_release(wh):
    result = run_suite(wh, "release_row_counts")
    assert result.passed and result.expectations[0].checked == 0


# ---------------------------------------------------------------------------------------------
# The results on disk.

def test_write_results_json_and_html(wh, tmp_path):
    change(wh, f"update marts.indicator_values set value = value + 1 where {CELL.format('VIO_CASES', '01', 'R2025-07', 'T')}")
    results = run_all(wh)
    folder = tmp_path / "releases" / "r1" / "quality"
    written = write_results(results, folder)
    assert set(written) == {folder / "index.html", folder / "results.json",
                            *(folder / "validations" / f"{r.name}.json" for r in results)}
    validation = json.loads((folder / "validations" / "mart_indicator_values.json").read_text())
    assert validation["success"] is False and validation["suite_name"] == "mart_indicator_values"
    failed = [r for r in validation["results"] if not r["success"]]
    assert [r["expectation_config"]["meta"]["expectation"] for r in failed] == ["city_equals_sum_of_areas"]
    assert failed[0]["expectation_config"]["type"] == "expect_column_values_to_be_between"
    summary = json.loads((folder / "results.json").read_text())
    assert {s["name"]: s["failed"] for s in summary if s["failed"]} == {"mart_indicator_values": ["city_equals_sum_of_areas"]}
    page = (folder / "index.html").read_text()
    assert "Blocking checks failed: mart_indicator_values" in page
    assert "city_equals_sum_of_areas" in page and "R2025-07" in page
    assert "http" not in page  # self-contained: nothing to fetch
