"""Disclosure control version 2 (marts.md rules 1–6, 8 and 9) over DuckDB relations.

    outcome = control(con, "intermediate.int_indicator_values_computed", "marts.dim_period")
    outcome.suppressed      # polars: indicator_code, area_id, period_id, sex, rule

Rule 1, then rounds of rules 2–4 to a fixed point (rule 5), then the audit (rule 8): while a
suppressed cell is determined by the published values and the exact relations, one more cell
of its system is suppressed and rules 2–4 run again; then ratios follow their parts (rule 6).
`fixed` (rule 9) names rows whose suppression is decided already (approved periods): no rule
changes them or picks them.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import duckdb
import numpy as np
import polars as pl

from pipelines.disclosure.audit import determined
from pipelines.disclosure.layout import Layout, build_layout
from pipelines.disclosure.rules import APPROVED, AUDIT, NOT_SUPPRESSED, PRIMARY, RATIO, RULE_NAMES, Choices, apply_rules, primary

KEY = ["indicator_code", "area_id", "period_id", "sex"]
SUPPRESSED_SCHEMA = {"indicator_code": pl.String, "area_id": pl.String, "period_id": pl.String,
                     "sex": pl.String, "rule": pl.Int8}


@dataclass
class Outcome:
    suppressed: pl.DataFrame                      # KEY + rule (the contract's rule number)
    undetermined_failures: list[tuple[str, str, str, str]] = field(default_factory=list)
    audit_additions: int = 0                      # cells the audit added (rule 8)

    def counts(self) -> dict[str, int]:
        """Cells suppressed by each rule, by the rule's name (every rule, 0 included)."""
        found = Counter(self.suppressed["rule"].to_list())
        return {name: found.get(number, 0) for number, name in RULE_NAMES.items()}


def control(con: duckdb.DuckDBPyConnection, values: str, periods: str, fixed: str | None = None,
            *, audit: bool = True) -> Outcome:
    """Disclosure control of `values` (a relation shaped like int_indicator_values_computed, with
    `additive`), over the periods of `periods` (shaped like dim_period). `fixed`: a relation of
    rows (KEY + `suppressed` boolean) the rules must leave as they are (rule 9), or None.
    `audit=False` stops after rules 1–6 (to see what the audit adds)."""
    layout = build_layout(con, values, periods)
    is_fixed, fixed_state = _fixed(con, layout, fixed)
    suppressed = fixed_state.copy()
    rule = np.where(fixed_state, APPROVED, NOT_SUPPRESSED).astype(np.int8)
    first = primary(layout, is_fixed)
    suppressed |= first
    rule[first] = PRIMARY
    choices = Choices(layout)
    apply_rules(layout, suppressed, rule, is_fixed, choices)
    stuck, added = _audit(layout, suppressed, rule, is_fixed, choices) if audit else ([], 0)
    counts = _frame(layout, suppressed, rule)
    ratios = _ratios(con, values, counts, fixed)
    return Outcome(pl.concat([counts, ratios]), stuck, added)


def determined_cells(con: duckdb.DuckDBPyConnection, values: str, periods: str) -> list[tuple[str, str, str, str]]:
    """The audit of a release: the cells flagged `suppressed` in `values` that its published
    values and the exact relations determine (none may be)."""
    layout = build_layout(con, values, periods)
    found = determined(layout, layout.flagged)
    return [layout.keys[i] for i in np.flatnonzero(found)]


def _fixed(con: duckdb.DuckDBPyConnection, layout: Layout, fixed: str | None) -> tuple[np.ndarray, np.ndarray]:
    is_fixed, state = np.zeros(layout.n, bool), np.zeros(layout.n, bool)
    if fixed is not None:
        rows = con.execute(f"select c.cell, f.suppressed from dc_cells c join {fixed} f using "
                           f"({', '.join(KEY)})").fetchnumpy()
        is_fixed[rows["cell"]] = True
        state[rows["cell"]] = np.asarray(rows["suppressed"], dtype=bool)
    return is_fixed, state


def _audit(layout: Layout, suppressed: np.ndarray, rule: np.ndarray, fixed: np.ndarray,
           choices: Choices) -> tuple[list, int]:
    """Rule 8: while a system has a determined cell, suppress one more cell of it: among the
    cells sharing an exact relation with a determined one, neither suppressed nor fixed, the
    smallest non-zero value, else the zero with the lowest key; then rules 2–5 again. Systems
    share no rule and no relation, so each goes its own way in the same loop. Returns the cells
    still determined where nothing was left to suppress, and how many cells the audit added."""
    value = layout.value
    cell = np.arange(layout.n)
    order = np.lexsort((cell, value, value == 0, layout.system))
    relations = layout.relations.tocsc()
    members = layout.relations.tocsr()
    within, stuck, added = None, [], 0
    while True:
        found = determined(layout, suppressed, within)
        if not found.any():
            break
        touching = np.flatnonzero(relations[:, np.flatnonzero(found)].getnnz(axis=1))
        neighbours = np.zeros(layout.n, bool)
        neighbours[members[touching].indices] = True
        eligible = neighbours[order] & ~suppressed[order] & ~fixed[order]
        picked = order[eligible]
        _, first = np.unique(layout.system[picked], return_index=True)
        picked = picked[first]
        hopeless = np.setdiff1d(np.unique(layout.system[found]), layout.system[picked])
        stuck += [layout.keys[i] for i in np.flatnonzero(found & np.isin(layout.system, hopeless))]
        if not len(picked):
            break
        suppressed[picked] = True
        rule[picked] = AUDIT
        added += len(picked)
        apply_rules(layout, suppressed, rule, fixed, choices)
        within = np.unique(layout.system[picked])
    return stuck, added


def _frame(layout: Layout, suppressed: np.ndarray, rule: np.ndarray) -> pl.DataFrame:
    index = np.flatnonzero(suppressed)
    keys = [layout.keys[i] for i in index]
    return pl.DataFrame([*zip(*keys), rule[index]] if keys else [[] for _ in range(5)],
                        schema=SUPPRESSED_SCHEMA, orient="col")


def _ratios(con: duckdb.DuckDBPyConnection, values: str, counts: pl.DataFrame, fixed: str | None) -> pl.DataFrame:
    """Rule 6: a small-cell ratio below the city goes with its numerator or denominator (a
    fixed ratio keeps its approved state)."""
    con.register("dc_suppressed_counts", counts)
    try:
        fixed_join = f"left join {fixed} f using ({', '.join(KEY)})" if fixed else ""
        fixed_state = "f.suppressed" if fixed else "null::boolean"
        return con.sql(f"""
            select v.indicator_code, v.area_id, v.period_id, v.sex,
                   (case when {fixed_state} is not null then {APPROVED} else {RATIO} end)::tinyint as rule
            from {values} v
            {fixed_join}
            where v.unit = 'ratio' and v.disclosure = 'small_cell' and v.area_level <> 'city'
              and coalesce({fixed_state}, exists (
                  select 1 from dc_suppressed_counts s
                  where s.indicator_code in (v.numerator_code, v.denominator_code)
                    and s.area_id = v.area_id and s.period_id = v.period_id and s.sex = v.sex))
            order by all
        """).pl().cast(SUPPRESSED_SCHEMA)
    finally:
        con.unregister("dc_suppressed_counts")
