"""The report's tables, built once from the release's frames and written by both the workbook
and the page: cells keep their number (the workbook writes numbers) and know their text (the
page writes Vietnamese formats). A suppressed cell holds no number at all, only its symbol.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from pipelines.contract import LOCAL_TIME_ZONE
from pipelines.ingest.landing import parse_file_name
from pipelines.report.published import ReportData
from pipelines.report.words import (
    AGENCIES, AGENCY_NAMES, INCOMPLETE_MARK, LEVELS, NOT_REPORTED, ROMAN, SUPPRESSED, SYMBOLS, UNDEFINED,
    day, number_text, short_period, unit_label,
)

HANOI = ZoneInfo(LOCAL_TIME_ZONE)


@dataclass(frozen=True)
class Cell:
    """A figure: a number in `unit` (count, vnd, ratio, percent, points), or a symbol instead."""
    value: float | None = None
    unit: str = "count"
    symbol: str | None = None
    incomplete: bool = False
    signed: bool = False

    @property
    def text(self) -> str:
        return self.text_in("vi")

    def text_in(self, lang: str) -> str:
        if self.value is None:
            return self.symbol or ""
        return (number_text(self.value, self.unit, signed=self.signed, lang=lang)
                + (INCOMPLETE_MARK if self.incomplete else ""))


@dataclass(frozen=True)
class Head:
    """A header cell spanning `cols` columns and `rows` header rows."""
    text: str
    cols: int = 1
    rows: int = 1


@dataclass
class Row:
    cells: list            # str or Cell, one per column
    kind: str = "data"     # data, group (a heading across the table), total (the city)


@dataclass
class Table:
    key: str               # xlsx: the sheet's name; html: the section's id
    title: str
    header: list[list[Head]]
    rows: list[Row]
    notes: list[str] = field(default_factory=list)
    label_columns: int = 2     # the columns at the left that name the row (frozen in the workbook)
    lang: str = "vi"


def header_positions(header: list[list[Head]]) -> dict[tuple[int, int], Head]:
    """The (row, column) of each header cell, skipping positions covered by a span from above."""
    taken, placed = set(), {}
    for r, cells in enumerate(header):
        c = 0
        for head in cells:
            while (r, c) in taken:
                c += 1
            placed[(r, c)] = head
            for dr in range(head.rows):
                for dc in range(head.cols):
                    taken.add((r + dr, c + dc))
            c += head.cols
    return placed


class Lang:
    """Pick the Vietnamese or the English of a pair."""

    def __init__(self, lang: str):
        self.en = lang == "en"

    def __call__(self, vi: str, en: str) -> str:
        return en if self.en else vi


def symbol_notes(t: Lang) -> list[str]:
    return [f"{symbol}: {t(vi, en)}" for symbol, vi, en in SYMBOLS]


# -- cells from the release's rows ----------------------------------------------------------------

def value_cell(row: dict | None, unit: str) -> Cell:
    """The published value of a row of indicator_values; no row means not reported."""
    if row is None:
        return Cell(unit=unit, symbol=NOT_REPORTED)
    if row["flag"] == "suppressed":
        return Cell(unit=unit, symbol=SUPPRESSED)
    if row["flag"] == "undefined" or row["value"] is None:
        return Cell(unit=unit, symbol=UNDEFINED)
    return Cell(row["value"], unit, incomplete=row["flag"] == "incomplete")


def _blocked(*cells: Cell) -> str | None:
    """The symbol a comparison of these cells shows instead of a number (suppressed first)."""
    symbols = {c.symbol for c in cells if c.value is None}
    return next((s for s in (SUPPRESSED, NOT_REPORTED, UNDEFINED) if s in symbols), None)


def change_cells(now: Cell, before: Cell) -> tuple[Cell, Cell]:
    """(difference, relative change): in the unit (points for a ratio), and in percent (counts)."""
    incomplete = now.incomplete or before.incomplete
    blocked = _blocked(now, before)
    if now.unit == "ratio":
        difference = (Cell(unit="points", symbol=blocked) if blocked else
                      Cell((now.value - before.value) * 100, "points", incomplete=incomplete, signed=True))
        return difference, Cell(unit="percent", symbol="")
    if blocked:
        return Cell(unit=now.unit, symbol=blocked), Cell(unit="percent", symbol=blocked)
    difference = Cell(now.value - before.value, now.unit, incomplete=incomplete, signed=True)
    relative = (Cell(unit="percent", symbol=UNDEFINED) if before.value == 0 else
                Cell((now.value - before.value) / before.value, "percent", incomplete=incomplete, signed=True))
    return difference, relative


def _groups(data: ReportData):
    """(agency, its indicators as dicts), in the report's order."""
    for agency in data.indicators["agency"].unique(maintain_order=True):
        yield agency, data.indicators.filter(data.indicators["agency"] == agency).to_dicts()


