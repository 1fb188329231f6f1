"""The Dagster definitions load and validate, as `dagster definitions validate` sees them."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from pipelines.config import AGENCIES
from pipelines.warehouse import AGENCY_RAW_TABLE


def test_definitions_load_with_one_ingestion_asset_per_agency(settings):
    from pipelines.definitions import defs

    keys = {key.to_user_string() for key in defs.resolve_all_asset_keys()}
    assert {f"raw/{AGENCY_RAW_TABLE[a]}" for a in AGENCIES} <= keys
    assert defs.resolve_job_def("refresh") is not None


def test_dagster_definitions_validate(settings):
    bin_dir = Path(sys.executable).parent
    result = subprocess.run(
        [str(bin_dir / "dagster"), "definitions", "validate", "-m", "pipelines.definitions"],
        capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_dbt_models_sit_downstream_of_the_ingestion_assets(settings):
    import dagster as dg

    from pipelines.definitions import defs

    graph = defs.resolve_asset_graph()
    staging = graph.get(dg.AssetKey(["staging", "stg_police__case_persons"]))
    assert dg.AssetKey(["raw", "police_case_persons"]) in staging.parent_keys
    assert dg.AssetKey(["marts", "dim_area"]) in graph.get_all_asset_keys()


def test_the_schedule_the_sensor_and_the_freshness_checks_are_defined(settings):
    import dagster as dg

    from pipelines.definitions import defs

    assert defs.resolve_schedule_def("nightly_refresh").job_name == "refresh"
    assert defs.resolve_sensor_def("landing_sensor").job_name == "refresh"
    checks = defs.resolve_asset_graph().asset_check_keys
    for agency in AGENCIES:
        assert dg.AssetCheckKey(dg.AssetKey(["raw", AGENCY_RAW_TABLE[agency]]), "delivered_within_cadence") in checks


def test_disclosure_control_sits_between_the_unsuppressed_values_and_the_published_marts(settings):
    import dagster as dg

    from pipelines.definitions import defs

    graph = defs.resolve_asset_graph()
    step = graph.get(dg.AssetKey(["disclosure", "suppressed_cells"]))
    assert dg.AssetKey(["intermediate", "int_indicator_values_computed"]) in step.parent_keys
    staged = graph.get(dg.AssetKey(["staging", "stg_disclosure__suppressed_cells"]))
    assert step.key in staged.parent_keys
    assert staged.key in graph.get(dg.AssetKey(["marts", "indicator_values"])).parent_keys
    # the suites of the marts built after disclosure control block the release in the run
    # itself; those of the dimensions it reads cannot (a cycle), the gate refuses them instead
    from pipelines.defs.quality import mart_suites

    blocking = {spec.name: spec.blocking for spec in mart_suites.check_specs}
    assert blocking["mart_indicator_values"] and blocking["mart_district_report"]
    assert not blocking["mart_dim_period"]
