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
    parts = [
        f"Warehouse: {settings.warehouse_db}",
        _table(per_agency, ("agency", "accepted", "rejected", "duplicate", "rows", "quarantined", "last delivery")),
    ]
    if rejected:
        parts += ["", "Recent rejections:"] + [f"  {name}: {reason}" for name, reason in rejected]
    return "\n".join(parts)


DEMO_QUERY = """\
select agency, count(*) as deliveries, sum(rows_loaded) as rows_loaded, sum(rows_quarantined) as quarantined
from ops.deliveries group by agency order by agency"""


def demo_query(settings: Settings) -> str:
    """Where the data is, and a real query against it."""
    with warehouse(settings, read_only=True) as con:
        rows = con.execute(DEMO_QUERY).fetchall()
        header = tuple(d[0] for d in con.description)
    return "\n".join([
        "",
        f"The warehouse is at {settings.warehouse_db}. Try:",
        f"  duckdb -readonly {settings.warehouse_db}",
        "",
        DEMO_QUERY + ";",
        _table(rows, header),
    ])
