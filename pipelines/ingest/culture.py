"""Reader of the culture department's inspection exports (`culture_inspections_<YYYYMMDD>.jsonl`).

The file is read in blocks of whole lines (memory stays flat however long the file);
each block is decoded by polars in one `str.json_decode` call against one struct type
that covers both schema versions. Only when a block holds a line polars cannot decode
is the block split in halves until that line is found, so the exact line is quarantined
and the rest loaded. Both versions are mapped to the one raw shape.

Decisions where the contract leaves room:
- A v2 `inspected_at` without a UTC offset names no instant: the line is quarantined
  (its local date would be a guess).
- A penalty is money: digits, optionally grouped by dots, commas or spaces, optionally
  followed by `đ`/`VNĐ`; anything else (negative, fractional, text) is unreadable.
- Categorical values (team, type, license_action) are kept as written (cleaned); their
  canonicalisation is done in dbt. A v1 `revoked` other than true/false gives a NULL action.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Iterator

import polars as pl

from pipelines.contract import EARLIEST_EVENT_DATE, LOCAL_TIME_ZONE
from pipelines.ingest.base import Batch, Delivery, FileRejected, QUARANTINE_SCHEMA, ReadContext
from pipelines.ingest.text import clean_text

BLOCK_BYTES = 8 * 1024 * 1024  # bytes read per batch (a batch holds the whole lines in it)

# The columns of raw.culture_inspections (pipelines.warehouse.RAW_TABLES) plus line_no.
ROW_SCHEMA = {
    "inspection_id": pl.String,
    "schema_version": pl.Int8,
    "inspected_at": pl.Datetime("us", "UTC"),
    "inspected_on": pl.Date,
    "team": pl.String,
    "license_no": pl.String,
    "establishment_name": pl.String,
    "establishment_type": pl.String,
    "area_code": pl.String,
    "area_name": pl.String,
    "finding_codes": pl.List(pl.String),
    "penalty_vnd": pl.Int64,
    "license_action": pl.String,
    "line_no": pl.Int32,
}

# Every field either version may carry. Scalars are decoded as text (polars writes numbers
# and booleans as their JSON text), so a number where text was expected is no error.
RECORD = pl.Struct({
    "schema_version": pl.String,
    "inspection_id": pl.String,
    "team": pl.String,
    "penalty_vnd": pl.String,
    # schema_version 1
    "establishment_license": pl.String,
    "establishment_name": pl.String,
    "establishment_type": pl.String,
    "district": pl.String,
    "inspected_on": pl.String,
    "violations": pl.List(pl.String),
    "revoked": pl.String,
    # schema_version 2
    "inspected_at": pl.String,
    "establishment": pl.Struct({name: pl.String for name in ("license_no", "name", "type", "area_code", "area_name")}),
    "findings": pl.List(pl.Struct({"code": pl.String})),
    "license_action": pl.String,
})

EARLIEST = date.fromisoformat(EARLIEST_EVENT_DATE)
_MONEY = r"^(?:\d+|\d{1,3}(?:[., ]\d{3})+)$"
_CURRENCY = r"\s*(?:vnđ|vnd|đồng|đ)$"
_ISO_DATE = r"^\d{4}-\d{2}-\d{2}$"
_NAIVE_TIME = r"^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?$"  # a time with no UTC offset


def read(delivery: Delivery, ctx: ReadContext) -> Iterator[Batch]:
    """One batch per block of lines; blank lines are skipped, line numbers are physical lines.

    A file none of whose lines is a readable JSON record is not JSON Lines at all: it is rejected
    (at its end; the runner rolls back what was written) rather than quarantined line by line.
    """
    first_problem = None
    any_record = False
    for lines in _line_blocks(delivery.path, BLOCK_BYTES):
        lines = lines.filter(pl.col("raw").str.strip_chars() != "")
        if not lines.height:
            continue
        decoded = _with_records(lines)
        any_record = any_record or decoded["record"].is_not_null().any()
        batch = _batch(decoded, delivery.first_seen_on)
        if first_problem is None and not batch.quarantined.is_empty():
            first_problem = batch.quarantined.row(0, named=True)
        yield batch
    if first_problem and not any_record:
        raise FileRejected(
            f"{delivery.name}: no line is a readable JSON record (line {first_problem['line_no']}: "
            f"{first_problem['reason']}); expected one JSON inspection record per line"
        )


def _line_blocks(path: Path, block_bytes: int) -> Iterator[pl.DataFrame]:
    """Frames of (line_no, raw, utf8_error) covering every line of the file, a block at a time.

    A block ends at a newline, which never falls inside a UTF-8 sequence, so each block
    decodes on its own.
    """
    next_line_no = 1
    with path.open("rb") as file:
        carry = b""
        while True:
            data = file.read(block_bytes)
            if not data and not carry:
                return
            block = carry + data
            cut = len(block) if not data else block.rfind(b"\n") + 1  # at the end, the last line may lack \n
            if cut == 0:  # no newline yet: a very long line, read on
                carry = block
                continue
            block, carry = block[:cut], block[cut:]
            raw_lines, utf8_errors = _decode_utf8(block.removesuffix(b"\n"))
            frame = pl.DataFrame(
                {"raw": raw_lines, "utf8_error": utf8_errors},
                schema={"raw": pl.String, "utf8_error": pl.Boolean},
            ).select(
                pl.int_range(next_line_no, next_line_no + pl.len(), dtype=pl.Int32).alias("line_no"),
                # A BOM may open the file, or a line where exports were concatenated.
                pl.col("raw").str.strip_suffix("\r").str.strip_prefix("\ufeff"),
                "utf8_error",
            )
            next_line_no += frame.height
            yield frame


def _decode_utf8(block: bytes) -> tuple[list[str], list[bool]]:
    """The block's lines as text, and which are not UTF-8 (kept, with replacement characters, for quarantine)."""
    try:
        lines = block.decode("utf-8").split("\n")
        return lines, [False] * len(lines)
    except UnicodeDecodeError:  # rare: find the bad lines
        lines = block.split(b"\n")
        errors = [not _is_utf8(line) for line in lines]
        return [line.decode("utf-8", errors="replace") for line in lines], errors


