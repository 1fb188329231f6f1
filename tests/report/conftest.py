"""One small published release for every test of the report (built once for the folder):
generated deliveries from June 2024 to October 2025, so that the reporting half-year R2025-H2
spans the 2025 reform (districts until 30/06, communes after) and lacks its last health
months, and R2024-H2 is the same period a year earlier."""

from __future__ import annotations

from datetime import date

import pytest

from homes import refreshed_home

PERIOD = "R2025-H2"           # across 1 July 2025, health incomplete
EARLIER = "R2024-H2"


@pytest.fixture(scope="package")
def published(tmp_path_factory):
    """(settings, refresh output) of a home with one published release."""
    with refreshed_home(tmp_path_factory, "report", key="report-test-key", seed=11, scale=0.25,
                        date_from=date(2024, 6, 1), date_to=date(2025, 10, 31)) as (settings, _, result, output):
        assert result.success, output
        yield settings, output


def _rows(path, sql: str, params=()) -> list[dict]:
    """Rows of a release file, read directly (not through the report's reader)."""
    import duckdb

    con = duckdb.connect(str(path), read_only=True)
    try:
        cursor = con.execute(sql, list(params))
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, row)) for row in cursor.fetchall()]
    finally:
        con.close()


@pytest.fixture(scope="package")
def query(published):
    """query(sql, params) → rows (dicts) of the published release."""
    settings, _ = published
    return lambda sql, params=(): _rows(settings.published_db, sql, params)


@pytest.fixture(scope="package")
def values(query):
    """(indicator_code, area_id, period_id) → the published T row, for every half-year and year."""
    rows = query("select v.*, i.unit, i.name_vi, i.agency from indicator_values v "
                                    "join dim_indicator i using (indicator_code) where sex = 'T'")
    return {(r["indicator_code"], r["area_id"], r["period_id"]): r for r in rows}
