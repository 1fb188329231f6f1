"""Freshness of each agency's deliveries: late when its latest delivery is older than its cadence.

A delivery counts from the moment the warehouse first saw it (`ops.deliveries.first_seen_at`),
and only when it was accepted: a rejected file or a resent duplicate brings no new data. The
cadences (police and culture weekly, health and labour monthly) are settings
(`PCMD_<AGENCY>_CADENCE_DAYS`, see pipelines.config).

Shown by `pcmd status`, and in the asset graph as the non-blocking `delivered_within_cadence`
check of each ingestion asset (pipelines.defs.ingestion).

    from pipelines.config import load_settings
    from pipelines.freshness import agency_freshness

    for agency in agency_freshness(load_settings()):
        print(agency.describe())
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

import duckdb

from pipelines.config import AGENCIES, Settings
from pipelines.warehouse import connect


@dataclass(frozen=True)
class AgencyFreshness:
    agency: str
    cadence: timedelta
    last_delivery_at: datetime | None  # first_seen_at of its latest accepted delivery (UTC)
    checked_at: datetime

    @property
    def age(self) -> timedelta | None:
        return self.checked_at - self.last_delivery_at if self.last_delivery_at else None

    @property
    def late(self) -> bool:
        return self.age is None or self.age > self.cadence

    @property
    def status(self) -> str:
        if self.last_delivery_at is None:
            return "no delivery yet"
        return f"LATE by {_span(self.age - self.cadence)}" if self.late else "on time"

    def describe(self) -> str:
        expected = f"expected every {_span(self.cadence)}"
        if self.last_delivery_at is None:
            return f"{self.agency}: no accepted delivery yet ({expected})"
        return (f"{self.agency}: last delivery {self.last_delivery_at:%Y-%m-%d %H:%M} UTC, "
                f"{_span(self.age)} ago ({expected}): {self.status}")


def _span(span: timedelta) -> str:
    hours = span.total_seconds() / 3600
    return f"{hours:.0f} h" if hours < 48 else f"{hours / 24:.0f} days"


def latest_deliveries(con: duckdb.DuckDBPyConnection) -> dict[str, datetime]:
    """agency -> first_seen_at of its latest accepted delivery (UTC)."""
    rows = con.execute(
        "select agency, max(first_seen_at) from ops.deliveries where status = 'accepted' group by agency"
    ).fetchall()
    return {agency: seen.astimezone(timezone.utc) for agency, seen in rows}


def agency_freshness(
    settings: Settings,
    con: duckdb.DuckDBPyConnection | None = None,
    now: datetime | None = None,
) -> list[AgencyFreshness]:
    """Every agency's freshness now (or at `now`), read from ops.deliveries.

    Opens the warehouse read-only unless given a connection; a warehouse not created yet has
    no deliveries."""
    checked_at = (now or datetime.now(timezone.utc)).astimezone(timezone.utc)
    if con is not None:
        latest = latest_deliveries(con)
    elif settings.warehouse_db.exists():
        with connect(settings, read_only=True) as own:
            latest = latest_deliveries(own) if _has_deliveries_table(own) else {}
    else:
        latest = {}
    return [
        AgencyFreshness(agency, settings.delivery_cadence(agency), latest.get(agency), checked_at)
        for agency in AGENCIES
    ]


def _has_deliveries_table(con: duckdb.DuckDBPyConnection) -> bool:
    return bool(con.execute(
        "select 1 from information_schema.tables where table_schema = 'ops' and table_name = 'deliveries'"
    ).fetchall())
