"""`pcmd report` in-process: both formats by default, one with --format, and exit code 2 with a
one-line reason for a period or area the release cannot report on."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from pipelines.cli import main


@pytest.fixture
def run(published, monkeypatch):
    settings, _ = published
    for name, value in settings.runtime_environment().items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("PCMD_PSEUDONYM_KEY", "report-test-key")
    return lambda *args: CliRunner().invoke(main, ["report", *args])


def test_it_writes_both_formats(run, tmp_path):
    result = run("R2025-H1", "--out", str(tmp_path))
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bao-cao-R2025-H1.html", "bao-cao-R2025-H1.xlsx"]


def test_format_and_out_name_one_file(run, tmp_path):
    target = tmp_path / "six-months.xlsx"
    result = run("R2024-H2", "--area", "001", "--format", "xlsx", "--out", str(target))
    assert result.exit_code == 0, result.output
    assert [p.name for p in tmp_path.iterdir()] == ["six-months.xlsx"]


@pytest.mark.parametrize("args, reason", [
    (["R2099-H1"], "unknown period 'R2099-H1'"),
    (["R2025-03"], "period R2025-03 is a month"),
    (["R2025-Q3"], "period R2025-Q3 is a quarter"),
    (["R2027-H1"], "no published data for period R2027-H1"),
    (["R2025-H1", "--area", "999"], "unknown area '999'"),
    (["R2025-H2", "--area", "00004"], None),
    (["R2024-H2", "--area", "00004"], "area 00004"),
])
def test_bad_input_exits_2_with_one_line(run, tmp_path, args, reason):
    result = run(*args, "--out", str(tmp_path))
    if reason is None:
        assert result.exit_code == 0, result.output
        return
    assert result.exit_code == 2
    assert result.stderr.startswith(f"pcmd report: {reason}") and result.stderr.count("\n") == 1, result.stderr
    assert not list(tmp_path.iterdir())
