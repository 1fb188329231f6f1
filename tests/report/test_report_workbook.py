"""The workbook, read back with openpyxl (a different library from the writer): every number on
every sheet is the published figure of that period and area, suppressed cells show a symbol and
never a number, every symbol is explained, and it is laid out for printing."""

from __future__ import annotations

import re

import openpyxl
import pytest

from pipelines.report import write_report

PERIOD, EARLIER = "R2025-H2", "R2024-H2"
SYMBOLS = {"suppressed": "x", "undefined": "-", None: "..."}
INCOMPLETE = '"*"'


@pytest.fixture(scope="module")
def workbook(published, tmp_path_factory):
    settings, _ = published
    [path] = write_report(settings.published_db, PERIOD, formats=["xlsx"], out=tmp_path_factory.mktemp("xlsx"))
    return openpyxl.load_workbook(path)


@pytest.fixture(scope="module")
def codes(query):
    """Vietnamese name → indicator code."""
    return {r["name_vi"]: r["indicator_code"] for r in query("select name_vi, indicator_code from dim_indicator")}


def expected(row: dict | None) -> tuple:
    """("number", value, incomplete) or ("symbol", text) for a published row (None: no row)."""
    if row is None:
        return ("symbol", "...")
    if row["flag"] in ("suppressed", "undefined"):
        return ("symbol", SYMBOLS[row["flag"]])
    return ("number", row["value"], row["flag"] == "incomplete")


def shown(cell) -> tuple:
    if isinstance(cell.value, (int, float)):
        return ("number", cell.value, cell.number_format.endswith(INCOMPLETE))
    return ("symbol", cell.value)


def assert_shows(cell, want: tuple, where: str) -> None:
    got = shown(cell)
    if want[0] == "number":
        assert got[0] == "number" and got[1] == pytest.approx(want[1], rel=1e-12, abs=1e-12) and got[2] == want[2], \
            f"{where}: {got} != {want}"
    else:
        assert got == want, f"{where}: {got} != {want}"


def header_row(sheet) -> int:
    return next(r for r in range(1, sheet.max_row + 1) if sheet.cell(r, 1).value == "STT")


def change(now: tuple, before: tuple, unit: str) -> tuple[tuple, tuple]:
    """The difference and the relative change the summary must show."""
    if now[0] == "symbol" or before[0] == "symbol":
        symbols = {x[1] for x in (now, before) if x[0] == "symbol"}
        symbol = next(s for s in ("x", "...", "-") if s in symbols)
        return ("symbol", symbol), ("symbol", "" if unit == "ratio" else symbol)
    incomplete = now[2] or before[2]
    if unit == "ratio":
        return ("number", (now[1] - before[1]) * 100, incomplete), ("symbol", "")
    relative = ("symbol", "-") if before[1] == 0 else ("number", (now[1] - before[1]) / before[1], incomplete)
    return ("number", now[1] - before[1], incomplete), relative


def summary_rows(sheet):
    for r in range(header_row(sheet) + 1, sheet.max_row + 1):
        if sheet.cell(r, 1).value and str(sheet.cell(r, 1).value).isdigit():
            yield r


def test_summary_shows_every_indicator_with_the_published_city_figures(workbook, values, codes):
    sheet = workbook["Tổng hợp"]
    seen, incomplete = set(), 0
    for r in summary_rows(sheet):
        code = codes[sheet.cell(r, 2).value]
        unit = values[(code, "01", PERIOD)]["unit"]
        now, before = expected(values.get((code, "01", PERIOD))), expected(values.get((code, "01", EARLIER)))
        assert_shows(sheet.cell(r, 4), now, f"{code} {PERIOD}")
        assert_shows(sheet.cell(r, 5), before, f"{code} {EARLIER}")
        difference, relative = change(now, before, unit)
        assert_shows(sheet.cell(r, 6), difference, f"{code} change")
        if relative != ("symbol", ""):
            assert_shows(sheet.cell(r, 7), relative, f"{code} change %")
        seen.add(code)
        incomplete += now[0] == "number" and now[2]
    assert seen == set(codes.values())
    assert incomplete > 0, "the period was meant to lack health months"


def test_by_area_shows_the_city_and_every_area_of_the_period(workbook, values, codes, query):
    sheet = workbook["Theo địa bàn"]
    top = header_row(sheet)
    columns = {c: codes[sheet.cell(top + 1, c).value] for c in range(4, sheet.max_column + 1)
               if sheet.cell(top + 1, c).value}
    assert set(columns.values()) == set(codes.values())
    areas, checked = [], 0
    for r in range(top + 3, sheet.max_row + 1):
        area = sheet.cell(r, 2).value
        if not area or not re.fullmatch(r"[0-9-]+", str(area)):
            continue
        areas.append(area)
        for c, code in columns.items():
            assert_shows(sheet.cell(r, c), expected(values.get((code, area, PERIOD))), f"{code} {area}")
            checked += 1
    valid = [r["area_id"] for r in query(
        "select area_id from dim_area, dim_period p where p.period_id = ? and (level = 'city' or "
        "(valid_from <= p.end_date and coalesce(valid_to, p.end_date) >= p.start_date))", [PERIOD])]
    assert sorted(areas) == sorted(valid) and areas[0] == "01"
    # across 1 July 2025: the districts and the new communes side by side
    assert any(len(a) == 3 for a in areas) and any(len(a) == 5 for a in areas)
    assert checked == len(areas) * len(columns)


