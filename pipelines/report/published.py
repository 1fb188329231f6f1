"""Reading a published release (`published/marts.duckdb` or `releases/<id>/marts.duckdb`) into
plain frames for one report: the period, the areas, the values, the deliveries, the revisions.

Only `open_release` opens a release file (through the publisher's `open_release_db`); everything
else names the tables bare, as clients do.
Nothing here reads the internal warehouse: a report shows what was published, no more.
"""

from __future__ import annotations

import json
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from functools import cached_property
from pathlib import Path
from typing import Iterator

import duckdb
import polars as pl

from pipelines.contract import LOCAL_TIME_ZONE

REPORT_TYPES = ("half", "year")
HISTORY_HALVES = 6  # the page's charts: the last six half-years


class ReportError(Exception):
    """Bad input (a period or area the release cannot report on): one line for the user."""


@contextmanager
def open_release(path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """A release file opened read-only as clients open it (its tables by their bare names)."""
    from pipelines.publish.store import open_release_db  # here: publishing imports this package

    if not Path(path).is_file():
        raise ReportError(f"no published release at {path} (run `pcmd refresh` first)")
    con = open_release_db(Path(path))
    try:
        con.execute(f"SET TimeZone = '{LOCAL_TIME_ZONE}'")
        yield con
    finally:
        con.close()


def _tables(con: duckdb.DuckDBPyConnection) -> set[str]:
    rows = con.execute("select table_name from information_schema.tables "
                       "where table_catalog = current_database() and table_schema = current_schema()").fetchall()
    return {name for (name,) in rows}


def _frame(con: duckdb.DuckDBPyConnection, sql: str, params: list = ()) -> pl.DataFrame:
    return con.sql(sql, params=list(params)).pl()


def _row(con: duckdb.DuckDBPyConnection, sql: str, params: list) -> dict | None:
    rel = con.execute(sql, params)
    columns = [d[0] for d in rel.description]
    rows = rel.fetchall()
    return dict(zip(columns, rows[0])) if rows else None


@dataclass(frozen=True)
class ReportData:
    """Everything one report shows, as read from the release."""
    release: dict                 # the `release` row
    period: dict                  # the `dim_period` row of the report
    previous: dict | None         # the same period a year earlier
    history: list[dict]           # the last six half-years up to the period's end, oldest first
    months: list[dict]            # the months of the period, in its calendar
    indicators: pl.DataFrame      # dim_indicator, grouped by agency in the report's order
    areas: pl.DataFrame           # the city and the areas reported on, in report order
    area_id: str | None           # the one area asked for (--area), else None
    values: pl.DataFrame          # indicator_values, sex T, of `areas` for the period, previous, history
    coverage: pl.DataFrame        # agency × month of the period: whether the release has its rows
    deliveries: list[dict]        # the deliveries the release contains (its manifest)
    submissions: pl.DataFrame | None  # marts.submissions of the period's months, when published
    revisions: pl.DataFrame | None    # marts.revisions of the period (T), when published

    @cached_property
    def _by_key(self) -> dict[tuple[str, str, str], dict]:
        return {(r["indicator_code"], r["area_id"], r["period_id"]): r for r in self.values.to_dicts()}

    def value(self, indicator: str, area: str, period: str) -> dict | None:
        """The row of indicator_values (sex T), or None: not reported."""
        return self._by_key.get((indicator, area, period))


def _period(con, period_id: str) -> dict:
    period = _row(con, "select * from dim_period where period_id = ?", [period_id])
    if period is None:
        raise ReportError(f"unknown period {period_id!r}: expected a half-year or year id such as "
                          "R2024-H1 or R2024 (reporting calendar), 2024-H1 or 2024 (calendar)")
    if period["period_type"] not in REPORT_TYPES:
        raise ReportError(f"period {period_id} is a {period['period_type']}: the report is for a "
                          "half-year or a year (e.g. R2024-H1, R2024)")
    return period


def _indicators(con) -> pl.DataFrame:
    """dim_indicator in the registry's order (the order of district_report's columns), grouped by agency."""
    from pipelines.report.words import AGENCIES

    order = [name.upper() for (name,) in con.execute(
        "select column_name from information_schema.columns where table_catalog = current_database() "
        "and table_schema = current_schema() and table_name = 'district_report' order by ordinal_position"
    ).fetchall()]
    frame = con.sql("select * from dim_indicator").pl()
    rank = {code: i for i, code in enumerate(order)}
    agencies = list(AGENCIES)
    return (frame.with_columns(
        pl.col("agency").map_elements(lambda a: agencies.index(a) if a in agencies else len(agencies),
                                      return_dtype=pl.Int64).alias("_agency"),
        pl.col("indicator_code").map_elements(lambda c: rank.get(c, len(rank)), return_dtype=pl.Int64).alias("_rank"),
    ).sort("_agency", "_rank", "indicator_code").drop("_agency", "_rank"))


def _areas(con, period: dict, area_id: str | None) -> pl.DataFrame:
    areas = _frame(con, 
        """
        select area_id, area_name, level, valid_from, valid_to from dim_area
        where level = 'city' or (valid_from <= ? and coalesce(valid_to, DATE '9999-12-31') >= ?)
        order by case level when 'city' then 0 when 'district' then 1 else 2 end, area_id
        """, [period["end_date"], period["start_date"]])
    if area_id is None:
        return areas
    chosen = areas.filter(pl.col("area_id") == area_id)
    if chosen.height == 0:
        known = _row(con, "select area_name, valid_from, valid_to from dim_area where area_id = ?", [area_id])
        if known is None:
            raise ReportError(f"unknown area {area_id!r}: expected an area_id of dim_area (01 for the city, "
                              "e.g. 001 for Quận Ba Đình)")
        until = known["valid_to"].strftime("%d/%m/%Y") if known["valid_to"] else "now"
        raise ReportError(f"area {area_id} ({known['area_name']}) is not valid in period {period['period_id']} "
                          f"(valid from {known['valid_from']:%d/%m/%Y} to {until})")
    return chosen


def _release_manifest(path: Path, release_id: str) -> dict:
    """The manifest beside a release's file, or for published/marts.duckdb that of the release it
    holds (releases/<id>/manifest.json); {} when there is none."""
    from pipelines.publish.store import MANIFEST

    for candidate in (Path(path).parent / MANIFEST, Path(path).parent.parent / "releases" / release_id / MANIFEST):
        if candidate.is_file():
            manifest = json.loads(candidate.read_text(encoding="utf-8"))
            if manifest.get("release_id") == release_id:
                return manifest
    return {}


def load(path: Path, period_id: str, area_id: str | None = None, manifest: dict | None = None) -> ReportData:
    """Read what the report of `period_id` (and of `area_id` alone, when given) shows.

    `manifest`: the release's manifest when the caller has it (a release being written),
    else read beside the file or under releases/<id>/.
    """
    with open_release(path) as con:
        tables = _tables(con)
        release = _row(con, "select * from release", [])
        period = _period(con, period_id)
        present = con.execute("select count(*) from indicator_values where period_id = ?", [period_id]).fetchall()[0][0]
        if not present:
            span = _row(con, "select min(p.start_date) as first, max(p.end_date) as last from indicator_values v "
                             "join dim_period p using (period_id) where p.calendar = ?", [period["calendar"]])
            covered = (f"; it covers {span['first']:%d/%m/%Y} to {span['last']:%d/%m/%Y}"
                       if span and span["first"] else "")
            raise ReportError(f"no published data for period {period_id} in release {release['release_id']}{covered}")
        previous = _row(con, "select * from dim_period where calendar = ? and period_type = ? and start_date = ?",
                        [period["calendar"], period["period_type"], _year_before(period["start_date"])])
        history = _frame(con,
            "select * from (select * from dim_period where calendar = ? and period_type = 'half' and end_date <= ? "
            "order by end_date desc limit ?) order by end_date", [period["calendar"], period["end_date"], HISTORY_HALVES]
        ).to_dicts()
        months = _frame(con, 
            "select * from dim_period where calendar = ? and period_type = 'month' and start_date >= ? and end_date <= ? "
            "order by start_date", [period["calendar"], period["start_date"], period["end_date"]]).to_dicts()
        indicators = _indicators(con)
        areas = _areas(con, period, area_id)
        periods = sorted({period_id, *(p["period_id"] for p in history), *([previous["period_id"]] if previous else [])})
        con.register("report_areas", areas.select("area_id").to_arrow())
        values = _frame(con, 
            "select indicator_code, area_id, period_id, value, numerator, denominator, flag from indicator_values "
            f"where sex = 'T' and period_id in ({', '.join('?' for _ in periods)}) "
            "and area_id in (select area_id from report_areas)", periods)
        coverage = _frame(con, 
            """
            select i.agency, v.period_id, count(*) as rows from indicator_values v join dim_indicator i using (indicator_code)
            where v.area_id = (select area_id from dim_area where level = 'city') and v.sex = 'T'
              and v.period_id in (select period_id from dim_period where calendar = ? and period_type = 'month'
                                  and start_date >= ? and end_date <= ?)
            group by all
            """, [period["calendar"], period["start_date"], period["end_date"]])
        submissions = (_frame(con, 
            "select * from submissions where period_id in (select period_id from dim_period where calendar = ? "
            "and period_type = 'month' and start_date >= ? and end_date <= ?) order by agency, period_id",
            [period["calendar"], period["start_date"], period["end_date"]]) if "submissions" in tables else None)
        revisions = (_frame(con, 
            "select * from revisions where sex = 'T' and period_id = ? and area_id in (select area_id from report_areas) "
            "order by indicator_code, area_id", [period_id]) if "revisions" in tables else None)
    manifest = manifest if manifest is not None else _release_manifest(path, release["release_id"])
    return ReportData(release=release, period=period, previous=previous, history=history, months=months,
                      indicators=indicators, areas=areas, area_id=area_id, values=values, coverage=coverage,
                      deliveries=list(manifest.get("deliveries", [])), submissions=submissions, revisions=revisions)


def _year_before(day: date) -> date:
    return day.replace(year=day.year - 1)


def latest_complete_periods(path: Path) -> list[str]:
    """The latest complete half-year and year of the reporting calendar that the release has data
    for: a period is complete once every agency's data reach its last day (`data_through_*` of
    the release on or after its end date)."""
    with open_release(path) as con:
        release = _row(con, "select * from release", [])
        through = [v for k, v in release.items() if k.startswith("data_through_") and v is not None]
        if not through:
            return []
        rows = con.execute(
            """
            select period_type, arg_max(period_id, end_date) from dim_period p
            where calendar = 'reporting' and period_type in ('half', 'year') and end_date <= ?
              and exists (select 1 from indicator_values v where v.period_id = p.period_id)
            group by period_type order by period_type
            """, [min(through)]).fetchall()
    return [period_id for _, period_id in sorted(rows, key=lambda r: REPORT_TYPES.index(r[0]))]
