"""The hand-made raw rows every dbt test module reads, as ingestion would have loaded them.

Two parts. AREA_* rows exercise area resolution and the revision rules (every form of a name, the
Từ Liêm split, the 2025 reform, contradictions). The 2024 story exercises the facts and the
indicators, in districts the first part leaves alone (004 Long Biên, 005 Cầu Giấy, 007 Hai Bà
Trưng, 008 Hoàng Mai):

- police: cases on 14 and 15 March 2024 (either side of the reporting cut-off), a revision of a
  fine in a later export, a seller detected in two districts, six sellers in Long Biên;
- culture: an inspection at 23:30 UTC on 14 March, i.e. 15 March in Hanoi;
- health: workbooks for March and May 2024 (calendar months; May in two versions) and for the
  reporting month R2024-07 (15 June – 14 July);
- labour: support 180 and 181 days after a detection, and for five of the six Long Biên sellers.
"""

from __future__ import annotations

from datetime import date, datetime, timezone

from pipelines.warehouse import LINEAGE_COLUMNS, RAW_TABLES

LOADED_AT = datetime.now(timezone.utc)

# -- part 1: areas and revisions ------------------------------------------------------------
AREA_POLICE_FILE = "police/police_cases_20250710.csv"
AREA_POLICE_REVISION_FILE = "police/police_cases_20250701.csv"
AREA_HEALTH_FILE = "health/health_2024_03.xlsx"
AREA_CULTURE_FILE = "culture/culture_inspections_20240311.jsonl"
AREA_LABOR_FILE = "labor/labor_support_20240701.csv"

# (line_no, area_code, area_name, detected_on, role, sex): what the police sent, in every form.
AREA_POLICE = [
    (2, "006", "Q. Đống Đa", date(2024, 3, 5), "người bán dâm", "Nữ"),
    (3, None, "quan dong da", date(2024, 3, 14), "NGƯỜI MUA DÂM", "nam"),
    (4, "006", "Ba Đình", date(2024, 3, 15), "chủ chứa", "Nam"),
    (5, "019", None, date(2013, 12, 27), "người bán dâm", "Nữ"),
    (6, "019", None, date(2013, 12, 28), "người bán dâm", "Nữ"),
    (7, None, "Phường Láng", date(2025, 7, 2), "người môi giới", "Nam"),
    (8, "00004", None, date(2025, 6, 30), "người qua đường", "Nữ"),
]
# A revision of line 2 in an export dated earlier but updated later: it cancels the pair.
AREA_POLICE_REVISION = (2, "006", "Q. Đống Đa", date(2024, 3, 5), "người bán dâm", "Nữ")
AREA_HEALTH = [  # (line_no, area_name): the March 2024 workbook, calendar month
    (6, "Quận Ba Đình"),
    (7, "Huyện Ứng Hoà"),
    (8, "Quận Hoa Sen"),
]
AREA_CULTURE = [  # (line_no, area_code, area_name, inspected_at, inspected_on, team, findings)
    # 23:30 UTC on the 9th is the 10th in Hanoi
    (1, "005", "cau giay", datetime(2024, 3, 9, 23, 30, tzinfo=timezone.utc), date(2024, 3, 10),
     "LN178", ["MD01", "AN01"]),
    (2, None, "Q. Thanh Xuân", None, date(2021, 5, 13), "tts", []),   # schema v1: a date only
]
AREA_LABOR = [  # (line_no, area_code, area_name, support_started_on, support_kind)
    (2, "00181", "P. Văn Miếu - Quốc Tử Giám", date(2023, 8, 26), "tro_cap_xa_hoi"),
    (3, None, "Hai Bà Trưng", date(2024, 6, 3), "gioi_thieu_viec_lam"),
]

# -- part 2: the 2024 story -----------------------------------------------------------------
POLICE_FILE = "police/police_cases_20240601.csv"
POLICE_REVISION_FILE = "police/police_cases_20240610.csv"
LONG_BIEN_SELLERS = [f"lb{n}" for n in range(1, 7)]
# (line_no, case_id, detected_on, area_code, person, role, handling, sex, fine_vnd)
POLICE = [
    (2, "K1", date(2024, 3, 14), "007", "s1", "người bán dâm", "Xử phạt hành chính", "Nữ", 1_500_000),
    (3, "K2", date(2024, 3, 15), "007", "s2", "người bán dâm", "Xử phạt hành chính", "Nữ", 2_000_000),
    (4, "K2", date(2024, 3, 15), "007", "b1", "người mua dâm", "Xử phạt hành chính", "Nam", 3_000_000),
    (5, "K3", date(2024, 4, 20), "008", "o1", "người tổ chức", "Khởi tố hình sự", "Nam", None),
    (6, "K3", date(2024, 4, 20), "008", "s1", "người bán dâm", "Xử phạt hành chính", "Nữ", 1_000_000),
] + [
    (10 + n, "K4", date(2024, 5, 6), "004", person, "người bán dâm", "Xử phạt hành chính", "Nữ", 500_000)
    for n, person in enumerate(LONG_BIEN_SELLERS)
]
# b1's fine corrected in a later export (updated later): 3.5 million, not 3.
POLICE_REVISION = (7, "K2", date(2024, 3, 15), "007", "b1", "người mua dâm", "Xử phạt hành chính", "Nam", 3_500_000)

