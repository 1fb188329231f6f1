"""Fixtures shared by every test: a fresh data root with a fixed pseudonym key."""

from __future__ import annotations

import pytest

from pipelines.config import Settings, load_settings

TEST_KEY = "test-pseudonym-key-not-secret"


@pytest.fixture
def settings(tmp_path, monkeypatch) -> Settings:
    """Settings rooted in a fresh tmp dir, with a fixed key; the runtime environment is set
    through monkeypatch so nothing leaks into the next test."""
    monkeypatch.setenv("PCMD_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("PCMD_PSEUDONYM_KEY", TEST_KEY)
    monkeypatch.delenv("PCMD_INTERNAL_GROUP", raising=False)  # a module's fixture may have set it
    fresh = load_settings()
    for name, value in fresh.runtime_environment().items():
        monkeypatch.setenv(name, value)
    from pipelines.runtime import prepare

    return prepare(fresh)
