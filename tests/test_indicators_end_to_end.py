"""The published indicator values, end to end, against an independent computation.

Generated deliveries for June 2024 – December 2025 (whole half-years of both calendars, and
the reform of 1 July 2025), one real `pcmd refresh` (ingestion, dbt, the quality gates,
publishing), then every row of the published `marts.indicator_values` is compared with what
`expected_indicators` computes in plain Python from the generator's truth (the final state of
every record after revisions), reading only the marts contract. Nothing here re-runs the
warehouse's SQL: a disagreement means one of the two readings of the contract is wrong.
"""

from __future__ import annotations

import math
from collections import defaultdict
from datetime import date

import duckdb
import pytest

from homes import refreshed_home
from expected_indicators import (CITY, INDICATORS, health_month_ids, expected_values, periods,
                                 published_areas, recoverable, suppressed_cells)
from pipelines.config import REFERENCE_SEEDS_DIR

DATE_FROM, DATE_TO = date(2024, 6, 1), date(2025, 12, 31)
# a month, a quarter, a half and a year of each calendar (reporting: 15th to 14th)
ASKED_PERIODS = ("2025-03", "2025-Q1", "2025-H1", "2025", "R2025-03", "R2025-Q1", "R2025-H1", "R2025")
# periods with days on both sides of 1 July 2025
ACROSS_THE_REFORM = ("R2025-07", "R2025-Q3", "R2025-H2", "2025", "R2025")


@pytest.fixture(scope="module")
def refreshed(tmp_path_factory):
    """One refresh of the generated deliveries; yields (settings, summary, result, output)."""
    with refreshed_home(tmp_path_factory, "indicators", key="indicators-test-key", seed=7, scale=0.5,
                        date_from=DATE_FROM, date_to=DATE_TO, with_truth=True) as refreshed:
        yield refreshed


@pytest.fixture(scope="module")
def areas():
    return published_areas(REFERENCE_SEEDS_DIR / "admin_units.csv")


@pytest.fixture(scope="module")
def expected(refreshed, areas):
    """(indicator, area, period, sex) -> Expected, before disclosure control."""
    return expected_values(refreshed[1].truth, areas)


@pytest.fixture(scope="module")
def hidden(expected):
    """The rows disclosure control must hide, by the contract's rules applied here."""
    return suppressed_cells(expected)


@pytest.fixture(scope="module")
def published(refreshed):
    """A read-only connection to the published release, opened directly (the way BI tools open it)."""
    settings, _, result, output = refreshed
    assert result.success, output
    con = duckdb.connect(str(settings.published_db), read_only=True)
    yield con
    con.close()


@pytest.fixture(scope="module")
def values(published):
    """(indicator, area, period, sex) -> (value, numerator, denominator, flag) as published."""
    rows = published.execute("select indicator_code, area_id, period_id, sex, value, numerator, denominator, flag "
                             "from marts.indicator_values").fetchall()
    return {tuple(row[:4]): tuple(row[4:]) for row in rows}


def _as_published(row) -> tuple:
    return (row.value, row.numerator, row.denominator, row.flag)


def _same(want: tuple, got: tuple, ratio: bool) -> bool:
    """Equal rows: counts and amounts exactly, a ratio's value up to floating-point rounding."""
    if ratio and want[0] is not None and got[0] is not None:
        return math.isclose(want[0], got[0], rel_tol=1e-12) and want[1:] == got[1:]
    return want == got


def _listing(differences: list[tuple], limit: int = 25) -> str:
    lines = [f"{' '.join(key)}: expected {want}, published {got}"
             for key, want, got in sorted(differences, key=lambda d: d[0])[:limit]]
    more = f"\n... and {len(differences) - limit} more" if len(differences) > limit else ""
    return f"{len(differences)} differences (indicator area period sex):\n" + "\n".join(lines) + more


def test_the_refresh_publishes_a_release(refreshed, published):
    _, _, result, output = refreshed
    assert result.success, output
    rows, stamped, releases = published.execute(
        "select count(*), count(release_id), count(distinct release_id) from marts.indicator_values"
    ).fetchall()[0]
    assert rows > 0 and stamped == rows and releases == 1


