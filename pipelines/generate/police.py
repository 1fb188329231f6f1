"""Police exports: CSV in the house style of the unit that made the export."""

from __future__ import annotations

import csv
import io
import random
from datetime import date, datetime

from pipelines.generate.areas import Geography
from pipelines.generate.landing import Landing
from pipelines.generate.names import written_identity
from pipelines.generate.schedule import PoliceExport
from pipelines.generate.truth import PoliceTruth, TruthCollector
from pipelines.generate.vietnamese import cp1258_spelling, nfd, other_tone_placement
from pipelines.generate.world import Case, Involvement, Version

# Fields whose words may come in the other tone placement, another case, or decomposed.
_TEXT_FIELDS = ("Địa bàn", "Tên cơ sở", "Họ tên", "Trạng thái", "Vai trò", "Hành vi", "Hình thức xử lý", "Giới tính")
_CATEGORIES = ("Loại cơ sở", "Hành vi", "Vai trò")


def written_date(day: date, short: bool = False) -> str:
    return f"{day.day}/{day.month}/{day.year}" if short else f"{day:%d/%m/%Y}"


def written_time(moment: datetime) -> str:
    return f"{moment:%d/%m/%Y %H:%M}"


def written_money(amount: int, rng: random.Random) -> str:
    """1.500.000 / 1 500 000 / 1.500.000 đ / 2.000.000đ / 10.000.000 VNĐ / 3000000 ..."""
    dotted = f"{amount:,}".replace(",", ".")
    return rng.choice((
        dotted, dotted, dotted.replace(".", " "), f"{dotted} đ", f"{dotted}đ", f"{dotted} VNĐ",
        str(amount), str(amount), f"{amount}đ", f"{amount} VNĐ",
    ))


def header_text(column: str, style: str) -> str:
    if style == "nfd":
        return nfd(column)
    if style == "upper":
        return column.upper()
    if style == "lower":
        return column.lower()
    if style == "spaced":
        return f" {column.replace(' ', '  ', 1)} "
    return column


class PoliceWriter:
    """One export file, written row by row as cases are generated."""

    def __init__(self, export: PoliceExport, landing: Landing, geo: Geography, seed: int, truth: TruthCollector):
        self.spec, self.style, self.geo, self.truth = export, export.style, geo, truth
        self.rng = random.Random(f"{seed}:police-file:{export.name}")
        self._text = io.TextIOWrapper(landing.open("police", export.name), encoding=self.style.encoding,
                                      errors="strict", newline="")
        self._csv = csv.writer(self._text, delimiter=self.style.delimiter, lineterminator=self.style.newline)
        self._write([header_text(c, self.style.header) for c in self.style.columns])
        self.lines = 1
        self.rows = 0

    def add(self, case: Case) -> None:
        picked = [(inv, v) for inv in case.involvements if (v := self.spec.pick(case, inv))]
        if not picked:
            return
        code, name = self._area(case)
        for inv, version in picked:
            self._write_values(self._vary(self._values(case, inv, version, code, name)))
            if self.truth.enabled:
                self.truth.police(PoliceTruth(
                    case.case_id, inv.person.identity, case.detected_on, case.area_id, case.place_kind,
                    inv.offence, inv.role, version.handling, version.fine, inv.person.sex,
                    inv.person.birth_year, version.status, version.updated_at))

    def add_raw(self, values: dict[str, str]) -> int:
        """A row given as text (a bad row); returns its line number."""
        self._write_values(values)
        return self.lines

    def close(self) -> int:
        self._text.close()
        return self.rows

    # -- one row ------------------------------------------------------------------------
    def _area(self, case: Case) -> tuple[str, str]:
        if case.area_hint and self.spec.kind == "monthly":
            return case.area_hint
        return self.geo.written_area(case.area, case.detected_on, self.rng)

    def _values(self, case: Case, inv: Involvement, version: Version, code: str, name: str) -> dict[str, str]:
        rng = self.rng
        return {
            "Mã vụ việc": case.case_id,
            "Ngày phát hiện": written_date(case.detected_on, rng.random() < self.style.short_dates),
            "Mã ĐVHC": code,
            "Địa bàn": name,
            "Loại cơ sở": case.place_kind,
            "Tên cơ sở": case.establishment,
            "Hành vi": inv.offence,
            "Hình thức xử lý": version.handling,
            "Số tiền phạt": "" if version.fine is None else written_money(version.fine, rng),
            "Số định danh": written_identity(inv.person.identity, rng),
            "Họ tên": inv.person.full_name,
            "Năm sinh": str(inv.person.birth_year),
            "Giới tính": inv.person.sex,
            "Vai trò": inv.role,
            "Trạng thái": version.status,
            "Ngày cập nhật": written_time(version.updated_at),
            "Đơn vị thụ lý": f"Công an {self.geo.district_level(case.place, case.detected_on).name}",
            "Ghi chú": "Đã xác minh" if rng.random() < 0.1 else "",
        }

    def _vary(self, values: dict[str, str]) -> dict[str, str]:
        rng = self.rng
        if rng.random() < self.style.other_tones:
            values.update({k: other_tone_placement(values[k]) for k in _TEXT_FIELDS})
        if self.style.capitalised:
            values.update({k: values[k][:1].upper() + values[k][1:] for k in _CATEGORIES})
        if rng.random() < self.style.decomposed_rows:
            values = {k: nfd(v) for k, v in values.items()}
        return values

    def _write_values(self, values: dict[str, str]) -> None:
        self.rows += 1
        values.setdefault("STT", str(self.rows))
        self._write([values.get(c, "") for c in self.style.columns])
        self.lines += 1

    def _write(self, fields: list[str]) -> None:
        if self.style.encoding == "cp1258":
            fields = [cp1258_spelling(f) for f in fields]
        self._csv.writerow(fields)
