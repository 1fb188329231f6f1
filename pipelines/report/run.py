"""`pcmd report` and the reports every release carries: the library functions the CLI and
publishing call."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Callable, Iterable

from pipelines.report.published import ReportError, latest_complete_periods, load

FORMATS = ("xlsx", "html")
REPORTS_DIR = "reports"
DICTIONARY = "dictionary.html"


def report_name(period_id: str, area_id: str | None = None) -> str:
    """`bao-cao-R2024-H1` (báo cáo = report), `bao-cao-R2024-H1-001` for one area."""
    return f"bao-cao-{period_id}" + (f"-{area_id}" if area_id else "")


def _writer(fmt: str) -> Callable:
    if fmt == "xlsx":
        from pipelines.report.xlsx import write_xlsx
        return write_xlsx
    from pipelines.report.html import write_html
    return write_html


def _targets(out: Path | None, name: str, formats: tuple[str, ...] | None) -> dict[str, Path]:
    """Where each format goes: `out` is a folder (default: the current one), or a file whose
    suffix names the format when none is given (with both formats, its stem names both)."""
    out = Path.cwd() if out is None else Path(out)
    if out.is_dir() or str(out).endswith(os.sep):
        return {fmt: out / f"{name}.{fmt}" for fmt in formats or FORMATS}
    suffix = out.suffix.lstrip(".").lower()
    if formats is None:
        formats = (suffix,) if suffix in FORMATS else FORMATS
    if not out.parent.is_dir():
        raise ReportError(f"--out {out}: no folder {out.parent}")
    return {fmt: out if len(formats) == 1 else out.with_suffix(f".{fmt}") for fmt in formats}


def write_report(release_db: Path, period_id: str, *, area_id: str | None = None,
                 formats: Iterable[str] | None = None, out: Path | None = None,
                 manifest: dict | None = None) -> list[Path]:
    """Write the periodic report of `period_id` (the city and every area, or `area_id` only) from
    the release file `release_db`; the paths written. ReportError for a period or area the
    release cannot report on. Each file is written beside its target and renamed into place."""
    formats = tuple(formats) if formats else None
    unknown = set(formats or ()) - set(FORMATS)
    if unknown:
        raise ReportError(f"unknown format {sorted(unknown)[0]!r}: expected xlsx or html")
    data = load(release_db, period_id, area_id, manifest)
    written = []
    for fmt, target in _targets(out, report_name(period_id, area_id), formats).items():
        staged = target.with_name(f".{target.name}.tmp")
        try:
            _writer(fmt)(data, staged)
            os.replace(staged, target)
        finally:
            staged.unlink(missing_ok=True)
        written.append(target)
    return written


def write_release_reports(folder: Path, release_db: Path, manifest: dict) -> list[Path]:
    """Into a release's folder: `reports/` (the XLSX and HTML of the latest complete reporting
    half-year and year) and `dictionary.html`. Called on the release being built, before its
    folder is renamed into place, so a release never lacks them."""
    from pipelines.report.dictionary import write_dictionary

    reports = Path(folder) / REPORTS_DIR
    reports.mkdir(exist_ok=True)
    written = []
    for period_id in latest_complete_periods(release_db):
        written += write_report(release_db, period_id, out=reports, manifest=manifest)
    written.append(write_dictionary(release_db, Path(folder) / DICTIONARY))
    return written


def release_reports(folder: Path) -> str:
    """Where a release's reports and dictionary are (the refresh summary, `pcmd status`)."""
    folder = Path(folder)
    names = sorted(p.name for p in (folder / REPORTS_DIR).glob("*") if p.suffix.lstrip(".") in FORMATS)
    reports = f"{folder / REPORTS_DIR}/ ({', '.join(names)})" if names else "none (no complete reporting period)"
    return f"Reports: {reports}\nData dictionary: {folder / DICTIONARY}"
