"""Delimited files as the police and the labour department send them.

What every CSV delivery needs before its values can be parsed:

- encoding: UTF-8 with or without BOM, else Windows-1258 (detected, never assumed); a
  cp1258 file is transcoded to UTF-8 in chunks into the file's scratch directory;
- delimiter: `,` or `;`, sniffed from the header line;
- records: physical lines (numbered from 1, the header is line 1) joined where a quoted
  field spans lines, split into fields; a record whose field count differs from the
  header's is a bad row, not a misaligned one;
- header: matched to the contract's column names (`text.header_key`), in any order,
  extra columns ignored, a missing required column rejects the file;
- values: parsers for the contract's dates, times, money, years and identity numbers, as
  polars expressions, and the split of a batch into raw rows and quarantined rows.

Why not polars' CSV reader: it pads short rows and truncates (or refuses) long ones
without saying which, and it numbers records, not lines. A shifted row would put an
identity number in another column, in clear. So lines come from `pl.scan_lines` (streamed,
batch by batch) and fields are split with one regular expression, vectorised.
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Iterator, Mapping, Sequence

import polars as pl

from pipelines.ingest.base import QUARANTINE_SCHEMA, Batch, Delivery, FileRejected, ReadContext
from pipelines.ingest.text import clean_text, header_key
from pipelines.personal import MASK, pseudonymise_column

BATCH_LINES = 100_000
# A quoted field never legitimately spans this many lines: past it, a quote was left open.
MAX_RECORD_LINES = 1_000
_CHUNK = 1 << 20
_FORMAT = "Windows-1258"


# -- encoding ----------------------------------------------------------------------------

def detect_encoding(path: Path, name: str) -> str:
    """'utf-8-sig' (BOM), 'utf-8' (the first non-ASCII bytes decode as UTF-8) or 'cp1258'.

    Reads only up to the first chunk holding non-ASCII bytes (usually the header line).
    """
    with open(path, "rb") as f:
        head = f.read(4)
        if not head:
            raise FileRejected(f"{name}: the file is empty; expected a header line")
        if head.startswith(codecs.BOM_UTF8):
            return "utf-8-sig"
        if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            raise FileRejected(f"{name}: the file is UTF-16; expected UTF-8 or {_FORMAT}")
        f.seek(0)
        while chunk := f.read(_CHUNK):
            if chunk.isascii():
                continue
            try:
                # final=False: a character cut at the chunk's end is not an error
                codecs.getincrementaldecoder("utf-8")().decode(chunk, final=False)
            except UnicodeDecodeError:
                return "cp1258"
            return "utf-8"
    return "utf-8"


def transcode_to_utf8(source: Path, target: Path, name: str) -> None:
    """Copy a Windows-1258 file as UTF-8, chunk by chunk (line ends kept as they are)."""
    decoder = codecs.getincrementaldecoder("cp1258")()
    line = 1
    with open(source, "rb") as src, open(target, "w", encoding="utf-8", newline="") as dst:
        while chunk := src.read(_CHUNK):
            try:
                dst.write(decoder.decode(chunk))
            except UnicodeDecodeError as exc:
                at = line + chunk.count(b"\n", 0, exc.start)
                raise FileRejected(
                    f"{name}: line {at}: byte 0x{chunk[exc.start]:02X} is neither UTF-8 nor "
                    f"{_FORMAT}"
                ) from None
            line += chunk.count(b"\n")


def _first_invalid_utf8_line(path: Path) -> int:
    """The line of the first byte that is not UTF-8 (only asked once a read has failed)."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    line = 1
    with open(path, "rb") as f:
        while chunk := f.read(_CHUNK):
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError as exc:
                return line + chunk.count(b"\n", 0, exc.start)
            line += chunk.count(b"\n")
    return line


# -- delimiter and records ---------------------------------------------------------------

_QUOTED = re.compile(r'"(?:[^"]|"")*"')


