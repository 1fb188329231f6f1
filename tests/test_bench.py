"""The benchmark's machinery at a tiny scale (pipelines.bench): cache, floor, the extra day of
deliveries, the memory sampler, the query timings, and the BENCH line. No assertion on time.

A real refresh costs about a minute whatever the data (dbt's build and unit tests), so the
end-to-end test runs the real refresh job restricted to ingestion (real readers, real
DuckDB, the refresh lock), then publishes small hand-made marts computed from the raw rows
with the real `publish`; `make bench` itself runs the whole job.
"""

from __future__ import annotations

import re
import subprocess
import sys
from datetime import date

import dagster as dg
import pytest

from pipelines import bench
from pipelines.config import Settings

TINY = dict(scale=0.05, seed=5, date_from=date(2025, 1, 1), date_to=date(2025, 2, 28))
BENCH_LINE = re.compile(
    r"BENCH rows=\d+ floor_s=\d+\.\d\d full_s=\d+\.\d\d full_ratio=\d+\.\d\d incr_s=\d+\.\d\d "
    r"incr_ratio=\d+\.\d{3} peak_rss_mb=\d+ q_report_ms=\d+\.\d\d q_series_ms=\d+\.\d\d "
    r"disclosure_s=\d+\.\d\d suppressed_share=(\d\.\d{4}|nan)"
)

# Marts a dbt build would leave, computed from raw rows so that the extra day changes them.
MARTS = """
create schema if not exists marts;
create or replace table marts.dim_area as select '01' as area_id, '01' as gso_code,
    'Thành phố Hà Nội' as area_name, 'thanh_pho' as area_type, 'city' as level, NULL as parent_id,
    DATE '2008-08-01' as valid_from, NULL::DATE as valid_to;
create or replace table marts.dim_period as select '2025' as period_id, 'calendar' as calendar,
    'year' as period_type, DATE '2025-01-01' as start_date, DATE '2025-12-31' as end_date, 'Năm 2025' as label_vi;
create or replace table marts.dim_indicator as select 'VIO_CASES' as indicator_code, 'Số vụ việc' as name_vi,
    'Cases detected' as name_en, 'count' as unit, 'police' as agency, NULL as numerator_code,
    NULL as denominator_code, 'public' as disclosure, 'distinct cases detected' as definition;
create or replace table marts.indicator_values as select 'VIO_CASES' as indicator_code, '01' as area_id,
    '2025' as period_id, 'T' as sex, count(distinct case_id)::DOUBLE as value, NULL::DOUBLE as numerator,
    NULL::DOUBLE as denominator, NULL::VARCHAR as flag, NULL::VARCHAR as release_id
    from raw.police_case_persons;
create or replace table marts.district_report as select '01' as area_id, '2025' as period_id,
    'Thành phố Hà Nội' as area_name, 'Năm 2025' as label_vi, value as vio_cases from marts.indicator_values;
"""


def ingest_then_publish(settings: Settings, echo) -> bench.Refresh:
    """The real refresh job's ingestion, timed by the bench, then a real publish."""
    from pipelines.definitions import defs
    from pipelines.defs.jobs import holds_refresh_lock
    from pipelines.publish import accepted_deliveries, candidate_fingerprint, publish
    from pipelines.warehouse import warehouse

    job = dg.define_asset_job(
        "bench_ingest", dg.AssetSelection.groups("ingestion") - dg.AssetSelection.assets(["ops", "quarantine"]),
        hooks={holds_refresh_lock},
    ).resolve(asset_graph=defs.resolve_asset_graph(), resource_defs=defs.resources)
    refresh = bench.timed_refresh(settings, echo, job)
    with warehouse(settings) as con:
        con.execute(MARTS)
    checks = [{"name": "bench", "passed": True, "blocking": True,
               "fingerprint": candidate_fingerprint(settings, "bench-test")}]
    publish(settings, checks=checks, deliveries=accepted_deliveries(settings), code_version="bench-test")
    return refresh


@pytest.fixture
def config(tmp_path, monkeypatch):
    monkeypatch.setenv("PCMD_PSEUDONYM_KEY", "bench-test-key")
    return bench.BenchConfig(**TINY, work_dir=tmp_path / "bench", query_runs=3)


def test_the_bench_prints_a_table_and_last_the_bench_line(config, monkeypatch):
    # the environment the bench exports for its data root is put back afterwards
    home = bench.load_settings(config.work_dir / f"run-{config.key}")
    for name, value in home.runtime_environment().items():
        monkeypatch.setenv(name, value)
    lines: list[str] = []
    result = bench.run_benchmark(config, echo=lines.append, refresh=ingest_then_publish)

    assert result.full.success and result.incremental.success, "\n".join(lines)
    assert BENCH_LINE.fullmatch(result.line()), result.line()
    assert result.rows > 0 and result.increment_rows >= 2
    assert result.floor.rows > result.rows and result.floor.unreadable  # the truncated workbook
    assert set(result.full.steps) >= {"raw__police_case_persons", "raw__health_monthly_reports"}
    assert result.full.stage("ingest") > 0 and result.peak_rss_mb > 50
    printed: list[str] = []
    bench.report(result, printed.append)
    assert "floor (DuckDB reads the files)" in printed[0]
    assert printed[-1] == result.line()  # the BENCH line comes last

    # the extra day was ingested whole: a new accepted delivery, nothing quarantined
    from pipelines.warehouse import warehouse

    with warehouse(home, read_only=True) as con:
        [(status, loaded, quarantined)] = con.execute(
            "select status, rows_loaded, rows_quarantined from ops.deliveries "
            "order by first_seen_at desc limit 1").fetchall()
    assert (status, loaded, quarantined) == ("accepted", result.increment_rows, 0)

    # the cache is reused: a second run generates nothing
    lines.clear()
    bench.cached_landing(config, lines.append)
    assert lines == []


def test_tree_rss_counts_child_processes():
    child = subprocess.Popen([sys.executable, "-c",
                              "import sys, time; x = bytearray(300 << 20); print('ready', flush=True); time.sleep(2)"],
                             stdout=subprocess.PIPE, text=True)
    try:
        assert child.stdout.readline().strip() == "ready"
        with bench.TreeRss(interval=0.05) as rss:
            pass
        alone = bench.tree_rss_kb(child.pid) / 1024
    finally:
        child.kill()
        child.wait()
    assert alone > 300
    assert rss.peak_mb > alone


def test_file_encoding(tmp_path):
    utf8, cp1258, utf16 = tmp_path / "a.csv", tmp_path / "b.csv", tmp_path / "c.csv"
    utf8.write_bytes("\ufeffĐống Đa\n".encode("utf-8"))
    cp1258.write_bytes("Hoà Đà\n".encode("cp1258"))
    utf16.write_bytes("Đống Đa\n".encode("utf-16"))
    assert [bench.file_encoding(p) for p in (utf8, cp1258, utf16)] == ["utf-8", "cp1258", "utf-16"]
