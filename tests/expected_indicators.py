"""The published indicator values, computed independently from the generator's truth.

A second reading of ../shared/contracts/marts.md in plain Python, used only by
test_indicators_end_to_end.py: it shares nothing with the dbt project (no SQL, no seed, no
macro) except the reference list of units. The registry, the two calendars, the coverage
of each agency, the grid of areas and the disclosure rules are written out here again from
the contract's text, so a misreading on either side shows up as a failing test.

    expected_values(truth, areas) -> {(indicator, area_id, period_id, sex): Expected}

gives every row indicator_values must have, before disclosure control (`Expected.flag` is
`undefined` or `incomplete` only); `suppressed_cells(expected)` gives the rows disclosure
control must hide. Small data only: everything is in memory.
"""

from __future__ import annotations

import calendar as month_lengths
import csv
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Callable, Iterable

import numpy as np

CITY = "01"
SEXES = ("T", "F", "M")
POLICE_SEX = {"Nữ": "F", "Nam": "M"}
LABOR_SEX = {"nu": "F", "nam": "M"}

SELLER = "người bán dâm"
ORGANISER_ROLES = {"chủ chứa", "người môi giới", "người tổ chức"}
SANCTION = "Xử phạt hành chính"
PROSECUTION = "Khởi tố hình sự"
LINK_DAYS = 180


# -- the registry (marts.md, "Indicator registry") -------------------------------------------

@dataclass(frozen=True)
class Indicator:
    code: str
    unit: str                   # count, vnd, ratio
    disclosure: str             # public, small_cell
    sexes: tuple[str, ...]
    agencies: tuple[str, ...]
    numerator: str | None = None
    denominator: str | None = None


def _indicators() -> dict[str, Indicator]:
    rows = [
        # code, unit, disclosure, sexes, agency[, numerator, denominator]
        ("VIO_CASES", "count", "public", "T", "police"),
        ("VIO_CASES_CRIMINAL", "count", "public", "T", "police"),
        ("VIO_PERSONS", "count", "small_cell", "TFM", "police"),
        ("VIO_SELLERS", "count", "small_cell", "TFM", "police"),
        ("VIO_BUYERS", "count", "small_cell", "TFM", "police"),
        ("VIO_ORGANISERS", "count", "small_cell", "TFM", "police"),
        ("VIO_TRAFFICKING_VICTIMS", "count", "small_cell", "TFM", "police"),
        ("VIO_FINES_VND", "vnd", "public", "T", "police"),
        ("INS_INSPECTIONS", "count", "public", "T", "culture"),
        ("INS_WITH_MD_FINDING", "count", "public", "T", "culture"),
        ("INS_MD_FINDING_RATE", "ratio", "public", "T", "culture", "INS_WITH_MD_FINDING", "INS_INSPECTIONS"),
        ("INS_LICENCES_REVOKED", "count", "public", "T", "culture"),
        ("INS_PENALTIES_VND", "vnd", "public", "T", "culture"),
        ("HLT_REACHED", "count", "small_cell", "TFM", "health"),
        ("HLT_HIV_TESTED", "count", "small_cell", "T", "health"),
        ("HLT_HIV_POSITIVE", "count", "small_cell", "T", "health"),
        ("HLT_HIV_POSITIVITY", "ratio", "small_cell", "T", "health", "HLT_HIV_POSITIVE", "HLT_HIV_TESTED"),
        ("HLT_ART_INITIATED", "count", "small_cell", "T", "health"),
        ("HLT_STI_EXAMINED", "count", "small_cell", "T", "health"),
        ("HLT_METHADONE_ENROLLED", "count", "small_cell", "T", "health"),
        ("HLT_CONDOMS", "count", "public", "T", "health"),
        ("SUP_RECORDS", "count", "public", "T", "labor"),
        ("SUP_PERSONS", "count", "small_cell", "TFM", "labor"),
        ("SUP_VOCATIONAL", "count", "small_cell", "T", "labor"),
        ("SUP_JOB_PLACEMENT", "count", "small_cell", "T", "labor"),
        ("SUP_FOLLOWED_UP", "count", "small_cell", "T", "labor"),
        ("SUP_STABLE_WORK", "count", "small_cell", "T", "labor"),
        ("SUP_STABLE_WORK_RATE", "ratio", "small_cell", "T", "labor", "SUP_STABLE_WORK", "SUP_FOLLOWED_UP"),
        ("SUP_REOFFENDED", "count", "small_cell", "T", "labor"),
        ("LNK_SELLERS_SANCTIONED", "count", "small_cell", "TFM", "police+labor"),
        ("LNK_SELLERS_SUPPORTED_180D", "count", "small_cell", "TFM", "police+labor"),
        ("LNK_SUPPORT_RATE_180D", "ratio", "small_cell", "TFM", "police+labor",
         "LNK_SELLERS_SUPPORTED_180D", "LNK_SELLERS_SANCTIONED"),
    ]
    return {code: Indicator(code, unit, disclosure, tuple(sexes), tuple(agency.split("+")), *parts)
            for code, unit, disclosure, sexes, agency, *parts in rows}