def sniff_delimiter(header_line: str) -> str:
    """`;` when the header has more semicolons than commas outside quotes, else `,`."""
    bare = _QUOTED.sub("", header_line)
    return ";" if bare.count(";") > bare.count(",") else ","


def _first_line(path: Path) -> str:
    with open(path, encoding="utf-8-sig", errors="replace", newline="") as f:
        return f.readline(_CHUNK)


def _records(path: Path, name: str) -> Iterator[pl.DataFrame]:
    """Batches of records: `line_no` (first physical line) and `text` (lines joined by \\n).

    A line continues the record before it while that record has an odd number of quotes
    (an open quoted field); a record still open at a batch's end waits for the next batch.
    """
    carried: pl.DataFrame | None = None
    lines_in = pl.scan_lines(path, name="text").with_row_index("line_no", offset=1)
    try:
        for lines in lines_in.collect_batches(chunk_size=BATCH_LINES):
            if carried is not None:
                lines = pl.concat([carried, lines])
            lines = lines.with_columns(
                open_after=pl.col("text").str.count_matches('"', literal=True).cum_sum() % 2 == 1
            ).with_columns(
                record=(~pl.col("open_after").shift(1, fill_value=False)).cum_sum()
            )
            carried = None
            if lines["open_after"][-1]:
                last = lines["record"][-1]
                carried = lines.filter(pl.col("record") == last).select("line_no", "text")
                if carried.height > MAX_RECORD_LINES:
                    raise _unclosed_quote(name, carried["line_no"][0])
                lines = lines.filter(pl.col("record") != last)
            if lines.height:
                yield _join_lines(lines)
    except pl.exceptions.ComputeError as exc:
        if "utf8" not in str(exc).lower() and "utf-8" not in str(exc).lower():
            raise
        raise FileRejected(
            f"{name}: line {_first_invalid_utf8_line(path)}: not valid UTF-8 (the rest of the "
            f"file is UTF-8; expected one encoding throughout)"
        ) from None
    if carried is not None:
        raise _unclosed_quote(name, carried["line_no"][0])


def _unclosed_quote(name: str, line_no: int) -> FileRejected:
    return FileRejected(f'{name}: line {line_no}: a quoted field (") opened here is never closed')


def _join_lines(lines: pl.DataFrame) -> pl.DataFrame:
    if lines.height == lines["record"].n_unique():  # no record spans lines: the usual case
        return lines.select(pl.col("line_no").cast(pl.Int32), "text")
    return lines.group_by("record", maintain_order=True).agg(
        pl.col("line_no").first().cast(pl.Int32), pl.col("text").str.join("\n")
    ).drop("record")


def _split(text: pl.Expr, delimiter: str) -> pl.Expr:
    """The record's fields as a list, each still led by its delimiter (see `_unquote`).

    A field is quoted ("..." with "" for a quote, spaces around allowed) or bare. Each is
    matched with the delimiter before it (one is prepended to the record), so an empty
    field is never an empty match.
    """
    d = re.escape(delimiter)
    return (pl.lit(delimiter) + text).str.extract_all(rf'{d}(?: *"(?:[^"]|"")*"[^{d}]*|[^{d}]*)')


def _unquote(field: pl.Expr) -> pl.Expr:
    """A field from `_split` as its value: delimiter dropped, quotes undone."""
    value = field.str.slice(1)
    inner = value.str.extract(r'^ *"((?:[^"]|"")*)" *$', 1)  # null unless quoted
    return pl.coalesce(inner.str.replace_all('""', '"', literal=True), value)