def test_the_data_exercise_what_is_compared(refreshed, expected, hidden, areas):
    """Not vacuous: the asked periods have events, both levels have events across the reform,
    health comes in both calendars, and disclosure control has work for every rule."""
    level = {a.area_id: a.level for a in areas}
    for period in ASKED_PERIODS:
        for code in ("VIO_CASES", "VIO_PERSONS", "VIO_SELLERS", "INS_INSPECTIONS", "SUP_RECORDS",
                     "LNK_SELLERS_SANCTIONED", "LNK_SELLERS_SUPPORTED_180D"):
            assert expected[code, CITY, period, "T"].value > 0, (code, period)
    for period in ACROSS_THE_REFORM:
        with_cases = {level[a] for (c, a, p, s), row in expected.items()
                      if c == "VIO_CASES" and p == period and a != CITY and row.value}
        assert with_cases == {"district", "commune"}, period
    calendars = {month_id.startswith("R") for month_id in health_month_ids(refreshed[1].truth).values()}
    assert calendars == {True, False}
    counts = [key for key in hidden if INDICATORS[key[0]].unit == "count"]
    assert any(1 <= expected[k].value <= 4 for k in counts)     # rule 1
    assert any(expected[k].value == 0 for k in counts)          # rule 2: "even a zero"
    assert any(expected[k].value > 4 for k in counts)           # rule 3


def test_the_registry_is_the_contracts(published):
    found = published.execute("select indicator_code, unit, agency, disclosure, numerator_code, denominator_code "
                              "from marts.dim_indicator").fetchall()
    assert sorted(found) == sorted((i.code, i.unit, "+".join(i.agencies), i.disclosure, i.numerator, i.denominator)
                                   for i in INDICATORS.values())


def test_periods_are_the_contracts(published):
    found = {row[0]: row[1:] for row in published.execute(
        "select period_id, calendar, period_type, start_date, end_date from marts.dim_period").fetchall()}
    ours = {p.period_id: (p.calendar, p.period_type, p.start, p.end) for p in periods(range(2024, 2027))}
    assert {k: found.get(k) for k in ours} == ours


@pytest.mark.parametrize("code", INDICATORS)
def test_a_row_for_every_covered_cell_and_no_other(code, expected, values):
    """Every area valid in a covered period and the city, with 0 where nothing happened; and no
    row for a period the agency does not cover (a missing row means 'not reported')."""
    want = {k for k in expected if k[0] == code}
    got = {k for k in values if k[0] == code}
    differences = [(k, "a row", "none") for k in want - got] + [(k, "no row", values[k]) for k in got - want]
    assert not differences, _listing(differences)


@pytest.mark.parametrize("code", INDICATORS)
def test_values_equal_the_independent_computation(code, expected, values):
    """Public indicators and every city value: exactly. Small-cell values below the city: exactly
    whenever published, and always hidden when the count is 1 to 4."""
    indicator = INDICATORS[code]
    differences = []
    for key, row in expected.items():
        if key[0] != code or key not in values:
            continue
        got = values[key]
        protected = indicator.disclosure == "small_cell" and key[1] != CITY
        if protected and got[3] == "suppressed":
            if got[:3] != (None, None, None):
                differences.append((key, "NULL value, numerator and denominator", got))
            continue
        if protected and indicator.unit == "count" and 1 <= row.value <= 4:
            differences.append((key, f"suppressed ({row.value:g})", got))
        elif not _same(_as_published(row), got, indicator.unit == "ratio"):
            differences.append((key, _as_published(row), got))
    assert not differences, _listing(differences)


@pytest.mark.parametrize("code", [c for c, i in INDICATORS.items() if i.disclosure == "small_cell"])
def test_what_is_suppressed_is_what_the_rules_suppress(code, hidden, values):
    """The rules of marts.md (version 2) applied independently (primary, sexes, areas, periods,
    in rounds; the audit solved by SVD; ratios with their parts) hide exactly the rows the
    release hides."""
    want = {k for k in hidden if k[0] == code}
    got = {k for k, row in values.items() if k[0] == code and row[3] == "suppressed"}
    differences = [(k, "suppressed", values.get(k)) for k in want - got] + [(k, "shown", values[k]) for k in got - want]
    assert not differences, _listing(differences)


