"""Bad input of every kind the contract names: rows a correct reader quarantines, files it
rejects. Each bad row belongs to a record of its own (ids in the 9xxxx range), so a
reader that wrongly accepts it adds a record the truth does not have.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import date

import xlsxwriter

from pipelines.contract import LABOR_COLUMNS, POLICE_COLUMNS
from pipelines.generate.areas import REFORM_2025
from pipelines.generate.names import person
from pipelines.generate.police import written_date, written_time
from pipelines.generate.timeline import at
from pipelines.generate.world import World

UNKNOWN_AREA = "Quận Thăng Long"   # sounds right, never existed
FUTURE = date(2099, 3, 12)          # in the future whatever day the test runs
BEFORE_2010 = date(2009, 6, 15)


def police_row(kind: str, world: World, day: date, n: int) -> dict[str, str]:
    row = _police_base(world, day, n)
    if kind == "empty_required":
        row["Vai trò"] = ""
    elif kind == "unreadable_date":
        row["Ngày phát hiện"] = f"31/02/{day.year}"
    elif kind == "unreadable_money":
        row["Số tiền phạt"] = "1,5 triệu"
    elif kind == "unreadable_identity":
        row["Số định danh"] = "0010 9299 56"   # 10 digits: neither CCCD nor CMND
    elif kind in ("before_2010", "future_date"):
        when = BEFORE_2010 if kind == "before_2010" else FUTURE
        row["Ngày phát hiện"], row["Ngày cập nhật"] = written_date(when), written_time(at(when, 9, 30))
    elif kind == "unknown_area":
        row["Mã ĐVHC"], row["Địa bàn"] = "", UNKNOWN_AREA
    elif kind == "code_contradicts_name":
        row["Mã ĐVHC"], row["Địa bàn"] = ("006", "Quận Ba Đình") if day < REFORM_2025 else ("00070", "Phường Láng")
    elif kind == "ambiguous_area":
        row["Mã ĐVHC"], row["Địa bàn"] = "", world.geo.ambiguous_name(day)
    elif kind == "area_not_valid_then":
        row["Mã ĐVHC"], row["Địa bàn"] = "", world.geo.invalid_name(day)
    else:
        raise ValueError(kind)
    return row


def culture_line(kind: str, world: World, day: date, schema: int, n: int) -> str:
    record = _culture_base(world, day, schema, n)
    date_key = "inspected_at" if schema == 2 else "inspected_on"
    if kind == "not_json":
        text = json.dumps(record, ensure_ascii=False)
        return text[: len(text) // 2]  # the export was cut mid-line
    if kind == "missing_inspection_id":
        del record["inspection_id"]
    elif kind == "missing_date":
        del record[date_key]
    elif kind == "unknown_area":
        if schema == 2:
            record["establishment"].update(area_code=None, area_name=UNKNOWN_AREA)
        else:
            record["district"] = UNKNOWN_AREA
    elif kind == "future_date":
        record[date_key] = f"{FUTURE}T21:00:00+07:00" if schema == 2 else FUTURE.isoformat()
    else:
        raise ValueError(kind)
    return json.dumps(record, ensure_ascii=False)


def labor_row(kind: str, world: World, day: date, n: int) -> dict[str, str]:
    row = _labor_base(world, day, n)
    if kind == "unreadable_date":
        row["ngay_ho_tro"] = f"{day.year}-02-30"
    elif kind == "empty_required":
        row["loai_ho_tro"] = ""
    elif kind == "unreadable_identity":
        row["so_dinh_danh"] = "0013 020"
    elif kind == "unknown_area":
        row["ma_dvhc"], row["dia_ban"] = "", UNKNOWN_AREA
    else:
        raise ValueError(kind)
    return row


def bad_file(agency: str, kind: str, world: World, day: date, n: int) -> bytes:
    """A whole file a correct reader rejects (health files are made by the health writer)."""
    if agency == "police":
        rows = [_police_base(world, day, n + k) for k in range(3)]
        columns = list(POLICE_COLUMNS)
        if kind == "missing_column":
            columns.remove("Ngày phát hiện")
        if kind == "binary":  # exported to Excel, saved under the CSV name
            return _xlsx(columns, rows)
        return _csv(columns, rows).encode("utf-8-sig")
    if agency == "culture":
        return "".join(culture_line_ok(world, day, n + k) + "\n" for k in range(3)).encode("utf-8")
    if agency == "labor":
        text = _csv(list(LABOR_COLUMNS), [_labor_base(world, day, n + k) for k in range(3)])
        return text.encode("utf-16" if kind == "not_utf8" else "utf-8")
    raise ValueError(agency)


def culture_line_ok(world: World, day: date, n: int) -> str:
    return json.dumps(_culture_base(world, day, 2, n), ensure_ascii=False)


# -- records of their own ---------------------------------------------------------------
def _area(day: date) -> tuple[str, str]:
    return ("001", "Quận Ba Đình") if day < REFORM_2025 else ("00004", "Phường Ba Đình")


def _police_base(world: World, day: date, n: int) -> dict[str, str]:
    who = person(world.seed, f"bad-police/{n}", "Nữ", day.year - 25, cmnd_share=0.0)
    code, name = _area(day)
    return {
        "Mã vụ việc": f"CA-HN-{day.year}-9{n:05d}", "Ngày phát hiện": written_date(day),
        "Mã ĐVHC": code, "Địa bàn": name, "Loại cơ sở": "karaoke", "Tên cơ sở": "Karaoke Hoa Hồng",
        "Hành vi": "bán dâm", "Hình thức xử lý": "Xử phạt hành chính", "Số tiền phạt": "500.000",
        "Số định danh": who.identity, "Họ tên": who.full_name, "Năm sinh": str(who.birth_year),
        "Giới tính": "Nữ", "Vai trò": "người bán dâm", "Trạng thái": "Hiệu lực",
        "Ngày cập nhật": written_time(at(day, 20, 30)),
    }


def _culture_base(world: World, day: date, schema: int, n: int) -> dict:
    code, name = _area(day)
    if schema == 1:
        return {"schema_version": 1, "inspection_id": f"VH-{day.year}-9{n:04d}", "team": "TTS",
                "establishment_license": "0101-KR-1000", "establishment_name": "Karaoke Hoa Hồng",
                "establishment_type": "karaoke", "district": name, "inspected_on": day.isoformat(),
                "violations": [], "penalty_vnd": 0, "revoked": False}
    return {"schema_version": 2, "inspection_id": f"VH-{day.year}-9{n:04d}",
            "inspected_at": f"{day}T21:00:00+07:00", "team": "LN178",
            "establishment": {"license_no": "0101-KR-1000", "name": "Karaoke Hoa Hồng", "type": "karaoke",
                              "area_code": code, "area_name": name},
            "findings": [], "penalty_vnd": 0, "license_action": "none"}


def _labor_base(world: World, day: date, n: int) -> dict[str, str]:
    who = person(world.seed, f"bad-labor/{n}", "Nữ", day.year - 30, cmnd_share=0.0)
    code, name = _area(day)
    return {"ma_ho_so": f"HS-{day.year}-9{n:04d}", "so_dinh_danh": who.identity, "gioi_tinh": "nu",
            "nam_sinh": str(who.birth_year), "ma_dvhc": code, "dia_ban": name, "loai_ho_tro": "hoc_nghe",
            "ngay_ho_tro": day.isoformat(), "ket_qua_theo_doi": "", "ngay_theo_doi": ""}


def _csv(columns: list[str], rows: list[dict[str, str]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns)
    writer.writerows([row.get(c, "") for c in columns] for row in rows)
    return buffer.getvalue()


def _xlsx(columns: list[str], rows: list[dict[str, str]]) -> bytes:
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    book.set_properties({"created": at(date(2020, 1, 1))})
    sheet = book.add_worksheet()
    sheet.write_row(0, 0, columns)
    for i, row in enumerate(rows, start=1):
        sheet.write_row(i, 0, [row.get(c, "") for c in columns])
    book.close()
    return buffer.getvalue()
