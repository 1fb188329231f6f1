"""Running suites: each expectation's probe in DuckDB, its frame validated by GX, one result per suite.

A probe that cannot run (a table missing, a column renamed) fails its expectation with the
error; it never stops the suite, so one broken mart still reports everything else.
"""

from __future__ import annotations

from datetime import datetime, timezone

import duckdb

from pipelines.config import Settings
from pipelines.publish.candidate import PUBLISHED_TABLES, current_code_version, fingerprint as content_fingerprint, tables_in
from pipelines.quality import gx
from pipelines.quality.result import SAMPLE_ROWS, ExpectationResult, SuiteResult, records, redact
from pipelines.quality.session import MAX_FRAME_ROWS, Frame, QualityError, fetch, open_session
from pipelines.quality.spec import Expectation, Suite
from pipelines.quality.suites import get_suite, list_suites


def run_suite(settings: Settings, suite_name: str, *, fingerprint: str | None = None) -> SuiteResult:
    """Run one suite on the warehouse.

    fingerprint: the candidate the caller validates (`candidate_fingerprint(settings, code_version)`);
                 for a marts suite, computed in the same read-only session when not given.
    """
    suite = get_suite(suite_name)
    with open_session(settings) as con:
        if fingerprint is None and suite.layer == "marts":
            fingerprint = candidate_fingerprint(con)
        return _run(con, settings, suite, fingerprint)


def run_all(settings: Settings, *, layer: str = "marts", fingerprint: str | None = None) -> list[SuiteResult]:
    """Run every suite of a layer (raw or marts) in one read-only session: all see the same data."""
    suites = list_suites(layer)
    with open_session(settings) as con:
        if fingerprint is None and layer == "marts":
            fingerprint = candidate_fingerprint(con)
        return [_run(con, settings, suite, fingerprint) for suite in suites]


def candidate_fingerprint(con: duckdb.DuckDBPyConnection) -> str | None:
    """Publish's fingerprint of the marts in this session; None without a complete candidate."""
    if not set(PUBLISHED_TABLES) <= tables_in(con, "marts"):
        return None
    return content_fingerprint(con, current_code_version())


def _probe(con: duckdb.DuckDBPyConnection, settings: Settings, expectation: Expectation) -> tuple[Frame | None, str | None]:
    try:
        frame = fetch(con, expectation.probe(con), settings)
    except (duckdb.Error, QualityError) as exc:
        return None, redact(f"the probe failed: {exc}")
    if frame.truncated and not expectation.counts_violations:
        return None, f"the probe returned {frame.rows} rows, more than {MAX_FRAME_ROWS}: it must be made compact"
    return frame, None


def _result(expectation: Expectation, frame: Frame | None, validated: dict, error: str | None) -> ExpectationResult:
    """Our reading of one GX result: counts and a sample of offending rows."""
    error = error or (validated.get("exception_info") or {}).get("exception_message")
    if error or frame is None:
        return ExpectationResult(expectation.name, expectation.note, False, None, None, [], redact(str(error)))
    passed = bool(validated["success"])
    if expectation.counts_violations:
        # GX saw at most MAX_FRAME_ROWS + 1 rows; the exact count is the probe's.
        return ExpectationResult(expectation.name, expectation.note, passed, frame.rows, None,
                                 [] if passed else records(frame.data))
    found = validated.get("result", {})
    sample = found.get("partial_unexpected_index_list") if expectation.keys else None
    if sample is None:
        sample = [{"value": v} for v in found.get("partial_unexpected_list", [])]
    return ExpectationResult(expectation.name, expectation.note, passed, found.get("unexpected_count"),
                             found.get("element_count"), sample[:SAMPLE_ROWS])


def _validate(con: duckdb.DuckDBPyConnection, settings: Settings, suite: Suite, expectation: Expectation):
    """The probe's frame, why it could not be checked (or None), and GX's result."""
    frame, error = _probe(con, settings, expectation)
    if error is None:
        try:
            return frame, None, gx.validate(suite, expectation, frame.data)
        except Exception as exc:  # GX rejects a frame or a configuration: the expectation fails
            error = redact(f"great-expectations could not validate: {exc}")
    return None, error, gx.failed(expectation, error)


def _run(con: duckdb.DuckDBPyConnection, settings: Settings, suite: Suite, fingerprint: str | None) -> SuiteResult:
    run_at = datetime.now(timezone.utc)
    checked = [_validate(con, settings, suite, expectation) for expectation in suite.expectations]
    meta = {"layer": suite.layer, "blocking": suite.blocking, "fingerprint": fingerprint, "run_at": run_at.isoformat()}
    validation = gx.suite_result(suite, [outcome for _, _, outcome in checked], meta).to_json_dict()
    by_name = {entry["expectation_config"]["meta"]["expectation"]: entry for entry in validation["results"]}
    results = tuple(
        _result(expectation, frame, by_name[expectation.name], error)
        for expectation, (frame, error, _) in zip(suite.expectations, checked)
    )
    return SuiteResult(
        name=suite.name, layer=suite.layer, blocking=suite.blocking,
        passed=all(r.passed for r in results), fingerprint=fingerprint, run_at=run_at,
        expectations=results, validation=validation,
    )
