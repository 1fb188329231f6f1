"""The refresh job: the whole asset graph, as the nightly schedule, the landing sensor and
`pcmd refresh` run it; the refresh lock every run of it holds; the retry of transient failures.

Only one refresh at a time (DuckDB has one writer):
- runs launched by the daemon or the UI wait in Dagster's run queue, one at a time
  (`concurrency: runs: max_concurrent_runs: 1`, written to dagster.yaml by pipelines.runtime);
- every run of this job also holds $PCMD_HOME/refresh.lock (pipelines.refresh_lock), which
  `pcmd refresh` takes too: it executes in-process, outside the queue.
"""

from contextlib import contextmanager
from typing import Iterator

import dagster as dg
import duckdb

from pipelines.config import load_settings
from pipelines.permissions import describe_tightened, tighten_home
from pipelines.refresh_lock import Holder, refresh_lock

# A run launched while `pcmd refresh` holds the lock waits this long, then fails naming it.
LOCK_WAIT_SECONDS = 3600
# A run still going after this long is failed by Dagster's run monitoring: with one run at a
# time, a run whose process died unnoticed would otherwise hold the queue forever.
MAX_RUNTIME_SECONDS = 12 * 3600


class RefreshLock(dg.ConfigurableResource):
    """Holds $PCMD_HOME/refresh.lock from before the first step of a run to after its last,
    and first makes private what an earlier version left open (pipelines.permissions).

    Runs execute in one process (the in-process executor, see pipelines.definitions), which
    initialises resources once, before the first step, and tears them down after the last."""

    home: str = ""  # empty: $PCMD_HOME, like the `pcmd` resource
    wait_seconds: int = LOCK_WAIT_SECONDS

    @contextmanager
    def yield_for_execution(self, context: dg.InitResourceContext) -> Iterator["RefreshLock"]:
        settings = load_settings(self.home or None)

        def waiting(holder: Holder | None) -> None:
            who = holder.describe() if holder else "another refresh"
            if context.log:
                context.log.warning(f"waiting up to {self.wait_seconds} s for the refresh lock, held by {who}")

        run = (context.run_id or "")[:8]
        with refresh_lock(settings, by=f"dagster run {run}", wait=self.wait_seconds, on_wait=waiting):
            tightened = describe_tightened(tighten_home(settings))
            if tightened and context.log:
                context.log.warning(tightened)
            yield self


@dg.success_hook(required_resource_keys={"refresh_lock"})
def holds_refresh_lock(_context: dg.HookContext) -> None:
    """Does nothing itself: requiring `refresh_lock`, it makes every run of a job it is attached
    to take the lock before the first step and keep it to the end."""


refresh_job = dg.define_asset_job(
    "refresh",
    selection=dg.AssetSelection.all(),
    description="Ingest every new delivery, build, check and publish (one run at a time).",
    hooks={holds_refresh_lock},
    tags={"dagster/max_runtime_seconds": str(MAX_RUNTIME_SECONDS)},
)


# -- transient failures ---------------------------------------------------------------------
# Retried: the warehouse file locked by another process (a statistician's DuckDB session, a BI
# tool) goes away by itself. Never retried: data failures. A failed quality check is a check
# result, not an exception, and a rejected file or a bad row is recorded, not raised.
WAREHOUSE_BUSY_RETRIES = 4
WAREHOUSE_BUSY_WAIT_SECONDS = 15.0  # doubled at each retry: 15, 30, 60, 120 s


def warehouse_busy(exc: BaseException) -> bool:
    """DuckDB could not lock the file: another process has it open."""
    return isinstance(exc, duckdb.IOException) and "Could not set lock on file" in str(exc)


@contextmanager
def retry_while_warehouse_busy(
    context: dg.AssetExecutionContext | dg.AssetCheckExecutionContext,
) -> Iterator[None]:
    """Run the body; when the warehouse is locked by another process, retry the step later."""
    try:
        yield
    except duckdb.IOException as exc:
        if not warehouse_busy(exc):
            raise
        wait = WAREHOUSE_BUSY_WAIT_SECONDS * 2 ** context.retry_number
        context.log.warning(f"the warehouse is locked by another process, retrying in {wait:.0f} s: {exc}")
        raise dg.RetryRequested(max_retries=WAREHOUSE_BUSY_RETRIES, seconds_to_wait=wait) from exc


defs = dg.Definitions(jobs=[refresh_job], resources={"refresh_lock": RefreshLock()})
