"""The labour reader, through `ingest()` on support registers written here."""

from __future__ import annotations

import json
from datetime import date

import polars as pl
import pytest

from pipelines.ingest import labor
from pipelines.ingest.base import Delivery, ReadContext
from pipelines.personal import MASK
from pipelines.warehouse import RAW_TABLES

POLARS = {"VARCHAR": pl.String, "DATE": pl.Date, "SMALLINT": pl.Int16}

NAME = "labor_support_20240520.csv"
FILE = f"labor/{NAME}"

EXPECTED_ROW = {
    "record_id": "HS-2024-00029",
    "sex": "nu",
    "birth_year": 1995,
    "area_code": "006",
    "area_name": "Đống Đa",
    "support_kind": "hoc_nghe",
    "support_started_on": date(2024, 2, 15),
    "followup_outcome": None,
    "followed_up_on": None,
}


def loaded(bench) -> list[dict]:
    return bench.rows("SELECT * FROM raw.labor_support_records ORDER BY source_file, line_no")


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-8", "cp1258"])
@pytest.mark.parametrize("delimiter", [",", ";"])
@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_the_register_reads_the_same_in_every_encoding_and_delimiter(bench, encoding, delimiter, newline):
    bench.deliver("labor", NAME, bench.labor_csv([bench.labor_row()], encoding=encoding, delimiter=delimiter, newline=newline))
    [outcome] = bench.ingest(["labor"]).files
    assert outcome.status == "accepted"
    [row] = loaded(bench)
    assert {k: row[k] for k in EXPECTED_ROW} == EXPECTED_ROW
    assert row["person_pseudonym"] == bench.pseudonym("001092560953")
    assert (row["source_file"], row["line_no"]) == (FILE, 2)


def test_follow_up_and_nfd_area_names(bench):
    rows = [
        bench.labor_row(followup_outcome="viec_lam_on_dinh", followed_up_on="2024-05-02", area_name="P. Văn Miếu - Quốc Tử Giám"),
        bench.labor_row(record_id="HS-2024-00030", area_code="", area_name="Xã Thụy An"),
    ]
    bench.deliver("labor", NAME, bench.labor_csv(rows, form="NFD"))
    bench.ingest(["labor"])
    first, second = loaded(bench)
    assert (first["followup_outcome"], first["followed_up_on"]) == ("viec_lam_on_dinh", date(2024, 5, 2))
    assert first["area_name"] == "P. Văn Miếu - Quốc Tử Giám"
    assert (second["area_code"], second["area_name"]) == (None, "Xã Thụy An")


def test_headers_in_another_order_with_extra_columns_and_upper_case(bench):
    header = ["stt", *(h.upper() for h in reversed(bench.LABOR_HEADER)), "ghi_chu"]
    row = bench.labor_row()
    data = bench.csv_bytes(header, [["7", *(row[h] for h in reversed(bench.LABOR_HEADER)), "x"]])
    bench.deliver("labor", NAME, data)
    bench.ingest(["labor"])
    [got] = loaded(bench)
    assert {k: got[k] for k in EXPECTED_ROW} == EXPECTED_ROW


def test_identity_numbers_in_every_spelling(bench):
    spellings = ["026.301.204.981", "0263 0120 4981", "026301204981", "026.301 204981"]
    rows = [bench.labor_row(record_id=f"HS-{i}", identity_number=s) for i, s in enumerate(spellings)]
    rows.append(bench.labor_row(record_id="HS-9", identity_number="012 345 678"))
    bench.deliver("labor", NAME, bench.labor_csv(rows))
    bench.ingest(["labor"])
    assert [r["person_pseudonym"] for r in loaded(bench)] == [bench.pseudonym("026301204981")] * 4 + [
        bench.pseudonym("012345678")
    ]


def test_the_same_person_has_the_same_pseudonym_in_police_and_labour(bench):
    bench.deliver("police", "police_cases_20240105.csv", bench.police_csv(
        [bench.police_row(identity_number="036.301.921.843")], encoding="cp1258", delimiter=";"))
    bench.deliver("labor", NAME, bench.labor_csv([bench.labor_row(identity_number="036 301 921 843")]))
    bench.ingest()
    [police] = bench.rows("SELECT person_pseudonym FROM raw.police_case_persons")
    [labor] = bench.rows("SELECT person_pseudonym FROM raw.labor_support_records")
    assert police == labor == {"person_pseudonym": bench.pseudonym("036301921843")}


def test_missing_required_column_rejects_the_file(bench):
    header = [h for h in bench.LABOR_HEADER if h != "ngay_ho_tro"]
    bench.deliver("labor", NAME, bench.csv_bytes(header, [bench.labor_row()]))
    [outcome] = bench.ingest(["labor"]).files
    assert outcome.status == "rejected"
    assert outcome.reason == f"{NAME}: required column 'ngay_ho_tro' missing; found: {', '.join(header)}"


