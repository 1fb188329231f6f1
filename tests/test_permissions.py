"""Who may read what under $PCMD_HOME (pipelines.permissions), on a real refresh started under
the usual umask 022: the internal data private to the warehouse's account, the published
release readable by everyone, a home of an earlier version tightened, the landing warning."""

from __future__ import annotations

import grp
import os
import stat
import subprocess
import sys
from datetime import date

import pytest
from click.testing import CliRunner

from homes import refreshed_home
from pipelines.cli import main
from pipelines.config import REPO_ROOT, load_settings

OPEN = 0o077  # group and others


def _modes(settings) -> dict[str, os.stat_result]:
    """Every file and folder under the home, by path relative to it."""
    return {str(p.relative_to(settings.home)): p.lstat() for p in settings.home.rglob("*")}


def _public(path: str) -> bool:
    return path.split("/")[0] in ("published", "releases")


def _another_group() -> grp.struct_group:
    """A group this process may give files to, other than its own when it can."""
    mine = os.getegid()
    if os.geteuid() == 0:
        candidates = [g.gr_gid for g in grp.getgrall() if g.gr_gid != mine]
    else:
        candidates = [gid for gid in os.getgroups() if gid != mine]
    return grp.getgrgid(candidates[0] if candidates else mine)


# What an earlier version left, as an operator found it (issue 16): open to every user.
EARLIER_FILES = ("warehouse.duckdb", "dbt/logs/dbt.log", "dagster/dagster.yaml",
                 "logs/refresh-20261101T190000Z.log", "work/left-over.tmp")


def _left_by_an_earlier_version(settings) -> None:
    import duckdb

    duckdb.connect(str(settings.warehouse_db)).close()
    for name in EARLIER_FILES:
        path = settings.home / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.touch()
        for opened in (path, *path.relative_to(settings.home).parents):
            os.chmod(settings.home / opened, 0o755 if (settings.home / opened).is_dir() else 0o644)
    os.chmod(min(settings.agency_dir("police").iterdir()), 0o644)  # as the agency's transfer left it


@pytest.fixture(scope="module")
def refreshed(tmp_path_factory):
    """That home, with generated deliveries, refreshed under the usual umask 022 with an
    internal group; yields (settings, modes after the refresh, summary, group, the open landing file)."""
    group = _another_group()
    previous = os.umask(0o022)
    try:
        with pytest.MonkeyPatch.context() as mp:
            mp.setenv("PCMD_INTERNAL_GROUP", group.gr_name)
            with refreshed_home(tmp_path_factory, "permissions", key="permissions-test-key",
                                before_refresh=_left_by_an_earlier_version, seed=7, scale=0.2,
                                date_from=date(2025, 1, 1), date_to=date(2025, 6, 30)) as (settings, _, result, output):
                assert result.success, output
                exposed = min(settings.agency_dir("police").iterdir())
                yield settings, _modes(settings), result.summary, group, exposed
    finally:
        os.umask(previous)


def test_nothing_outside_published_and_releases_is_readable_by_group_or_others(refreshed):
    settings, modes, _, group, exposed = refreshed
    # what the refresh wrote: the warehouse, dbt's target and logs, Dagster's storage, logs, scratch
    for written in ("warehouse.duckdb", "dbt/target/manifest.json", "dbt/logs/dbt.log", "dagster/history/runs.db",
                    "work/candidate/checks.json", "refresh.lock", "landing/police"):
        assert written in modes
    assert len([path for path in modes if path.startswith("logs/refresh-")]) == 2
    unexpected = {path: oct(stat.S_IMODE(info.st_mode)) for path, info in modes.items()
                  if not _public(path) and info.st_mode & OPEN
                  and path not in ("warehouse.duckdb", str(exposed.relative_to(settings.home)))}
    assert not unexpected
    # the internal warehouse: readable by the internal group only
    warehouse = modes["warehouse.duckdb"]
    assert stat.S_IMODE(warehouse.st_mode) == 0o640 and warehouse.st_gid == group.gr_gid


def test_the_published_file_and_the_releases_are_readable_by_everyone(refreshed):
    settings, modes, _, _, _ = refreshed
    public = {path: info for path, info in modes.items() if _public(path) and not path.endswith(".publish.lock")}
    assert str(settings.published_db.relative_to(settings.home)) in public
    assert any(path.startswith("releases/") and path.endswith("/marts.duckdb") for path in public)
    assert any(path.endswith("/quality/index.html") for path in public)
    for path, info in public.items():
        wanted = 0o755 if stat.S_ISDIR(info.st_mode) else 0o644
        assert stat.S_IMODE(info.st_mode) == wanted, path
    assert stat.S_IMODE(settings.home.stat().st_mode) == 0o755  # the way to them


