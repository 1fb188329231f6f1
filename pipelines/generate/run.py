"""generate(): walk the months, feed every open delivery file, close each when done."""

from __future__ import annotations

import itertools
from collections import Counter
from dataclasses import dataclass, replace
from datetime import date
from functools import lru_cache
from pathlib import Path

from pipelines.generate import bad
from pipelines.config import REFERENCE_SEEDS_DIR
from pipelines.generate.areas import Geography
from pipelines.generate.culture import CultureWriter
from pipelines.generate.health import Defect, file_name, neither_calendar, workbook
from pipelines.generate.labor import LaborWriter
from pipelines.generate.landing import Landing
from pipelines.generate.police import PoliceWriter
from pipelines.generate.schedule import Plan, plan_deliveries
from pipelines.generate.timeline import Month
from pipelines.generate.truth import HealthTruth, NoTruth, Truth, TruthCollector
from pipelines.generate.world import HEALTH_FIELDS, World

DEFAULT_FROM = date(2013, 1, 1)
DEFAULT_TO = date(2026, 11, 30)


@dataclass(frozen=True)
class Delivery:
    """One file written, and what a correct warehouse does with it."""

    agency: str
    name: str
    rows: int           # data rows (lines for culture, area rows for health)
    expected: str       # accepted, duplicate (byte-identical resend) or rejected
    what: str           # e.g. "monthly export", "district unit export", "bad: missing_column"

    @property
    def file_name(self) -> str:
        return f"{self.agency}/{self.name}"


@dataclass(frozen=True)
class BadRow:
    """A row a correct reader quarantines (file relative to landing/, 1-based line or sheet row)."""

    file_name: str
    line_no: int
    kind: str


@dataclass(frozen=True)
class GenerationSummary:
    landing_dir: Path | None
    deliveries: tuple[Delivery, ...]
    bad_rows: tuple[BadRow, ...]
    truth: Truth | None = None

    def files(self, agency: str) -> list[Delivery]:
        return [d for d in self.deliveries if d.agency == agency]

    def rows(self, agency: str) -> int:
        return sum(d.rows for d in self.files(agency) if d.expected != "rejected")

    def lines(self) -> list[str]:
        """What a command line prints."""
        out = []
        for agency in ("police", "health", "culture", "labor"):
            files = self.files(agency)
            outcome = Counter(d.expected for d in files)
            out.append(f"{agency:8} {len(files):5} files {self.rows(agency):10,} rows   "
                       f"({outcome['duplicate']} resent as is, {outcome['rejected']} bad files)")
        out.append(f"bad rows (to be quarantined): {len(self.bad_rows)}")
        return out


def generate(landing_dir: Path, *, seed: int = 42, scale: float = 1.0, date_from: date = DEFAULT_FROM,
             date_to: date = DEFAULT_TO, with_truth: bool = False) -> GenerationSummary:
    """Write sample deliveries of all four agencies into landing_dir/<agency>/.

    Deterministic: the same arguments give byte-identical files. Streams: memory does not
    grow with `scale` (unless `with_truth`, which keeps the final state of every record).
    """
    collector = TruthCollector() if with_truth else NoTruth()
    return _Run(Landing(Path(landing_dir)), seed, scale, date_from, date_to, collector).run()


def build_truth(seed: int = 42, scale: float = 1.0, date_from: date = DEFAULT_FROM,
                date_to: date = DEFAULT_TO) -> Truth:
    """The final intended state of what generate() with these arguments delivers, computed
    by generating without writing anything. Meant for small scales (it is all in memory)."""
    return _Run(Landing(None), seed, scale, date_from, date_to, TruthCollector()).run().truth


_WRITERS = {"police": PoliceWriter, "culture": CultureWriter, "labor": LaborWriter}


@lru_cache(maxsize=2)
def _geography(directory: Path) -> Geography:
    return Geography(directory)


