"""The workbook: one sheet per table, the administrative header on the first, Vietnamese number
formats, frozen headers, A4 landscape, fitted columns; numbers stay numbers, symbols are text."""

from __future__ import annotations

import math
from pathlib import Path

import xlsxwriter

from pipelines.report import tables as T
from pipelines.report.published import ReportData
from pipelines.report.words import ISSUING_AUTHORITY, MOTTO, xlsx_format

FONT = {"font_name": "Times New Roman", "font_size": 11}
BORDER = {"border": 1, "border_color": "#808080"}
# A4 landscape at 100 % holds about this many characters of width.
PAGE_CHARACTERS = 150
MAX_WIDTH = 48  # longer texts (indicator names, notes) wrap


class _Formats:
    def __init__(self, book: xlsxwriter.Workbook):
        self.book, self.cache = book, {}

    def __call__(self, **props):
        key = tuple(sorted(props.items()))
        if key not in self.cache:
            self.cache[key] = self.book.add_format({**FONT, **props})
        return self.cache[key]


def _widths(table: T.Table) -> list[float]:
    """Each column as wide as its longest value, its header wrapping to at most that (or a word)."""
    columns = len(table.rows[0].cells) if table.rows else sum(h.cols for h in table.header[0])
    widths = [4.0] * columns
    for row in table.rows:
        if row.kind == "group":
            continue
        for i, cell in enumerate(row.cells):
            text = cell.text if isinstance(cell, T.Cell) else cell
            widths[i] = max(widths[i], len(text) + 2)
    for (r, c), head in T.header_positions(table.header).items():
        if head.cols == 1:
            longest_word = max((len(w) for w in head.text.split()), default=0)
            widths[c] = max(widths[c], longest_word + 2, 8 if r == len(table.header) - 1 else 4)
    return [min(w, MAX_WIDTH) for w in widths]


def _write_header_block(sheet, fmt, header: T.Header, columns: int, left: int) -> int:
    """The administrative header; returns the next free row."""
    left_end, right_start = max(left - 1, 0), max(left, 1)
    last = columns - 1

    def merge(row, first, end, text, f):
        if end > first:
            sheet.merge_range(row, first, row, end, text, f)
        else:
            sheet.write_string(row, first, text, f)

    center = {"align": "center", "valign": "vcenter"}
    merge(0, 0, left_end, ISSUING_AUTHORITY, fmt(**center))
    merge(0, right_start, last, MOTTO[0], fmt(bold=True, **center))
    merge(1, 0, left_end, header.department, fmt(bold=True, underline=1, **center))
    merge(1, right_start, last, MOTTO[1], fmt(bold=True, underline=1, **center))
    merge(2, right_start, last, header.place_date, fmt(italic=True, **center))
    merge(4, 0, last, "BÁO CÁO", fmt(bold=True, font_size=14, **center))
    merge(5, 0, last, header.title_line[:1].upper() + header.title_line[1:], fmt(bold=True, font_size=12, **center))
    row = 6
    if header.area_line:
        merge(row, 0, last, header.area_line, fmt(bold=True, **center))
        row += 1
    merge(row, 0, last, header.dates, fmt(italic=True, **center))
    merge(row + 1, 0, last, header.release, fmt(italic=True, font_size=10, font_color="#404040", **center))
    return row + 3


def _write_short_header(sheet, fmt, header: T.Header, columns: int) -> int:
    sheet.write_string(0, 0, f"BÁO CÁO {header.title_line}" + (f" - {header.area_line}" if header.area_line else ""),
                       fmt(bold=True, font_size=12))
    sheet.write_string(1, 0, f"{header.dates}. {header.release}", fmt(italic=True, font_size=10))
    return 3


