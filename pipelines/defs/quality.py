"""The great-expectations suites as asset checks: the marts' suites block, the raw ones warn."""

import dagster as dg

from pipelines import gate
from pipelines.defs.dbt import dbt_published
from pipelines.defs.resources import PcmdResource
from pipelines.quality import SuiteResult, list_suites


def _checked_asset(suite_name: str) -> dg.AssetKey:
    """mart_<table> checks marts/<table>, raw_<table> raw/<table>; release_row_counts the cube."""
    for prefix, schema in (("mart_", "marts"), ("raw_", "raw")):
        if suite_name.startswith(prefix):
            return dg.AssetKey([schema, suite_name.removeprefix(prefix)])
    return dg.AssetKey(["marts", "indicator_values"])


def _blocks_in_the_graph(suite) -> bool:
    """A blocking suite blocks its asset's downstream steps in Dagster's graph, unless its asset
    feeds disclosure control (dim_area, dim_period): the suites all run in one step after the
    published marts are built, so blocking there would make a cycle. The release is safe either
    way: `publish` refuses a candidate unless every blocking suite passed on it (gate.py)."""
    return suite.blocking and (suite.layer != "marts" or _checked_asset(suite.name) in dbt_published.keys)


def _specs(layer: str) -> list[dg.AssetCheckSpec]:
    return [
        dg.AssetCheckSpec(suite.name, asset=_checked_asset(suite.name), blocking=_blocks_in_the_graph(suite),
                          description=suite.description)
        for suite in list_suites(layer)
    ]


def _check_results(context: dg.AssetCheckExecutionContext, results: list[SuiteResult]):
    for result in results:
        context.log.info(result.summary())
        yield dg.AssetCheckResult(
            check_name=result.name,
            asset_key=_checked_asset(result.name),
            passed=result.passed,
            severity=dg.AssetCheckSeverity.ERROR if result.blocking else dg.AssetCheckSeverity.WARN,
            description=result.summary(),
            metadata={"failed": ", ".join(result.failed) or "none", "fingerprint": result.fingerprint or ""},
        )


@dg.multi_asset_check(specs=_specs("marts"), name="mart_suites")
def mart_suites(context: dg.AssetCheckExecutionContext, pcmd: PcmdResource):
    """All marts suites in one read-only session, on one candidate fingerprint."""
    yield from _check_results(context, gate.check_candidate(pcmd.settings()))


@dg.multi_asset_check(specs=_specs("raw"), name="raw_suites")
def raw_suites(context: dg.AssetCheckExecutionContext, pcmd: PcmdResource):
    yield from _check_results(context, gate.check_raw(pcmd.settings()))


defs = dg.Definitions(asset_checks=[mart_suites, raw_suites])
