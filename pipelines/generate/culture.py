"""Culture inspections: JSON Lines from the inspection application, schema v1 or v2."""

from __future__ import annotations

import json
import random
from datetime import datetime, timedelta, timezone

from pipelines.generate.areas import Geography
from pipelines.generate.landing import Landing
from pipelines.generate.police import written_money
from pipelines.generate.schedule import CultureExport
from pipelines.generate.truth import InspectionTruth, TruthCollector
from pipelines.generate.vietnamese import nfd
from pipelines.generate.world import FINDINGS, Inspection, InspectionState

# UTC offsets the application and its devices write: local, UTC, and a few odd ones.
_OFFSETS = (("+07:00", 60), ("Z", 15), ("+00:00", 10), ("+08:00", 8), ("-05:00", 4), ("+09:00", 3))
_SECOND_LINE_AFTER = 3  # a later state of the same id comes a few lines further down


def timestamp(moment: datetime, offset: str) -> str:
    """RFC 3339 with the given offset (`Z`, `+07:00`, ...), the same instant."""
    hours = 0 if offset == "Z" else int(offset[:3])
    local = moment.astimezone(timezone(timedelta(hours=hours)))
    return local.strftime("%Y-%m-%dT%H:%M:%S") + offset


class CultureWriter:
    def __init__(self, export: CultureExport, landing: Landing, geo: Geography, seed: int,
                 truth: TruthCollector):
        self.spec, self.geo, self.truth = export, geo, truth
        self.rng = random.Random(f"{seed}:culture-file:{export.name}")
        self._file = landing.open("culture", export.name)
        if export.bom:
            self._file.write("\ufeff".encode("utf-8"))
        self._deferred: list[list] = []
        self.lines = 0

    def add(self, inspection: Inspection) -> None:
        states = self.spec.pick(inspection)
        if not states or (self.spec.resend_of and self.rng.random() < 0.3):
            return  # a resend carries only part of the old export
        for k, state in enumerate(states):
            line, row = self._line(inspection, state)
            if k == 0:
                self._emit(line, row)
            else:
                self._deferred.append([_SECOND_LINE_AFTER * k, line, row])

    def add_raw(self, line: str) -> int:
        """Write a line given as text (a bad line); returns its line number."""
        return self._emit(line, None)

    def close(self) -> int:
        for _, line, row in self._deferred:
            self._write(line, row)
        self._file.close()
        return self.lines

    def _emit(self, line: str, row: InspectionTruth | None) -> int:
        """Write the line, then any deferred line now due; returns the line's number."""
        line_no = self._write(line, row)
        for item in self._deferred:
            item[0] -= 1
        while self._deferred and self._deferred[0][0] <= 0:
            _, later, later_row = self._deferred.pop(0)
            self._write(later, later_row)
        return line_no

    def _write(self, line: str, row: InspectionTruth | None) -> int:
        self._file.write(line.encode("utf-8") + b"\n")
        self.lines += 1
        if row is not None and self.truth.enabled:
            self.truth.inspection(row, self.spec.file_date, self.lines)
        return self.lines

    # -- one line -----------------------------------------------------------------------
    def _line(self, inspection: Inspection, state: InspectionState) -> tuple[str, InspectionTruth]:
        rng = self.rng
        establishment = inspection.establishment
        decomposed = rng.random() < 0.05
        text = nfd if decomposed else str
        if self.spec.schema == 1:
            record = {"schema_version": 1} if rng.random() < 0.6 else {}
            forms = self.geo.name_forms(inspection.area, inspection.inspected_at.date()) or [inspection.area.name]
            penalty = state.penalty_vnd
            record.update({
                "inspection_id": inspection.inspection_id,
                "team": inspection.team,
                "establishment_license": establishment.license_no,
                "establishment_name": text(establishment.name),
                "establishment_type": establishment.type,
                "district": text(forms[0] if rng.random() < 0.4 else rng.choice(forms)),
                "inspected_on": inspection.inspected_at.date().isoformat(),
                "violations": list(state.finding_codes),
                "penalty_vnd": written_money(penalty, rng) if penalty and rng.random() < 0.1 else penalty,
                "revoked": state.license_action == "revoked",
            })
            action = "revoked" if state.license_action == "revoked" else "none"
        else:
            offset = inspection.offset_hint or rng.choices(*zip(*_OFFSETS))[0]
            code, name = self.geo.written_area(inspection.area, inspection.inspected_at.date(), rng,
                                               code_only=0.1, name_only=0.3)
            place = {"license_no": establishment.license_no, "name": text(establishment.name),
                     "type": establishment.type}
            if code or rng.random() < 0.5:
                place["area_code"] = code or rng.choice((None, ""))
            if name or rng.random() < 0.5:
                place["area_name"] = text(name) or None
            record = {
                "schema_version": 2,
                "inspection_id": inspection.inspection_id,
                "inspected_at": timestamp(inspection.inspected_at, offset),
                "team": inspection.team,
                "establishment": place,
                "findings": [{"code": c, "description": FINDINGS[c]} for c in state.finding_codes],
                "penalty_vnd": state.penalty_vnd,
                "license_action": state.license_action,
            }
            action = state.license_action
        row = InspectionTruth(inspection.inspection_id, inspection.inspected_at.date(), inspection.area_id,
                              inspection.team, state.finding_codes, state.penalty_vnd, action,
                              establishment.type, self.spec.schema)
        return json.dumps(record, ensure_ascii=False), row
