"""`pcmd refresh` end to end on generated deliveries: the real Dagster job, ingestion, dbt.

The generator says what a correct warehouse does with each file and which rows it must set
aside; this test holds the warehouse to it, then searches every table, every file under
$PCMD_HOME and the run's output for any name or identity number of the input.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from datetime import date
from pathlib import Path

import duckdb
import pytest

from homes import refreshed_home

@pytest.fixture(scope="module")
def refreshed(tmp_path_factory):
    """Generated deliveries for Jan 2025 – Oct 2025 (across the reform), then one refresh."""
    with refreshed_home(tmp_path_factory, "refresh", key="refresh-test-key", seed=7, scale=0.5,
                        date_from=date(2025, 1, 1), date_to=date(2025, 10, 31), with_truth=True) as refreshed:
        yield refreshed


def test_refresh_succeeds_and_summarises(refreshed):
    _, summary, result, output = refreshed
    assert result.success, output
    accepted = sum(1 for d in summary.deliveries if d.expected == "accepted")
    assert f"Deliveries: {accepted} accepted" in output


def test_every_file_gets_the_status_the_contract_gives_it(refreshed):
    settings, summary, _, _ = refreshed
    with duckdb.connect(str(settings.warehouse_db), read_only=True) as con:
        status = dict(con.execute("select file_name, status from ops.deliveries").fetchall())
    expected = {f"{d.agency}/{d.name}": d.expected for d in summary.deliveries}
    assert status == expected


def test_every_bad_row_is_quarantined_at_its_line(refreshed):
    settings, summary, _, _ = refreshed
    with duckdb.connect(str(settings.warehouse_db), read_only=True) as con:
        quarantined = set(con.execute("select file_name, line_no from ops.quarantine").fetchall())
    # ingestion's (unreadable values, dates out of range) and dbt's (areas that cannot be placed)
    expected = {(b.file_name, b.line_no) for b in summary.bad_rows}
    assert expected, "the generator made no bad rows in this range"
    assert expected <= quarantined


def test_raw_rows_carry_lineage(refreshed):
    settings, _, _, _ = refreshed
    with duckdb.connect(str(settings.warehouse_db), read_only=True) as con:
        for table in ("police_case_persons", "health_monthly_reports", "culture_inspections", "labor_support_records"):
            missing = con.execute(
                f"select count(*) from raw.{table} where source_file is null or line_no is null "
                "or file_sha256 is null or loaded_at is null"
            ).fetchall()[0][0]
            total = con.execute(f"select count(*) from raw.{table}").fetchall()[0][0]
            assert total > 0 and missing == 0, table


# -- personal data ---------------------------------------------------------------------------

def _police_names(landing: Path) -> set[str]:
    """Full names as written in the police files, read back by the test's own small parser."""
    names = set()
    for path in sorted((landing / "police").glob("*.csv")):
        data = path.read_bytes()
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = data.decode("cp1258", errors="replace")
        text = unicodedata.normalize("NFC", text)
        first = text.split("\n", 1)[0]
        delimiter = ";" if first.count(";") > first.count(",") else ","
        rows = csv.reader(text.splitlines(), delimiter=delimiter)
        header = [unicodedata.normalize("NFC", h).strip().casefold() for h in next(rows, [])]
        if "họ tên" not in header:
            continue
        column = header.index("họ tên")
        names |= {row[column].strip() for row in rows if len(row) > column and len(row[column].strip()) > 6}
    return names


def _needles(settings, summary) -> tuple[set[str], set[str]]:
    ids = {digits for (_, digits) in summary.truth.police} | {r.identity for r in summary.truth.labor.values()}
    names = _police_names(settings.landing_dir)
    return ids, names


def test_no_name_or_identity_number_in_any_table(refreshed):
    settings, summary, _, _ = refreshed
    ids, names = _needles(settings, summary)
    assert len(ids) > 100 and len(names) > 100
    id_pattern = re.compile(r"(?<!\d)(" + "|".join(sorted(ids)) + r")(?!\d)")
    forms = {unicodedata.normalize(f, n).casefold() for n in names for f in ("NFC", "NFD")}
    found = []
    with duckdb.connect(str(settings.warehouse_db), read_only=True) as con:
        columns = con.execute(
            "select table_schema, table_name, column_name from information_schema.columns "
            "where data_type like 'VARCHAR%'"
        ).fetchall()
        assert len(columns) > 50
        for schema, table, column in columns:
            values = con.execute(f'select distinct cast("{column}" as varchar) from "{schema}"."{table}"').fetchall()
            for (value,) in values:
                if value is None:
                    continue
                digits_only = re.sub(r"[ .]", "", value)
                lowered = value.casefold()
                if id_pattern.search(digits_only) or any(form in lowered for form in forms):
                    found.append((schema, table, column, value[:40]))
    assert not found, found[:5]


