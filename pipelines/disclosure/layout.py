"""Which cells disclosure control protects and which relations join them: the set work, in SQL.

The input is any DuckDB relation shaped like `int_indicator_values_computed` (or the published
`indicator_values` joined with its dimensions): `indicator_code, area_id, period_id, sex, value,
flag, unit, disclosure, additive, area_level`, and one shaped like `dim_period`. Out come numpy
arrays over the protected cells (small-cell counts below the city) that the rules and the audit
loop over:

- cells are numbered in key order (`indicator_code, sex, period_id, area_id`, code points), so
  "the lowest key" is the lowest cell number;
- a *system* is one indicator × year of one calendar: no rule and no relation crosses systems;
- sex groups (T, F, M of one indicator × area × period), area groups (the areas of one
  indicator × period × sex) and period relations (a parent period and its child periods, in one
  indicator × area × sex) are membership arrays;
- the audit's exact relations (marts.md rule 8) are a sparse matrix: `T − F − M = 0` for every
  count with a breakdown, and for additive counts `Σ areas = city` and `parent − Σ children = 0`.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import numpy as np
from scipy import sparse

# A parent period and the type of its children, within one calendar (marts.md rule 4).
PERIOD_CHILD_TYPE = {"year": "half", "half": "quarter", "quarter": "month"}


def period_relations_sql(periods: str) -> str:
    """(parent_id, child_id) of every parent period and its child periods in `periods` (a
    relation shaped like dim_period): a child is of the next shorter type, in the same calendar,
    inside the parent's dates. The one definition of the period relations (the rules, the audit
    and the quality suite use it)."""
    pairs = ", ".join(f"('{parent}', '{child}')" for parent, child in PERIOD_CHILD_TYPE.items())
    return f"""
        select parent.period_id as parent_id, child.period_id as child_id
        from {periods} as parent
        join (values {pairs}) as types(parent_type, child_type) on types.parent_type = parent.period_type
        join {periods} as child
          on child.calendar = parent.calendar and child.period_type = types.child_type
         and child.start_date >= parent.start_date and child.end_date <= parent.end_date
    """


@dataclass
class Layout:
    """The protected cells and their relations (see the module's docstring)."""

    keys: list[tuple[str, str, str, str]]   # (indicator_code, area_id, period_id, sex) by cell
    value: np.ndarray                        # float64; NaN when not known (a published suppressed cell)
    flagged: np.ndarray                      # bool: flagged `suppressed` in the input
    system: np.ndarray                       # int64: indicator × calendar year
    sex_groups: np.ndarray                   # (g, 3) cells T, F, M
    area_member: np.ndarray                  # cell of each area-group membership
    area_group: np.ndarray                   # its group
    period_member: np.ndarray                # cell of each period-relation membership
    period_relation: np.ndarray              # its relation
    period_is_parent: np.ndarray             # bool
    period_start: np.ndarray                 # start day of the member's period (int days)
    relations: sparse.csr_matrix             # the audit's exact relations × cells, coefficients ±1

    @property
    def n(self) -> int:
        return len(self.keys)


def build_layout(con: duckdb.DuckDBPyConnection, values: str, periods: str) -> Layout:
    """The layout of the protected cells of `values` (a relation name or a parenthesised query)."""
    con.execute(f"""
        create or replace temp table dc_cells as
        with years as (
            select period_id as year_id, calendar, start_date, end_date from {periods} where period_type = 'year'
        )
        select
            (row_number() over (order by v.indicator_code, v.sex, v.period_id, v.area_id) - 1)::bigint as cell,
            v.indicator_code, v.area_id, v.period_id, v.sex, v.value::double as value,
            coalesce(v.flag = 'suppressed', false) as flagged,
            coalesce(v.additive, false) as additive,
            p.start_date,
            dense_rank() over (order by v.indicator_code, p.calendar, y.year_id) - 1 as system
        from {values} as v
        join {periods} as p using (period_id)
        left join years as y
          on y.calendar = p.calendar and y.start_date <= p.start_date and y.end_date >= p.end_date
        where v.disclosure = 'small_cell' and v.unit = 'count' and v.area_level <> 'city'
    """)
    cells = con.execute(
        "select indicator_code, area_id, period_id, sex, value, flagged, system, "
        "datediff('day', date '1970-01-01', start_date) as start_day from dc_cells order by cell"
    ).fetchnumpy()
    keys = list(zip(cells["indicator_code"].tolist(), cells["area_id"].tolist(),
                    cells["period_id"].tolist(), cells["sex"].tolist()))
    n = len(keys)
    value = np.asarray(cells["value"], dtype=np.float64)
    if np.ma.isMaskedArray(cells["value"]):
        value = np.ma.filled(cells["value"].astype(np.float64), np.nan)

    sex = con.execute("""
        select t.cell, f.cell, m.cell
        from dc_cells t
        join dc_cells f using (indicator_code, area_id, period_id)
        join dc_cells m using (indicator_code, area_id, period_id)
        where t.sex = 'T' and f.sex = 'F' and m.sex = 'M'
        order by t.cell
    """).fetchnumpy()
    sex_groups = np.column_stack([sex[c] for c in sex]).astype(np.int64) if len(sex["cell"]) else np.zeros((0, 3), np.int64)

    areas = con.execute("""
        select cell, dense_rank() over (order by indicator_code, period_id, sex) - 1 as grp, additive
        from dc_cells order by cell
    """).fetchnumpy()

    con.execute(f"""
        create or replace temp table dc_period_members as
        with pairs as ({period_relations_sql(periods)}),
        children as (
            select c.indicator_code, c.area_id, c.sex, pairs.parent_id, c.cell, false as is_parent
            from dc_cells c join pairs on pairs.child_id = c.period_id
        ),
        parents as (
            select c.indicator_code, c.area_id, c.sex, c.period_id as parent_id, c.cell, true as is_parent
            from dc_cells c
            semi join children ch
              on ch.indicator_code = c.indicator_code and ch.area_id = c.area_id and ch.sex = c.sex
             and ch.parent_id = c.period_id
        ),
        -- a relation is a parent with a row and its children with rows (no parent row: no relation)
        members as (
            select * from children semi join parents using (indicator_code, area_id, sex, parent_id)
            union all
            select * from parents
        )
        select
            m.cell, m.is_parent,
            dense_rank() over (order by m.indicator_code, m.area_id, m.sex, m.parent_id) - 1 as relation,
            c.additive,
            datediff('day', date '1970-01-01', c.start_date) as start_day
        from members m join dc_cells c using (cell)
    """)
    period = con.execute(
        "select cell, relation, is_parent, start_day, additive as exact from dc_period_members order by relation, cell"
    ).fetchnumpy()

    relations = _exact_relations(n, sex_groups, areas, period)
    return Layout(
        keys=keys, value=value, flagged=np.asarray(cells["flagged"], dtype=bool),
        system=np.asarray(cells["system"], dtype=np.int64), sex_groups=sex_groups,
        area_member=np.asarray(areas["cell"], dtype=np.int64), area_group=np.asarray(areas["grp"], dtype=np.int64),
        period_member=np.asarray(period["cell"], dtype=np.int64),
        period_relation=np.asarray(period["relation"], dtype=np.int64),
        period_is_parent=np.asarray(period["is_parent"], dtype=bool),
        period_start=np.asarray(period["start_day"], dtype=np.int64),
        relations=relations,
    )


def _exact_relations(n: int, sex_groups: np.ndarray, areas: dict, period: dict) -> sparse.csr_matrix:
    """The audit's relations as rows of a sparse matrix over the cells (constants left out:
    only which unknowns a relation joins matters)."""
    rows, cols, coefs = [], [], []
    first = 0
    if len(sex_groups):   # T − F − M = 0, every count with a breakdown
        g = len(sex_groups)
        rows.append(np.repeat(np.arange(g), 3))
        cols.append(sex_groups.ravel())
        coefs.append(np.tile([1.0, -1.0, -1.0], g))
        first = g
    additive = np.asarray(areas["additive"], dtype=bool)
    if additive.any():    # Σ areas = city, additive counts
        groups = np.asarray(areas["grp"], dtype=np.int64)[additive]
        _, dense = np.unique(groups, return_inverse=True)
        rows.append(first + dense)
        cols.append(np.asarray(areas["cell"], dtype=np.int64)[additive])
        coefs.append(np.ones(len(dense)))
        first += dense.max() + 1
    exact = np.asarray(period["exact"], dtype=bool)
    if exact.any():       # parent − Σ children = 0, additive counts
        relation = np.asarray(period["relation"], dtype=np.int64)[exact]
        _, dense = np.unique(relation, return_inverse=True)
        rows.append(first + dense)
        cols.append(np.asarray(period["cell"], dtype=np.int64)[exact])
        coefs.append(np.where(np.asarray(period["is_parent"], dtype=bool)[exact], 1.0, -1.0))
        first += dense.max() + 1
    if not rows:
        return sparse.csr_matrix((0, n))
    return sparse.csr_matrix((np.concatenate(coefs), (np.concatenate(rows), np.concatenate(cols))), shape=(first, n))
