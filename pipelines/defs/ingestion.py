"""One asset per agency: every new file of landing/<agency>/ into raw.<table>.

Each has a non-blocking check, `delivered_within_cadence`, which flags the agency in the asset
graph when its latest accepted delivery is older than its cadence (pipelines.freshness).
"""

import dagster as dg

from pipelines.config import AGENCIES
from pipelines.defs.jobs import retry_while_warehouse_busy
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

        # Each file commits on its own, so a retry goes on with the files not done yet.
        with retry_while_warehouse_busy(context):
            report = ingest_agency(pcmd.settings(), agency)
        for outcome in report.files:
            context.log.info(outcome.summary())
        return dg.MaterializeResult(metadata=report.metadata())

    return ingest_asset


def _freshness_check(agency: str) -> dg.AssetChecksDefinition:
    @dg.asset_check(
        asset=dg.AssetKey(["raw", AGENCY_RAW_TABLE[agency]]),
        name="delivered_within_cadence",
        blocking=False,
        description=f"Warns when the latest accepted {agency} delivery is older than the agency's "
        f"cadence (PCMD_{agency.upper()}_CADENCE_DAYS).",
    )
    def freshness_check(context: dg.AssetCheckExecutionContext, pcmd: PcmdResource) -> dg.AssetCheckResult:
        from pipelines.freshness import agency_freshness

        with retry_while_warehouse_busy(context):
            freshness = next(f for f in agency_freshness(pcmd.settings()) if f.agency == agency)
        context.log.info(freshness.describe())
        return dg.AssetCheckResult(
            passed=not freshness.late,
            severity=dg.AssetCheckSeverity.WARN,
            description=freshness.describe(),
            metadata={
                "last_delivery_at": freshness.last_delivery_at.isoformat() if freshness.last_delivery_at else "",
                "cadence_days": freshness.cadence.days,
                "age_days": round(freshness.age.total_seconds() / 86400, 1) if freshness.age else -1.0,
            },
        )

    return freshness_check


ingestion_assets = [_ingestion_asset(agency) for agency in AGENCIES]
freshness_checks = [_freshness_check(agency) for agency in AGENCIES]

defs = dg.Definitions(assets=ingestion_assets, asset_checks=freshness_checks)