def _agency_heading(agency: str, t: Lang) -> str:
    vi, en = AGENCIES.get(agency, (agency, agency))
    return t(vi, en)


def _name(indicator: dict, t: Lang) -> str:
    return t(indicator["name_vi"], indicator["name_en"])


def _area_name(data: ReportData, area_id: str) -> str:
    return data.areas.filter(data.areas["area_id"] == area_id)["area_name"].item()


def report_area(data: ReportData) -> str:
    """The area the summary is about: the one asked for, else the city."""
    if data.area_id:
        return data.area_id
    return data.areas.filter(data.areas["level"] == "city")["area_id"].item()


# -- the tables -----------------------------------------------------------------------------------

def summary(data: ReportData, lang: str = "vi") -> Table:
    """Every indicator for the area (the city by default): the period, a year earlier, the change."""
    t = Lang(lang)
    area = report_area(data)
    now_label = short_period(data.period)
    before_label = short_period(data.previous) if data.previous else t("Cùng kỳ năm trước", "A year earlier")
    header = [[Head(t("STT", "No.")), Head(t("Chỉ tiêu", "Indicator")), Head(t("Đơn vị tính", "Unit")),
               Head(now_label), Head(t(f"Cùng kỳ năm trước ({before_label})", f"A year earlier ({before_label})")),
               Head(t("Tăng (+), giảm (-)", "Change (+/-)")), Head(t("So với cùng kỳ (%)", "Change (%)"))]]
    rows = []
    for number, (agency, indicators) in enumerate(_groups(data)):
        rows.append(Row([ROMAN[number], _agency_heading(agency, t), "", "", "", "", ""], kind="group"))
        for i, indicator in enumerate(indicators, start=1):
            unit = indicator["unit"]
            now = value_cell(data.value(indicator["indicator_code"], area, data.period["period_id"]), unit)
            before = (value_cell(data.value(indicator["indicator_code"], area, data.previous["period_id"]), unit)
                      if data.previous else Cell(unit=unit, symbol=NOT_REPORTED))
            difference, relative = change_cells(now, before)
            rows.append(Row([str(i), _name(indicator, t), unit_label(unit, indicator["name_vi"]) if not t.en
                             else {"count": "number", "vnd": "VND", "ratio": "%"}[unit],
                             now, before, difference, relative]))
    notes = symbol_notes(t) + [t(
        "Tăng (+), giảm (-) của một tỷ lệ tính bằng điểm phần trăm; so với cùng kỳ (%) = (kỳ này - cùng kỳ) / cùng kỳ.",
        "The change of a ratio is in percentage points; change (%) = (this period - a year earlier) / a year earlier.")]
    return Table("Tổng hợp", t(f"Tổng hợp: {_area_name(data, area)}", f"Summary: {_area_name(data, area)}"),
                 header, rows, notes, label_columns=2, lang=lang)


