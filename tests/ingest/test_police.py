"""The police reader, through `ingest()` on files written here in every form the contract allows."""

from __future__ import annotations

import csv
import json
import unicodedata
from datetime import date, datetime, timezone

import polars as pl
import pytest

from pipelines.contract import POLICE_COLUMNS
from pipelines.ingest import csvfile, police
from pipelines.ingest.base import QUARANTINE_SCHEMA, Delivery, ReadContext
from pipelines.personal import MASK
from pipelines.warehouse import RAW_TABLES

# DuckDB type of a raw column -> the polars type a reader gives it
POLARS = {"VARCHAR": pl.String, "DATE": pl.Date, "TIMESTAMP": pl.Datetime("us"), "BIGINT": pl.Int64,
          "SMALLINT": pl.Int16, "INTEGER": pl.Int32}

NAME = "police_cases_20240105.csv"
FILE = f"police/{NAME}"


def loaded(bench, order: str = "line_no") -> list[dict]:
    return bench.rows(f"SELECT * FROM raw.police_case_persons ORDER BY {order}")


def reasons(bench) -> dict[int, str]:
    return {q["line_no"]: q["reason"] for q in bench.quarantine()}


EXPECTED_ROW = {
    "case_id": "CA-HN-2024-000123",
    "detected_on": date(2024, 1, 5),
    "area_code": "006",
    "area_name": "Quận Đống Đa",
    "place_kind": "karaoke",
    "establishment_name": "Karaoke Hoa Hồng",
    "offence": "bán dâm",
    "handling": "Xử phạt hành chính",
    "fine_vnd": 1_500_000,
    "birth_year": 1995,
    "sex": "Nữ",
    "role": "người bán dâm",
    "record_status": "Hiệu lực",
    "updated_at": datetime(2024, 1, 6, 8, 15),
}


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-8", "cp1258"])
@pytest.mark.parametrize("delimiter", [",", ";"])
@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_every_encoding_delimiter_and_line_end_reads_the_same(bench, encoding, delimiter, newline):
    data = bench.police_csv([bench.police_row()], encoding=encoding, delimiter=delimiter, newline=newline)
    if encoding == "cp1258":
        assert b"\xcc" in data or b"\xec" in data or b"\xf2" in data  # combining tone marks
    bench.deliver("police", NAME, data)
    report = bench.ingest(["police"])
    assert [f.status for f in report.files] == ["accepted"]
    [row] = loaded(bench)
    assert {k: row[k] for k in EXPECTED_ROW} == EXPECTED_ROW
    assert row["person_pseudonym"] == bench.pseudonym("001092560953")
    assert row["line_no"] == 2


def test_cp1258_text_arrives_nfc_and_the_transcoded_copy_is_removed(bench):
    row = bench.police_row(area_name="Quận Hoàng Mai", establishment_name="Nhà nghỉ Thuỷ Tiên", role="chủ chứa")
    bench.deliver("police", NAME, bench.police_csv([row], encoding="cp1258", delimiter=";"))
    bench.ingest(["police"])
    [got] = loaded(bench)
    for column, text in [("area_name", "Quận Hoàng Mai"), ("establishment_name", "Nhà nghỉ Thuỷ Tiên"), ("role", "chủ chứa")]:
        assert got[column] == text and unicodedata.is_normalized("NFC", got[column])
    assert not any(p.is_file() for p in bench.settings.work_dir.rglob("*") if "duckdb_tmp" not in p.parts)


def test_nfd_headers_and_values_are_read_as_nfc(bench):
    bench.deliver("police", NAME, bench.police_csv([bench.police_row()], form="NFD", delimiter=";"))
    bench.ingest(["police"])
    [row] = loaded(bench)
    assert row["area_name"] == "Quận Đống Đa" and row["handling"] == "Xử phạt hành chính"
    assert unicodedata.is_normalized("NFC", row["role"])


