"""Labour support register: `labor_support_<YYYYMMDD>.csv`, one row per support record.

snake_case ASCII headers, ISO dates. Read like the police files (`csvfile`): the
contract says comma and UTF-8, but a delimiter or encoding is detected, never assumed.
Identity numbers become the same pseudonyms as in the police data.
"""

from __future__ import annotations

from datetime import date
from typing import Iterator

from pipelines.contract import EARLIEST_EVENT_DATE, LABOR_COLUMNS, LABOR_PERSONAL, LABOR_REQUIRED
from pipelines.ingest import csvfile
from pipelines.ingest.base import Batch, Delivery, ReadContext
from pipelines.warehouse import RAW_TABLES

OUTPUT = tuple(RAW_TABLES["labor_support_records"])
HEADER = {raw: header for header, raw in LABOR_COLUMNS.items()}
AREA_CODE, AREA_NAME = HEADER["area_code"], HEADER["area_name"]
# An area is named by code, by name or both (sources.md, Areas): neither alone is required.
VALUE_REQUIRED = tuple(c for c in LABOR_REQUIRED if c not in (AREA_CODE, AREA_NAME))


def read(delivery: Delivery, ctx: ReadContext) -> Iterator[Batch]:
    source = csvfile.open_csv(delivery, ctx, tuple(LABOR_COLUMNS), LABOR_REQUIRED, LABOR_PERSONAL)
    fields = _fields(delivery)
    for frame in source.batches():
        yield source.to_batch(frame, fields, OUTPUT, identity="identity_number", key=ctx.pseudonym_key)


def _fields(delivery: Delivery) -> dict[str, csvfile.Parsed]:
    """Raw column -> how it is read from its contract column."""
    earliest, latest = date.fromisoformat(EARLIEST_EVENT_DATE), delivery.first_seen_on
    started = HEADER["support_started_on"]
    parsed = {
        "identity_number": csvfile.identity_number(HEADER["identity_number"]),
        "birth_year": csvfile.birth_year(HEADER["birth_year"], latest=latest.year),
        "area_name": csvfile.area_name(AREA_CODE, AREA_NAME),
        "support_started_on": csvfile.event_date(started, csvfile.iso_date(started), earliest, latest),
        "followed_up_on": csvfile.iso_date(HEADER["followed_up_on"]),
    }
    read_columns = [c for c in OUTPUT if c != "person_pseudonym"] + ["identity_number"]
    return csvfile.contract_fields(HEADER, read_columns, VALUE_REQUIRED, parsed)
