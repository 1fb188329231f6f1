"""Prepare a process to run the warehouse (environment for subprocesses, Dagster's home), and
run the Dagster UI (`pcmd ui`).

Dagster reads its instance settings from $DAGSTER_HOME/dagster.yaml ($PCMD_HOME/dagster by
default). The one written here keeps the warehouse offline and one refresh at a time:
- telemetry off;
- the run queue starts one run at a time (DuckDB has one writer); more wait in the queue;
- run monitoring fails a run that outlives the refresh job's `dagster/max_runtime_seconds`,
  so a run whose process died unnoticed cannot hold that one place forever;
- sensor and schedule ticks that did nothing are purged after a week.
The file is kept up to date while it starts with MANAGED_MARKER; remove that line to take
it over (e.g. for a PostgreSQL storage in production), and pcmd leaves it alone.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from typing import Callable

from pipelines.config import Settings
from pipelines.permissions import internal_group_id, private_by_default, public_dir

MANAGED_MARKER = "# Written by pcmd (pipelines/runtime.py). Remove this line to manage the file yourself."

DAGSTER_YAML = f"""\
{MANAGED_MARKER}
telemetry:
  enabled: false
concurrency:
  runs:
    max_concurrent_runs: 1
run_monitoring:
  enabled: true
  poll_interval_seconds: 120
retention:
  schedule:
    purge_after_days: {{skipped: 7, failure: 90, success: 365}}
  sensor:
    purge_after_days: {{skipped: 7, failure: 90, success: 365}}
"""

# What earlier versions wrote, unmarked: brought up to date too.
_EARLIER_VERSIONS = ("telemetry:\n  enabled: false\n",)


def write_dagster_yaml(settings: Settings) -> bool:
    """Write $DAGSTER_HOME/dagster.yaml unless someone took it over; True when it was written."""
    path = settings.dagster_home / "dagster.yaml"
    current = path.read_text() if path.exists() else None
    ours = current is None or current in _EARLIER_VERSIONS or current.startswith(MANAGED_MARKER)
    if not ours or current == DAGSTER_YAML:
        return False
    staged = path.with_name(".dagster.yaml.tmp")
    staged.write_text(DAGSTER_YAML)
    staged.replace(path)  # a Dagster process starting now reads the old file or the new, whole
    return True


def prepare(settings: Settings) -> Settings:
    """Make what this process and its children create private (pipelines.permissions), export
    the runtime environment, and create the data root and Dagster's home."""
    private_by_default()
    internal_group_id(settings)  # an unknown PCMD_INTERNAL_GROUP fails now, not mid-refresh
    settings.apply_runtime_environment()
    if not settings.home.exists():
        public_dir(settings.home)  # it leads to published/ and releases/
    for directory in (settings.landing_dir, settings.work_dir, settings.dagster_home):
        directory.mkdir(parents=True, exist_ok=True)
    write_dagster_yaml(settings)
    return settings


# -- the UI -------------------------------------------------------------------------------------

UI_HOST = "127.0.0.1"  # the UI has no login: never on a public interface
STOP_TIMEOUT_SECONDS = 30


def dagster_dev(settings: Settings, port: int, echo: Callable[[str], None] = print) -> int:
    """Run `dagster dev` (webserver, daemon, code server) on 127.0.0.1:`port` until it exits or
    this process is told to stop (Ctrl-C, SIGTERM, SIGHUP); its exit code, 0 after a clean stop.

    `dagster dev` runs in its own process group and gets exactly one signal, from here: the
    first stop request is passed on and it shuts its services down in seconds; a second one,
    or STOP_TIMEOUT_SECONDS without exiting, kills the group.
    """
    prepare(settings)
    command = [sys.executable, "-m", "dagster", "dev", "-m", "pipelines.definitions",
               "--host", UI_HOST, "--port", str(port)]
    child: subprocess.Popen | None = None
    stop_requested_at: float | None = None

    def stop(signum: int, _frame) -> None:
        nonlocal stop_requested_at
        if stop_requested_at is None:
            stop_requested_at = time.monotonic()
            if child is not None:  # else it is stopped as soon as it has started
                child.send_signal(signal.SIGINT if signum == signal.SIGINT else signal.SIGTERM)
        elif child is not None:
            _kill_group(child)

    # Handlers before the child starts: it then begins with default signal dispositions, even
    # when this process inherited SIGINT ignored (`&` in a non-interactive shell), with which
    # `dagster dev` would ignore SIGINT and hang on SIGTERM (../shared/STACK-FACTS.md).
    stopping = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
    previous = {signum: signal.signal(signum, stop) for signum in stopping}
    try:
        child = subprocess.Popen(command, process_group=0)
        if stop_requested_at is not None:
            child.send_signal(signal.SIGTERM)
        echo(f"Dagster UI at http://{UI_HOST}:{port} (dagster dev, pid {child.pid}); Ctrl-C stops it")
        killed = False
        while True:
            try:
                code = child.wait(timeout=0.5)
                break
            except subprocess.TimeoutExpired:
                late = stop_requested_at is not None and time.monotonic() - stop_requested_at > STOP_TIMEOUT_SECONDS
                if late and not killed:
                    echo(f"dagster dev did not stop within {STOP_TIMEOUT_SECONDS} s: killed")
                    _kill_group(child)
                    killed = True
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
    if stop_requested_at is None:
        return code  # it stopped by itself: its own verdict
    return 0 if code in (0, -signal.SIGINT, -signal.SIGTERM) else 1


def _kill_group(child: subprocess.Popen) -> None:
    try:
        os.killpg(child.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
