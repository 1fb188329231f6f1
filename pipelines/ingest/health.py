"""Reader of the health department's monthly report form (`health_<YYYY>_<MM>[_vN].xlsx`).

The workbook is a government form, not a table, so it is read by its structure:
the header is the first row that holds one of the contract's header labels, the row
below it the second header level; the `Kỳ báo cáo` row above the header states the
period; one row per area follows until the `Tổng cộng` row. Rows after the total
(signatures, notes) are not read.

Decisions where the contract leaves room:
- A count cell is a whole number >= 0, optionally grouped by spaces (`14 250`); empty
  or a dash means 0. Dots and commas are not accepted as thousand separators: a
  numeric cell 1.123 and a text cell "1.123" read the same, and a count has no
  fraction, so such a cell is unreadable rather than guessed.
- The total is verified against every data row, quarantined ones included: each cell
  counts with the number written in it (negative and fractional ones too), and a cell
  that is no number counts 0. A stated total that differs from that sum rejects the
  workbook (naming the column, the total and the sum); when it agrees, bad rows are
  only quarantined and the rest is loaded.
- The stated period must be the calendar month (1st to last day) or the reporting
  month (15th of the previous month to the 14th) of the month in the file name;
  which of the two is decided downstream, anything else is rejected here.
"""

from __future__ import annotations

import calendar
import re
from datetime import date
from typing import Iterator

import fastexcel
import polars as pl

from pipelines.contract import EARLIEST_EVENT_DATE, FILE_PATTERNS, HEALTH_COLUMNS, HEALTH_TOTAL_LABEL
from pipelines.ingest.base import Batch, Delivery, FileRejected, QUARANTINE_SCHEMA, ReadContext
from pipelines.ingest.text import clean_text, header_key

# The columns of raw.health_monthly_reports (pipelines.warehouse.RAW_TABLES) plus line_no.
ROW_SCHEMA = {
    "report_year": pl.Int16,
    "report_month": pl.Int8,
    "period_start": pl.Date,
    "period_end": pl.Date,
    "version": pl.Int32,
    "row_number": pl.Int32,
    "area_name": pl.String,
    "reached_female": pl.Int32,
    "reached_male": pl.Int32,
    "hiv_tested": pl.Int32,
    "hiv_positive": pl.Int32,
    "art_initiated": pl.Int32,
    "sti_examined": pl.Int32,
    "methadone_enrolled": pl.Int32,
    "condoms": pl.Int64,
    "line_no": pl.Int32,
}
COUNT_COLUMNS = [raw for raw in HEALTH_COLUMNS.values() if raw not in ("row_number", "area_name")]
NOTHING_TO_REPORT = ["-", "–", "—"]  # a dash (any of them) means zero

EARLIEST = date.fromisoformat(EARLIEST_EVENT_DATE)
_NAME = re.compile(FILE_PATTERNS["health"])
_WHOLE_NUMBER = r"^(?:\d+|\d{1,3}(?: \d{3})+)$"
_PERIOD_LABEL = re.compile(r"^k[ỳì] báo cáo")  # matched on header_key text (NFC, case-folded)
_DMY = r"(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*(\d{4})"
_PERIOD = re.compile(
    rf"^k[ỳì] báo cáo\s*:?\s*tháng\s*(\d{{1,2}})\s*[/.-]\s*(\d{{4}})\s*"
    rf"\(\s*từ\s*(?:ngày\s*)?{_DMY}\s*đến\s*(?:ngày\s*)?{_DMY}\s*\)"
)
_PERIOD_FORM = "Kỳ báo cáo: tháng MM/YYYY (từ dd/mm/yyyy đến dd/mm/yyyy)"


