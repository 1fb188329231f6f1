"""What happens in the city: cases, inspections, support given, outreach figures.

The world is deterministic and lazy: every case, inspection or report is a pure function
of (seed, what, month, index), generated when the month is reached and forgotten once
written, so memory stays flat whatever the scale. Each record carries its whole history
(creation, revisions, cancellation) up to `date_to`; the writers pick from that history
the version an export taken at a given moment shows.
"""

from __future__ import annotations

import math
import random
from collections import Counter
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta, timezone
from typing import Iterator

from pipelines.contract import HEALTH_COLUMNS
from pipelines.generate.areas import REFORM_2025, TU_LIEM_SPLIT, Geography, Place, Unit
from pipelines.generate.names import (LICENSE_CODES, PLACE_KINDS, UNNAMED_PLACE_KINDS, Person,
                                      establishment_name, person)
from pipelines.generate.timeline import Month, at, days, months_between

VIETNAM = timezone(timedelta(hours=7))  # Asia/Ho_Chi_Minh: UTC+7, no daylight saving

# How long after the event a record can still change: exports that cover a period of
# changes must listen to the months this far back.
POLICE_CHANGE_LAG = timedelta(days=270)
INSPECTION_CHANGE_LAG = timedelta(days=70)
SUPPORT_BEFORE_DETECTION = timedelta(days=40)   # support may start a little before the case
SUPPORT_AFTER_DETECTION = timedelta(days=250)

# -- the contract's words ---------------------------------------------------------------
SELLER, BUYER, OWNER, BROKER, ORGANISER, VICTIM = (
    "người bán dâm", "người mua dâm", "chủ chứa", "người môi giới", "người tổ chức", "nạn nhân bị mua bán")
SANCTIONED, PROSECUTED, EDUCATED, TRANSFERRED = (
    "Xử phạt hành chính", "Khởi tố hình sự", "Giáo dục tại xã, phường", "Chuyển cơ quan khác")
IN_FORCE, CANCELLED = "Hiệu lực", "Hủy"
TRAFFICKING = "mua bán người vì mục đích mại dâm"
BUYING_FROM_MINOR = "mua dâm người dưới 18 tuổi"
OFFENCE = {SELLER: "bán dâm", BUYER: "mua dâm", OWNER: "chứa mại dâm", BROKER: "môi giới mại dâm",
           ORGANISER: "tổ chức hoạt động mại dâm", VICTIM: TRAFFICKING}
SUPPORT_KINDS = ("tu_van_tam_ly", "tro_giup_phap_ly", "hoc_nghe", "gioi_thieu_viec_lam", "vay_von",
                 "tro_cap_xa_hoi", "cham_soc_y_te")
OUTCOMES = ("viec_lam_on_dinh", "dang_hoc_nghe", "tai_pham", "mat_lien_lac")
FINDINGS = {
    "MD01": "Để xảy ra hoạt động mại dâm tại cơ sở",
    "MD02": "Nhân viên phục vụ có hành vi khiêu dâm, kích dục",
    "MD03": "Không quản lý nhân viên, để nhân viên bán dâm tại cơ sở",
    "MD04": "Bố trí phòng kín, có dấu hiệu chứa chấp mại dâm",
    "AN01": "Sử dụng tác phẩm âm nhạc chưa được phép phổ biến",
    "GIO01": "Hoạt động quá giờ quy định",
    "GP01": "Không niêm yết giấy phép kinh doanh",
    "PCCC01": "Vi phạm quy định về phòng cháy, chữa cháy",
}
INSPECTED_KINDS = ("karaoke", "massage", "khách sạn/nhà nghỉ", "quán bar/vũ trường", "cắt tóc gội đầu")
V2_FROM = date(2024, 1, 1)  # the inspection application changed format in 2024

