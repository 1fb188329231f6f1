"""The runner: discovery, the delivery register, duplicates, rejections, transactions, lineage."""

from __future__ import annotations

import hashlib
import logging
from datetime import date, datetime, timedelta, timezone

import polars as pl
import pytest

from pipelines.ingest import csvfile, police
from pipelines.ingest.base import Batch
from pipelines.ingest.landing import parse_file_name
from pipelines.ingest.run import ReaderError, ingest, ingest_agency

GOOD = "police_cases_20240105.csv"


def all_tables(bench) -> dict[str, list[tuple]]:
    """Every row of every table in the warehouse file, in a stable order."""
    tables = bench.rows(
        "SELECT table_schema || '.' || table_name AS name FROM information_schema.tables ORDER BY name"
    )
    out = {}
    for t in tables:
        rows = bench.rows(f"SELECT * FROM {t['name']}")
        out[t["name"]] = sorted(tuple(str(v) for v in r.values()) for r in rows)
    return out


def landing_state(bench) -> dict[str, tuple[str, int]]:
    return {
        p.relative_to(bench.settings.landing_dir).as_posix(): (hashlib.sha256(p.read_bytes()).hexdigest(), p.stat().st_mtime_ns)
        for p in sorted(bench.settings.landing_dir.rglob("*"))
        if p.is_file()
    }


def two_rows(bench, **values) -> bytes:
    return bench.police_csv([bench.police_row(**values), bench.police_row(case_id="CA-HN-2024-000999", **values)])


def test_every_row_carries_its_lineage(bench):
    data = two_rows(bench)
    bench.deliver("police", "police_cases_20240105_3.csv", data)
    labor = bench.labor_csv([bench.labor_row()])
    bench.deliver("labor", "labor_support_20240520.csv", labor)
    bench.ingest()
    police_rows = bench.rows("SELECT source_file, line_no, file_sha256, file_date, file_seq, loaded_at FROM raw.police_case_persons ORDER BY line_no")
    assert police_rows == [
        {"source_file": "police/police_cases_20240105_3.csv", "line_no": line, "file_sha256": bench.sha256(data),
         "file_date": date(2024, 1, 5), "file_seq": 3, "loaded_at": bench.NOW}
        for line in (2, 3)
    ]
    [labor_row] = bench.rows("SELECT source_file, line_no, file_sha256, file_date, file_seq, loaded_at FROM raw.labor_support_records")
    assert labor_row == {"source_file": "labor/labor_support_20240520.csv", "line_no": 2, "file_sha256": bench.sha256(labor),
                         "file_date": date(2024, 5, 20), "file_seq": 1, "loaded_at": bench.NOW}


def test_the_delivery_register_counts(bench):
    rows = [bench.police_row(), bench.police_row(detected_on="bad"), bench.police_row()]
    data = bench.police_csv(rows)
    bench.deliver("police", GOOD, data)
    bench.ingest(["police"])
    assert bench.deliveries() == [{
        "file_name": f"police/{GOOD}", "agency": "police", "sha256": bench.sha256(data), "first_seen_at": bench.NOW,
        "status": "accepted", "reason": None, "rows_read": 3, "rows_loaded": 2, "rows_quarantined": 1,
    }]


def test_the_same_bytes_under_a_new_name_are_a_duplicate_and_load_nothing(bench):
    data = two_rows(bench)
    bench.deliver("police", GOOD, data)
    bench.ingest(["police"])
    bench.deliver("police", "police_cases_20240106.csv", data)
    later = bench.NOW + timedelta(days=1)
    report = bench.ingest(["police"], now=later)
    assert [(f.file_name, f.status, f.duplicate_of) for f in report.files] == [
        ("police/police_cases_20240106.csv", "duplicate", f"police/{GOOD}")
    ]
    assert report.agency("police").already_registered == 1
    dup = bench.rows("SELECT * FROM ops.deliveries WHERE status = 'duplicate'")
    assert dup == [{
        "file_name": "police/police_cases_20240106.csv", "agency": "police", "sha256": bench.sha256(data),
        "first_seen_at": bench.NOW,  # when the warehouse first saw these bytes
        "status": "duplicate", "reason": None, "rows_read": 0, "rows_loaded": 0, "rows_quarantined": 0,
    }]
    assert bench.rows("SELECT count(*) AS n FROM raw.police_case_persons") == [{"n": 2}]


def test_two_copies_in_one_run_load_once(bench):
    data = two_rows(bench)
    bench.deliver("police", "police_cases_20240105.csv", data)
    bench.deliver("police", "police_cases_20240105_2.csv", data)
    report = bench.ingest(["police"])
    assert [f.status for f in report.files] == ["accepted", "duplicate"]
    assert bench.rows("SELECT count(*) AS n FROM raw.police_case_persons") == [{"n": 2}]