def test_headers_match_whatever_their_case_spacing_and_order_and_extra_columns_are_ignored(bench):
    contract = list(POLICE_COLUMNS)
    shuffled = contract[::-1]
    written = {h: f"  {h.upper()}  " if i % 3 == 0 else h.replace(" ", "   ").lower() for i, h in enumerate(shuffled)}
    header = ["STT", *(written[h] for h in shuffled), "Ghi chú"]
    row = bench.police_row()
    data = bench.csv_bytes(header, [["1", *(row[h] for h in shuffled), "gọi lại sau"]])
    bench.deliver("police", NAME, data)
    bench.ingest(["police"])
    [got] = loaded(bench)
    assert {k: got[k] for k in EXPECTED_ROW} == EXPECTED_ROW
    assert bench.quarantine() == []


def test_quoted_fields_with_delimiters_and_quotes(bench):
    rows = [
        bench.police_row(establishment_name='Karaoke "Sao Mai", cơ sở 2', full_name='Nguyễn Đức Tài "Xù", con'),
        bench.police_row(establishment_name=" Nhà nghỉ; Hoa Sen "),
    ]
    for seq, delimiter in ((1, ","), (2, ";")):
        bench.deliver("police", f"police_cases_20240105_{seq}.csv", bench.police_csv(rows, delimiter=delimiter, newline="\r\n"))
    bench.ingest(["police"])
    got = loaded(bench, "source_file, line_no")
    assert [(r["line_no"], r["establishment_name"]) for r in got] == [
        (2, 'Karaoke "Sao Mai", cơ sở 2'), (3, "Nhà nghỉ; Hoa Sen"),
    ] * 2
    assert bench.quarantine() == []


def test_a_value_spanning_lines_is_quarantined_and_later_lines_keep_their_numbers(bench):
    rows = [
        bench.police_row(establishment_name="Quán bar\nTầng 2"),
        bench.police_row(case_id="CA-HN-2024-000124"),
    ]
    bench.deliver("police", NAME, bench.police_csv(rows, newline="\r\n"))
    bench.ingest(["police"])
    assert [(r["line_no"], r["case_id"]) for r in loaded(bench)] == [(4, "CA-HN-2024-000124")]
    [q] = bench.quarantine()
    assert (q["line_no"], q["reason"]) == (2, "'Tên cơ sở' spans several lines: expected one (a quote left open?)")
    assert json.loads(q["raw"])["Tên cơ sở"] == MASK


def test_a_quote_left_open_that_swallows_a_row_is_not_loaded(bench):
    values = list(bench.police_row().values())
    opened = values[:5] + ['"Karaoke Sao'] + values[6:]
    closed = values[:5] + ['Mai"'] + values[6:]
    data = "\n".join([",".join(bench.POLICE_HEADER), ",".join(opened), ",".join(closed), ",".join(values)]) + "\n"
    bench.deliver("police", NAME, data.encode())
    bench.ingest(["police"])
    assert [r["line_no"] for r in loaded(bench)] == [4]
    [q] = bench.quarantine()
    assert q["line_no"] == 2 and q["reason"].startswith("'Tên cơ sở' spans several lines")
    assert "001092560953" not in q["raw"] and "Thuỷ" not in q["raw"]


def test_a_fully_quoted_file_reads_like_a_bare_one(bench):
    bench.deliver("police", NAME, bench.police_csv([bench.police_row()], quoting=csv.QUOTE_ALL))
    bench.ingest(["police"])
    [row] = loaded(bench)
    assert {k: row[k] for k in EXPECTED_ROW} == EXPECTED_ROW


@pytest.mark.parametrize(
    "written, expected",
    [("05/01/2024", date(2024, 1, 5)), ("5/1/2024", date(2024, 1, 5)), ("5/11/2023", date(2023, 11, 5)),
     ("29/02/2024", date(2024, 2, 29)), (" 05/01/2024 ", date(2024, 1, 5))],
)
def test_detection_dates(bench, written, expected):
    bench.deliver("police", NAME, bench.police_csv([bench.police_row(detected_on=written)]))
    bench.ingest(["police"])
    assert [r["detected_on"] for r in loaded(bench)] == [expected]


