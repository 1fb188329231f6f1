"""The culture JSON Lines reader, on lines written here (an independent reading of the
contract) and on the shared sample exports."""

from __future__ import annotations

import hashlib
import json
from datetime import date, datetime, timezone
from pathlib import Path

import polars as pl
import pytest

from pipelines.config import REPO_ROOT

from pipelines.config import load_settings
from pipelines.ingest import culture
from pipelines.ingest.base import Delivery, FileRejected, QUARANTINE_SCHEMA, ReadContext
from pipelines.warehouse import RAW_TABLES

# The agencies' sample files, beside the repository where the project keeps them (not in a
# lone clone: these tests are then skipped).
SAMPLES = REPO_ROOT.parent / "shared" / "samples" / "culture"
FIRST_SEEN = datetime(2024, 6, 30, 20, 0, tzinfo=timezone.utc)  # 1 July 2024 in Hanoi


def v1(**fields) -> dict:
    line = {
        "schema_version": 1, "inspection_id": "VH-2021-00021", "team": "LN178",
        "establishment_license": "0103-MS-6153", "establishment_name": "Massage Hương Quế",
        "establishment_type": "massage", "district": "Q. Thanh Xuân", "inspected_on": "2021-05-13",
        "violations": ["MD01", "AN01"], "penalty_vnd": 15000000, "revoked": False,
    }
    return _with(line, fields)


def v2(**fields) -> dict:
    line = {
        "schema_version": 2, "inspection_id": "VH-2024-00017", "inspected_at": "2024-03-05T21:30:00+07:00",
        "team": "LN178",
        "establishment": {"license_no": "0104-KR-2291", "name": "Karaoke Hoa Hồng", "type": "karaoke",
                          "area_code": "006", "area_name": "Đống Đa"},
        "findings": [{"code": "MD01", "description": "Để xảy ra hoạt động mại dâm"},
                     {"code": "PCCC01", "description": "Vi phạm phòng cháy"}],
        "penalty_vnd": 15000000, "license_action": "suspended",
    }
    return _with(line, fields)


def _with(line: dict, fields: dict) -> dict:
    for name, value in fields.items():
        if value is ...:
            line.pop(name, None)  # `name=...` drops the field
        else:
            line[name] = value
    return line


