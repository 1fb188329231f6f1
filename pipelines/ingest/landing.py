"""Landing: the files agencies drop in landing/<agency>/, and the register of every file seen.

The warehouse only ever reads landing/: it never edits, moves or deletes a file there.
A file is identified by the SHA-256 of its bytes; `ops.deliveries` remembers each
(file name, sha256) seen, so a second run over the same folder finds nothing new.
"""

from __future__ import annotations

import calendar
import hashlib
import re
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import duckdb

from pipelines.config import Settings
from pipelines.contract import FILE_PATTERNS

_HASH_CHUNK = 1 << 20


def discover(settings: Settings, agency: str) -> list[Path]:
    """Every regular file directly in landing/<agency>/, sorted by name (deterministic runs)."""
    folder = settings.agency_dir(agency)
    if not folder.is_dir():
        return []
    return sorted((p for p in folder.iterdir() if p.is_file()), key=lambda p: p.name)


def landing_name(settings: Settings, path: Path) -> str:
    """The file's name as the register and the lineage columns know it: relative to landing/."""
    return path.relative_to(settings.landing_dir).as_posix()


def sha256_of(path: Path) -> str:
    """SHA-256 of the file's bytes, read in chunks (memory does not grow with file size)."""
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(_HASH_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


class BadFileName(ValueError):
    """The name does not follow the agency's pattern; the message says what was expected."""


def parse_file_name(agency: str, name: str) -> tuple[date, int]:
    """(file_date, file_seq) from a delivery's name, or BadFileName.

    file_date is the date in the name (health: the last day of the reporting month), file_seq
    the `_<n>` / `_v<n>` suffix, 1 without one: together they order revisions.
    """
    pattern = FILE_PATTERNS[agency]
    match = re.match(pattern, name)
    if match is None:
        raise BadFileName(f"{name}: file name does not match the {agency} pattern {pattern}")
    parts = match.groupdict()
    try:
        if agency == "health":
            year, month = int(parts["year"]), int(parts["month"])
            file_date = date(year, month, calendar.monthrange(year, month)[1])
        else:
            file_date = datetime.strptime(parts["date"], "%Y%m%d").date()
    except ValueError:
        raise BadFileName(f"{name}: the date in the file name is not a calendar date") from None
    seq = parts.get("seq") or parts.get("version")
    return file_date, int(seq) if seq else 1


@dataclass(frozen=True)
class Registration:
    """One row of ops.deliveries."""

    file_name: str
    agency: str
    sha256: str
    first_seen_at: datetime
    status: str  # accepted / rejected / duplicate
    reason: str | None = None
    rows_loaded: int = 0
    rows_quarantined: int = 0

    @property
    def rows_read(self) -> int:
        return self.rows_loaded + self.rows_quarantined


class DeliveryRegister:
    """ops.deliveries: what the warehouse has seen, read and written through one connection."""

    def __init__(self, con: duckdb.DuckDBPyConnection):
        self._con = con

    def is_registered(self, file_name: str, sha256: str) -> bool:
        """This very file (same name, same bytes) was handled by an earlier run."""
        rows = self._con.execute(
            "SELECT 1 FROM ops.deliveries WHERE file_name = ? AND sha256 = ? LIMIT 1",
            [file_name, sha256],
        ).fetchall()
        return bool(rows)

    def first_seen_at(self, sha256: str) -> datetime | None:
        """When the warehouse first saw these bytes, under whatever name."""
        rows = self._con.execute(
            "SELECT min(first_seen_at) FROM ops.deliveries WHERE sha256 = ?", [sha256]
        ).fetchall()
        return rows[0][0]

    def accepted_as(self, sha256: str) -> str | None:
        """The file under which these bytes were already loaded, if any.

        Only an accepted file makes a later copy a duplicate: bytes that were rejected for
        their name must load when resent under the right name.
        """
        rows = self._con.execute(
            "SELECT min(file_name) FROM ops.deliveries WHERE sha256 = ? AND status = 'accepted'",
            [sha256],
        ).fetchall()
        return rows[0][0]

    def record(self, entry: Registration) -> None:
        self._con.execute(
            "INSERT INTO ops.deliveries (file_name, agency, sha256, first_seen_at, status, reason,"
            " rows_read, rows_loaded, rows_quarantined) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                entry.file_name, entry.agency, entry.sha256, entry.first_seen_at, entry.status,
                entry.reason, entry.rows_read, entry.rows_loaded, entry.rows_quarantined,
            ],
        )
