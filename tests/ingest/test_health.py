"""The health report-form reader, on workbooks built here with xlsxwriter (an independent
reading of the contract) and on the shared sample workbooks."""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from datetime import date, datetime, timezone
from pathlib import Path

import pytest

from pipelines.config import REPO_ROOT
import xlsxwriter

from pipelines.config import load_settings
from pipelines.contract import FILE_PATTERNS
from pipelines.ingest import health
from pipelines.ingest.base import Batch, Delivery, FileRejected, QUARANTINE_SCHEMA, ReadContext
from pipelines.warehouse import RAW_TABLES

# The agencies' sample files, beside the repository where the project keeps them (not in a
# lone clone: these tests are then skipped).
SAMPLES = REPO_ROOT.parent / "shared" / "samples" / "health"
FIRST_SEEN = datetime(2026, 12, 1, 3, 0, tzinfo=timezone.utc)
COUNTS = [
    "reached_female", "reached_male", "hiv_tested", "hiv_positive",
    "art_initiated", "sti_examined", "methadone_enrolled", "condoms",
]
# The form's columns in the contract's order: (upper label, lower label or None).
FORM_COLUMNS = [
    ("STT", None), ("Địa bàn", None), ("Tiếp cận", "Nữ"), ("Tiếp cận", "Nam"),
    ("Xét nghiệm HIV", "Số XN"), ("Xét nghiệm HIV", "Dương tính"), ("Điều trị ARV mới", None),
    ("Khám STI", None), ("Methadone mới", None), ("Bao cao su phát (chiếc)", None),
]


def stated(month: str, start: str, end: str) -> str:
    """Row 2 of the form."""
    return f"Kỳ báo cáo: tháng {month} (từ {start} đến {end})"


MARCH_2024 = stated("03/2024", "15/02/2024", "14/03/2024")
AREAS = [
    ("Quận Ba Đình", [38, 4, 24, 0, None, 16, 3, 2260]),
    ("Quận Hoàn Kiếm", [28, "-", 13, 1, 0, 4, 0, 1770]),
    ("Huyện Gia Lâm", [0, "-", None, 0, 0, 0, 0, None]),
]


# -- building workbooks ---------------------------------------------------------