@pytest.mark.parametrize(
    "written, amount",
    [("1.500.000", 1_500_000), ("1 500 000", 1_500_000), ("1\u00a0500\u00a0000", 1_500_000),
     ("1.500.000 đ", 1_500_000), ("2.000.000đ", 2_000_000), ("10.000.000 VNĐ", 10_000_000),
     ("750.000 vnđ", 750_000), ("3000000", 3_000_000), ("0", 0), ("", None)],
)
def test_fines_in_every_form(bench, written, amount):
    bench.deliver("police", NAME, bench.police_csv([bench.police_row(fine_vnd=written)], encoding="utf-8"))
    bench.ingest(["police"])
    assert [r["fine_vnd"] for r in loaded(bench)] == [amount]
    assert bench.quarantine() == []


def test_identity_numbers_with_spaces_and_dots_give_one_pseudonym(bench):
    spellings = ["001092560953", "001.092.560.953", "001 092 560 953", " 0010 9256 0953 ", "001.092 560953"]
    rows = [bench.police_row(identity_number=s) for s in spellings] + [bench.police_row(identity_number="019.677.856")]
    bench.deliver("police", NAME, bench.police_csv(rows))
    bench.ingest(["police"])
    pseudonyms = [r["person_pseudonym"] for r in loaded(bench)]
    assert pseudonyms == [bench.pseudonym("001092560953")] * 5 + [bench.pseudonym("019677856")]


def test_missing_required_column_rejects_the_file_with_what_was_found(bench):
    header = [h for h in bench.POLICE_HEADER if h != "Ngày phát hiện"]
    bench.deliver("police", NAME, bench.csv_bytes(header, [bench.police_row()]))
    report = bench.ingest(["police"])
    found = ", ".join(header)
    expected = f"{NAME}: required column 'Ngày phát hiện' missing; found: {found}"
    assert [(f.status, f.reason) for f in report.files] == [("rejected", expected)]
    assert [(d["status"], d["reason"]) for d in bench.deliveries()] == [("rejected", expected)]
    assert loaded(bench) == [] and bench.quarantine() == []


def test_missing_optional_columns_are_null(bench):
    optional = {"Mã ĐVHC", "Tên cơ sở", "Số tiền phạt", "Họ tên", "Năm sinh", "Loại cơ sở"}
    header = [h for h in bench.POLICE_HEADER if h not in optional]
    bench.deliver("police", NAME, bench.csv_bytes(header, [bench.police_row()]))
    bench.ingest(["police"])
    [row] = loaded(bench)
    assert (row["area_code"], row["fine_vnd"], row["birth_year"], row["place_kind"]) == (None, None, None, None)


def test_a_column_given_twice_rejects_the_file(bench):
    header = [*bench.POLICE_HEADER, "Vai Trò"]
    bench.deliver("police", NAME, bench.csv_bytes(header, [[*bench.police_row().values(), "chủ chứa"]]))
    [outcome] = bench.ingest(["police"]).files
    assert outcome.status == "rejected"
    assert outcome.reason == f"{NAME}: column 'Vai trò' appears twice (columns 14 and 17); expected it once"


