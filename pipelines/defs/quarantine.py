"""The rows dbt finds bad (unplaceable areas, unknown categories) join ingestion's in ops.quarantine."""

import dagster as dg

from pipelines.defs.resources import PcmdResource


@dg.asset(
    key=["ops", "quarantine"],
    deps=[dg.AssetKey(["intermediate", "int_rows_rejected"])],
    group_name="ingestion",
    kinds={"duckdb"},
    description="ops.quarantine: every bad row with its file, line, reason and masked raw content; "
    "ops.deliveries' counts follow it.",
)
def quarantine(context: dg.AssetExecutionContext, pcmd: PcmdResource) -> dg.MaterializeResult:
    from pipelines.quarantine import record_rejections

    added = record_rejections(pcmd.settings())
    context.log.info(f"{added} rows found bad by dbt quarantined")
    return dg.MaterializeResult(metadata={"rows_added": added})


defs = dg.Definitions(assets=[quarantine])