def _is_utf8(line: bytes) -> bool:
    try:
        line.decode("utf-8")
        return True
    except UnicodeDecodeError:
        return False


# -- decoding -----------------------------------------------------------------


def _json_records(raw: pl.Series) -> pl.DataFrame:
    """(record, decode_error) per line: polars decodes a whole block at once, or fails for all of it;
    then the block is halved until the undecodable lines stand alone."""
    try:
        records = raw.str.json_decode(RECORD)
        if len(records) != len(raw):  # never seen, but a misaligned line number would be silent
            raise pl.exceptions.ComputeError("decoded row count differs from line count")
        return pl.DataFrame({"record": records, "decode_error": pl.repeat(None, len(raw), dtype=pl.String, eager=True)})
    except pl.exceptions.PolarsError:
        if len(raw) == 1:
            return pl.DataFrame(
                {"record": [None], "decode_error": [_why_undecodable(raw[0])]},
                schema={"record": RECORD, "decode_error": pl.String},
            )
        half = len(raw) // 2
        return pl.concat([_json_records(raw.slice(0, half)), _json_records(raw.slice(half))])


def _why_undecodable(line: str) -> str:
    """A reason a person can act on, for the one line polars could not decode."""
    try:
        value = json.loads(line)
    except ValueError as err:
        return f"not valid JSON ({getattr(err, 'msg', err)} at column {getattr(err, 'colno', '?')})"
    if not isinstance(value, dict):
        return f"not a JSON object (a JSON {type(value).__name__})"
    for field in RECORD.fields:
        if field.name in value:
            try:
                pl.Series([json.dumps({field.name: value[field.name]})]).str.json_decode(pl.Struct([field]))
            except pl.exceptions.PolarsError:
                return f"field '{field.name}' has an unexpected JSON type ({type(value[field.name]).__name__})"
    return "not readable as an inspection record"


# -- mapping ------------------------------------------------------------------


def _with_records(lines: pl.DataFrame) -> pl.DataFrame:
    """The lines with their `record` (null when not decodable) and `decode_error`."""
    readable = lines.select(pl.when(~pl.col("utf8_error")).then(pl.col("raw"))).to_series()
    return pl.concat([lines, _json_records(readable)], how="horizontal")


def _batch(decoded: pl.DataFrame, first_seen_on: date) -> Batch:
    """Both schema versions mapped to the raw shape, each line with the reason it is quarantined (or null)."""
    mapped = (
        decoded.with_columns(**_text_fields())
        .with_columns(**_typed_fields())
        .with_columns(reason=_reason(first_seen_on))
    )
    rows = mapped.filter(pl.col("reason").is_null()).select(
        pl.col(name).cast(dtype) for name, dtype in ROW_SCHEMA.items()
    )
    quarantined = mapped.filter(pl.col("reason").is_not_null()).select(
        pl.col(name).cast(dtype) for name, dtype in QUARANTINE_SCHEMA.items()
    )
    return Batch(rows=rows, quarantined=quarantined)


