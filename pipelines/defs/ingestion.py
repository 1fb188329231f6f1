"""One asset per agency: every new file of landing/<agency>/ into raw.<table>."""

import dagster as dg

from pipelines.config import AGENCIES
from pipelines.defs.resources import PcmdResource
from pipelines.warehouse import AGENCY_RAW_TABLE


def _ingestion_asset(agency: str) -> dg.AssetsDefinition:
    @dg.asset(
        key=["raw", AGENCY_RAW_TABLE[agency]],
        group_name="ingestion",
        kinds={"polars", "duckdb"},
        description=f"Rows of every new {agency} delivery in landing/{agency}/, appended with lineage "
        "(pseudonymised; bad rows quarantined, unreadable files rejected: see ops.deliveries).",
    )
    def ingest_asset(context: dg.AssetExecutionContext, pcmd: PcmdResource) -> dg.MaterializeResult:
        from pipelines.ingest.run import ingest_agency

        report = ingest_agency(pcmd.settings(), agency)
        for outcome in report.files:
            context.log.info(outcome.summary())
        return dg.MaterializeResult(metadata=report.metadata())

    return ingest_asset


ingestion_assets = [_ingestion_asset(agency) for agency in AGENCIES]

defs = dg.Definitions(assets=ingestion_assets)