def _write_table(sheet, fmt, table: T.Table, top: int, widths: list[float]) -> int:
    columns = len(widths)
    sheet.merge_range(top, 0, top, columns - 1, table.title, fmt(bold=True, font_size=12)) if columns > 1 else \
        sheet.write_string(top, 0, table.title, fmt(bold=True, font_size=12))
    top += 1
    head = fmt(bold=True, align="center", valign="vcenter", text_wrap=True, bg_color="#E8EEF4", **BORDER)
    for (r, c), cell in T.header_positions(table.header).items():
        if cell.rows > 1 or cell.cols > 1:
            sheet.merge_range(top + r, c, top + r + cell.rows - 1, c + cell.cols - 1, cell.text, head)
        else:
            sheet.write_string(top + r, c, cell.text, head)
    for r in range(len(table.header)):  # a header row as tall as its most wrapped cell
        lines = max((math.ceil(len(h.text) / max(sum(widths[c:c + h.cols]) - 1, 1))
                     for (hr, c), h in T.header_positions(table.header).items() if hr == r and h.rows == 1), default=1)
        sheet.set_row(top + r, 15 * max(lines, 1) + 3)
    first_data = top + len(table.header)
    for i, row in enumerate(table.rows):
        r = first_data + i
        bold = row.kind in ("group", "total")
        if row.kind == "group":
            texts = [c for c in row.cells]
            start = max(j for j, c in enumerate(texts) if c) if any(texts) else 0
            for j in range(start):
                sheet.write(r, j, texts[j] or None, fmt(bold=True, align="center", bg_color="#F3F3F3", **BORDER))
            style = fmt(bold=True, text_wrap=True, valign="vcenter", bg_color="#F3F3F3", **BORDER)
            if start < columns - 1:
                sheet.merge_range(r, start, r, columns - 1, texts[start], style)
            else:
                sheet.write_string(r, start, texts[start], style)
            if start == 0:  # a message across the table
                sheet.set_row(r, 15 * math.ceil(len(texts[0]) / max(sum(widths) - 2, 1)) + 4)
            continue
        for j, cell in enumerate(row.cells):
            if isinstance(cell, T.Cell):
                if cell.value is None:
                    sheet.write(r, j, cell.symbol or None, fmt(bold=bold, align="right", **BORDER))
                else:
                    number = fmt(bold=bold, num_format=xlsx_format(cell.unit, signed=cell.signed,
                                                                  incomplete=cell.incomplete), **BORDER)
                    sheet.write_number(r, j, cell.value, number)
            elif not cell:
                sheet.write_blank(r, j, None, fmt(bold=bold, **BORDER))
            else:
                wrap = len(cell) > widths[j]
                sheet.write_string(r, j, cell, fmt(bold=bold, text_wrap=wrap, valign="vcenter",
                                                   align="center" if j == 0 else "left", **BORDER))
    end = first_data + len(table.rows)
    if table.notes:
        end += 1
        sheet.write_string(end, 0, "Ghi chú:" if not table.title.startswith(("Summary", "Results")) else "Notes:",
                           fmt(bold=True, italic=True))
        for note in table.notes:
            end += 1
            style = fmt(italic=True, text_wrap=True, valign="top", font_size=10)
            if columns > 1:
                sheet.merge_range(end, 0, end, columns - 1, note, style)
            else:
                sheet.write_string(end, 0, note, style)
            sheet.set_row(end, 14 * math.ceil(len(note) * 1.05 / max(sum(widths) - 2, 1)) + 2)
    return top, first_data, end


def write_xlsx(data: ReportData, path: Path) -> Path:
    """Write the report of `data` to `path` (.xlsx)."""
    header = T.Header.of(data)
    book = xlsxwriter.Workbook(str(path), {"strings_to_numbers": False, "strings_to_formulas": False,
                                            "strings_to_urls": False})
    book.set_properties({"title": f"Báo cáo {header.title_line}", "subject": header.dates,
                         "author": header.department, "company": ISSUING_AUTHORITY,
                         "comments": header.release})
    fmt = _Formats(book)
    for index, table in enumerate(T.all_tables(data)):
        sheet = book.add_worksheet(table.key)
        widths = _widths(table)
        for c, w in enumerate(widths):
            sheet.set_column(c, c, w)
        top = (_write_header_block(sheet, fmt, header, len(widths), table.label_columns) if index == 0
               else _write_short_header(sheet, fmt, header, len(widths)))
        table_top, first_data, _ = _write_table(sheet, fmt, table, top, widths)
        sheet.freeze_panes(first_data, table.label_columns)
        sheet.set_landscape()
        sheet.set_paper(9)  # A4
        sheet.set_margins(left=0.5, right=0.5, top=0.6, bottom=0.6)
        sheet.repeat_rows(table_top, first_data - 1)
        if table.label_columns:
            sheet.repeat_columns(0, table.label_columns - 1)
        sheet.fit_to_pages(max(1, math.ceil(sum(widths) / PAGE_CHARACTERS)), 0)
        sheet.set_footer(f"&L&8{header.release_id}&C&8Trang &P/&N&R&8{table.key}")
        sheet.hide_gridlines(2)
    book.close()
    return path