def by_area(data: ReportData, lang: str = "vi") -> Table:
    """The city and every area below it valid in the period, one column per indicator (T values)."""
    t = Lang(lang)
    groups = list(_groups(data))
    indicators = [indicator for _, members in groups for indicator in members]
    header = [
        [Head(t("STT", "No."), rows=3), Head(t("Mã", "Code"), rows=3), Head(t("Địa bàn", "Area"), rows=3),
         *(Head(_agency_heading(agency, t), cols=len(members)) for agency, members in groups)],
        [Head(_name(indicator, t)) for indicator in indicators],
        [Head(unit_label(i["unit"], i["name_vi"]) if not t.en else {"count": "number", "vnd": "VND", "ratio": "%"}[i["unit"]])
         for i in indicators],
    ]
    period = data.period["period_id"]
    rows, level, number = [], None, 0
    for area in data.areas.to_dicts():
        if area["level"] != "city" and area["level"] != level and data.area_id is None:
            level = area["level"]
            rows.append(Row(["", "", t(*LEVELS[level]), *("" for _ in indicators)], kind="group"))
            number = 0
        number += area["level"] != "city"
        cells = [value_cell(data.value(i["indicator_code"], area["area_id"], period), i["unit"]) for i in indicators]
        rows.append(Row([str(number) if area["level"] != "city" else "", area["area_id"], area["area_name"], *cells],
                        kind="total" if area["level"] == "city" else "data"))
    notes = symbol_notes(t)
    if {"district", "commune"} <= set(data.areas["level"]):
        notes.append(t("Kỳ này có cả trước và sau ngày 01/07/2025: số liệu của các quận, huyện, thị xã là của những "
                       "ngày đến 30/06/2025, của các phường, xã là từ 01/07/2025; cộng cả hai cấp mới bằng toàn thành phố.",
                       "The period spans 1 July 2025: districts hold the days until 30/06/2025, communes those from "
                       "01/07/2025; both levels together add up to the city."))
    return Table("Theo địa bàn", t("Kết quả theo địa bàn", "Results by area"), header, rows, notes,
                 label_columns=3, lang=lang)


_STATUS = {"on_time": ("Đúng hạn", "On time"), "late": ("Trễ hạn", "Late"), "missing": ("Chưa nộp", "Missing"),
           "rejected": ("Tệp bị từ chối", "Only rejected files")}


def _local_day(moment) -> str:
    if moment is None:
        return ""
    moment = datetime.fromisoformat(moment) if isinstance(moment, str) else moment
    return day(moment.astimezone(HANOI).date())


def _delivered_in(delivery: dict, agency: str, month: dict) -> bool:
    """A delivery of `agency` dated in the month (a health workbook: the month it reports)."""
    if delivery.get("agency") != agency:
        return False
    file_date, _ = parse_file_name(agency, delivery["file_name"].rsplit("/", 1)[-1])
    if agency == "health":
        return (file_date.year, file_date.month) == (month["end_date"].year, month["end_date"].month)
    return month["start_date"] <= file_date <= month["end_date"]


def submissions(data: ReportData, lang: str = "vi") -> Table:
    t = Lang(lang)
    agencies = [a for a in AGENCY_NAMES]
    if data.submissions is not None:
        header = [[Head(t("Cơ quan", "Agency")), Head(t("Tháng", "Month")), Head(t("Hạn nộp", "Due")),
                   Head(t("Tình trạng", "Status")), Head(t("Ngày nhận", "Received")),
                   Head(t("Phiên bản", "Version")), Head(t("Tệp nhận", "Files accepted")),
                   Head(t("Tệp bị từ chối", "Files rejected"))]]
        labels = {m["period_id"]: m["label_vi"] for m in data.months}
        rows = [Row([t(*AGENCY_NAMES.get(s["agency"], (s["agency"],) * 2)), labels.get(s["period_id"], s["period_id"]),
                     day(s["due_date"]) if s["due_date"] else "", t(*_STATUS.get(s["status"], (s["status"],) * 2)),
                     _local_day(s["received_at"]), "" if s["latest_version"] is None else str(s["latest_version"]),
                     Cell(s["files_accepted"] or 0), Cell(s["files_rejected"] or 0)])
                for s in data.submissions.to_dicts()]
        notes = [t("Theo sổ theo dõi báo cáo (bảng submissions của bản công bố).",
                   "From the submissions register (table submissions of the release).")]
        return Table("Tình hình báo cáo", t("Tình hình báo cáo của các cơ quan", "Submissions by agency"),
                     header, rows, notes, label_columns=2, lang=lang)
    header = [[Head(t("Cơ quan", "Agency")), Head(t("Tháng", "Month")), Head(t("Thời gian", "Dates")),
               Head(t("Số liệu của tháng", "Figures of the month")),
               Head(t("Số tệp nhận trong tháng", "Files dated in the month")), Head(t("Nhận lần đầu", "First received"))]]
    covered = {(c["agency"], c["period_id"]) for c in data.coverage.to_dicts() if c["rows"]}
    rows = []
    for agency in agencies:
        for month in data.months:
            files = [d for d in data.deliveries if _delivered_in(d, agency, month)]
            first = min((d["first_seen_at"] for d in files), default=None)
            rows.append(Row([t(*AGENCY_NAMES[agency]), month["label_vi"],
                             f"{day(month['start_date'])} - {day(month['end_date'])}",
                             t("Có", "Yes") if (agency, month["period_id"]) in covered else t("Chưa có", "None"),
                             Cell(len(files)), _local_day(first)]))
    notes = [t(
        "Sổ theo dõi báo cáo (số báo cáo phải nộp, đúng hạn, trễ hạn) chưa có trong bản công bố. Bảng này cho biết, "
        "với mỗi tháng của kỳ: bản công bố có số liệu của cơ quan cho tháng đó hay không, và số tệp đã được chấp "
        "nhận mang ngày trong tháng (tệp của Sở Y tế: báo cáo của tháng đó), theo danh sách tệp của bản công bố "
        "(manifest.json).",
        "The submissions register (expected, on time, late) is not in the release yet. This table shows, for each "
        "month of the period, whether the release has the agency's figures for it, and how many accepted files are "
        "dated in it (health: the month's workbook), from the release's list of deliveries (manifest.json).")]
    return Table("Tình hình báo cáo", t("Tình hình báo cáo của các cơ quan", "Submissions by agency"),
                 header, rows, notes, label_columns=2, lang=lang)