@pytest.mark.parametrize("agency, name", [
    ("police", "police_cases_2024-01-05.csv"),
    ("police", "police_cases_20240105.CSV"),
    ("police", "police_cases_20241305.csv"),  # the pattern fits, the date does not exist
    ("labor", "labor_support_20240105_2.csv"),
    ("labor", "support.csv"),
])
def test_a_bad_file_name_is_rejected_naming_the_file_and_the_pattern(bench, agency, name):
    bench.deliver(agency, name, two_rows(bench))
    [outcome] = bench.ingest([agency]).files
    assert outcome.status == "rejected"
    assert outcome.reason.startswith(f"{name}: ")
    if "1305" in name:
        assert outcome.reason == f"{name}: the date in the file name is not a calendar date"
    else:
        from pipelines.contract import FILE_PATTERNS
        assert outcome.reason == f"{name}: file name does not match the {agency} pattern {FILE_PATTERNS[agency]}"
    assert bench.rows("SELECT count(*) AS n FROM raw.police_case_persons") == [{"n": 0}]


def test_a_rejected_file_is_recorded_once_and_never_stops_the_others(bench):
    bench.deliver("police", "police_cases_20240104.csv", two_rows(bench))
    bench.deliver("police", "police_cases_20240105.csv", b"not,a,police,file\n1,2,3,4\n")
    bench.deliver("police", "police export.csv", two_rows(bench, role="X"))
    bench.deliver("police", "police_cases_20240106.csv", two_rows(bench, role="chủ chứa"))
    bench.deliver("labor", "labor_support_20240520.csv", bench.labor_csv([bench.labor_row()]))
    report = bench.ingest()
    assert [(f.file_name, f.status) for f in report.files] == [
        ("police/police export.csv", "rejected"),
        ("police/police_cases_20240104.csv", "accepted"),
        ("police/police_cases_20240105.csv", "rejected"),
        ("police/police_cases_20240106.csv", "accepted"),
        ("labor/labor_support_20240520.csv", "accepted"),
    ]
    assert (report.accepted, report.rejected, report.duplicate, report.rows_loaded) == (3, 2, 0, 5)
    again = bench.ingest()
    assert again.files == () and again.agency("police").already_registered == 4
    assert [d["status"] for d in bench.deliveries()] == ["accepted", "rejected", "accepted", "rejected", "accepted"]


def test_bytes_rejected_for_their_name_load_when_resent_under_the_right_name(bench):
    data = two_rows(bench)
    bench.deliver("police", "police_cases_2024.csv", data)
    bench.ingest(["police"])
    bench.deliver("police", GOOD, data)
    [outcome] = bench.ingest(["police"]).files
    assert (outcome.status, outcome.rows_loaded) == ("accepted", 2)


def test_a_file_rejected_midway_leaves_nothing_behind(bench, monkeypatch):
    monkeypatch.setattr(csvfile, "BATCH_LINES", 2)  # several batches are read before the failure
    rows = [bench.police_row(case_id=f"CA-{i}") for i in range(6)] + [bench.police_row(detected_on="x")]
    data = bench.police_csv(rows).decode("utf-8-sig") + 'CA-9,"never closed\n'
    bench.deliver("police", GOOD, data.encode())
    [outcome] = bench.ingest(["police"]).files
    assert outcome.status == "rejected" and "line 9" in outcome.reason
    assert bench.rows("SELECT count(*) AS n FROM raw.police_case_persons") == [{"n": 0}]
    assert bench.quarantine() == []
    assert [(d["status"], d["rows_loaded"]) for d in bench.deliveries()] == [("rejected", 0)]


def test_an_unexpected_error_rejects_the_file_without_quoting_its_message(bench, monkeypatch):
    real_read = police.read

    def failing_read(delivery, ctx):
        yield from real_read(delivery, ctx)
        raise ValueError("could not parse 001092560953 Nguyễn Thị Thuỷ")

    monkeypatch.setattr(police, "read", failing_read)
    bench.deliver("police", GOOD, two_rows(bench))
    bench.deliver("labor", "labor_support_20240520.csv", bench.labor_csv([bench.labor_row()]))
    report = bench.ingest()
    [police_outcome, labor_outcome] = report.files
    assert police_outcome.status == "rejected" and labor_outcome.status == "accepted"
    assert police_outcome.reason.startswith(f"{GOOD}: could not be read as a police file (ValueError")
    assert "001092560953" not in police_outcome.reason
    assert bench.rows("SELECT count(*) AS n FROM raw.police_case_persons") == [{"n": 0}]


def test_landing_is_never_modified(bench):
    bench.deliver("police", GOOD, two_rows(bench))
    bench.deliver("police", "police_cases_20240106_2.csv", bench.police_csv([bench.police_row()], encoding="cp1258"))
    bench.deliver("police", "wrong name.csv", two_rows(bench))
    bench.deliver("police", "police_cases_20240107.csv", b"")
    bench.deliver("labor", "labor_support_20240520.csv", bench.labor_csv([bench.labor_row()]))
    before = landing_state(bench)
    bench.ingest()
    bench.ingest()
    assert landing_state(bench) == before


