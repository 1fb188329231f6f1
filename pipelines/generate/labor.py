"""Labor support registers: comma CSV, snake_case headers, ISO dates."""

from __future__ import annotations

import csv
import io
import random

from pipelines.contract import LABOR_COLUMNS
from pipelines.generate.areas import Geography
from pipelines.generate.landing import Landing
from pipelines.generate.names import written_identity
from pipelines.generate.schedule import LaborRegister
from pipelines.generate.truth import LaborTruth, TruthCollector
from pipelines.generate.vietnamese import nfd, other_tone_placement
from pipelines.generate.world import SupportRecord


class LaborWriter:
    def __init__(self, register: LaborRegister, landing: Landing, geo: Geography, seed: int,
                 truth: TruthCollector):
        self.spec, self.geo, self.truth = register, geo, truth
        self.rng = random.Random(f"{seed}:labor-file:{register.name}")
        self._text = io.TextIOWrapper(landing.open("labor", register.name),
                                      encoding="utf-8-sig" if register.bom else "utf-8", newline="")
        self._csv = csv.writer(self._text, lineterminator=register.newline)
        self._csv.writerow(list(LABOR_COLUMNS))
        self.lines = 1
        self.rows = 0

    def add(self, record: SupportRecord) -> None:
        row = self.spec.pick(record)
        if row is None:
            return
        code, name = self.geo.written_area(row.area, row.started_on, self.rng, code_only=0.08, name_only=0.4)
        roll = self.rng.random()
        name = nfd(name) if roll < 0.05 else other_tone_placement(name) if roll < 0.1 else name
        self.add_raw({
            "ma_ho_so": row.record_id,
            "so_dinh_danh": written_identity(row.person.identity, self.rng),
            "gioi_tinh": row.sex,
            "nam_sinh": str(row.person.birth_year),
            "ma_dvhc": code,
            "dia_ban": name,
            "loai_ho_tro": row.kind,
            "ngay_ho_tro": row.started_on.isoformat(),
            "ket_qua_theo_doi": row.outcome or "",
            "ngay_theo_doi": row.followed_up_on.isoformat() if row.followed_up_on else "",
        })
        if self.truth.enabled:
            self.truth.labor(LaborTruth(row.record_id, row.person.identity, row.sex, row.person.birth_year,
                                        row.area_id, row.kind, row.started_on, row.outcome,
                                        row.followed_up_on), self.spec.file_date)

    def add_raw(self, values: dict[str, str]) -> int:
        """Write a row given as text; returns its line number."""
        self._csv.writerow([values.get(c, "") for c in LABOR_COLUMNS])
        self.rows += 1
        self.lines += 1
        return self.lines

    def close(self) -> int:
        self._text.close()
        return self.rows
