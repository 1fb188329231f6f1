"""A refresh killed with SIGKILL, then refreshed again, publishes what an uninterrupted refresh
publishes: killed during ingestion, during the dbt build, and while retention prunes releases.

Each refresh runs in a process of its own (`pipelines.refresh.run_refresh`, as `pcmd refresh`
runs it); the killed one kills itself at the moment named, from the refresh's own progress
lines or from inside the pruning of an old release.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from datetime import date
from pathlib import Path

import duckdb
import pytest

from pipelines.publish.candidate import PUBLISHED_TABLES, RELEASE_ID_COLUMN

KEY = "crash-recovery-test-key"

# The child: one refresh, killed with SIGKILL when argv[1] says.
REFRESH = """
import os, shutil, signal, sys
from pathlib import Path
from pipelines.config import load_settings
from pipelines.publish import store
from pipelines.refresh import run_refresh
from pipelines.runtime import prepare

kill_at = sys.argv[1]

def die():
    os.kill(os.getpid(), signal.SIGKILL)

def echo(line):
    print(line, flush=True)
    if kill_at == "ingestion" and line.startswith("ingest"):
        die()  # the first agency is in; the others are being read
    if kill_at == "dbt" and line.startswith("build") and "running" in line:
        die()  # the first model is built; the others are being built

if kill_at == "pruning":
    def rmtree_half_then_die(path, *args, **kwargs):
        files = sorted(p for p in Path(path).rglob("*") if p.is_file())
        for doomed in files[: len(files) // 2]:
            doomed.unlink()
        die()

    class Shutil:  # retention's rmtree dies half-way; everything else as it is
        rmtree = staticmethod(rmtree_half_then_die)
        copyfile = staticmethod(shutil.copyfile)

    store.shutil = Shutil

sys.exit(run_refresh(prepare(load_settings()), echo=echo).exit_code)
"""


@pytest.fixture(scope="module")
def landing(tmp_path_factory) -> Path:
    from pipelines.generate import generate

    folder = tmp_path_factory.mktemp("deliveries") / "landing"
    generate(folder, seed=5, scale=0.2, date_from=date(2025, 1, 1), date_to=date(2025, 6, 30))
    return folder


def _home(tmp_path: Path, landing: Path, name: str, *, without: str | None = None) -> Path:
    home = tmp_path / name
    shutil.copytree(landing, home / "landing", ignore=shutil.ignore_patterns(without) if without else None)
    return home


def _refresh(home: Path, kill_at: str = "never", **env: str) -> subprocess.CompletedProcess:
    variables = {**os.environ, "PCMD_HOME": str(home), "PCMD_PSEUDONYM_KEY": KEY, **env}
    for name in ("DAGSTER_HOME", "DBT_PROFILES_DIR", "PCMD_WAREHOUSE_DB"):
        variables.pop(name, None)  # derived from PCMD_HOME by the child itself
    return subprocess.run([sys.executable, "-c", REFRESH, kill_at], env=variables,
                          capture_output=True, text=True, timeout=900)


def published(home: Path) -> dict[str, list[tuple]]:
    """The published tables' rows, without the release stamp."""
    with duckdb.connect(str(home / "published" / "marts.duckdb"), read_only=True) as con:
        return {table: sorted(con.execute(f"select * exclude ({RELEASE_ID_COLUMN}) from {table}").fetchall()
                              if table == "indicator_values" else con.execute(f"select * from {table}").fetchall())
                for table in PUBLISHED_TABLES}


@pytest.fixture(scope="module")
def uninterrupted(tmp_path_factory, landing) -> dict[str, list[tuple]]:
    home = _home(tmp_path_factory.mktemp("uninterrupted"), landing, "home")
    done = _refresh(home)
    assert done.returncode == 0, done.stdout + done.stderr
    return published(home)


def _leftovers(home: Path) -> list[str]:
    return [p.name for folder in (home / "releases", home / "published") for p in folder.iterdir()
            if p.name.endswith(".tmp")]


def test_refreshes_killed_during_ingestion_then_during_the_build_then_run_again_publish_the_same(
        tmp_path, landing, uninterrupted):
    home = _home(tmp_path, landing, "home")
    for kill_at in ("ingestion", "dbt"):
        killed = _refresh(home, kill_at)
        assert killed.returncode == -signal.SIGKILL, killed.stdout + killed.stderr
        assert not (home / "published" / "marts.duckdb").exists()  # it died before publishing

    again = _refresh(home)
    assert again.returncode == 0, again.stdout + again.stderr
    assert published(home) == uninterrupted
    assert not _leftovers(home)


def test_a_refresh_killed_while_pruning_leaves_the_new_release_and_the_next_cleans_up(
        tmp_path, landing, uninterrupted):
    keep_one = {"PCMD_KEEP_RELEASES": "1"}
    home = _home(tmp_path, landing, "home", without="labor_support_*")
    first = _refresh(home, **keep_one)
    assert first.returncode == 0, first.stdout + first.stderr
    (old,) = [p.name for p in (home / "releases").iterdir() if not p.name.startswith(".")]

    shutil.copytree(landing / "labor", home / "landing" / "labor", dirs_exist_ok=True)
    killed = _refresh(home, "pruning", **keep_one)
    assert killed.returncode == -signal.SIGKILL, killed.stdout + killed.stderr
    assert (home / "releases" / f"{old}.deleted.tmp").is_dir()  # it died half-way through deleting
    new = (home / "published" / "RELEASE").read_text().strip()
    assert new != old and published(home) == uninterrupted  # the new release was already published

    again = _refresh(home, **keep_one)
    assert again.returncode == 0, again.stdout + again.stderr
    assert "no new release" in again.stdout
    assert not _leftovers(home)
    assert sorted(p.name for p in (home / "releases").iterdir() if not p.name.startswith(".")) == [new]
    assert published(home) == uninterrupted
