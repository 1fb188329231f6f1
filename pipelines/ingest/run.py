"""The ingestion runner: every new file of landing/<agency>/ into raw.<table>, once.

Per file: the reader's batches are staged (Parquet, in the file's scratch directory), then in
one DuckDB transaction its rows go to `raw.<table>` (with lineage), its bad rows to
`ops.quarantine`, and one row to `ops.deliveries`. A file the reader rejects (or that breaks
it) leaves nothing but its `rejected` registration; it never stops the others.
Bytes already accepted under another name are a `duplicate` and load nothing; a file
already registered (same name, same bytes) is left alone, so a second run changes nothing.
"""

from __future__ import annotations

import importlib
import logging
import shutil
import traceback
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from pathlib import Path
from types import ModuleType
from typing import Iterable

import duckdb

from pipelines.config import AGENCIES, Settings
from pipelines.ingest.base import Batch, Delivery, FileRejected, ReadContext
from pipelines.ingest.landing import (
    BadFileName,
    DeliveryRegister,
    Registration,
    discover,
    landing_name,
    parse_file_name,
    sha256_of,
)
from pipelines.warehouse import AGENCY_RAW_TABLE, RAW_TABLES, warehouse

log = logging.getLogger(__name__)


class ReaderError(RuntimeError):
    """A reader broke its interface (a bug, not a bad file): the run stops."""


@dataclass(frozen=True)
class FileOutcome:
    """What became of one new file."""

    file_name: str
    status: str  # accepted / rejected / duplicate
    reason: str | None = None
    rows_loaded: int = 0
    rows_quarantined: int = 0
    duplicate_of: str | None = None

    @property
    def rows_read(self) -> int:
        return self.rows_loaded + self.rows_quarantined

    def summary(self) -> str:
        """One line for logs and the CLI: name, status, counts (never row content)."""
        if self.status == "rejected":
            return f"{self.file_name}: rejected: {self.reason}"
        if self.status == "duplicate":
            return f"{self.file_name}: duplicate of {self.duplicate_of}, nothing loaded"
        return (
            f"{self.file_name}: accepted, {self.rows_read} rows read, {self.rows_loaded} loaded, "
            f"{self.rows_quarantined} quarantined"
        )


class _Counts:
    files: tuple[FileOutcome, ...]

    def count(self, status: str) -> int:
        return sum(1 for f in self.files if f.status == status)

    @property
    def accepted(self) -> int:
        return self.count("accepted")

    @property
    def rejected(self) -> int:
        return self.count("rejected")

    @property
    def duplicate(self) -> int:
        return self.count("duplicate")

    @property
    def rows_loaded(self) -> int:
        return sum(f.rows_loaded for f in self.files)

    @property
    def rows_quarantined(self) -> int:
        return sum(f.rows_quarantined for f in self.files)


@dataclass(frozen=True)
class AgencyReport(_Counts):
    agency: str
    files: tuple[FileOutcome, ...]
    already_registered: int = 0  # files of earlier runs, left alone

    def metadata(self) -> dict[str, int]:
        return {
            "accepted": self.accepted,
            "rejected": self.rejected,
            "duplicate": self.duplicate,
            "already_registered": self.already_registered,
            "rows_loaded": self.rows_loaded,
            "rows_quarantined": self.rows_quarantined,
        }


@dataclass(frozen=True)
class IngestReport(_Counts):
    agencies: tuple[AgencyReport, ...]

    @property
    def files(self) -> tuple[FileOutcome, ...]:  # type: ignore[override]
        return tuple(f for a in self.agencies for f in a.files)

    def agency(self, name: str) -> AgencyReport:
        return next(a for a in self.agencies if a.agency == name)


def ingest(
    settings: Settings, agencies: Iterable[str] = AGENCIES, *, now: datetime | None = None
) -> IngestReport:
    """Ingest every new file of the given agencies; `now` (aware) is the run's load time."""
    loaded_at = (now or datetime.now(timezone.utc)).astimezone(timezone.utc)
    with warehouse(settings) as con:
        # Holding the warehouse's write lock, no other run is using the scratch space: what a
        # crashed run left there (transcoded copies hold names in clear) goes now.
        shutil.rmtree(settings.work_dir / "ingest", ignore_errors=True)
        reports = tuple(_ingest_agency(con, settings, agency, loaded_at) for agency in agencies)
    return IngestReport(agencies=reports)


def ingest_agency(settings: Settings, agency: str, *, now: datetime | None = None) -> AgencyReport:
    return ingest(settings, [agency], now=now).agencies[0]


def _ingest_agency(
    con: duckdb.DuckDBPyConnection, settings: Settings, agency: str, loaded_at: datetime
) -> AgencyReport:
    register = DeliveryRegister(con)
    outcomes: list[FileOutcome] = []
    already = 0
    reader: ModuleType | None = None
    for path in discover(settings, agency):
        file_name = landing_name(settings, path)
        sha = sha256_of(path)
        if register.is_registered(file_name, sha):
            already += 1
            continue
        first_seen = register.first_seen_at(sha)
        entry = Registration(  # status and counts are set when the outcome is known
            file_name=file_name, agency=agency, sha256=sha,
            first_seen_at=first_seen.astimezone(timezone.utc) if first_seen else loaded_at,
            status="pending",
        )
        try:
            file_date, file_seq = parse_file_name(agency, path.name)
        except BadFileName as exc:
            outcome = _register(register, entry, FileOutcome(file_name, "rejected", reason=str(exc)))
        else:
            if original := register.accepted_as(sha):
                outcome = _register(register, entry, FileOutcome(file_name, "duplicate", duplicate_of=original))
            else:
                # Imported on first need: an agency with nothing new needs no reader.
                reader = reader or importlib.import_module(f"pipelines.ingest.{agency}")
                delivery = Delivery(
                    agency=agency, path=path, file_name=file_name, sha256=sha, file_date=file_date,
                    file_seq=file_seq, first_seen_at=entry.first_seen_at,
                )
                outcome = _load(con, register, reader, delivery, entry, settings, loaded_at)
        log.info("%s", outcome.summary())
        outcomes.append(outcome)
    return AgencyReport(agency=agency, files=tuple(outcomes), already_registered=already)