def _per_distinct(frame: pl.DataFrame, columns: Sequence[str], transform) -> list[pl.Expr]:
    """`transform` (Expr -> Expr) of each String column, as expressions computed once per
    distinct value: most values repeat (categories, areas, dates), and this is where the time
    goes. The distinct values of all columns are transformed together (one polars call); a
    column of mostly distinct values (identity numbers, times) is transformed directly."""
    distinct = {c: frame[c].unique().alias("value") for c in columns}
    repeating = {c: d for c, d in distinct.items() if 2 * d.len() <= frame.height}
    done = pl.concat([pl.Series("value", [], pl.String), *repeating.values()]).to_frame()
    done = done.select(transform(pl.col("value"))).to_series()
    exprs, at = [], 0
    for c in columns:
        if c in repeating:
            n = repeating[c].len()
            exprs.append(pl.col(c).replace_strict(repeating[c], done.slice(at, n), return_dtype=pl.String))
            at += n
        else:
            exprs.append(transform(pl.col(c)))
    return exprs


# -- the file ----------------------------------------------------------------------------

FIELD_COUNT = "_field_count"


@dataclass(frozen=True)
class CsvFile:
    """A delivery decoded and matched to the contract: read it with `batches()`."""

    name: str
    text_path: Path            # UTF-8 text: the delivery itself or its transcoded copy
    encoding: str              # as sent: utf-8-sig, utf-8 or cp1258
    delimiter: str
    header: tuple[str, ...]    # as read (BOM and outer spaces removed)
    positions: Mapping[str, int]  # contract column -> field index, for the columns present
    columns: tuple[str, ...]   # every contract column, in contract order
    personal: tuple[str, ...]
    _records: Iterator[pl.DataFrame]

    def batches(self) -> Iterator[pl.DataFrame]:
        """`line_no`, one String column per contract column (as read; null when absent) and
        the record's field count. Blank lines and rows of empty fields are not rows."""
        fields = pl.col("fields")
        blank = rf'^[\s"{re.escape(self.delimiter)}]*$'
        quoted = pl.col("text").str.contains('"', literal=True)

        def by_position(value) -> list[pl.Expr]:
            get = {c: value(fields.list.get(i, null_on_oob=True)) for c, i in self.positions.items()}
            absent = pl.lit(None, pl.String)
            return [
                "line_no",
                *(get[c].alias(c) if c in get else absent.alias(c) for c in self.columns),
                fields.list.len().cast(pl.Int32).alias(FIELD_COUNT),
            ]

        for records in self._records:
            records = records.lazy().filter(~pl.col("text").str.contains(blank))
            # Most records hold no quote: a plain split gives their fields as they are.
            plain = records.filter(~quoted).with_columns(fields=pl.col("text").str.split(self.delimiter))
            with_quotes = records.filter(quoted).with_columns(fields=_split(pl.col("text"), self.delimiter))
            frame = pl.concat([
                plain.select(by_position(lambda field: field)),
                with_quotes.select(by_position(_unquote)),
            ]).sort("line_no").collect()
            if frame.height:
                yield frame

    def shape_problem(self) -> pl.Expr:
        """A row whose field count is not the header's: its values have moved."""
        n = len(self.header)
        return pl.when(pl.col(FIELD_COUNT) != n).then(
            pl.format(f"expected {n} fields as in the header, found {{}}", pl.col(FIELD_COUNT))
        )

    def line_break_problems(self) -> list[pl.Expr]:
        """A value spanning lines is far more often a quote left open, swallowing the next
        rows (names and identity numbers included) or gluing two rows into one, than a real
        line break: such a row is not loaded."""
        return [
            pl.when(pl.col(c).str.contains("\n", literal=True)).then(
                pl.lit(f"'{c}' spans several lines: expected one (a quote left open?)")
            )
            for c in self.positions
        ]

    def raw(self) -> pl.Expr:
        """The row as read, as JSON (header -> value), with personal values masked.

        Columns outside the contract are left out: nobody knows what they hold. In a row
        with the wrong number of fields every value may have moved by that many places, so
        anything within that distance of a personal column is masked too; so is a value
        spanning lines, which may hold whole rows swallowed by an open quote.
        """
        personal_at = [self.positions[c] for c in self.personal if c in self.positions]
        shift = (pl.col(FIELD_COUNT) - len(self.header)).abs()
        parts = []
        for column, index in sorted(self.positions.items(), key=lambda item: item[1]):
            value = pl.col(column)
            distance = min((abs(index - p) for p in personal_at), default=len(self.header))
            hide = (shift >= distance) | value.str.contains("\n", literal=True)
            masked = pl.when(hide & (value.str.strip_chars() != "")).then(pl.lit(MASK)).otherwise(value)
            parts.append(masked.alias(self.header[index]))
        return pl.struct(parts).struct.json_encode()

    def to_batch(
        self,
        frame: pl.DataFrame,
        fields: Mapping[str, "Parsed"],
        output: Sequence[str],
        identity: str,
        key: bytes,
    ) -> Batch:
        """Rows whose every field parsed, and the others quarantined with all their reasons.

        fields: output column -> parsed value and problem; `identity` names the field that
        holds the identity number, replaced by `person_pseudonym` in the rows.
        """
        values = {column: parsed.value for column, parsed in fields.items()}
        problems = [
            *self.line_break_problems(),
            *(parsed.problem for parsed in fields.values() if parsed.problem is not None),
        ]
        # A row with the wrong field count gets only that reason: its other values are shifted.
        joined = pl.concat_str(problems, separator="; ", ignore_nulls=True)
        problem = pl.coalesce(self.shape_problem(), pl.when(joined != "").then(joined))
        # Clean (once) only the columns some field reads: a name is never even cleaned.
        read = {name for e in (problem, *values.values()) for name in e.meta.root_names()}
        to_clean = [c for c in self.columns if _cleaned_name(c) in read]
        cleaned = [e.alias(_cleaned_name(c)) for c, e in zip(to_clean, _per_distinct(frame, to_clean, clean_text))]
        checked = frame.lazy().with_columns(cleaned).with_columns(_problem=problem, **values)
        good, quarantined = pl.collect_all([
            checked.filter(pl.col("_problem").is_null()).select(pl.col("line_no").cast(pl.Int32), *values),
            checked.filter(pl.col("_problem").is_not_null()).select(
                pl.col("line_no").cast(pl.Int32), pl.col("_problem").alias("reason"), self.raw().alias("raw")
            ).cast(QUARANTINE_SCHEMA),
        ])
        rows = good.with_columns(person_pseudonym=pseudonymise_column(good[identity], key)).select("line_no", *output)
        return Batch(rows=rows, quarantined=quarantined)


