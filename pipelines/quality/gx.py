"""great-expectations: one ephemeral context per process, validating the probes' pandas frames.

`import great_expectations` takes seconds, so it happens here, on first use, once. The context
keeps nothing on disk, sends no usage statistics and shows no progress bars (they would fill
the run logs). GX's SQL datasource does not work on DuckDB (STACK-FACTS.md): it only ever
sees the compact frames the probes computed in DuckDB.
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING, Any

import pandas as pd

from pipelines.quality.spec import Expectation, Suite

if TYPE_CHECKING:
    from great_expectations.core.expectation_validation_result import (
        ExpectationSuiteValidationResult, ExpectationValidationResult,
    )

DATASOURCE = "pcmd_quality"
PARTIAL_LIST = 20  # offending rows GX lists per expectation


@cache
def _context() -> Any:
    import great_expectations as gx
    from great_expectations.data_context.types.base import (
        DataContextConfig, InMemoryStoreBackendDefaults, ProgressBarsConfig,
    )

    config = DataContextConfig(
        store_backend_defaults=InMemoryStoreBackendDefaults(),
        analytics_enabled=False,
        progress_bars=ProgressBarsConfig(globally=False, metric_calculations=False),
    )
    context = gx.get_context(project_config=config, mode="ephemeral")
    context.data_sources.add_pandas(DATASOURCE)
    return context


@cache
def _batch_definition(suite_name: str) -> Any:
    """One dataframe asset per suite, so a result's batch id names its suite."""
    asset = _context().data_sources.get(DATASOURCE).add_dataframe_asset(suite_name)
    return asset.add_batch_definition_whole_dataframe("probe")


def gx_expectation(expectation: Expectation) -> Any:
    from great_expectations.expectations.registry import get_expectation_impl

    implementation = get_expectation_impl(expectation.gx_type)
    return implementation(**expectation.gx_kwargs, notes=expectation.note, meta={"expectation": expectation.name})


def validate(suite: Suite, expectation: Expectation, frame: pd.DataFrame) -> ExpectationValidationResult:
    result_format: dict[str, Any] = {"result_format": "SUMMARY", "partial_unexpected_count": PARTIAL_LIST}
    if expectation.keys:
        result_format["unexpected_index_column_names"] = list(expectation.keys)
    batch = _batch_definition(suite.name).get_batch(batch_parameters={"dataframe": frame})
    return batch.validate(gx_expectation(expectation), result_format=result_format)


def failed(expectation: Expectation, message: str) -> ExpectationValidationResult:
    """The result of an expectation whose probe could not run (a missing table, a broken query)."""
    from great_expectations.core.expectation_validation_result import ExpectationValidationResult

    return ExpectationValidationResult(
        success=False,
        expectation_config=gx_expectation(expectation).configuration,
        result={},
        exception_info={"raised_exception": True, "exception_message": message, "exception_traceback": None},
    )


def suite_result(suite: Suite, results: list[ExpectationValidationResult], meta: dict) -> ExpectationSuiteValidationResult:
    from great_expectations.core.expectation_validation_result import ExpectationSuiteValidationResult

    passed = sum(bool(r.success) for r in results)
    return ExpectationSuiteValidationResult(
        success=passed == len(results),
        results=results,
        suite_name=suite.name,
        statistics={
            "evaluated_expectations": len(results),
            "successful_expectations": passed,
            "unsuccessful_expectations": len(results) - passed,
            "success_percent": 100.0 * passed / len(results) if results else 100.0,
        },
        meta=meta,
    )
