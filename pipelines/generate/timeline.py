"""Months and days: the generator walks the range one month at a time."""

from __future__ import annotations

import calendar
from datetime import date, datetime, time, timedelta
from typing import NamedTuple


class Month(NamedTuple):
    year: int
    month: int

    @classmethod
    def of(cls, day: date) -> "Month":
        return cls(day.year, day.month)

    @property
    def first(self) -> date:
        return date(self.year, self.month, 1)

    @property
    def last(self) -> date:
        return date(self.year, self.month, calendar.monthrange(self.year, self.month)[1])

    def plus(self, months: int) -> "Month":
        index = self.year * 12 + self.month - 1 + months
        return Month(index // 12, index % 12 + 1)

    def day(self, day: int) -> date:
        return date(self.year, self.month, min(day, self.last.day))

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"


def months_between(first: date, last: date) -> list[Month]:
    months, month = [], Month.of(first)
    while month.first <= last:
        months.append(month)
        month = month.plus(1)
    return months


def at(day: date, hour: int = 0, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute))


def days(n: int) -> timedelta:
    return timedelta(days=n)
