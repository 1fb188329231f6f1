"""The `pcmd` command: a thin shell over the library. Each command's docstring is its help."""

from __future__ import annotations

import sys
from datetime import date

import click

from pipelines.config import load_settings
from pipelines.runtime import prepare


DEFAULT_FROM, DEFAULT_TO = "2013-01-01", "2026-11-30"
_DATE = click.DateTime(["%Y-%m-%d"])


def _settings():
    return prepare(load_settings())


def _generate(settings, seed: int, scale: float, date_from: date, date_to: date) -> None:
    from pipelines.generate import generate as generate_deliveries

    summary = generate_deliveries(settings.landing_dir, seed=seed, scale=scale, date_from=date_from, date_to=date_to)
    for line in summary.lines():
        click.echo(line)
    click.echo(f"Deliveries written under {settings.landing_dir}")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """pcmd-warehouse: the statistics warehouse of Hanoi's PCMD programme.

    Data lives under $PCMD_HOME (default ./warehouse). Example:

        pcmd demo
    """


@main.command()
@click.option("--seed", default=42, show_default=True, help="Random seed; the same seed gives the same files.")
@click.option("--scale", default=1.0, show_default=True, help="1 = demo size (a few thousand cases).")
@click.option("--from", "date_from", type=_DATE, default=DEFAULT_FROM, show_default=True, help="First event date.")
@click.option("--to", "date_to", type=_DATE, default=DEFAULT_TO, show_default=True, help="Last event date.")
def generate(seed: int, scale: float, date_from, date_to) -> None:
    """Write realistic sample deliveries of all four agencies into $PCMD_HOME/landing/.

    Example: pcmd generate --seed 7 --scale 1 --from 2023-01-01 --to 2025-12-31
    """
    _generate(_settings(), seed, scale, date_from.date(), date_to.date())


@main.command()
def refresh() -> None:
    """Run the whole asset graph once: ingest every new delivery, build, check, publish.

    The same `refresh` job the nightly schedule runs. Exits non-zero when a step failed.
    Example: PCMD_HOME=/data/pcmd pcmd refresh
    """
    from pipelines.refresh import run_refresh

    result = run_refresh(_settings(), echo=click.echo)
    sys.exit(0 if result.success else 1)


@main.command()
@click.option("--seed", default=42, show_default=True, help="Random seed of the sample deliveries.")
@click.option("--scale", default=1.0, show_default=True, help="Size of the sample deliveries.")
def demo(seed: int, scale: float) -> None:
    """Generate sample deliveries into landing/ and refresh the warehouse from them.

    Example: pcmd demo --seed 42
    """
    from pipelines.refresh import run_refresh

    settings = _settings()
    _generate(settings, seed, scale, date.fromisoformat(DEFAULT_FROM), date.fromisoformat(DEFAULT_TO))
    result = run_refresh(settings, echo=click.echo)
    if result.success:
        from pipelines.status import demo_query

        click.echo(demo_query(settings))
    sys.exit(0 if result.success else 1)


@main.command()
def status() -> None:
    """Show the recent deliveries, rejections and quarantine counts of the warehouse.

    Example: pcmd status
    """
    from pipelines.status import status_report

    click.echo(status_report(_settings()))


if __name__ == "__main__":
    main()
