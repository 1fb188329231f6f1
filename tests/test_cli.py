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
