"""The report's words: symbols, labels and number formats, in Vietnamese (and English for the
page's toggle and the dictionary). One home for each; the XLSX, the page and the dictionary
import them.

Symbols follow the conventions of the General Statistics Office's yearbooks where one exists
(`...` no data, `-` nothing to compute), and `x` for a value hidden by disclosure control.
"""

from __future__ import annotations

from datetime import date

# -- symbols (never a number in a suppressed cell) ---------------------------------------------
SUPPRESSED = "x"
UNDEFINED = "-"
NOT_REPORTED = "..."
INCOMPLETE_MARK = "*"

# (symbol, Vietnamese, English): every symbol a table may show, explained in its footnote.
SYMBOLS = (
    (SUPPRESSED,
     "Số liệu được ẩn để bảo mật: ô có từ 1 đến 4 người hoặc lượt, hoặc ô ẩn kèm theo để không "
     "suy ra được ô đó từ các tổng",
     "Hidden by disclosure control: a count from 1 to 4, or a cell hidden with it so that it "
     "cannot be worked out from the totals"),
    (NOT_REPORTED,
     "Không có số liệu: cơ quan cung cấp chưa báo cáo kỳ này",
     "No data: the source agency has not reported this period"),
    (UNDEFINED,
     "Không tính được: tỷ lệ có mẫu số bằng 0, hoặc so sánh với kỳ trước bằng 0",
     "Cannot be computed: a ratio with a zero denominator, or a change from zero"),
    (INCOMPLETE_MARK,
     "Số liệu chưa đầy đủ: thiếu báo cáo tháng của một số tháng trong kỳ (chỉ tính các tháng đã "
     "có báo cáo)",
     "Incomplete: some monthly reports of the period are missing (the value sums the months "
     "reported)"),
)

# -- the administrative header -------------------------------------------------------------------
ISSUING_AUTHORITY = "UBND THÀNH PHỐ HÀ NỘI"
ISSUING_AUTHORITY_EN = "HANOI PEOPLE'S COMMITTEE"
# The department that consolidates the programme's reports for the People's Committee, by the
# date the report is issued: the Department of Labour, Invalids and Social Affairs until it was
# dissolved on 1 March 2025; the prevention of social evils then passed to the Department of
# Health (Decree 42/2025/NĐ-CP for the ministries; the provinces followed).
CONSOLIDATING_DEPARTMENT = (
    (date(2025, 3, 1), "SỞ Y TẾ"),
    (date.min, "SỞ LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI"),
)
DEPARTMENT_EN = {"SỞ Y TẾ": "DEPARTMENT OF HEALTH",
                 "SỞ LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI": "DEPARTMENT OF LABOUR, INVALIDS AND SOCIAL AFFAIRS"}
MOTTO = ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc")
MOTTO_EN = ("SOCIALIST REPUBLIC OF VIET NAM", "Independence - Freedom - Happiness")


def consolidating_department(issued: date) -> str:
    return next(name for since, name in CONSOLIDATING_DEPARTMENT if issued >= since)


def report_title(period: dict) -> str:
    """`kết quả công tác phòng, chống mại dâm 6 tháng đầu năm 2024` (or `năm 2024`); a period is
    named after the year it ends in (R2024-H1 runs from 15/12/2023)."""
    year = period["end_date"].year
    if period["period_type"] == "year":
        return f"kết quả công tác phòng, chống mại dâm năm {year}"
    half = "đầu" if period["period_id"].endswith("H1") else "cuối"
    return f"kết quả công tác phòng, chống mại dâm 6 tháng {half} năm {year}"


def day(d: date) -> str:
    return f"{d:%d/%m/%Y}"


def period_dates(period: dict) -> str:
    """`Kỳ báo cáo: từ 15/12/2023 đến 14/06/2024` (reporting calendar) or `Thời gian: ...`."""
    lead = "Kỳ báo cáo" if period["calendar"] == "reporting" else "Thời gian (theo năm dương lịch)"
    return f"{lead}: từ {day(period['start_date'])} đến {day(period['end_date'])}"


