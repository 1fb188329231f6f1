"""Orchestration with the real Dagster: the nightly schedule, the landing sensor, one refresh at
a time (refresh lock, run queue), retries of transient failures, freshness, `pcmd ui`.

Small and focused: no test here runs the whole refresh (tests/test_refresh.py does, once).
Contention is between real processes: a helper process holds the refresh lock or DuckDB's
write lock on the warehouse while the test tries its side.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import dagster as dg
import pytest

from pipelines.config import load_settings
from pipelines.contract import POLICE_COLUMNS
from pipelines.defs.resources import PcmdResource
from pipelines.warehouse import warehouse

# One valid police export of one row (the contract's header, UTF-8).
POLICE_EXPORT = ("police_cases_20250408.csv", ",".join(POLICE_COLUMNS) + "\n" + ",".join((
    "CA-HN-2025-000009", "18/01/2025", "006", "Quận Đống Đa", "karaoke", "Karaoke Hoa Hồng", "bán dâm",
    "Xử phạt hành chính", "1.500.000", "001092560953", "Nguyễn Thị Thuỷ", "1995", "Nữ", "người bán dâm",
    "Hiệu lực", "18/01/2025 08:15")) + "\n")


@pytest.fixture(scope="module")
def defs():
    """The merged definitions, loaded once (dbt's manifest is parsed on first load)."""
    from pipelines.definitions import defs

    return defs


def _job(defs, name: str, selection: dg.AssetSelection, **kwargs) -> dg.JobDefinition:
    """A job over part of the graph, resolved with the resources of the real definitions."""
    merged = dg.Definitions.merge(defs, dg.Definitions(jobs=[dg.define_asset_job(name, selection=selection, **kwargs)]))
    return merged.resolve_job_def(name)


POLICE = dg.AssetKey(["raw", "police_case_persons"])
FRESHNESS = dg.AssetCheckKey(POLICE, "delivered_within_cadence")
# The police asset and its freshness check (the raw suites check all agencies in one step).
POLICE_AND_FRESHNESS = dg.AssetSelection.assets(POLICE).without_checks() | dg.AssetSelection.checks(FRESHNESS)


# -- helper processes -------------------------------------------------------------------------

_HOLD_REFRESH_LOCK = """
import sys
from pipelines.config import load_settings
from pipelines.refresh_lock import refresh_lock
with refresh_lock(load_settings(sys.argv[1]), by=sys.argv[2]):
    print("held", flush=True)
    sys.stdin.readline()  # until the test lets go
"""

_HOLD_WAREHOUSE = """
import sys, time, duckdb
con = duckdb.connect(sys.argv[1])  # read-write: DuckDB's exclusive file lock
print("held", flush=True)
time.sleep(float(sys.argv[2]))
"""


@contextmanager
def refresh_lock_held_elsewhere(settings, by: str = "pcmd refresh"):
    """Another process holds the refresh lock until the block ends."""
    proc = subprocess.Popen([sys.executable, "-c", _HOLD_REFRESH_LOCK, str(settings.home), by],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout.readline().strip() == "held"
        yield proc
    finally:
        proc.stdin.close()
        proc.wait(timeout=10)


def hold_warehouse(settings, seconds: float) -> subprocess.Popen:
    """Another process opens the warehouse for writing, for `seconds`."""
    proc = subprocess.Popen([sys.executable, "-c", _HOLD_WAREHOUSE, str(settings.warehouse_db), str(seconds)],
                            stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "held"
    return proc


# -- the nightly schedule ---------------------------------------------------------------------

def test_nightly_schedule_runs_refresh_at_two_in_hanoi(defs):
    # The daemon's own iterator of tick times (Dagster internals: what the scheduler fires on).
    from dagster._utils.schedules import schedule_execution_time_iterator

    schedule = defs.resolve_schedule_def("nightly_refresh")
    assert schedule.job_name == "refresh"
    assert schedule.default_status == dg.DefaultScheduleStatus.RUNNING
    start = datetime(2026, 12, 1, 12, 0, tzinfo=timezone.utc)
    ticks = schedule_execution_time_iterator(start.timestamp(), schedule.cron_schedule, schedule.execution_timezone)
    first, second = next(ticks), next(ticks)
    # 02:00 in Hanoi (UTC+7, no daylight saving) is 19:00 UTC the evening before.
    assert first.astimezone(timezone.utc) == datetime(2026, 12, 1, 19, 0, tzinfo=timezone.utc)
    assert (first.hour, first.minute, str(first.tzinfo)) == (2, 0, "Asia/Ho_Chi_Minh")
    assert second - first == timedelta(days=1)

    data = schedule.evaluate_tick(dg.build_schedule_context(scheduled_execution_time=first))
    [request] = data.run_requests
    assert request.run_key == "nightly-2026-12-02"  # the local night, not the UTC date
    assert request.tags["pcmd/trigger"] == "nightly_refresh"


# -- the landing sensor -------------------------------------------------------------------------

def _drop(settings, agency: str, name: str, text: str = "x\n", mtime: float | None = None) -> Path:
    path = settings.agency_dir(agency) / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    if mtime is not None:
        os.utime(path, (mtime, mtime))
    return path


def _tick(defs, cursor: str | None):
    sensor = defs.resolve_sensor_def("landing_sensor")
    context = dg.build_sensor_context(cursor=cursor, resources={"pcmd": PcmdResource()})
    result = sensor(context)
    requests = result.run_requests if isinstance(result, dg.SensorResult) else []
    next_cursor = result.cursor if isinstance(result, dg.SensorResult) and result.cursor is not None else cursor
    return requests or [], next_cursor


def test_landing_sensor_fires_once_for_new_files_and_once_per_burst(settings, defs, monkeypatch):
    monkeypatch.setenv("PCMD_LANDING_QUIET_SECONDS", "0")
    requests, cursor = _tick(defs, None)
    assert requests == []  # empty landing

    for n in range(5):  # a burst, across agencies
        _drop(settings, ("police", "labor")[n % 2], f"burst_{n}.csv")
    requests, cursor = _tick(defs, cursor)
    assert len(requests) == 1
    assert defs.resolve_sensor_def("landing_sensor").job_name == "refresh"
    assert requests[0].tags["pcmd/landing_files"] == "5"

    for _ in range(2):  # the same files never trigger again
        again, cursor = _tick(defs, cursor)
        assert again == []

    # A file copied with an old mtime (cp -p, rsync -t) is new all the same.
    old = (datetime.now() - timedelta(days=400)).timestamp()
    _drop(settings, "health", "health_2024_03.xlsx", mtime=old)
    requests, cursor = _tick(defs, cursor)
    assert len(requests) == 1 and requests[0].tags["pcmd/landing_files"] == "6"
    assert _tick(defs, cursor)[0] == []


def test_landing_sensor_waits_for_a_burst_to_end(settings, defs, monkeypatch):
    monkeypatch.setenv("PCMD_LANDING_QUIET_SECONDS", "3600")
    _drop(settings, "police", "police_cases_20261201.csv")
    requests, cursor = _tick(defs, None)
    assert requests == [] and cursor is None  # still arriving: nothing recorded, nothing missed

    monkeypatch.setenv("PCMD_LANDING_QUIET_SECONDS", "0")
    requests, _ = _tick(defs, cursor)
    assert len(requests) == 1


def test_landing_sensor_works_while_the_warehouse_is_locked(settings, defs, monkeypatch):
    """It never opens the warehouse: a refresh holding DuckDB's write lock does not stop it."""
    monkeypatch.setenv("PCMD_LANDING_QUIET_SECONDS", "0")
    with warehouse(settings):
        pass
    _drop(settings, "culture", "culture_inspections_20261201.jsonl", "{}\n")
    holder = hold_warehouse(settings, 30)
    try:
        requests, _ = _tick(defs, None)
    finally:
        holder.kill()
        holder.wait()
    assert len(requests) == 1


def test_a_run_key_is_the_set_of_files(settings, defs, monkeypatch):
    """A set seen before (a file taken out of landing/ and put back) asks for the same run
    key, which Dagster does not run twice."""
    monkeypatch.setenv("PCMD_LANDING_QUIET_SECONDS", "0")
    path = _drop(settings, "labor", "labor_support_20261201.csv", mtime=1_700_000_000)
    [first], cursor = _tick(defs, None)
    path.unlink()
    _, cursor = _tick(defs, cursor)
    _drop(settings, "labor", "labor_support_20261201.csv", mtime=1_700_000_000)
    requests, _ = _tick(defs, cursor)
    assert [r.run_key for r in requests] == [first.run_key]


# -- one refresh at a time -----------------------------------------------------------------------

_CONTEND = """
import json, os, sys, time
from pathlib import Path
from pipelines.config import load_settings
from pipelines.refresh_lock import RefreshBusy, refresh_lock
settings, me, wait, go = load_settings(sys.argv[1]), sys.argv[2], float(sys.argv[3]), Path(sys.argv[4])
print("ready", flush=True)
while not go.exists():
    time.sleep(0.005)
try:
    with refresh_lock(settings, by=me, wait=wait):
        start = time.time()
        time.sleep(1.5)
        end = time.time()
    print(json.dumps({"pid": os.getpid(), "start": start, "end": end}))
except RefreshBusy as busy:
    print(json.dumps({"pid": os.getpid(), "refused": str(busy)}))
"""


def _start_together(settings, tmp_path, wait: float) -> list[dict]:
    go = tmp_path / "go"
    procs = [subprocess.Popen([sys.executable, "-c", _CONTEND, str(settings.home), name, str(wait), str(go)],
                              stdout=subprocess.PIPE, text=True) for name in ("first", "second")]
    for proc in procs:
        assert proc.stdout.readline().strip() == "ready"
    go.touch()
    outcomes = [json.loads(proc.communicate(timeout=30)[0]) for proc in procs]
    assert all(proc.returncode == 0 for proc in procs)
    return outcomes


def test_two_refreshes_started_together_never_overlap(settings, tmp_path):
    a, b = sorted(_start_together(settings, tmp_path, wait=20), key=lambda o: o["start"])
    assert a["end"] <= b["start"], "the second ran while the first held the lock"


def test_the_second_of_two_refreshes_refuses_naming_the_first(settings, tmp_path):
    outcomes = _start_together(settings, tmp_path, wait=0)
    ran = [o for o in outcomes if "start" in o]
    refused = [o for o in outcomes if "refused" in o]
    assert len(ran) == 1 and len(refused) == 1
    assert f"pid {ran[0]['pid']}" in refused[0]["refused"]


def test_pcmd_refresh_refuses_while_another_refresh_runs(settings):
    from click.testing import CliRunner

    from pipelines.cli import main
    from pipelines.refresh import EXIT_BUSY, run_refresh

    with refresh_lock_held_elsewhere(settings, by="dagster run 1a2b3c4d") as holder:
        output: list[str] = []
        result = run_refresh(settings, echo=output.append)
        cli = CliRunner().invoke(main, ["refresh"])
    assert result.busy and result.exit_code == EXIT_BUSY
    assert f"dagster run 1a2b3c4d (pid {holder.pid}" in output[0]
    assert cli.exit_code == EXIT_BUSY and "Refresh refused" in cli.output
    assert not settings.warehouse_db.exists()  # refused before touching anything


def test_status_names_the_running_refresh_and_never_waits_for_the_warehouse(settings):
    from pipelines.status import status_report

    with warehouse(settings):
        pass
    with refresh_lock_held_elsewhere(settings, by="pcmd refresh") as refresh:
        holder = hold_warehouse(settings, 30)  # the refresh writing
        try:
            report = status_report(settings)
        finally:
            holder.kill()
            holder.wait()
    assert f"Refresh running: pcmd refresh (pid {refresh.pid}" in report
    assert "Published release: none yet" in report
    assert "open for writing by another process" in report
    assert "Refresh running: none" in status_report(settings)


def test_the_refusal_in_the_operations_guide_is_the_real_message():
    from pipelines.config import REPO_ROOT
    from pipelines.refresh_lock import Holder, RefreshBusy

    holder = Holder(by="dagster run 1187c7de", pid=13578, host="pcmd-01", started_at="2026-12-01T19:00:04+00:00")
    message = f"Refresh refused: {RefreshBusy(Path('/srv/pcmd/refresh.lock'), holder, 0)}"
    guide = " ".join((REPO_ROOT / "docs" / "operations.md").read_text().split())
    assert message in guide


def test_a_dagster_run_holds_the_lock_and_waits_for_a_running_refresh(settings, defs):
    from pipelines.defs.jobs import holds_refresh_lock
    from pipelines.refresh_lock import lock_file, read_holder

    seen = []

    @dg.success_hook
    def who_holds_the_lock(context):
        seen.append(read_holder(lock_file(settings)))

    job = _job(defs, "locked_ingest", dg.AssetSelection.assets(POLICE).without_checks(),
               hooks={holds_refresh_lock, who_holds_the_lock})
    short_wait = {"resources": {"refresh_lock": {"config": {"wait_seconds": 1}}}}
    with refresh_lock_held_elsewhere(settings, by="pcmd refresh") as holder:
        blocked = job.execute_in_process(raise_on_error=False, run_config=short_wait)
    assert not blocked.success
    failure = next(e for e in blocked.all_events if e.event_type == dg.DagsterEventType.RUN_FAILURE)
    assert f"pcmd refresh (pid {holder.pid}" in str(failure.event_specific_data.error)
    assert not settings.warehouse_db.exists()  # no step ran

    done = job.execute_in_process(raise_on_error=False, run_config=short_wait)
    assert done.success
    assert seen and seen[0].by == f"dagster run {done.run_id[:8]}" and seen[0].pid == os.getpid()
    assert read_holder(lock_file(settings)) is None  # released, and nobody named any more


def test_the_run_queue_starts_one_run_at_a_time(settings):
    from pipelines.runtime import MANAGED_MARKER, write_dagster_yaml

    with dg.DagsterInstance.get() as instance:
        assert instance.get_concurrency_config().run_queue_config.max_concurrent_runs == 1
        assert not instance.telemetry_enabled
        assert instance.run_monitoring_enabled

    # A dagster.yaml an operator took over (marker line removed) is left alone.
    path = settings.dagster_home / "dagster.yaml"
    custom = path.read_text().replace(MANAGED_MARKER + "\n", "").replace("max_concurrent_runs: 1", "max_concurrent_runs: 2")
    path.write_text(custom)
    assert not write_dagster_yaml(settings) and path.read_text() == custom


# -- retries ---------------------------------------------------------------------------------

def test_ingestion_retries_while_another_process_holds_the_warehouse(settings, defs, monkeypatch):
    from pipelines.defs import jobs

    monkeypatch.setattr(jobs, "WAREHOUSE_BUSY_WAIT_SECONDS", 1.0)
    settings.agency_dir("police").mkdir(parents=True)
    name, text = POLICE_EXPORT
    (settings.agency_dir("police") / name).write_text(text, encoding="utf-8")
    with warehouse(settings):
        pass
    holder = hold_warehouse(settings, 2.5)
    try:
        result = _job(defs, "ingest_police", POLICE_AND_FRESHNESS).execute_in_process(raise_on_error=False)
    finally:
        holder.wait(timeout=30)
    retries = [e for e in result.all_events if e.event_type == dg.DagsterEventType.STEP_UP_FOR_RETRY]
    assert result.success and retries
    assert {e.step_key for e in retries} == {"raw__police_case_persons"}
    with warehouse(settings, read_only=True) as con:
        assert con.execute("select status from ops.deliveries").fetchall() == [("accepted",)]


# -- freshness -------------------------------------------------------------------------------

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=timezone.utc)


def _deliveries(settings, *rows: tuple[str, str, timedelta], at: datetime = NOW) -> None:
    """ops.deliveries rows: (agency, status, age at `at`)."""
    with warehouse(settings) as con:
        for n, (agency, status, age) in enumerate(rows):
            con.execute("insert into ops.deliveries values (?, ?, ?, ?, ?, NULL, 1, 1, 0)",
                        [f"{agency}/file_{n}", agency, f"sha{n}", at - age, status])


def test_freshness_flags_an_agency_late_for_its_cadence(settings, monkeypatch):
    from pipelines.freshness import agency_freshness

    _deliveries(
        settings,
        ("police", "accepted", timedelta(days=10)),   # weekly: 3 days late
        ("health", "accepted", timedelta(days=20)),   # monthly: on time
        ("culture", "accepted", timedelta(days=9)),
        ("culture", "rejected", timedelta(days=1)),   # a rejected file brings no data
        ("labor", "duplicate", timedelta(days=1)),    # nor does a resend
    )
    late = {f.agency: f.late for f in agency_freshness(settings, now=NOW)}
    assert late == {"police": True, "health": False, "culture": True, "labor": True}

    monkeypatch.setenv("PCMD_POLICE_CADENCE_DAYS", "14")
    police = agency_freshness(load_settings(), now=NOW)[0]
    assert police.agency == "police" and not police.late and police.status == "on time"


def test_freshness_is_a_warning_check_in_the_asset_graph_and_in_status(settings, defs):
    from pipelines.status import status_report

    _deliveries(settings, ("police", "accepted", timedelta(days=10)), at=datetime.now(timezone.utc))
    graph = defs.resolve_asset_graph()
    assert FRESHNESS in graph.asset_check_keys

    result = _job(defs, "police_with_checks", POLICE_AND_FRESHNESS).execute_in_process(raise_on_error=False)
    [evaluation] = [e.event_specific_data for e in result.all_events
                    if e.event_type == dg.DagsterEventType.ASSET_CHECK_EVALUATION
                    and e.event_specific_data.check_name == "delivered_within_cadence"]
    assert not evaluation.passed and evaluation.severity == dg.AssetCheckSeverity.WARN
    assert "LATE by 3 days" in evaluation.description
    # A late agency is data, not a transient failure: not retried, and the run goes on.
    assert result.success
    assert not [e for e in result.all_events if e.event_type == dg.DagsterEventType.STEP_UP_FOR_RETRY]

    police_row = next(line for line in status_report(settings).splitlines() if line.startswith("police "))
    assert "LATE by 3 days" in police_row


# -- progress of `pcmd refresh` ------------------------------------------------------------------

def test_refresh_shows_stages_not_dagster_logs(settings, defs):
    """run_refresh on part of the graph (ingestion and its checks, with the refresh lock):
    one line per agency with its files and rows; Dagster's log lines go to the log file."""
    from pipelines.defs.jobs import holds_refresh_lock
    from pipelines.generate import generate
    from pipelines.refresh import run_refresh

    generate(settings.landing_dir, seed=3, scale=0.2, date_from=date(2025, 1, 1), date_to=date(2025, 2, 28))
    job = _job(defs, "ingest_all", dg.AssetSelection.groups("ingestion") - dg.AssetSelection.assets(["ops", "quarantine"]),
               hooks={holds_refresh_lock})
    output: list[str] = []
    result = run_refresh(settings, echo=output.append, job=job)
    assert result.success and result.exit_code == 0, "\n".join(output)

    with warehouse(settings, read_only=True) as con:
        expected = dict(con.execute(
            "select agency, count(*) filter (where status = 'accepted') || ' accepted (' "
            "|| format('{:,}', sum(rows_loaded)) || ' rows loaded' from ops.deliveries group by agency"
        ).fetchall())
    for agency, text in expected.items():
        [line] = [line for line in output if line.startswith("ingest") and f" {agency} " in line]
        assert text in line, line
    assert any(line.startswith("freshness") and "police" in line for line in output)
    assert any(line.startswith("checks") and "raw suites" in line for line in output)
    assert not any(" - dagster - " in line for line in output)
    log = result.log_file.read_text()
    assert " - dagster - " in log and "raw__police_case_persons" in log


def test_a_failed_blocking_check_is_reported_and_exits_non_zero(settings, defs):
    from pipelines.defs.jobs import holds_refresh_lock
    from pipelines.refresh import EXIT_FAILED, run_refresh

    @dg.asset_check(asset=POLICE, name="made_to_fail", blocking=True)
    def made_to_fail() -> dg.AssetCheckResult:
        return dg.AssetCheckResult(passed=False, description="fails on purpose")

    job = dg.define_asset_job("failing", hooks={holds_refresh_lock},
                              selection=POLICE_AND_FRESHNESS | dg.AssetSelection.checks(made_to_fail))
    merged = dg.Definitions.merge(defs, dg.Definitions(asset_checks=[made_to_fail], jobs=[job]))
    output: list[str] = []
    result = run_refresh(settings, echo=output.append, job=merged.resolve_job_def("failing"))
    assert not result.success and result.exit_code == EXIT_FAILED
    assert any(line.startswith("checks") and "failed: made_to_fail (blocking)" in line for line in output), output
    assert any(line.startswith("FAILED") and "a blocking check failed" in line for line in output), output
    assert f"Details: {result.log_file}" in result.summary


# -- pcmd ui ---------------------------------------------------------------------------------------

def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _answers(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/server_info", timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


def _listening_addresses(port: int) -> set[str]:
    """The IPv4 addresses a socket listens on at `port` (Linux /proc/net/tcp)."""
    found = set()
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        local, state = line.split()[1], line.split()[3]
        address, hex_port = local.split(":")
        if state == "0A" and int(hex_port, 16) == port:  # 0A: LISTEN
            found.add(socket.inet_ntoa(bytes.fromhex(address)[::-1]))
    return found


def _running_in_group(pgid: int) -> list[int]:
    """Processes of a process group still running (zombies, already dead, do not count)."""
    running = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        state, group = fields[0], int(fields[2])
        if group == pgid and state != "Z":
            running.append(int(stat.parent.name))
    return running


def test_pcmd_ui_serves_on_localhost_and_stops_cleanly_on_sigterm(settings, tmp_path):
    port = _free_port()
    log = tmp_path / "ui.log"
    pcmd = Path(sys.executable).parent / "pcmd"
    with open(log, "w") as out:
        ui = subprocess.Popen([str(pcmd), "ui", "--port", str(port)], stdout=out, stderr=subprocess.STDOUT,
                              start_new_session=True)
    dev_pid = None
    try:
        deadline = time.monotonic() + 150
        while not _answers(port):
            assert ui.poll() is None, log.read_text()
            assert time.monotonic() < deadline, "the UI did not answer in time:\n" + log.read_text()
            time.sleep(1)
        dev_pid = int(log.read_text().split("(dagster dev, pid ")[1].split(")")[0])
        assert _listening_addresses(port) == {"127.0.0.1"}

        started = time.monotonic()
        ui.send_signal(signal.SIGTERM)
        assert ui.wait(timeout=40) == 0, log.read_text()
        assert time.monotonic() - started < 40
        assert not _answers(port)
        # Its code server ends a moment after it: nothing is left behind, without any kill.
        deadline = time.monotonic() + 30
        while _running_in_group(dev_pid):
            assert time.monotonic() < deadline, "dagster dev left processes behind"
            time.sleep(0.5)
    finally:
        if ui.poll() is None:
            os.killpg(ui.pid, signal.SIGKILL)
        if dev_pid:
            try:
                os.killpg(dev_pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