def write_form(
    path: Path,
    areas=AREAS,
    *,
    period: str | list[str] | None = MARCH_2024,
    header: str = "merged",
    total: list | str | None = "sum",
    title_rows: int = 1,
    after_total: list[list] = (),
) -> Path:
    """A report form as the contract describes it; `header` picks a header layout.

    total: "sum" writes the column sums, a list writes those values, None writes no total row.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    workbook = xlsxwriter.Workbook(path)
    sheet = workbook.add_worksheet("BC thang")
    workbook.add_worksheet("Ghi chú").write(0, 0, "not read")
    row = 0
    for _ in range(title_rows):
        sheet.merge_range(row, 0, row, 9, "BÁO CÁO KẾT QUẢ CAN THIỆP DỰ PHÒNG LÂY NHIỄM HIV/STI")
        row += 1
    if isinstance(period, list):  # the period split over several cells
        for col, text in enumerate(period):
            sheet.write_string(row, col, text)
    elif period is not None:
        sheet.merge_range(row, 0, row, 9, period)
    row += 2  # the period row, then a blank row
    _write_header(sheet, row, header)
    row += 2
    for number, (area, cells) in enumerate(areas, start=1):
        if area is not None or any(cell is not None for cell in cells):  # else a blank row
            _write_row(sheet, row, [number, area, *cells])
        row += 1
    if total == "sum":
        columns = zip(*(cells for _, cells in areas))
        total = [sum(c for c in column if isinstance(c, (int, float))) for column in columns]
    if total is not None:
        _write_row(sheet, row, [None, "Tổng cộng", *total])
        row += 1
    for extra in after_total:
        _write_row(sheet, row, extra)
        row += 1
    workbook.close()
    return path


def _write_row(sheet, row: int, cells: list) -> None:
    for col, value in enumerate(cells):
        if value is None:
            continue
        if isinstance(value, str):
            sheet.write_string(row, col, value)
        else:
            sheet.write_number(row, col, value)


def _write_header(sheet, row: int, layout: str) -> None:
    if layout == "merged":  # as the senders' template does: merged groups and vertical merges
        for col, (upper, lower) in enumerate(FORM_COLUMNS):
            if lower is None:
                sheet.merge_range(row, col, row + 1, col, upper)
            else:
                sheet.write_string(row + 1, col, lower)
        sheet.merge_range(row, 2, row, 3, "Tiếp cận")
        sheet.merge_range(row, 4, row, 5, "Xét nghiệm HIV")
    elif layout == "repeated":  # no merges: the group label repeated over its sub-columns
        for col, (upper, lower) in enumerate(FORM_COLUMNS):
            sheet.write_string(row, col, upper)
            if lower:
                sheet.write_string(row + 1, col, lower)
    elif layout == "lower_only":  # single-level labels in the lower row, group labels unmerged
        for col, (upper, lower) in enumerate(FORM_COLUMNS):
            if lower is None:
                sheet.write_string(row + 1, col, upper)
            else:
                sheet.write_string(row + 1, col, lower)
        sheet.write_string(row, 2, "Tiếp cận")
        sheet.write_string(row, 4, "Xét nghiệm HIV")
    elif layout == "styled":  # other case, NFD, line breaks, an unknown column at the end
        for col, (upper, lower) in enumerate(FORM_COLUMNS):
            text = unicodedata.normalize("NFD", upper.upper() if col % 2 else upper.replace(" ", "\n", 1))
            if lower is None:
                sheet.merge_range(row, col, row + 1, col, text)
            else:
                sheet.write_string(row + 1, col, unicodedata.normalize("NFD", lower.lower()))
        sheet.merge_range(row, 2, row, 3, "TIẾP  CẬN")
        sheet.merge_range(row, 4, row, 5, unicodedata.normalize("NFD", "Xét nghiệm\nHIV"))
        sheet.merge_range(row, 10, row + 1, 10, "Ghi chú")
    else:
        raise ValueError(layout)


def write_reordered_form(path: Path) -> Path:
    """The columns in another order (area first, groups swapped); the reader must follow the labels."""
    order = [1, 0, 4, 5, 2, 3, 9, 8, 7, 6]
    workbook = xlsxwriter.Workbook(path)
    sheet = workbook.add_worksheet()
    sheet.write_string(1, 0, MARCH_2024)
    for out, source in enumerate(order):
        upper, lower = FORM_COLUMNS[source]
        if lower is None:
            sheet.merge_range(3, out, 4, out, upper)
        else:
            sheet.write_string(4, out, lower)
    sheet.merge_range(3, 2, 3, 3, "Xét nghiệm HIV")
    sheet.merge_range(3, 4, 3, 5, "Tiếp cận")
    rows = [[n, area, *cells] for n, (area, cells) in enumerate(AREAS, start=1)]
    sums = [sum(c for c in column if isinstance(c, int)) for column in zip(*(cells for _, cells in AREAS))]
    rows.append([None, "Tổng cộng", *sums])
    for r, cells in enumerate(rows, start=5):
        _write_row(sheet, r, [cells[source] for source in order])
    workbook.close()
    return path


# -- reading --------------------------------------------------------------------


@pytest.fixture
def ctx(tmp_path, monkeypatch) -> ReadContext:
    monkeypatch.setenv("PCMD_PSEUDONYM_KEY", "test-key")
    settings = load_settings(home=tmp_path / "home")
    return ReadContext(settings=settings, work_dir=tmp_path / "work")


def delivery_of(path: Path, first_seen_at: datetime = FIRST_SEEN) -> Delivery:
    match = re.match(FILE_PATTERNS["health"], path.name)
    year, month = int(match["year"]), int(match["month"])
    next_month = date(year + month // 12, month % 12 + 1, 1)
    return Delivery(
        agency="health",
        path=path,
        file_name=f"health/{path.name}",
        sha256=hashlib.sha256(path.read_bytes()).hexdigest(),
        file_date=date.fromordinal(next_month.toordinal() - 1),
        file_seq=int(match["version"] or 1),
        first_seen_at=first_seen_at,
    )


def read_all(path: Path, ctx: ReadContext, **kwargs) -> Batch:
    batches = list(health.read(delivery_of(path, **kwargs), ctx))
    assert len(batches) == 1
    return batches[0]


def rejection(path: Path, ctx: ReadContext, **kwargs) -> str:
    with pytest.raises(FileRejected) as raised:
        read_all(path, ctx, **kwargs)
    return str(raised.value)


def test_rows_have_exactly_the_raw_columns_and_types(tmp_path, ctx):
    batch = read_all(write_form(tmp_path / "health_2024_03.xlsx"), ctx)
    assert batch.rows.columns == [*RAW_TABLES["health_monthly_reports"], "line_no"]
    assert dict(batch.rows.schema) == health.ROW_SCHEMA
    assert dict(batch.quarantined.schema) == QUARANTINE_SCHEMA


@pytest.mark.skipif(not SAMPLES.exists(), reason="shared samples not on this machine")
@pytest.mark.parametrize(
    "name, areas, period, first_area, last_area, totals",
    [
        ("health_2024_03.xlsx", 30, (date(2024, 2, 15), date(2024, 3, 14)), "Quận Ba Đình", "Huyện Mỹ Đức",
         [328, 23, 192, 6, 3, 108, 12, 14250]),
        ("health_2025_08.xlsx", 126, (date(2025, 7, 15), date(2025, 8, 14)), "Phường Ba Đình", "Xã Hương Sơn",
         [351, 21, 208, 1, 0, 129, 32, 13450]),
    ],
)
def test_sample_workbooks(ctx, name, areas, period, first_area, last_area, totals):
    batch = read_all(SAMPLES / name, ctx)
    rows = batch.rows
    assert batch.quarantined.is_empty()
    assert rows.height == areas
    assert rows["line_no"].to_list() == list(range(6, 6 + areas))
    assert rows["row_number"].to_list() == list(range(1, areas + 1))
    assert (rows["area_name"][0], rows["area_name"][-1]) == (first_area, last_area)
    assert rows.select(COUNTS).sum().row(0) == tuple(totals)
    assert rows.select("period_start", "period_end").unique().rows() == [period]
    assert rows.select("report_year", "report_month", "version").unique().rows() == [
        (int(name[7:11]), int(name[12:14]), 1)
    ]


@pytest.mark.parametrize("layout", ["merged", "repeated", "lower_only", "styled"])
def test_header_layouts_read_the_same(tmp_path, ctx, layout):
    batch = read_all(write_form(tmp_path / "health_2024_03.xlsx", header=layout), ctx)
    assert batch.quarantined.is_empty()
    assert batch.rows.select("area_name", *COUNTS).rows() == [
        ("Quận Ba Đình", 38, 4, 24, 0, 0, 16, 3, 2260),
        ("Quận Hoàn Kiếm", 28, 0, 13, 1, 0, 4, 0, 1770),
        ("Huyện Gia Lâm", 0, 0, 0, 0, 0, 0, 0, 0),
    ]


def test_columns_are_found_by_label_not_position(tmp_path, ctx):
    batch = read_all(write_reordered_form(tmp_path / "health_2024_03.xlsx"), ctx)
    assert batch.rows.select("row_number", "area_name", *COUNTS).rows()[0] == (
        1, "Quận Ba Đình", 38, 4, 24, 0, 0, 16, 3, 2260,
    )


def test_structure_is_found_when_the_title_takes_two_rows(tmp_path, ctx):
    batch = read_all(write_form(tmp_path / "health_2024_03.xlsx", title_rows=2), ctx)
    assert batch.rows["line_no"].to_list() == [7, 8, 9]  # header in rows 5-6, areas from row 7


def test_period_split_over_cells_and_spelled_ki(tmp_path, ctx):
    path = write_form(
        tmp_path / "health_2024_03.xlsx",
        period=["Kì báo cáo:", unicodedata.normalize("NFD", "THÁNG 3/2024 (từ 15/2/2024 đến 14/3/2024)")],
    )
    rows = read_all(path, ctx).rows
    assert rows.select("period_start", "period_end").unique().rows() == [(date(2024, 2, 15), date(2024, 3, 14))]


def test_empty_dash_and_spaced_cells(tmp_path, ctx):
    areas = [
        ("  Quận   Đống Đa ", [None, "-", "–", " 7 ", "1 560", 0, "—", 12.0]),
        (unicodedata.normalize("NFD", "Huyện Ứng Hòa"), ["", " ", "-", 3, 2, 1, 0, "2 000 000"]),
    ]
    path = write_form(tmp_path / "health_2024_03.xlsx", areas, total=[0, 0, 0, 10, 1562, 1, 0, 2000012])
    batch = read_all(path, ctx)
    assert batch.quarantined.is_empty()
    assert batch.rows.select("area_name", *COUNTS).rows() == [
        ("Quận Đống Đa", 0, 0, 0, 7, 1560, 0, 0, 12),
        ("Huyện Ứng Hòa", 0, 0, 0, 3, 2, 1, 0, 2_000_000),
    ]


def test_total_that_disagrees_rejects_the_workbook(tmp_path, ctx):
    path = write_form(tmp_path / "health_2024_03.xlsx", total=[66, 6, 37, 1, 0, 20, 3, 4030])
    assert rejection(path, ctx) == (
        "health_2024_03.xlsx: row 9 ('Tổng cộng'): column 'Tiếp cận / Nam': stated total 6 but the rows sum to 4"
    )


def test_total_label_in_capitals_with_a_colon_in_the_stt_column(tmp_path, ctx):
    path = tmp_path / "health_2024_03.xlsx"
    write_form(path, AREAS, total=None, after_total=[["TỔNG CỘNG:", None, 66, 4, 37, 1, 0, 20, 3, 4030]])
    assert read_all(path, ctx).rows.height == 3


def test_missing_total_row_rejects(tmp_path, ctx):
    path = write_form(tmp_path / "health_2024_03.xlsx", total=None)
    assert rejection(path, ctx) == "health_2024_03.xlsx: no 'Tổng cộng' row after the area rows"


def test_unreadable_total_cell_rejects(tmp_path, ctx):
    path = write_form(tmp_path / "health_2024_03.xlsx", total=[66, 4, 37, 1, 0, 20, 3, "4.030"])
    assert rejection(path, ctx) == (
        "health_2024_03.xlsx: row 9 ('Tổng cộng'): column 'Bao cao su phát (chiếc)': '4.030' is not a whole number"
    )


def test_bad_rows_are_quarantined_when_the_total_still_verifies(tmp_path, ctx):
    areas = [
        ("Quận Ba Đình", [10, 5, 5, 0, 0, 2, 1, 100]),
        ("Quận Tây Hồ", [2, -3, 1, 0, 0, 0, 0, 20]),         # negative: in the total as written
        ("Quận Cầu Giấy", [1, 0, 2.5, 0, "1,5", 0, 0, 10]),   # fractional as written; "1,5" is no number
        ("Quận Hà Đông", [1, 0, 0.5, 0, 0, "không", 0, 10]),  # a text cell counts nothing
        (None, [4, 0, 0, 0, 0, 0, 0, 0]),                     # no area name: its counts are in the total
    ]
    path = write_form(tmp_path / "health_2024_03.xlsx", areas, total=[18, 2, 9, 0, 0, 2, 1, 140])
    batch = read_all(path, ctx)
    assert batch.rows["area_name"].to_list() == ["Quận Ba Đình"]
    assert batch.quarantined.select("line_no", "reason").rows() == [
        (7, "column 'Tiếp cận / Nam': '-3' is negative"),
        (8, "column 'Xét nghiệm HIV / Số XN': '2.5' is not a whole number; "
            "column 'Điều trị ARV mới': '1,5' is not a count"),
        (9, "column 'Xét nghiệm HIV / Số XN': '0.5' is not a whole number; "
            "column 'Khám STI': 'không' is not a count"),
        (10, "column 'Địa bàn' is empty"),
    ]
    raw = json.loads(batch.quarantined["raw"][2])
    assert raw["STT"] == "4" and raw["Địa bàn"] == "Quận Hà Đông"
    assert raw["Khám STI"] == "không" and raw["Xét nghiệm HIV / Số XN"] == "0.5"


def test_fractional_cell_that_breaks_the_total_rejects(tmp_path, ctx):
    areas = [("Quận Ba Đình", [10, 1, 5, 0, 0, 2, 1, 100]), ("Quận Cầu Giấy", [1, 0, 2.5, 0, 0, 0, 0, 10])]
    path = write_form(tmp_path / "health_2024_03.xlsx", areas, total=[11, 1, 8, 0, 0, 2, 1, 110])
    assert rejection(path, ctx) == (
        "health_2024_03.xlsx: row 8 ('Tổng cộng'): column 'Xét nghiệm HIV / Số XN': "
        "stated total 8 but the rows sum to 7.5 (unreadable cells in rows 7)"
    )


def test_unreadable_cell_with_a_total_that_does_not_verify_rejects(tmp_path, ctx):
    areas = [("Quận Ba Đình", [10, 1, 5, 0, 0, 2, 1, 100]), ("Quận Tây Hồ", [2, 1, 1, 0, 0, "x", 0, 20])]
    path = write_form(tmp_path / "health_2024_03.xlsx", areas, total=[12, 2, 6, 0, 0, 5, 1, 120])
    assert rejection(path, ctx) == (
        "health_2024_03.xlsx: row 8 ('Tổng cộng'): column 'Khám STI': "
        "stated total 5 but the rows sum to 2 (unreadable cells in rows 7)"
    )


def test_blank_rows_are_skipped_and_rows_after_the_total_are_not_read(tmp_path, ctx):
    areas = [AREAS[0], (None, [None] * 8), AREAS[1]]
    path = write_form(
        tmp_path / "health_2024_03.xlsx", areas,
        after_total=[[], [None, "Người lập biểu", None, None, None, "Giám đốc"], [99, "Quận Thêm", 5, 5]],
    )
    batch = read_all(path, ctx)
    assert batch.quarantined.is_empty()
    assert batch.rows.select("line_no", "area_name").rows() == [(6, "Quận Ba Đình"), (8, "Quận Hoàn Kiếm")]


def test_missing_column_rejects_naming_it(tmp_path, ctx):
    path = tmp_path / "health_2024_03.xlsx"
    workbook = xlsxwriter.Workbook(path)
    sheet = workbook.add_worksheet()
    sheet.write_string(1, 0, MARCH_2024)
    for col, (upper, lower) in enumerate(c for c in FORM_COLUMNS if c != ("Xét nghiệm HIV", "Dương tính")):
        sheet.write_string(3, col, upper)
        if lower:
            sheet.write_string(4, col, lower)
    sheet.write_row(5, 0, [1, "Quận Ba Đình", 1, 1, 1, 1, 1, 1, 1])
    workbook.close()
    assert rejection(path, ctx) == (
        "health_2024_03.xlsx: header rows 4–5: column 'Xét nghiệm HIV / Dương tính' missing; found: "
        "STT, Địa bàn, Tiếp cận / Nữ, Tiếp cận / Nam, Xét nghiệm HIV / Số XN, Điều trị ARV mới, Khám STI, "
        "Methadone mới, Bao cao su phát (chiếc)"
    )


def test_sheet_without_header_rejects(tmp_path, ctx):
    path = tmp_path / "health_2024_03.xlsx"
    workbook = xlsxwriter.Workbook(path)
    workbook.add_worksheet().write_string(0, 0, "Số liệu đang tổng hợp")
    workbook.close()
    assert rejection(path, ctx).startswith("health_2024_03.xlsx: no header row found")


def test_wrong_month_in_the_period_row_rejects(tmp_path, ctx):
    path = write_form(tmp_path / "health_2024_03.xlsx", period=stated("04/2024", "15/03/2024", "14/04/2024"))
    assert rejection(path, ctx) == (
        "health_2024_03.xlsx: row 2: the period is month 04/2024 but the file name says 03/2024"
    )


@pytest.mark.parametrize(
    "period",
    [
        "Kỳ báo cáo: tháng 03/2024",
        "Kỳ báo cáo: tháng 03/2024 (từ 15/02/2024 đến 31/02/2024)",
        "Kỳ báo cáo: quý I/2024 (từ 15/12/2023 đến 14/03/2024)",
    ],
)
def test_unreadable_period_row_rejects(tmp_path, ctx, period):
    path = write_form(tmp_path / "health_2024_03.xlsx", period=period)
    assert rejection(path, ctx) == (
        f"health_2024_03.xlsx: row 2: cannot read the reporting period '{period}'; "
        "expected 'Kỳ báo cáo: tháng MM/YYYY (từ dd/mm/yyyy đến dd/mm/yyyy)'"
    )


def test_missing_period_row_rejects(tmp_path, ctx):
    path = write_form(tmp_path / "health_2024_03.xlsx", period=None)
    assert rejection(path, ctx) == (
        "health_2024_03.xlsx: no 'Kỳ báo cáo: tháng MM/YYYY (từ dd/mm/yyyy đến dd/mm/yyyy)' row above the header (row 4)"
    )


def test_calendar_month_period_is_accepted(tmp_path, ctx):
    path = write_form(tmp_path / "health_2024_02.xlsx", period=stated("02/2024", "01/02/2024", "29/02/2024"))
    rows = read_all(path, ctx).rows
    assert rows.select("period_start", "period_end").unique().rows() == [(date(2024, 2, 1), date(2024, 2, 29))]


def test_reporting_month_of_january_starts_in_december(tmp_path, ctx):
    path = write_form(tmp_path / "health_2024_01.xlsx", period=stated("01/2024", "15/12/2023", "14/01/2024"))
    rows = read_all(path, ctx).rows
    assert rows.select("period_start", "period_end").unique().rows() == [(date(2023, 12, 15), date(2024, 1, 14))]


def test_period_that_is_neither_calendar_rejects(tmp_path, ctx):
    path = write_form(tmp_path / "health_2024_03.xlsx", period=stated("03/2024", "10/02/2024", "09/03/2024"))
    assert rejection(path, ctx) == (
        "health_2024_03.xlsx: row 2: period 10/02/2024–09/03/2024 is neither the calendar month "
        "(01/03/2024–31/03/2024) nor the reporting month (15/02/2024–14/03/2024) of 03/2024"
    )


def test_period_ending_after_the_file_was_first_seen_rejects(tmp_path, ctx):
    path = write_form(tmp_path / "health_2024_03.xlsx")
    # 2024-03-13 20:00 UTC is already the 14th in Hanoi: the period's last day, accepted.
    assert read_all(path, ctx, first_seen_at=datetime(2024, 3, 13, 20, 0, tzinfo=timezone.utc)).rows.height == 3
    assert rejection(path, ctx, first_seen_at=datetime(2024, 3, 13, 12, 0, tzinfo=timezone.utc)) == (
        "health_2024_03.xlsx: row 2: period ends 14/03/2024, after the day the file was first seen (13/03/2024)"
    )


def test_period_starting_before_2010_rejects(tmp_path, ctx):
    path = write_form(tmp_path / "health_2010_01.xlsx", period=stated("01/2010", "15/12/2009", "14/01/2010"))
    assert rejection(path, ctx) == "health_2010_01.xlsx: row 2: period starts 15/12/2009, before 01/01/2010"
    path = write_form(tmp_path / "health_2010_01.xlsx", period=stated("01/2010", "01/01/2010", "31/01/2010"))
    assert read_all(path, ctx).rows.height == 3


@pytest.mark.parametrize(
    "content",
    [
        pytest.param(b"\x00\x01garbage bytes, not a workbook" * 50, id="garbage"),
        pytest.param(b"", id="empty"),
        pytest.param(b"STT,\xc4\x90\xe1\xbb\x8ba b\xc3\xa0n\n1,Qu\xe1\xba\xadn Ba \xc4\x90\xc3\xacnh\n", id="csv"),
    ],
)
def test_unreadable_file_rejects(tmp_path, ctx, content):
    path = tmp_path / "health_2024_03.xlsx"
    path.write_bytes(content)
    assert rejection(path, ctx).startswith("health_2024_03.xlsx: not a readable Excel workbook (")


def test_truncated_workbook_rejects(tmp_path, ctx):
    whole = write_form(tmp_path / "whole" / "health_2024_03.xlsx").read_bytes()
    path = tmp_path / "health_2024_03.xlsx"
    path.write_bytes(whole[: len(whole) // 2])
    assert rejection(path, ctx).startswith("health_2024_03.xlsx: not a readable Excel workbook (")


@pytest.mark.parametrize(
    "name, version", [("health_2024_03.xlsx", 1), ("health_2024_03_v2.xlsx", 2), ("health_2024_03_v3.xlsx", 3)]
)
def test_version_comes_from_the_suffix(tmp_path, ctx, name, version):
    rows = read_all(write_form(tmp_path / name), ctx).rows
    assert rows.select("report_year", "report_month", "version").unique().rows() == [(2024, 3, version)]


def test_file_name_that_is_no_health_form_rejects(tmp_path, ctx):
    path = write_form(tmp_path / "health_2024_03.xlsx")
    misnamed = Delivery(**{**delivery_of(path).__dict__, "path": path.rename(tmp_path / "health_2024_13.xlsx")})
    with pytest.raises(FileRejected, match="month 13 in the file name is not 01–12"):
        list(health.read(misnamed, ctx))


# -- through the runner, into a real warehouse file -------------------------------


def test_ingest_loads_accepted_workbooks_and_registers_rejected_ones(tmp_path, ctx):
    from pipelines.ingest.run import ingest
    from pipelines.warehouse import warehouse

    settings = ctx.settings
    landing = settings.agency_dir("health")
    write_form(landing / "health_2024_03.xlsx")
    write_form(landing / "health_2024_03_v2.xlsx", AREAS[:2])
    write_form(landing / "health_2024_04.xlsx", AREAS[:1], period=MARCH_2024)
    bad = [("Quận Ba Đình", [1, 1, 1, 1, 1, 1, 1, 1]), ("Quận Tây Hồ", [1, -1, 1, 1, 1, 1, 1, 1])]
    write_form(landing / "health_2024_05.xlsx", bad,
               period=stated("05/2024", "01/05/2024", "31/05/2024"))

    report = ingest(settings, ["health"], now=FIRST_SEEN)
    assert (report.accepted, report.rejected, report.rows_loaded, report.rows_quarantined) == (3, 1, 6, 1)

    with warehouse(settings, read_only=True) as con:
        deliveries = con.execute(
            "SELECT file_name, status, reason, rows_loaded, rows_quarantined FROM ops.deliveries ORDER BY file_name"
        ).fetchall()
        loaded = con.execute(
            "SELECT source_file, file_seq, version, report_month, period_start, count(*), sum(condoms) "
            "FROM raw.health_monthly_reports GROUP BY ALL ORDER BY source_file"
        ).fetchall()
        quarantine = con.execute("SELECT file_name, line_no, reason FROM ops.quarantine").fetchall()
    assert deliveries == [
        ("health/health_2024_03.xlsx", "accepted", None, 3, 0),
        ("health/health_2024_03_v2.xlsx", "accepted", None, 2, 0),
        ("health/health_2024_04.xlsx", "rejected",
         "health_2024_04.xlsx: row 2: the period is month 03/2024 but the file name says 04/2024", 0, 0),
        ("health/health_2024_05.xlsx", "accepted", None, 1, 1),
    ]
    assert loaded == [
        ("health/health_2024_03.xlsx", 1, 1, 3, date(2024, 2, 15), 3, 4030),
        ("health/health_2024_03_v2.xlsx", 2, 2, 3, date(2024, 2, 15), 2, 4030),
        ("health/health_2024_05.xlsx", 1, 1, 5, date(2024, 5, 1), 1, 1),
    ]
    assert quarantine == [("health/health_2024_05.xlsx", 7, "column 'Tiếp cận / Nam': '-1' is negative")]