INDICATORS = _indicators()


# -- periods (marts.md, "marts.dim_period") ---------------------------------------------------

@dataclass(frozen=True)
class Period:
    period_id: str
    calendar: str               # calendar, reporting
    period_type: str            # month, quarter, half, year
    start: date
    end: date                   # inclusive
    months: tuple[str, ...]     # ids of the months of the same calendar it is made of

    def __contains__(self, day: date) -> bool:
        return self.start <= day <= self.end


def _month_end(year: int, month: int) -> date:
    return date(year, month, month_lengths.monthrange(year, month)[1])


def _previous_15th(year: int, month: int) -> date:
    """The 15th of the month before (year, month): where a reporting period starting with it begins."""
    return date(year - 1, 12, 15) if month == 1 else date(year, month - 1, 15)


def periods(years: Iterable[int]) -> list[Period]:
    """Every period of both calendars in `years`, bounds written from the contract's words."""
    spans = {"month": [(m, m) for m in range(1, 13)], "quarter": [(3 * q - 2, 3 * q) for q in range(1, 5)],
             "half": [(1, 6), (7, 12)], "year": [(1, 12)]}
    found = []
    for year in years:
        for period_type, ranges in spans.items():
            for n, (first, last) in enumerate(ranges, start=1):
                name = {"month": f"{year}-{first:02d}", "quarter": f"{year}-Q{n}",
                        "half": f"{year}-H{n}", "year": f"{year}"}[period_type]
                months = tuple(f"{year}-{m:02d}" for m in range(first, last + 1))
                found.append(Period(name, "calendar", period_type, date(year, first, 1),
                                    _month_end(year, last), months))
                # reporting: from the 15th of the month before the first month to the 14th of the last
                found.append(Period("R" + name, "reporting", period_type, _previous_15th(year, first),
                                    date(year, last, 14), tuple("R" + m for m in months)))
    return found


# -- areas (marts.md, "Areas"; ../shared/reference/admin_units.csv) ----------------------------

@dataclass(frozen=True)
class Area:
    area_id: str
    level: str                  # city, district, commune
    valid_from: date
    valid_to: date | None

    def valid_during(self, period: Period) -> bool:
        return self.valid_from <= period.end and (self.valid_to is None or self.valid_to >= period.start)


def published_areas(admin_units_csv: Path) -> list[Area]:
    """The city, the district-level and the commune-level units (old wards stay internal)."""
    with open(admin_units_csv, encoding="utf-8", newline="") as f:
        return [Area(row["area_id"], row["level"], date.fromisoformat(row["valid_from"]),
                     date.fromisoformat(row["valid_to"]) if row["valid_to"] else None)
                for row in csv.DictReader(f) if row["level"] in ("city", "district", "commune")]


# -- what each agency measures in one cell (a list of its events in one area, or the city) ----

def police_measures(person_sex: dict[str, str]) -> Callable[[list], dict]:
    """VIO_ from the (case, person) pairs in force of a cell; persons are distinct in the cell."""
    person_roles = {
        "VIO_PERSONS": lambda role: True,
        "VIO_SELLERS": lambda role: role == SELLER,
        "VIO_BUYERS": lambda role: role == "người mua dâm",
        "VIO_ORGANISERS": lambda role: role in ORGANISER_ROLES,
        "VIO_TRAFFICKING_VICTIMS": lambda role: role == "nạn nhân bị mua bán",
    }

    def measure(pairs: list) -> dict:
        values = {
            ("VIO_CASES", "T"): len({p.case_id for p in pairs}),
            ("VIO_CASES_CRIMINAL", "T"): len({p.case_id for p in pairs if p.handling == PROSECUTION}),
            ("VIO_FINES_VND", "T"): sum(p.fine_vnd or 0 for p in pairs),
        }
        for code, has_role in person_roles.items():
            values.update(_persons_by_sex(code, {p.identity for p in pairs if has_role(p.role)}, person_sex))
        return values

    return measure


