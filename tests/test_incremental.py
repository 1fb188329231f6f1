"""An incremental build gives exactly what a build from scratch gives (issue 6).

The same generated deliveries reach two warehouses. One takes them in four refreshes, as the
nightly schedule would: the deliveries up to mid-2024, then the rest, then one more day of
police revisions and cancellations of old pairs (the benchmark's increment), then a late export
of older updates of the same pairs (new lines that do not win), with an incremental dbt build
after each. The other takes everything at once and builds from scratch.
Every fact and mart, and the revisions and the quarantine dbt finds, must be the same rows,
apart from when they were loaded (`loaded_at`, `last_loaded_at`).
"""

from __future__ import annotations

import os
import re
import shutil
from datetime import date
from pathlib import Path

import duckdb
import polars as pl
import pytest

from pipelines import transform
from pipelines.bench import extra_police_delivery
from pipelines.config import load_settings
from pipelines.generate import generate
from pipelines.ingest.run import ingest
from pipelines.runtime import prepare
from pipelines.warehouse import connect

DATE_FROM, DATE_TO = date(2022, 1, 1), date(2026, 6, 30)
SPLIT = (2024, 6)                       # deliveries of a later month arrive in the second refresh
LOAD_COLUMNS = {"loaded_at", "last_loaded_at"}
COMPARED = [("core", None), ("marts", None), ("disclosure", None),
            ("intermediate", "int_police__case_persons_revised"),
            ("intermediate", "int_labor__support_records_revised"),
            ("intermediate", "int_culture__inspections_revised"),
            ("intermediate", "int_areas_resolved"),
            ("intermediate", "int_rows_rejected")]
INCREMENTAL_MODELS = ["int_areas_resolved", "int_police__case_persons_checked", "int_police__case_persons_revised",
                      "fct_violation_cases", "fct_violation_persons", "fct_support_records", "fct_inspections"]


def _delivered_month(name: str) -> tuple[int, int]:
    """The (year, month) in a delivery's file name; a name without a date counts as early."""
    found = re.search(r"(20\d\d)_?(\d\d)", name)
    return (int(found[1]), int(found[2])) if found else (0, 0)


def _home(root: Path, name: str):
    return prepare(load_settings(root / name))


def _deliver(files: list[Path], source: Path, landing: Path) -> None:
    for path in files:
        target = landing / path.relative_to(source)
        target.parent.mkdir(parents=True, exist_ok=True)
        os.link(path, target)


def _build(settings) -> None:
    # the disclosure step between, as a refresh runs it; unit tests: tests/dbt
    for result in transform.build_with_disclosure(settings, exclude="resource_type:unit_test"):
        assert result.success, "\n".join(transform.failures(result))


@pytest.fixture(scope="module")
def warehouses(tmp_path_factory):
    root = tmp_path_factory.mktemp("incremental")
    with pytest.MonkeyPatch.context() as env:
        env.setenv("PCMD_PSEUDONYM_KEY", "incremental-test-key")
        source = root / "deliveries"
        generate(source, seed=11, scale=0.4, date_from=DATE_FROM, date_to=DATE_TO)
        files = sorted(p for p in source.rglob("*") if p.is_file())
        early = [p for p in files if _delivered_month(p.name) <= SPLIT]
        late = [p for p in files if _delivered_month(p.name) > SPLIT]

        stepwise = _home(root, "stepwise")
        for part in (early, late):
            _deliver(part, source, stepwise.landing_dir)
            ingest(stepwise)
            _build(stepwise)
        police_rows = _count(stepwise, "select count(*) from raw.police_case_persons")
        # 50 times the benchmark's share: a day of a few hundred revisions, cancellations, new cases
        extra, _ = extra_police_delivery(stepwise.landing_dir, police_rows, today=DATE_TO, share=0.05)
        ingest(stepwise)
        _build(stepwise)
        older = _late_older_export(stepwise.landing_dir / extra)
        ingest(stepwise)
        _build(stepwise)
        run_sql = {model: _run_sql(stepwise, model) for model in INCREMENTAL_MODELS}

        at_once = _home(root, "at_once")
        _deliver(files, source, at_once.landing_dir)
        for name in (extra, older):
            shutil.copy2(stepwise.landing_dir / name, at_once.landing_dir / name)
        ingest(at_once)
        _build(at_once)
        yield stepwise, at_once, run_sql, len(early), len(late), older


