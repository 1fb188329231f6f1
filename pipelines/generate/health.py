"""Health report forms: one workbook per month, laid out like the department's template.

Row 1 the title, row 2 the period, row 3 blank, rows 4-5 the two-level header with merged
cells, one row per unit, a last row `Tổng cộng`; a second sheet of notes.
"""

from __future__ import annotations

import io
import random
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import xlsxwriter

from pipelines.generate.vietnamese import nfd, other_tone_placement
from pipelines.generate.world import HEALTH_FIELDS, HealthReport

TITLE = "BÁO CÁO KẾT QUẢ CAN THIỆP DỰ PHÒNG LÂY NHIỄM HIV/STI CHO NGƯỜI BÁN DÂM"
# (row 4, row 5) of each column; None in row 5 means the cell is merged down.
_HEADER = (("STT", None), ("Địa bàn", None), ("Tiếp cận", "Nữ"), ("Tiếp cận", "Nam"),
           ("Xét nghiệm HIV", "Số XN"), ("Xét nghiệm HIV", "Dương tính"), ("Điều trị ARV mới", None),
           ("Khám STI", None), ("Methadone mới", None), ("Bao cao su phát (chiếc)", None))


@dataclass(frozen=True)
class Defect:
    """What is wrong with a bad version of a form (nothing, for a good one)."""

    total_off_by: int = 0                       # Tổng cộng disagrees with the column sums
    stated_period: tuple[date, date] | None = None  # dates that match neither calendar
    truncated: bool = False                     # the file is cut short


def file_name(report: HealthReport) -> str:
    suffix = f"_v{report.version}" if report.version > 1 else ""
    return f"health_{report.month.year:04d}_{report.month.month:02d}{suffix}.xlsx"


def workbook(report: HealthReport, seed: int, defect: Defect = Defect()) -> bytes:
    """The workbook's bytes (a form has at most ~130 rows whatever the scale)."""
    rng = random.Random(f"{seed}:health-file:{file_name(report)}:{defect}")
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    # A fixed creation time keeps the bytes identical from run to run.
    book.set_properties({"title": TITLE, "author": "Sở Y tế Hà Nội",
                         "created": datetime.combine(report.period_end + timedelta(days=5), datetime.min.time())})
    bold_centre = book.add_format({"bold": True, "align": "center", "valign": "vcenter", "border": 1,
                                   "text_wrap": True})
    centre = book.add_format({"align": "center"})
    cell = book.add_format({"border": 1})
    total = book.add_format({"bold": True, "border": 1})

    sheet = book.add_worksheet(f"BC thang {report.month.month:02d}-{report.month.year}")
    sheet.set_column(1, 1, 28)
    sheet.set_column(2, 9, 11)
    start, end = defect.stated_period or (report.period_start, report.period_end)
    sheet.merge_range(0, 0, 0, 9, TITLE, book.add_format({"bold": True, "align": "center"}))
    sheet.merge_range(1, 0, 1, 9, f"Kỳ báo cáo: tháng {report.month.month:02d}/{report.month.year} "
                                  f"(từ {start:%d/%m/%Y} đến {end:%d/%m/%Y})", centre)
    _write_header(sheet, bold_centre)

    spelling = nfd if rng.random() < 0.07 else other_tone_placement if rng.random() < 0.1 else str
    sums = [0] * len(HEALTH_FIELDS)
    for i, (unit, values) in enumerate(report.rows):
        sheet.write_number(5 + i, 0, i + 1, cell)
        sheet.write_string(5 + i, 1, spelling(unit.name), cell)
        for j, value in enumerate(values):
            sums[j] += value
            if value == 0:
                shown = rng.choices((None, "-", 0), (45, 25, 30))[0]  # nothing to report
                if shown is None:
                    sheet.write_blank(5 + i, 2 + j, None, cell)
                else:
                    sheet.write(5 + i, 2 + j, shown, cell)
            else:
                sheet.write_number(5 + i, 2 + j, value, cell)
    last = 5 + len(report.rows)
    sheet.write_blank(last, 0, None, total)
    sheet.write_string(last, 1, "Tổng cộng", total)
    if defect.total_off_by:
        sums[-1] += defect.total_off_by
    for j, value in enumerate(sums):
        sheet.write_number(last, 2 + j, value, total)

    if rng.random() < 0.75 or report.version > 1:
        notes = book.add_worksheet("Ghi chú")
        notes.write_string(0, 0, report.note)
        notes.write_string(1, 0, "Ô trống hoặc dấu '-': không có số liệu phát sinh.")
    book.close()
    data = buffer.getvalue()
    return data[: len(data) // 2] if defect.truncated else data


def _write_header(sheet, style) -> None:
    column = 0
    while column < len(_HEADER):
        top, sub = _HEADER[column]
        if sub is None:
            sheet.merge_range(3, column, 4, column, top, style)
            column += 1
            continue
        width = sum(1 for t, _ in _HEADER[column:] if t == top)
        sheet.merge_range(3, column, 3, column + width - 1, top, style)
        for k in range(width):
            sheet.write_string(4, column + k, _HEADER[column + k][1], style)
        column += width


def neither_calendar(report: HealthReport) -> tuple[date, date]:
    """Stated dates that are neither the calendar month nor the reporting cut-off."""
    start = report.month.day(5)
    return start, report.month.plus(1).day(4)