def culture_measures(inspections: list) -> dict:
    return {
        ("INS_INSPECTIONS", "T"): len(inspections),
        ("INS_WITH_MD_FINDING", "T"): sum(any(c.startswith("MD") for c in i.finding_codes) for i in inspections),
        ("INS_LICENCES_REVOKED", "T"): sum(i.license_action == "revoked" for i in inspections),
        ("INS_PENALTIES_VND", "T"): sum(i.penalty_vnd for i in inspections),
    }


def labor_measures(person_sex: dict[str, str]) -> Callable[[list], dict]:
    def measure(records: list) -> dict:
        followed_up = [r for r in records if r.followup_outcome is not None]
        return {
            ("SUP_RECORDS", "T"): len(records),
            ("SUP_VOCATIONAL", "T"): sum(r.support_kind == "hoc_nghe" for r in records),
            ("SUP_JOB_PLACEMENT", "T"): sum(r.support_kind == "gioi_thieu_viec_lam" for r in records),
            ("SUP_FOLLOWED_UP", "T"): len(followed_up),
            ("SUP_STABLE_WORK", "T"): sum(r.followup_outcome == "viec_lam_on_dinh" for r in followed_up),
            ("SUP_REOFFENDED", "T"): sum(r.followup_outcome == "tai_pham" for r in followed_up),
            **_persons_by_sex("SUP_PERSONS", {r.identity for r in records}, person_sex),
        }

    return measure


def link_measures(person_sex: dict[str, str], support_starts: dict[str, list[date]]) -> Callable[[list], dict]:
    """LNK_ from the sanctioned seller detections of a cell: a person is supported when any of
    their labor records starts 0–180 days after their first such detection in the cell."""
    def measure(detections: list) -> dict:
        first_detection: dict[str, date] = {}
        for d in detections:
            first_detection[d.identity] = min(d.detected_on, first_detection.get(d.identity, d.detected_on))
        supported = {person for person, first in first_detection.items()
                     if any(0 <= (start - first).days <= LINK_DAYS for start in support_starts.get(person, ()))}
        return {**_persons_by_sex("LNK_SELLERS_SANCTIONED", set(first_detection), person_sex),
                **_persons_by_sex("LNK_SELLERS_SUPPORTED_180D", supported, person_sex)}

    return measure


def health_measures(area_months: list[dict[str, int]]) -> dict:
    """HLT_ of a cell: the sums of its monthly figures (one dict per month and area)."""
    def total(field: str) -> int:
        return sum(values[field] for values in area_months)

    return {
        ("HLT_REACHED", "T"): total("reached_female") + total("reached_male"),
        ("HLT_REACHED", "F"): total("reached_female"),
        ("HLT_REACHED", "M"): total("reached_male"),
        ("HLT_HIV_TESTED", "T"): total("hiv_tested"),
        ("HLT_HIV_POSITIVE", "T"): total("hiv_positive"),
        ("HLT_ART_INITIATED", "T"): total("art_initiated"),
        ("HLT_STI_EXAMINED", "T"): total("sti_examined"),
        ("HLT_METHADONE_ENROLLED", "T"): total("methadone_enrolled"),
        ("HLT_CONDOMS", "T"): total("condoms"),
    }


def _persons_by_sex(code: str, persons: set[str], person_sex: dict[str, str]) -> dict:
    return {(code, "T"): len(persons),
            (code, "F"): sum(person_sex[p] == "F" for p in persons),
            (code, "M"): sum(person_sex[p] == "M" for p in persons)}


# -- the whole table ---------------------------------------------------------------------------

@dataclass(frozen=True)
class Expected:
    value: float | None
    numerator: int | None = None
    denominator: int | None = None
    flag: str | None = None     # before disclosure control: None, undefined or incomplete


Key = tuple[str, str, str, str]     # indicator, area_id, period_id, sex


