"""raw.health_monthly_reports: one row per area row of a monthly health report form, as loaded."""

from pipelines.quality import raw
from pipelines.quality.rules import no_negative
from pipelines.quality.spec import Suite, violations

COUNTS = ["reached_female", "reached_male", "hiv_tested", "hiv_positive", "art_initiated",
          "sti_examined", "methadone_enrolled", "condoms"]

SUITE = Suite(
    name="raw_health_monthly_reports",
    layer="raw",
    blocking=False,  # a warning: see raw_police_case_persons
    description="Health report rows as loaded: columns, required fields, lineage, counts, the stated period.",
    expectations=(
        *raw.basics("health_monthly_reports"),
        no_negative("raw.health_monthly_reports", COUNTS,
                    note="a count of the report form is negative: a cell misread"),
        raw.event_dates_in_range("health_monthly_reports", "period_end"),
        violations(
            "stated_period_matches_month",
            "the period stated in row 2 of the form does not end in the workbook's month (or ends "
            "before it starts): a misread date, or a workbook filed under the wrong month",
            """
            select source_file, count(*) as rows, min(period_start) as period_start,
                   min(period_end) as period_end
            from raw.health_monthly_reports
            where period_start > period_end
               or year(period_end) <> report_year or month(period_end) <> report_month
            group by source_file
            order by source_file
            """,
        ),
    ),
)
