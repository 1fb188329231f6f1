"""Prepare a process to run the warehouse: environment for subprocesses, Dagster's home."""

from __future__ import annotations

from pipelines.config import Settings

# Dagster reads its instance settings from $DAGSTER_HOME/dagster.yaml; telemetry is off.
_DAGSTER_YAML = """\
telemetry:
  enabled: false
"""


def prepare(settings: Settings) -> Settings:
    """Export the runtime environment and create the data root and Dagster's home."""
    settings.apply_runtime_environment()
    for directory in (settings.landing_dir, settings.work_dir, settings.dagster_home):
        directory.mkdir(parents=True, exist_ok=True)
    dagster_yaml = settings.dagster_home / "dagster.yaml"
    if not dagster_yaml.exists():
        dagster_yaml.write_text(_DAGSTER_YAML)
    return settings