# Fines (VND) by role, from the ranges the decrees set.
_FINES = {
    SELLER: (200_000, 300_000, 500_000, 700_000, 1_000_000, 1_500_000, 2_000_000),
    BUYER: (1_000_000, 1_500_000, 2_000_000, 3_000_000, 4_000_000, 5_000_000),
    OWNER: (10_000_000, 15_000_000, 20_000_000, 30_000_000, 40_000_000),
    BROKER: (5_000_000, 10_000_000, 15_000_000, 20_000_000),
    ORGANISER: (20_000_000, 40_000_000),
}
# Per role: repeat pool (per unit of scale), share drawn from it, birth years of the pool,
# ages of first-timers, share of women.
_ROLE_PEOPLE = {
    SELLER: ("seller", 600, 0.2, (1980, 2000), (18, 40), 0.9),
    BUYER: ("buyer", 300, 0.05, (1960, 1998), (20, 65), 0.03),
    OWNER: ("owner", 30, 0.1, (1960, 1990), (28, 60), 0.45),
    BROKER: ("broker", 30, 0.1, (1965, 1995), (22, 50), 0.5),
    ORGANISER: ("organiser", 15, 0.1, (1960, 1990), (28, 55), 0.35),
    VICTIM: ("victim", 1, 0.0, (2000, 2005), (15, 25), 0.95),
}

# Names the contract spells out, shown by the first cases of each era.
_DISTRICT_SHOWCASE = (("006", "Quận Đống Đa"), ("006", "Q. Đống Đa"), ("006", "Q.Đống Đa"),
                      ("006", "quan dong da"), ("006", "Đống Đa"), ("018", "Huyện Gia Lâm"),
                      ("018", "H. Gia Lâm"), ("269", "Thị xã Sơn Tây"), ("269", "TX Sơn Tây"))
_COMMUNE_SHOWCASE = (("00199", "Phường Láng"), ("00199", "P. Láng"))


@dataclass(frozen=True)
class Version:
    """One state of a (case, person) record in the police system."""

    updated_at: datetime
    handling: str
    fine: int | None
    status: str


@dataclass(frozen=True)
class Involvement:
    person: Person
    role: str
    offence: str
    history: tuple[Version, ...]

    def as_of(self, moment: datetime) -> Version | None:
        latest = None
        for version in self.history:
            if version.updated_at <= moment:
                latest = version
        return latest

    def changed_within(self, after: datetime | None, until: datetime) -> bool:
        return any((after is None or after < v.updated_at) and v.updated_at <= until for v in self.history)


@dataclass(frozen=True)
class Case:
    case_id: str
    detected_on: date
    place: Place
    area: Unit          # the unit the police record names (district, ward or commune)
    area_id: str        # where statistics count it (district-level before 2025, commune after)
    place_kind: str
    establishment: str
    involvements: tuple[Involvement, ...]
    area_hint: tuple[str, str] | None = None  # (code, name) as the monthly export writes it


@dataclass(frozen=True)
class SupportRecord:
    record_id: str
    person: Person
    sex: str            # nam / nu, as labor recorded it
    area: Unit
    area_id: str
    kind: str
    started_on: date
    outcome: str | None
    followed_up_on: date | None

    def as_of(self, day: date) -> "SupportRecord":
        """The register's row on that day: the follow-up is empty until it has happened."""
        if self.followed_up_on is None or self.followed_up_on <= day:
            return self
        return replace(self, outcome=None, followed_up_on=None)


@dataclass(frozen=True)
class Establishment:
    license_no: str
    name: str
    type: str


@dataclass(frozen=True)
class InspectionState:
    recorded_at: datetime   # when the application stored this state (local time)
    finding_codes: tuple[str, ...]
    penalty_vnd: int
    license_action: str


@dataclass(frozen=True)
class Inspection:
    inspection_id: str
    inspected_at: datetime  # aware, local time
    team: str
    establishment: Establishment
    area: Unit
    area_id: str
    history: tuple[InspectionState, ...]
    offset_hint: str | None = None  # the UTC offset an export must use for this one

    def as_of(self, moment: datetime) -> InspectionState | None:
        latest = None
        for state in self.history:
            if state.recorded_at <= moment:
                latest = state
        return latest


# The form's figures, in column order, named as the raw table names them.
HEALTH_FIELDS = tuple(v for v in HEALTH_COLUMNS.values() if v not in ("row_number", "area_name"))


@dataclass(frozen=True)
class HealthReport:
    month: Month
    version: int
    period_start: date
    period_end: date
    rows: tuple[tuple[Unit, tuple[int, ...]], ...]   # values in HEALTH_FIELDS order
    note: str