def read(delivery: Delivery, ctx: ReadContext) -> Iterator[Batch]:
    """The area rows of the workbook's first sheet as one batch (a form holds ~200 rows)."""
    year, month = _month_in_name(delivery)
    cells = _first_sheet(delivery)
    header_at = _header_row(cells, delivery)
    start, end = _stated_period(cells, header_at, delivery, year, month)
    columns = _header_columns(cells, header_at, delivery)

    body = cells.slice(header_at + 2).with_columns(
        pl.int_range(header_at + 3, header_at + 3 + pl.len(), dtype=pl.Int32).alias("line_no")
    )
    total_at = _total_row(body, columns, delivery)
    area_rows = body.slice(0, total_at).filter(~pl.all_horizontal(pl.exclude("line_no").is_null()))
    parsed = _parse_rows(area_rows, columns)
    _verify_total(parsed, body.slice(total_at, 1), columns, delivery)

    constants = {
        "report_year": year, "report_month": month,
        "period_start": start, "period_end": end, "version": delivery.file_seq,
    }
    rows = (
        parsed.filter(pl.col("reason").is_null())
        .with_columns(pl.lit(value).alias(name) for name, value in constants.items())
        .select(pl.col(name).cast(dtype) for name, dtype in ROW_SCHEMA.items())
    )
    quarantined = parsed.filter(pl.col("reason").is_not_null()).select(
        pl.col(name).cast(dtype) for name, dtype in QUARANTINE_SCHEMA.items()
    )
    yield Batch(rows=rows, quarantined=quarantined)


# -- the file -----------------------------------------------------------------


def _month_in_name(delivery: Delivery) -> tuple[int, int]:
    match = _NAME.match(delivery.name)
    if not match:
        raise FileRejected(f"{delivery.name}: file name is not health_<YYYY>_<MM>[_v<N>].xlsx")
    year, month = int(match["year"]), int(match["month"])
    if not 1 <= month <= 12:
        raise FileRejected(f"{delivery.name}: month {match['month']} in the file name is not 01–12")
    return year, month


def _first_sheet(delivery: Delivery) -> pl.DataFrame:
    """Every cell of the first sheet as text; row i of the frame is sheet row i + 1."""
    try:
        # skip_rows=0 keeps leading empty rows, so frame rows stay aligned with sheet rows.
        sheet = fastexcel.read_excel(delivery.path).load_sheet(0, header_row=None, skip_rows=0, dtypes="string")
        cells = sheet.to_polars()
    except (fastexcel.FastExcelError, OSError) as err:
        detail = str(err).splitlines()[0] if str(err) else type(err).__name__
        raise FileRejected(f"{delivery.name}: not a readable Excel workbook ({detail})") from err
    return cells.rename({name: f"c{i}" for i, name in enumerate(cells.columns)})


def _texts(cells: pl.DataFrame, index: int) -> list[str | None]:
    """One sheet row as cleaned text per column (None for empty cells)."""
    return cells.slice(index, 1).select(clean_text(pl.all()).name.keep()).row(0)


# -- structure ----------------------------------------------------------------


def _header_row(cells: pl.DataFrame, delivery: Delivery) -> int:
    """The first row holding any upper-level header label of the contract."""
    labels = {header_key(upper) for upper, _ in HEALTH_COLUMNS}
    for index in range(cells.height - 1):
        if any(text and header_key(text) in labels for text in _texts(cells, index)):
            return index
    raise FileRejected(
        f"{delivery.name}: no header row found (expected a two-level header with "
        f"'STT', 'Địa bàn', 'Tiếp cận', ... in rows 4–5)"
    )


def _stated_period(cells: pl.DataFrame, header_at: int, delivery: Delivery, year: int, month: int) -> tuple[date, date]:
    """The period stated in the `Kỳ báo cáo` row, checked against the file name and the calendars."""
    for index in range(header_at):
        line = " ".join(text for text in _texts(cells, index) if text)
        if _PERIOD_LABEL.match(header_key(line)):
            break
    else:
        raise FileRejected(f"{delivery.name}: no '{_PERIOD_FORM}' row above the header (row {header_at + 1})")
    where = f"{delivery.name}: row {index + 1}"
    match = _PERIOD.match(header_key(line))
    try:
        stated_month, stated_year = int(match[1]), int(match[2])
        start = date(int(match[5]), int(match[4]), int(match[3]))
        end = date(int(match[8]), int(match[7]), int(match[6]))
    except (TypeError, ValueError):  # no match, or a day/month that does not exist
        raise FileRejected(f"{where}: cannot read the reporting period '{line}'; expected '{_PERIOD_FORM}'") from None

    if (stated_year, stated_month) != (year, month):
        raise FileRejected(
            f"{where}: the period is month {stated_month:02d}/{stated_year} but the file name says {month:02d}/{year}"
        )
    calendar_month, reporting_month = expected_periods(year, month)
    if (start, end) not in (calendar_month, reporting_month):
        raise FileRejected(
            f"{where}: period {_dmy(start)}–{_dmy(end)} is neither the calendar month "
            f"({_dmy(calendar_month[0])}–{_dmy(calendar_month[1])}) nor the reporting month "
            f"({_dmy(reporting_month[0])}–{_dmy(reporting_month[1])}) of {month:02d}/{year}"
        )
    # The whole workbook is one event: its period must lie within the warehouse's dates.
    if start < EARLIEST:
        raise FileRejected(f"{where}: period starts {_dmy(start)}, before {_dmy(EARLIEST)}")
    if end > delivery.first_seen_on:
        raise FileRejected(
            f"{where}: period ends {_dmy(end)}, after the day the file was first seen ({_dmy(delivery.first_seen_on)})"
        )
    return start, end


