"""The refresh job: the whole asset graph, as the nightly schedule and `pcmd refresh` run it."""

import dagster as dg

refresh_job = dg.define_asset_job(
    "refresh",
    selection=dg.AssetSelection.all(),
    description="Ingest every new delivery, build, check and publish.",
)

defs = dg.Definitions(jobs=[refresh_job])
