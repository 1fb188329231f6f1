"""One refresh: the `refresh` job executed in this process, and the summary the contract asks for."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Callable

from pipelines.config import Settings
from pipelines.warehouse import warehouse


@dataclass
class RefreshResult:
    success: bool
    summary: str


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
    lines += [f"  rejected {name}: {reason}" for name, reason in rejected]
    return "\n".join(lines)


def check_summary(settings: Settings, since: datetime) -> str:
    """The marts suites that ran since `since` (this run), and what failed."""
    from pipelines.gate import recorded_checks

    checks = [c for c in recorded_checks(settings) if datetime.fromisoformat(c["run_at"]) >= since]
    if not checks:
        return "Checks: none ran (the build did not reach them)"
    failed = [c for c in checks if not c["passed"]]
    lines = [f"Checks: {len(checks) - len(failed)} of {len(checks)} suites passed"]
    for check in failed:
        verdict = "FAILED (blocking)" if check["blocking"] else "warning"
        lines.append(f"  {check['name']}: {verdict}: {', '.join(check['failed'])}")
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
        return f"Release: {now} published at {settings.published_db}"
    if success:
        return f"Release: no new release (nothing changed since {now}, which stays published)"
    return f"Release: not published; {now} stays published"


def run_refresh(settings: Settings, echo: Callable[[str], None] = print, job=None) -> RefreshResult:
    """Execute the `refresh` job (the nightly schedule's job) in-process and summarise it.

    `job` replaces the refresh job (tests pass a variant of it, e.g. with a hook)."""
    import dagster as dg

    from pipelines.definitions import defs

    started = datetime.now(timezone.utc)
    before = _published_id(settings)
    job = job or defs.resolve_job_def("refresh")
    with dg.DagsterInstance.get() as instance:
        result = job.execute_in_process(
            instance=instance,
            raise_on_error=False,
            # step progress, not Dagster's debug chatter
            run_config={"loggers": {"console": {"config": {"log_level": "INFO"}}}},
        )
    summary = "\n".join([
        delivery_summary(settings, started),
        check_summary(settings, started),
        release_summary(settings, before, result.success),
    ])
    for event in result.all_events:
        if event.is_step_failure:
            summary += f"\nFailed step {event.step_key}: {event.event_specific_data.error.message.strip()}"
    echo(summary)
    return RefreshResult(success=result.success, summary=summary)