def test_ingesting_the_same_folder_twice_changes_nothing(bench):
    bench.deliver("police", GOOD, bench.police_csv([bench.police_row(), bench.police_row(detected_on="x")]))
    bench.deliver("police", "police_cases_20240106.csv", two_rows(bench))
    bench.deliver("police", "police_cases_20240107.csv", two_rows(bench))  # a duplicate of the one before
    bench.deliver("police", "bad.csv", b"x")
    bench.deliver("labor", "labor_support_20240520.csv", bench.labor_csv([bench.labor_row()]))
    bench.ingest()
    first = all_tables(bench)
    assert first["raw.police_case_persons"] and first["ops.quarantine"] and len(first["ops.deliveries"]) == 5
    report = bench.ingest(now=bench.NOW + timedelta(hours=5))
    assert report.files == ()
    assert all_tables(bench) == first


def test_reports_and_logs_say_what_became_of_each_file(bench, caplog):
    caplog.set_level(logging.INFO, logger="pipelines.ingest")
    bench.deliver("police", GOOD, bench.police_csv([bench.police_row(), bench.police_row(fine_vnd="?")]))
    bench.deliver("police", "bad name.csv", b"x")
    report = bench.ingest(["police"])
    assert [f.summary() for f in report.files] == [
        "police/bad name.csv: rejected: bad name.csv: file name does not match the police pattern "
        r"^police_cases_(?P<date>\d{8})(?:_(?P<seq>\d+))?\.csv$",
        f"police/{GOOD}: accepted, 2 rows read, 1 loaded, 1 quarantined",
    ]
    assert [r.getMessage() for r in caplog.records if r.name.startswith("pipelines.ingest")] == [
        f.summary() for f in report.files
    ]
    assert report.agency("police").metadata() == {
        "accepted": 1, "rejected": 1, "duplicate": 0, "already_registered": 0, "rows_loaded": 1, "rows_quarantined": 1,
    }


def test_ingest_agency_and_a_missing_agency_folder(bench):
    assert ingest_agency(bench.settings, "labor").files == ()
    bench.deliver("labor", "labor_support_20240520.csv", bench.labor_csv([bench.labor_row()]))
    report = ingest_agency(bench.settings, "labor", now=bench.NOW)
    assert (report.agency, report.accepted, report.rows_loaded) == ("labor", 1, 1)


def test_the_default_clock_is_now_in_utc(bench):
    bench.deliver("labor", "labor_support_20240520.csv", bench.labor_csv([bench.labor_row()]))
    before = datetime.now(timezone.utc)
    ingest(bench.settings, ["labor"])
    [d] = bench.deliveries()
    assert before <= d["first_seen_at"] <= datetime.now(timezone.utc)
    [row] = bench.rows("SELECT loaded_at FROM raw.labor_support_records")
    assert row["loaded_at"] == d["first_seen_at"]


@pytest.mark.parametrize("agency, name, parsed", [
    ("police", "police_cases_20240105.csv", (date(2024, 1, 5), 1)),
    ("police", "police_cases_20240105_12.csv", (date(2024, 1, 5), 12)),
    ("health", "health_2024_02.xlsx", (date(2024, 2, 29), 1)),
    ("health", "health_2024_03_v2.xlsx", (date(2024, 3, 31), 2)),
    ("culture", "culture_inspections_20261105.jsonl", (date(2026, 11, 5), 1)),
    ("labor", "labor_support_20250108.csv", (date(2025, 1, 8), 1)),
])
def test_file_names_give_the_file_date_and_sequence(agency, name, parsed):
    assert parse_file_name(agency, name) == parsed


def test_a_reader_that_breaks_its_interface_stops_the_run(bench, monkeypatch):
    def wrong_columns(delivery, ctx):
        for batch in real_read(delivery, ctx):
            yield Batch(rows=batch.rows.drop("sex"), quarantined=batch.quarantined)

    real_read = police.read
    monkeypatch.setattr(police, "read", wrong_columns)
    bench.deliver("police", GOOD, two_rows(bench))
    with pytest.raises(ReaderError, match="raw.police_case_persons"):
        bench.ingest(["police"])
    assert bench.deliveries() == []  # not registered: the next run reads the file again


def test_a_file_failing_inside_the_transaction_is_rolled_back_and_rejected(bench, monkeypatch):
    def null_role(delivery, ctx):
        for batch in real_read(delivery, ctx):
            yield Batch(rows=batch.rows.with_columns(role=pl.lit(None, pl.String)), quarantined=batch.quarantined)

    real_read = police.read
    monkeypatch.setattr(police, "read", null_role)
    bench.deliver("police", GOOD, bench.police_csv([bench.police_row(), bench.police_row(fine_vnd="?")]))
    [outcome] = bench.ingest(["police"]).files
    assert outcome.status == "rejected" and "ConstraintException" in outcome.reason
    assert bench.rows("SELECT count(*) AS n FROM raw.police_case_persons") == [{"n": 0}]
    assert bench.quarantine() == []


def test_scratch_left_by_a_crashed_run_is_removed(bench):
    stale = bench.settings.work_dir / "ingest" / "0123456789abcdef" / "police_cases_20240105.csv.utf8"
    stale.parent.mkdir(parents=True)
    stale.write_text("Mã vụ việc,Họ tên\nCA-1,Nguyễn Thị Thuỷ\n")
    bench.ingest(["labor"])
    assert not stale.exists()
