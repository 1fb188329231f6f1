"""Hanoi's units as the reference lists them, and the ways senders name them.

Every event happens at a *place*: one row of crosswalk_2025.csv, i.e. (part of) an old
ward and the 2025 commune-level unit that part went to. The same place is named by its
district or ward before 1 July 2025 and by its commune after, and a place of the former
Huyện Từ Liêm is named by that district before 28 December 2013 (its wards only enter
the reference list with the split).

A rendering (code, name) is only used for a good row when it places the row
unambiguously under the most forgiving comparison a reader could use (accents, tone
placement and case ignored); `ambiguous_name` and `invalid_name` give the opposite.
"""

from __future__ import annotations

import bisect
import csv
import random
import re
from collections import Counter
from dataclasses import dataclass
from datetime import date
from functools import cached_property
from itertools import accumulate
from pathlib import Path

from pipelines.config import REFERENCE_SEEDS_DIR
from pipelines.generate.vietnamese import nfc, without_accents

TU_LIEM_SPLIT = date(2013, 12, 28)
REFORM_2025 = date(2025, 7, 1)

TYPE_PREFIX = {
    "thanh_pho": "Thành phố", "quan": "Quận", "huyen": "Huyện", "thi_xa": "Thị xã",
    "phuong": "Phường", "xa": "Xã", "thi_tran": "Thị trấn",
}

# How senders write a name of each type; {b} is the name without prefix. Only forms the
# contract shows (abbreviations Q. H. TX P.), plus case and missing accents.
_NAME_FORMS = {
    "quan": ("Quận {b}", "Q. {b}", "Q.{b}", "{b}", "quận {lower}", "QUẬN {upper}", "quan {ascii}", "{ascii}"),
    "huyen": ("Huyện {b}", "H. {b}", "{b}", "huyện {lower}", "huyen {ascii}"),
    "thi_xa": ("Thị xã {b}", "TX {b}", "{b}", "thị xã {lower}"),
    "phuong": ("Phường {b}", "P. {b}", "{b}", "phường {lower}", "phuong {ascii}", "{ascii}"),
    "xa": ("Xã {b}", "{b}", "xã {lower}", "xa {ascii}"),
    "thi_tran": ("Thị trấn {b}", "{b}", "thị trấn {lower}"),
}

# Where cases happen more: the inner-city districts, then the outer ones.
_DISTRICT_WEIGHT = {
    "001": 5, "002": 6, "003": 5, "004": 4, "005": 5, "006": 7, "007": 6, "008": 5, "009": 5,
    "019": 4, "021": 3, "268": 4, "269": 2, "016": 2, "017": 2, "018": 2, "020": 2,
}
_SPACES = re.compile(r"\s+")


def fold(text: str) -> str:
    """The most forgiving comparison key: no accents, no case, single spaces."""
    return _SPACES.sub(" ", without_accents(nfc(text))).strip().casefold()


# Prefixes a reader may strip, written out or abbreviated, longest first.
_READ_PREFIXES = sorted(
    [(fold(prefix), type_) for type_, prefix in TYPE_PREFIX.items()]
    + [("q.", "quan"), ("h.", "huyen"), ("tx", "thi_xa"), ("tx.", "thi_xa"), ("p.", "phuong"),
       ("tt", "thi_tran"), ("tt.", "thi_tran"), ("x.", "xa")],
    key=lambda pt: -len(pt[0]))


def read_name(text: str) -> tuple[str | None, str]:
    """How a forgiving reader splits a name: (type from the prefix or None, the rest, folded).
    `phuong mai` reads as Phường Mai, so the bare `Phương Mai` without accents is not used."""
    folded = fold(text)
    for prefix, type_ in _READ_PREFIXES:
        if folded.startswith(prefix + " ") or (prefix.endswith(".") and folded.startswith(prefix)):
            return type_, folded[len(prefix):].strip()
    return None, folded


@dataclass(frozen=True)
class Unit:
    area_id: str
    code: str
    name: str
    type: str
    level: str
    parent_id: str
    valid_from: date
    valid_to: date | None

    @property
    def bare(self) -> str:
        return self.name.removeprefix(TYPE_PREFIX[self.type]).strip()

    def valid_on(self, day: date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)


@dataclass(frozen=True)
class Place:
    index: int
    ward: Unit       # the old ward (valid until 30 June 2025)
    commune: Unit    # the 2025 unit it (or part of it) went to
    district_id: str  # the ward's district as of 2025 (019/021 for the Từ Liêm wards)


def _era(day: date) -> int:
    return 0 if day < TU_LIEM_SPLIT else 1 if day < REFORM_2025 else 2


_ERA_DAY = (date(2012, 1, 1), date(2020, 1, 1), date(2026, 1, 1))