@dataclass(frozen=True)
class _Showcase:
    """A case that must exist whatever the seed."""

    kind: str                      # none, area, out_of_order, cancel_all
    target: str = ""               # area: the unit named; out_of_order: the district
    written: tuple[str, str] | None = None  # area: (code, name) as the monthly export writes it


class World:
    def __init__(self, seed: int, scale: float, date_from: date, date_to: date, geo: Geography):
        if date_from > date_to:
            raise ValueError(f"date_from {date_from} is after date_to {date_to}")
        self.seed, self.scale, self.date_from, self.date_to, self.geo = seed, scale, date_from, date_to, geo
        self.months = months_between(date_from, date_to)
        self._support_seq: Counter[int] = Counter()
        self._district_numbers = {d.area_id: n for n, d in enumerate(geo.districts, start=1)}
        self._case_showcases = self._plan_case_showcases()
        self._inspection_showcases = self._plan_inspection_showcases()
        self._case_counts = {m: max(self._count(m, "case", 20), len(self._case_showcases.get(m, ())))
                             for m in self.months}
        self._inspection_counts = {
            m: max(self._count(m, "inspection", 12), len(self._inspection_showcases.get(m, ()))) for m in self.months}
        self._case_seq = _year_offsets(self._case_counts)
        self._inspection_seq = _year_offsets(self._inspection_counts)

    def rng(self, *parts: object) -> random.Random:
        # A string seed is hashed with SHA-512: stable across runs and Python processes.
        return random.Random(":".join(str(p) for p in (self.seed, *parts)))

    def days_of(self, month: Month) -> tuple[date, date]:
        return max(month.first, self.date_from), min(month.last, self.date_to)

    # -- police -------------------------------------------------------------------------
    def local_unit(self, month: Month) -> str | None:
        """The district police unit that also sends its own export of this month, if any."""
        rng = self.rng("local-unit", month)
        if rng.random() >= 0.3:
            return None
        return rng.choice([d.area_id for d in self.geo.districts if d.valid_to and d.area_id != "019-2013"])

    def cases(self, month: Month) -> Iterator[Case]:
        showcases = self._case_showcases.get(month, [])
        for i in range(self._case_counts[month]):
            yield self._case(month, i, showcases[i] if i < len(showcases) else _Showcase("none"))

    def _case(self, month: Month, i: int, show: _Showcase) -> Case:
        rng = self.rng("case", month, i)
        case_id = f"CA-HN-{month.year}-{self._case_seq[month] + i + 1:06d}"
        first, last = self.days_of(month)
        if show.kind == "area" and show.target == "019-2013":
            last = min(last, TU_LIEM_SPLIT - days(1))
        if show.kind == "out_of_order":
            last = min(last, month.day(25))
        detected = first + days(rng.randrange((last - first).days + 1))

        if show.kind == "area":
            place = rng.choice(self._places_named(show.target, detected))
            area = self.geo.units[show.target]
        else:
            if show.kind == "out_of_order":
                place = rng.choice(self.geo.places_of_district(show.target))
            else:
                place = self.geo.pick_place(rng)
            named = self.geo.named_units(place, detected)
            area = named[1] if len(named) > 1 and rng.random() < 0.3 else named[0]

        kind = rng.choices(PLACE_KINDS, weights=(26, 18, 20, 8, 9, 8, 8, 3))[0]
        establishment = establishment_name(self.seed, f"{place.index}/{kind}/{rng.randrange(3)}", kind)
        involvements = [
            Involvement(who, role, offence, self._history(rng, detected, role, handling))
            for who, role, offence, handling in self._cast(rng, case_id, kind, detected)
        ]
        if show.kind == "out_of_order":
            involvements[0] = self._revised_after_local_snapshot(involvements[0], detected, month)
        if show.kind == "cancel_all" or rng.random() < 0.015:
            involvements = self._cancel_case(rng, involvements)
        return Case(case_id, detected, place, area, self.geo.counted_in(area), kind, establishment,
                    tuple(involvements), show.written)

    def _cast(self, rng: random.Random, case_id: str, kind: str, detected: date):
        """Who is in the case: (person, role, offence, handling at first)."""
        cast: list[tuple[str, str, str]] = []  # role, offence, handling
        if rng.random() < 0.04:
            cast.append((ORGANISER, TRAFFICKING, PROSECUTED))
            cast += [(VICTIM, TRAFFICKING, rng.choice((TRANSFERRED, TRANSFERRED, EDUCATED)))] * rng.randint(1, 2)
        elif rng.random() < 0.02:
            cast.append((BUYER, BUYING_FROM_MINOR, PROSECUTED))
            cast.append(("minor", OFFENCE[SELLER], rng.choice((EDUCATED, TRANSFERRED))))
        elif kind in UNNAMED_PLACE_KINDS:
            cast += [(SELLER, OFFENCE[SELLER], self._seller_handling(rng))] * rng.randint(1, 2)
            if kind == "mạng xã hội/trực tuyến" and rng.random() < 0.35:
                cast.append((BROKER, OFFENCE[BROKER], rng.choice((SANCTIONED, PROSECUTED))))
            if rng.random() < 0.4:
                cast.append((BUYER, OFFENCE[BUYER], SANCTIONED))
        else:
            if rng.random() < 0.55:
                cast.append((OWNER, OFFENCE[OWNER], rng.choice((SANCTIONED, SANCTIONED, PROSECUTED))))
            if rng.random() < 0.08:
                cast.append((ORGANISER, OFFENCE[ORGANISER], PROSECUTED))
            if rng.random() < 0.15:
                cast.append((BROKER, OFFENCE[BROKER], rng.choice((SANCTIONED, PROSECUTED))))
            cast += [(SELLER, OFFENCE[SELLER], None)] * rng.choices((1, 2, 3, 4), (40, 30, 20, 10))[0]
            cast += [(BUYER, OFFENCE[BUYER], SANCTIONED)] * rng.choices((0, 1, 2, 3), (25, 40, 25, 10))[0]
        people, seen = [], set()
        for slot, (role, offence, handling) in enumerate(cast):
            who = self._person(rng, role, case_id, slot, detected, seen)
            seen.add(who.identity)
            role = SELLER if role == "minor" else role
            people.append((who, role, offence, handling or self._seller_handling(rng)))
        return people

    @staticmethod
    def _seller_handling(rng: random.Random) -> str:
        return rng.choices((SANCTIONED, EDUCATED, TRANSFERRED), (80, 12, 8))[0]

    def _person(self, rng: random.Random, role: str, case_id: str, slot: int, detected: date,
                taken: set[str]) -> Person:
        minor = role == "minor"
        pool, pool_size, repeat_share, pool_births, ages, women = _ROLE_PEOPLE[SELLER if minor else role]
        if not minor and rng.random() < repeat_share:
            key = f"{pool}#{rng.randrange(max(3, round(pool_size * self.scale)))}"
            traits = random.Random(f"{self.seed}:traits:{key}")
            found = person(self.seed, key, "Nữ" if traits.random() < women else "Nam",
                           traits.randint(*pool_births), cmnd_share=0.2)
            if found.identity not in taken:
                return found
        key = f"{pool}@{case_id}/{slot}"
        age = rng.randint(16, 17) if minor else rng.randint(*ages)
        sex = "Nữ" if rng.random() < women else "Nam"
        return person(self.seed, key, sex, detected.year - age, cmnd_share=_cmnd_share(detected.year))

    def _history(self, rng: random.Random, detected: date, role: str, handling: str) -> tuple[Version, ...]:
        fine = self._fine(rng, role, handling)
        created = at(detected + days(rng.choices((0, 1, 2, 3), (45, 35, 12, 8))[0]), rng.randint(7, 22),
                     rng.randrange(60))
        versions = [Version(created, handling, fine, IN_FORCE)]
        revisions = 0 if rng.random() >= 0.09 else 2 if rng.random() < 0.2 else 1
        for _ in range(revisions):
            last = versions[-1]
            when = last.updated_at + days(rng.randint(5, 90)) + timedelta(minutes=rng.randrange(600))
            if last.handling == SANCTIONED and role in _FINES:
                versions.append(Version(when, SANCTIONED, self._fine(rng, role, SANCTIONED, other_than=last.fine),
                                        IN_FORCE))
            elif last.handling == EDUCATED and role in _FINES:
                versions.append(Version(when, SANCTIONED, self._fine(rng, role, SANCTIONED), IN_FORCE))
            elif last.handling == PROSECUTED:
                versions.append(Version(when, TRANSFERRED, None, IN_FORCE))
        if rng.random() < 0.03:
            last = versions[-1]
            when = last.updated_at + days(rng.randint(3, 60)) + timedelta(minutes=rng.randrange(600))
            versions.append(Version(when, last.handling, last.fine, CANCELLED))
        return tuple(v for v in versions if v.updated_at.date() <= self.date_to)

    def _fine(self, rng: random.Random, role: str, handling: str, other_than: int | None = None) -> int | None:
        if handling != SANCTIONED or role not in _FINES or rng.random() < 0.03:
            return None  # no fine, or a warning only
        choices = [f for f in _FINES[role] if f != other_than]
        return rng.choice(choices)

    def _revised_after_local_snapshot(self, inv: Involvement, detected: date, month: Month) -> Involvement:
        """The first person's fine changes on the 3rd of next month: after the district unit
        took its snapshot (the 1st), before the city's monthly export (the 5th)."""
        created = Version(at(detected, 20, 10), SANCTIONED, 500_000, IN_FORCE)
        revised = Version(at(month.plus(1).day(3), 10, 15), SANCTIONED, 700_000, IN_FORCE)
        history = tuple(v for v in (created, revised) if v.updated_at.date() <= self.date_to)
        return replace(inv, role=SELLER, offence=OFFENCE[SELLER], history=history)

    def _cancel_case(self, rng: random.Random, involvements: list[Involvement]) -> list[Involvement]:
        recorded = [i for i in involvements if i.history]
        if not recorded:
            return involvements
        when = max(i.history[-1].updated_at for i in recorded) + days(rng.randint(2, 20))
        if when.date() > self.date_to:
            return involvements
        return [replace(i, history=i.history + (Version(when, i.history[-1].handling, i.history[-1].fine,
                                                          CANCELLED),)) if i.history else i
                for i in involvements]

    def _places_named(self, target: str, day: date) -> list[Place]:
        return [p for p in self.geo.places if target in {u.area_id for u in self.geo.named_units(p, day)}]

    def _plan_case_showcases(self) -> dict[Month, list[_Showcase]]:
        """Cases that must exist whatever the seed: the contract's name forms, Huyện Từ Liêm
        before the split, a case cancelled whole, revisions that reach files out of order."""
        plan: dict[Month, list[_Showcase]] = {}
        before = [m for m in self.months if m.first < REFORM_2025]
        after = [m for m in self.months if m.first >= REFORM_2025]
        for month in self.months:
            district = self.local_unit(month)
            if district:
                plan.setdefault(month, []).append(_Showcase("out_of_order", district))
        if before:
            plan.setdefault(before[0], []).extend(_Showcase("area", a, ("", n)) for a, n in _DISTRICT_SHOWCASE)
            if self.days_of(before[0])[0] < TU_LIEM_SPLIT:
                plan[before[0]].append(_Showcase("area", "019-2013", ("019", "Huyện Từ Liêm")))
        if after:
            plan.setdefault(after[0], []).extend(_Showcase("area", a, (a, n)) for a, n in _COMMUNE_SHOWCASE)
        plan.setdefault(self.months[min(1, len(self.months) - 1)], []).append(_Showcase("cancel_all"))
        return plan

    # -- labor --------------------------------------------------------------------------
    def supports(self, case: Case) -> Iterator[SupportRecord]:
        """Support records of the sellers sanctioned in the case (about a third of them)."""
        for inv in case.involvements:
            final = inv.history[-1] if inv.history else None
            if inv.role != SELLER or not final or final.handling != SANCTIONED or final.status != IN_FORCE:
                continue
            rng = self.rng("support", case.case_id, inv.person.identity)
            if rng.random() >= 0.35:
                continue
            roll = rng.random()
            if roll < 0.08:
                offset = -rng.randint(1, SUPPORT_BEFORE_DETECTION.days)
            elif roll < 0.65:
                offset = rng.randint(0, 180)   # within the 180 days the indicators count
            else:
                offset = rng.randint(181, SUPPORT_AFTER_DETECTION.days)
            started = case.detected_on + days(offset)
            place = case.place if rng.random() < 0.7 else self.geo.pick_place(rng)
            if self.date_from - SUPPORT_BEFORE_DETECTION <= started <= self.date_to:
                yield self._support(rng, inv.person, started, place)

    def unlinked_supports(self, month: Month) -> Iterator[SupportRecord]:
        """People supported without a police record (referred by NGOs, or self-referred)."""
        first, last = self.days_of(month)
        rng = self.rng("unlinked-support", month)
        for i in range(_poisson(rng, 1.5 * self.scale)):
            sex = "Nữ" if rng.random() < 0.92 else "Nam"
            started = first + days(rng.randrange((last - first).days + 1))
            who = person(self.seed, f"labor@{month}/{i}", sex, started.year - rng.randint(18, 45),
                         _cmnd_share(started.year))
            yield self._support(rng, who, started, self.geo.pick_place(rng))

    def _support(self, rng: random.Random, who: Person, started: date, place: Place) -> SupportRecord:
        named = self.geo.named_units(place, started)
        area = named[1] if len(named) > 1 and rng.random() < 0.4 else named[0]
        sex = "nu" if who.sex == "Nữ" else "nam"
        if rng.random() < 0.03:  # labor's clerk recorded the other sex
            sex = "nam" if sex == "nu" else "nu"
        outcome = followed = None
        if rng.random() < 0.85:
            followed = started + days(rng.randint(150, 210))
            outcome = rng.choices(OUTCOMES, (40, 25, 15, 20))[0]
            if followed > self.date_to:
                outcome = followed = None
        self._support_seq[started.year] += 1
        record_id = f"HS-{started.year}-{self._support_seq[started.year]:05d}"
        return SupportRecord(record_id, who, sex, area, self.geo.counted_in(area),
                             rng.choices(SUPPORT_KINDS, (20, 12, 22, 18, 8, 12, 8))[0], started, outcome, followed)

    # -- culture ------------------------------------------------------------------------
    def inspections(self, month: Month) -> Iterator[Inspection]:
        showcases = self._inspection_showcases.get(month, [])
        for i in range(self._inspection_counts[month]):
            yield self._inspection(month, i, showcases[i] if i < len(showcases) else None)

    def _inspection(self, month: Month, i: int, show: str | None) -> Inspection:
        rng = self.rng("inspection", month, i)
        inspection_id = f"VH-{month.year}-{self._inspection_seq[month] + i + 1:05d}"
        first, last = self.days_of(month)
        if show:  # inside the month's export window, the next day still in range
            earliest = month.day(12) if show == "same_file_twice" else first + days(1)
            first, last = min(max(first, earliest), last), max(min(last - days(1), month.day(25)), first)
        day = first + days(rng.randrange((last - first).days + 1))
        if show == "dawn_utc":   # 23:30Z: already the next day in Hanoi
            local = datetime(day.year, day.month, day.day, 23, 30, tzinfo=timezone.utc).astimezone(VIETNAM)
        elif show == "after_midnight":  # 00:40 in Hanoi, still the day before in UTC
            local = datetime(day.year, day.month, day.day, 0, 40, tzinfo=VIETNAM)
        else:  # evening and night raids (some past midnight), or daytime checks
            minutes = rng.randrange(19 * 60, 26 * 60) if rng.random() < 0.6 else rng.randrange(8 * 60, 17 * 60)
            local = datetime(day.year, day.month, day.day, tzinfo=VIETNAM) + timedelta(minutes=minutes)
            if local.date() > self.date_to:
                local -= timedelta(hours=3)

        place = self.geo.pick_place(rng)
        kind = rng.choices(INSPECTED_KINDS, (35, 25, 20, 12, 8))[0]
        key = f"{place.index}/{kind}/{rng.randrange(2)}"
        licence_rng = random.Random(f"{self.seed}:licence:{key}")
        district_no = self._district_numbers[place.district_id]
        establishment = Establishment(
            f"01{district_no:02d}-{LICENSE_CODES[kind]}-{licence_rng.randrange(1000, 10000)}",
            establishment_name(self.seed, key, kind), kind)
        area = self.geo.district_level(place, local.date())

        state = self._inspection_state(rng, at(local.date(), local.hour, local.minute), kind, local.date())
        lag = days(rng.choices((0, 1, 2, 3), (50, 30, 12, 8))[0])  # entered into the application
        created = replace(state, recorded_at=state.recorded_at + lag)
        history = [created]
        if show == "same_file_twice":
            history.append(self._revised_state(rng, created, days(1), local.date()))
        elif show == "revised_later":
            history.append(self._revised_state(rng, created, days(rng.randint(35, 45)), local.date()))
        elif rng.random() < 0.03:
            history.append(self._revised_state(rng, created, days(1), local.date()))
        elif rng.random() < 0.08:
            history.append(self._revised_state(rng, created, days(rng.randint(5, 60)), local.date()))
        history = tuple(s for s in history if s.recorded_at.date() <= self.date_to)
        team = "LN178" if rng.random() < 0.55 else "TTS"
        hint = "Z" if show in ("dawn_utc", "after_midnight") else None
        return Inspection(inspection_id, local, team, establishment, area, self.geo.counted_in(area),
                          history, hint)

    def _inspection_state(self, rng: random.Random, when: datetime, kind: str, day: date) -> InspectionState:
        md_chance = 0.45 if kind in ("karaoke", "massage") else 0.25
        codes: list[str] = []
        for _ in range(rng.choices((0, 1, 2, 3), (40, 30, 20, 10))[0]):
            pool = [c for c in FINDINGS if c.startswith("MD") == (rng.random() < md_chance) and c not in codes]
            if pool:
                codes.append(rng.choice(pool))
        penalty = sum(_finding_penalty(rng, c) for c in codes) if rng.random() < 0.9 else 0
        return InspectionState(when, tuple(codes), penalty, self._licence_action(rng, codes, day))

    def _revised_state(self, rng: random.Random, state: InspectionState, after: timedelta,
                       day: date) -> InspectionState:
        codes = state.finding_codes
        if not codes or rng.random() < 0.4:
            codes = codes + tuple(c for c in ("MD01",) if c not in codes)
        if state.penalty_vnd:
            penalty = state.penalty_vnd + rng.choice((-1, 1, 2)) * 500_000
        else:
            penalty = _finding_penalty(rng, "MD01")
        return InspectionState(state.recorded_at + after + timedelta(minutes=rng.randrange(300)), codes,
                               max(penalty, 0), self._licence_action(rng, codes, day))

    @staticmethod
    def _licence_action(rng: random.Random, codes, day: date) -> str:
        if not any(c.startswith("MD") for c in codes):
            return "none"
        roll = rng.random()
        if roll < 0.15:
            return "revoked"
        if roll < 0.5 and day >= V2_FROM:  # the old application could only record revocation
            return "suspended"
        return "none"

    def _plan_inspection_showcases(self) -> dict[Month, list[str]]:
        """Inspections that must exist: one at 23:30Z (the next day in Hanoi), one just after
        local midnight, one sent twice in a file, one corrected in a later file."""
        v2 = [m for m in self.months if m.first >= V2_FROM and self.days_of(m)[1] >= m.day(5)]
        return {v2[0]: ["dawn_utc", "after_midnight", "same_file_twice", "revised_later"]} if v2 else {}

    # -- health -------------------------------------------------------------------------
    def health_reports(self, month: Month) -> list[HealthReport]:
        """The good versions of the month's report form (v1, sometimes v2, once v3); none
        when the period has not ended by date_to."""
        start, end = self.health_period(month)
        if end > self.date_to:
            return []
        units = self.geo.report_units(end)
        rng = self.rng("health", month)
        factor = self.scale * _season(month) * _trend(month.year)
        rows = tuple((u, _health_figures(rng, self._health_base(u) * factor)) for u in units)
        source = "Trạm Y tế xã, phường" if end >= REFORM_2025 else "Trung tâm Y tế quận, huyện, thị xã"
        reports = [HealthReport(month, 1, start, end, rows, f"Số liệu do các {source} tổng hợp.")]
        versions = 3 if month == self.months[len(self.months) // 2] else 2 if rng.random() < 0.06 else 1
        for version in range(2, versions + 1):
            previous = reports[-1]
            changed = list(previous.rows)
            for k in sorted(rng.sample(range(len(changed)), min(len(changed), rng.randint(1, 3)))):
                unit, values = changed[k]
                changed[k] = (unit, _health_figures(rng, self._health_base(unit) * factor))
            names = ", ".join(new[0].name for new, old in zip(changed, previous.rows) if new != old) or "tổng hợp"
            note = f"Bản điều chỉnh lần {version - 1}: cập nhật số liệu {names}."
            reports.append(replace(previous, version=version, rows=tuple(changed), note=note))
        return reports

    def health_period(self, month: Month) -> tuple[date, date]:
        rng = self.rng("health-period", month)
        cut_off = rng.random() < 0.12 or month in (Month(2024, 3), Month(2025, 8))
        if not cut_off and len(self.months) > 2 and month == self.months[len(self.months) // 3]:
            cut_off = True  # at least one form in any range follows the reporting cut-off
        if cut_off:
            return month.plus(-1).day(15), month.day(14)
        return month.first, month.last

    def _health_base(self, unit: Unit) -> float:
        rng = self.rng("health-unit", unit.area_id)
        urban = unit.type in ("quan", "phuong")
        if unit.level == "commune":
            return rng.uniform(3, 12) if urban else rng.uniform(0.5, 5)
        return rng.uniform(22, 45) if urban else rng.uniform(4, 18)

    # -- counts -------------------------------------------------------------------------
    def _count(self, month: Month, what: str, per_month: float) -> int:
        first, last = self.days_of(month)
        share = ((last - first).days + 1) / month.last.day
        mean = per_month * self.scale * share * _season(month) * _trend(month.year)
        return _poisson(self.rng("count", what, month), mean)


def _year_offsets(counts: dict[Month, int]) -> dict[Month, int]:
    """Sequence numbers restart each year: the offset of each month within its year."""
    offsets, running = {}, Counter()
    for month in sorted(counts):
        offsets[month] = running[month.year]
        running[month.year] += counts[month]
    return offsets


def _cmnd_share(year: int) -> float:
    """Older records carry the 9-digit CMND; the 12-digit CCCD replaces it from 2016."""
    return 0.55 if year <= 2015 else 0.35 if year <= 2018 else 0.15 if year <= 2021 else 0.03


def _season(month: Month) -> float:
    return (0.8, 0.75, 1.0, 1.0, 1.05, 1.1, 1.1, 1.05, 1.0, 1.0, 1.05, 1.15)[month.month - 1]


def _trend(year: int) -> float:
    covid = {2020: 0.65, 2021: 0.5, 2022: 0.9}
    return (1 + 0.03 * (year - 2013)) * covid.get(year, 1.0)


def _poisson(rng: random.Random, mean: float) -> int:
    if mean <= 0:
        return 0
    if mean > 30:
        return max(0, round(rng.gauss(mean, math.sqrt(mean))))
    limit, k, product = math.exp(-mean), 0, rng.random()
    while product > limit:
        k += 1
        product *= rng.random()
    return k


def _binomial(rng: random.Random, n: int, p: float) -> int:
    if n < 60:
        return sum(rng.random() < p for _ in range(n))
    return min(n, max(0, round(rng.gauss(n * p, math.sqrt(n * p * (1 - p))))))


def _finding_penalty(rng: random.Random, code: str) -> int:
    if code.startswith("MD"):
        return rng.randrange(20, 41) * 500_000
    return rng.randrange(3, 11) * 500_000


def _health_figures(rng: random.Random, base: float) -> tuple[int, ...]:
    female = _poisson(rng, base)
    male = _poisson(rng, base * 0.08)
    tested = _binomial(rng, female + male, 0.55)
    positive = _binomial(rng, tested, 0.015)
    art = _binomial(rng, positive, 0.8)
    sti = _binomial(rng, female + male, 0.35)
    methadone = _poisson(rng, base * 0.04)
    condoms = (female + male) * rng.randint(4, 8) * 10
    return female, male, tested, positive, art, sti, methadone, condoms
