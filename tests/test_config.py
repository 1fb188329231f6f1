"""Configuration: one place, a key file created 0600, no telemetry."""

from __future__ import annotations

import stat

from pipelines.config import load_settings


def test_defaults_to_warehouse_under_cwd(monkeypatch, tmp_path):
    monkeypatch.delenv("PCMD_HOME", raising=False)
    monkeypatch.chdir(tmp_path)
    settings = load_settings()
    assert settings.home == tmp_path / "warehouse"
    assert settings.province_code == "01"
    assert settings.warehouse_db == tmp_path / "warehouse" / "warehouse.duckdb"
    assert settings.published_db == tmp_path / "warehouse" / "published" / "marts.duckdb"


def test_key_file_is_created_private_and_stable(monkeypatch, tmp_path):
    monkeypatch.delenv("PCMD_PSEUDONYM_KEY", raising=False)
    settings = load_settings(home=tmp_path)
    key = settings.pseudonym_key
    mode = stat.S_IMODE(settings.key_file.stat().st_mode)
    assert mode == 0o600
    assert len(key) == 64
    assert load_settings(home=tmp_path).pseudonym_key == key


def test_key_from_environment_wins(monkeypatch, tmp_path):
    monkeypatch.setenv("PCMD_PSEUDONYM_KEY", "from-env")
    settings = load_settings(home=tmp_path)
    assert settings.pseudonym_key == b"from-env"
    assert not settings.key_file.exists()


def test_runtime_environment_turns_telemetry_off(tmp_path):
    env = load_settings(home=tmp_path).runtime_environment()
    assert env["DBT_SEND_ANONYMOUS_USAGE_STATS"] == "false"
    assert env["GX_ANALYTICS_ENABLED"] == "False"
    assert env["DAGSTER_HOME"] == str(tmp_path / "dagster")


def test_dagster_home_has_telemetry_disabled(settings):
    assert "enabled: false" in (settings.dagster_home / "dagster.yaml").read_text()
