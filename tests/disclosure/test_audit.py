"""Rule 8, the audit: no suppressed cell may be recovered from the published values and the
exact relations. Checked by an attacker written here (numpy's matrix_rank on the relations as
marts.md states them, tables.recoverable), independent of pipelines.disclosure."""

from __future__ import annotations

import random

import polars as pl
import pytest

from tables import counts, exact_relations, frame, periods_of, recoverable, run

PERIODS = periods_of()
QUARTERS = ("2024-Q1", "2024-Q2", "2024-Q3", "2024-Q4")
HALVES = {"2024-H1": QUARTERS[:2], "2024-H2": QUARTERS[2:]}
# F and M suppressed together in these cells, T shown everywhere: every relation has 0 or at
# least 2 suppressed cells, so rules 2-4 have nothing to add, yet F and M of a1 2024-H2 are
# determined. Two cycles of suppressions (each undetermined alone) joined through a1.
PATTERN = {"a1": ("2024-H1", "2024-H2", "2024-Q1", "2024-Q3", "2024-Q4", "2024"),
           "a2": ("2024-H1", "2024-H2", "2024-Q2", "2024-Q4"),
           "a3": ("2024-H1", "2024-Q1", "2024-Q3", "2024-Q4", "2024"),
           "a4": ("2024-H1", "2024-H2", "2024-Q2", "2024-Q4")}


def year_of(quarters: dict[tuple[str, str, str], int], areas) -> dict[tuple[str, str, str], int]:
    """Quarter values of F and M, with T = F + M and halves and the year the sums of quarters."""
    cells = dict(quarters)
    for area in areas:
        for quarter in QUARTERS:
            cells[area, quarter, "T"] = cells[area, quarter, "F"] + cells[area, quarter, "M"]
        for sex in "TFM":
            for half, parts in HALVES.items():
                cells[area, half, sex] = sum(cells[area, q, sex] for q in parts)
            cells[area, "2024", sex] = sum(cells[area, q, sex] for q in QUARTERS)
    return cells


def relations_of(rows):
    return exact_relations({tuple(r[:4]): r[4] for r in rows}, PERIODS, {r[0] for r in rows if r[10]})


def test_the_attacker_finds_what_relations_give_away():
    """The attacker itself: a suppressed half next to its shown year and other half is found;
    two suppressed halves are not."""
    rows = counts({("a1", "2024-H1", "T"): 3, ("a1", "2024-H2", "T"): 9, ("a1", "2024", "T"): 12}, city=False)
    assert recoverable(relations_of(rows), {("X", "a1", "2024-H1", "T")}) == {("X", "a1", "2024-H1", "T")}
    assert recoverable(relations_of(rows), {("X", "a1", "2024-H1", "T"), ("X", "a1", "2024-H2", "T")}) == set()


@pytest.mark.parametrize("batched_up_to", [64, 1])   # 1: every block through the large-block solver
def test_the_audit_suppresses_more_where_rules_1_to_5_leave_a_determined_cell(batched_up_to, monkeypatch):
    monkeypatch.setattr("pipelines.disclosure.audit.BATCHED_UP_TO", batched_up_to)
    rng = random.Random(4)
    areas = list(PATTERN)
    rows = counts(year_of({(a, q, s): rng.randint(5, 12) for a in areas for q in QUARTERS for s in "FM"}, areas))
    # the pattern is suppressed as approved (rule 9): the rules cannot change it, the audit must
    # work around it
    pattern = [("X", a, p, s) for a, periods in PATTERN.items() for p in periods for s in "FM"]
    fixed = pl.DataFrame(pattern, schema=["indicator_code", "area_id", "period_id", "sex"], orient="row",
                         ).with_columns(suppressed=True)

    before = run(rows, fixed=fixed, audit=False)
    assert set(before) == set(pattern)                              # rules 1-5 add nothing ...
    assert recoverable(relations_of(rows), set(before)) == {("X", "a1", "2024-H2", "F"), ("X", "a1", "2024-H2", "M")}

    after = run(rows, fixed=fixed)                                  # ... the audit does
    added = {key for key, rule in after.items() if rule == 8}
    assert added and set(before) < set(after)
    assert recoverable(relations_of(rows), set(after)) == set()


def test_no_suppressed_cell_of_a_generated_release_is_recoverable():
    """Random small-cell counts of 6 areas over a year, many of them 1 to 4: whatever the rules
    and the audit suppress, the attacker recovers nothing."""
    rng = random.Random(11)
    areas = [f"a{n}" for n in range(1, 7)]
    for trial in range(6):
        quarters = {(a, q, s): rng.choice([0, 0, 1, 2, 3, 4, 5, 7, 9, 14]) for a in areas for q in QUARTERS for s in "FM"}
        rows = counts(year_of(quarters, areas), "ADD") + counts(year_of(quarters, areas), "PERSONS", additive=False)
        hidden = run(rows)
        assert len(hidden) > 20
        assert recoverable(relations_of(rows), set(hidden)) == set(), trial