def _text_fields() -> dict[str, pl.Expr]:
    """The record's fields, from where each version keeps them, as cleaned text (and lists)."""
    record = pl.col("record")
    field = record.struct.field
    establishment = field("establishment").struct.field
    version = clean_text(field("schema_version"))
    is_v2 = version == "2"

    def either(v2: pl.Expr, v1: pl.Expr) -> pl.Expr:
        return clean_text(pl.when(is_v2).then(v2).otherwise(v1))

    return {
        "version_text": version,
        "is_v2": is_v2,
        "schema_version": pl.when(is_v2).then(2).otherwise(1),
        "inspection_id": clean_text(field("inspection_id")),
        "date_field": pl.when(is_v2).then(pl.lit("inspected_at")).otherwise(pl.lit("inspected_on")),
        "date_text": either(field("inspected_at"), field("inspected_on")),
        "team": clean_text(field("team")),
        "license_no": either(establishment("license_no"), field("establishment_license")),
        "establishment_name": either(establishment("name"), field("establishment_name")),
        "establishment_type": either(establishment("type"), field("establishment_type")),
        "area_code": pl.when(is_v2).then(clean_text(establishment("area_code"))),
        "area_name": either(establishment("area_name"), field("district")),
        "finding_codes": _codes(
            pl.when(is_v2)
            .then(field("findings").list.eval(pl.element().struct.field("code")))
            .otherwise(field("violations"))
        ),
        "penalty_text": clean_text(field("penalty_vnd")),
        "license_action": pl.when(is_v2)
        .then(clean_text(field("license_action")))
        .otherwise(
            clean_text(field("revoked")).str.to_lowercase()
            .replace_strict({"true": "revoked", "false": "none"}, default=None)
        ),
    }


def _typed_fields() -> dict[str, pl.Expr]:
    """Dates and money parsed from the text fields (null where unreadable)."""
    is_v2, text = pl.col("is_v2"), pl.col("date_text")
    inspected_at = pl.when(is_v2).then(_instant(text))
    v1_date = pl.when(text.str.contains(_ISO_DATE)).then(text.str.to_date("%Y-%m-%d", strict=False))
    return {
        "inspected_at": inspected_at,
        "inspected_on": pl.when(is_v2)
        .then(inspected_at.dt.convert_time_zone(LOCAL_TIME_ZONE).dt.date())
        .otherwise(v1_date),
        "penalty_vnd": _money(pl.col("penalty_text")),
    }


def _reason(first_seen_on: date) -> pl.Expr:
    """The first problem of a line (null for a good line)."""
    field, text, day = pl.col("date_field"), pl.col("date_text"), pl.col("inspected_on")
    # How a date is named in a reason: as written, and for an instant its local day.
    dated = pl.when(pl.col("is_v2")).then(
        pl.format("inspected_at '{}' (local date {})", text, day)
    ).otherwise(pl.format("inspected_on '{}'", text))
    return (
        pl.when(pl.col("utf8_error")).then(pl.lit("not valid UTF-8"))
        .when(pl.col("decode_error").is_not_null()).then(pl.col("decode_error"))
        .when(pl.col("record").is_null()).then(pl.lit("not a JSON object (null)"))
        .when(~pl.col("version_text").is_in(["1", "2"]))  # null (absent) is version 1
        .then(pl.format("unknown schema_version '{}'", pl.col("version_text")))
        .when(pl.col("inspection_id").is_null()).then(pl.lit("missing inspection_id"))
        .when(text.is_null()).then(pl.format("missing {}", field))
        .when(pl.col("is_v2") & text.str.contains(_NAIVE_TIME))
        .then(pl.format("inspected_at '{}' has no UTC offset", text))
        .when(day.is_null()).then(pl.format("unreadable {} '{}'", field, text))
        .when(day < EARLIEST).then(pl.format("{} is before {}", dated, pl.lit(EARLIEST.isoformat())))
        .when(day > first_seen_on)
        .then(pl.format("{} is after the day the file was first seen ({})", dated, pl.lit(first_seen_on.isoformat())))
        .when(pl.col("penalty_text").is_not_null() & pl.col("penalty_vnd").is_null())
        .then(pl.format("unreadable penalty_vnd '{}'", pl.col("penalty_text")))
    )


def _codes(codes: pl.Expr) -> pl.Expr:
    """Finding codes cleaned, empty ones dropped; no list at all is an empty list."""
    return codes.list.eval(clean_text(pl.element())).list.drop_nulls().fill_null(pl.lit([], dtype=pl.List(pl.String)))


def _instant(text: pl.Expr) -> pl.Expr:
    """ISO-8601 with a UTC offset (or Z) -> the instant in UTC; minutes-only and fractions allowed."""
    normalised = (
        text.str.replace(r"[zZ]$", "+00:00")
        .str.replace(r"^(\d{4}-\d{2}-\d{2})[ T]", "${1}T")
        .str.replace(r"^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2})([+-])", "${1}:00${2}")
    )
    return normalised.str.to_datetime("%Y-%m-%dT%H:%M:%S%.f%z", time_zone="UTC", strict=False)


def _money(text: pl.Expr) -> pl.Expr:
    """đồng as an integer: `15000000`, `15.000.000`, `15 000 000 đ`, `15,000,000 VNĐ`; null when unreadable."""
    number = text.str.to_lowercase().str.replace(_CURRENCY, "")
    return pl.when(number.str.contains(_MONEY)).then(number.str.replace_all(r"[., ]", "").cast(pl.Int64, strict=False))
