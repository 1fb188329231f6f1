"""Disclosure control version 2 (marts.md rules 1–6 and 9) on small hand-made tables: one test
per rule, and each leak of version 1 as a regression case. Real DuckDB, real numpy; no warehouse."""

from __future__ import annotations

import polars as pl

import tables
from tables import CITY, counts, exact_relations, periods_of, recoverable

PERIODS = periods_of()


def run(rows, **options):
    """Rules 1-6 (and 9) alone: the audit would otherwise make up for a broken rule."""
    return tables.run(rows, audit=False, **options)


def suppressed(result: dict, rule: int | None = None) -> set[tuple[str, str, str]]:
    """(area, period, sex) of what is suppressed (by `rule`)."""
    return {(a, p, s) for (_, a, p, s), r in result.items() if rule is None or r == rule}


def test_rule_1_suppresses_counts_1_to_4_below_the_city_only():
    rows = counts({("a1", "2024-01", "T"): 1, ("a2", "2024-01", "T"): 4, ("a3", "2024-01", "T"): 5,
                   ("a4", "2024-01", "T"): 0, ("a5", "2024-01", "T"): 12})
    rows += counts({("a1", "2024-01", "T"): 2, ("a2", "2024-01", "T"): 3}, "OPEN", disclosure="public")
    result = run(rows)
    assert suppressed(result, 1) == {("a1", "2024-01", "T"), ("a2", "2024-01", "T")}
    assert not any(a == CITY or code == "OPEN" for code, a, _, _ in result)   # the city's 5, public counts


def test_rule_2_t_suppressed_takes_f_and_m():
    """Version 1 leak: rule 3 suppressed a T alone and its published F + M gave it back. Here
    rule 3 takes a4's T (the smallest other T), while the F and M groups take a2 and a3."""
    cells = {("a1", "2024-01", "T"): 4, ("a1", "2024-01", "F"): 2, ("a1", "2024-01", "M"): 2,
             ("a2", "2024-01", "T"): 14, ("a2", "2024-01", "F"): 5, ("a2", "2024-01", "M"): 9,
             ("a3", "2024-01", "T"): 14, ("a3", "2024-01", "F"): 9, ("a3", "2024-01", "M"): 5,
             ("a4", "2024-01", "T"): 13, ("a4", "2024-01", "F"): 6, ("a4", "2024-01", "M"): 7}
    result = run(counts(cells))
    assert {("a4", "2024-01", "T"), ("a2", "2024-01", "F"), ("a3", "2024-01", "M")} <= suppressed(result, 3)
    assert {("a4", "2024-01", "F"), ("a4", "2024-01", "M")} <= suppressed(result, 2)
    values = {tuple(r[:4]): r[4] for r in counts(cells)}
    assert not recoverable(exact_relations(values, PERIODS, {"X"}), set(result))


def test_rule_2_one_of_f_and_m_takes_the_other_even_a_zero():
    cells = {("a1", "2024-01", "T"): 9, ("a1", "2024-01", "F"): 9, ("a1", "2024-01", "M"): 0,
             ("a2", "2024-01", "T"): 2, ("a2", "2024-01", "F"): 2, ("a2", "2024-01", "M"): 0}
    result = run(counts(cells))
    assert ("a2", "2024-01", "M") in suppressed(result, 2)        # the zero beside a suppressed 2


def test_rule_3_takes_the_smallest_non_zero_area_ties_by_lowest_area_id():
    cells = {("a1", "2024-01", "T"): 2, ("a2", "2024-01", "T"): 0, ("a4", "2024-01", "T"): 6,
             ("a3", "2024-01", "T"): 6, ("a5", "2024-01", "T"): 8}
    assert suppressed(run(counts(cells)), 3) == {("a3", "2024-01", "T")}


def test_rule_3_takes_a_zero_area_when_no_non_zero_one_is_left():
    """Version 1 leak: one suppressed area among zeros was the city total minus nothing."""
    cells = {("a1", "2024-01", "T"): 3, ("a3", "2024-01", "T"): 0, ("a2", "2024-01", "T"): 0}
    result = run(counts(cells))
    assert suppressed(result) == {("a1", "2024-01", "T"), ("a2", "2024-01", "T")}
    assert suppressed(result, 3) == {("a2", "2024-01", "T")}     # the lowest area_id of the zeros


def test_rule_4_protects_a_half_from_its_year():
    """Version 1 leak: a suppressed half was the published year minus the other half."""
    cells = {}
    for area, h1, h2 in (("a1", 3, 10), ("a2", 20, 30), ("a3", 40, 50)):
        cells.update({(area, "2024-H1", "T"): h1, (area, "2024-H2", "T"): h2, (area, "2024", "T"): h1 + h2})
    result = run(counts(cells))
    assert ("a1", "2024-H2", "T") in suppressed(result, 4)        # the other half
    values = {tuple(r[:4]): r[4] for r in counts(cells)}
    assert not recoverable(exact_relations(values, PERIODS, {"X"}), set(result))


