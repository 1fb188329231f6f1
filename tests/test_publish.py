"""Releases: gate, build, keep and atomically publish (real DuckDB files, small hand-made marts).

The marts are written by hand (no dbt): a few rows per published table with the contract's
columns, plus raw rows, ops.deliveries and tables that must never reach a release.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import select
import signal
import subprocess
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import duckdb
import polars as pl
import pytest

from pipelines.config import REPO_ROOT, Settings, load_settings
from pipelines.publish import (
    PUBLISHED_TABLES, STAGES, CandidateError, PublishBusy, PublishRefused, accepted_deliveries,
    candidate_fingerprint, current_code_version, list_releases, prune_releases, publish,
    published_release,
)
from pipelines.publish.store import new_release_id
from pipelines.warehouse import warehouse

CODE = "0.1.0+test"
PSEUDONYM = "9f2c" * 16  # a person in raw.*: must never reach a release
NOW = datetime(2026, 12, 1, 21, 15, 30, tzinfo=timezone.utc)

MARTS = """
create schema marts;
create table marts.dim_area as from (values
    ('01', '01', 'Thành phố Hà Nội', 'thanh_pho', 'city', NULL, DATE '2008-08-01', NULL::DATE),
    ('006', '006', 'Quận Đống Đa', 'quan', 'district', '01', DATE '2008-08-01', DATE '2025-06-30'),
    ('019-2013', '019', 'Huyện Từ Liêm', 'huyen', 'district', '01', DATE '2008-08-01', DATE '2013-12-27'),
    ('00235', '00235', 'Phường Láng', 'phuong', 'commune', '01', DATE '2025-07-01', NULL)
) t(area_id, gso_code, area_name, area_type, level, parent_id, valid_from, valid_to);
create table marts.dim_period as from (values
    ('2024-03', 'calendar', 'month', DATE '2024-03-01', DATE '2024-03-31', 'Tháng 03/2024'),
    ('R2024-03', 'reporting', 'month', DATE '2024-02-15', DATE '2024-03-14', 'Kỳ báo cáo tháng 03/2024'),
    ('2024-H1', 'calendar', 'half', DATE '2024-01-01', DATE '2024-06-30', '6 tháng đầu năm 2024'),
    ('R2024', 'reporting', 'year', DATE '2023-12-15', DATE '2024-12-14', 'Kỳ báo cáo năm 2024')
) t(period_id, calendar, period_type, start_date, end_date, label_vi);
create table marts.dim_indicator as from (values
    ('VIO_CASES', 'Số vụ việc', 'Cases detected', 'count', 'police', NULL, NULL, 'public', 'distinct cases detected'),
    ('VIO_SELLERS', 'Số người bán dâm', 'Sellers', 'count', 'police', NULL, NULL, 'small_cell', 'persons with role người bán dâm'),
    ('INS_INSPECTIONS', 'Số lượt kiểm tra', 'Inspections', 'count', 'culture', NULL, NULL, 'public', 'inspections'),
    ('INS_MD_FINDING_RATE', 'Tỷ lệ vi phạm MD', 'MD finding rate', 'ratio', 'culture',
     'INS_WITH_MD_FINDING', 'INS_INSPECTIONS', 'public', 'INS_WITH_MD_FINDING / INS_INSPECTIONS')
) t(indicator_code, name_vi, name_en, unit, agency, numerator_code, denominator_code, disclosure, definition);
create table marts.indicator_values as
    select i.indicator_code, a.area_id, p.period_id, 'T' as sex,
           (length(i.indicator_code) * 7 + length(a.area_id) * 3 + length(p.period_id))::DOUBLE as value,
           NULL::DOUBLE as numerator, NULL::DOUBLE as denominator,
           case when i.disclosure = 'small_cell' and a.area_id <> '01' then 'suppressed' end as flag,
           NULL::VARCHAR as release_id
    from marts.dim_indicator i, marts.dim_area a, marts.dim_period p;
