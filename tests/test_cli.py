"""The CLI is a thin shell: every command has help with an example."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from pipelines.cli import main


@pytest.mark.parametrize("command", sorted(main.commands))
def test_every_command_has_help_with_an_example(command):
    result = CliRunner().invoke(main, [command, "--help"])
    assert result.exit_code == 0, result.output
    assert "Example" in result.output, f"pcmd {command} has no example in its help"


def test_top_level_help():
    result = CliRunner().invoke(main, ["--help"])
    assert result.exit_code == 0
    assert "pcmd demo" in result.output


def test_status_on_a_new_home(settings):
    result = CliRunner().invoke(main, ["status"])
    assert result.exit_code == 0, result.output
    assert "Published release: none yet" in result.output
    assert "Refresh running: none" in result.output
    assert "No warehouse yet" in result.output


def test_rollback_publishes_an_earlier_release_again(settings):
    from datetime import datetime, timezone

    # Hand-made marts and releases, no dbt (the publishing tests' own helpers).
    from test_publish import build_warehouse, change_marts, publish_candidate

    from pipelines.publish import published_release

    build_warehouse(settings)
    first = publish_candidate(settings, now=datetime(2026, 11, 1, tzinfo=timezone.utc)).release_id
    change_marts(settings)
    second = publish_candidate(settings, now=datetime(2026, 11, 2, tzinfo=timezone.utc)).release_id
    assert published_release(settings)["release_id"] == second

    result = CliRunner().invoke(main, ["rollback", first])
    assert result.exit_code == 0, result.output
    assert published_release(settings)["release_id"] == first
    assert (settings.published_db.parent / "RELEASE").read_text().strip() == first
    status = CliRunner().invoke(main, ["status"]).output
    assert f"Published release: {first}" in status and f"latest first: {second}, {first}" in status

    unknown = CliRunner().invoke(main, ["rollback", "2020-01-01T000000Z"])
    assert unknown.exit_code == 2 and len(unknown.output.splitlines()) == 1
    assert "no release 2020-01-01T000000Z" in unknown.output
    assert published_release(settings)["release_id"] == first


def test_env_prints_what_the_dagster_services_need_without_the_key(settings):
    result = CliRunner().invoke(main, ["env"])
    assert result.exit_code == 0, result.output
    printed = dict(line.split("=", 1) for line in result.output.splitlines())
    assert printed["PCMD_HOME"] == str(settings.home)
    assert printed["DAGSTER_HOME"] == str(settings.dagster_home)
    assert printed["PCMD_WAREHOUSE_DB"] == str(settings.warehouse_db)
    assert "PCMD_PSEUDONYM_KEY" not in printed and settings.pseudonym_key.decode() not in result.output
    assert (settings.dagster_home / "dagster.yaml").exists()