def short_period(period: dict) -> str:
    """A column heading: `6 tháng đầu 2024`, `Năm 2024`."""
    return report_title(period).removeprefix("kết quả công tác phòng, chống mại dâm ").capitalize()


# -- agencies: the order and headings of the indicator groups -------------------------------------
AGENCIES = {
    "police": ("Công an thành phố: phát hiện, xử lý vi phạm", "Police: violations detected and handled"),
    "culture": ("Văn hóa: kiểm tra cơ sở kinh doanh dịch vụ", "Culture: inspections of establishments"),
    "health": ("Y tế: can thiệp phòng, chống HIV/STI", "Health: HIV/STI prevention"),
    "labor": ("Lao động - xã hội: hỗ trợ hòa nhập cộng đồng", "Social affairs: support for reintegration"),
    "police+labor": ("Liên ngành: người bán dâm bị xử phạt được hỗ trợ",
                     "Cross-agency: sanctioned sellers who were supported"),
}
AGENCY_NAMES = {
    "police": ("Công an thành phố", "City police"),
    "culture": ("Sở Văn hóa và Thể thao", "Department of Culture"),
    "health": ("Sở Y tế", "Department of Health"),
    "labor": ("Lao động - xã hội", "Social affairs (labour)"),
}
ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII")

LEVELS = {
    "city": ("Toàn thành phố", "Whole city"),
    "district": ("Cấp huyện (quận, huyện, thị xã; đến 30/06/2025)", "Districts (until 30/06/2025)"),
    "commune": ("Cấp xã (phường, xã; từ 01/07/2025)", "Communes (from 01/07/2025)"),
}

# -- units ------------------------------------------------------------------------------------------
# The unit of a count, read from the start of its Vietnamese name ("Số vụ việc ..." counts vụ).
_COUNT_NOUNS = (("Số vụ", "Vụ"), ("Số người", "Người"), ("Số nạn nhân", "Người"), ("Số cuộc", "Cuộc"),
                ("Số lượt", "Lượt"), ("Số hồ sơ", "Hồ sơ"), ("Số bao cao su", "Chiếc"))


def unit_label(unit: str, name_vi: str) -> str:
    if unit == "vnd":
        return "Đồng"
    if unit == "ratio":
        return "%"
    return next((noun for prefix, noun in _COUNT_NOUNS if name_vi.startswith(prefix)), "Số lượng")


# -- numbers in Vietnamese: 1.234.567 and 12,5% ----------------------------------------------------

def _grouped(n: int) -> str:
    return f"{n:,}".replace(",", ".")


POINTS = {"vi": " điểm %", "en": " pp"}  # percentage points


def number_text(value: float, unit: str, *, signed: bool = False, lang: str = "vi") -> str:
    """count/vnd: `1.234.567`; ratio: `12,5%`; percent (a relative change): `+12,5%`;
    points (a change of a ratio, in percentage points): `+2,3 điểm %` (`+2,3 pp` in English)."""
    sign = "+" if signed and value > 0 else ""
    if unit in ("count", "vnd"):
        return sign + _grouped(round(value))
    shown = round(value * 100 if unit != "points" else value, 1) + 0.0  # + 0.0: no "-0,0"
    return sign + f"{shown:.1f}".replace(".", ",") + ("%" if unit != "points" else POINTS[lang])


# The same formats in a workbook: numbers stay numbers; [$-42A] is the Vietnamese locale, whose
# separators LibreOffice applies; Excel applies those of the computer's regional settings.
_LOCALE = "[$-42A]"
XLSX_FORMATS = {
    "count": "#,##0",
    "vnd": "#,##0",
    "ratio": "0.0%",
    "percent": "+0.0%;-0.0%;0.0%",
    "points": '+0.0" điểm %";-0.0" điểm %";0.0" điểm %"',
}
SIGNED_XLSX_FORMATS = {"count": "+#,##0;-#,##0;0", "vnd": "+#,##0;-#,##0;0"}