create table marts.district_report as
    select a.area_id, p.period_id, a.area_name, p.label_vi, 12.0::DOUBLE as vio_cases, NULL::DOUBLE as vio_sellers
    from marts.dim_area a, marts.dim_period p where p.period_type in ('half', 'year');
-- dbt leftovers and internal layers: never published
create table marts.int_cases_deduplicated as select 'CA-HN-2024-000123' as case_id, '{pseudonym}' as person_pseudonym;
create schema staging;
create view staging.stg_police__case_persons as from raw.police_case_persons;
"""


# -- the warehouse --------------------------------------------------------------------

def build_warehouse(settings: Settings) -> None:
    """A warehouse with raw rows, two deliveries and the marts a dbt build would leave."""
    with warehouse(settings) as con:
        con.execute("""
            insert into raw.police_case_persons by name select
                'CA-HN-2024-000123' as case_id, DATE '2024-03-10' as detected_on, '006' as area_code,
                'Q. Đống Đa' as area_name, 'karaoke' as place_kind, 'Karaoke Hoa Hồng' as establishment_name,
                'bán dâm' as offence, 'Xử phạt hành chính' as handling, 1500000 as fine_vnd,
                ? as person_pseudonym, 1990 as birth_year, 'Nữ' as sex, 'người bán dâm' as role,
                'Hiệu lực' as record_status, TIMESTAMP '2024-03-11 09:30' as updated_at,
                'police/police_cases_20240312.csv' as source_file, 2 as line_no, 'a1' as file_sha256,
                DATE '2024-03-12' as file_date, 1 as file_seq, now() as loaded_at
        """, [PSEUDONYM])
        con.execute("""
            insert into raw.labor_support_records by name select
                'LD-2024-0001' as record_id, ? as person_pseudonym, 'nu' as sex, 1990 as birth_year,
                '006' as area_code, 'Đống Đa' as area_name, 'hoc_nghe' as support_kind,
                DATE '2024-05-02' as support_started_on, NULL as followup_outcome, NULL as followed_up_on,
                'labor/labor_support_20240510.csv' as source_file, 2 as line_no, 'b2' as file_sha256,
                DATE '2024-05-10' as file_date, 1 as file_seq, now() as loaded_at
        """, [PSEUDONYM])
        con.execute("""
            insert into ops.deliveries values
            ('police/police_cases_20240312.csv', 'police', 'a1', TIMESTAMPTZ '2024-03-12 08:00:00+07', 'accepted', NULL, 1, 1, 0),
            ('labor/labor_support_20240510.csv', 'labor', 'b2', TIMESTAMPTZ '2024-05-10 08:00:00+07', 'accepted', NULL, 1, 1, 0),
            ('police/police_cases_20240313.csv', 'police', 'c3', TIMESTAMPTZ '2024-03-13 08:00:00+07', 'rejected', 'bad', 0, 0, 0)
        """)
        con.execute(MARTS.format(pseudonym=PSEUDONYM))


def change_marts(settings: Settings, rows: int = 1) -> None:
    """New indicator values (a later delivery changed the marts)."""
    with warehouse(settings) as con:
        start = con.execute("select count(*) from marts.indicator_values").fetchall()[0][0]
        con.execute("""
            insert into marts.indicator_values
            select 'VIO_CASES', '00235', 'P' || (? + n), 'T', n::DOUBLE, NULL, NULL, NULL, NULL from range(?) r(n)
        """, [start, rows])


def checks_for(fingerprint: str, *, passed: bool = True) -> list[dict]:
    return [
        {"name": "marts_indicator_values", "suite": "marts", "passed": passed, "blocking": True,
         "fingerprint": fingerprint, "evaluated": 9},
        {"name": "dim_area_unique", "passed": True, "blocking": True, "fingerprint": fingerprint},
        {"name": "police_freshness", "passed": False, "blocking": False, "fingerprint": fingerprint},
    ]


def publish_candidate(settings: Settings, code_version: str = CODE, **kwargs):
    """What the Dagster publish asset does: checks on the current candidate, then publish."""
    checks = checks_for(candidate_fingerprint(settings, code_version))
    return publish(settings, checks=checks, deliveries=accepted_deliveries(settings),
                   code_version=code_version, **kwargs)


# -- looking at the results -------------------------------------------------------------

def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def snapshot(settings: Settings) -> dict[str, str]:
    """Every file under releases/ and published/ with its hash."""
    return {
        str(p.relative_to(settings.home)): sha256(p)
        for root in (settings.releases_dir, settings.published_db.parent)
        for p in sorted(root.rglob("*")) if p.is_file()
    }


def query(path: Path, sql: str) -> list[tuple]:
    """`sql` on a release file opened directly, read-only, as a client opens it."""
    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def published_id(settings: Settings) -> str:
    return query(settings.published_db, "select release_id from marts.release")[0][0]


def pointer(settings: Settings) -> str:
    return (settings.published_db.parent / "RELEASE").read_text().strip()


def leftovers(settings: Settings) -> list[str]:
    return [p.name for root in (settings.releases_dir, settings.published_db.parent)
            for p in root.iterdir() if p.name.endswith(".tmp")]


@pytest.fixture
def home(settings: Settings) -> Settings:
    build_warehouse(settings)
    return settings


# -- publishing -------------------------------------------------------------------------

def test_publish_writes_a_complete_release(home):
    outcome = publish_candidate(home, now=NOW)

    assert outcome.published and outcome.previous_release_id is None
    release_id = outcome.release_id
    assert release_id == "2026-12-01T211530Z"
    folder = home.releases_dir / release_id
    tables = (*PUBLISHED_TABLES, "release")
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        ["marts.duckdb", "manifest.json", *(f"{t}.parquet" for t in tables), "reports", "dictionary.html"])

    # Only the published tables, in the default schema: nothing raw, staged or internal, and no
    # schema `marts` to make `marts.<table>` ambiguous with the file's catalog `marts`.
    db = folder / "marts.duckdb"
    in_release = "where database_name = 'marts'"
    assert sorted(query(db, f"select schema_name, table_name from duckdb_tables() {in_release}")) == sorted(
        ("main", t) for t in tables)
    assert query(db, f"select count(*) from duckdb_views() {in_release} and not internal") == [(0,)]
    assert {s for (s,) in query(db, f"select schema_name from duckdb_schemas() {in_release}")} == {"main"}

    # Every table as in the warehouse, indicator values stamped with the release id.
    with warehouse(home, read_only=True) as con:
        expected = {t: con.execute(f"select count(*) from marts.{t}").fetchall()[0][0] for t in PUBLISHED_TABLES}
        areas = con.execute("select * from marts.dim_area order by area_id").fetchall()
    assert query(db, "select * from marts.dim_area order by area_id") == areas
    assert query(db, "select distinct release_id from marts.indicator_values") == [(release_id,)]
    expected["release"] = 1
    manifest = json.loads((folder / "manifest.json").read_text())
    for table in tables:
        parquet = pl.read_parquet(folder / f"{table}.parquet")
        assert parquet.height == expected[table] == manifest["tables"][table]["rows"]
        assert query(db, f"select count(*) from marts.{table}") == [(expected[table],)]
    assert pl.read_parquet(folder / "indicator_values.parquet")["release_id"].unique().to_list() == [release_id]

    # The release row.
    (row,) = query(db, "select * from marts.release")
    names = [c for (c,) in query(db, "select column_name from information_schema.columns "
                                     "where table_name = 'release' order by ordinal_position")]
    assert names == ["release_id", "published_at", "code_version", "data_through_police", "data_through_health",
                     "data_through_culture", "data_through_labor", "deliveries", "checks_passed",
                     "previous_release_id"]
    release = dict(zip(names, row))
    assert release["release_id"] == release_id and release["published_at"] == NOW
    assert release["code_version"] == CODE
    assert str(release["data_through_police"]) == "2024-03-10" and str(release["data_through_labor"]) == "2024-05-02"
    assert release["data_through_health"] is None and release["data_through_culture"] is None
    assert release["deliveries"] == 2 and release["checks_passed"] == 2 and release["previous_release_id"] is None

    # The manifest.
    assert manifest["release_id"] == release_id and manifest["code_version"] == CODE
    assert manifest["published_at"] == NOW.isoformat()
    assert manifest["fingerprint"] == outcome.fingerprint == candidate_fingerprint(home, CODE)
    assert [(d["file_name"], d["sha256"]) for d in manifest["deliveries"]] == [
        ("police/police_cases_20240312.csv", "a1"), ("labor/labor_support_20240510.csv", "b2")]
    assert [c["name"] for c in manifest["checks"]] == ["marts_indicator_values", "dim_area_unique", "police_freshness"]
    assert manifest["checks"][0]["evaluated"] == 9
    assert manifest["data_through"]["police"] == "2024-03-10"
    # the data files; the reports and the dictionary are made from them
    assert manifest["files"] == {p.name: sha256(p) for p in folder.iterdir()
                                 if p.name not in ("manifest.json", "reports", "dictionary.html")}

    # published/ is the release, byte for byte.
    assert sha256(home.published_db) == sha256(db)
    assert pointer(home) == release_id
    assert published_release(home) == manifest
    assert [m["release_id"] for m in list_releases(home)] == [release_id]
    assert leftovers(home) == []


def test_unchanged_candidate_makes_no_new_release(home):
    first = publish_candidate(home, now=NOW)
    before = snapshot(home)

    again = publish_candidate(home, now=NOW + timedelta(hours=1))

    assert not again.published
    assert again.release_id == first.release_id
    assert "No new release" in again.message
    assert snapshot(home) == before


def test_changed_data_makes_a_new_release_pointing_back(home):
    first = publish_candidate(home, now=NOW)
    change_marts(home)

    second = publish_candidate(home, now=NOW + timedelta(days=1))

    assert second.published and second.previous_release_id == first.release_id
    assert second.release_id > first.release_id
    assert published_id(home) == pointer(home) == second.release_id
    assert query(home.published_db, "select previous_release_id from marts.release") == [(first.release_id,)]
    assert published_release(home)["previous_release_id"] == first.release_id
    assert [m["release_id"] for m in list_releases(home)] == [first.release_id, second.release_id]
    # The older release is kept as it was.
    assert query(home.releases_dir / first.release_id / "marts.duckdb",
                 "select release_id from marts.release") == [(first.release_id,)]


def test_code_change_alone_makes_a_new_release(home):
    first = publish_candidate(home, code_version="0.1.0+aaa")
    second = publish_candidate(home, code_version="0.1.0+bbb")

    assert second.published and second.previous_release_id == first.release_id
    assert published_release(home)["code_version"] == "0.1.0+bbb"


def test_release_ids_are_unique_and_sorted_within_one_second(home):
    ids = []
    for _ in range(3):
        change_marts(home)
        ids.append(publish_candidate(home, now=NOW).release_id)

    assert ids == ["2026-12-01T211530Z", "2026-12-01T211530Z-02", "2026-12-01T211530Z-03"]
    assert ids == sorted(ids)
    # A clock set back never sorts a new release before the older ones.
    assert new_release_id(NOW - timedelta(days=1), ids) > ids[-1]


# -- the gate ---------------------------------------------------------------------------

# Ways a candidate lacks a passing blocking check: the publish arguments, given its fingerprint.
REFUSALS = {
    "failed": lambda fp: dict(checks=checks_for(fp, passed=False)),
    "no result": lambda fp: dict(checks=[{k: v for k, v in c.items() if k != "passed"} for c in checks_for(fp)]),
    "no checks": lambda fp: dict(checks=[]),
    "only non-blocking": lambda fp: dict(checks=[c for c in checks_for(fp) if not c["blocking"]]),
    "required missing": lambda fp: dict(checks=checks_for(fp), required_checks=["marts_release_integrity"]),
    "another candidate": lambda fp: dict(checks=checks_for("0" * 64)),
    "another candidate id": lambda fp: dict(checks=checks_for(fp), candidate_id="1" * 64),
    "another code version": lambda fp: dict(checks=checks_for(fp), code_version="0.1.0+other"),
}


@pytest.mark.parametrize("case", REFUSALS)
def test_refused_without_passing_blocking_checks_on_this_candidate(home, case):
    first = publish_candidate(home, now=NOW)
    change_marts(home)
    before = snapshot(home)
    arguments = {"deliveries": accepted_deliveries(home), "code_version": CODE,
                 **REFUSALS[case](candidate_fingerprint(home, CODE))}

    with pytest.raises(PublishRefused, match="previous release stays published"):
        publish(home, now=NOW + timedelta(days=1), **arguments)

    assert snapshot(home) == before
    assert published_id(home) == pointer(home) == first.release_id


def test_checks_of_an_earlier_candidate_cannot_publish_later_data(home):
    checked = candidate_fingerprint(home, CODE)
    change_marts(home)  # the warehouse changes after the checks ran

    with pytest.raises(PublishRefused, match="not the current"):
        publish(home, checks=checks_for(checked), deliveries=[], code_version=CODE)

    assert not home.published_db.exists() and list_releases(home) == []


def test_a_refused_candidate_leaves_nothing_behind(home):
    with pytest.raises(PublishRefused, match="check marts_indicator_values: failed"):
        publish(home, checks=checks_for(candidate_fingerprint(home, CODE), passed=False),
                deliveries=[], code_version=CODE)

    assert list_releases(home) == [] and not home.published_db.parent.exists()


# -- the fingerprint ----------------------------------------------------------------------

def test_fingerprint_is_the_content_not_the_storage(home):
    fingerprint = candidate_fingerprint(home, CODE)
    with warehouse(home) as con:
        # Same rows in another physical order, release ids filled in: same candidate.
        con.execute("create or replace table marts.indicator_values as "
                    "select * replace ('stale' as release_id) from marts.indicator_values order by value desc")
    assert candidate_fingerprint(home, CODE) == fingerprint
    assert candidate_fingerprint(home, "0.1.0+other") != fingerprint

    with warehouse(home) as con:
        con.execute("update marts.dim_area set area_name = 'Quận Đống Đa ' where area_id = '006'")
    assert candidate_fingerprint(home, CODE) != fingerprint


def test_fingerprint_sees_a_column_change(home):
    fingerprint = candidate_fingerprint(home, CODE)
    with warehouse(home) as con:
        con.execute("alter table marts.district_report rename column vio_sellers to vio_buyers")
    assert candidate_fingerprint(home, CODE) != fingerprint


def test_missing_marts_are_a_clear_error(settings):
    with pytest.raises(CandidateError, match="no warehouse"):
        candidate_fingerprint(settings, CODE)
    with warehouse(settings):
        pass
    with pytest.raises(CandidateError, match=r"marts\.dim_area.*build the marts"):
        publish(settings, checks=[], deliveries=[], code_version=CODE)


def test_accepted_deliveries_and_code_version(home):
    deliveries = accepted_deliveries(home)
    assert [d["sha256"] for d in deliveries] == ["a1", "b2"]
    assert set(deliveries[0]) == {"file_name", "agency", "sha256", "first_seen_at", "rows_loaded", "rows_quarantined"}
    assert current_code_version().startswith("0.1.0")
    with pytest.raises(ValueError, match="sha256"):
        publish(home, checks=checks_for(candidate_fingerprint(home, CODE)),
                deliveries=[{"file_name": "police/x.csv"}], code_version=CODE)


# -- concurrency and crashes --------------------------------------------------------------

def test_one_publish_at_a_time(home):
    home.releases_dir.mkdir(parents=True, exist_ok=True)
    with open(home.releases_dir / ".publish.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        with pytest.raises(PublishBusy):
            publish_candidate(home)
    assert publish_candidate(home).published


READER = """
import duckdb, json, pathlib, sys
path, mode, stop = sys.argv[1], sys.argv[2], pathlib.Path(sys.argv[3])
# As a BI tool opens the file: catalog "marts", the tables in its default schema.
QUERY = '''select r.release_id, (select count(*) from marts.indicator_values),
                  (select count(*) from indicator_values where release_id is distinct from r.release_id)
           from marts.release r'''