def write_lines(path: Path, lines: list, *, bom: bool = False, newline: str = "\n") -> Path:
    """Each item a dict (written as JSON) or a str (written as is)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    text = newline.join(json.dumps(line, ensure_ascii=False) if isinstance(line, dict) else line for line in lines)
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + (text + newline).encode("utf-8"))
    return path


@pytest.fixture
def ctx(tmp_path, monkeypatch) -> ReadContext:
    monkeypatch.setenv("PCMD_PSEUDONYM_KEY", "test-key")
    settings = load_settings(home=tmp_path / "home")
    return ReadContext(settings=settings, work_dir=tmp_path / "work")


def delivery_of(path: Path, first_seen_at: datetime = FIRST_SEEN) -> Delivery:
    return Delivery(
        agency="culture",
        path=path,
        file_name=f"culture/{path.name}",
        sha256=hashlib.sha256(path.read_bytes()).hexdigest(),
        file_date=datetime.strptime(path.stem.rsplit("_", 1)[1], "%Y%m%d").date(),
        file_seq=1,
        first_seen_at=first_seen_at,
    )


def read_all(path: Path, ctx: ReadContext, **kwargs) -> tuple[pl.DataFrame, pl.DataFrame]:
    batches = list(culture.read(delivery_of(path, **kwargs), ctx))
    return (
        pl.concat([b.rows for b in batches]) if batches else pl.DataFrame(schema=culture.ROW_SCHEMA),
        pl.concat([b.quarantined for b in batches]) if batches else pl.DataFrame(schema=QUARANTINE_SCHEMA),
    )


def read_lines(tmp_path: Path, ctx: ReadContext, lines: list, **kwargs) -> tuple[pl.DataFrame, pl.DataFrame]:
    return read_all(write_lines(tmp_path / "culture_inspections_20240630.jsonl", lines), ctx)


def test_rows_have_exactly_the_raw_columns_and_types(tmp_path, ctx):
    rows, quarantined = read_lines(tmp_path, ctx, [v1(), v2()])
    assert rows.columns == [*RAW_TABLES["culture_inspections"], "line_no"]
    assert dict(rows.schema) == culture.ROW_SCHEMA
    assert dict(quarantined.schema) == QUARANTINE_SCHEMA


@pytest.mark.skipif(not SAMPLES.exists(), reason="shared samples not on this machine")
def test_sample_exports(ctx):
    seen = datetime(2026, 12, 1, tzinfo=timezone.utc)
    old, old_bad = read_all(SAMPLES / "culture_inspections_20220110.jsonl", ctx, first_seen_at=seen)
    new, new_bad = read_all(SAMPLES / "culture_inspections_20261105.jsonl", ctx, first_seen_at=seen)
    assert old_bad.is_empty() and new_bad.is_empty()
    assert (old.height, new.height) == (25, 25)
    assert old["line_no"].to_list() == new["line_no"].to_list() == list(range(1, 26))
    assert old["schema_version"].unique().to_list() == [1] and new["schema_version"].unique().to_list() == [2]
    assert old["inspected_at"].null_count() == 25 and new["inspected_at"].null_count() == 0
    # "8.000.000" written as text is 8 million đồng; one v1 inspection revoked the licence.
    assert old.filter(pl.col("inspection_id") == "VH-2020-00039")["penalty_vnd"].item() == 8_000_000
    assert old["license_action"].value_counts().sort("license_action").rows() == [("none", 24), ("revoked", 1)]
    # 18:19Z is 01:19 the next day in Hanoi.
    evening = new.filter(pl.col("inspection_id") == "VH-2024-00042")
    assert evening.select("inspected_on").item() == date(2024, 2, 26)
    assert evening.select("area_code", "area_name").row(0) == ("006", "Đống Đa")


def test_v1_with_and_without_schema_version(tmp_path, ctx):
    rows, quarantined = read_lines(tmp_path, ctx, [
        v1(), v1(schema_version=..., inspection_id="VH-2021-00022", revoked=True, violations=[]),
    ])
    assert quarantined.is_empty()
    assert rows.drop("line_no").rows(named=True) == [
        {"inspection_id": "VH-2021-00021", "schema_version": 1, "inspected_at": None,
         "inspected_on": date(2021, 5, 13), "team": "LN178", "license_no": "0103-MS-6153",
         "establishment_name": "Massage Hương Quế", "establishment_type": "massage", "area_code": None,
         "area_name": "Q. Thanh Xuân", "finding_codes": ["MD01", "AN01"], "penalty_vnd": 15_000_000,
         "license_action": "none"},
        {"inspection_id": "VH-2021-00022", "schema_version": 1, "inspected_at": None,
         "inspected_on": date(2021, 5, 13), "team": "LN178", "license_no": "0103-MS-6153",
         "establishment_name": "Massage Hương Quế", "establishment_type": "massage", "area_code": None,
         "area_name": "Q. Thanh Xuân", "finding_codes": [], "penalty_vnd": 15_000_000,
         "license_action": "revoked"},
    ]


def test_v2_maps_to_the_same_shape(tmp_path, ctx):
    rows, quarantined = read_lines(tmp_path, ctx, [v2()])
    assert quarantined.is_empty()
    assert rows.drop("line_no").rows(named=True) == [
        {"inspection_id": "VH-2024-00017", "schema_version": 2,
         "inspected_at": datetime(2024, 3, 5, 14, 30, tzinfo=timezone.utc), "inspected_on": date(2024, 3, 5),
         "team": "LN178", "license_no": "0104-KR-2291", "establishment_name": "Karaoke Hoa Hồng",
         "establishment_type": "karaoke", "area_code": "006", "area_name": "Đống Đa",
         "finding_codes": ["MD01", "PCCC01"], "penalty_vnd": 15_000_000, "license_action": "suspended"},
    ]


@pytest.mark.parametrize(
    "written, instant, local_day",
    [
        ("2024-03-05T21:30:00+07:00", datetime(2024, 3, 5, 14, 30), date(2024, 3, 5)),
        ("2024-03-05T14:30:00Z", datetime(2024, 3, 5, 14, 30), date(2024, 3, 5)),
        ("2024-03-05T14:30:00+00:00", datetime(2024, 3, 5, 14, 30), date(2024, 3, 5)),
        ("2024-03-05T11:00:00-05:00", datetime(2024, 3, 5, 16, 0), date(2024, 3, 5)),
        ("2024-03-05T23:30:00Z", datetime(2024, 3, 5, 23, 30), date(2024, 3, 6)),  # 06:30 next day in Hanoi
        ("2024-03-06T00:30:00+09:00", datetime(2024, 3, 5, 15, 30), date(2024, 3, 5)),  # Tokyo's next day, Hanoi's same
        ("2024-03-05T21:30:15.250+07:00", datetime(2024, 3, 5, 14, 30, 15, 250000), date(2024, 3, 5)),
        ("2024-03-05T21:30+07:00", datetime(2024, 3, 5, 14, 30), date(2024, 3, 5)),
        ("2024-03-05 21:30:00+0700", datetime(2024, 3, 5, 14, 30), date(2024, 3, 5)),
    ],
)
def test_v2_instant_and_local_date(tmp_path, ctx, written, instant, local_day):
    rows, quarantined = read_lines(tmp_path, ctx, [v2(inspected_at=written)])
    assert quarantined.is_empty()
    assert rows.select("inspected_at", "inspected_on").row(0) == (instant.replace(tzinfo=timezone.utc), local_day)


def test_bom_is_stripped(tmp_path, ctx):
    path = write_lines(tmp_path / "culture_inspections_20240630.jsonl", [v1(), v2()], bom=True, newline="\r\n")
    rows, quarantined = read_all(path, ctx)
    assert quarantined.is_empty()
    assert rows.select("line_no", "inspection_id").rows() == [(1, "VH-2021-00021"), (2, "VH-2024-00017")]
    # two exports concatenated: the second one's BOM opens a line in the middle
    path.write_bytes(path.read_bytes() * 2)
    rows, quarantined = read_all(path, ctx)
    assert quarantined.is_empty() and rows["line_no"].to_list() == [1, 2, 3, 4]


def test_bad_lines_are_quarantined_with_their_physical_line_numbers(tmp_path, ctx):
    lines = [
        v1(),                                                        # 1
        "",                                                          # 2 blank: skipped
        '{"schema_version": 1, "inspection_id": "VH-2021-0009", ',   # 3 cut short
        v1(inspection_id=...),                                       # 4
        "   ",                                                       # 5 blank
        v1(inspection_id="  "),                                      # 6
        v1(inspected_on=...),                                        # 7
        v2(inspected_at=None),                                       # 8
        v1(inspected_on="13/05/2021"),                               # 9
        v2(inspected_at="2024-03-05T21:30:00"),                      # 10 no offset
        v1(inspected_on="2024-07-02"),                               # 11 after first seen (1 July)
        v2(inspected_at="2024-06-30T17:30:00Z"),                     # 12 = 1 July 00:30 in Hanoi: fine
        v2(inspected_at="2024-07-01T12:00:00-06:00"),                # 13 = 2 July 01:00 in Hanoi
        v1(inspected_on="2009-12-31"),                               # 14
        v1(inspected_on="2010-01-01"),                               # 15 fine
        v1(penalty_vnd="mười lăm triệu"),                            # 16
        v1(schema_version=3),                                        # 17
        "[1, 2]",                                                    # 18
        "null",                                                      # 19
        v2(establishment="Karaoke Hoa Hồng"),                        # 20 wrong type
        v2(),                                                        # 21
    ]
    rows, quarantined = read_lines(tmp_path, ctx, lines)
    assert rows["line_no"].to_list() == [1, 12, 15, 21]
    assert quarantined.select("line_no", "reason").rows() == [
        (3, "not valid JSON (Expecting property name enclosed in double quotes at column 56)"),
        (4, "missing inspection_id"),
        (6, "missing inspection_id"),
        (7, "missing inspected_on"),
        (8, "missing inspected_at"),
        (9, "unreadable inspected_on '13/05/2021'"),
        (10, "inspected_at '2024-03-05T21:30:00' has no UTC offset"),
        (11, "inspected_on '2024-07-02' is after the day the file was first seen (2024-07-01)"),
        (13, "inspected_at '2024-07-01T12:00:00-06:00' (local date 2024-07-02) "
             "is after the day the file was first seen (2024-07-01)"),
        (14, "inspected_on '2009-12-31' is before 2010-01-01"),
        (16, "unreadable penalty_vnd 'mười lăm triệu'"),
        (17, "unknown schema_version '3'"),
        (18, "not a JSON object (a JSON list)"),
        (19, "not a JSON object (null)"),
        (20, "field 'establishment' has an unexpected JSON type (str)"),
    ]
    # raw is the line exactly as read
    assert quarantined.filter(pl.col("line_no") == 3)["raw"].item() == lines[2]
    assert json.loads(quarantined.filter(pl.col("line_no") == 16)["raw"].item()) == lines[15]


@pytest.mark.parametrize(
    "written, amount",
    [(15000000, 15_000_000), ("15.000.000", 15_000_000), ("15 000 000 đ", 15_000_000),
     ("1.500.000 VNĐ", 1_500_000), ("2,000,000", 2_000_000), (0, 0), (None, None), ("", None)],
)
def test_penalty_forms(tmp_path, ctx, written, amount):
    rows, quarantined = read_lines(tmp_path, ctx, [v1(penalty_vnd=written)])
    assert quarantined.is_empty()
    assert rows["penalty_vnd"].to_list() == [amount]


@pytest.mark.parametrize("written", [-500000, "-500.000", 1.5, "1,5 triệu", "15.00.000", True])
def test_unreadable_penalties(tmp_path, ctx, written):
    rows, quarantined = read_lines(tmp_path, ctx, [v1(penalty_vnd=written)])
    assert rows.is_empty()
    assert quarantined["reason"].item().startswith("unreadable penalty_vnd '")


def test_findings_of_every_kind_are_kept(tmp_path, ctx):
    rows, _ = read_lines(tmp_path, ctx, [
        v2(findings=[{"code": " GIO01 "}, {"code": "AN01", "description": "nhạc"}, {"code": None}]),
        v2(findings=...),
        v1(violations=["PCCC01", "", "MD02"]),
        v1(violations=None),
    ])
    assert rows["finding_codes"].to_list() == [["GIO01", "AN01"], [], ["PCCC01", "MD02"], []]


def test_revisions_are_not_resolved_here(tmp_path, ctx):
    rows, _ = read_lines(tmp_path, ctx, [v2(penalty_vnd=1000), v2(penalty_vnd=2000)])
    assert rows.select("inspection_id", "penalty_vnd").rows() == [("VH-2024-00017", 1000), ("VH-2024-00017", 2000)]


def test_text_is_cleaned_and_values_kept_as_written(tmp_path, ctx):
    nfd = "Karaoke Hoa Ho\u0302\u0300ng"
    rows, _ = read_lines(tmp_path, ctx, [
        v2(establishment={"license_no": " 0104-KR-2291", "name": f"  {nfd}\u00a0 ", "type": "KARAOKE",
                          "area_code": 6, "area_name": "q.  đống đa"}, license_action=" Suspended "),
    ])
    assert rows.select("establishment_name", "establishment_type", "license_no", "area_code", "area_name",
                       "license_action").row(0) == (
        "Karaoke Hoa Hồng", "KARAOKE", "0104-KR-2291", "6", "q. đống đa", "Suspended",
    )


def test_invalid_utf8_line_is_quarantined(tmp_path, ctx):
    path = tmp_path / "culture_inspections_20240630.jsonl"
    good = json.dumps(v1(), ensure_ascii=False).encode()
    path.write_bytes(good + b"\n" + good.replace("Hương".encode(), b"H\xf0\xb0ng") + b"\n" + good + b"\n")
    rows, quarantined = read_all(path, ctx)
    assert rows["line_no"].to_list() == [1, 3]
    assert quarantined.select("line_no", "reason").rows() == [(2, "not valid UTF-8")]


def test_file_with_no_json_record_is_rejected(tmp_path, ctx):
    path = tmp_path / "culture_inspections_20240630.jsonl"
    path.write_bytes(b"inspection_id,inspected_on\nVH-1,2024-01-01\n")
    with pytest.raises(FileRejected) as raised:
        read_all(path, ctx)
    assert str(raised.value) == (
        "culture_inspections_20240630.jsonl: no line is a readable JSON record (line 1: not valid JSON "
        "(Expecting value at column 1)); expected one JSON inspection record per line"
    )
    path.write_bytes(bytes(range(256)) * 64)  # garbage bytes
    with pytest.raises(FileRejected, match="no line is a readable JSON record"):
        read_all(path, ctx)


def test_file_of_records_that_are_all_bad_is_accepted_with_its_lines_quarantined(tmp_path, ctx):
    rows, quarantined = read_lines(tmp_path, ctx, [v1(inspected_on=...), "{broken", v2(inspection_id=None)])
    assert rows.is_empty()
    assert quarantined["line_no"].to_list() == [1, 2, 3]


def test_lines_spanning_blocks_keep_their_numbers(tmp_path, ctx, monkeypatch):
    monkeypatch.setattr(culture, "BLOCK_BYTES", 100)  # shorter than one line: every block ends mid-line
    lines = [v1(inspection_id=f"VH-{n:05d}") if n % 7 else "{broken" for n in range(1, 60)]
    path = write_lines(tmp_path / "culture_inspections_20240630.jsonl", lines)
    batches = list(culture.read(delivery_of(path), ctx))
    assert len(batches) > 40
    rows = pl.concat([b.rows for b in batches])
    quarantined = pl.concat([b.quarantined for b in batches])
    assert rows["inspection_id"].to_list() == [f"VH-{n:05d}" for n in range(1, 60) if n % 7]
    assert rows["line_no"].to_list() == [n for n in range(1, 60) if n % 7]
    assert quarantined["line_no"].to_list() == [7, 14, 21, 28, 35, 42, 49, 56]


def test_last_line_without_newline_and_empty_file(tmp_path, ctx):
    path = tmp_path / "culture_inspections_20240630.jsonl"
    path.write_text(json.dumps(v1()) + "\n" + json.dumps(v2()), encoding="utf-8")
    rows, _ = read_all(path, ctx)
    assert rows["line_no"].to_list() == [1, 2]
    path.write_bytes(b"")
    assert list(culture.read(delivery_of(path), ctx)) == []


def test_a_large_file_streams_in_batches(tmp_path, ctx):
    """200k lines (~75 MB): read block by block, every line accounted for. (How fast is
    measured by `make bench`, never asserted here.)"""
    template = json.dumps(v2(inspection_id="VH-ID"), ensure_ascii=False)
    bad_at = {54_321, 150_000}
    path = tmp_path / "culture_inspections_20240630.jsonl"
    with path.open("w", encoding="utf-8") as out:
        for n in range(1, 200_001):
            out.write("{not json}\n" if n in bad_at else template.replace("VH-ID", f"VH-{n:06d}") + "\n")
    count, loaded, largest, quarantined = 0, 0, 0, []
    previous_last = 0
    for batch in culture.read(delivery_of(path), ctx):
        count += 1
        loaded += batch.rows.height
        largest = max(largest, batch.rows.height + batch.quarantined.height)
        quarantined += batch.quarantined["line_no"].to_list()
        assert batch.rows["line_no"].min() > previous_last  # batches come in file order
        previous_last = batch.rows["line_no"].max()
    assert count >= 4 and largest < 200_000 / 3
    assert loaded == 200_000 - len(bad_at) and sorted(quarantined) == sorted(bad_at)


# -- through the runner, into a real warehouse file -------------------------------


def test_ingest_loads_both_versions_and_quarantines_bad_lines(tmp_path, ctx):
    from pipelines.ingest.run import ingest
    from pipelines.warehouse import warehouse

    settings = ctx.settings
    write_lines(settings.agency_dir("culture") / "culture_inspections_20240630.jsonl", [
        v1(), "{not json", v2(inspected_at="2024-03-05T23:30:00Z"), v2(inspection_id=...),
    ], bom=True)
    report = ingest(settings, ["culture"], now=FIRST_SEEN)
    assert (report.accepted, report.rows_loaded, report.rows_quarantined) == (1, 2, 2)

    with warehouse(settings, read_only=True) as con:
        rows = con.execute(
            "SELECT line_no, schema_version, inspected_at = TIMESTAMPTZ '2024-03-05 23:30:00+00', inspected_on, "
            "finding_codes, penalty_vnd, license_action, file_date FROM raw.culture_inspections ORDER BY line_no"
        ).fetchall()
        quarantine = con.execute("SELECT line_no, reason, raw FROM ops.quarantine ORDER BY line_no").fetchall()
    assert rows == [
        (1, 1, None, date(2021, 5, 13), ["MD01", "AN01"], 15_000_000, "none", date(2024, 6, 30)),
        (3, 2, True, date(2024, 3, 6), ["MD01", "PCCC01"], 15_000_000, "suspended", date(2024, 6, 30)),
    ]
    assert quarantine[0][:2] == (2, "not valid JSON (Expecting property name enclosed in double quotes at column 2)")
    assert quarantine[0][2] == "{not json"
    assert quarantine[1][:2] == (4, "missing inspection_id")