def xlsx_format(unit: str, *, signed: bool = False, incomplete: bool = False) -> str:
    code = (SIGNED_XLSX_FORMATS.get(unit) if signed else None) or XLSX_FORMATS[unit]
    if incomplete:  # the mark after the number, in every section of the format
        code = ";".join(f'{section}"{INCOMPLETE_MARK}"' for section in code.split(";"))
    return _LOCALE + code


# -- the notes: calendars and disclosure control in plain words ------------------------------------
CALENDARS = (
    ("Kỳ báo cáo (mã có chữ R: R2024-H1, R2024)",
     "Theo Nghị định 09/2019/NĐ-CP (điều 12): tháng báo cáo tính từ ngày 15 tháng trước đến ngày 14 tháng "
     "báo cáo; 6 tháng đầu năm từ 15/12 năm trước đến 14/6; 6 tháng cuối năm từ 15/6 đến 14/12; năm từ 15/12 "
     "năm trước đến 14/12.",
     "Reporting periods (ids with R), Decree 09/2019/NĐ-CP art. 12: a month runs from the 15th of the previous "
     "month to the 14th; the first half from 15 Dec to 14 Jun, the second from 15 Jun to 14 Dec; a year from "
     "15 Dec to 14 Dec."),
    ("Năm dương lịch (2024-H1, 2024)",
     "Theo lịch: tháng, quý, 6 tháng (01/01-30/06, 01/07-31/12) và năm (01/01-31/12). Báo cáo của Sở Y tế "
     "chỉ có ở lịch mà ngày ghi trên biểu mẫu tháng khớp.",
     "Calendar months, quarters, halves (1 Jan-30 Jun, 1 Jul-31 Dec) and years. Health figures exist only in "
     "the calendar that the dates of its monthly forms match."),
    ("Sự việc thuộc kỳ nào",
     "Mỗi sự việc thuộc đúng một kỳ theo ngày của nó: ngày phát hiện (công an), ngày kiểm tra (văn hóa), ngày "
     "bắt đầu hỗ trợ (lao động - xã hội); số liệu y tế là tổng các báo cáo tháng trong kỳ.",
     "Each event counts in exactly one period by its date: detection (police), inspection (culture), start of "
     "support (social affairs); health figures sum the monthly reports of the period."),
)

DISCLOSURE = (
    ("Số liệu cấp thành phố và các chỉ tiêu công khai không bao giờ bị ẩn.",
     "City figures and public indicators are never hidden."),
    ("Dưới cấp thành phố, các chỉ tiêu về người (và các số liệu y tế) có giá trị từ 1 đến 4 được ẩn (ký hiệu x), "
     "để không nhận diện được cá nhân.",
     "Below the city, counts of people (and health counts) from 1 to 4 are hidden (symbol x) so that no person "
     "can be identified."),
    ("Khi chỉ một ô bị ẩn trong một tổng (nữ + nam, các địa bàn cộng lại bằng thành phố, các kỳ ngắn cộng lại bằng "
     "kỳ dài), một ô khác cũng được ẩn, để không suy ra được ô bị ẩn bằng phép trừ.",
     "When a single cell of a total is hidden (female + male, areas adding up to the city, shorter periods adding "
     "up to a longer one), another cell is hidden too, so that it cannot be worked out by subtraction."),
    ("Tỷ lệ bị ẩn khi tử số hoặc mẫu số của nó bị ẩn.",
     "A ratio is hidden when its numerator or denominator is."),
)


def registry_definitions_vi() -> dict[str, str]:
    """The Vietnamese definitions of the registry (dim_indicator publishes the English one)."""
    import csv

    from pipelines.config import INDICATOR_REGISTRY_CSV

    with INDICATOR_REGISTRY_CSV.open(encoding="utf-8", newline="") as f:
        return {row["indicator_code"]: row["definition_vi"] for row in csv.DictReader(f)}