def test_bad_rows_are_quarantined_with_line_reason_and_masked_raw(bench):
    good = bench.police_row()
    bad = {
        3: (bench.police_row(case_id=""), "'Mã vụ việc' is empty: a value is required"),
        4: (bench.police_row(detected_on="31/02/2024"), "'Ngày phát hiện' = '31/02/2024': expected a date dd/mm/yyyy"),
        5: (bench.police_row(detected_on="2024-01-05"), "'Ngày phát hiện' = '2024-01-05': expected a date dd/mm/yyyy"),
        6: (bench.police_row(detected_on="31/12/2009"), "'Ngày phát hiện' = '31/12/2009': before 2010-01-01"),
        7: (bench.police_row(detected_on="02/06/2024"),
            "'Ngày phát hiện' = '02/06/2024': after 2024-06-01, the day the file was first seen"),
        8: (bench.police_row(updated_at="06/01/2024"),
            "'Ngày cập nhật' = '06/01/2024': expected a date and time dd/mm/yyyy HH:MM"),
        9: (bench.police_row(fine_vnd="1,5 triệu"),
            "'Số tiền phạt' = '1,5 triệu': expected an amount in đồng such as 1.500.000"),
        10: (bench.police_row(birth_year="95"), "'Năm sinh' = '95': expected a year of birth yyyy between 1900 and 2024"),
        11: (bench.police_row(identity_number="00109256095"),
             "'Số định danh': unreadable identity number (expected 9 or 12 digits)"),
        12: (bench.police_row(identity_number="001-092-560-953"),
             "'Số định danh': unreadable identity number (expected 9 or 12 digits)"),
        13: (bench.police_row(identity_number="  "), "'Số định danh' is empty: a value is required"),
        14: (bench.police_row(area_code="", area_name=""),
             "'Mã ĐVHC' and 'Địa bàn' are both empty: the area needs a code or a name"),
        15: (bench.police_row(offence="", updated_at="x"),
             "'Hành vi' is empty: a value is required; 'Ngày cập nhật' = 'x': expected a date and time dd/mm/yyyy HH:MM"),
    }
    rows = [good] + [row for row, _ in bad.values()] + [good]
    bench.deliver("police", NAME, bench.police_csv(rows))
    [outcome] = bench.ingest(["police"]).files
    assert (outcome.rows_read, outcome.rows_loaded, outcome.rows_quarantined) == (15, 2, 13)
    assert [r["line_no"] for r in loaded(bench)] == [2, 16]
    assert reasons(bench) == {line: reason for line, (_, reason) in bad.items()}
    for q in bench.quarantine():
        raw = json.loads(q["raw"])
        assert q["file_name"] == FILE
        assert raw["Họ tên"] == MASK
        assert raw["Số định danh"] == (MASK if q["line_no"] != 13 else "  ")
        assert raw["Mã vụ việc"] == bad[q["line_no"]][0]["Mã vụ việc"]  # the rest as read
        assert "001092560953" not in q["raw"] and "Thuỷ" not in q["raw"]


def test_a_code_or_a_name_is_enough_for_the_area(bench):
    rows = [bench.police_row(area_code="", area_name="Đống Đa"), bench.police_row(area_code="006", area_name="")]
    bench.deliver("police", NAME, bench.police_csv(rows))
    bench.ingest(["police"])
    assert [(r["area_code"], r["area_name"]) for r in loaded(bench)] == [(None, "Đống Đa"), ("006", None)]


def test_categories_and_areas_are_kept_as_cleaned_text_not_validated(bench):
    row = bench.police_row(role="  NGƯỜI   bán dâm ", sex="nu", area_name="q.  dong   da", record_status="Huỷ")
    bench.deliver("police", NAME, bench.police_csv([row]))
    bench.ingest(["police"])
    [got] = loaded(bench)
    assert (got["role"], got["sex"], got["area_name"], got["record_status"]) == ("NGƯỜI bán dâm", "nu", "q. dong da", "Huỷ")


def test_the_first_seen_day_is_the_local_day_in_hanoi(bench):
    # 18:00 UTC on 5 January is 01:00 on 6 January in Hanoi.
    rows = [bench.police_row(detected_on="06/01/2024"), bench.police_row(detected_on="07/01/2024")]
    bench.deliver("police", NAME, bench.police_csv(rows))
    bench.ingest(["police"], now=datetime(2024, 1, 5, 18, 0, tzinfo=timezone.utc))
    assert [r["detected_on"] for r in loaded(bench)] == [date(2024, 1, 6)]
    assert reasons(bench) == {3: "'Ngày phát hiện' = '07/01/2024': after 2024-01-06, the day the file was first seen"}


