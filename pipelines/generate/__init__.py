"""`pcmd generate`: realistic sample deliveries of the four agencies.

An independent reading of the delivery formats (docs/interface.md): nothing here is shared with
`pipelines.ingest` except the contract's own words (`pipelines.contract`) and the
reference list of units. Every "may" of the contract happens: police CSVs comma or
semicolon, UTF-8 with or without BOM or genuine Windows-1258, CRLF, headers decomposed
or in another case and order, extra columns, quoted names; dates d/m/yyyy; money in every
form; CCCD and CMND numbers with dots and spaces; both tone placements; every area-name
form, codes alone, names alone, old wards before July 2025 and communes after, Huyện Từ
Liêm before 28 December 2013; repeat offenders, revisions, cancellations, resends and
exports arriving out of order. Health report forms, culture JSON Lines v1 and v2, labor
registers likewise; and bad rows and files of every kind the contract names.

    generate(landing_dir, seed=42, scale=1.0, date_from=date(2013, 1, 1),
             date_to=date(2026, 11, 30)) -> GenerationSummary

writes `landing_dir/<agency>/...`, streaming (memory does not grow with `scale`) and
deterministic (same arguments, byte-identical files). `GenerationSummary.deliveries`
lists every file with its rows and what a correct warehouse does with it (`accepted`,
`duplicate`, `rejected`); `bad_rows` lists every row it must quarantine (file, line, kind).

Truth. `build_truth(seed, scale, date_from, date_to)` (or `generate(..., with_truth=True)`
and `summary.truth`) gives, in memory, the final state a correct warehouse must reach,
collected from the records as they are written (never by reading files back), from good
rows of accepted files only, each agency's revision rule applied:

- `truth.police[(case_id, identity digits)]` -> PoliceTruth: detected_on, area_id (the
  admin_units.csv area_id valid that day: the district-level unit before 2025-07-01, a row
  naming an old ward counted in its district, Huyện Từ Liêm as `019-2013` before
  2013-12-28; the commune after), place_kind, offence, role, handling, fine_vnd (None when
  no fine), sex (Nam/Nữ), birth_year, status (`Hiệu lực`, or `Hủy` for a pair the
  warehouse must drop: `truth.police_in_force` leaves those out), updated_at. The row with
  the latest `Ngày cập nhật` over all files.
- `truth.inspections[inspection_id]` -> InspectionTruth: inspected_on (local date in
  Asia/Ho_Chi_Minh), area_id, team, finding_codes, penalty_vnd, license_action (a v1 line
  says only revoked or none), establishment_type, schema_version. The line from the file
  with the latest date in its name, the last one within that file; note that a resent old
  v1 export can win over a later correction, as the contract's rule says.
- `truth.labor[ma_ho_so]` -> LaborTruth: identity digits, sex (nam/nu, as labor recorded
  it: a few differ from the police), birth_year, area_id, support_kind, started_on,
  followup_outcome, followed_up_on. The row from the file with the latest date in its name.
- `truth.health[(year, month)]` -> HealthTruth: the highest accepted version, its stated
  period, and per area_id the values (empty and `-` are 0). Months whose period has not
  ended by date_to have no workbook.

Categories are in the contract's canonical spelling (NFC, as the contract writes them).
The truth holds identity numbers in clear: it is never written to disk.

Files appear in landing/<agency>/ only once complete (written under landing/.generating/
first). Files of the same name are replaced: generate into an empty landing/ or one made
with the same arguments (same bytes), since the warehouse treats a delivered file as
immutable.

Modules: `world` (what happens), `names` (people, identity numbers, establishments),
`areas` (units and how they are named), `vietnamese` (text forms, cp1258), `timeline`
(months), `schedule` (which files, when, holding what), `police`/`health`/`culture`/
`labor` (the writers), `bad` (bad rows and files), `truth`, `landing` (where files go),
`run` (the walk through the months).
"""

from pipelines.generate.run import BadRow, Delivery, GenerationSummary, build_truth, generate
from pipelines.generate.truth import HealthTruth, InspectionTruth, LaborTruth, PoliceTruth, Truth

__all__ = ["generate", "build_truth", "GenerationSummary", "Delivery", "BadRow", "Truth", "PoliceTruth",
           "InspectionTruth", "LaborTruth", "HealthTruth"]