held = duckdb.connect(path, read_only=True) if mode == "held" else None
while not stop.exists():
    con = held or duckdb.connect(path, read_only=True)
    print(json.dumps(con.execute(QUERY).fetchall()[0]), flush=True)
    if con is not held:
        con.close()
"""


def _lines(path: Path) -> list[list]:
    """The complete lines a reader has written so far."""
    text = path.read_text()
    return [json.loads(line) for line in text[: text.rfind("\n") + 1].splitlines()]


def _wait_for(condition, what: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.02)


def indicator_rows(settings: Settings, release_id: str) -> int:
    manifest = json.loads((settings.releases_dir / release_id / "manifest.json").read_text())
    return manifest["tables"]["indicator_values"]["rows"]


def test_readers_keep_working_and_never_see_a_partial_release(home, tmp_path):
    old = publish_candidate(home)
    stop = tmp_path / "stop"
    logs = {mode: tmp_path / f"{mode}.log" for mode in ("held", "fresh")}
    readers = {
        mode: subprocess.Popen([sys.executable, "-c", READER, str(home.published_db), mode, str(stop)],
                               stdout=open(log, "w"), stderr=subprocess.PIPE)
        for mode, log in logs.items()
    }
    try:
        _wait_for(lambda: all(log.exists() and log.read_text() for log in logs.values()), "the readers")
        releases = [old]
        for rows in (40, 80):
            change_marts(home, rows)
            releases.append(publish_candidate(home))
        seen_by_held = len(_lines(logs["held"]))
        _wait_for(lambda: _lines(logs["fresh"])[-1][0] == releases[-1].release_id, "a reader to see the release")
        _wait_for(lambda: len(_lines(logs["held"])) > seen_by_held + 5, "the held reader to query again")
    finally:
        stop.touch()
        for reader in readers.values():
            reader.wait(timeout=30)
    for reader in readers.values():
        assert reader.returncode == 0, reader.stderr.read().decode()

    # (release id, indicator values, values of another release) of each release.
    states = [[r.release_id, indicator_rows(home, r.release_id), 0] for r in releases]
    held, fresh = _lines(logs["held"]), _lines(logs["fresh"])
    assert held and all(line == states[0] for line in held)  # a held connection keeps its snapshot
    assert all(line in states for line in fresh)
    order = [states.index(line) for line in fresh]
    assert order == sorted(order) and order[0] == 0 and order[-1] == 2


CRASHING_PUBLISH = """
import sys, time
from pipelines.config import load_settings
from pipelines.publish import accepted_deliveries, candidate_fingerprint, publish
settings = load_settings(home=sys.argv[1])