def _late_older_export(export: Path) -> str:
    """The revised lines of `export` again, in a second export of the same day whose
    `Ngày cập nhật` is older: new lines that lose to the pairs' current lines (the count of
    competing lines changes, the winner does not). Returns its name relative to landing/."""
    rows = pl.read_csv(export, infer_schema=False, encoding="utf8")
    older = rows.filter(~pl.col("Mã vụ việc").str.contains("-B")).with_columns(
        (pl.col("Ngày phát hiện") + pl.lit(" 00:01")).alias("Ngày cập nhật"))
    day = re.search(r"\d{8}", export.name)[0]
    target = next(path for n in range(2, 100)
                  if not (path := export.with_name(f"police_cases_{day}_{n}.csv")).exists())
    older.write_csv(target, include_bom=True)
    return f"{export.parent.name}/{target.name}"


def _count(settings, sql: str) -> int:
    con = connect(settings, read_only=True)
    try:
        return con.execute(sql).fetchall()[0][0]
    finally:
        con.close()


def _run_sql(settings, model: str) -> str:
    """What dbt last ran for a model (target/run/...)."""
    [path] = (transform.target_path(settings) / "run").rglob(f"{model}.sql")
    return path.read_text()


def test_the_deliveries_arrive_in_parts(warehouses):
    stepwise, _, _, early, late, older = warehouses
    assert early > 50 and late > 50
    # the day of revisions and the late older export were both loaded, at their own load times
    assert _count(stepwise, "select count(distinct loaded_at) from raw.police_case_persons") == 4
    assert _count(stepwise, f"select count(*) from raw.police_case_persons where source_file = '{older}'") > 50
    assert _count(stepwise, "select count(*) from ops.deliveries where status = 'rejected' "
                            "and file_name like 'police/police_cases_2026%'") == 0


def test_the_later_builds_were_incremental(warehouses):
    _, _, run_sql, _, _, _ = warehouses
    for model, sql in run_sql.items():
        # an incremental build inserts into the existing table; a full one creates it
        assert re.search(r"\binsert into\b", sql, re.IGNORECASE), model
        assert not re.search(r"\bcreate\s+(or replace\s+)?table\b[^(]*\bas\s*\(", sql, re.IGNORECASE), model


def _tables(con, schema: str, name: str | None) -> list[str]:
    rows = con.execute("select table_name from information_schema.tables where table_catalog = 'stepwise' "
                       "and table_schema = ? and table_type = 'BASE TABLE' order by 1", [schema]).fetchall()
    return [r[0] for r in rows if name is None or r[0] == name]


def test_incremental_and_full_builds_give_identical_tables(warehouses):
    stepwise, at_once, _, _, _, _ = warehouses
    con = duckdb.connect()
    con.execute("attach ? as stepwise (read_only)", [str(stepwise.warehouse_db)])
    con.execute("attach ? as at_once (read_only)", [str(at_once.warehouse_db)])
    compared = 0
    for schema, name in COMPARED:
        for table in _tables(con, schema, name):
            columns = [r[0] for r in con.execute(
                "select column_name from information_schema.columns where table_catalog = 'stepwise' "
                "and table_schema = ? and table_name = ? order by ordinal_position", [schema, table]).fetchall()]
            kept = ", ".join(f'"{c}"' for c in columns if c not in LOAD_COLUMNS)
            counts = []
            for first, second in (("stepwise", "at_once"), ("at_once", "stepwise")):
                counts.append(con.execute(
                    f"select count(*) from (select {kept} from {first}.{schema}.{table} "
                    f"except all select {kept} from {second}.{schema}.{table})").fetchall()[0][0])
            rows = con.execute(f"select count(*) from stepwise.{schema}.{table}").fetchall()[0][0]
            assert counts == [0, 0], f"{schema}.{table}: {counts[0]} rows only stepwise, {counts[1]} only at once"
            assert rows > 0 or table in ("int_rows_rejected",), f"{schema}.{table} is empty"
            compared += 1
    assert compared >= 14


def test_a_build_starts_from_scratch_until_this_project_built_everything(settings, tmp_path, monkeypatch):
    assert transform.needs_full_refresh(settings)          # a new warehouse
    transform.record_complete_build(settings)
    assert not transform.needs_full_refresh(settings)      # built by this version: incremental
    transform.forget_builds(settings)                      # pcmd refresh --rebuild
    assert transform.needs_full_refresh(settings)

    transform.record_complete_build(settings)
    project = tmp_path / "dbt_project"
    shutil.copytree(transform.DBT_PROJECT_DIR, project, ignore=shutil.ignore_patterns("target", "logs"))
    monkeypatch.setattr(transform, "DBT_PROJECT_DIR", project)
    assert not transform.needs_full_refresh(settings)      # the same files: the same fingerprint
    seed = project / "seeds" / "reference" / "admin_units.csv"
    seed.write_text(seed.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    assert transform.needs_full_refresh(settings)          # the reference changed: rebuild