_CHANGES = {"revised": ("Điều chỉnh", "Revised"), "new": ("Mới", "New"), "withdrawn": ("Rút bỏ", "Withdrawn"),
            "suppression": ("Thay đổi việc ẩn số liệu", "Suppression changed"), "held": ("Tạm giữ", "Held back")}
_CAUSES = {"late_records": ("bổ sung hồ sơ nộp muộn", "late records"),
           "source_revision": ("đơn vị sửa số liệu đã gửi", "source revision"),
           "reference_change": ("thay đổi quy tắc hoặc danh mục", "rule or reference change"),
           "disclosure": ("bảo mật ô nhỏ", "disclosure control")}


def revisions(data: ReportData, lang: str = "vi") -> Table:
    t = Lang(lang)
    title = t("Số liệu điều chỉnh", "Revised figures")
    header = [[Head(t("Chỉ tiêu", "Indicator")), Head(t("Địa bàn", "Area")), Head(t("Số liệu trước", "Before")),
               Head(t("Số liệu mới", "Now")), Head(t("Loại", "Change")), Head(t("Nguyên nhân", "Causes"))]]
    if data.revisions is None:
        message = t("Bản công bố này chưa có sổ theo dõi điều chỉnh (bảng revisions): chưa liệt kê được các số liệu "
                    "của kỳ đã thay đổi kể từ lần báo cáo đầu tiên.",
                    "This release has no revision log yet (table revisions): the figures of the period changed "
                    "since it was first reported cannot be listed.")
        return Table("Điều chỉnh", title, header, [Row([message, "", "", "", "", ""], kind="group")], [], label_columns=2,
                     lang=lang)
    units = dict(zip(data.indicators["indicator_code"], data.indicators["unit"]))
    names = {i["indicator_code"]: _name(i, t) for i in data.indicators.to_dicts()}
    areas = dict(zip(data.areas["area_id"], data.areas["area_name"]))
    rows = []
    for r in data.revisions.to_dicts():
        unit = units.get(r["indicator_code"], "count")
        before = value_cell({"value": r["previous_value"], "flag": r["previous_flag"]}, unit) \
            if r["change"] != "new" else Cell(unit=unit, symbol=NOT_REPORTED)
        after = value_cell({"value": r["value"], "flag": r["flag"]}, unit) \
            if r["change"] != "withdrawn" else Cell(unit=unit, symbol=NOT_REPORTED)
        causes = ", ".join(t(*_CAUSES.get(c, (c, c))) for c in (r["causes"] or "").split(",") if c)
        rows.append(Row([names.get(r["indicator_code"], r["indicator_code"]), areas.get(r["area_id"], r["area_id"]),
                         before, after, t(*_CHANGES.get(r["change"], (r["change"],) * 2)), causes]))
    if not rows:
        rows = [Row([t("Không có số liệu nào của kỳ thay đổi trong bản công bố này.",
                       "No figure of the period changed in this release."), "", "", "", "", ""], kind="group")]
    notes = [t("Các số liệu của kỳ thay đổi trong bản công bố này so với bản công bố trước.",
               "Figures of the period that changed in this release since the previous one.")] + symbol_notes(t)
    return Table("Điều chỉnh", title, header, rows, notes, label_columns=2, lang=lang)


