"""Rows dbt finds bad reach ops.quarantine, once, masked; the deliveries' counts follow."""

from __future__ import annotations

import json

import pytest
import yaml

from conftest import rows
from pipelines.config import DBT_PROJECT_DIR, load_settings
from pipelines.personal import MASK
from pipelines.quarantine import NotBuilt, record_rejections
from pipelines.warehouse import connect
from scenario import (
    AREA_HEALTH_FILE,
    AREA_POLICE_FILE,
    CULTURE_FILE,
    INGESTION_QUARANTINED,
    LABOR_FILE,
    POLICE_FILE,
)

REJECTED = sorted([
    (AREA_HEALTH_FILE, 8, "name 'Quận Hoa Sen' matches no unit valid on 2024-03-31"),
    (AREA_POLICE_FILE, 4, "code 006 contradicts name 'Ba Đình'"),
    (AREA_POLICE_FILE, 8, "Vai trò 'người qua đường' is not a known value"),
    (CULTURE_FILE, 2, "team 'Đoàn 3' is not a known value"),
    (LABOR_FILE, 20, "loai_ho_tro 'du_lich' is not a known value"),
])


def _quarantine(settings) -> list[tuple]:
    con = connect(settings, read_only=True)
    try:
        return rows(con, "select file_name, line_no, reason from ops.quarantine order by all")
    finally:
        con.close()


def _counts(settings, *files) -> dict[str, tuple]:
    """file -> (rows_read, rows_loaded, rows_quarantined)"""
    con = connect(settings, read_only=True)
    try:
        return {name: tuple(counts) for name, *counts in rows(con, f"""
            select file_name, rows_read, rows_loaded, rows_quarantined from ops.deliveries
            where file_name in ({', '.join('?' * len(files))})
        """, *files)}
    finally:
        con.close()


def test_dbt_lists_its_rejected_rows_with_the_pseudonym_masked(warehouse_db):
    assert rows(warehouse_db, "select file_name, line_no, reason from intermediate.int_rows_rejected "
                              "order by all") == REJECTED
    raw = dict(rows(warehouse_db, "select line_no, raw from intermediate.int_rows_rejected where file_name = ?",
                    AREA_POLICE_FILE))
    row = json.loads(raw[8])
    assert row["person_pseudonym"] == MASK and row["role"] == "người qua đường" and row["case_id"] == "CA-HN-000008"
    assert "p8" not in raw[8]
    assert "source_file" not in row   # lineage is in file_name and line_no


def test_the_mask_is_the_warehouse_mask():
    project = yaml.safe_load((DBT_PROJECT_DIR / "dbt_project.yml").read_text(encoding="utf-8"))
    assert project["vars"]["mask"] == MASK


def test_record_rejections_appends_once_and_recounts_the_deliveries(built):
    settings, _ = built
    ingestion_row = INGESTION_QUARANTINED[:3]
    assert record_rejections(settings) == len(REJECTED)
    assert _quarantine(settings) == sorted([*REJECTED, ingestion_row])
    # rows_read stays; what dbt rejected moves from loaded to quarantined
    assert _counts(settings, AREA_POLICE_FILE, LABOR_FILE, POLICE_FILE) == {
        AREA_POLICE_FILE: (8, 5, 3),     # 7 loaded by ingestion (1 quarantined there), 2 rejected by dbt
        LABOR_FILE: (8, 7, 1),
        POLICE_FILE: (11, 11, 0),        # untouched
    }

    # idempotent: nothing twice
    assert record_rejections(settings) == 0
    assert _quarantine(settings) == sorted([*REJECTED, ingestion_row])
    assert _counts(settings, AREA_POLICE_FILE)[AREA_POLICE_FILE] == (8, 5, 3)

    # an entry of an earlier build whose row is accepted now (say, after a vocabulary fix)
    # leaves the quarantine, and its file's counts follow
    con = connect(settings)
    try:
        con.execute("insert into ops.quarantine values (?, 2, 'Vai trò ''x'' is not a known value', '{}')", [POLICE_FILE])
        con.execute("update ops.deliveries set rows_loaded = 10, rows_quarantined = 1 where file_name = ?", [POLICE_FILE])
    finally:
        con.close()
    assert record_rejections(settings) == 0
    assert _quarantine(settings) == sorted([*REJECTED, ingestion_row])
    assert _counts(settings, POLICE_FILE)[POLICE_FILE] == (11, 11, 0)


def test_record_rejections_needs_a_build(tmp_path, monkeypatch):
    monkeypatch.setenv("PCMD_PSEUDONYM_KEY", "test-pseudonym-key-not-secret")
    with pytest.raises(NotBuilt, match="run the dbt build first"):
        record_rejections(load_settings(home=tmp_path))
