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

A whole build has disclosure control between two dbt builds (`build_with_disclosure`): what
feeds it, the disclosure step (pipelines.disclosure), then the published marts that read it.

The properties of `marts.district_report` (one column per indicator of the registry seed, with
its enforced contract and its docs) are generated from the seed by
`write_district_report_properties()`; a test fails when the committed file is out of date.
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator, Mapping, Sequence

import yaml
from dbt.adapters.duckdb.connections import DuckDBConnectionManager
from dbt.cli.main import dbtRunner, dbtRunnerResult

from pipelines.config import DBT_PROJECT_DIR, Settings

# Statuses of a node result that mean the build did not do its job.
_FAILED = {"error", "fail", "runtime error"}

INDICATOR_REGISTRY = DBT_PROJECT_DIR / "seeds" / "indicator_registry.csv"
DISTRICT_REPORT_PROPERTIES = DBT_PROJECT_DIR / "models" / "marts" / "_district_report__models.yml"


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


def build_with_disclosure(settings: Settings, exclude: str | Sequence[str] | None = None) -> list[dbtRunnerResult]:
    """The whole build as a refresh runs it: dbt up to the unsuppressed values, the disclosure
    step, then dbt's published marts (`disclosure.step.AFTER_DISCLOSURE`). Returns the dbt
    results so far (it stops at the first that failed)."""
    from pipelines.disclosure import step

    excluded = [exclude] if isinstance(exclude, str) else list(exclude or [])
    before = build(settings, exclude=[step.AFTER_DISCLOSURE, *excluded])
    if not before.success:
        return [before]
    step.run(settings)
    return [before, build(settings, select=step.AFTER_DISCLOSURE, exclude=excluded or None)]


# -- incremental builds ------------------------------------------------------------------------
# The incremental models (macros/incremental.sql) take only rows loaded since their last build.
# That is right as long as the rules stay the same: a build made by another version of the
# project (any of its files, the reference seeds included, or dbt itself) starts from scratch.


def project_files() -> list[Path]:
    """Every file of the dbt project, in a fixed order (dbt's own target/ and logs/ aside)."""
    return sorted(p for p in DBT_PROJECT_DIR.rglob("*")
                  if p.is_file() and not {"target", "logs"} & set(p.relative_to(DBT_PROJECT_DIR).parts))


def project_fingerprint() -> str:
    """SHA-256 of the project's files and of dbt's version."""
    from dbt.version import __version__ as dbt_version

    digest = hashlib.sha256(dbt_version.encode())
    for path in project_files():
        digest.update(str(path.relative_to(DBT_PROJECT_DIR)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def _built_from(settings: Settings) -> Path:
    return settings.home / "dbt" / "built_from.sha256"


def needs_full_refresh(settings: Settings) -> bool:
    """True unless the warehouse was last built, completely, by this version of the project."""
    path = _built_from(settings)
    return not path.exists() or path.read_text().strip() != project_fingerprint()


def record_complete_build(settings: Settings) -> None:
    """After a successful build of every model: the next build may be incremental."""
    path = _built_from(settings)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(project_fingerprint() + "\n")


def forget_builds(settings: Settings) -> None:
    """The next build starts from scratch (`pcmd refresh --rebuild`)."""
    _built_from(settings).unlink(missing_ok=True)


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


def district_report_properties(registry: Path = INDICATOR_REGISTRY) -> str:
    """The dbt properties of marts.district_report, generated from the indicator registry: its
    label columns, then one column per indicator (the code in lower case), each with its contract
    type (whole numbers for counts and sums, DOUBLE for ratios; the model casts to it) and its
    description in English and Vietnamese."""
    with registry.open(encoding="utf-8", newline="") as f:
        indicators = list(csv.DictReader(f))
    columns = [
        {"name": "area_id", "data_type": "varchar", "description": "{{ doc('area_id') }}",
         "constraints": [{"type": "not_null"}],
         "data_tests": [{"relationships": {"arguments": {"to": "ref('dim_area')", "field": "area_id"}}}]},
        {"name": "period_id", "data_type": "varchar", "description": "{{ doc('period_id') }}",
         "constraints": [{"type": "not_null"}],
         "data_tests": [{"relationships": {"arguments": {"to": "ref('dim_period')", "field": "period_id"}}}]},
        {"name": "area_name", "data_type": "varchar", "description": "{{ doc('area_name') }}"},
        {"name": "label_vi", "data_type": "varchar", "description": "{{ doc('label_vi') }}"},
    ] + [
        {
            "name": row["indicator_code"].lower(),
            "data_type": "double" if row["unit"] == "ratio" else "bigint",
            "description": (
                f"`{row['indicator_code']}` ({row['unit']}): {row['name_en']}, the total (T) of the cell"
                f" after disclosure control, as in indicator_values. / {row['name_vi']} (tổng số, sau"
                " khi áp dụng quy tắc bảo mật)."
            ),
        }
        for row in indicators
    ]
    model = {
        "name": "district_report",
        "description": (
            "The periodic report of every area (báo cáo 6 tháng, 01 năm), one row per area × "
            "half-year or year period of either calendar, the city included: one column per "
            "indicator of the registry, named as its code in lower case, holding its T value after "
            "disclosure control (NULL where indicator_values is suppressed or undefined, or the "
            "indicator's agency does not cover the period). / Báo cáo định kỳ 6 tháng và năm của "
            "từng địa bàn: mỗi cột là một chỉ tiêu (giá trị tổng số sau khi áp dụng quy tắc bảo mật)."
        ),
        "config": {"contract": {"enforced": True}},
        "data_tests": [{"unique_combination": {"arguments": {"columns": ["area_id", "period_id"]}}}],
        "columns": columns,
    }
    header = (
        "# Generated from seeds/indicator_registry.csv by pipelines.transform."
        "write_district_report_properties(): do not edit by hand.\n"
    )
    return header + yaml.safe_dump(
        {"version": 2, "models": [model]}, allow_unicode=True, sort_keys=False, width=100
    )


def write_district_report_properties() -> Path:
    """Regenerate models/marts/_district_report__models.yml after a change of the registry."""
    DISTRICT_REPORT_PROPERTIES.write_text(district_report_properties(), encoding="utf-8")
    return DISTRICT_REPORT_PROPERTIES


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