def open_csv(
    delivery: Delivery,
    ctx: ReadContext,
    columns: Sequence[str],
    required: Sequence[str],
    personal: Sequence[str],
) -> CsvFile:
    """Decode the delivery, sniff its delimiter and match its header (or FileRejected)."""
    name = delivery.name
    encoding = detect_encoding(delivery.path, name)
    text_path = delivery.path
    if encoding == "cp1258":
        ctx.work_dir.mkdir(parents=True, exist_ok=True)
        text_path = ctx.work_dir / f"{name}.utf8"
        transcode_to_utf8(delivery.path, text_path, name)
    first_line = _first_line(text_path)
    if first_line.endswith("\r"):
        raise FileRejected(f"{name}: lines end with CR alone (old Mac format); expected LF or CR LF")
    delimiter = sniff_delimiter(first_line)

    records = _records(text_path, name)
    first = next(records, None)
    if first is None:
        raise FileRejected(f"{name}: the file is empty; expected a header line")
    header_fields = first.head(1).select(
        _split(pl.col("text").str.strip_prefix("\ufeff"), delimiter).list.eval(_unquote(pl.element()))
    )[0, 0].to_list()
    header = tuple(unicodedata.normalize("NFC", h).strip() for h in header_fields)
    positions = _match_header(name, header, delimiter, columns, required)

    def remaining() -> Iterator[pl.DataFrame]:
        yield first.slice(1)
        yield from records

    return CsvFile(
        name=name, text_path=text_path, encoding=encoding, delimiter=delimiter, header=header,
        positions=positions, columns=tuple(columns), personal=tuple(personal), _records=remaining(),
    )


