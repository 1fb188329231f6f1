"""Quality gates: the great-expectations suites of `expectations/`, run on the warehouse.

One suite per raw table (`raw_<table>`, warnings) and one per published mart (`mart_<table>`,
blocking), plus `release_row_counts` (a warning when a table's size jumps against the
published release). Each expectation is a DuckDB probe reducing a table to a compact frame and
a GX expectation on that frame (see `spec.py`).

| module       | concern                                                               |
|--------------|-----------------------------------------------------------------------|
| `spec.py`    | what a suite and an expectation are                                   |
| `rules.py`   | expectations every suite words the same way (columns, keys, sets, ids) |
| `raw.py`     | expectations derived from the raw tables' definition                  |
| `suites.py`  | loading the suites from expectations/                                 |
| `session.py` | the read-only connection, probe parameters, fetching frames           |
| `gx.py`      | great-expectations: the ephemeral context, validating frames           |
| `run.py`     | `run_suite`, `run_all`                                                 |
| `result.py`  | `SuiteResult` / `ExpectationResult`, the dict publish's gate reads      |
| `report.py`  | `write_results`: GX JSON, results.json and an HTML page                 |

Typical use (the Dagster asset checks are thin wrappers over this):

    fingerprint = candidate_fingerprint(settings, code_version)
    results = run_all(settings, layer="marts", fingerprint=fingerprint)
    publish(settings, checks=[r.to_check_dict() for r in results], ...)
    write_results(results, release_folder / "quality")
"""

from pipelines.quality.report import write_results
from pipelines.quality.result import ExpectationResult, SuiteResult
from pipelines.quality.run import run_all, run_suite
from pipelines.quality.session import QualityError
from pipelines.quality.spec import Expectation, Suite
from pipelines.quality.suites import get_suite, list_suites

__all__ = [
    "Expectation", "ExpectationResult", "QualityError", "Suite", "SuiteResult", "get_suite", "list_suites",
    "run_all", "run_suite", "write_results",
]
