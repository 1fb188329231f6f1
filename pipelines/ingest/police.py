"""Police case exports: `police_cases_<YYYYMMDD>[_<n>].csv`, one row per person in a case.

Comma or semicolon, UTF-8 (BOM or not) or Windows-1258, headers in any order: see
`csvfile`. Names are never read; identity numbers become pseudonyms. Categories and
areas stay cleaned text: dbt canonicalises and places them.
"""

from __future__ import annotations

from datetime import date
from typing import Iterator

from pipelines.contract import EARLIEST_EVENT_DATE, POLICE_COLUMNS, POLICE_PERSONAL, POLICE_REQUIRED
from pipelines.ingest import csvfile
from pipelines.ingest.base import Batch, Delivery, ReadContext
from pipelines.warehouse import RAW_TABLES

OUTPUT = tuple(RAW_TABLES["police_case_persons"])
HEADER = {raw: header for header, raw in POLICE_COLUMNS.items()}
AREA_CODE, AREA_NAME = HEADER["area_code"], HEADER["area_name"]
# An area is named by code, by name or both (sources.md, Areas): neither alone is required.
VALUE_REQUIRED = tuple(c for c in POLICE_REQUIRED if c not in (AREA_CODE, AREA_NAME))


def read(delivery: Delivery, ctx: ReadContext) -> Iterator[Batch]:
    source = csvfile.open_csv(delivery, ctx, tuple(POLICE_COLUMNS), POLICE_REQUIRED, POLICE_PERSONAL)
    fields = _fields(delivery)
    for frame in source.batches():
        yield source.to_batch(frame, fields, OUTPUT, identity="identity_number", key=ctx.pseudonym_key)


def _fields(delivery: Delivery) -> dict[str, csvfile.Parsed]:
    """Raw column -> how it is read from its contract column."""
    earliest, latest = date.fromisoformat(EARLIEST_EVENT_DATE), delivery.first_seen_on
    detected = HEADER["detected_on"]
    parsed = {
        "detected_on": csvfile.event_date(detected, csvfile.day_month_year(detected), earliest, latest),
        "area_name": csvfile.area_name(AREA_CODE, AREA_NAME),
        "fine_vnd": csvfile.money(HEADER["fine_vnd"]),
        "identity_number": csvfile.identity_number(HEADER["identity_number"]),
        "birth_year": csvfile.birth_year(HEADER["birth_year"], latest=latest.year),
        "updated_at": csvfile.day_month_year_time(HEADER["updated_at"]),
    }
    read_columns = [c for c in OUTPUT if c != "person_pseudonym"] + ["identity_number"]
    return csvfile.contract_fields(HEADER, read_columns, VALUE_REQUIRED, parsed)