CULTURE_FILE = "culture/culture_inspections_20240320.jsonl"
# 23:30 UTC on 14 March is 15 March in Hanoi: ingestion dates it by the local day.
CULTURE = (1, "VH-3", "005", None, datetime(2024, 3, 14, 23, 30, tzinfo=timezone.utc), date(2024, 3, 15),
           "LN178", ["MD02"], 10_000_000, "revoked")
CULTURE_BAD = (2, "VH-4", "005", None, None, date(2024, 3, 16), "Đoàn 3", [], 0, "none")  # unknown team

HEALTH_MAY_FILE = "health/health_2024_05.xlsx"
HEALTH_MAY_V2_FILE = "health/health_2024_05_v2.xlsx"
HEALTH_R07_FILE = "health/health_2024_07.xlsx"

LABOR_FILE = "labor/labor_support_20241001.csv"
# (line_no, record_id, person, area_code, started_on, kind, outcome)
LABOR = [
    (2, "HS-s1", "s1", "007", date(2024, 9, 10), "hoc_nghe", "viec_lam_on_dinh"),   # 180 days after 14/03
    (3, "HS-s2", "s2", "007", date(2024, 9, 12), "hoc_nghe", None),                 # 181 days after 15/03
] + [
    (4 + n, f"HS-{person}", person, "004", date(2024, 6, 1), "gioi_thieu_viec_lam", None)
    for n, person in enumerate(LONG_BIEN_SELLERS[:5])
]
LABOR_BAD = (20, "HS-x", "x1", "004", date(2024, 6, 1), "du_lich", None)   # unknown kind

# ops.deliveries of the files above, and the one row ingestion itself quarantined.
INGESTION_QUARANTINED = (AREA_POLICE_FILE, 9, "'Ngày phát hiện' is not a date: '31/02/2025'",
                         '{"Mã vụ việc": "CA-HN-000009", "Số định danh": "***"}')


def _lineage(source_file: str, line_no: int, file_date: date, file_seq: int = 1) -> dict:
    return {"source_file": source_file, "line_no": line_no, "file_sha256": source_file.ljust(64, "0")[:64],
            "file_date": file_date, "file_seq": file_seq, "loaded_at": LOADED_AT}


def _insert(con, table: str, rows: list[dict]) -> None:
    columns = [*RAW_TABLES[table], *LINEAGE_COLUMNS]
    placeholders = ", ".join("?" for _ in columns)
    con.executemany(
        f"insert into raw.{table} ({', '.join(columns)}) values ({placeholders})",
        [[row.get(column) for column in columns] for row in rows],
    )


def _area_police_row(source_file, file_date, line, code, name, detected, role, sex, status, updated_at):
    return {**_lineage(source_file, line, file_date), "case_id": f"CA-HN-{line:06d}",
            "detected_on": detected, "area_code": code, "area_name": name, "offence": "bán dâm",
            "handling": "Xử phạt hành chính", "person_pseudonym": f"p{line}", "sex": sex,
            "role": role, "record_status": status, "updated_at": updated_at}


def _police_row(source_file, file_date, line, case, detected, code, person, role, handling, sex, fine, updated_at):
    return {**_lineage(source_file, line, file_date), "case_id": case, "detected_on": detected,
            "area_code": code, "area_name": None, "offence": "bán dâm", "handling": handling,
            "fine_vnd": fine, "person_pseudonym": person, "birth_year": 1995, "sex": sex, "role": role,
            "record_status": "Hiệu lực", "updated_at": updated_at}


def _health_row(source_file, version, line, year, month, start, end, area_name, counts):
    female, male, tested, positive, condoms = counts
    return {**_lineage(source_file, line, end, version), "report_year": year, "report_month": month,
            "period_start": start, "period_end": end, "version": version, "row_number": line - 5,
            "area_name": area_name, "reached_female": female, "reached_male": male,
            "hiv_tested": tested, "hiv_positive": positive, "art_initiated": 0, "sti_examined": 1,
            "methadone_enrolled": 0, "condoms": condoms}


