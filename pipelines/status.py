"""What `pcmd status` and `pcmd demo` show an operator."""

from __future__ import annotations

from pipelines.config import Settings
from pipelines.warehouse import warehouse


def _table(rows: list[tuple], header: tuple[str, ...]) -> str:
    cells = [tuple("" if v is None else str(v) for v in row) for row in [header, *rows]]
    widths = [max(len(r[i]) for r in cells) for i in range(len(header))]
    return "\n".join("  ".join(v.ljust(w) for v, w in zip(r, widths)).rstrip() for r in cells)


def status_report(settings: Settings) -> str:
    if not settings.warehouse_db.exists():
        return f"No warehouse yet at {settings.warehouse_db}: run `pcmd refresh`."
    with warehouse(settings) as con:
        per_agency = con.execute(
            """
            select agency, count(*) filter (where status = 'accepted'),
                   count(*) filter (where status = 'rejected'), count(*) filter (where status = 'duplicate'),
                   sum(rows_loaded), sum(rows_quarantined), max(first_seen_at)
            from ops.deliveries group by agency order by agency
            """
        ).fetchall()
        rejected = con.execute(
            "select file_name, reason from ops.deliveries where status = 'rejected' "
            "order by first_seen_at desc, file_name limit 20"
        ).fetchall()
    from pipelines.publish import published_release

    manifest = published_release(settings)
    release = (f"Published release: {manifest['release_id']} ({manifest.get('published_at', '')}) "
               f"at {settings.published_db}" if manifest else "Published release: none yet")
    parts = [
        release,
        f"Warehouse: {settings.warehouse_db}",
        _table(per_agency, ("agency", "accepted", "rejected", "duplicate", "rows", "quarantined", "last delivery")),
    ]
    if rejected:
        parts += ["", "Recent rejections:"] + [f"  {name}: {reason}" for name, reason in rejected]
    return "\n".join(parts)


# The city's first-half-2024 report, reporting calendar (Decree 09/2019 cut-off).
DEMO_QUERY = """\
select area_name, label_vi, vio_cases, vio_persons, vio_sellers, vio_fines_vnd,
       ins_inspections, ins_md_finding_rate, sup_records, lnk_support_rate_180d
from pcmd.marts.district_report
where area_id = '01' and period_id = 'R2024-H1'"""


def open_published(settings: Settings):
    """The published release, read-only, attached as `pcmd` (so `pcmd.marts.<table>`).

    The file's own catalog is called `marts`, like its schema, so a bare `marts.<table>`
    is ambiguous in DuckDB when the file is opened directly; attaching it under another
    name (or `USE marts.marts`) avoids that."""
    import duckdb

    con = duckdb.connect()
    con.execute(f"ATTACH '{settings.published_db}' AS pcmd (READ_ONLY)")
    return con


def demo_query(settings: Settings) -> str:
    """Where the marts are, and a real query against them."""
    if not settings.published_db.exists():
        return f"No release published yet under {settings.published_db.parent}."
    con = open_published(settings)
    try:
        cursor = con.execute(DEMO_QUERY)
        rows = cursor.fetchall()
        header = tuple(d[0] for d in cursor.description)
    finally:
        con.close()
    columns = list(zip(header, rows[0])) if rows else []
    return "\n".join([
        "",
        f"The published marts are in {settings.published_db} (schema marts);",
        f"every release is kept under {settings.releases_dir}/<release_id>/ (DuckDB, Parquet, manifest).",
        "Open it read-only from DuckDB:",
        f"  ATTACH '{settings.published_db}' AS pcmd (READ_ONLY);",
        "",
        DEMO_QUERY + ";",
        "",
        *(f"  {name:24} {value}" for name, value in columns),
        *([] if rows else ["  (no row)"]),
    ])
