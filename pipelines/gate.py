"""The gate between build and publish.

`check_candidate` runs the marts suites on the candidate in the warehouse and keeps their
results beside it (`work/candidate/`); `publish_candidate` hands exactly those results to
`publish`, which refuses unless every blocking suite passed on the very data it is about to
copy (the results carry the candidate's fingerprint). So no later run, retry or manual
materialisation can publish data that was not checked.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import duckdb

from pipelines.config import Settings
from pipelines.permissions import make_public
from pipelines.publish import PublishOutcome, accepted_deliveries, current_code_version, publish
from pipelines.quality import SuiteResult, list_suites, run_all, write_results


def candidate_dir(settings: Settings) -> Path:
    return settings.work_dir / "candidate"


def blocking_suites() -> list[str]:
    return [suite.name for suite in list_suites("marts") if suite.blocking]


def check_candidate(settings: Settings) -> list[SuiteResult]:
    """Run every marts suite on the candidate; record the results for the publish step, with
    what disclosure control cost (beside the published release's figures)."""
    results = run_all(settings, layer="marts")
    folder = candidate_dir(settings)
    if folder.exists():
        shutil.rmtree(folder)
    write_results(results, folder / "quality")
    _record_disclosure(settings, folder / "quality")
    (folder / "checks.json").write_text(json.dumps([r.to_check_dict() for r in results], indent=2))
    return results


def _record_disclosure(settings: Settings, folder: Path) -> None:
    from pipelines.disclosure import report
    from pipelines.quality.session import open_session

    try:
        with open_session(settings) as con:
            summary = report.summarise(con)
    except duckdb.Error:  # no disclosure step ran (a candidate made by hand): nothing to record
        return
    report.write(report.with_previous(summary, report.previous_summary(settings)), folder)


def disclosure_summary(settings: Settings) -> dict | None:
    """What the last check of the candidate recorded about disclosure control."""
    from pipelines.disclosure import report

    path = candidate_dir(settings) / "quality" / report.FILE
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else None


def check_raw(settings: Settings) -> list[SuiteResult]:
    """The raw suites: warnings about what ingestion let through."""
    return run_all(settings, layer="raw")


def recorded_checks(settings: Settings) -> list[dict]:
    path = candidate_dir(settings) / "checks.json"
    return json.loads(path.read_text()) if path.exists() else []


def publish_candidate(settings: Settings, on_stage=None) -> PublishOutcome:
    """Publish the candidate with the check results recorded for it (refused otherwise)."""
    kwargs = {"on_stage": on_stage} if on_stage else {}
    outcome = publish(
        settings,
        checks=recorded_checks(settings),
        deliveries=accepted_deliveries(settings),
        code_version=current_code_version(),
        required_checks=blocking_suites(),
        **kwargs,
    )
    if outcome.published:
        quality = settings.releases_dir / outcome.release_id / "quality"
        shutil.copytree(candidate_dir(settings) / "quality", quality, dirs_exist_ok=True)
        make_public(quality)  # the copy keeps the candidate's private modes
    return outcome
