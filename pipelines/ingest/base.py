"""What every agency reader shares: the delivery being read, its batches, its rejection.

A reader is a module `pipelines.ingest.<agency>` with one function

    read(delivery: Delivery, ctx: ReadContext) -> Iterator[Batch]

that streams the file in batches (memory must not grow with file size). It raises
`FileRejected` when the file as a whole cannot be read as its agency's format; the
runner then rolls back whatever batches of that file were already written.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import polars as pl

from pipelines.config import Settings
from pipelines.contract import LOCAL_TIME_ZONE


@dataclass(frozen=True)
class Delivery:
    """One file in landing/<agency>/, identified by the SHA-256 of its bytes."""

    agency: str
    path: Path             # absolute path; never modified, moved or deleted
    file_name: str         # path relative to landing/, e.g. "police/police_cases_20240105.csv"
    sha256: str
    file_date: date        # the date in the file name (health: last day of the month)
    file_seq: int          # police _<n>, health _v<n>; 1 when there is no suffix
    first_seen_at: datetime  # timezone-aware (UTC)

    @property
    def name(self) -> str:
        return self.path.name

    @property
    def first_seen_on(self) -> date:
        """The local (Asia/Ho_Chi_Minh) day the file was first seen: the latest valid event date."""
        from zoneinfo import ZoneInfo

        return self.first_seen_at.astimezone(ZoneInfo(LOCAL_TIME_ZONE)).date()


@dataclass(frozen=True)
class ReadContext:
    settings: Settings
    work_dir: Path         # scratch space for this file (e.g. a transcoded copy); deleted after

    @property
    def pseudonym_key(self) -> bytes:
        return self.settings.pseudonym_key


# Column types of the quarantine part of a batch.
QUARANTINE_SCHEMA = {"line_no": pl.Int32, "reason": pl.String, "raw": pl.String}


@dataclass
class Batch:
    """Part of a file: rows ready for raw.<table>, and rows quarantined.

    rows:        exactly the columns of RAW_TABLES[table] (pipelines.warehouse) plus
                 `line_no`; the runner adds the other lineage columns.
    quarantined: QUARANTINE_SCHEMA; `raw` is the row as read with personal fields masked.
    """

    rows: pl.DataFrame
    quarantined: pl.DataFrame


class FileRejected(Exception):
    """The whole file is rejected. The message is the reason a person acts on:
    '<file name>: <line or column>: <what was expected>', e.g.
    "police_cases_20240105.csv: required column 'Ngày phát hiện' missing; found: ..."
    """
