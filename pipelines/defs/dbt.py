"""The dbt project as Dagster assets: one asset per seed and model, downstream of the raw tables.

dbt's sources are the ingestion assets (`raw/<table>`) and the disclosure step
(`disclosure/suppressed_cells`), so the graph reads landing → raw → staging → intermediate →
core → marts, with disclosure control between the unsuppressed values and the published
`indicator_values`. A Dagster op cannot be both upstream and downstream of another, so the
project is two multi-assets: `dbt_models` (everything the disclosure step reads) and
`dbt_published` (what reads it: `disclosure.step.AFTER_DISCLOSURE`).
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
from pipelines.disclosure.step import AFTER_DISCLOSURE


class PcmdDbtTranslator(DagsterDbtTranslator):
    def get_asset_key(self, dbt_resource_props: Mapping[str, Any]) -> dg.AssetKey:
        if dbt_resource_props["resource_type"] == "source":
            # the table an asset of ours fills: raw/police_case_persons, disclosure/suppressed_cells
            return dg.AssetKey([dbt_resource_props["schema"], dbt_resource_props["identifier"]])
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


_MANIFEST = _manifest()
# dbt's unit tests check the SQL, not the data: they run in the test suite (tests/dbt), not in
# every refresh.
_BUILD = ["build", "--exclude", "resource_type:unit_test"]


@dbt_assets(manifest=_MANIFEST, dagster_dbt_translator=PcmdDbtTranslator(), exclude=AFTER_DISCLOSURE)
def dbt_models(context: dg.AssetExecutionContext, dbt: DbtCliResource, pcmd: PcmdResource):
    """`dbt build` of the selected models up to the unsuppressed values, with their dbt tests
    as asset checks. Incremental unless this version of the project has not yet built every
    model here."""
    settings = pcmd.settings()
    from_scratch = transform.needs_full_refresh(settings)
    command = [*_BUILD, *(["--full-refresh"] if from_scratch else [])]
    if from_scratch:
        context.log.info("dbt builds from scratch: the project changed since the last complete build")
    yield from dbt.cli(command, context=context, target_path=transform.target_path(settings)).stream()
    if not context.is_subset:  # raises above when dbt fails: here every model was built
        transform.record_complete_build(settings)


@dbt_assets(manifest=_MANIFEST, dagster_dbt_translator=PcmdDbtTranslator(), select=AFTER_DISCLOSURE)
def dbt_published(context: dg.AssetExecutionContext, dbt: DbtCliResource, pcmd: PcmdResource):
    """`dbt build` of the published marts that read disclosure control's decisions (tables
    rebuilt in full each time)."""
    settings = pcmd.settings()
    yield from dbt.cli(_BUILD, context=context, target_path=transform.target_path(settings)).stream()


defs = dg.Definitions(
    assets=[dbt_models, dbt_published],
    resources={
        "dbt": DbtCliResource(
            project_dir=str(DBT_PROJECT_DIR),
            profiles_dir=str(DBT_PROJECT_DIR),
            # the dbt of this environment, whether or not the venv is on PATH
            dbt_executable=str(Path(sys.executable).parent / "dbt"),
        )
    },
)
