"""Disclosure control (marts.md, "Disclosure control (version 2)"): one implementation.

- `layout.py`: which cells are protected and which relations join them (SQL);
- `rules.py`: rules 1–5, vectorised rounds to a fixed point;
- `audit.py`: rule 8, which suppressed cells the published values determine (numpy);
- `control.py`: the whole of it over DuckDB relations, rule 6 and the hook of rule 9;
- `step.py`: the warehouse step between dbt's unsuppressed values and the published marts.
"""

from pipelines.disclosure.control import KEY, Outcome, control, determined_cells
from pipelines.disclosure.layout import period_relations_sql
from pipelines.disclosure.rules import RULE_NAMES

__all__ = ["KEY", "Outcome", "RULE_NAMES", "control", "determined_cells", "period_relations_sql"]
