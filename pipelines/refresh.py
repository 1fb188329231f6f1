"""One refresh: the `refresh` job executed in this process, its progress, and the summary the
contract asks for.

    result = run_refresh(load_settings())   # progress line by line, then the summary
    sys.exit(result.exit_code)              # 0 published or nothing changed, 1 failed, 3 busy

The same job the nightly schedule and the landing sensor start, under the same refresh lock
(pipelines.refresh_lock): a second refresh refuses, naming the one running, or waits `wait`
seconds for it.

Quiet by default: one line per stage as the run goes (files and rows per agency, the dbt
build, the checks, freshness, the release), read from the run's Dagster events; Dagster's log
lines and dbt's output go to $PCMD_HOME/logs/refresh-<time>.log. `verbose=True` sends them to
the console instead. Either way the run is recorded in Dagster's instance, so it shows in the UI.
"""

from __future__ import annotations

import contextlib
import sys
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable, Iterator

from pipelines.config import Settings
from pipelines.permissions import describe_tightened, tighten_home
from pipelines.refresh_lock import Holder, RefreshBusy, refresh_lock
from pipelines.status import short_reason
from pipelines.warehouse import AGENCY_RAW_TABLE, warehouse

EXIT_OK, EXIT_FAILED, EXIT_BUSY = 0, 1, 3
KEEP_LOGS = 30
FRESHNESS_CHECK = "delivered_within_cadence"  # pipelines.defs.ingestion


@dataclass
class RefreshResult:
    success: bool
    summary: str
    busy: bool = False                # refused: another refresh holds the lock
    log_file: Path | None = None      # where Dagster's and dbt's output went (quiet mode)

    @property
    def exit_code(self) -> int:
        return EXIT_BUSY if self.busy else EXIT_OK if self.success else EXIT_FAILED


# -- the summary ------------------------------------------------------------------------------

def delivery_summary(settings: Settings, since: datetime) -> str:
    """Deliveries first seen since `since`, by status, and the rows they quarantined."""
    with warehouse(settings) as con:
        rows = con.execute(
            """
            select status, count(*), coalesce(sum(rows_loaded), 0), coalesce(sum(rows_quarantined), 0)
            from ops.deliveries where first_seen_at >= ? group by status order by status
            """,
            [since],
        ).fetchall()
        rejected = con.execute(
            "select file_name, reason from ops.deliveries where first_seen_at >= ? and status = 'rejected' "
            "order by file_name",
            [since],
        ).fetchall()
    counts = {status: (n, loaded, quarantined) for status, n, loaded, quarantined in rows}
    accepted = counts.get("accepted", (0, 0, 0))
    lines = [
        "Deliveries: {} accepted ({} rows loaded, {} rows quarantined), {} rejected, {} duplicate".format(
            accepted[0], accepted[1], accepted[2],
            counts.get("rejected", (0,))[0], counts.get("duplicate", (0,))[0],
        )
    ]
    lines += [f"  rejected {name}: {short_reason(name, reason)}" for name, reason in rejected]
    return "\n".join(lines)


def check_summary(settings: Settings, since: datetime) -> str:
    """The marts suites that ran since `since` (this run), what failed, and what disclosure
    control suppressed."""
    from pipelines.disclosure import report
    from pipelines.gate import disclosure_summary, recorded_checks

    checks = [c for c in recorded_checks(settings) if datetime.fromisoformat(c["run_at"]) >= since]
    if not checks:
        return "Checks: none ran (the build did not reach them)"
    failed = [c for c in checks if not c["passed"]]
    lines = [f"Checks: {len(checks) - len(failed)} of {len(checks)} suites passed"]
    for check in failed:
        verdict = "FAILED (blocking)" if check["blocking"] else "warning"
        lines.append(f"  {check['name']}: {verdict}: {', '.join(check['failed'])}")
    disclosure = disclosure_summary(settings)
    if disclosure:
        lines += report.lines(disclosure)
    return "\n".join(lines)


def _published_id(settings: Settings) -> str | None:
    from pipelines.publish import published_release

    manifest = published_release(settings)
    return manifest["release_id"] if manifest else None


def release_summary(settings: Settings, before: str | None, success: bool) -> str:
    now = _published_id(settings)
    if now is None:
        return "Release: none published yet"
    if now != before:
        from pipelines.publish.store import release_dir
        from pipelines.report import release_reports

        return f"Release: {now} published at {settings.published_db}\n{release_reports(release_dir(settings, now))}"
    if success:
        return f"Release: no new release (nothing changed since {now}, which stays published)"
    return f"Release: not published; {now} stays published"


