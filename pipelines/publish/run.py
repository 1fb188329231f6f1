"""`publish`: gate, build, keep and atomically publish a release.

In order, under the publish lock and with the warehouse open read-only throughout the copy:
1. refuse unless every blocking check passed on this exact candidate (its fingerprint);
2. no new release when the candidate equals the published release;
3. build `releases/<id>.tmp/` (the marts, then the reports and the dictionary made from them),
   sync it, rename it to `releases/<id>/`;
4. replace `published/marts.duckdb`, then `published/RELEASE`;
5. keep the last `settings.keep_releases` releases (never the published one).
A crash at any point leaves the previous release published; the next publish cleans up.
"""

from __future__ import annotations

import shutil
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable, Collection, Iterator

from pipelines.config import Settings
from pipelines.publish.candidate import PUBLISHED_TABLES, data_through, fingerprint, open_candidate
from pipelines.publish.gate import CheckResult, verify_checks
from pipelines.publish.release import write_release
from pipelines.publish.store import (
    RELEASE_DB, begin_release, clean_stale, commit_release, new_release_id, prune, publish_lock,
    publish_release, published_release_id, read_manifest, release_ids, write_pointer,
)
from pipelines.report import write_release_reports

# What `on_stage` is told, in order.
STAGES = (
    "checks_passed", *(f"copied {table}" for table in PUBLISHED_TABLES), "release_written",
    "reports_written", "release_committed", "published_db_staged", "published_db_replaced", "published",
)


@dataclass(frozen=True)
class PublishOutcome:
    published: bool                  # False: the candidate equals the published release
    release_id: str                  # the release published after this call
    previous_release_id: str | None  # the one published before it (None for the first)
    fingerprint: str
    message: str
    removed: list[str] = field(default_factory=list)  # releases deleted by retention

    def __str__(self) -> str:
        return self.message


@contextmanager
def _discarded_on_failure(staging: Path) -> Iterator[None]:
    """A release folder that could not be completed is removed, whatever stopped it."""
    try:
        yield
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def _ignore(stage: str) -> None:
    pass


def _require_sha256(deliveries: list[dict]) -> None:
    for delivery in deliveries:
        if not delivery.get("file_name") or not delivery.get("sha256"):
            raise ValueError(f"a delivery needs its file_name and sha256: {delivery!r}")


def publish(
    settings: Settings,
    *,
    checks: list[CheckResult],
    deliveries: list[dict],
    code_version: str,
    candidate_id: str | None = None,
    now: datetime | None = None,
    required_checks: Collection[str] = (),
    on_stage: Callable[[str], None] = _ignore,
) -> PublishOutcome:
    """Publish the warehouse's marts as a new release, if the checks allow and it changed.

    checks:          results carrying the fingerprint they validated (see `gate`); refused
                     (PublishRefused) unless every blocking one passed on the current candidate.
    deliveries:      the deliveries the candidate contains, each with `file_name` and `sha256`
                     (e.g. `accepted_deliveries(settings)`), recorded in the manifest.
    code_version:    recorded in the release and part of the fingerprint.
    candidate_id:    the fingerprint the caller means to publish; refused if the warehouse differs.
    required_checks: check names that must be among the results (a missing one refuses).
    now:             the publishing time (timezone-aware; default: now), which names the release.
    on_stage:        told each stage reached (see STAGES): progress logs, crash tests.
    """
    checks, deliveries = list(checks), list(deliveries)
    _require_sha256(deliveries)
    published_at = (now or datetime.now(timezone.utc)).astimezone(timezone.utc)
    with publish_lock(settings):
        with open_candidate(settings) as con:
            candidate = fingerprint(con, code_version)
            verify_checks(checks, candidate, candidate_id=candidate_id, required=required_checks)
            on_stage("checks_passed")
            clean_stale(settings)
            previous_id = published_release_id(settings)
            previous = read_manifest(settings, previous_id) if previous_id else None
            if previous is not None and previous.get("fingerprint") == candidate:
                write_pointer(settings, previous_id)  # repairs RELEASE after a crash between the replaces
                return PublishOutcome(
                    published=False, release_id=previous_id,
                    previous_release_id=previous.get("previous_release_id"), fingerprint=candidate,
                    message=f"No new release: the candidate is release {previous_id} "
                            "(no new data, no code change); it stays published.",
                )
            release_id = new_release_id(published_at, release_ids(settings))
            row = {
                "release_id": release_id,
                "published_at": published_at,
                "code_version": code_version,
                **{f"data_through_{agency}": day for agency, day in data_through(con).items()},
                "deliveries": len(deliveries),
                "checks_passed": sum(check.get("passed") is True for check in checks),
                "previous_release_id": previous_id,
            }
            staging = begin_release(settings, release_id)
            with _discarded_on_failure(staging):
                manifest = write_release(con, staging, row, fingerprint=candidate,
                                         deliveries=deliveries, checks=checks, on_stage=on_stage)
        on_stage("release_written")
        with _discarded_on_failure(staging):  # the reports are part of the release, in its folder before the rename
            write_release_reports(staging, staging / RELEASE_DB, manifest)
        on_stage("reports_written")
        commit_release(settings, staging, release_id)
        on_stage("release_committed")
        publish_release(settings, release_id, on_stage)
        on_stage("published")
        removed = prune(settings)
    rows = manifest["tables"]["indicator_values"]["rows"]
    return PublishOutcome(
        published=True, release_id=release_id, previous_release_id=previous_id, fingerprint=candidate,
        message=f"Published release {release_id} ({rows} indicator values, {len(deliveries)} deliveries"
                + (f"; replaces {previous_id}" if previous_id else "") + ").",
        removed=removed,
    )
