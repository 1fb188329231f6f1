"""The sheets about the deliveries and the revisions: from the release's manifest until the
submissions register exists, and from `submissions` and `revisions` once a release has them."""

from __future__ import annotations

import re
import shutil
from datetime import date

import duckdb
import openpyxl
import pytest

from pipelines.report import write_report

PERIOD = "R2025-H2"
AGENCY_VI = {"police": "Công an thành phố", "culture": "Sở Văn hóa và Thể thao", "health": "Sở Y tế",
             "labor": "Lao động - xã hội"}


def rows_after_header(sheet, first: str) -> list[list]:
    top = next(r for r in range(1, sheet.max_row + 1) if sheet.cell(r, 1).value == first)
    rows = []
    for r in range(top + 1, sheet.max_row + 1):
        values = [sheet.cell(r, c).value for c in range(1, sheet.max_column + 1)]
        if values[0] in AGENCY_VI.values() or (values[0] and len([v for v in values if v is not None]) > 2):
            rows.append(values)
    return rows


def file_day(name: str) -> tuple[str, date]:
    """(agency, the day in the file's name; a health workbook: its year and month, day 1)."""
    agency, base = name.split("/")
    if agency == "health":
        year, month = re.match(r"health_(\d{4})_(\d{2})", base).groups()
        return agency, date(int(year), int(month), 1)
    digits = re.search(r"_(\d{8})", base).group(1)
    return agency, date(int(digits[:4]), int(digits[4:6]), int(digits[6:]))


def test_the_deliveries_sheet_counts_the_release_files_of_each_month(published, query, tmp_path):
    import json

    from pipelines.publish import published_release

    settings, _ = published
    [path] = write_report(settings.published_db, PERIOD, formats=["xlsx"], out=tmp_path)
    sheet = openpyxl.load_workbook(path)["Tình hình báo cáo"]
    manifest = json.loads((settings.releases_dir / published_release(settings)["release_id"] / "manifest.json").read_text())
    months = query("select period_id, label_vi, start_date, end_date from dim_period where calendar = 'reporting' "
                   "and period_type = 'month' and start_date >= '2025-06-15' and end_date <= '2025-12-14' order by start_date")
    covered = {(r["agency"], r["period_id"]) for r in query(
        "select distinct i.agency, v.period_id from indicator_values v join dim_indicator i using (indicator_code) "
        "where v.area_id = '01'")}
    files = [file_day(d["file_name"]) for d in manifest["deliveries"]]
    rows = rows_after_header(sheet, "Cơ quan")
    assert len(rows) == 4 * len(months) == 24
    for (agency, name), row in zip([(a, n) for a, n in AGENCY_VI.items() for _ in months], rows):
        month = months[rows.index(row) % len(months)]
        assert row[0] == name and row[1] == month["label_vi"]
        assert row[3] == ("Có" if (agency, month["period_id"]) in covered else "Chưa có"), (agency, month)
        if agency == "health":
            expected = sum(1 for a, d in files if a == agency and (d.year, d.month) ==
                           (month["end_date"].year, month["end_date"].month))
        else:
            expected = sum(1 for a, d in files if a == agency and month["start_date"] <= d <= month["end_date"])
        assert row[4] == expected, (agency, month["period_id"])
    assert any(r[3] == "Chưa có" for r in rows if r[0] == "Sở Y tế"), "health months were meant to be missing"
    notes = [c.value for row in sheet.iter_rows() for c in row if isinstance(c.value, str)]
    assert any("manifest.json" in n for n in notes)


def test_without_a_revision_log_the_sheet_says_so(published, tmp_path):
    settings, _ = published
    [path] = write_report(settings.published_db, PERIOD, formats=["xlsx"], out=tmp_path)
    sheet = openpyxl.load_workbook(path)["Điều chỉnh"]
    texts = [c.value for row in sheet.iter_rows() for c in row if isinstance(c.value, str)]
    assert any("chưa có sổ theo dõi điều chỉnh" in t for t in texts)
    assert not [c for row in sheet.iter_rows() for c in row if isinstance(c.value, (int, float))]


@pytest.fixture
def release_with_registers(published, tmp_path):
    """A copy of the release with `revisions` and `submissions` tables as the contract (v2)
    describes them (issue 13 adds them to the warehouse)."""
    settings, _ = published
    copy = tmp_path / "release" / "marts.duckdb"
    copy.parent.mkdir()
    shutil.copyfile(settings.published_db, copy)
    con = duckdb.connect(str(copy))
    con.execute("""
        create table revisions as
        select release_id, 'previous-release' as previous_release_id, indicator_code, area_id, period_id, sex,
               value + 3 as previous_value, NULL::VARCHAR as previous_flag, value, flag,
               'revised' as change, 'late_records,source_revision' as causes
        from indicator_values where period_id = 'R2025-H2' and sex = 'T' and area_id = '01'
          and indicator_code in ('VIO_CASES', 'SUP_RECORDS')
        union all
        (select release_id, 'previous-release', indicator_code, area_id, period_id, sex, 7, NULL, NULL, 'suppressed',
                'suppression', 'disclosure'
         from indicator_values where period_id = 'R2025-H2' and sex = 'T' and flag = 'suppressed'
           and indicator_code = 'VIO_SELLERS' order by area_id limit 1)
    """)
    con.execute("""
        create table submissions as
        select a.agency, p.period_id, p.end_date + 7 as due_date,
               case when a.agency = 'health' then 'missing' else 'on_time' end as status,
               case when a.agency = 'health' then NULL else (p.end_date + 3)::TIMESTAMPTZ end as received_at,
               NULL::INTEGER as latest_version, case when a.agency = 'health' then 0 else 1 end as files_accepted,
               0 as files_rejected
        from (values ('police'), ('health')) a(agency), dim_period p
        where p.calendar = 'reporting' and p.period_type = 'month' and p.start_date >= '2025-06-15'
          and p.end_date <= '2025-12-14'
    """)
    con.close()
    return copy


def test_revisions_and_submissions_are_listed_once_the_release_has_them(release_with_registers, tmp_path):
    [path] = write_report(release_with_registers, PERIOD, formats=["xlsx"], out=tmp_path)
    book = openpyxl.load_workbook(path)
    revised = rows_after_header(book["Điều chỉnh"], "Chỉ tiêu")
    by_name = {r[0]: r for r in revised}
    cases = by_name["Số vụ việc phát hiện"]
    assert cases[1] == "Thành phố Hà Nội" and cases[2] == cases[3] + 3 and cases[4] == "Điều chỉnh"
    assert cases[5] == "bổ sung hồ sơ nộp muộn, đơn vị sửa số liệu đã gửi"
    sellers = by_name["Số người bán dâm"]
    assert sellers[2] == 7 and sellers[3] == "x"  # the new figure is hidden: its symbol, never a number
    assert len(revised) == 3
    submitted = rows_after_header(book["Tình hình báo cáo"], "Cơ quan")
    assert len(submitted) == 12
    assert {r[3] for r in submitted if r[0] == "Sở Y tế"} == {"Chưa nộp"}
    assert {r[3] for r in submitted if r[0] == "Công an thành phố"} == {"Đúng hạn"}
