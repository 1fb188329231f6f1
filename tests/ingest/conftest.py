"""Helpers for the CSV ingestion tests: deliveries written here, byte by byte.

The files are built with Python's csv module and codecs, an independent reading of the
contract (no code shared with the readers). Every variant the contract allows can be asked
for: BOM or not, UTF-8 or Windows-1258, `,` or `;`, CRLF, NFC or NFD text.
"""

from __future__ import annotations

import csv
import hashlib
import hmac
import io
import unicodedata
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterable, Mapping, Sequence

import duckdb
import pytest

from pipelines.config import Settings, load_settings
from pipelines.contract import LABOR_COLUMNS, POLICE_COLUMNS
from pipelines.ingest.run import IngestReport, ingest

KEY = "ingest-tests-key-not-secret"
# The runs' clock: 2024-06-01 10:00 in Hanoi (03:00 UTC).
NOW = datetime(2024, 6, 1, 3, 0, tzinfo=timezone.utc)

POLICE_HEADER = list(POLICE_COLUMNS)
LABOR_HEADER = list(LABOR_COLUMNS)


def police_row(**values: str) -> dict[str, str]:
    """A valid police row; keyword arguments replace fields by raw column name."""
    row = {
        "case_id": "CA-HN-2024-000123",
        "detected_on": "05/01/2024",
        "area_code": "006",
        "area_name": "Quận Đống Đa",
        "place_kind": "karaoke",
        "establishment_name": "Karaoke Hoa Hồng",
        "offence": "bán dâm",
        "handling": "Xử phạt hành chính",
        "fine_vnd": "1.500.000",
        "identity_number": "001092560953",
        "full_name": "Nguyễn Thị Thuỷ",
        "birth_year": "1995",
        "sex": "Nữ",
        "role": "người bán dâm",
        "record_status": "Hiệu lực",
        "updated_at": "06/01/2024 08:15",
    }
    row.update(values)
    return {header: row[raw] for header, raw in POLICE_COLUMNS.items()}


def labor_row(**values: str) -> dict[str, str]:
    """A valid labour row; keyword arguments replace fields by raw column name."""
    row = {
        "record_id": "HS-2024-00029",
        "identity_number": "001092560953",
        "sex": "nu",
        "birth_year": "1995",
        "area_code": "006",
        "area_name": "Đống Đa",
        "support_kind": "hoc_nghe",
        "support_started_on": "2024-02-15",
        "followup_outcome": "",
        "followed_up_on": "",
    }
    row.update(values)
    return {header: row[raw] for header, raw in LABOR_COLUMNS.items()}


# Windows-1258 writes tone marks as combining characters after a base letter that keeps
# its other marks precomposed (ê, ơ, ư, ă, â, ô, đ are single bytes).
_TONE_MARKS = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}


def cp1258_form(text: str) -> str:
    out = []
    for char in unicodedata.normalize("NFC", text):
        parts = unicodedata.normalize("NFD", char)
        tones = "".join(c for c in parts if c in _TONE_MARKS)
        base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in _TONE_MARKS))
        out.append(base + tones)
    return "".join(out)


def csv_bytes(
    header: Sequence[str],
    rows: Iterable[Mapping[str, str] | Sequence[str]],
    *,
    delimiter: str = ",",
    encoding: str = "utf-8-sig",
    newline: str = "\n",
    form: str = "NFC",
    quoting: int = csv.QUOTE_MINIMAL,
) -> bytes:
    """A delivery's bytes. Rows are dicts (header -> value; missing keys empty) or lists.

    encoding: 'utf-8-sig' (BOM), 'utf-8' or 'cp1258'; form: 'NFC' or 'NFD' (ignored for
    cp1258, which has its own decomposed form).
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator=newline, quoting=quoting)
    writer.writerow(header)
    for row in rows:
        writer.writerow([row.get(h, "") for h in header] if isinstance(row, Mapping) else row)
    text = buffer.getvalue()
    if encoding == "cp1258":
        return cp1258_form(text).encode("cp1258")
    return unicodedata.normalize(form, text).encode(encoding)


def police_csv(rows: Iterable[Mapping[str, str]], **options) -> bytes:
    return csv_bytes(POLICE_HEADER, rows, **options)


def labor_csv(rows: Iterable[Mapping[str, str]], **options) -> bytes:
    return csv_bytes(LABOR_HEADER, rows, **options)


class Bench:
    """A data root to deliver files into and ingest from, with the builders above."""

    NOW = NOW
    KEY = KEY
    POLICE_HEADER = POLICE_HEADER
    LABOR_HEADER = LABOR_HEADER
    police_row = staticmethod(police_row)
    labor_row = staticmethod(labor_row)
    csv_bytes = staticmethod(csv_bytes)
    police_csv = staticmethod(police_csv)
    labor_csv = staticmethod(labor_csv)
    cp1258_form = staticmethod(cp1258_form)

    def __init__(self, settings: Settings):
        self.settings = settings

    def deliver(self, agency: str, name: str, data: bytes) -> Path:
        """Drop a file into landing/<agency>/."""
        path = self.settings.agency_dir(agency) / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        return path

    def ingest(self, agencies: Sequence[str] = ("police", "labor"), now: datetime = NOW) -> IngestReport:
        return ingest(self.settings, agencies, now=now)

    def rows(self, sql: str, params: Sequence = ()) -> list[dict]:
        """Query the warehouse file read-only; rows as dicts."""
        with duckdb.connect(str(self.settings.warehouse_db), read_only=True) as con:
            result = con.execute(sql, list(params))
            names = [d[0] for d in result.description]
            return [dict(zip(names, row)) for row in result.fetchall()]

    def quarantine(self) -> list[dict]:
        return self.rows("SELECT file_name, line_no, reason, raw FROM ops.quarantine ORDER BY file_name, line_no")

    def deliveries(self) -> list[dict]:
        return self.rows("SELECT * FROM ops.deliveries ORDER BY file_name, first_seen_at")

    @staticmethod
    def pseudonym(digits: str) -> str:
        return hmac.new(KEY.encode(), digits.encode(), hashlib.sha256).hexdigest()

    @staticmethod
    def sha256(data: bytes) -> str:
        return hashlib.sha256(data).hexdigest()


@pytest.fixture
def bench(tmp_path, monkeypatch) -> Bench:
    """A fresh data root with a fixed pseudonym key."""
    monkeypatch.setenv("PCMD_PSEUDONYM_KEY", KEY)
    return Bench(load_settings(home=tmp_path / "home"))


@pytest.fixture(scope="module")
def module_bench(tmp_path_factory) -> Bench:
    """One data root for a whole test module (for tests that share one expensive ingest)."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("PCMD_PSEUDONYM_KEY", KEY)
        return Bench(load_settings(home=tmp_path_factory.mktemp("bench") / "home"))