# -- progress -----------------------------------------------------------------------------------

_AGENCY_OF_TABLE = {table: agency for agency, table in AGENCY_RAW_TABLE.items()}


def _number(n: int) -> str:
    return f"{n:,}"


@dataclass
class _Step:
    built: int = 0                                          # dbt models and seeds materialised
    checks: list = field(default_factory=list)              # (name, passed, blocking)


class Progress:
    """Turns the run's Dagster events into one line per stage, as they happen.

    What a step did is read from what it reports: the materialisation of raw/<table> (files and
    rows), ops/quarantine and release (their metadata); the dbt models; the asset check results
    (the quality suites, dbt's tests, each agency's freshness)."""

    def __init__(self, echo: Callable[[str], None]):
        self.echo = echo
        self.steps: dict[str, _Step] = {}

    def line(self, stage: str, text: str) -> None:
        self.echo(f"{stage:<10} {text}")

    def __call__(self, entry) -> None:  # an EventLogEntry of the run
        from dagster import DagsterEventType as kind

        event = entry.dagster_event
        if event is None:
            return
        step = self.steps.setdefault(event.step_key or "", _Step())
        data = event.event_specific_data
        if event.event_type == kind.ASSET_MATERIALIZATION:
            self._materialized(step, event.asset_key.path, data.materialization.metadata)
        elif event.event_type == kind.ASSET_CHECK_EVALUATION:
            self._checked(step, data)
        elif event.event_type == kind.STEP_SUCCESS:
            self._step_done(event.step_key, step, f" ({data.duration_ms / 1000:.0f} s)")
        elif event.event_type == kind.STEP_UP_FOR_RETRY:
            cause = data.error.cause or data.error
            self.line("retry", f"{event.step_key} again in {data.seconds_to_wait or 0:.0f} s: {_first_line(cause.message)}")
        elif event.event_type == kind.STEP_FAILURE:
            self._step_done(event.step_key, step, "")  # what it did before failing
            if data.error and data.error.cls_name == "DagsterAssetCheckFailedError":
                message = "a blocking check failed: the steps after it (the release) do not run"
            else:
                message = _first_line(data.error.message) if data.error else "failed"
            self.line("FAILED", f"{event.step_key}: {message}")

    def _materialized(self, step: _Step, path: list[str], metadata) -> None:
        values = {name: value.value for name, value in metadata.items()}
        if path[0] == "raw" and path[-1] in _AGENCY_OF_TABLE:
            self.line("ingest", f"{_AGENCY_OF_TABLE[path[-1]]:<8} {_ingested(values)}")
        elif path == ["ops", "quarantine"]:
            self.line("quarantine", f"{_number(values.get('rows_added', 0))} more rows found bad by dbt")
        elif path == ["disclosure", "suppressed_cells"]:
            self.line("disclosure", f"{_number(values.get('suppressed', 0))} rows suppressed "
                                    f"({_number(values.get('suppressed_audit', 0))} by the audit) "
                                    f"in {values.get('seconds', 0):.1f} s")
        elif path == ["release"]:
            if values.get("published"):
                self.line("publish", f"release {values['release_id']} published")
            else:
                self.line("publish", f"no new release: {values.get('message', '')}")
        else:
            step.built += 1
            if step.built == 1:
                self.line("build", "dbt build running ...")

    def _checked(self, step: _Step, evaluation) -> None:
        if evaluation.check_name == FRESHNESS_CHECK:
            self.line("freshness", evaluation.description or evaluation.asset_key.to_user_string())
        else:
            step.checks.append((evaluation.check_name, evaluation.passed, bool(evaluation.blocking)))

    def _step_done(self, step_key: str, step: _Step, took: str) -> None:
        checks = step.checks
        passed = sum(1 for _, ok, _ in checks if ok)
        failed = [f"{name}{' (blocking)' if blocking else ''}" for name, ok, blocking in checks if not ok]
        failures = f"; failed: {', '.join(failed)}" if failed else ""
        if step.built:
            tests = f", {passed} of {len(checks)} dbt tests passed" if checks else ""
            self.line("build", f"dbt build: {step.built} models and seeds{tests}{took}{failures}")
        elif checks:
            self.line("checks", f"{step_key.replace('_', ' ')}: {passed} of {len(checks)} passed{failures}")


