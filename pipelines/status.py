"""What `pcmd status` and `pcmd demo` show an operator.

`pcmd status` reads the warehouse read-only and never waits: while a refresh holds the file,
it says so and shows what it can without it (the published release, the refresh running).
"""

from __future__ import annotations

from datetime import datetime

import duckdb

from pipelines.config import Settings
from pipelines.freshness import agency_freshness
from pipelines.permissions import world_readable_landing
from pipelines.publish.store import open_release_db, release_dir
from pipelines.refresh_lock import current_holder
from pipelines.warehouse import connect

RECENT = 10


def _table(rows: list[tuple], header: tuple[str, ...]) -> str:
    cells = [tuple("" if v is None else str(v) for v in row) for row in [header, *rows]]
    widths = [max(len(r[i]) for r in cells) for i in range(len(header))]
    return "\n".join("  ".join(v.ljust(w) for v, w in zip(r, widths)).rstrip() for r in cells)


def _when(moment: datetime | str | None) -> str:
    if moment is None:
        return ""
    moment = datetime.fromisoformat(moment) if isinstance(moment, str) else moment
    return f"{moment:%Y-%m-%d %H:%M} UTC"


def short_reason(file_name: str, reason: str | None) -> str:
    """A rejection's reason without the file name it starts with (the line names the file)."""
    name = file_name.rsplit("/", 1)[-1]
    return (reason or "").removeprefix(f"{name}: ")


def status_report(settings: Settings) -> str:
    from pipelines.publish import list_releases, published_release

    manifest = published_release(settings)
    holder = current_holder(settings)
    parts = [
        (f"Published release: {manifest['release_id']} (published {_when(manifest.get('published_at'))}) "
         f"at {settings.published_db}" if manifest else "Published release: none yet"),
        f"Refresh running: {holder.describe()}" if holder else "Refresh running: none",
        f"Warehouse: {settings.warehouse_db}",
    ]
    if manifest:
        from pipelines.report import release_reports

        parts.append(release_reports(release_dir(settings, manifest["release_id"])))
    releases = list_releases(settings)
    if releases:
        kept = ", ".join(m["release_id"] for m in releases[-5:][::-1])
        parts.append(f"Releases kept: {len(releases)} (latest first: {kept})")
    parts += _landing_warning(settings)
    if not settings.warehouse_db.exists():
        return "\n".join([*parts, "", "No warehouse yet: run `pcmd refresh`."])
    try:
        with connect(settings, read_only=True) as con:
            parts += ["", *_deliveries(settings, con, manifest)]
    except duckdb.IOException as exc:
        if "Could not set lock" not in str(exc):
            raise
        parts += ["", "The warehouse is open for writing by another process (a refresh is running?): "
                      "deliveries, freshness and quarantine show again once it is done."]
    return "\n".join(parts)


def _landing_warning(settings: Settings) -> list[str]:
    """The agencies' files carry names and identity numbers in clear: say when every user of
    the machine can read one (the warehouse never changes landing files itself)."""
    exposed = world_readable_landing(settings)
    if not exposed:
        return []
    shown = ", ".join(exposed[:RECENT]) + (f" and {len(exposed) - RECENT} more" if len(exposed) > RECENT else "")
    return ["", f"WARNING: {len(exposed)} file{'s' if len(exposed) > 1 else ''} in {settings.landing_dir} "
                f"readable by every user of this machine (names and identity numbers in clear): {shown}. "
                "Restrict them (chmod o-r, or chmod o-rx on their folder); the warehouse never changes them."]


def _deliveries(settings: Settings, con: duckdb.DuckDBPyConnection, manifest: dict | None) -> list[str]:
    """Per agency: deliveries, rows, quarantine, last delivery, freshness; then rejections and
    the files with quarantined rows, most recent first."""
    counts = {
        row[0]: row[1:]
        for row in con.execute(
            """
            select agency, count(*) filter (where status = 'accepted'),
                   count(*) filter (where status = 'rejected'), count(*) filter (where status = 'duplicate'),
                   coalesce(sum(rows_loaded), 0), coalesce(sum(rows_quarantined), 0)
            from ops.deliveries group by agency
            """
        ).fetchall()
    }
    data_through = (manifest or {}).get("data_through", {})
    rows = []
    for fresh in agency_freshness(settings, con):
        accepted, rejected, duplicate, loaded, quarantined = counts.get(fresh.agency, (0, 0, 0, 0, 0))
        rows.append((fresh.agency, accepted, rejected, duplicate, loaded, quarantined,
                     _when(fresh.last_delivery_at), f"{fresh.status} (every {fresh.cadence.days} days)",
                     data_through.get(fresh.agency) or ""))
    lines = [_table(rows, ("agency", "accepted", "rejected", "duplicate", "rows loaded", "quarantined",
                           "last delivery", "freshness", "published data through"))]

    rejected = con.execute(
        f"select file_name, first_seen_at, reason from ops.deliveries where status = 'rejected' "
        f"order by first_seen_at desc, file_name limit {RECENT}"
    ).fetchall()
    if rejected:
        lines += ["", "Recent rejections (the agency must send a corrected file):"]
        lines += [f"  {name} ({_when(seen)}): {short_reason(name, reason)}" for name, seen, reason in rejected]

    quarantined = con.execute(
        f"""
        with files as (
            select file_name, count(*) as n, arg_min(reason, line_no) as first_reason
            from ops.quarantine group by file_name
        ), seen as (select file_name, max(first_seen_at) as seen_at from ops.deliveries group by file_name)
        select file_name, seen_at, n, first_reason from files left join seen using (file_name)
        order by seen_at desc nulls last, file_name limit {RECENT}
        """
    ).fetchall()
    if quarantined:
        total = con.execute("select count(*) from ops.quarantine").fetchall()[0][0]
        lines += ["", f"Quarantined rows: {total} in all; recent files with quarantined rows "
                      "(see ops.quarantine for every row and its reason):"]
        lines += [f"  {name} ({_when(seen)}): {n} row{'s' if n > 1 else ''}, e.g. {reason}"
                  for name, seen, n, reason in quarantined]
    return lines


# The city's first-half-2024 report, reporting calendar (Decree 09/2019 cut-off).
DEMO_QUERY = """\
select area_name, label_vi, vio_cases, vio_persons, vio_sellers, vio_fines_vnd,
       ins_inspections, ins_md_finding_rate, sup_records, lnk_support_rate_180d
from marts.district_report
where area_id = '01' and period_id = 'R2024-H1'"""


def demo_query(settings: Settings) -> str:
    """Where the marts are, and a real query against them."""
    if not settings.published_db.exists():
        return f"No release published yet under {settings.published_db.parent}."
    con = open_release_db(settings.published_db)
    try:
        cursor = con.execute(DEMO_QUERY)
        rows = cursor.fetchall()
        header = tuple(d[0] for d in cursor.description)
    finally:
        con.close()
    columns = list(zip(header, rows[0])) if rows else []
    return "\n".join([
        "",
        f"The published marts are in {settings.published_db};",
        f"every release is kept under {settings.releases_dir}/<release_id>/ (DuckDB, Parquet, manifest).",
        "Open it read-only and query the tables by name, no ATTACH needed:",
        f"  python: duckdb.connect('{settings.published_db}', read_only=True)",
        f"  DuckDB command line: duckdb -readonly {settings.published_db}",
        "",
        DEMO_QUERY + ";",
        "",
        *(f"  {name:24} {value}" for name, value in columns),
        *([] if rows else ["  (no row)"]),
    ])