def test_an_old_home_is_tightened_on_the_next_refresh_and_the_summary_says_so(refreshed):
    settings, _, summary, _, exposed = refreshed
    [line] = [line for line in summary.splitlines() if line.startswith("Permissions:")]
    for name in ("warehouse.duckdb", "dbt/", "dagster/", "logs/", "work/"):
        assert name in line
    assert "landing" not in line and "published" not in line and "releases" not in line
    # the agencies' files are theirs: never changed, only reported (pcmd status)
    assert stat.S_IMODE(exposed.stat().st_mode) == 0o644


def test_a_run_of_the_daemon_or_the_ui_tightens_the_home_too(settings):
    """Runs not started by `pcmd refresh` tighten the home in the `refresh_lock` resource, and
    say so in the run's log."""
    import dagster as dg

    from pipelines.defs.jobs import RefreshLock, holds_refresh_lock

    @dg.op
    def step() -> None:
        pass

    @dg.job(resource_defs={"refresh_lock": RefreshLock()}, hooks={holds_refresh_lock})
    def scheduled():
        step()

    left = settings.home / "logs" / "refresh-20261101T190000Z.log"
    left.parent.mkdir()
    left.touch()
    os.chmod(left, 0o644)
    with dg.DagsterInstance.ephemeral() as instance:
        result = scheduled.execute_in_process(instance=instance)
        messages = [entry.user_message for entry in instance.all_logs(result.run_id)]
    assert result.success
    assert stat.S_IMODE(left.stat().st_mode) == 0o600
    assert any(message.startswith("Permissions: made private") and "logs/" in message for message in messages)


def test_without_an_internal_group_the_internal_warehouse_is_private_too(settings):
    from pipelines.permissions import tighten_home
    from pipelines.warehouse import warehouse

    with warehouse(settings):
        pass
    assert stat.S_IMODE(settings.warehouse_db.stat().st_mode) == 0o600
    os.chmod(settings.warehouse_db, 0o644)
    assert tighten_home(settings) == ["warehouse.duckdb"]
    assert stat.S_IMODE(settings.warehouse_db.stat().st_mode) == 0o600
    assert tighten_home(settings) == []


def test_a_new_internal_warehouse_is_readable_by_the_internal_group(settings, monkeypatch):
    from pipelines.warehouse import warehouse

    group = _another_group()
    monkeypatch.setenv("PCMD_INTERNAL_GROUP", group.gr_name)
    with warehouse(load_settings()):
        pass
    info = settings.warehouse_db.stat()
    assert stat.S_IMODE(info.st_mode) == 0o640 and info.st_gid == group.gr_gid


def test_an_unknown_internal_group_is_refused_at_once(settings, monkeypatch):
    monkeypatch.setenv("PCMD_INTERNAL_GROUP", "no-such-group-pcmd")
    result = CliRunner().invoke(main, ["status"])
    assert result.exit_code == 2
    assert "PCMD_INTERNAL_GROUP=no-such-group-pcmd: no such group" in result.output


def test_status_warns_when_every_user_can_read_a_landing_file(settings):
    delivered = settings.agency_dir("police") / "police_cases_20250101.csv"
    delivered.parent.mkdir(parents=True, exist_ok=True)
    delivered.write_text("Mã vụ việc\n")
    for folder in (settings.landing_dir, delivered.parent):
        os.chmod(folder, 0o755)

    os.chmod(delivered, 0o644)
    warned = CliRunner().invoke(main, ["status"])
    assert warned.exit_code == 0, warned.output
    assert "WARNING: 1 file in" in warned.output and "police/police_cases_20250101.csv" in warned.output
    assert stat.S_IMODE(delivered.stat().st_mode) == 0o644  # told, not changed

    os.chmod(delivered, 0o600)
    assert "WARNING" not in CliRunner().invoke(main, ["status"]).output
    os.chmod(delivered, 0o644)
    os.chmod(settings.landing_dir, 0o700)  # nobody else gets into landing/
    assert "WARNING" not in CliRunner().invoke(main, ["status"]).output


def test_dagster_processes_loading_the_definitions_write_private_files(settings):
    """A run launched by the daemon or the UI executes in a process that loads the definitions."""
    probe = settings.work_dir / "probe"
    code = f"import pipelines.definitions; open({str(probe)!r}, 'w').close()"
    subprocess.run([sys.executable, "-c", code], cwd=REPO_ROOT, check=True, umask=0o022,
                   env={**os.environ, **settings.runtime_environment()}, capture_output=True)
    assert stat.S_IMODE(probe.stat().st_mode) == 0o600
