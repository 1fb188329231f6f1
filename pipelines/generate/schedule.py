"""Which files the agencies send, when, in what house style, and what each one holds.

A delivery is planned before anything is generated: its name, the moment its snapshot
was taken, which records it selects, and the generation months that can feed it. The
run opens a file when its first feeding month comes and closes it after the last, so
every file is written as the world is generated, never from rows held in memory.

- police: a monthly city export (UTF-8 mostly, styles vary) holding every (case, person)
  record created or changed since the previous export, dated the 5th; a whole-year export
  dated 20 January; now and then a district unit's own export of a month, often cp1258,
  dated the 18th but taken on the 1st (so it brings older versions after newer ones);
  a few byte-identical resends (`_2`).
- culture: a monthly export dated the 10th of everything recorded or changed since the
  previous one (schema v1 until 2023, v2 from 2024), and old v1 exports resent later.
- labor: a register each quarter dated the 10th, with the quarter's new records and the
  three quarters before resent (follow-ups filled in), and once the whole register.
- health: one workbook per month (see world.health_reports); bad versions planned here.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field, replace
from datetime import date, datetime

from pipelines.contract import POLICE_COLUMNS
from pipelines.generate.timeline import Month, at, days
from pipelines.generate.world import (INSPECTION_CHANGE_LAG, POLICE_CHANGE_LAG, SUPPORT_AFTER_DETECTION,
                                      SUPPORT_BEFORE_DETECTION, V2_FROM, Case, Inspection, InspectionState,
                                      Involvement, SupportRecord, Version, World)

POLICE_BAD_ROWS = ("empty_required", "unreadable_date", "unreadable_money", "unreadable_identity",
                   "before_2010", "future_date", "unknown_area", "code_contradicts_name",
                   "ambiguous_area", "area_not_valid_then")
CULTURE_BAD_LINES = ("not_json", "missing_inspection_id", "missing_date", "unknown_area", "future_date")
LABOR_BAD_ROWS = ("unreadable_date", "empty_required", "unreadable_identity", "unknown_area")
HEALTH_BAD_VERSIONS = ("total_mismatch", "neither_calendar", "truncated")
# Whole files a correct reader rejects, with the agency they are dropped for.
BAD_FILES = (("police", "missing_column"), ("police", "misnamed"), ("police", "binary"),
             ("health", "misnamed"), ("culture", "misnamed"), ("labor", "misnamed"),
             ("labor", "not_utf8"))

EXTRA_POLICE_COLUMNS = ("STT", "Đơn vị thụ lý", "Ghi chú")


@dataclass(frozen=True)
class CsvStyle:
    """How one police export is written."""

    encoding: str = "utf-8-sig"     # utf-8-sig (BOM), utf-8, cp1258
    delimiter: str = ","
    newline: str = "\n"
    header: str = "canonical"       # canonical, nfd, upper, lower, spaced
    columns: tuple[str, ...] = tuple(POLICE_COLUMNS)
    decomposed_rows: float = 0.0    # share of rows written in NFD
    short_dates: float = 0.0        # share of rows with d/m/yyyy
    other_tones: float = 0.02       # share of rows with the other tone placement
    capitalised: bool = False       # categories written with a capital (Người bán dâm)


@dataclass
class Feed:
    """Generation months whose records can land in a file."""

    first: Month
    last: Month


@dataclass
class PoliceExport:
    name: str
    kind: str                              # monthly, local, year
    month: Month                           # the month the export is about
    snapshot: datetime                     # versions recorded up to this moment
    style: CsvStyle
    feed: Feed
    changed_after: datetime | None = None  # monthly: records changed after this
    detected: tuple[date, date] | None = None  # local, year: detection dates covered
    district: str | None = None            # local: the unit's district
    resent_as: str | None = None           # byte-identical copy under this name
    bad_rows: list[str] = field(default_factory=list)

    @property
    def description(self) -> str:
        what = {"monthly": "monthly export", "local": "district unit export", "year": "whole-year export"}
        return f"{what[self.kind]} ({self.style.encoding})"

    def pick(self, case: Case, inv: Involvement) -> Version | None:
        if self.kind == "monthly":
            return inv.as_of(self.snapshot) if inv.changed_within(self.changed_after, self.snapshot) else None
        if not (self.detected[0] <= case.detected_on <= self.detected[1]):
            return None
        if self.district and case.place.district_id != self.district:
            return None
        return inv.as_of(self.snapshot)


@dataclass
class CultureExport:
    name: str
    file_date: date
    schema: int
    changed_after: datetime | None
    snapshot: datetime
    feed: Feed
    bom: bool = False
    resend_of: str | None = None   # an old export sent again: its selection, part of its lines
    bad_rows: list[str] = field(default_factory=list)   # bad lines

    @property
    def description(self) -> str:
        what = f"resend of {self.resend_of}" if self.resend_of else "monthly export"
        return f"{what} (schema v{self.schema})"

    def pick(self, inspection: Inspection) -> list[InspectionState]:
        """States recorded in the window, oldest first (two of them: the id twice in the file)."""
        after = self.changed_after
        return [s for s in inspection.history
                if (after is None or after < s.recorded_at) and s.recorded_at <= self.snapshot]


@dataclass
class LaborRegister:
    name: str
    file_date: date
    started: tuple[date, date]     # support start dates the register lists
    feed: Feed
    bom: bool = True
    newline: str = "\n"
    whole: bool = False            # the whole register resent from its beginning
    bad_rows: list[str] = field(default_factory=list)

    @property
    def description(self) -> str:
        return "whole register" if self.whole else "quarterly register"

    def pick(self, record: SupportRecord) -> SupportRecord | None:
        if self.started[0] <= record.started_on <= min(self.started[1], self.file_date):
            return record.as_of(self.file_date)
        return None


@dataclass(frozen=True)
class BadFile:
    agency: str
    kind: str
    name: str
    day: date


@dataclass
class Plan:
    police: list[PoliceExport]
    culture: list[CultureExport]
    labor: list[LaborRegister]
    health_bad: dict[Month, list[str]]   # bad versions to add to a month's workbooks
    bad_files: list[BadFile]


class _Names:
    """File names of one agency: unique, and for culture/labor one file per date
    (the date in the name orders their revisions)."""

    def __init__(self, pattern: str, one_per_date: bool, last_day: date):
        self.pattern, self.one_per_date, self.last_day = pattern, one_per_date, last_day
        self.taken: set[str] = set()
        self.dates: set[date] = set()

    def take(self, day: date) -> str | None:
        if self.one_per_date:
            while day in self.dates:
                day += days(1)
            if day > self.last_day:
                return None
            self.dates.add(day)
        name = self.pattern.format(d=day, suffix="")
        n = 1
        while name in self.taken:
            n += 1
            name = self.pattern.format(d=day, suffix=f"_{n}")
        self.taken.add(name)
        return name


def plan_deliveries(world: World) -> Plan:
    end = world.date_to
    police_names = _Names("police_cases_{d:%Y%m%d}{suffix}.csv", False, end)
    culture_names = _Names("culture_inspections_{d:%Y%m%d}.jsonl", True, end)
    labor_names = _Names("labor_support_{d:%Y%m%d}.csv", True, end)
    police = _police_exports(world, police_names)
    culture = _culture_exports(world, culture_names)
    labor = _labor_registers(world, labor_names)
    health_bad = _health_bad_versions(world)
    bad_files = _bad_files(world, police_names, culture_names, labor_names)
    _place_bad_rows(world, police, culture, labor)
    _police_resends(world, police, police_names)
    return Plan(police, culture, labor, health_bad, bad_files)


# -- police ----------------------------------------------------------------------------
_SHOWCASE_STYLES = (
    CsvStyle(),
    CsvStyle(encoding="utf-8", delimiter=";", newline="\r\n", header="nfd", decomposed_rows=0.3),
    CsvStyle(encoding="cp1258", delimiter=";", newline="\r\n", header="upper", short_dates=0.3),
    CsvStyle(newline="\r\n", header="spaced", decomposed_rows=1.0, other_tones=0.3),
    CsvStyle(delimiter=";", header="lower", short_dates=0.25, capitalised=True),
)


def _police_exports(world: World, names: _Names) -> list[PoliceExport]:
    exports: list[PoliceExport] = []
    previous: datetime | None = None
    monthly_index = 0
    for month in world.months:
        day = min(month.plus(1).day(5), world.date_to)
        snapshot = at(day, 6)
        if previous and snapshot <= previous:
            continue
        rng = world.rng("police-export", month)
        if monthly_index < len(_SHOWCASE_STYLES):  # the first exports show every style at once
            style = _SHOWCASE_STYLES[monthly_index]
            if monthly_index == 2:
                style = _with_other_columns(style, rng)
        else:
            style = _monthly_style(rng)
            if rng.random() < 0.25:
                style = _with_other_columns(style, rng)
        feed_from = Month.of((previous or at(world.date_from)) - POLICE_CHANGE_LAG)
        exports.append(PoliceExport(names.take(day), "monthly", month, snapshot, style,
                                    Feed(feed_from, Month.of(day)), changed_after=previous))
        previous = snapshot
        monthly_index += 1

        district = world.local_unit(month)
        local_day = month.plus(1).day(18)
        if district and local_day <= world.date_to:
            exports.append(PoliceExport(
                names.take(local_day), "local", month, at(month.plus(1).first, 6), _local_style(rng),
                Feed(month, month), detected=(month.first, month.last), district=district))

    for year in sorted({m.year for m in world.months}):
        day = date(year + 1, 1, 20)
        if day <= world.date_to:
            months = [m for m in world.months if m.year == year]
            exports.append(PoliceExport(
                names.take(day), "year", months[-1], at(day, 6),
                CsvStyle(short_dates=0.05, other_tones=0.05), Feed(months[0], months[-1]),
                detected=(date(year, 1, 1), date(year, 12, 31))))
    return exports


def _police_resends(world: World, exports: list[PoliceExport], names: _Names) -> None:
    """Some monthly exports are sent twice, byte for byte (never one carrying bad rows)."""
    candidates = [e for e in exports if e.kind == "monthly" and not e.bad_rows]
    for k, export in enumerate(candidates):
        if k == len(candidates) // 2 or world.rng("police-resend", export.name).random() < 0.05:
            export.resent_as = names.take(_date_in(export.name))


def _monthly_style(rng: random.Random) -> CsvStyle:
    encoding = rng.choices(("utf-8-sig", "utf-8", "cp1258"), (65, 25, 10))[0]
    return CsvStyle(
        encoding=encoding,
        delimiter=";" if encoding == "cp1258" or rng.random() < 0.4 else ",",
        newline="\r\n" if rng.random() < 0.35 else "\n",
        header=rng.choices(("canonical", "nfd", "upper", "lower", "spaced"), (60, 12, 8, 8, 12))[0],
        decomposed_rows=rng.choices((0.0, 0.1, 1.0), (70, 20, 10))[0],
        short_dates=rng.choices((0.0, 0.25), (70, 30))[0],
        other_tones=rng.choice((0.02, 0.15)),
        capitalised=rng.random() < 0.1,
    )


def _local_style(rng: random.Random) -> CsvStyle:
    return CsvStyle(encoding="cp1258" if rng.random() < 0.7 else "utf-8", delimiter=";", newline="\r\n",
                    short_dates=0.2, other_tones=0.1)


def _with_other_columns(style: CsvStyle, rng: random.Random) -> CsvStyle:
    """Columns in another order, some extra columns the reader must ignore."""
    columns = list(style.columns)
    rng.shuffle(columns)
    for extra in rng.sample(EXTRA_POLICE_COLUMNS, rng.randint(1, 3)):
        columns.insert(0 if extra == "STT" else rng.randrange(len(columns) + 1), extra)
    return replace(style, columns=tuple(columns))


# -- culture ---------------------------------------------------------------------------
def _culture_exports(world: World, names: _Names) -> list[CultureExport]:
    exports: list[CultureExport] = []
    previous: datetime | None = None
    for month in world.months:
        day = min(month.plus(1).day(10), world.date_to)
        if previous and at(day, 6) <= previous:
            continue
        name = names.take(day)
        if name is None:
            continue
        day = _date_in(name)
        rng = world.rng("culture-export", month)
        feed_from = Month.of((previous or at(world.date_from)) - INSPECTION_CHANGE_LAG)
        exports.append(CultureExport(name, day, 1 if day < V2_FROM else 2, previous, at(day, 6),
                                     Feed(feed_from, Month.of(day)), bom=rng.random() < 0.08))
        previous = at(day, 6)

    # Old v1 exports sent again after the application changed (or later, in a short range).
    v1 = [e for e in exports if e.schema == 1]
    for original in v1[:: max(1, len(v1) // 2)][:2]:
        resend_day = max(V2_FROM, original.file_date + days(200)).replace(day=15)
        name = names.take(resend_day) if resend_day <= world.date_to else None
        if name:
            exports.append(CultureExport(name, _date_in(name), 1, original.changed_after, original.snapshot,
                                         original.feed, resend_of=original.name))
    return exports


# -- labor -----------------------------------------------------------------------------
def _labor_registers(world: World, names: _Names) -> list[LaborRegister]:
    registers: list[LaborRegister] = []
    quarters = sorted({Month(m.year, (m.month - 1) // 3 * 3 + 1) for m in world.months})
    for quarter in quarters:
        day = min(quarter.plus(3).day(10), world.date_to)
        name = names.take(day)
        if name is None:
            continue
        rng = world.rng("labor-register", quarter)
        covered = (quarter.plus(-9).first, quarter.plus(2).last)
        registers.append(LaborRegister(name, _date_in(name), covered, _labor_feed(covered),
                                       bom=rng.random() < 0.6, newline="\r\n" if rng.random() < 0.2 else "\n"))
    # Once, the whole register from its beginning.
    middle = world.months[len(world.months) // 2]
    name = names.take(middle.day(20)) if middle.day(20) <= world.date_to else None
    if name:
        covered = (world.date_from - SUPPORT_BEFORE_DETECTION, middle.day(20))
        registers.append(LaborRegister(name, _date_in(name), covered, _labor_feed(covered), whole=True))
    return registers


def _labor_feed(started: tuple[date, date]) -> Feed:
    return Feed(Month.of(started[0] - SUPPORT_AFTER_DETECTION), Month.of(started[1] + SUPPORT_BEFORE_DETECTION))


# -- bad input -------------------------------------------------------------------------
def _health_bad_versions(world: World) -> dict[Month, list[str]]:
    """Each bad workbook is a later version of a month that has a good one, so a reader
    that wrongly accepts it changes the month's figures."""
    reported = [m for m in world.months if world.health_period(m)[1] <= world.date_to]
    bad: dict[Month, list[str]] = {}
    for k, kind in enumerate(HEALTH_BAD_VERSIONS):
        if reported:
            bad.setdefault(reported[(len(reported) * (2 * k + 1)) // 7], []).append(kind)
    return bad


def _bad_files(world: World, police: _Names, culture: _Names, labor: _Names) -> list[BadFile]:
    span = (world.date_to - world.date_from).days
    files = []
    for k, (agency, kind) in enumerate(BAD_FILES):
        day = world.date_from + days(span * (k + 2) // (len(BAD_FILES) + 3))
        day = day.replace(day=min(day.day, 27))
        if kind == "misnamed":
            name = {"police": f"police_cases_{day:%d-%m-%Y}.csv",
                    "health": f"health_{day:%m_%Y}.xlsx",
                    "culture": f"culture_inspections_{day:%Y%m%d}.json",
                    "labor": f"labor_support_{day:%Y-%m-%d}.csv"}[agency]
        else:
            name = {"police": police, "labor": labor}[agency].take(day)
        if name:
            files.append(BadFile(agency, kind, name, day))
    return files


def _place_bad_rows(world: World, police: list[PoliceExport], culture: list[CultureExport],
                    labor: list[LaborRegister]) -> None:
    """Spread the bad rows evenly over the files, each kind at least once."""
    monthly = [e for e in police if e.kind == "monthly"]
    for kind, host in _spread(POLICE_BAD_ROWS, monthly):
        if kind == "ambiguous_area" and not world.geo.ambiguous_name(host.month.day(10)):
            host = next((e for e in monthly if world.geo.ambiguous_name(e.month.day(10))), None)
        if host:
            host.bad_rows.append(kind)
    local = [e for e in police if e.kind == "local" and e.style.encoding == "cp1258"]
    if local:  # a bad row in Windows-1258 too
        local[len(local) // 2].bad_rows.append("unreadable_money")
    for kind, host in _spread(CULTURE_BAD_LINES, [e for e in culture if not e.resend_of]):
        host.bad_rows.append(kind)
    for kind, host in _spread(LABOR_BAD_ROWS, [r for r in labor if not r.whole]):
        host.bad_rows.append(kind)


def _spread(kinds: tuple[str, ...], hosts: list):
    for k, kind in enumerate(kinds):
        if hosts:
            yield kind, hosts[(2 * k + 1) * len(hosts) // (2 * len(kinds))]


def _date_in(name: str) -> date:
    digits = "".join(ch for ch in name if ch.isdigit())[:8]
    return date(int(digits[:4]), int(digits[4:6]), int(digits[6:8]))