def _register(register: DeliveryRegister, entry: Registration, outcome: FileOutcome) -> FileOutcome:
    register.record(
        replace(
            entry, status=outcome.status, reason=outcome.reason,
            rows_loaded=outcome.rows_loaded, rows_quarantined=outcome.rows_quarantined,
        )
    )
    return outcome


def _load(
    con: duckdb.DuckDBPyConnection,
    register: DeliveryRegister,
    reader: ModuleType,
    delivery: Delivery,
    entry: Registration,
    settings: Settings,
    loaded_at: datetime,
) -> FileOutcome:
    """Read one file, then write it to raw and ops in a single transaction.

    The batches are staged as Parquet in the file's scratch directory (pseudonymised rows,
    masked quarantine) and inserted by one statement each: DuckDB keeps the rows of many
    INSERTs in one transaction in memory until the commit (measured: ~130 bytes a row,
    beyond memory_limit), while one INSERT from Parquet streams.
    """
    table = AGENCY_RAW_TABLE[delivery.agency]
    ctx = ReadContext(settings=settings, work_dir=settings.work_dir / "ingest" / delivery.sha256[:16])
    staged = ctx.work_dir / "staged"
    try:
        loaded, quarantined = _stage(reader, delivery, ctx, table, staged)
        accepted = FileOutcome(delivery.file_name, "accepted", rows_loaded=loaded, rows_quarantined=quarantined)
        con.begin()
        try:
            _insert_rows(con, table, staged, delivery, loaded_at)
            _insert_quarantine(con, staged, delivery.file_name)
            _register(register, entry, accepted)
            con.commit()
        except BaseException:
            con.rollback()
            raise
        return accepted
    except ReaderError:
        raise
    except Exception as exc:  # a rejected file never stops the run
        return _register(register, entry, FileOutcome(delivery.file_name, "rejected", reason=_reason(delivery, exc)))
    finally:
        shutil.rmtree(ctx.work_dir, ignore_errors=True)


def _stage(reader: ModuleType, delivery: Delivery, ctx: ReadContext, table: str, staged: Path) -> tuple[int, int]:
    """Run the reader to the end, writing its batches to staged/{rows,quarantine}-<n>.parquet."""
    staged.mkdir(parents=True, exist_ok=True)
    loaded = quarantined = 0
    for n, batch in enumerate(reader.read(delivery, ctx)):
        _check_batch(table, batch)
        if batch.rows.height:
            batch.rows.write_parquet(staged / f"rows-{n:06d}.parquet", compression="lz4")
            loaded += batch.rows.height
        if batch.quarantined.height:
            batch.quarantined.write_parquet(staged / f"quarantine-{n:06d}.parquet", compression="lz4")
            quarantined += batch.quarantined.height
    return loaded, quarantined


def _reason(delivery: Delivery, exc: Exception) -> str:
    """The reason a person acts on. Messages of unexpected errors are withheld: they may
    quote row content (names, identity numbers). Their place in the code goes to the log."""
    if isinstance(exc, FileRejected):
        reason = str(exc)
        return reason if reason.startswith(delivery.name) else f"{delivery.name}: {reason}"
    log.debug("%s: %s at\n%s", delivery.file_name, type(exc).__name__, "".join(traceback.format_tb(exc.__traceback__)))
    return (
        f"{delivery.name}: could not be read as a {delivery.agency} file "
        f"({type(exc).__name__}; line unknown, details withheld as they may quote personal data)"
    )


def _check_batch(table: str, batch: Batch) -> None:
    expected = {"line_no", *RAW_TABLES[table]}
    if set(batch.rows.columns) != expected:
        raise ReaderError(f"reader for raw.{table} returned columns {sorted(batch.rows.columns)}")


def _parts(staged: Path, kind: str) -> list[str]:
    return [str(p) for p in sorted(staged.glob(f"{kind}-*.parquet"))]


def _insert_rows(
    con: duckdb.DuckDBPyConnection, table: str, staged: Path, delivery: Delivery, loaded_at: datetime
) -> None:
    if parts := _parts(staged, "rows"):
        con.execute(
            f"INSERT INTO raw.{table} BY NAME SELECT *, ?::VARCHAR AS source_file, "
            "?::VARCHAR AS file_sha256, ?::DATE AS file_date, ?::INTEGER AS file_seq, "
            "?::TIMESTAMPTZ AS loaded_at FROM read_parquet(?)",
            [delivery.file_name, delivery.sha256, delivery.file_date, delivery.file_seq, loaded_at, parts],
        )


def _insert_quarantine(con: duckdb.DuckDBPyConnection, staged: Path, file_name: str) -> None:
    if parts := _parts(staged, "quarantine"):
        con.execute(
            "INSERT INTO ops.quarantine BY NAME SELECT ?::VARCHAR AS file_name, line_no, reason, raw "
            "FROM read_parquet(?)",
            [file_name, parts],
        )