def test_rows_with_the_wrong_number_of_fields_are_quarantined_with_nearby_values_masked(bench):
    row = bench.police_row()
    values = list(row.values())
    short = values[:2] + values[3:]                         # 'Mã ĐVHC' left out: every later field moves left
    long = values[:10] + ["Nguyễn Thị", " Thuỷ"] + values[11:]  # an unquoted comma inside the name
    data = bench.csv_bytes(bench.POLICE_HEADER, [values, short, long, values[:1]])
    bench.deliver("police", NAME, data)
    bench.ingest(["police"])
    assert [r["line_no"] for r in loaded(bench)] == [2]
    assert reasons(bench) == {
        3: "expected 16 fields as in the header, found 15",
        4: "expected 16 fields as in the header, found 17",
        5: "expected 16 fields as in the header, found 1",
    }
    quarantined = {q["line_no"]: json.loads(q["raw"]) for q in bench.quarantine()}
    # Short by one: the identity number now sits under 'Số tiền phạt'; it is masked there too.
    assert quarantined[3]["Số tiền phạt"] == MASK and quarantined[3]["Năm sinh"] == MASK
    assert quarantined[3]["Mã vụ việc"] == row["Mã vụ việc"] and quarantined[3]["Hành vi"] == row["Hình thức xử lý"]
    # Long by one: the second part of the name sits under 'Năm sinh'.
    assert quarantined[4]["Năm sinh"] == MASK and quarantined[4]["Họ tên"] == MASK
    assert quarantined[4]["Giới tính"] == row["Năm sinh"]
    # One field for sixteen: it could be any of them, so it is masked as well.
    assert quarantined[5] == {**{h: None for h in bench.POLICE_HEADER}, "Mã vụ việc": MASK}
    for raw in quarantined.values():
        assert "001092560953" not in json.dumps(raw, ensure_ascii=False) and "Thuỷ" not in json.dumps(raw, ensure_ascii=False)


def test_blank_lines_are_not_rows_but_still_count_as_lines(bench):
    body = bench.police_csv([bench.police_row()]).decode("utf-8-sig")
    header, line = body.splitlines()
    data = "\n".join([header, "", line, ",,,,,,,,,,,,,,,", line, "", ""]).encode()
    bench.deliver("police", NAME, data)
    [outcome] = bench.ingest(["police"]).files
    assert [r["line_no"] for r in loaded(bench)] == [3, 5]
    assert outcome.rows_read == 2


def test_line_numbers_hold_across_batches_and_records_spanning_them(bench, monkeypatch):
    monkeypatch.setattr(csvfile, "BATCH_LINES", 3)
    rows = [bench.police_row(case_id=f"CA-{i}", establishment_name="a\nb\nc" if i % 4 == 1 else "x") for i in range(12)]
    bench.deliver("police", NAME, bench.police_csv(rows))
    bench.ingest(["police"])
    got = [(r["case_id"], r["line_no"]) for r in loaded(bench)]
    got += [(json.loads(q["raw"])["Mã vụ việc"], q["line_no"]) for q in bench.quarantine()]
    expected, line = [], 2
    for i in range(12):
        expected.append((f"CA-{i}", line))
        line += 3 if i % 4 == 1 else 1
    assert sorted(got, key=lambda item: item[1]) == expected
    assert len(bench.quarantine()) == 3


def test_header_only_file_is_accepted_with_no_rows(bench):
    bench.deliver("police", NAME, bench.police_csv([]))
    [outcome] = bench.ingest(["police"]).files
    assert (outcome.status, outcome.rows_read) == ("accepted", 0)


@pytest.mark.parametrize(
    "data, reason",
    [
        (b"", f"{NAME}: the file is empty; expected a header line"),
        ("\ufeff".encode("utf-16"), f"{NAME}: the file is UTF-16; expected UTF-8 or Windows-1258"),
    ],
)
def test_empty_or_utf16_files_are_rejected(bench, data, reason):
    bench.deliver("police", NAME, data)
    assert [(f.status, f.reason) for f in bench.ingest(["police"]).files] == [("rejected", reason)]


def test_a_file_without_header_is_rejected_without_quoting_its_first_line(bench):
    data = bench.police_csv([bench.police_row()]).decode("utf-8-sig").splitlines()[1].encode()
    bench.deliver("police", NAME, data + b"\n")
    [outcome] = bench.ingest(["police"]).files
    assert outcome.status == "rejected"
    assert outcome.reason.startswith(f"{NAME}: line 1 is not a header: none of the expected columns")
    assert "001092560953" not in outcome.reason and "Thuỷ" not in outcome.reason


def test_a_quote_never_closed_rejects_the_file_with_its_line(bench):
    good = bench.police_csv([bench.police_row()] * 3).decode("utf-8-sig")
    data = good + 'CA-1,"05/01/2024,006\n' + good.splitlines()[1] + "\n"
    bench.deliver("police", NAME, data.encode())
    [outcome] = bench.ingest(["police"]).files
    assert (outcome.status, outcome.reason) == (
        "rejected", f'{NAME}: line 5: a quoted field (") opened here is never closed'
    )