def _match_header(
    name: str, header: Sequence[str], delimiter: str, columns: Sequence[str], required: Sequence[str]
) -> dict[str, int]:
    wanted = {header_key(c): c for c in columns}
    positions: dict[str, int] = {}
    for index, found in enumerate(header):
        column = wanted.get(header_key(found))
        if column is None:
            continue  # an extra column: ignored
        if column in positions:
            raise FileRejected(
                f"{name}: column '{column}' appears twice (columns {positions[column] + 1} and "
                f"{index + 1}); expected it once"
            )
        positions[column] = index
    if not positions:
        # Not listed: a first line with none of the contract's names may well be a data row.
        raise FileRejected(
            f"{name}: line 1 is not a header: none of the expected columns "
            f"({', '.join(columns)}) found in its {len(header)} fields (delimiter '{delimiter}')"
        )
    missing = [c for c in required if c not in positions]
    if missing:
        listed = ", ".join(f"'{c}'" for c in missing)
        noun = "column" if len(missing) == 1 else "columns"
        found = ", ".join(header)
        if not all(_looks_like_a_header(h) for h in header):
            # Data glued to the header line: only the contract's own names are repeated.
            known = [h for h in header if header_key(h) in wanted]
            found = (
                f"{', '.join(known)} and {len(header) - len(known)} more fields, not shown "
                f"(line 1 seems to hold data as well)"
            )
        raise FileRejected(f"{name}: required {noun} {listed} missing; found: {found}")
    return positions


def _looks_like_a_header(name: str) -> bool:
    """Column names carry no numbers and no line breaks; data rows always do (dates)."""
    return len(name) <= 80 and not re.search(r"\d{3}|[\r\n]", name)


# -- values ------------------------------------------------------------------------------

@dataclass(frozen=True)
class Parsed:
    """One output column: its typed value (null when empty) and why a row is bad (or null)."""

    value: pl.Expr
    problem: pl.Expr | None = None


def _cleaned_name(column: str) -> str:
    return f"clean:{column}"


def _cleaned(column: str) -> pl.Expr:
    """The column after `text.clean_text` (computed once per batch by `CsvFile.to_batch`)."""
    return pl.col(_cleaned_name(column))


def _unreadable(column: str, expected: str) -> pl.Expr:
    return pl.format(f"'{column}' = '{{}}': expected {expected}", _cleaned(column))


def _parsed(column: str, value: pl.Expr, expected: str) -> Parsed:
    """A value that is null when the text is empty; unreadable non-empty text is a problem."""
    problem = pl.when(_cleaned(column).is_not_null() & value.is_null()).then(_unreadable(column, expected))
    return Parsed(value, problem)


def contract_fields(
    headers: Mapping[str, str],
    columns: Sequence[str],
    value_required: Sequence[str],
    parsed: Mapping[str, Parsed],
) -> dict[str, Parsed]:
    """Output column -> Parsed, for a reader: `parsed` where given, else cleaned text; a
    column whose contract header is in `value_required` must not be empty.

    headers: output column -> contract header; columns: the output columns read from the file.
    """
    fields = {}
    for column in columns:
        header = headers[column]
        field = parsed.get(column) or text(header)
        fields[column] = required(header, field) if header in value_required else field
    return fields


def text(column: str) -> Parsed:
    return Parsed(_cleaned(column))


def required(column: str, parsed: Parsed | None = None) -> Parsed:
    """The column must not be empty (as well as readable)."""
    parsed = parsed or text(column)
    empty = pl.when(_cleaned(column).is_null()).then(pl.lit(f"'{column}' is empty: a value is required"))
    problem = empty if parsed.problem is None else pl.coalesce(empty, parsed.problem)
    return Parsed(parsed.value, problem)


def area_name(code: str, name: str) -> Parsed:
    """The area's name. Senders name an area by code, by name or both: a row needs one."""
    both_empty = _cleaned(code).is_null() & _cleaned(name).is_null()
    problem = pl.when(both_empty).then(
        pl.lit(f"'{code}' and '{name}' are both empty: the area needs a code or a name")
    )
    return Parsed(_cleaned(name), problem)