def _ingested(values: dict) -> str:
    new = values.get("accepted", 0) + values.get("rejected", 0) + values.get("duplicate", 0)
    seen = values.get("already_registered", 0)
    if not new:
        return f"nothing new ({seen} files seen before)" if seen else "no files"
    parts = [f"{values.get('accepted', 0)} accepted ({_number(values.get('rows_loaded', 0))} rows loaded, "
             f"{_number(values.get('rows_quarantined', 0))} quarantined)"]
    parts += [f"{values[s]} {s}" for s in ("rejected", "duplicate") if values.get(s)]
    return f"{new} new file{'s' if new > 1 else ''}: " + ", ".join(parts)


def _first_line(text: str) -> str:
    return text.strip().splitlines()[0] if text and text.strip() else ""


# -- the run -----------------------------------------------------------------------------------

def log_dir(settings: Settings) -> Path:
    return settings.home / "logs"


@contextlib.contextmanager
def _console(log_file: Path | None) -> Iterator[None]:
    """Dagster's and dbt's output (both print to sys.stdout / sys.stderr) into `log_file`;
    left on the console when None."""
    if log_file is None:
        yield
        return
    log_file.parent.mkdir(parents=True, exist_ok=True)
    with open(log_file, "a", encoding="utf-8", buffering=1) as log, \
            contextlib.redirect_stdout(log), contextlib.redirect_stderr(log):
        yield


def _prune_logs(settings: Settings) -> None:
    for old in sorted(log_dir(settings).glob("refresh-*.log"))[:-KEEP_LOGS]:
        old.unlink(missing_ok=True)


def run_refresh(
    settings: Settings,
    echo: Callable[[str], None] | None = None,
    job=None,
    *,
    verbose: bool = False,
    wait: float = 0,
) -> RefreshResult:
    """Execute the `refresh` job (the nightly schedule's job) in-process and summarise it.

    echo:    where progress and the summary go (default: this process's stdout).
    job:     replaces the refresh job (tests pass a variant of it, e.g. with a hook).
    verbose: Dagster's and dbt's own output on the console rather than in the log file.
    wait:    seconds to wait for a refresh already running before refusing."""
    if echo is None:
        out = sys.stdout  # the console, before Dagster's output is redirected

        def echo(line: str) -> None:
            print(line, file=out, flush=True)

    def waiting(holder: Holder | None) -> None:
        echo(f"Waiting up to {wait:.0f} s for the refresh running: {holder.describe() if holder else 'unknown'}")

    try:
        with refresh_lock(settings, by="pcmd refresh", wait=wait, on_wait=waiting):
            return _run_locked(settings, echo, job, verbose)
    except RefreshBusy as busy:
        message = f"Refresh refused: {busy}"
        echo(message)
        return RefreshResult(success=False, summary=message, busy=True)


def _run_locked(settings: Settings, echo: Callable[[str], None], job, verbose: bool) -> RefreshResult:
    started = datetime.now(timezone.utc)
    log_file = None if verbose else log_dir(settings) / f"refresh-{started:%Y%m%dT%H%M%SZ}.log"
    echo(f"Refresh of {settings.home}" + (f" (Dagster and dbt output: {log_file})" if log_file else ""))
    tightened = describe_tightened(tighten_home(settings))  # a home left by an earlier version
    if tightened:
        echo(tightened)
    before = _published_id(settings)
    progress = Progress(echo)
    with _console(log_file):
        import dagster as dg

        from pipelines.definitions import defs

        job = job or defs.resolve_job_def("refresh")
        run_id = str(uuid.uuid4())
        with dg.DagsterInstance.get() as instance:
            instance.add_event_listener(run_id, progress)
            result = job.execute_in_process(
                instance=instance,
                run_id=run_id,
                raise_on_error=False,
                tags={"pcmd/trigger": "pcmd refresh"},
                # step progress, not Dagster's debug chatter
                run_config={"loggers": {"console": {"config": {"log_level": "INFO"}}}},
            )
    if log_file:
        _prune_logs(settings)
    summary = "\n".join([
        *([tightened] if tightened else []),
        delivery_summary(settings, started),
        check_summary(settings, started),
        release_summary(settings, before, result.success),
    ])
    for event in result.all_events:
        if event.is_step_failure:
            summary += f"\nFailed step {event.step_key}: {event.event_specific_data.error.message.strip()}"
    if log_file and not result.success:
        summary += f"\nDetails: {log_file}"
    echo("")
    echo(summary)
    return RefreshResult(success=result.success, summary=summary, log_file=log_file)
