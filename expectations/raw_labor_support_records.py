"""raw.labor_support_records: one row per support record of the labor register, as loaded."""

from pipelines.quality import raw
from pipelines.quality.spec import Suite, violations

SUITE = Suite(
    name="raw_labor_support_records",
    layer="raw",
    blocking=False,  # a warning: see raw_police_case_persons
    description="Labor register rows as loaded: columns, required fields, lineage, pseudonyms, dates.",
    expectations=(
        *raw.basics("labor_support_records"),
        raw.pseudonyms_are_hmac("labor_support_records"),
        raw.event_dates_in_range("labor_support_records", "support_started_on"),
        raw.not_after_load_day("labor_support_records", ["followed_up_on"]),
        violations(
            "followup_complete",
            "a follow-up has an outcome without a date (or a date without an outcome), or is dated "
            "before the support started: columns swapped or misread; the SUP_ follow-up indicators "
            "would count it wrongly",
            """
            select source_file, count(*) as rows, min(line_no) as first_line
            from raw.labor_support_records
            where (followup_outcome is null) <> (followed_up_on is null)
               or followed_up_on < support_started_on
            group by source_file
            order by source_file
            """,
        ),
    ),
)