class Geography:
    """The reference units, the places, and how a place is named on a given day."""

    def __init__(self, directory: Path | None = None):
        directory = directory or REFERENCE_SEEDS_DIR
        with open(directory / "admin_units.csv", encoding="utf-8", newline="") as f:
            self.units = {row["area_id"]: _unit(row) for row in csv.DictReader(f)}
        with open(directory / "crosswalk_2025.csv", encoding="utf-8", newline="") as f:
            crosswalk = [(row["old_area_id"], row["new_area_id"]) for row in csv.DictReader(f)]
        self.places = tuple(
            Place(i, self.units[old], self.units[new], self.units[old].parent_id)
            for i, (old, new) in enumerate(crosswalk)
        )
        self._forms: dict[tuple[str, int], list[str]] = {}
        self._by_code = {}
        for unit in self.units.values():
            self._by_code.setdefault(unit.code, []).append(unit)
        per_district = Counter(p.district_id for p in self.places)
        self._place_weights = list(accumulate(
            _DISTRICT_WEIGHT.get(p.district_id, 1) / per_district[p.district_id] for p in self.places
        ))

    # -- choosing ---------------------------------------------------------------
    def pick_place(self, rng: random.Random) -> Place:
        return self.places[bisect.bisect_right(self._place_weights, rng.random() * self._place_weights[-1])]

    def places_of_district(self, district_id: str) -> list[Place]:
        return [p for p in self.places if p.district_id == district_id]

    @cached_property
    def districts(self) -> list[Unit]:
        return sorted((u for u in self.units.values() if u.level == "district"), key=lambda u: u.area_id)

    # -- what a place is on a day -------------------------------------------------
    def district_level(self, place: Place, day: date) -> Unit:
        """The unit statistics count the place in: its district (or Huyện Từ Liêm before
        the split) up to 30 June 2025, its commune after."""
        if day >= REFORM_2025:
            return place.commune
        if place.ward.valid_on(day):
            return self.units[place.district_id]
        return self.units["019-2013"]

    def named_units(self, place: Place, day: date) -> list[Unit]:
        """The units a sender may name for the place on that day (district or ward before 2025)."""
        unit = self.district_level(place, day)
        if day < REFORM_2025 and place.ward.valid_on(day):
            return [unit, place.ward]
        return [unit]

    def counted_in(self, unit: Unit) -> str:
        """area_id of the district-level unit (or commune) a named unit is counted in."""
        return unit.parent_id if unit.level == "ward_old" else unit.area_id

    def report_units(self, day: date) -> list[Unit]:
        """Units valid on the day at the level reports are made: districts, then communes."""
        level = "commune" if day >= REFORM_2025 else "district"
        return sorted((u for u in self.units.values() if u.level == level and u.valid_on(day)),
                      key=lambda u: u.code)

    # -- names ----------------------------------------------------------------------
    def name_forms(self, unit: Unit, day: date) -> list[str]:
        """Every form of the unit's name that places it unambiguously on that day."""
        key = (unit.area_id, _era(day))
        if key not in self._forms:
            self._forms[key] = self._placeable_forms(unit, day)
        return self._forms[key]

    def _placeable_forms(self, unit: Unit, day: date) -> list[str]:
        b = unit.bare
        forms = []
        for pattern in _NAME_FORMS[unit.type]:
            text = pattern.format(b=b, lower=b.lower(), upper=b.upper(), ascii=without_accents(b).lower())
            type_, rest = read_name(text)
            typed_as_written = type_ == (None if pattern.startswith("{") else unit.type)
            if typed_as_written and self.matches(type_, rest, day) == [unit.area_id]:
                forms.append(text)
        return forms

    def written_area(self, unit: Unit, day: date, rng: random.Random, code_only: float = 0.15,
                     name_only: float = 0.45) -> tuple[str, str]:
        """(code, name) as a sender writes the unit: code only, name only, or both; the full
        name more often than any one abbreviation."""
        forms = self.name_forms(unit, day)
        roll = rng.random()
        if not forms or roll < code_only:
            return unit.code, ""
        name = forms[0] if rng.random() < 0.35 else rng.choice(forms)
        return ("" if roll < code_only + name_only else unit.code), name

    def matches(self, type_: str | None, bare: str, day: date) -> list[str]:
        return self._name_index[_era(day)].get((type_, fold(bare)), [])

    def code_matches(self, code: str, day: date) -> list[str]:
        return [u.area_id for u in self._by_code.get(code, []) if u.valid_on(day) and u.level != "city"]

    def ambiguous_name(self, day: date) -> str | None:
        """A name spelt exactly alike by several units valid that day (with its type prefix
        when even that does not tell them apart), e.g. Phường Minh Khai."""
        index = self._name_index[_era(day)]
        for (type_, _), ids in sorted(index.items(), key=lambda kv: (kv[0][0] is None, kv[0])):
            names = {self.units[i].name if type_ else self.units[i].bare for i in ids}
            if len(ids) > 1 and len(names) == 1:
                return names.pop()
        return None

    def invalid_name(self, day: date) -> str:
        """The name of a real unit that is not valid on that day (and matches nothing then)."""
        for area_id in ("019", "019-2013", "006"):
            unit = self.units[area_id]
            if not unit.valid_on(day) and not self.matches(unit.type, unit.bare, day):
                return unit.name
        raise AssertionError("every era has an expired or future district")

    @cached_property
    def _name_index(self) -> list[dict[tuple[str | None, str], list[str]]]:
        eras = []
        for day in _ERA_DAY:
            index: dict[tuple[str | None, str], list[str]] = {}
            for unit in self.units.values():
                if unit.level != "city" and unit.valid_on(day):
                    for type_ in (unit.type, None):
                        index.setdefault((type_, fold(unit.bare)), []).append(unit.area_id)
            eras.append(index)
        return eras


def _unit(row: dict[str, str]) -> Unit:
    return Unit(
        area_id=row["area_id"], code=row["gso_code"], name=row["name"], type=row["area_type"],
        level=row["level"], parent_id=row["parent_id"],
        valid_from=date.fromisoformat(row["valid_from"]),
        valid_to=date.fromisoformat(row["valid_to"]) if row["valid_to"] else None,
    )