def test_rule_4_order_smallest_non_zero_child_then_zero_child_first_then_the_parent():
    # January is suppressed as approved (rule 9), so its value does not matter to rule 1
    january = pl.DataFrame({"indicator_code": ["X"], "area_id": ["a1"], "period_id": ["2024-01"], "sex": ["T"],
                            "suppressed": [True]})

    def picked(*months: int) -> set:
        cells = {("a1", f"2024-0{n}", "T"): value for n, value in enumerate(months, start=1)}
        cells["a1", "2024-Q1", "T"] = sum(months)
        return suppressed(run(counts(cells), fixed=january), 4)

    assert picked(7, 9, 6) == {("a1", "2024-03", "T")}            # the smallest non-zero child
    assert picked(7, 8, 8) == {("a1", "2024-02", "T")}            # a tie: the child that starts first
    assert picked(7, 0, 0) == {("a1", "2024-02", "T")}            # none non-zero: the zero that starts first
    assert picked(7) == {("a1", "2024-Q1", "T")}                  # no child left: the parent


def test_rule_5_each_rule_judges_the_state_at_its_start():
    """Q2 (rule 1) leaves H1 with one suppressed child, 2024-01 (rule 1) leaves Q1 with one
    suppressed month. Rule 4 judges both relations at once: H1's relation takes Q1, and Q1's
    relation takes a month too, though Q1 itself is suppressed by then. Applied one relation
    after the other, the second would find two suppressed and add nothing."""
    cells = {("a1", "2024-01", "T"): 2, ("a1", "2024-02", "T"): 6, ("a1", "2024-03", "T"): 9,
             ("a1", "2024-Q1", "T"): 17, ("a1", "2024-Q2", "T"): 3, ("a1", "2024-H1", "T"): 20}
    result = run(counts(cells, city=False))
    assert suppressed(result, 1) == {("a1", "2024-01", "T"), ("a1", "2024-Q2", "T")}
    assert suppressed(result, 4) == {("a1", "2024-Q1", "T"), ("a1", "2024-02", "T")}


def test_rules_repeat_in_rounds_until_nothing_changes():
    """Round 1: a1 F (rule 1) takes a1 M (rule 2); F and M groups take a2 F and a3 M (rule 3).
    Round 2: rule 2 takes a2 M and a3 F; round 3 changes nothing. T is untouched."""
    cells = {("a1", "2024-01", "T"): 10, ("a1", "2024-01", "F"): 1, ("a1", "2024-01", "M"): 9,
             ("a2", "2024-01", "T"): 11, ("a2", "2024-01", "F"): 5, ("a2", "2024-01", "M"): 6,
             ("a3", "2024-01", "T"): 12, ("a3", "2024-01", "F"): 7, ("a3", "2024-01", "M"): 5,
             ("a4", "2024-01", "T"): 0, ("a4", "2024-01", "F"): 0, ("a4", "2024-01", "M"): 0}
    result = run(counts(cells))
    assert suppressed(result) == {(a, "2024-01", s) for a in ("a1", "a2", "a3") for s in "FM"}


def test_rule_6_a_ratio_goes_with_its_parts():
    num = counts({("a1", "2024-01", "T"): 2, ("a2", "2024-01", "T"): 6, ("a3", "2024-01", "T"): 9}, "NUM")
    den = counts({("a1", "2024-01", "T"): 10, ("a2", "2024-01", "T"): 20, ("a3", "2024-01", "T"): 30}, "DEN")
    rate = [("RATE", a, "2024-01", "T", n / d, n, d, None, "ratio", "small_cell", False, "NUM", "DEN",
             "city" if a == CITY else "district")
            for a, n, d in (("a1", 2, 10), ("a2", 6, 20), ("a3", 9, 30), (CITY, 17, 60))]
    result = run(num + den + rate)
    assert {a for (code, a, _, _), r in result.items() if code == "RATE" and r == 6} == {"a1", "a2"}


def test_rule_9_fixed_rows_keep_their_state_and_are_never_picked():
    """January: an approved a2 (shown, 6) is not picked by rule 3, the next smallest area is.
    February: an approved suppression of a2 stays, though no rule would make it, and rule 3
    works around it."""
    cells = {("a1", "2024-01", "T"): 2, ("a2", "2024-01", "T"): 6, ("a3", "2024-01", "T"): 7,
             ("a4", "2024-01", "T"): 30,
             ("a1", "2024-02", "T"): 30, ("a2", "2024-02", "T"): 40, ("a3", "2024-02", "T"): 50}
    fixed = pl.DataFrame({"indicator_code": ["X", "X"], "area_id": ["a2", "a2"],
                          "period_id": ["2024-01", "2024-02"], "sex": ["T", "T"], "suppressed": [False, True]})
    result = run(counts(cells), fixed=fixed)
    assert result == {("X", "a1", "2024-01", "T"): 1, ("X", "a3", "2024-01", "T"): 3,
                      ("X", "a2", "2024-02", "T"): 9, ("X", "a1", "2024-02", "T"): 3}
