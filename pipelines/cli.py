"""The `pcmd` command: a thin shell over the library. Each command's docstring is its help."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import click

from pipelines.config import load_settings
from pipelines.runtime import prepare


DEFAULT_FROM, DEFAULT_TO = "2013-01-01", "2026-11-30"
_DATE = click.DateTime(["%Y-%m-%d"])


def _settings():
    try:
        return prepare(load_settings())
    except ValueError as exc:  # a setting that cannot be used, e.g. an unknown PCMD_INTERNAL_GROUP
        raise click.UsageError(str(exc)) from None


def _refuse(command: str, reason: str) -> None:
    """A bad argument: one line on stderr, exit code 2 (as click does for a bad option)."""
    click.echo(f"pcmd {command}: {reason}", err=True)
    sys.exit(2)


def _generate(settings, seed: int, scale: float, date_from: date, date_to: date) -> None:
    from pipelines.generate import generate as generate_deliveries

    summary = generate_deliveries(settings.landing_dir, seed=seed, scale=scale, date_from=date_from, date_to=date_to)
    for line in summary.lines():
        click.echo(line)
    click.echo(f"Deliveries written under {settings.landing_dir}")


_verbose = click.option("--verbose", "-v", is_flag=True,
                        help="Dagster's and dbt's own output on the console (else in $PCMD_HOME/logs/).")


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
@_verbose
@click.option("--wait", default=0, show_default=True, metavar="SECONDS",
              help="When another refresh is running, wait this long for it before refusing.")
@click.option("--rebuild", is_flag=True,
              help="Build every dbt model from scratch instead of incrementally.")
def refresh(verbose: bool, wait: int, rebuild: bool) -> None:
    """Run the whole asset graph once: ingest every new delivery, build, check, publish.

    The same `refresh` job the nightly schedule runs, executed in this process; one line per
    stage as it goes, then the summary. dbt builds incrementally (only what new rows can
    change), and from scratch after a change of the dbt project or with --rebuild. Exit code:
    0 when a release was published or nothing changed, 1 when a step or a blocking check
    failed (the previous release stays published), 3 when another refresh is running.

    Example: PCMD_HOME=/data/pcmd pcmd refresh --wait 600
    """
    from pipelines import transform
    from pipelines.refresh import run_refresh

    settings = _settings()
    if rebuild:
        transform.forget_builds(settings)
    sys.exit(run_refresh(settings, verbose=verbose, wait=wait).exit_code)


@main.command()
@click.option("--seed", default=42, show_default=True, help="Random seed of the sample deliveries.")
@click.option("--scale", default=1.0, show_default=True, help="Size of the sample deliveries.")
@_verbose
def demo(seed: int, scale: float, verbose: bool) -> None:
    """Generate sample deliveries into landing/ and refresh the warehouse from them.

    Example: pcmd demo --seed 42
    """
    from pipelines.refresh import run_refresh

    settings = _settings()
    _generate(settings, seed, scale, date.fromisoformat(DEFAULT_FROM), date.fromisoformat(DEFAULT_TO))
    result = run_refresh(settings, verbose=verbose)
    if result.success:
        from pipelines.status import demo_query

        click.echo(demo_query(settings))
    sys.exit(result.exit_code)


@main.command()
def status() -> None:
    """Show the published release, each agency's last delivery and freshness, the recent
    rejections with their reasons, and the quarantine counts.

    Reads the warehouse read-only; while a refresh holds it, says so.
    Example: pcmd status
    """
    from pipelines.status import status_report

    click.echo(status_report(_settings()))


@main.command()
@click.argument("period")
@click.option("--area", "area_id", metavar="AREA_ID", help="One area's report only (an area_id of dim_area, e.g. 001).")
@click.option("--format", "fmt", type=click.Choice(["xlsx", "html"]), help="One format only (default: both).")
@click.option("--out", type=click.Path(path_type=Path), metavar="PATH",
              help="A folder (default: the current one), or the file to write.")
def report(period: str, area_id: str | None, fmt: str | None, out: Path | None) -> None:
    """Write the directive's periodic report (báo cáo 6 tháng / năm) of a half-year or year
    period from the published release: an XLSX workbook and a self-contained HTML page with
    charts, in Vietnamese. Periods: R2024-H1, R2024 (reporting calendar), 2024-H1, 2024.
    Exit code 2 when the period or area cannot be reported on.

    Example: pcmd report R2024-H1 --area 001 --format xlsx --out bao-cao.xlsx
    """
    from pipelines.report import ReportError, write_report

    settings = _settings()
    try:
        paths = write_report(settings.published_db, period, area_id=area_id, formats=[fmt] if fmt else None, out=out)
    except ReportError as error:
        _refuse("report", str(error))
    for path in paths:
        click.echo(f"Wrote {path}")


@main.command()
@click.option("--port", default=3000, show_default=True, help="Port of the web UI, on 127.0.0.1.")
def ui(port: int) -> None:
    """Start the Dagster UI and daemon (`dagster dev`) on 127.0.0.1, until Ctrl-C or SIGTERM.

    The asset graph (landing → raw → staging → marts → release) with its checks, the runs,
    the nightly schedule and the landing sensor, which run while the UI is up.
    Example: pcmd ui --port 3000   (then open http://127.0.0.1:3000)
    """
    from pipelines.runtime import dagster_dev

    sys.exit(dagster_dev(_settings(), port, echo=click.echo))


@main.command()
def env() -> None:
    """Print the environment the Dagster services need (KEY=VALUE lines) and write
    $DAGSTER_HOME/dagster.yaml: for the EnvironmentFile of the dagster-daemon and
    dagster-webserver services (docs/operations.md). The pseudonym key is not in it.

    Example: PCMD_HOME=/srv/pcmd pcmd env > /etc/pcmd/runtime.env
    """
    for name, value in sorted(_settings().runtime_environment().items()):
        click.echo(f"{name}={value}")


@main.command()
@click.argument("release_id")
def rollback(release_id: str) -> None:
    """Publish an earlier release again (kept under $PCMD_HOME/releases/), atomically.

    Takes the refresh lock, so it never races a refresh. The next refresh publishes the
    warehouse's current marts again if they pass the checks and differ: stop the nightly
    schedule and the landing sensor until the cause is fixed (see docs/operations.md).
    Example: pcmd rollback 2026-11-30T190512Z
    """
    from pipelines.publish.store import clean_stale, publish_lock, publish_release, read_manifest
    from pipelines.refresh import EXIT_BUSY
    from pipelines.refresh_lock import RefreshBusy, refresh_lock

    settings = _settings()
    if read_manifest(settings, release_id) is None:
        _refuse("rollback", f"no release {release_id} under {settings.releases_dir} (see `pcmd status`)")
    try:
        with refresh_lock(settings, by="pcmd rollback"), publish_lock(settings):
            clean_stale(settings)
            publish_release(settings, release_id, on_stage=lambda stage: None)
    except RefreshBusy as busy:
        click.echo(f"Rollback refused: {busy}")
        sys.exit(EXIT_BUSY)
    click.echo(f"Release {release_id} is published again at {settings.published_db}")


if __name__ == "__main__":
    main()
