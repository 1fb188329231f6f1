"""raw.police_case_persons: one row per person of a police case, as ingestion loaded it."""

from pipelines.quality import raw
from pipelines.quality.rules import no_negative
from pipelines.quality.spec import Suite

SUITE = Suite(
    name="raw_police_case_persons",
    layer="raw",
    # Raw suites warn: what breaks here is an ingestion bug to fix, and whatever it does to the
    # published numbers is caught, blocking, by the mart suites.
    blocking=False,
    description="Police rows as loaded: columns, required fields, lineage, fines, pseudonyms, dates.",
    expectations=(
        *raw.basics("police_case_persons"),
        no_negative("raw.police_case_persons", ["fine_vnd"],
                    note="a fine is negative: money misread (a sign, a separator taken for a minus)"),
        raw.pseudonyms_are_hmac("police_case_persons"),
        raw.event_dates_in_range("police_case_persons", "detected_on"),
        raw.not_after_load_day("police_case_persons", ["updated_at"]),
    ),
)