def test_several_missing_required_columns_are_all_named(bench):
    header = [h for h in bench.LABOR_HEADER if h not in ("ma_ho_so", "so_dinh_danh")]
    bench.deliver("labor", NAME, bench.csv_bytes(header, [bench.labor_row()]))
    [outcome] = bench.ingest(["labor"]).files
    assert outcome.reason == (
        f"{NAME}: required columns 'ma_ho_so', 'so_dinh_danh' missing; found: {', '.join(header)}"
    )


def test_bad_rows_are_quarantined(bench):
    bad = {
        3: (bench.labor_row(record_id=" "), "'ma_ho_so' is empty: a value is required"),
        4: (bench.labor_row(support_started_on="15/02/2024"), "'ngay_ho_tro' = '15/02/2024': expected a date yyyy-mm-dd"),
        5: (bench.labor_row(support_started_on="2024-02-30"), "'ngay_ho_tro' = '2024-02-30': expected a date yyyy-mm-dd"),
        6: (bench.labor_row(support_started_on="2009-12-31"), "'ngay_ho_tro' = '2009-12-31': before 2010-01-01"),
        7: (bench.labor_row(support_started_on="2024-06-02"),
            "'ngay_ho_tro' = '2024-06-02': after 2024-06-01, the day the file was first seen"),
        8: (bench.labor_row(followed_up_on="2024/05/02"), "'ngay_theo_doi' = '2024/05/02': expected a date yyyy-mm-dd"),
        9: (bench.labor_row(birth_year="199x"), "'nam_sinh' = '199x': expected a year of birth yyyy between 1900 and 2024"),
        10: (bench.labor_row(identity_number="0010925609531"),
             "'so_dinh_danh': unreadable identity number (expected 9 or 12 digits)"),
        11: (bench.labor_row(sex=""), "'gioi_tinh' is empty: a value is required"),
        12: (bench.labor_row(support_kind=""), "'loai_ho_tro' is empty: a value is required"),
        13: (bench.labor_row(area_code="", area_name=""),
             "'ma_dvhc' and 'dia_ban' are both empty: the area needs a code or a name"),
    }
    rows = [bench.labor_row()] + [row for row, _ in bad.values()]
    bench.deliver("labor", NAME, bench.labor_csv(rows))
    [outcome] = bench.ingest(["labor"]).files
    assert (outcome.rows_read, outcome.rows_loaded, outcome.rows_quarantined) == (12, 1, 11)
    quarantined = bench.quarantine()
    assert {q["line_no"]: q["reason"] for q in quarantined} == {line: reason for line, (_, reason) in bad.items()}
    for q in quarantined:
        raw = json.loads(q["raw"])
        assert q["file_name"] == FILE
        assert raw["so_dinh_danh"] == MASK
        assert raw["ma_ho_so"] == bad[q["line_no"]][0]["ma_ho_so"]
        assert set(raw) == set(bench.LABOR_HEADER)


def test_categories_are_not_validated_here(bench):
    bench.deliver("labor", NAME, bench.labor_csv([bench.labor_row(support_kind="Học nghề", followup_outcome="??")]))
    bench.ingest(["labor"])
    [row] = loaded(bench)
    assert (row["support_kind"], row["followup_outcome"]) == ("Học nghề", "??")


def test_a_short_row_is_quarantined_and_its_identity_masked_where_it_moved(bench):
    values = list(bench.labor_row().values())
    data = bench.csv_bytes(bench.LABOR_HEADER, [values, values[:1] + values[2:], values])
    bench.deliver("labor", NAME, data)
    bench.ingest(["labor"])
    assert [r["line_no"] for r in loaded(bench)] == [2, 4]
    [q] = bench.quarantine()
    assert (q["line_no"], q["reason"]) == (3, "expected 10 fields as in the header, found 9")
    raw = json.loads(q["raw"])
    # One field short: everything within one place of the identity number is masked.
    assert raw["ma_ho_so"] == raw["so_dinh_danh"] == raw["gioi_tinh"] == MASK
    assert raw["nam_sinh"] == values[4]


def test_rows_have_exactly_the_raw_columns_and_their_types(bench):
    path = bench.deliver("labor", NAME, bench.labor_csv([bench.labor_row(followed_up_on="2024-05-01")]))
    delivery = Delivery("labor", path, FILE, "0" * 64, date(2024, 5, 20), 1, bench.NOW)
    [batch] = labor.read(delivery, ReadContext(bench.settings, bench.settings.work_dir / "t"))
    table = RAW_TABLES["labor_support_records"]
    assert batch.rows.schema == pl.Schema({"line_no": pl.Int32, **{c: POLARS[t.split()[0]] for c, t in table.items()}})
    assert batch.rows.height == 1
