"""The dbt project as Dagster assets: one asset per seed and model, downstream of the raw tables.

dbt's sources are the ingestion assets (`raw/<table>`), so the graph reads
landing → raw → staging → intermediate → core → marts.
"""

import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DbtCliResource, dbt_assets

from pipelines import transform
from pipelines.config import DBT_PROJECT_DIR, load_settings
from pipelines.defs.resources import PcmdResource


class PcmdDbtTranslator(DagsterDbtTranslator):
    def get_asset_key(self, dbt_resource_props: Mapping[str, Any]) -> dg.AssetKey:
        if dbt_resource_props["resource_type"] == "source":
            # the table an ingestion asset fills, e.g. raw/police_case_persons
            return dg.AssetKey(["raw", dbt_resource_props["identifier"]])
        return super().get_asset_key(dbt_resource_props)

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        # the layer: staging, intermediate, core, marts (seeds: reference)
        fqn = dbt_resource_props.get("fqn", [])
        return "reference" if dbt_resource_props["resource_type"] == "seed" else (fqn[1] if len(fqn) > 2 else None)


def _manifest() -> Path:
    """dbt's manifest, parsed again when any file of the project is newer than it."""
    settings = load_settings()
    manifest = transform.target_path(settings) / "manifest.json"
    newest = max(p.stat().st_mtime for p in transform.project_files())
    if not manifest.exists() or manifest.stat().st_mtime < newest:
        result = transform.parse(settings)
        if not result.success:
            raise RuntimeError("dbt parse failed: " + "; ".join(transform.failures(result)))
    return manifest


@dbt_assets(manifest=_manifest(), dagster_dbt_translator=PcmdDbtTranslator())
def dbt_models(context: dg.AssetExecutionContext, dbt: DbtCliResource, pcmd: PcmdResource):
    """`dbt build` of the selected models, with their dbt tests as asset checks. dbt's unit tests
    check the SQL, not the data: they run in the test suite (tests/dbt), not in every refresh.
    Incremental unless this version of the project has not yet built every model here."""
    settings = pcmd.settings()
    from_scratch = transform.needs_full_refresh(settings)
    command = ["build", "--exclude", "resource_type:unit_test", *(["--full-refresh"] if from_scratch else [])]
    if from_scratch:
        context.log.info("dbt builds from scratch: the project changed since the last complete build")
    yield from dbt.cli(command, context=context, target_path=transform.target_path(settings)).stream()
    if not context.is_subset:  # raises above when dbt fails: here every model was built
        transform.record_complete_build(settings)


defs = dg.Definitions(
    assets=[dbt_models],
    resources={
        "dbt": DbtCliResource(
            project_dir=str(DBT_PROJECT_DIR),
            profiles_dir=str(DBT_PROJECT_DIR),
            # the dbt of this environment, whether or not the venv is on PATH
            dbt_executable=str(Path(sys.executable).parent / "dbt"),
        )
    },
)
