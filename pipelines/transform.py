"""Run the dbt project (dbt_project/) in-process with dbt's programmatic runner.

dbt reads its connection settings from the environment (profiles.yml uses env_var), so each
invocation runs inside the settings' runtime environment, restored afterwards. target/ and
logs/ live under $PCMD_HOME/dbt/, not in the repository: two warehouses built at once (two test
workers, a test and a refresh) never share dbt's partial-parse state.

    from pipelines.config import load_settings
    from pipelines import transform

    result = transform.build(load_settings())
    if not result.success:
        print("\n".join(transform.failures(result)))
"""

from __future__ import annotations

import json
import os
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator, Mapping, Sequence

from dbt.adapters.duckdb.connections import DuckDBConnectionManager
from dbt.cli.main import dbtRunner, dbtRunnerResult

from pipelines.config import DBT_PROJECT_DIR, Settings

# Statuses of a node result that mean the build did not do its job.
_FAILED = {"error", "fail", "runtime error"}


def target_path(settings: Settings) -> Path:
    """Where dbt writes manifest.json, compiled SQL and its partial-parse state."""
    return settings.home / "dbt" / "target"


def log_path(settings: Settings) -> Path:
    return settings.home / "dbt" / "logs"


def invoke(settings: Settings, command: Sequence[str], variables: Mapping | None = None) -> dbtRunnerResult:
    """Run one dbt command (e.g. ["build", "--select", "staging"]) against the settings' warehouse."""
    args = [
        *command,
        "--project-dir", str(DBT_PROJECT_DIR),
        "--profiles-dir", str(DBT_PROJECT_DIR),
        "--target-path", str(target_path(settings)),
        "--log-path", str(log_path(settings)),
    ]
    if variables:
        args += ["--vars", json.dumps(dict(variables))]
    settings.work_dir.mkdir(parents=True, exist_ok=True)  # DuckDB's temp_directory lives here
    with _environment(settings.runtime_environment()):
        try:
            return dbtRunner().invoke(args)
        finally:
            _release_warehouse()


def build(
    settings: Settings,
    select: str | Sequence[str] | None = None,
    exclude: str | Sequence[str] | None = None,
    variables: Mapping | None = None,
) -> dbtRunnerResult:
    """`dbt build`: seeds, models, snapshots, unit tests and data tests, in dependency order."""
    command = ["build", *_selection("--select", select), *_selection("--exclude", exclude)]
    return invoke(settings, command, variables)


def parse(settings: Settings) -> dbtRunnerResult:
    """`dbt parse`: writes manifest.json under target_path(settings); result.result is the Manifest."""
    return invoke(settings, ["parse"])


def docs_generate(settings: Settings) -> dbtRunnerResult:
    """`dbt docs generate`: manifest.json and catalog.json (the bilingual docs) under target_path(settings)."""
    return invoke(settings, ["docs", "generate"])


def source_freshness(settings: Settings) -> dbtRunnerResult:
    """`dbt source freshness`: warns when an agency has sent nothing within its cadence."""
    return invoke(settings, ["source", "freshness"])


def failures(result: dbtRunnerResult) -> list[str]:
    """One line per node that failed or errored (or the exception that stopped dbt)."""
    if result.exception is not None:
        return [f"dbt stopped: {result.exception}"]
    lines = []
    for node_result in getattr(result.result, "results", None) or []:
        if str(node_result.status) in _FAILED:
            lines.append(f"{node_result.node.unique_id}: {node_result.status}: {node_result.message}")
    if not result.success and not lines:
        lines.append("dbt reported failure without a failing node (see the dbt log)")
    return lines


def _release_warehouse() -> None:
    """Close the DuckDB instance dbt-duckdb keeps open in the process after a command, so the
    warehouse can be opened again here (with other settings) or by another process."""
    try:
        environment = DuckDBConnectionManager.env()
    except Exception:  # dbt-duckdb raises a bare Exception when the command opened no connection
        return
    environment.close()
    DuckDBConnectionManager.close_all_connections()


def _selection(flag: str, value: str | Sequence[str] | None) -> list[str]:
    if not value:
        return []
    return [flag, *([value] if isinstance(value, str) else value)]


@contextmanager
def _environment(variables: Mapping[str, str]) -> Iterator[None]:
    """Set the variables for the duration of the block, then put back what was there."""
    saved = {name: os.environ.get(name) for name in variables}
    os.environ.update(variables)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
