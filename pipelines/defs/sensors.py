"""The landing sensor: a `refresh` run when new files appear in landing/<agency>/.

It never opens the warehouse (a running refresh holds its write lock, and the daemon must not
get in its way): what it has seen lives in its cursor, a digest of the set of
(path relative to landing/, size, mtime) of every file there.

- The cursor keeps a constant size. Dagster stores it with every tick (one a minute); a list
  of thousands of file names would be written again at every one of them.
- A new file changes the set whatever its times, so a file copied with an old mtime
  (`cp -p`, `rsync -t`, an unpacked archive) is not missed, as it would be behind a watermark
  on mtime. A file changed in place changes its size or mtime, and is new too.
- A file seen once never triggers again: it changes nothing in the digest; and the run key is
  the digest, so Dagster does not run a set seen before again either (a file taken out of
  landing/ and put back).
- A burst of files gives one run: the sensor waits until landing/ has been quiet for
  PCMD_LANDING_QUIET_SECONDS (no file created, copied or written; ctime counts too, since a
  copy cannot set it back), so files arriving together, or a large file still being copied,
  start one run, after the last of them.

A file removed from landing/ (the warehouse never does that; an operator might) also changes
the set; the refresh it starts finds nothing new, which is harmless.
"""

from __future__ import annotations

import hashlib
import json
import time
from dataclasses import dataclass

import dagster as dg

from pipelines.config import AGENCIES, Settings
from pipelines.defs.jobs import refresh_job
from pipelines.defs.resources import PcmdResource
from pipelines.ingest.landing import discover, landing_name

MINIMUM_INTERVAL_SECONDS = 60


@dataclass(frozen=True)
class LandingScan:
    """What landing/ holds now, as the sensor compares it."""

    files: int
    digest: str                # sha256 of the sorted (path, size, mtime) of every file
    last_change: float | None  # the newest mtime or ctime (epoch seconds); None when empty

    def cursor(self) -> str:
        return json.dumps({"digest": self.digest, "files": self.files})


def scan_landing(settings: Settings) -> LandingScan:
    """Every file the refresh would consider (pipelines.ingest.landing.discover), by its stat only."""
    digest = hashlib.sha256()
    files, last_change = 0, None
    for agency in AGENCIES:
        for path in discover(settings, agency):  # sorted: the same set gives the same digest
            try:
                stat = path.stat()
            except FileNotFoundError:  # removed since it was listed
                continue
            digest.update(f"{landing_name(settings, path)}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())
            files += 1
            last_change = max(last_change or 0.0, stat.st_mtime, stat.st_ctime)
    return LandingScan(files=files, digest=digest.hexdigest(), last_change=last_change)


def evaluate_landing(
    scan: LandingScan, cursor: str | None, now: float, quiet_seconds: float
) -> dg.SensorResult | dg.SkipReason:
    """One run request when the set of files differs from the cursor's and landing/ is quiet."""
    seen = json.loads(cursor) if cursor else None
    if seen and seen["digest"] == scan.digest:
        return dg.SkipReason(f"nothing new in landing/ ({scan.files} files, all seen)")
    if scan.files == 0:
        return dg.SensorResult(skip_reason=dg.SkipReason("landing/ is empty"), cursor=scan.cursor())
    quiet_for = now - (scan.last_change or 0.0)
    if quiet_for < quiet_seconds:
        # No cursor update: the next tick looks again, and runs once the burst is over.
        return dg.SkipReason(
            f"landing/ changed {quiet_for:.0f} s ago; waiting until it has been quiet for {quiet_seconds:.0f} s"
        )
    return dg.SensorResult(
        run_requests=[dg.RunRequest(
            run_key=scan.digest,  # the set it was made for: never run twice
            tags={"pcmd/trigger": "landing_sensor", "pcmd/landing_files": str(scan.files)},
        )],
        cursor=scan.cursor(),
    )


@dg.sensor(
    name="landing_sensor",
    job=refresh_job,
    minimum_interval_seconds=MINIMUM_INTERVAL_SECONDS,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="Starts `refresh` when new files appear in landing/ (once per file; one run per burst).",
)
def landing_sensor(context: dg.SensorEvaluationContext, pcmd: PcmdResource):
    settings = pcmd.settings()
    return evaluate_landing(scan_landing(settings), context.cursor, time.time(), settings.landing_quiet_seconds)


defs = dg.Definitions(sensors=[landing_sensor])
