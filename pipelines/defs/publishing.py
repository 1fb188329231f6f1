"""The release: published only when every blocking check passed on the exact candidate."""

import dagster as dg

from pipelines import gate
from pipelines.defs.resources import PcmdResource
from pipelines.publish import PUBLISHED_TABLES


@dg.asset(
    key=["release"],
    deps=[dg.AssetKey(["marts", table]) for table in PUBLISHED_TABLES if table != "release"],
    group_name="publishing",
    kinds={"duckdb", "parquet"},
    description="releases/<release_id>/ and published/marts.duckdb, replaced atomically.",
)
def release(context: dg.AssetExecutionContext, pcmd: PcmdResource) -> dg.MaterializeResult:
    outcome = gate.publish_candidate(pcmd.settings(), on_stage=context.log.info)
    context.log.info(outcome.message)
    return dg.MaterializeResult(metadata={
        "published": outcome.published,
        "release_id": outcome.release_id or "",
        "previous_release_id": outcome.previous_release_id or "",
        "message": outcome.message,
    })


defs = dg.Definitions(assets=[release])