@dataclass(frozen=True)
class _Source:
    """One agency's events with the day each counts on and the area it counts in."""

    events: list
    day: Callable
    area: Callable
    measure: Callable[[list], dict]


def health_month_ids(truth) -> dict[tuple[int, int], str]:
    """The month period each workbook reports, in the calendar its stated dates match."""
    found = {}
    for (year, month), report in truth.health.items():
        calendar_month = (date(year, month, 1), _month_end(year, month))
        reporting_month = (_previous_15th(year, month), date(year, month, 14))
        stated = (report.period_start, report.period_end)
        assert stated in (calendar_month, reporting_month), f"health {year}-{month:02d} states {stated}"
        found[(year, month)] = ("R" if stated == reporting_month else "") + f"{year}-{month:02d}"
    return found


def expected_values(truth, areas: list[Area]) -> dict[Key, Expected]:
    """Every row of marts.indicator_values before disclosure control, from the truth alone."""
    pairs = sorted(truth.police_in_force, key=lambda p: p.updated_at)
    police_sex = {p.identity: POLICE_SEX[p.sex] for p in pairs}     # the latest record speaks
    labor = list(truth.labor.values())
    labor_sex = {r.identity: LABOR_SEX[r.sex] for r in labor}
    support_starts = defaultdict(list)
    for record in labor:
        support_starts[record.identity].append(record.started_on)
    sanctioned = [p for p in pairs if p.role == SELLER and p.handling == SANCTION]

    sources = {
        "police": _Source(pairs, lambda p: p.detected_on, lambda p: p.area_id, police_measures(police_sex)),
        "culture": _Source(list(truth.inspections.values()), lambda i: i.inspected_on, lambda i: i.area_id,
                           culture_measures),
        "labor": _Source(labor, lambda r: r.started_on, lambda r: r.area_id, labor_measures(labor_sex)),
        # a cross-agency link counts on the police detection, in its area
        "police+labor": _Source(sanctioned, lambda p: p.detected_on, lambda p: p.area_id,
                                link_measures(police_sex, support_starts)),
    }
    health_months = health_month_ids(truth)
    days = [s.day(e) for s in sources.values() for e in s.events] + [r.period_end for r in truth.health.values()]
    all_periods = periods(range(min(days).year, max(days).year + 2))   # + the reporting year starting 15 Dec
    # an agency covers every period overlapping the span of its event dates
    spans = {agency: (min(map(s.day, s.events)), max(map(s.day, s.events)))
             for agency, s in sources.items() if agency != "police+labor"}
    covers = {agency: {p.period_id for p in all_periods if p.start <= last and p.end >= first}
              for agency, (first, last) in spans.items()}
    covers["police+labor"] = covers["police"] & covers["labor"]

    measured: dict[Key, int] = {}               # (code, area, period, sex) -> count
    flags: dict[tuple[str, str], str] = {}      # (agency, period) -> incomplete
    for period in all_periods:
        below = [a.area_id for a in areas if a.level != "city" and a.valid_during(period)]
        for agency, source in sources.items():
            if period.period_id not in covers[agency]:
                continue
            inside = [e for e in source.events if source.day(e) in period]
            by_area = defaultdict(list)
            for event in inside:
                by_area[source.area(event)].append(event)
            assert set(by_area) <= set(below), f"{agency} events outside the published units of {period}"
            cells = {CITY: inside, **{area_id: by_area[area_id] for area_id in below}}
            for area_id, events in cells.items():
                for (code, sex), value in source.measure(events).items():
                    measured[code, area_id, period.period_id, sex] = value
        _health(truth, health_months, period, below, measured, flags)

    return _rows(measured, flags)


def _health(truth, month_ids: dict, period: Period, below: list[str], measured: dict, flags: dict) -> None:
    """Health: the workbooks of the months of `period` in its own calendar, when it has any."""
    reported = [truth.health[ym] for ym, month_id in month_ids.items() if month_id in period.months]
    if not reported:
        return
    if len(reported) < len(period.months):
        flags["health", period.period_id] = "incomplete"
    for report in reported:
        assert set(report.values) <= set(below), f"health {report.year}-{report.month} outside {period}"
    cells = {CITY: [v for r in reported for v in r.values.values()],
             **{area_id: [r.values[area_id] for r in reported if area_id in r.values] for area_id in below}}
    for area_id, months in cells.items():
        for (code, sex), value in health_measures(months).items():
            measured[code, area_id, period.period_id, sex] = value