def day_month_year(column: str) -> Parsed:
    """dd/mm/yyyy, or d/m/yyyy."""
    s = _cleaned(column)
    value = pl.when(s.str.contains(r"^\d{1,2}/\d{1,2}/\d{4}$")).then(s.str.to_date("%d/%m/%Y", strict=False))
    return _parsed(column, value, "a date dd/mm/yyyy")


def day_month_year_time(column: str) -> Parsed:
    """dd/mm/yyyy HH:MM (d/m and H accepted)."""
    s = _cleaned(column)
    shaped = s.str.contains(r"^\d{1,2}/\d{1,2}/\d{4} \d{1,2}:\d{2}$")
    value = pl.when(shaped).then(s.str.to_datetime("%d/%m/%Y %H:%M", strict=False, time_unit="us"))
    return _parsed(column, value, "a date and time dd/mm/yyyy HH:MM")


def iso_date(column: str) -> Parsed:
    """yyyy-mm-dd."""
    s = _cleaned(column)
    value = pl.when(s.str.contains(r"^\d{4}-\d{2}-\d{2}$")).then(s.str.to_date("%Y-%m-%d", strict=False))
    return _parsed(column, value, "a date yyyy-mm-dd")


def event_date(column: str, parsed: Parsed, earliest: date, latest: date) -> Parsed:
    """A date that must fall between the warehouse's start and the day the file was first seen."""
    early = pl.format(f"'{column}' = '{{}}': before {earliest.isoformat()}", _cleaned(column))
    late = pl.format(
        f"'{column}' = '{{}}': after {latest.isoformat()}, the day the file was first seen",
        _cleaned(column),
    )
    out_of_range = (
        pl.when(parsed.value < pl.lit(earliest)).then(early)
        .when(parsed.value > pl.lit(latest)).then(late)
    )
    problem = out_of_range if parsed.problem is None else pl.coalesce(parsed.problem, out_of_range)
    return Parsed(parsed.value, problem)


# 1.500.000 / 1 500 000 / 1.500.000 đ / 2.000.000đ / 10.000.000 VNĐ / 3000000
_MONEY_SUFFIX = r"\s*(?:vnđ|vnd|đ)$"
_MONEY_BODY = r"^(?:\d{1,3}(?:[. ]\d{3})+|\d+)$"


def money(column: str) -> Parsed:
    """An amount in đồng, as a whole number."""
    body = _cleaned(column).str.to_lowercase().str.replace(_MONEY_SUFFIX, "")
    value = pl.when(body.str.contains(_MONEY_BODY)).then(
        body.str.replace_all(r"[. ]", "").cast(pl.Int64, strict=False)
    )
    return _parsed(column, value, "an amount in đồng such as 1.500.000")


def birth_year(column: str, latest: int, earliest: int = 1900) -> Parsed:
    """yyyy, between `earliest` and `latest`."""
    s = _cleaned(column)
    year = s.cast(pl.Int32, strict=False)
    value = pl.when(s.str.contains(r"^\d{4}$") & year.is_between(earliest, latest)).then(year.cast(pl.Int16))
    return _parsed(column, value, f"a year of birth yyyy between {earliest} and {latest}")


def identity_number(column: str) -> Parsed:
    """A CCCD (12 digits) or CMND (9 digits), maybe written with spaces or dots.

    The value stays the text as written (the pseudonym normalises it); a bad number's
    reason never repeats it.
    """
    s = _cleaned(column)
    digits = s.str.replace_all(r"[. ]", "")
    readable = s.str.contains(r"^[0-9][0-9. ]*$") & digits.str.len_chars().is_in([9, 12])
    problem = pl.when(s.is_not_null() & ~readable).then(
        pl.lit(f"'{column}': unreadable identity number (expected 9 or 12 digits)")
    )
    return Parsed(pl.when(readable).then(s), problem)