def test_bytes_that_are_no_windows_1258_reject_the_file_with_their_line(bench):
    data = bench.police_csv([bench.police_row()] * 2, encoding="cp1258") + b"CA-1,\x81\n"
    bench.deliver("police", NAME, data)
    [outcome] = bench.ingest(["police"]).files
    assert (outcome.status, outcome.reason) == (
        "rejected", f"{NAME}: line 4: byte 0x81 is neither UTF-8 nor Windows-1258"
    )


def test_a_utf8_file_with_a_windows_1258_line_later_is_rejected_with_that_line(bench, monkeypatch):
    monkeypatch.setattr(csvfile, "_CHUNK", 64)  # detection looks at the first chunk only
    utf8 = bench.police_csv([bench.police_row()] * 3, encoding="utf-8")
    cp1258 = bench.police_csv([bench.police_row()], encoding="cp1258").split(b"\n", 1)[1]
    bench.deliver("police", NAME, utf8 + cp1258)
    [outcome] = bench.ingest(["police"]).files
    assert outcome.status == "rejected"
    assert outcome.reason.startswith(f"{NAME}: line 5: not valid UTF-8")


def test_rows_have_exactly_the_raw_columns_and_their_types(bench):
    path = bench.deliver("police", NAME, bench.police_csv([bench.police_row(), bench.police_row(case_id="")]))
    delivery = Delivery("police", path, FILE, "0" * 64, date(2024, 1, 5), 1, bench.NOW)
    [batch] = police.read(delivery, ReadContext(bench.settings, bench.settings.work_dir / "t"))
    table = RAW_TABLES["police_case_persons"]
    assert batch.rows.schema == pl.Schema({"line_no": pl.Int32, **{c: POLARS[t.split()[0]] for c, t in table.items()}})
    assert batch.quarantined.schema == pl.Schema(QUARANTINE_SCHEMA)
    assert (batch.rows.height, batch.quarantined.height) == (1, 1)


def test_why_csvfile_splits_fields_itself():
    """polars' CSV reader cannot tell a row that is one field short from one whose last field
    is empty, so it cannot report the first, which may have shifted an identity number."""
    def read(data: bytes) -> pl.DataFrame:
        return pl.read_csv(data, infer_schema=False, truncate_ragged_lines=True)

    assert read(b"a,b,c\n1,2\n").equals(read(b"a,b,c\n1,2,\n"))


def test_a_file_is_read_in_batches(bench, monkeypatch):
    monkeypatch.setattr(csvfile, "BATCH_LINES", 10)
    path = bench.deliver("police", NAME, bench.police_csv([bench.police_row()] * 35))
    delivery = Delivery("police", path, FILE, "0" * 64, date(2024, 1, 5), 1, bench.NOW)
    sizes = [b.rows.height for b in police.read(delivery, ReadContext(bench.settings, bench.settings.work_dir / "t"))]
    assert sum(sizes) == 35 and len(sizes) >= 4 and max(sizes) <= 10


def test_a_header_glued_to_a_data_row_is_not_repeated_in_the_reason(bench):
    body = bench.police_csv([bench.police_row()]).decode("utf-8-sig")
    header, line = body.splitlines()
    bench.deliver("police", NAME, (header + " " + line + "\n").encode())  # the line break lost
    [outcome] = bench.ingest(["police"]).files
    assert outcome.status == "rejected"
    known = ", ".join(bench.POLICE_HEADER[:-1])
    assert outcome.reason == (
        f"{NAME}: required column 'Ngày cập nhật' missing; found: {known} and 16 more fields, not shown "
        "(line 1 seems to hold data as well)"
    )
    assert "001092560953" not in outcome.reason and "Thuỷ" not in outcome.reason


def test_old_mac_line_ends_are_rejected(bench):
    data = bench.police_csv([bench.police_row()] * 2, newline="\r")
    bench.deliver("police", NAME, data)
    [outcome] = bench.ingest(["police"]).files
    assert (outcome.status, outcome.reason) == (
        "rejected", f"{NAME}: lines end with CR alone (old Mac format); expected LF or CR LF"
    )