def test_the_published_table_keeps_the_disclosure_rules(values):
    """The rules read off the published table alone, whatever produced it: no 1 to 4 shown below
    the city, a hidden T hides its F and M, F and M hidden together, never one lone hidden area in
    an indicator × period × sex, a ratio hidden exactly with a part, the city never."""
    broken = []
    groups = defaultdict(list)        # (indicator, period, sex) -> [(area, row)] below the city
    for (code, area, period, sex), row in values.items():
        indicator = INDICATORS[code]
        if indicator.disclosure != "small_cell":
            continue
        if area == CITY:
            if row[3] == "suppressed":
                broken.append(((code, area, period, sex), "the city is never suppressed", row))
            continue
        if indicator.unit == "count":
            groups[code, period, sex].append((area, row))
            if row[0] is not None and 1 <= row[0] <= 4:
                broken.append(((code, area, period, sex), "rule 1: 1..4 suppressed", row))
            if sex in ("F", "M"):
                other = values[code, area, period, "M" if sex == "F" else "F"]
                total = values[code, area, period, "T"]
                if (row[3] == "suppressed") != (other[3] == "suppressed"):
                    broken.append(((code, area, period, sex), "rule 2: F and M suppressed together", row))
                if total[3] == "suppressed" and row[3] != "suppressed":
                    broken.append(((code, area, period, sex), "rule 2: T suppressed, F and M too", row))
        else:
            parts = [values.get((part, area, period, sex)) for part in (indicator.numerator, indicator.denominator)]
            if (row[3] == "suppressed") != any(p[3] == "suppressed" for p in parts):
                broken.append(((code, area, period, sex), "rule 6: a ratio goes with its parts", row))
    for (code, period, sex), cells in groups.items():
        hidden = [area for area, row in cells if row[3] == "suppressed"]
        if len(hidden) == 1 and len(cells) > 1:
            broken.append(((code, hidden[0], period, sex), "rule 3: no lone suppressed area", f"of {len(cells)}"))
    assert not broken, _listing(broken)


def test_no_suppressed_count_can_be_recovered_from_the_release(expected, values):
    """An attacker's view of the published release: every exact relation of marts.md (T = F + M;
    for additive counts city = sum of areas and parent = sum of child periods), the shown values
    as constants, the suppressed counts as unknowns, solved per indicator × calendar year by a
    singular value decomposition written in expected_indicators (not the warehouse's code):
    no suppressed count has a unique value."""
    hidden = {key for key, row in values.items() if row[3] == "suppressed" and INDICATORS[key[0]].unit == "count"}
    assert len(hidden) > 1000
    found = recoverable(expected, hidden)
    assert not found, _listing([(key, "undetermined", "determined") for key in found])


def test_an_area_with_nothing_has_a_zero(expected, values):
    """Zeros are rows: in each asked period, the areas without events are published as 0 (the
    totals: an F or M zero may be hidden with its complement)."""
    for code in ("VIO_CASES", "VIO_FINES_VND", "INS_INSPECTIONS", "SUP_RECORDS", "VIO_PERSONS"):
        for period in ASKED_PERIODS:
            zeros = {k for k, row in expected.items() if k[0] == code and k[2] == period and k[3] == "T"
                     and row.value == 0}
            assert zeros, (code, period)
            assert {k: values.get(k) for k in zeros} == {k: (0.0, None, None, None) for k in zeros}


def test_health_only_in_the_calendar_its_workbooks_state(refreshed, values):
    """Health months have rows only where a workbook states that month's dates (calendar or
    reporting); e.g. a month reported 15th–14th has no calendar-month row of that name."""
    reported = set(health_month_ids(refreshed[1].truth).values())
    months = {p.period_id for p in periods(range(2024, 2027)) if p.period_type == "month"}
    health_months = {p for (code, _, p, _) in values if code == "HLT_HIV_TESTED" and p in months}
    assert health_months == reported
    other_calendar = {("" if m.startswith("R") else "R") + m.removeprefix("R") for m in reported} - reported
    assert other_calendar and not other_calendar & health_months


