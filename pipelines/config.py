"""Configuration in one place.

Every setting the warehouse reads from the environment is read here and nowhere else.
Subprocesses (dbt, dagster) get what they need from `runtime_environment()`.

| variable                   | default                | meaning                                   |
|----------------------------|------------------------|-------------------------------------------|
| PCMD_HOME                  | ./warehouse            | data root (landing/, warehouse.duckdb, ...)|
| PCMD_PSEUDONYM_KEY         | key file under home    | secret key of the identity pseudonyms     |
| PCMD_PROVINCE              | 01 (Hanoi)             | GSO code of the province                  |
| PCMD_DUCKDB_MEMORY_LIMIT   | 2GB                    | DuckDB memory_limit (tree stays < 4 GiB)  |
| PCMD_DUCKDB_THREADS        | 2                      | DuckDB threads                            |
| PCMD_KEEP_RELEASES         | 30                     | releases kept under releases/             |
| PCMD_POLICE_CADENCE_DAYS   | 7                      | police delivers at least this often       |
| PCMD_HEALTH_CADENCE_DAYS   | 31                     | health delivers at least this often       |
| PCMD_CULTURE_CADENCE_DAYS  | 7                      | culture delivers at least this often      |
| PCMD_LABOR_CADENCE_DAYS    | 31                     | labor delivers at least this often        |
| PCMD_LANDING_QUIET_SECONDS | 60                     | landing sensor waits this long after the  |
|                            |                        | last file change before starting a refresh|
| PCMD_INTERNAL_GROUP        | none                   | group that may read the internal warehouse|
|                            |                        | (pipelines.permissions)                   |
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field
from datetime import timedelta
from functools import cached_property
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
DBT_PROJECT_DIR = REPO_ROOT / "dbt_project"
EXPECTATIONS_DIR = REPO_ROOT / "expectations"
REFERENCE_SEEDS_DIR = DBT_PROJECT_DIR / "seeds" / "reference"
# The indicator registry: the one home of indicator metadata (read by dbt, the suites, the docs).
INDICATOR_REGISTRY_CSV = DBT_PROJECT_DIR / "seeds" / "indicator_registry.csv"

AGENCIES = ("police", "health", "culture", "labor")

# Telemetry and usage statistics are off everywhere: the warehouse makes no network calls.
_NO_TELEMETRY = {
    "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
    "DO_NOT_TRACK": "1",
    "GX_ANALYTICS_ENABLED": "False",
    "DAGSTER_DISABLE_TELEMETRY": "1",
}


@dataclass(frozen=True)
class Settings:
    home: Path
    province_code: str = "01"
    duckdb_memory_limit: str = "2GB"
    duckdb_threads: int = 2
    keep_releases: int = 30
    # -- orchestration: how often each agency is expected to deliver; the landing sensor ---
    police_cadence_days: int = 7
    health_cadence_days: int = 31
    culture_cadence_days: int = 7
    labor_cadence_days: int = 31
    landing_quiet_seconds: int = 60
    # -- the group of authorised statisticians that may read warehouse.duckdb (pipelines.permissions)
    internal_group: str | None = None
    _key_from_env: str | None = field(default=None, repr=False)

    def delivery_cadence(self, agency: str) -> timedelta:
        """An agency whose latest delivery is older than this is late (pipelines.freshness)."""
        return timedelta(days=getattr(self, f"{agency}_cadence_days"))

    # -- places -------------------------------------------------------------
    @property
    def landing_dir(self) -> Path:
        return self.home / "landing"

    def agency_dir(self, agency: str) -> Path:
        return self.landing_dir / agency

    @property
    def warehouse_db(self) -> Path:
        return self.home / "warehouse.duckdb"

    @property
    def published_db(self) -> Path:
        return self.home / "published" / "marts.duckdb"

    @property
    def releases_dir(self) -> Path:
        return self.home / "releases"

    @property
    def work_dir(self) -> Path:
        """Scratch space (transcoded files, staged batches); safe to delete between runs."""
        return self.home / "work"

    @property
    def dagster_home(self) -> Path:
        return self.home / "dagster"

    @property
    def key_file(self) -> Path:
        return self.home / "secrets" / "pseudonym.key"

    # -- secrets ------------------------------------------------------------
    @cached_property
    def pseudonym_key(self) -> bytes:
        """The HMAC key: from PCMD_PSEUDONYM_KEY, else a key file created 0600 on first use."""
        if self._key_from_env:
            return self._key_from_env.encode("utf-8")
        if not self.key_file.exists():
            self.key_file.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            fd = os.open(self.key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w") as f:
                f.write(secrets.token_hex(32))
        return self.key_file.read_text().strip().encode("utf-8")

    # -- environment for subprocesses ----------------------------------------
    def runtime_environment(self) -> dict[str, str]:
        """Variables that dbt (profiles.yml reads them with env_var) and dagster need."""
        return {
            **_NO_TELEMETRY,
            "PCMD_HOME": str(self.home),
            "PCMD_WAREHOUSE_DB": str(self.warehouse_db),
            "PCMD_PROVINCE": self.province_code,
            "PCMD_DUCKDB_MEMORY_LIMIT": self.duckdb_memory_limit,
            "PCMD_DUCKDB_THREADS": str(self.duckdb_threads),
            "DAGSTER_HOME": str(self.dagster_home),
            "DBT_PROFILES_DIR": str(DBT_PROJECT_DIR),
            # runs the daemon launches apply it too
            **({"PCMD_INTERNAL_GROUP": self.internal_group} if self.internal_group else {}),
        }

    def apply_runtime_environment(self) -> None:
        os.environ.update(self.runtime_environment())


def load_settings(home: str | os.PathLike | None = None) -> Settings:
    """Build the settings from the environment (the only place that reads it)."""
    env = os.environ
    root = Path(home or env.get("PCMD_HOME") or Path.cwd() / "warehouse").resolve()
    return Settings(
        home=root,
        province_code=env.get("PCMD_PROVINCE", "01"),
        duckdb_memory_limit=env.get("PCMD_DUCKDB_MEMORY_LIMIT", "2GB"),
        duckdb_threads=int(env.get("PCMD_DUCKDB_THREADS", "2")),
        keep_releases=int(env.get("PCMD_KEEP_RELEASES", "30")),
        # orchestration
        police_cadence_days=int(env.get("PCMD_POLICE_CADENCE_DAYS", "7")),
        health_cadence_days=int(env.get("PCMD_HEALTH_CADENCE_DAYS", "31")),
        culture_cadence_days=int(env.get("PCMD_CULTURE_CADENCE_DAYS", "7")),
        labor_cadence_days=int(env.get("PCMD_LABOR_CADENCE_DAYS", "31")),
        landing_quiet_seconds=int(env.get("PCMD_LANDING_QUIET_SECONDS", "60")),
        internal_group=env.get("PCMD_INTERNAL_GROUP") or None,
        _key_from_env=env.get("PCMD_PSEUDONYM_KEY") or None,
    )