def expected_periods(year: int, month: int) -> tuple[tuple[date, date], tuple[date, date]]:
    """The calendar month (1st to last) and the reporting month (15th of the previous month to the 14th)."""
    calendar_month = (date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1]))
    previous_year, previous_month = (year, month - 1) if month > 1 else (year - 1, 12)
    reporting_month = (date(previous_year, previous_month, 15), date(year, month, 14))
    return calendar_month, reporting_month


def _dmy(day: date) -> str:
    return day.strftime("%d/%m/%Y")


def _label(upper: str, lower: str | None) -> str:
    return f"{upper} / {lower}" if lower else upper


def _header_columns(cells: pl.DataFrame, header_at: int, delivery: Delivery) -> dict[str, tuple[str, str]]:
    """raw column -> (frame column, header label), matched by header_key on both header levels.

    The upper level is merged over its sub-columns, so only its first cell holds the text:
    a column with a lower label and no upper one belongs to the last upper label on its left.
    A label written in the lower row alone is also tried as a single-level header.
    """
    wanted = {(header_key(upper), lower and header_key(lower)): raw for (upper, lower), raw in HEALTH_COLUMNS.items()}
    labels = {raw: _label(upper, lower) for (upper, lower), raw in HEALTH_COLUMNS.items()}
    uppers, lowers = _texts(cells, header_at), _texts(cells, header_at + 1)
    found: dict[str, tuple[str, str]] = {}
    seen: list[str] = []
    group = None
    for column, upper, lower in zip(cells.columns, uppers, lowers):
        group = upper or group
        if upper and lower:
            candidates = [(upper, lower), (upper, None)]
        elif upper:
            candidates = [(upper, None)]
        elif lower:
            candidates = [(group, lower), (lower, None)] if group else [(lower, None)]
        else:
            continue
        keys = [(header_key(u), l and header_key(l)) for u, l in candidates]
        raw = next((wanted[key] for key in keys if key in wanted), None)
        seen.append(_label(*candidates[0]))
        if raw is None:
            continue  # a column the contract does not know (e.g. notes) is ignored
        if raw in found:
            raise FileRejected(f"{_rows(delivery, header_at)}: column '{labels[raw]}' appears more than once")
        found[raw] = (column, labels[raw])
    for raw, label in labels.items():
        if raw not in found:
            raise FileRejected(f"{_rows(delivery, header_at)}: column '{label}' missing; found: {', '.join(seen)}")
    return found


def _rows(delivery: Delivery, header_at: int) -> str:
    return f"{delivery.name}: header rows {header_at + 1}–{header_at + 2}"


def _is_total(column: str) -> pl.Expr:
    label = re.escape(header_key(HEALTH_TOTAL_LABEL))
    return clean_text(pl.col(column)).str.to_lowercase().str.contains(f"^{label}:?$")


def _total_row(body: pl.DataFrame, columns: dict[str, tuple[str, str]], delivery: Delivery) -> int:
    """Position in body of the first `Tổng cộng` row (in the STT or the Địa bàn column, as merged)."""
    marked = body.select(
        pl.int_range(pl.len()).filter(_is_total(columns["row_number"][0]) | _is_total(columns["area_name"][0]))
    ).to_series()
    if marked.is_empty():
        raise FileRejected(f"{delivery.name}: no '{HEALTH_TOTAL_LABEL}' row after the area rows")
    return marked[0]


# -- cells --------------------------------------------------------------------