def test_a_suppressed_cell_shows_its_symbol_never_a_number(workbook, values):
    sheet = workbook["Theo địa bàn"]
    suppressed = {(k[0], k[1]) for k, row in values.items() if k[2] == PERIOD and row["flag"] == "suppressed"}
    assert suppressed, "the release was meant to suppress some cells"
    shown_x = sum(1 for row in sheet.iter_rows() for cell in row if cell.value == "x")
    assert shown_x == len(suppressed)
    for sheet in workbook.worksheets:  # no number of a suppressed cell anywhere: every number is published
        labels = 2 if sheet.title == "Theo địa bàn" else 1  # row numbers (STT) and area codes are text
        for row in sheet.iter_rows(min_col=labels + 1):
            for cell in row:
                assert not (isinstance(cell.value, str) and re.fullmatch(r"\d[\d.,]*", cell.value)), \
                    f"{sheet.title}!{cell.coordinate}: a number written as text: {cell.value!r}"


def test_every_symbol_shown_is_explained_in_a_footnote(workbook):
    for sheet in workbook.worksheets:
        texts = [c.value for row in sheet.iter_rows() for c in row if isinstance(c.value, str)]
        used = {t for t in texts if t in ("x", "-", "...")}
        if any(c.number_format.endswith(INCOMPLETE) for row in sheet.iter_rows() for c in row):
            used.add("*")
        explained = {t.split(":", 1)[0] for t in texts if re.match(r"^(x|-|\.\.\.|\*): ", t)}
        for row in sheet.iter_rows():  # the notes' table of symbols: a symbol, then what it means
            cells = [c.value for c in row if isinstance(c.value, str)]
            if cells and cells[0] in ("x", "-", "...", "*") and len(cells) > 1 and len(cells[-1]) > 20:
                explained.add(cells[0])
        assert used <= explained, f"{sheet.title}: {used - explained} not explained"


def test_numbers_use_vietnamese_formats(workbook):
    from pipelines.report.words import number_text

    assert number_text(1234567, "count") == "1.234.567"
    assert number_text(0.125, "ratio") == "12,5%"
    assert number_text(-0.0001, "ratio") == "0,0%"
    formats = {c.number_format for s in workbook.worksheets for row in s.iter_rows() for c in row
               if isinstance(c.value, (int, float))}
    assert formats and all(f.startswith("[$-42A]") for f in formats)  # the Vietnamese locale
    assert "[$-42A]#,##0" in formats and "[$-42A]0.0%" in formats


def test_the_workbook_is_laid_out_for_a4_landscape(workbook):
    sheet = workbook["Tổng hợp"]
    assert sheet["A1"].value == "UBND THÀNH PHỐ HÀ NỘI"
    assert any(c.value == "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" for c in sheet[1])
    assert any(c.value == "Độc lập - Tự do - Hạnh phúc" for c in sheet[2])
    texts = [c.value for row in sheet.iter_rows(max_row=12) for c in row if isinstance(c.value, str)]
    assert "Kết quả công tác phòng, chống mại dâm 6 tháng cuối năm 2025" in texts
    assert "Kỳ báo cáo: từ 15/06/2025 đến 14/12/2025" in texts
    for sheet in workbook.worksheets:
        assert sheet.page_setup.orientation == "landscape" and int(sheet.page_setup.paperSize) == 9, sheet.title
        assert sheet.freeze_panes and sheet.print_title_rows, sheet.title
        for row in sheet.iter_rows():
            for cell in row:
                if isinstance(cell.value, (int, float)):
                    width = sheet.column_dimensions[cell.column_letter].width
                    assert width >= len(f"{cell.value:,.1f}"), f"{sheet.title}!{cell.coordinate} wider than its column"


def test_an_area_report_shows_that_area_only(published, values, codes, tmp_path):
    settings, _ = published
    area = next(k[1] for k, row in values.items()
                if k[2] == PERIOD and len(k[1]) == 3 and row["flag"] == "suppressed")
    [path] = write_report(settings.published_db, PERIOD, area_id=area, formats=["xlsx"], out=tmp_path)
    book = openpyxl.load_workbook(path)
    by_area = book["Theo địa bàn"]
    rows = [by_area.cell(r, 2).value for r in range(header_row(by_area) + 3, by_area.max_row + 1)
            if by_area.cell(r, 2).value and re.fullmatch(r"[0-9-]+", str(by_area.cell(r, 2).value))]
    assert rows == [area]
    summary = book["Tổng hợp"]
    for r in summary_rows(summary):
        code = codes[summary.cell(r, 2).value]
        assert_shows(summary.cell(r, 4), expected(values.get((code, area, PERIOD))), f"{code} {area}")
