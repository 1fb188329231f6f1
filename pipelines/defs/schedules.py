"""The nightly refresh: the `refresh` job at 02:00, Hanoi time, every day.

Running by default, so a deployment with a dagster-daemon refreshes every night without
anyone switching it on; it can be stopped in the UI (Automation).
"""

from datetime import datetime
from zoneinfo import ZoneInfo

import dagster as dg

from pipelines.contract import LOCAL_TIME_ZONE
from pipelines.defs.jobs import refresh_job

NIGHTLY_CRON = "0 2 * * *"


def nightly_run_request(scheduled_at: datetime) -> dg.RunRequest:
    """The run of the night that starts at `scheduled_at`; its key (the local date) makes a
    night run once, even when the daemon restarts and catches up."""
    night = scheduled_at.astimezone(ZoneInfo(LOCAL_TIME_ZONE)).date().isoformat()
    return dg.RunRequest(run_key=f"nightly-{night}", tags={"pcmd/trigger": "nightly_refresh", "pcmd/night": night})


@dg.schedule(
    name="nightly_refresh",
    job=refresh_job,
    cron_schedule=NIGHTLY_CRON,
    execution_timezone=LOCAL_TIME_ZONE,
    default_status=dg.DefaultScheduleStatus.RUNNING,
    description="The whole refresh at 02:00 Asia/Ho_Chi_Minh every day.",
)
def nightly_refresh(context: dg.ScheduleEvaluationContext) -> dg.RunRequest:
    return nightly_run_request(context.scheduled_execution_time)


defs = dg.Definitions(schedules=[nightly_refresh])
