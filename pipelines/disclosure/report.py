"""What disclosure control cost: cells suppressed by each rule, and the share of small-cell rows
below the city that are suppressed, by level and period type, beside the previous release's.

Written with the quality results of the candidate (`quality/disclosure.json`, kept in the
release) and printed by the refresh summary. The share is the information loss statisticians
ask about; the previous release's figures come from its own `quality/disclosure.json`.
"""

from __future__ import annotations

import json
from pathlib import Path

import duckdb

from pipelines.config import Settings
from pipelines.disclosure.rules import RULE_NAMES
from pipelines.disclosure.step import SUPPRESSED_TABLE

FILE = "disclosure.json"
LEVELS = ("district", "commune")
PERIOD_TYPES = ("month", "quarter", "half", "year")


def summarise(con: duckdb.DuckDBPyConnection) -> dict:
    """The candidate's figures (marts.* and disclosure.suppressed_cells in `con`)."""
    rules = dict(con.execute(f"select rule, count(*) from {SUPPRESSED_TABLE} group by rule").fetchall())
    shares = con.execute("""
        select a.level, p.period_type, count(*) as rows,
               count(*) filter (where v.flag = 'suppressed') as suppressed
        from marts.indicator_values v
        join marts.dim_indicator i using (indicator_code)
        join marts.dim_area a using (area_id)
        join marts.dim_period p using (period_id)
        where i.disclosure = 'small_cell' and a.level <> 'city'
        group by all
    """).fetchall()
    return {
        "suppressed_by_rule": {name: rules.get(number, 0) for number, name in RULE_NAMES.items()},
        "share": [{"level": level, "period_type": kind, "rows": rows, "suppressed": hidden,
                   "share": hidden / rows if rows else None}
                  for level, kind, rows, hidden in sorted(shares, key=_order)],
    }


def _order(row) -> tuple:
    level, kind = row[0], row[1]
    return (LEVELS.index(level) if level in LEVELS else 9, PERIOD_TYPES.index(kind) if kind in PERIOD_TYPES else 9)


def with_previous(current: dict, previous: dict | None) -> dict:
    """`current` with the previous release's share beside each level × period type."""
    before = {(r["level"], r["period_type"]): r["share"] for r in (previous or {}).get("share", [])}
    return {**current, "share": [{**r, "previous_share": before.get((r["level"], r["period_type"]))}
                                 for r in current["share"]]}


def previous_summary(settings: Settings) -> dict | None:
    """The published release's figures, when it recorded them."""
    from pipelines.publish import published_release

    manifest = published_release(settings)
    if not manifest:
        return None
    path = settings.releases_dir / manifest["release_id"] / "quality" / FILE
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else None


def write(summary: dict, folder: Path) -> Path:
    path = Path(folder) / FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
    return path


def lines(summary: dict) -> list[str]:
    """The refresh summary's lines."""
    rules = ", ".join(f"{name} {n:,}" for name, n in summary["suppressed_by_rule"].items() if n)
    found = [f"Disclosure: {sum(summary['suppressed_by_rule'].values()):,} rows suppressed ({rules or 'none'})"]
    for row in summary["share"]:
        was = row.get("previous_share")
        found.append(f"  {row['level']:<8} {row['period_type']:<7} {_percent(row['share'])} of "
                     f"{row['rows']:,} small-cell rows suppressed"
                     + (f" (previous release {_percent(was)})" if was is not None else ""))
    return found


def _percent(share: float | None) -> str:
    return "-" if share is None else f"{100 * share:.1f} %"