def _rows(measured: dict, flags: dict) -> dict[Key, Expected]:
    """Counts as they are, ratios from the counts of the same cell, flags of the cell."""
    rows = {}
    cells = {(area, period) for (_, area, period, _) in measured}
    for indicator in INDICATORS.values():
        agency = "+".join(indicator.agencies)
        for area, period in cells:
            for sex in indicator.sexes:
                part = indicator.numerator or indicator.code
                if (part, area, period, sex) not in measured:
                    continue     # the agency does not cover the period
                incomplete = flags.get((agency, period))
                if indicator.unit != "ratio":
                    rows[indicator.code, area, period, sex] = Expected(
                        float(measured[indicator.code, area, period, sex]), flag=incomplete)
                    continue
                numerator = measured[indicator.numerator, area, period, sex]
                denominator = measured[indicator.denominator, area, period, sex]
                rows[indicator.code, area, period, sex] = Expected(
                    numerator / denominator if denominator else None, numerator, denominator,
                    "undefined" if denominator == 0 else incomplete)
    return rows


# -- disclosure control (marts.md, "Disclosure control (version 2)") --------------------------

ADDITIVE_EXCEPT = {"VIO_PERSONS", "VIO_SELLERS", "VIO_BUYERS", "VIO_ORGANISERS", "VIO_TRAFFICKING_VICTIMS",
                   "SUP_PERSONS", "LNK_SELLERS_SANCTIONED", "LNK_SELLERS_SUPPORTED_180D"}
CHILD_TYPE = {"year": "half", "half": "quarter", "quarter": "month"}


def additive(code: str) -> bool:
    """Rule 8: counts and sums add up over areas and periods, distinct persons and ratios do not."""
    return INDICATORS[code].unit != "ratio" and code not in ADDITIVE_EXCEPT


def _systems(expected: dict[Key, Expected]) -> list["_System"]:
    """The small-cell counts below the city, one indicator × calendar year at a time."""
    years = {int(p.lstrip("R")[:4]) for (_, _, p, _) in expected}
    known = {p.period_id: p for p in periods(range(min(years), max(years) + 1))}
    systems: dict[tuple[str, str], dict[Key, float]] = defaultdict(dict)
    for key, row in expected.items():
        code, area, period, _ = key
        if INDICATORS[code].disclosure == "small_cell" and INDICATORS[code].unit == "count" and area != CITY:
            systems[code, period.split("-")[0]][key] = row.value
    return [_System(values, known) for values in systems.values()]


def recoverable(expected: dict[Key, Expected], hidden: set[Key]) -> set[Key]:
    """The hidden counts an attacker determines from the shown values and the exact relations."""
    return {key for system in _systems(expected) for key in system.determined(hidden & system.values.keys())}


def suppressed_cells(expected: dict[Key, Expected]) -> set[Key]:
    """The rows the rules hide: small-cell counts below the city by rules 1–5 and the audit
    (rule 8), one indicator × calendar year at a time (no rule or relation crosses them), then
    ratios with their parts (rule 6)."""
    hidden: set[Key] = set()
    for system in _systems(expected):
        hidden |= system.protect()
    for (code, area, period, sex) in expected:
        indicator = INDICATORS[code]
        if indicator.unit == "ratio" and indicator.disclosure == "small_cell" and area != CITY and (
                (indicator.numerator, area, period, sex) in hidden
                or (indicator.denominator, area, period, sex) in hidden):
            hidden.add((code, area, period, sex))
    return hidden