def notes(data: ReportData, lang: str = "vi") -> Table:
    """Definitions of every indicator, the two calendars and the disclosure rules, in plain words."""
    from pipelines.report.words import CALENDARS, DISCLOSURE, registry_definitions_vi

    t = Lang(lang)
    definitions = registry_definitions_vi()
    header = [[Head(t("Mã", "Code")), Head(t("Chỉ tiêu", "Indicator")), Head(t("Đơn vị tính", "Unit")),
               Head(t("Nguồn", "Source")), Head(t("Định nghĩa", "Definition"))]]
    rows = []
    for agency, indicators in _groups(data):
        rows.append(Row(["", _agency_heading(agency, t), "", "", ""], kind="group"))
        for i in indicators:
            source = " + ".join(t(*AGENCY_NAMES[a]) for a in agency.split("+") if a in AGENCY_NAMES)
            definition = t(definitions.get(i["indicator_code"], i["definition"]), i["definition"]).rstrip(".")
            protected = t(" Áp dụng quy tắc bảo mật ô nhỏ dưới cấp thành phố.",
                          " Small cells are hidden below city level.") if i["disclosure"] == "small_cell" else ""
            rows.append(Row([i["indicator_code"], _name(i, t), unit_label(i["unit"], i["name_vi"]), source,
                             definition[:1].upper() + definition[1:] + "." + protected]))
    rows.append(Row(["", t("Kỳ báo cáo và lịch", "Periods and calendars"), "", "", ""], kind="group"))
    rows += [Row(["", name, "", "", t(vi, en)]) for name, vi, en in CALENDARS]
    rows.append(Row(["", t("Bảo mật số liệu ô nhỏ", "Disclosure control"), "", "", ""], kind="group"))
    rows += [Row(["", "", "", "", t(vi, en)]) for vi, en in DISCLOSURE]
    rows.append(Row(["", t("Ký hiệu", "Symbols"), "", "", ""], kind="group"))
    rows += [Row(["", symbol, "", "", t(vi, en)]) for symbol, vi, en in SYMBOLS]
    return Table("Ghi chú", t("Ghi chú: định nghĩa, kỳ báo cáo, bảo mật số liệu", "Notes: definitions, periods, disclosure"),
                 header, rows, [], label_columns=2, lang=lang)


def all_tables(data: ReportData, lang: str = "vi") -> list[Table]:
    return [summary(data, lang), by_area(data, lang), submissions(data, lang), revisions(data, lang), notes(data, lang)]


# -- the header -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Header:
    department: str    # the consolidating department, on the left under the authority
    place_date: str    # "Hà Nội, ngày 08 tháng 12 năm 2026": the day the release was published
    title_line: str    # "kết quả công tác phòng, chống mại dâm 6 tháng đầu năm 2024"
    area_line: str     # "Địa bàn: Quận Ba Đình" for a report of one area, else ""
    dates: str         # "Kỳ báo cáo: từ 15/12/2023 đến 14/06/2024"
    release: str       # which release, published when
    release_id: str

    @classmethod
    def of(cls, data: ReportData) -> "Header":
        from pipelines.report.words import consolidating_department, period_dates, report_title

        published = data.release["published_at"].astimezone(HANOI)
        area = _area_name(data, data.area_id) if data.area_id else ""
        return cls(
            department=consolidating_department(published.date()),
            place_date=f"Hà Nội, ngày {published:%d} tháng {published:%m} năm {published:%Y}",
            title_line=report_title(data.period),
            area_line=f"Địa bàn: {area}" if area else "",
            dates=period_dates(data.period),
            release=(f"Số liệu: bản công bố {data.release['release_id']}, công bố lúc "
                     f"{published:%H:%M} ngày {published:%d/%m/%Y} (giờ Hà Nội)"),
            release_id=data.release["release_id"],
        )