def test_district_report_shows_the_total_values(published, values):
    """One row per area × half-year or year of indicator_values, each indicator column holding
    the published T value (NULL where suppressed, undefined or not covered)."""
    report = published.execute("select * from marts.district_report").fetchall()
    columns = [d[0] for d in published.description]
    kinds = dict(published.execute("select period_id, period_type from marts.dim_period").fetchall())
    cells = {(a, p) for (_, a, p, _) in values if kinds[p] in ("half", "year")}
    assert sorted((row[0], row[1]) for row in report) == sorted(cells)
    assert {code.lower() for code in INDICATORS} <= set(columns)
    differences = []
    for row in report:
        record = dict(zip(columns, row))
        for code in INDICATORS:
            want = values.get((code, record["area_id"], record["period_id"], "T"), (None,))[0]
            got = record[code.lower()]
            if not _same((want,), (got,), INDICATORS[code].unit == "ratio"):
                differences.append(((code, record["area_id"], record["period_id"], "T"), want, got))
    assert not differences, _listing(differences)


def test_the_published_values_are_the_checked_candidate(refreshed, published):
    """What was published is what the gates checked in the warehouse, stamped with its release."""
    settings = refreshed[0]
    published.execute(f"ATTACH '{settings.warehouse_db}' AS candidate (READ_ONLY)")
    try:
        columns = "indicator_code, area_id, period_id, sex, value, numerator, denominator, flag"
        differing = published.execute(f"""
            select count(*) from (
                (select {columns} from marts.indicator_values
                 except all select {columns} from candidate.marts.indicator_values)
                union all
                (select {columns} from candidate.marts.indicator_values
                 except all select {columns} from marts.indicator_values))
        """).fetchall()[0][0]
    finally:
        published.execute("DETACH candidate")
    assert differing == 0


# -- the Từ Liêm split of 28 December 2013 ---------------------------------------------------

# Huyện Từ Liêm until 27 Dec 2013; then Quận Nam Từ Liêm (which took the code 019) and Quận Bắc
# Từ Liêm. The year 2013 and the reporting year R2014 (15 Dec 2013 – 14 Dec 2014) both have
# days on both sides.
TU_LIEM = ("019-2013", "019", "021")
ACROSS_THE_SPLIT = ("2013", "R2014")


@pytest.fixture(scope="module")
def refreshed_2013(tmp_path_factory):
    with refreshed_home(tmp_path_factory, "tu_liem", key="indicators-test-key", seed=7, scale=0.5,
                        date_from=date(2013, 7, 1), date_to=date(2014, 6, 30), with_truth=True) as refreshed:
        yield refreshed


def test_the_tu_liem_split_through_a_refresh(refreshed_2013, areas):
    """The old district's events count in 019-2013 and the new districts' in 019 and 021: every
    row of the three units in the periods across the split equals the independent computation."""
    settings, summary, result, output = refreshed_2013
    assert result.success, output
    expected = {k: row for k, row in expected_values(summary.truth, areas).items()
                if k[1] in TU_LIEM and k[2] in ACROSS_THE_SPLIT}
    with duckdb.connect(str(settings.published_db), read_only=True) as con:
        rows = con.execute(
            "select indicator_code, area_id, period_id, sex, value, numerator, denominator, flag "
            "from indicator_values where area_id in ? and period_id in ?",
            [list(TU_LIEM), list(ACROSS_THE_SPLIT)]).fetchall()
    published = {tuple(row[:4]): tuple(row[4:]) for row in rows}
    assert set(published) == set(expected)
    # Not vacuous: cases on both sides of the split, in every one of the three units.
    for area in TU_LIEM:
        assert any(row.value for (code, a, _, sex), row in expected.items()
                   if code == "VIO_CASES" and a == area and sex == "T"), area
    differences = []
    for key, row in expected.items():
        got = published[key]
        if got[3] == "suppressed" and INDICATORS[key[0]].disclosure == "small_cell":
            continue  # what is hidden is the disclosure tests' business; a shown value must be right
        if not _same(_as_published(row), got, INDICATORS[key[0]].unit == "ratio"):
            differences.append((key, _as_published(row), got))
    assert not differences, _listing(differences)