class _Run:
    def __init__(self, landing: Landing, seed: int, scale: float, date_from: date, date_to: date,
                 truth: TruthCollector):
        self.landing, self.seed, self.truth = landing, seed, truth
        self.world = World(seed, scale, date_from, date_to, _geography(REFERENCE_SEEDS_DIR))
        self.plan: Plan = plan_deliveries(self.world)
        self.deliveries: list[Delivery] = []
        self.bad_rows: list[BadRow] = []
        self._bad_ids = itertools.count(1)

    def run(self) -> GenerationSummary:
        try:
            summary = self._walk()
        except BaseException:
            self.landing.failed = True
            raise
        self.landing.finish()
        return summary

    def _walk(self) -> GenerationSummary:
        world = self.world
        # Files in the order they open (a stable sort keeps the plan's order within a month).
        waiting = sorted(((agency, spec) for agency in _WRITERS for spec in getattr(self.plan, agency)),
                         key=lambda item: item[1].feed.first)
        writing: dict[str, list] = {agency: [] for agency in _WRITERS}
        for month in world.months:
            while waiting and waiting[0][1].feed.first <= month:
                agency, spec = waiting.pop(0)
                writing[agency].append(self._open(agency, spec))
            for case in world.cases(month):
                for writer in writing["police"]:
                    writer.add(case)
                for record in world.supports(case):
                    for writer in writing["labor"]:
                        writer.add(record)
            for record in world.unlinked_supports(month):
                for writer in writing["labor"]:
                    writer.add(record)
            for inspection in world.inspections(month):
                for writer in writing["culture"]:
                    writer.add(inspection)
            self._health(month)
            for agency, writers in writing.items():
                for writer in [w for w in writers if w.spec.feed.last <= month]:
                    writers.remove(writer)
                    self._close(agency, writer)
        for agency, spec in waiting:  # files no month of the range feeds: a header only
            self._close(agency, self._open(agency, spec))
        for agency, writers in writing.items():
            for writer in writers:
                self._close(agency, writer)
        self._bad_files()
        return GenerationSummary(self.landing.root, tuple(self.deliveries), tuple(self.bad_rows),
                                 self.truth.result() if self.truth.enabled else None)

    # -- one delivery file: open, then on closing its bad rows and its resend ---------------
    def _open(self, agency: str, spec):
        return _WRITERS[agency](spec, self.landing, self.world.geo, self.seed, self.truth)

    def _close(self, agency: str, writer) -> None:
        spec = writer.spec
        for kind in spec.bad_rows:
            line_no = writer.add_raw(self._bad_content(agency, kind, spec))
            self.bad_rows.append(BadRow(f"{agency}/{spec.name}", line_no, kind))
        rows = writer.close()
        self._delivered(agency, spec.name, rows, "accepted", spec.description)
        if agency == "police" and spec.resent_as:
            self.landing.copy(agency, spec.name, spec.resent_as)
            self._delivered(agency, spec.resent_as, rows, "duplicate", f"resend of {spec.name}")

    def _bad_content(self, agency: str, kind: str, spec):
        n = next(self._bad_ids)
        if agency == "police":
            return bad.police_row(kind, self.world, self._inside(spec.month.day(10)), n)
        day = self._inside(spec.file_date.replace(day=1))
        if agency == "culture":
            return bad.culture_line(kind, self.world, day, spec.schema, n)
        return bad.labor_row(kind, self.world, day, n)

    # -- health: the month's workbooks, good and bad ----------------------------------------
    def _health(self, month: Month) -> None:
        reports = self.world.health_reports(month)
        for report in reports:
            name = file_name(report)
            self.landing.write("health", name, workbook(report, self.seed))
            self._delivered("health", name, len(report.rows), "accepted",
                            "report form" if report.version == 1 else "corrected report form")
            if self.truth.enabled:
                self.truth.health(HealthTruth(
                    month.year, month.month, report.version, report.period_start, report.period_end,
                    {unit.area_id: dict(zip(HEALTH_FIELDS, values)) for unit, values in report.rows}))
        if not reports:
            return
        for k, kind in enumerate(self.plan.health_bad.get(month, [])):
            report = reports[-1]
            bad_version = replace(report, version=report.version + 1 + k)
            defect = {"total_mismatch": Defect(total_off_by=50),
                      "neither_calendar": Defect(stated_period=neither_calendar(report)),
                      "truncated": Defect(truncated=True)}[kind]
            name = file_name(bad_version)
            self.landing.write("health", name, workbook(bad_version, self.seed, defect))
            self._delivered("health", name, len(report.rows), "rejected", f"bad: {kind}")

    # -- whole bad files ---------------------------------------------------------------------
    def _bad_files(self) -> None:
        for spec in self.plan.bad_files:
            if spec.agency == "health":
                month = Month.of(spec.day)
                reports = self.world.health_reports(month) or self.world.health_reports(self.world.months[0])
                if not reports:
                    continue
                data, rows = workbook(reports[0], self.seed + 1), len(reports[0].rows)
            else:
                first_id = next(self._bad_ids)
                next(self._bad_ids), next(self._bad_ids)  # a bad file holds three records
                data, rows = bad.bad_file(spec.agency, spec.kind, self.world, spec.day, first_id), 3
            self.landing.write(spec.agency, spec.name, data)
            self._delivered(spec.agency, spec.name, rows, "rejected", f"bad: {spec.kind}")

    # -- bookkeeping -------------------------------------------------------------------------
    def _delivered(self, agency: str, name: str, rows: int, expected: str, what: str) -> None:
        self.deliveries.append(Delivery(agency, name, rows, expected, what))

    def _inside(self, day: date) -> date:
        return min(max(day, self.world.date_from), self.world.date_to)

