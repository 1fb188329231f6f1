"""The directive's periodic report (báo cáo 6 tháng / 01 năm) and the data dictionary, built
from a published release only, offline.

    pcmd report R2024-H1 [--area 001] [--format xlsx|html] [--out PATH]

| module          | concern                                                              |
|-----------------|----------------------------------------------------------------------|
| `published.py`  | reading a release file into plain frames (the only code that opens it) |
| `words.py`      | the report's words: symbols, labels, headers, Vietnamese number formats |
| `tables.py`     | the tables, built once for both formats; the header                   |
| `xlsx.py`       | the workbook (xlsxwriter)                                             |
| `charts.py`     | the page's charts, inline SVG (altair + vl-convert)                   |
| `html.py`       | the self-contained page                                               |
| `dictionary.py` | the bilingual data dictionary (registry + dbt docs)                   |
| `run.py`        | `write_report` (pcmd report) and `write_release_reports` (publishing)  |
"""

from pipelines.report.published import ReportError, latest_complete_periods
from pipelines.report.run import (
    DICTIONARY, FORMATS, REPORTS_DIR, release_reports, write_release_reports, write_report,
)

__all__ = ["DICTIONARY", "FORMATS", "REPORTS_DIR", "ReportError", "latest_complete_periods",
           "release_reports", "write_release_reports", "write_report"]
