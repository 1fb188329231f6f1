"""raw.culture_inspections: one row per inspection line of the culture exports, as loaded."""

from pipelines.quality import raw
from pipelines.quality.rules import in_set, no_negative
from pipelines.quality.spec import Suite

SUITE = Suite(
    name="raw_culture_inspections",
    layer="raw",
    blocking=False,  # a warning: see raw_police_case_persons
    description="Culture inspections as loaded: columns, required fields, lineage, penalties, dates.",
    expectations=(
        *raw.basics("culture_inspections"),
        in_set("raw.culture_inspections", "schema_version", [1, 2],
               note="an export format the reader does not know was loaded as if it were v1 or v2"),
        no_negative("raw.culture_inspections", ["penalty_vnd"],
                    note="a penalty is negative: money misread"),
        raw.event_dates_in_range("culture_inspections", "inspected_on"),
    ),
)