def _inspection_row(source_file, file_date, line, inspection, code, name, at, on, team, findings, penalty, action):
    return {**_lineage(source_file, line, file_date), "inspection_id": inspection,
            "schema_version": 2 if at else 1, "inspected_at": at, "inspected_on": on, "team": team,
            "area_code": code, "area_name": name, "finding_codes": findings, "penalty_vnd": penalty,
            "license_action": action}


def _labor_row(source_file, file_date, line, record, person, code, started, kind, outcome, sex="nu"):
    return {**_lineage(source_file, line, file_date), "record_id": record, "person_pseudonym": person,
            "sex": sex, "area_code": code, "area_name": None, "support_kind": kind,
            "support_started_on": started, "followup_outcome": outcome,
            "followed_up_on": date(2025, 3, 1) if outcome else None}


def write_raw_rows(con) -> None:
    """Every raw row above, and the deliveries register that ingestion would have written."""
    _insert(con, "police_case_persons", [
        _area_police_row(AREA_POLICE_FILE, date(2025, 7, 10), *row, "Hiệu lực", datetime(2025, 7, 9, 8, 0))
        for row in AREA_POLICE
    ] + [
        _area_police_row(AREA_POLICE_REVISION_FILE, date(2025, 7, 1), *AREA_POLICE_REVISION, "Huỷ",
                         datetime(2025, 7, 9, 8, 30))
    ] + [
        _police_row(POLICE_FILE, date(2024, 6, 1), *row, datetime(2024, 5, 31, 9, 0)) for row in POLICE
    ] + [
        _police_row(POLICE_REVISION_FILE, date(2024, 6, 10), *POLICE_REVISION, datetime(2024, 6, 9, 9, 0))
    ])

    march = (date(2024, 3, 1), date(2024, 3, 31))
    _insert(con, "health_monthly_reports", [
        _health_row(AREA_HEALTH_FILE, 1, line, 2024, 3, *march, name, (3, 1, 2, 0, 100))
        for line, name in AREA_HEALTH
    ] + [
        # May: v1 is replaced by v2 whatever the order of arrival
        _health_row(HEALTH_MAY_FILE, 1, 6, 2024, 5, date(2024, 5, 1), date(2024, 5, 31), "Quận Ba Đình", (50, 50, 50, 5, 999)),
        _health_row(HEALTH_MAY_V2_FILE, 2, 6, 2024, 5, date(2024, 5, 1), date(2024, 5, 31), "Quận Ba Đình", (4, 2, 10, 1, 300)),
        _health_row(HEALTH_MAY_V2_FILE, 2, 7, 2024, 5, date(2024, 5, 1), date(2024, 5, 31), "Quận Long Biên", (6, 0, 8, 0, 200)),
        # July in the reporting calendar (15/06 – 14/07)
        _health_row(HEALTH_R07_FILE, 1, 6, 2024, 7, date(2024, 6, 15), date(2024, 7, 14), "Quận Ba Đình", (7, 3, 20, 2, 400)),
    ])

    _insert(con, "culture_inspections", [
        _inspection_row(AREA_CULTURE_FILE, date(2024, 3, 11), line, f"VH-{line}", code, name, at, on, team, findings, 0, "none")
        for line, code, name, at, on, team, findings in AREA_CULTURE
    ] + [
        _inspection_row(CULTURE_FILE, date(2024, 3, 20), *row) for row in (CULTURE, CULTURE_BAD)
    ])

    _insert(con, "labor_support_records", [
        {**_lineage(AREA_LABOR_FILE, line, date(2024, 7, 1)), "record_id": f"HS-{line}",
         "person_pseudonym": f"p{line}", "sex": "nu", "area_code": code, "area_name": name,
         "support_kind": kind, "support_started_on": started}
        for line, code, name, started, kind in AREA_LABOR
    ] + [
        _labor_row(LABOR_FILE, date(2024, 10, 1), *row) for row in (*LABOR, LABOR_BAD)
    ])

    _write_deliveries(con)


def _write_deliveries(con) -> None:
    """ops.deliveries as ingestion leaves it: rows_read = the raw rows + its own quarantined rows."""
    con.execute("""
        insert into ops.deliveries
        select source_file, split_part(source_file, '/', 1), any_value(file_sha256), ?, 'accepted', null,
               count(*), count(*), 0
        from (
            select source_file, file_sha256 from raw.police_case_persons
            union all select source_file, file_sha256 from raw.health_monthly_reports
            union all select source_file, file_sha256 from raw.culture_inspections
            union all select source_file, file_sha256 from raw.labor_support_records
        )
        group by source_file
    """, [LOADED_AT])
    file_name, line_no, reason, raw = INGESTION_QUARANTINED
    con.execute("insert into ops.quarantine values (?, ?, ?, ?)", [file_name, line_no, reason, raw])
    con.execute("update ops.deliveries set rows_read = rows_read + 1, rows_quarantined = 1 where file_name = ?",
                [file_name])