def on_stage(stage):
    if stage == sys.argv[2]:
        print(stage, flush=True)
        time.sleep(600)  # killed here

checks = [{"name": "all", "passed": True, "fingerprint": candidate_fingerprint(settings, sys.argv[3])}]
publish(settings, checks=checks, deliveries=accepted_deliveries(settings), code_version=sys.argv[3],
        on_stage=on_stage)
print("finished", flush=True)
"""


def crash_publish_at(settings: Settings, stage: str) -> None:
    """Run a publish in another process and SIGKILL it when it reaches `stage`."""
    child = subprocess.Popen([sys.executable, "-c", CRASHING_PUBLISH, str(settings.home), stage, CODE],
                             cwd=REPO_ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        ready, _, _ = select.select([child.stdout], [], [], 30)
        reached = child.stdout.readline().strip() if ready else ""
        assert reached == stage, f"publish did not stop at {stage}: {reached!r} {child.stderr.read() if not ready else ''}"
    finally:
        os.kill(child.pid, signal.SIGKILL)
        child.wait(timeout=30)
        child.stdout.close()
        child.stderr.close()


# Every stage; of the table copies, the first (mid-copy) and the stamped one.
CRASH_STAGES = [s for s in STAGES if not s.startswith("copied ") or s in ("copied dim_area", "copied indicator_values")]


@pytest.mark.parametrize("stage", CRASH_STAGES)
def test_a_crash_at_any_stage_leaves_the_previous_release_published(home, stage):
    old = publish_candidate(home, now=NOW)
    old_files = {k: v for k, v in snapshot(home).items() if k.startswith(f"releases/{old.release_id}/")}
    old_published = sha256(home.published_db)
    change_marts(home)

    crash_publish_at(home, stage)

    # The previous release is intact and the published file opens, complete.
    assert {k: v for k, v in snapshot(home).items() if k.startswith(f"releases/{old.release_id}/")} == old_files
    replaced = STAGES.index(stage) >= STAGES.index("published_db_replaced")
    if replaced:
        # The replace is the commit point: readers see the new, complete release.
        new_id = published_id(home)
        assert new_id > old.release_id and published_release(home)["release_id"] == new_id
    else:
        assert sha256(home.published_db) == old_published
        assert published_id(home) == old.release_id == published_release(home)["release_id"]
    assert pointer(home) == (published_id(home) if stage == "published" else old.release_id)

    # The next publish succeeds, cleans up and leaves published/ consistent.
    after = publish_candidate(home, now=NOW + timedelta(days=1))
    assert after.published == (not replaced)
    assert published_id(home) == pointer(home) == after.release_id != old.release_id
    assert sha256(home.published_db) == sha256(home.releases_dir / after.release_id / "marts.duckdb")
    assert leftovers(home) == []
    assert sorted(p.name for p in home.releases_dir.iterdir() if p.name != ".publish.lock") == [
        m["release_id"] for m in list_releases(home)]  # no half-built release anywhere


# -- retention ----------------------------------------------------------------------------

def test_retention_keeps_the_last_releases_and_always_the_published_one(home, monkeypatch):
    monkeypatch.setenv("PCMD_KEEP_RELEASES", "2")
    keep_two = load_settings(home=home.home)
    ids = []
    for day in range(4):
        change_marts(keep_two)
        ids.append(publish_candidate(keep_two, now=NOW + timedelta(days=day)).release_id)
    assert [m["release_id"] for m in list_releases(keep_two)] == ids[-2:]
    assert not (keep_two.releases_dir / ids[0]).exists()

    # A newer release committed but never published (a crash), then keep only one:
    change_marts(keep_two)
    crash_publish_at(keep_two, "release_committed")
    committed = list_releases(keep_two)[-1]["release_id"]
    monkeypatch.setenv("PCMD_KEEP_RELEASES", "1")
    removed = prune_releases(load_settings(home=home.home))

    assert removed == [ids[2]]
    assert [m["release_id"] for m in list_releases(keep_two)] == [ids[3], committed]
    assert published_id(keep_two) == ids[3]


def test_stale_leftovers_of_crashed_runs_are_removed(home):
    publish_candidate(home, now=NOW)
    junk = home.releases_dir / "2026-11-30T010101Z.tmp"
    junk.mkdir()
    (junk / "marts.duckdb").write_bytes(b"half written")
    (home.published_db.parent / ".marts.duckdb.tmp").write_bytes(b"half copied")
    change_marts(home)

    publish_candidate(home, now=NOW + timedelta(days=1))

    assert leftovers(home) == []
    assert [m["release_id"] for m in list_releases(home)] == ["2026-12-01T211530Z", "2026-12-02T211530Z"]