class _System:
    """One indicator × calendar year: its cells below the city, the groups the rules look at,
    and the exact relations the audit solves."""

    def __init__(self, values: dict[Key, float], known: dict[str, Period]):
        self.values = values
        self.start = {key: known[key[2]].start for key in values}
        by_cell, by_area_group, by_series = defaultdict(dict), defaultdict(list), defaultdict(list)
        for key in values:
            code, area, period, sex = key
            by_cell[code, area, period][sex] = key
            by_area_group[period, sex].append(key)
            by_series[area, sex].append(key)
        self.sexes = [cell for cell in by_cell.values() if len(cell) == 3]
        self.area_groups = [sorted(g, key=lambda k: k[1]) for g in by_area_group.values()]
        self.period_relations = []      # (parent, [children])
        for key in values:
            code, area, period, sex = key
            kind = known[period]
            if kind.period_type not in CHILD_TYPE:
                continue
            children = [k for k in by_series[area, sex] if known[k[2]].calendar == kind.calendar
                        and known[k[2]].period_type == CHILD_TYPE[kind.period_type]
                        and kind.start <= known[k[2]].start and known[k[2]].end <= kind.end]
            if children:
                self.period_relations.append((key, children))
        exact = [[cell["T"], cell["F"], cell["M"]] for cell in self.sexes]
        self.signs = [[1, -1, -1]] * len(exact)
        if additive(next(iter(values))[0]):
            for group in self.area_groups:           # city − Σ areas = 0 (the city is published)
                exact.append(group)
                self.signs.append([1] * len(group))
            for parent, children in self.period_relations:
                exact.append([parent, *children])
                self.signs.append([1] + [-1] * len(children))
        self.exact = exact

    def protect(self) -> set[Key]:
        hidden = {key for key, value in self.values.items() if 1 <= value <= 4}       # rule 1
        self.rounds(hidden)
        while True:                                                                      # rule 8
            found = self.determined(hidden)
            if not found:
                return hidden
            near = {k for relation in self.exact if found & set(relation) for k in relation} - hidden
            if not near:
                return hidden          # nothing left to suppress: the release must be refused
            hidden.add(min(near, key=lambda k: (self.values[k] == 0, self.values[k], k[3], k[2], k[1])))
            self.rounds(hidden)

    def rounds(self, hidden: set[Key]) -> None:
        """Rules 2, 3 and 4 in rounds (rule 5), each judged on the state at its start."""
        while True:
            before = set(hidden)
            start = set(hidden)                                                          # rule 2
            for cell in self.sexes:
                if cell["T"] in start or (cell["F"] in start) != (cell["M"] in start):
                    hidden |= {cell["F"], cell["M"]}
            start = set(hidden)                                                          # rule 3
            for group in self.area_groups:
                if sum(k in start for k in group) == 1:
                    shown = [k for k in group if k not in start]
                    if shown:
                        hidden.add(min(shown, key=lambda k: (self.values[k] == 0, self.values[k], k[1])))
            start = set(hidden)                                                          # rule 4
            for parent, children in self.period_relations:
                if sum(k in start for k in [parent, *children]) == 1:
                    shown = [k for k in children if k not in start]
                    if shown:
                        hidden.add(min(shown, key=lambda k: (self.values[k] == 0, self.values[k], self.start[k])))
                    elif parent not in start:
                        hidden.add(parent)
            if hidden == before:
                return

    def determined(self, hidden: set[Key]) -> set[Key]:
        """Hidden cells with a unique value: each block of unknowns joined by exact relations,
        solved by a singular value decomposition (a cell is determined when the null space of
        its block has no component along it)."""
        relations = [(r, s) for r, s in zip(self.exact, self.signs) if hidden & set(r)]
        parent = {k: k for k in hidden}

        def root(k):
            while parent[k] != k:
                parent[k] = parent[parent[k]]
                k = parent[k]
            return k

        for relation, _ in relations:
            unknown = [k for k in relation if k in hidden]
            for k in unknown[1:]:
                parent[root(k)] = root(unknown[0])
        blocks, block_relations = defaultdict(list), defaultdict(list)
        for k in hidden:
            blocks[root(k)].append(k)
        for relation, signs in relations:
            block_relations[root(next(k for k in relation if k in hidden))].append((relation, signs))
        found = set()
        for block, members in blocks.items():
            column = {k: j for j, k in enumerate(members)}
            rows = []
            for relation, signs in block_relations[block]:
                row = np.zeros(len(members))
                for k, sign in zip(relation, signs):
                    if k in column:
                        row[column[k]] = sign
                rows.append(row)
            if not rows:
                continue
            a = np.array(rows)
            _, singular, vt = np.linalg.svd(a, full_matrices=a.shape[0] < a.shape[1])
            rank = int((singular > 1e-9 * max(singular.max(), 1)).sum())
            null = vt[rank:]
            for k, j in column.items():
                if np.linalg.norm(null[:, j]) < 1e-6:
                    found.add(k)
        return found
