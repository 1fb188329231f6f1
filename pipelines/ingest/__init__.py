"""Ingestion: landing/<agency>/ files into raw.* and ops.* of warehouse.duckdb.

- `landing`  discovery, SHA-256, file-name dates, the delivery register (ops.deliveries)
- `run`      the runner: `ingest(settings)` / `ingest_agency(settings, agency)`
- `base`     the reader interface: `read(delivery, ctx) -> Iterator[Batch]`
- readers    one module per agency, named after it: `police`, `health`, `culture`, `labor`
- `csvfile`  encoding, delimiter, records and header matching shared by the CSV readers
- `text`     text clean-up every reader applies
"""
