"""The intended final state of what was delivered: what a correct warehouse must end with.

Collected while the files are written, from the records themselves (never by reading the
files back), and only from good rows of files a correct reader accepts. Each agency's
revision rule of the contract decides which written row is final:

- police: per (case_id, identity digits), the row with the latest `Ngày cập nhật`;
  a final row with status `Hủy` means the pair no longer exists (kept here with its status
  so tests can check it is gone; `Truth.police_in_force` leaves them out);
- culture: per inspection_id, the line from the file with the latest date in its name,
  the last such line within that file;
- labor: per ma_ho_so, the row from the file with the latest date in its name;
- health: per month, the highest version among the accepted workbooks, whole.

Held in memory only, and never written anywhere: it holds identity numbers in clear.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime


@dataclass(frozen=True)
class PoliceTruth:
    case_id: str
    identity: str           # digits only
    detected_on: date
    area_id: str            # admin_units.csv area_id: district-level before 2025-07-01, commune after
    place_kind: str
    offence: str
    role: str
    handling: str
    fine_vnd: int | None
    sex: str                # Nam / Nữ
    birth_year: int
    status: str             # Hiệu lực / Hủy
    updated_at: datetime


@dataclass(frozen=True)
class InspectionTruth:
    inspection_id: str
    inspected_on: date      # local date in Asia/Ho_Chi_Minh
    area_id: str
    team: str
    finding_codes: tuple[str, ...]
    penalty_vnd: int
    license_action: str     # none / suspended / revoked (a v1 line: revoked or none)
    establishment_type: str
    schema_version: int


@dataclass(frozen=True)
class LaborTruth:
    record_id: str
    identity: str
    sex: str                # nam / nu, as labor recorded it
    birth_year: int
    area_id: str
    support_kind: str
    started_on: date
    followup_outcome: str | None
    followed_up_on: date | None


@dataclass(frozen=True)
class HealthTruth:
    year: int
    month: int
    version: int
    period_start: date
    period_end: date
    values: dict[str, dict[str, int]]   # area_id -> {field: value}; empty and '-' are 0


@dataclass(frozen=True)
class Truth:
    police: dict[tuple[str, str], PoliceTruth]
    inspections: dict[str, InspectionTruth]
    labor: dict[str, LaborTruth]
    health: dict[tuple[int, int], HealthTruth]

    @property
    def police_in_force(self) -> list[PoliceTruth]:
        return [row for row in self.police.values() if row.status == "Hiệu lực"]


@dataclass
class TruthCollector:
    """Receives every good row as it is written; keeps the one the contract makes final."""

    enabled = True
    _police: dict = field(default_factory=dict)
    _inspections: dict = field(default_factory=dict)
    _labor: dict = field(default_factory=dict)
    _health: dict = field(default_factory=dict)

    def police(self, row: PoliceTruth) -> None:
        key = (row.case_id, row.identity)
        kept = self._police.get(key)
        if kept is None or kept.updated_at <= row.updated_at:
            self._police[key] = row

    def inspection(self, row: InspectionTruth, file_date: date, line_no: int) -> None:
        order = (file_date, line_no)
        kept = self._inspections.get(row.inspection_id)
        if kept is None or kept[0] <= order:
            self._inspections[row.inspection_id] = (order, row)

    def labor(self, row: LaborTruth, file_date: date) -> None:
        kept = self._labor.get(row.record_id)
        if kept is None or kept[0] <= file_date:
            self._labor[row.record_id] = (file_date, row)

    def health(self, row: HealthTruth) -> None:
        key = (row.year, row.month)
        kept = self._health.get(key)
        if kept is None or kept.version < row.version:
            self._health[key] = row

    def result(self) -> Truth:
        return Truth(
            police=dict(sorted(self._police.items())),
            inspections={k: v[1] for k, v in sorted(self._inspections.items())},
            labor={k: v[1] for k, v in sorted(self._labor.items())},
            health=dict(sorted(self._health.items())),
        )


class NoTruth(TruthCollector):
    """Generation without a truth: nothing is kept, so memory stays flat."""

    enabled = False

    def police(self, row: PoliceTruth) -> None: ...
    def inspection(self, row: InspectionTruth, file_date: date, line_no: int) -> None: ...
    def labor(self, row: LaborTruth, file_date: date) -> None: ...
    def health(self, row: HealthTruth) -> None: ...