def test_no_name_or_identity_number_in_any_file_or_log(refreshed):
    settings, summary, _, output = refreshed
    ids, names = _needles(settings, summary)
    needles = {i.encode() for i in ids} | {
        unicodedata.normalize(f, n).encode() for n in names for f in ("NFC", "NFD")
    }
    files = [p for p in settings.home.rglob("*")
             if p.is_file() and settings.landing_dir not in p.parents and p.parent.name != "secrets"]
    assert any(p.suffix == ".duckdb" for p in files)
    leaks = []
    for path in files:
        data = path.read_bytes()
        leaks += [(str(path.relative_to(settings.home)), n[:20]) for n in needles if n in data]
    leaks += [("output", n[:20]) for n in needles if n in output.encode()]
    assert not leaks, leaks[:5]


# -- the gate: these run last, they change the warehouse ------------------------------------

def test_a_refresh_publishes_a_checked_release(refreshed):
    from pipelines.publish import published_release

    settings, _, _, output = refreshed
    manifest = published_release(settings)
    assert manifest is not None and f"Release: {manifest['release_id']} published" in output
    assert "Checks: 6 of 6 suites passed" in output
    quality = settings.releases_dir / manifest["release_id"] / "quality"
    assert (quality / "index.html").exists() and (quality / "results.json").exists()


def test_a_blocking_failure_between_build_and_check_keeps_the_previous_release(refreshed):
    import dagster as dg

    from pipelines import gate
    from pipelines.definitions import defs
    from pipelines.publish import PublishRefused, published_release
    from pipelines.refresh import run_refresh

    settings, _, _, _ = refreshed
    published_bytes = settings.published_db.read_bytes()
    release_before = published_release(settings)["release_id"]
    releases_before = sorted(p.name for p in settings.releases_dir.iterdir())
    passing_checks = (gate.candidate_dir(settings) / "checks.json").read_text()

    @dg.success_hook
    def corrupt_one_mart_row(context):
        if context.op.name == "dbt_published":  # right after the build, before the checks
            with duckdb.connect(str(settings.warehouse_db)) as con:
                con.execute("update marts.indicator_values set value = value + 1 "
                            "where indicator_code = 'VIO_CASES' and area_id = '01' and period_id = '2025-03'")

    corrupted = dg.Definitions.merge(defs, dg.Definitions(jobs=[dg.define_asset_job(
        "refresh_corrupted", selection=dg.AssetSelection.all(), hooks={corrupt_one_mart_row})]))
    output: list[str] = []
    result = run_refresh(settings, echo=output.append, job=corrupted.resolve_job_def("refresh_corrupted"))
    text = "\n".join(output)

    assert not result.success
    assert "mart_indicator_values: FAILED (blocking)" in text and "city_equals_sum_of_areas" in text
    assert f"not published; {release_before} stays published" in text
    assert settings.published_db.read_bytes() == published_bytes
    assert sorted(p.name for p in settings.releases_dir.iterdir()) == releases_before

    # Even handed the passing results of the data before the corruption, the gate refuses.
    (gate.candidate_dir(settings) / "checks.json").write_text(passing_checks)
    with pytest.raises(PublishRefused):
        gate.publish_candidate(settings)
    assert settings.published_db.read_bytes() == published_bytes


def test_the_next_refresh_rebuilds_and_publishes_nothing_new(refreshed):
    from pipelines.publish import published_release
    from pipelines.refresh import run_refresh

    from pipelines import transform

    settings, _, _, _ = refreshed
    release_before = published_release(settings)["release_id"]
    assert not transform.needs_full_refresh(settings)  # the first refresh built every model
    output: list[str] = []
    result = run_refresh(settings, echo=output.append)
    assert result.success, "\n".join(output)
    assert "no new release" in "\n".join(output)
    assert published_release(settings)["release_id"] == release_before
    # ... so this one was incremental: dbt inserted into the revisions instead of creating them
    [revised] = (transform.target_path(settings) / "run").rglob("int_police__case_persons_revised.sql")
    assert "insert into" in revised.read_text().lower()