def _count(column: str, dtype: pl.DataType) -> tuple[pl.Expr, pl.Expr, pl.Expr]:
    """(value, problem, written number) of a count cell.

    value: the count, 0 for empty or a dash, null when unreadable; problem: why it is
    unreadable; written number: what the cell says as a number, for the total check.
    """
    text = clean_text(pl.col(column))
    empty = text.is_null() | text.is_in(NOTHING_TO_REPORT)
    whole = pl.when(text.str.contains(_WHOLE_NUMBER)).then(text.str.replace_all(" ", "").cast(pl.Int64, strict=False))
    in_range = whole <= (2**31 - 1 if dtype == pl.Int32 else 2**63 - 1)
    value = pl.when(empty).then(0).when(in_range).then(whole)
    as_number = text.cast(pl.Float64, strict=False)
    problem = (
        pl.when(empty | in_range).then(None)
        .when(whole.is_not_null()).then(pl.lit("too large"))
        .when(as_number < 0).then(pl.lit("negative"))
        .when(as_number != as_number.floor()).then(pl.lit("not a whole number"))
        .otherwise(pl.lit("not a count"))
    )
    readable_number = pl.when(as_number.is_finite()).then(as_number).otherwise(0.0)
    written = pl.when(empty).then(0.0).when(in_range).then(whole.cast(pl.Float64)).otherwise(readable_number)
    return value, problem, written


def _parse_rows(area_rows: pl.DataFrame, columns: dict[str, tuple[str, str]]) -> pl.DataFrame:
    """Typed rows with `reason` (null for a good row), `raw` and the written numbers `<col>__written`."""
    problems = []
    parsed = []
    for raw_column in COUNT_COLUMNS:
        column, label = columns[raw_column]
        value, problem, written = _count(column, ROW_SCHEMA[raw_column])
        parsed += [value.alias(raw_column), written.alias(f"{raw_column}__written")]
        problems.append(pl.format("column '{}': '{}' is {}", pl.lit(label), clean_text(pl.col(column)), problem))
    area = clean_text(pl.col(columns["area_name"][0]))
    row_number = clean_text(pl.col(columns["row_number"][0]))
    problems.insert(0, pl.when(area.is_null()).then(pl.lit(f"column '{columns['area_name'][1]}' is empty")))
    return area_rows.select(
        "line_no",
        area.alias("area_name"),
        row_number.str.extract(r"^(\d+)\.?$").cast(pl.Int32, strict=False).alias("row_number"),
        *parsed,
        pl.concat_str(problems, separator="; ", ignore_nulls=True).replace("", None).alias("reason"),
        _raw_json(area_rows, columns).alias("raw"),
    )


def _raw_json(area_rows: pl.DataFrame, columns: dict[str, tuple[str, str]]) -> pl.Expr:
    """The row as read: every cell keyed by its header label (unmatched columns by position)."""
    labels = {column: label for column, label in columns.values()}
    fields = [
        pl.col(column).alias(labels.get(column, f"column {i + 1}"))
        for i, column in enumerate(c for c in area_rows.columns if c != "line_no")
    ]
    return pl.struct(fields).struct.json_encode()


def _verify_total(
    parsed: pl.DataFrame, total: pl.DataFrame, columns: dict[str, tuple[str, str]], delivery: Delivery
) -> None:
    """The `Tổng cộng` row must equal the column sums of all area rows (see the module docstring)."""
    where = f"{delivery.name}: row {total['line_no'][0]} ('{HEALTH_TOTAL_LABEL}')"
    sums = parsed.select(pl.col(f"{raw}__written").sum().alias(raw) for raw in COUNT_COLUMNS).row(0, named=True)
    for raw in COUNT_COLUMNS:
        column, label = columns[raw]
        value, problem, _ = _count(column, ROW_SCHEMA[raw])
        stated, unreadable_total, text = total.select(
            value.alias("value"), problem.alias("problem"), clean_text(pl.col(column)).alias("text")
        ).row(0)
        if unreadable_total:
            raise FileRejected(f"{where}: column '{label}': '{text}' is {unreadable_total}")
        if abs(stated - sums[raw]) > 1e-9:
            rows_sum = int(sums[raw]) if float(sums[raw]).is_integer() else sums[raw]
            unreadable = parsed.filter(pl.col(raw).is_null())["line_no"].to_list()
            note = f" (unreadable cells in rows {', '.join(map(str, unreadable))})" if unreadable else ""
            raise FileRejected(f"{where}: column '{label}': stated total {stated} but the rows sum to {rows_sum}{note}")
