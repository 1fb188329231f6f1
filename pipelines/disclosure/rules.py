"""Rules 1–5 of disclosure control (marts.md, version 2) on a layout's cells, vectorised.

Each rule looks at the suppressions as they stood when it started (in this round) and adds
what it adds at once; rounds of rules 2, 3 and 4 repeat until one changes nothing. Fixed cells
(rule 9: rows of approved periods) keep their state: no rule changes them and no rule picks
them as an extra suppression.
"""

from __future__ import annotations

import numpy as np

from pipelines.disclosure.layout import Layout

# Why a cell is suppressed: the contract's rule numbers.
PRIMARY, SEX, AREAS, PERIODS, RATIO, AUDIT, APPROVED = 1, 2, 3, 4, 6, 8, 9
RULE_NAMES = {PRIMARY: "primary", SEX: "sex", AREAS: "areas", PERIODS: "periods", RATIO: "ratio",
              AUDIT: "audit", APPROVED: "approved"}
NOT_SUPPRESSED = 0


class Choices:
    """The order in which rules 3 and 4 pick their extra suppression, fixed once per layout
    (values do not change while the rules run): permutations of the membership arrays."""

    def __init__(self, layout: Layout):
        value = layout.value
        # rule 3: smallest non-zero value, then the zeros; ties by lowest area_id, which within
        # a group (one indicator × period × sex) is the lowest cell number
        m, g = layout.area_member, layout.area_group
        self.area_order = np.lexsort((m, value[m], value[m] == 0, g))
        self.area_groups = int(g.max()) + 1 if len(g) else 0
        # rule 4: children by smallest non-zero value, then zero children, ties by the period
        # that starts first; the parent last
        pm, rel = layout.period_member, layout.period_relation
        self.period_order = np.lexsort((layout.period_start, value[pm], value[pm] == 0,
                                        layout.period_is_parent, rel))
        self.period_relations = int(rel.max()) + 1 if len(rel) else 0


def apply_rules(layout: Layout, suppressed: np.ndarray, rule: np.ndarray, fixed: np.ndarray,
                choices: Choices | None = None) -> int:
    """Rules 2–5 in rounds, in place on `suppressed` (bool) and `rule` (why each cell is);
    returns the number of rounds run (the last one changed nothing)."""
    choices = choices or Choices(layout)
    rounds = 0
    while True:
        rounds += 1
        before = suppressed.copy()
        _add(suppressed, rule, _rule_2(layout, suppressed) & ~fixed, SEX)
        _add(suppressed, rule, _one_more(layout.area_member, layout.area_group, choices.area_order,
                                         choices.area_groups, suppressed, fixed), AREAS)
        _add(suppressed, rule, _one_more(layout.period_member, layout.period_relation, choices.period_order,
                                         choices.period_relations, suppressed, fixed), PERIODS)
        if np.array_equal(before, suppressed):
            return rounds


def primary(layout: Layout, fixed: np.ndarray) -> np.ndarray:
    """Rule 1: a count from 1 to 4."""
    return (layout.value >= 1) & (layout.value <= 4) & ~fixed


def _add(suppressed: np.ndarray, rule: np.ndarray, new: np.ndarray, why: int) -> None:
    new = new & ~suppressed
    suppressed |= new
    rule[new] = why


def _rule_2(layout: Layout, suppressed: np.ndarray) -> np.ndarray:
    """T suppressed: F and M too; exactly one of F and M: the other too."""
    adds = np.zeros(len(suppressed), bool)
    if len(layout.sex_groups):
        t, f, m = (suppressed[layout.sex_groups[:, i]] for i in range(3))
        adds[layout.sex_groups[:, 1]] = t | m
        adds[layout.sex_groups[:, 2]] = t | f
    return adds


def _one_more(member: np.ndarray, group: np.ndarray, order: np.ndarray, groups: int,
              suppressed: np.ndarray, fixed: np.ndarray) -> np.ndarray:
    """Rules 3 and 4: in each group with exactly one member suppressed, the first member in
    `order` that is neither suppressed nor fixed; all judged on `suppressed` as given."""
    adds = np.zeros(len(suppressed), bool)
    if not groups:
        return adds
    count = np.bincount(group, weights=suppressed[member], minlength=groups)
    member, group = member[order], group[order]
    eligible = (count[group] == 1) & ~suppressed[member] & ~fixed[member]
    picked, picked_group = member[eligible], group[eligible]
    _, first = np.unique(picked_group, return_index=True)   # groups are contiguous in `order`
    adds[picked[first]] = True
    return adds
