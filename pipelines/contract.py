"""Names fixed by the source contract (docs/interface.md, "Deliveries").

Shared constants only: the generator and the readers are two independent readings of
the contract and share no format code, but they agree on the contract's own words.
"""

from __future__ import annotations

# police CSV: contract header -> raw column
POLICE_COLUMNS = {
    "Mã vụ việc": "case_id",
    "Ngày phát hiện": "detected_on",
    "Mã ĐVHC": "area_code",
    "Địa bàn": "area_name",
    "Loại cơ sở": "place_kind",
    "Tên cơ sở": "establishment_name",
    "Hành vi": "offence",
    "Hình thức xử lý": "handling",
    "Số tiền phạt": "fine_vnd",
    "Số định danh": "identity_number",
    "Họ tên": "full_name",
    "Năm sinh": "birth_year",
    "Giới tính": "sex",
    "Vai trò": "role",
    "Trạng thái": "record_status",
    "Ngày cập nhật": "updated_at",
}
# Columns a police file must have; an empty value quarantines the row, except the area:
# `Mã ĐVHC` or `Địa bàn` suffices (sources.md: "by GSO code, by name, or both").
POLICE_REQUIRED = (
    "Mã vụ việc", "Ngày phát hiện", "Địa bàn", "Hành vi", "Hình thức xử lý",
    "Số định danh", "Giới tính", "Vai trò", "Trạng thái", "Ngày cập nhật",
)
# Personal fields: dropped or pseudonymised at ingestion, masked in quarantine.
POLICE_PERSONAL = ("Số định danh", "Họ tên")

LABOR_COLUMNS = {
    "ma_ho_so": "record_id",
    "so_dinh_danh": "identity_number",
    "gioi_tinh": "sex",
    "nam_sinh": "birth_year",
    "ma_dvhc": "area_code",
    "dia_ban": "area_name",
    "loai_ho_tro": "support_kind",
    "ngay_ho_tro": "support_started_on",
    "ket_qua_theo_doi": "followup_outcome",
    "ngay_theo_doi": "followed_up_on",
}
LABOR_REQUIRED = ("ma_ho_so", "so_dinh_danh", "gioi_tinh", "dia_ban", "loai_ho_tro", "ngay_ho_tro")
LABOR_PERSONAL = ("so_dinh_danh",)

# health report form: the two-level header (row 4, row 5) -> raw column
HEALTH_COLUMNS = {
    ("STT", None): "row_number",
    ("Địa bàn", None): "area_name",
    ("Tiếp cận", "Nữ"): "reached_female",
    ("Tiếp cận", "Nam"): "reached_male",
    ("Xét nghiệm HIV", "Số XN"): "hiv_tested",
    ("Xét nghiệm HIV", "Dương tính"): "hiv_positive",
    ("Điều trị ARV mới", None): "art_initiated",
    ("Khám STI", None): "sti_examined",
    ("Methadone mới", None): "methadone_enrolled",
    ("Bao cao su phát (chiếc)", None): "condoms",
}
HEALTH_TOTAL_LABEL = "Tổng cộng"

CULTURE_TEAMS = ("LN178", "TTS")
CULTURE_LICENSE_ACTIONS = ("none", "suspended", "revoked")

# File names: <prefix><date>[suffix].<ext>
FILE_PATTERNS = {
    "police": r"^police_cases_(?P<date>\d{8})(?:_(?P<seq>\d+))?\.csv$",
    "health": r"^health_(?P<year>\d{4})_(?P<month>\d{2})(?:_v(?P<version>\d+))?\.xlsx$",
    "culture": r"^culture_inspections_(?P<date>\d{8})\.jsonl$",
    "labor": r"^labor_support_(?P<date>\d{8})\.csv$",
}

EARLIEST_EVENT_DATE = "2010-01-01"
LOCAL_TIME_ZONE = "Asia/Ho_Chi_Minh"
