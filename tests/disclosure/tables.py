"""Small hand-made inputs of disclosure control: values shaped like int_indicator_values_computed
and periods shaped like dim_period, and an independent reading of what a release reveals."""

from __future__ import annotations

from datetime import date

import duckdb
import numpy as np
import polars as pl

from pipelines.disclosure import control

COLUMNS = ["indicator_code", "area_id", "period_id", "sex", "value", "numerator", "denominator", "flag",
           "unit", "disclosure", "additive", "numerator_code", "denominator_code", "area_level"]
SCHEMA = {"indicator_code": pl.String, "area_id": pl.String, "period_id": pl.String, "sex": pl.String,
          "value": pl.Float64, "numerator": pl.Int64, "denominator": pl.Int64, "flag": pl.String,
          "unit": pl.String, "disclosure": pl.String, "additive": pl.Boolean, "numerator_code": pl.String,
          "denominator_code": pl.String, "area_level": pl.String}
CITY = "01"


def periods_of(year: int = 2024) -> pl.DataFrame:
    """The calendar periods of one year: months, quarters, halves, the year."""
    def end(month: int) -> date:
        return (date(year + (month == 12), month % 12 + 1, 1) - date.resolution)

    rows = [(f"{year}-{m:02d}", "month", m, m) for m in range(1, 13)]
    rows += [(f"{year}-Q{q}", "quarter", 3 * q - 2, 3 * q) for q in range(1, 5)]
    rows += [(f"{year}-H{h}", "half", 6 * h - 5, 6 * h) for h in (1, 2)] + [(f"{year}", "year", 1, 12)]
    return pl.DataFrame([(pid, "calendar", kind, date(year, first, 1), end(last)) for pid, kind, first, last in rows],
                        schema=["period_id", "calendar", "period_type", "start_date", "end_date"], orient="row")


def counts(cells: dict[tuple[str, str, str], float], indicator: str = "X", *, additive: bool = True,
           disclosure: str = "small_cell", city: bool = True) -> list[tuple]:
    """Rows of one count indicator from {(area, period, sex): value}; the city's rows, the sum
    of the areas, are added."""
    rows = [(indicator, area, period, sex, float(value), None, None, None, "count", disclosure, additive,
             None, None, "district") for (area, period, sex), value in cells.items()]
    if city:
        totals: dict[tuple[str, str], float] = {}
        for (area, period, sex), value in cells.items():
            totals[period, sex] = totals.get((period, sex), 0) + value
        rows += [(indicator, CITY, period, sex, value, None, None, None, "count", disclosure, additive,
                  None, None, "city") for (period, sex), value in totals.items()]
    return rows


def frame(rows: list[tuple]) -> pl.DataFrame:
    return pl.DataFrame(rows, schema=SCHEMA, orient="row")


def run(rows: list[tuple], periods: pl.DataFrame | None = None, fixed: pl.DataFrame | None = None,
        **options) -> dict[tuple[str, str, str, str], int]:
    """Disclosure control of the rows: {(indicator, area, period, sex): rule} of what it suppresses."""
    con = duckdb.connect()
    con.register("hand_values", frame(rows))
    con.register("hand_periods", periods if periods is not None else periods_of())
    if fixed is not None:
        con.register("hand_fixed", fixed)
    outcome = control(con, "hand_values", "hand_periods", "hand_fixed" if fixed is not None else None, **options)
    con.close()
    return {tuple(row[:4]): row[4] for row in outcome.suppressed.iter_rows()}


# -- an attacker's reading, independent of pipelines.disclosure ---------------------------------

def exact_relations(values: dict[tuple[str, str, str, str], float], periods: pl.DataFrame,
                    additive: set[str]) -> list[dict[tuple, float]]:
    """The relations marts.md names, written out again: T = F + M of every cell with a
    breakdown; for additive indicators, city = Σ areas and parent = Σ children (each relation
    as {key: coefficient}, the city cells included)."""
    kinds = {row["period_id"]: row for row in periods.iter_rows(named=True)}
    child_type = {"year": "half", "half": "quarter", "quarter": "month"}
    relations = []
    for (code, area, period, sex) in values:
        if sex == "T" and (code, area, period, "F") in values:
            relations.append({(code, area, period, "T"): 1, (code, area, period, "F"): -1,
                              (code, area, period, "M"): -1})
    if not additive:
        return relations
    groups: dict[tuple, list] = {}
    for key in values:
        if key[0] in additive and key[1] != CITY:
            groups.setdefault((key[0], key[2], key[3]), []).append(key)
    for (code, period, sex), members in groups.items():
        if (code, CITY, period, sex) in values:
            relations.append({(code, CITY, period, sex): 1, **{m: -1 for m in members}})
    for (code, area, period, sex) in values:
        parent = kinds[period]
        if code not in additive or parent["period_type"] not in child_type:
            continue
        children = [(code, area, p, sex) for p, kind in kinds.items()
                    if kind["period_type"] == child_type[parent["period_type"]] and kind["calendar"] == parent["calendar"]
                    and kind["start_date"] >= parent["start_date"] and kind["end_date"] <= parent["end_date"]
                    and (code, area, p, sex) in values]
        if children:
            relations.append({(code, area, period, sex): 1, **{c: -1 for c in children}})
    return relations


def recoverable(relations: list[dict[tuple, float]], hidden: set[tuple]) -> set[tuple]:
    """The hidden cells whose value the relations and the shown values give away: a hidden cell
    is recoverable when adding its unit row does not raise the rank of the relations restricted
    to the hidden cells (numpy.linalg.matrix_rank)."""
    unknowns = sorted(hidden)
    column = {key: j for j, key in enumerate(unknowns)}
    rows = [[0.0] * len(unknowns) for r in relations if any(k in column for k in r)]
    for row, relation in zip(rows, [r for r in relations if any(k in column for k in r)]):
        for key, coefficient in relation.items():
            if key in column:
                row[column[key]] = coefficient
    if not rows:
        return set()
    a = np.array(rows)
    rank = np.linalg.matrix_rank(a)
    found = set()
    for key, j in column.items():
        unit = np.zeros(len(unknowns))
        unit[j] = 1
        if np.linalg.matrix_rank(np.vstack([a, unit])) == rank:
            found.add(key)
    return found
