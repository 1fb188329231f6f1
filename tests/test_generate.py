"""The sample-delivery generator: deterministic, streaming, and faithful to the contract.

The files are read back here with small parsers of the tests' own (not pipelines.ingest),
so that the generator's truth is checked against what the files actually say.
"""

from __future__ import annotations

import csv
import io
import json
import re
import tracemalloc
import unicodedata
from collections import defaultdict
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import openpyxl
import pytest

from pipelines.config import REFERENCE_SEEDS_DIR
from pipelines.contract import FILE_PATTERNS, HEALTH_COLUMNS, HEALTH_TOTAL_LABEL, LABOR_COLUMNS, POLICE_COLUMNS
from pipelines.generate import build_truth, generate
from pipelines.generate.schedule import (BAD_FILES, CULTURE_BAD_LINES, HEALTH_BAD_VERSIONS, LABOR_BAD_ROWS,
                                         POLICE_BAD_ROWS)
from pipelines.generate.vietnamese import cp1258_spelling

HANOI = timezone(timedelta(hours=7))
TONE_MARKS = "\u0300\u0301\u0303\u0309\u0323"


@pytest.fixture(scope="module")
def delivered(tmp_path_factory):
    """The default demo: seed 42, scale 1, January 2013 to November 2026."""
    return generate(tmp_path_factory.mktemp("landing"), with_truth=True)


def _path(summary, file_name: str) -> Path:
    return summary.landing_dir / file_name


def _accepted(summary, agency: str) -> list[Path]:
    return sorted(_path(summary, d.file_name) for d in summary.files(agency) if d.expected == "accepted")


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def _header_key(name: str) -> str:
    return re.sub(r"\s+", " ", _nfc(name)).strip().casefold()


def _decode(data: bytes) -> tuple[str, str]:
    """UTF-8 (BOM or not), else Windows-1258: how a police export must be decoded."""
    try:
        text = data.decode("utf-8")
        return ("utf-8-sig", text[1:]) if text.startswith("\ufeff") else ("utf-8", text)
    except UnicodeDecodeError:
        return "cp1258", data.decode("cp1258")


def _police_rows(path: Path):
    """(line number, {contract header: NFC value}) of a police export."""
    encoding, text = _decode(path.read_bytes())
    first = text.splitlines()[0]
    rows = csv.reader(io.StringIO(text, newline=""), delimiter=";" if first.count(";") > first.count(",") else ",")
    keys = {_header_key(c): c for c in POLICE_COLUMNS}
    header = [keys.get(_header_key(h)) for h in next(rows)]
    for line_no, row in enumerate(rows, start=2):
        yield line_no, {h: _nfc(v).strip() for h, v in zip(header, row) if h}


def _bad_lines(summary) -> set[tuple[str, int]]:
    return {(b.file_name, b.line_no) for b in summary.bad_rows}


# -- determinism --------------------------------------------------------------------------
def test_same_arguments_give_byte_identical_files(delivered, tmp_path):
    again = generate(tmp_path / "again")
    first = {p.relative_to(delivered.landing_dir): p.read_bytes() for p in delivered.landing_dir.rglob("*") if p.is_file()}
    second = {p.relative_to(again.landing_dir): p.read_bytes() for p in again.landing_dir.rglob("*") if p.is_file()}
    assert first.keys() == second.keys()
    assert [name for name in first if first[name] != second[name]] == []
    assert again.deliveries == delivered.deliveries and again.bad_rows == delivered.bad_rows


def test_the_seed_matters_and_build_truth_writes_nothing_but_agrees(tmp_path):
    window = {"date_from": date(2025, 5, 1), "date_to": date(2025, 8, 31)}
    a = generate(tmp_path / "a", seed=1, with_truth=True, **window)
    b = generate(tmp_path / "b", seed=2, **window)
    name = a.files("police")[0].name
    assert (tmp_path / "a/police" / name).read_bytes() != (tmp_path / "b/police" / name).read_bytes()
    assert build_truth(seed=1, **window) == a.truth
    assert a.truth.police and a.truth.inspections and a.truth.labor and a.truth.health


# -- encodings ----------------------------------------------------------------------------
def test_cp1258_spelling_round_trips_every_vietnamese_letter():
    letters = "aăâeêioôơuưy"
    text = " ".join(_nfc(v + t) for v in letters + letters.upper() for t in ("",) + tuple(TONE_MARKS)) + " đĐ"
    with pytest.raises(UnicodeEncodeError):
        text.encode("cp1258")  # precomposed Vietnamese is not in the code page
    encoded = cp1258_spelling(text).encode("cp1258")
    assert _nfc(encoded.decode("cp1258")) == text


def test_cp1258_exports_are_genuine_windows_1258(delivered):
    cp1258 = []
    for path in _accepted(delivered, "police"):
        data = path.read_bytes()
        encoding, text = _decode(data)
        if encoding == "cp1258":
            cp1258.append(path)
            assert any(mark in text for mark in TONE_MARKS)  # tones as combining marks, the cp1258 way
            composed = _nfc(text)
            assert not any(unicodedata.combining(ch) for ch in composed), path.name
            assert cp1258_spelling(composed).encode("cp1258") == data
            header = composed.splitlines()[0].split(";")
            assert {_header_key(h) for h in header} >= {_header_key(c) for c in POLICE_COLUMNS}
    assert len(cp1258) >= 10
    assert any(b"\r\n" in p.read_bytes() for p in cp1258)


# -- health report forms ------------------------------------------------------------------
_MERGED = {"A1:J1", "A2:J2", "A4:A5", "B4:B5", "C4:D4", "E4:F4", "G4:G5", "H4:H5", "I4:I5", "J4:J5"}
_PERIOD = re.compile(r"Kỳ báo cáo: tháng (\d\d)/(\d{4}) \(từ (\d\d/\d\d/\d{4}) đến (\d\d/\d\d/\d{4})\)$")


def _form(path: Path, layout: bool = False):
    """The form's rows (values only), period, figures (empty and '-' as 0) and column sums;
    with layout, the workbook too (merged cells need the slower full load)."""
    book = openpyxl.load_workbook(path, read_only=not layout)
    rows = list(book.worksheets[0].iter_rows(values_only=True))
    month, year, start, end = _PERIOD.match(rows[1][0]).groups()
    start, end = (datetime.strptime(d, "%d/%m/%Y").date() for d in (start, end))
    data = [[0 if v in (None, "-") else v for v in row[2:]] for row in rows[5:-1]]
    sums = [sum(column) for column in zip(*data)]
    return book, rows, (int(year), int(month), start, end), data, sums


def _periods(year: int, month: int) -> tuple[tuple[date, date], tuple[date, date]]:
    first = date(year, month, 1)
    last = (first + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    cut_off = ((first - timedelta(days=1)).replace(day=15), first.replace(day=14))
    return (first, last), cut_off


def test_report_forms_have_the_template_layout_and_correct_totals(delivered):
    forms = _accepted(delivered, "health")
    assert len([p for p in forms if re.fullmatch(r"health_\d{4}_\d\d\.xlsx", p.name)]) == 167  # one per month
    periods, units, cells = set(), set(), set()
    for path in forms:
        book, rows, (year, month, start, end), data, sums = _form(path)
        assert rows[0][0].startswith("BÁO CÁO") and rows[2] == (None,) * 10
        header = [(rows[3][i] or rows[3][i - 1], rows[4][i]) for i in range(10)]
        assert header == list(HEALTH_COLUMNS)
        assert rows[-1][1] == HEALTH_TOTAL_LABEL and list(rows[-1][2:]) == sums
        calendar, cut_off = _periods(year, month)
        assert (start, end) in (calendar, cut_off)
        periods.add("calendar" if (start, end) == calendar else "cut_off")
        expected_units = 29 if end < date(2013, 12, 28) else 30 if end < date(2025, 7, 1) else 126
        assert len(data) == expected_units, path.name
        units.add(expected_units)
        cells |= {type(c).__name__ if c != "-" else "-" for row in rows[5:-1] for c in row[2:]}
    assert periods == {"calendar", "cut_off"} and units == {29, 30, 126} and cells == {"NoneType", "-", "int"}
    assert {"_v2", "_v3"} <= {re.search(r"_v\d", p.name).group() for p in forms if "_v" in p.name}

    # The layout, as openpyxl sees it, of forms from each era, both periods and both sheets.
    for path in forms[:: len(forms) // 12]:
        book = _form(path, layout=True)[0]
        assert {str(r) for r in book.worksheets[0].merged_cells.ranges} == _MERGED
        assert [s.title for s in book.worksheets][1:] in ([], ["Ghi chú"])


def test_bad_report_forms_are_bad_in_the_way_they_say(delivered):
    bad = {d.what.removeprefix("bad: "): _path(delivered, d.file_name)
           for d in delivered.files("health") if d.expected == "rejected"}
    assert set(bad) == set(HEALTH_BAD_VERSIONS) | {"misnamed"}
    _, rows, _, _, sums = _form(bad["total_mismatch"])
    assert list(rows[-1][2:]) != sums
    year, month, start, end = _form(bad["neither_calendar"])[2]
    assert (start, end) not in _periods(year, month)
    with pytest.raises(Exception):
        openpyxl.load_workbook(bad["truncated"])
    assert not re.match(FILE_PATTERNS["health"], bad["misnamed"].name)
    for kind in HEALTH_BAD_VERSIONS:  # each is a later version of a month that has a good one
        assert (delivered.landing_dir / "health" / f"{bad[kind].name[:14]}.xlsx").exists()


# -- streaming ----------------------------------------------------------------------------
def test_memory_stays_flat_while_scale_grows(tmp_path):
    window = {"date_from": date(2024, 12, 1), "date_to": date(2025, 1, 31)}
    generate(tmp_path / "warm", scale=0.1, **window)  # load the reference data once
    peaks, sizes = {}, {}
    for scale in (1, 16):
        tracemalloc.start()
        generate(tmp_path / f"scale{scale}", scale=scale, **window)
        peaks[scale] = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        sizes[scale] = sum(p.stat().st_size for p in (tmp_path / f"scale{scale}").rglob("*") if p.is_file())
    assert sizes[16] > 6 * sizes[1]
    assert peaks[16] < 1.3 * peaks[1] + 256 * 1024, peaks


# -- bad input ----------------------------------------------------------------------------
def _units() -> list[dict[str, str]]:
    with open(REFERENCE_SEEDS_DIR / "admin_units.csv", encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def _valid(unit: dict[str, str], day: date) -> bool:
    return unit["valid_from"] <= day.isoformat() and (not unit["valid_to"] or day.isoformat() <= unit["valid_to"])


def _parses(text: str, form: str) -> bool:
    try:
        datetime.strptime(text, form)
    except ValueError:
        return False
    return True


def test_every_kind_of_bad_row_is_there_and_is_bad(delivered):
    units = _units()
    names = {u["name"] for u in units}

    def police_is_bad(kind: str, row: dict[str, str]) -> bool:
        day = datetime.strptime(row["Ngày phát hiện"], "%d/%m/%Y").date() if kind != "unreadable_date" else None
        named = [u for u in units if u["name"] == row["Địa bàn"]]
        return {
            "empty_required": lambda: row["Vai trò"] == "",
            "unreadable_date": lambda: not _parses(row["Ngày phát hiện"], "%d/%m/%Y"),
            "unreadable_money": lambda: re.fullmatch(r"[\d. ]+(đ| đ| VNĐ)?", row["Số tiền phạt"]) is None,
            "unreadable_identity": lambda: len(re.sub(r"\D", "", row["Số định danh"])) not in (9, 12),
            "before_2010": lambda: day < date(2010, 1, 1),
            "future_date": lambda: day > date.today(),
            "unknown_area": lambda: not row["Mã ĐVHC"] and row["Địa bàn"] not in names,
            "code_contradicts_name": lambda: {u["gso_code"] for u in named if _valid(u, day)} - {row["Mã ĐVHC"]},
            "ambiguous_area": lambda: not row["Mã ĐVHC"] and len([
                u for u in units if row["Địa bàn"] in (u["name"], u["name"].split(" ", 1)[1]) and _valid(u, day)]) > 1,
            "area_not_valid_then": lambda: named and not any(_valid(u, day) for u in named),
        }[kind]()

    def labor_is_bad(kind: str, row: dict[str, str]) -> bool:
        return {
            "unreadable_date": lambda: not _parses(row["ngay_ho_tro"], "%Y-%m-%d"),
            "empty_required": lambda: row["loai_ho_tro"] == "",
            "unreadable_identity": lambda: len(re.sub(r"\D", "", row["so_dinh_danh"])) not in (9, 12),
            "unknown_area": lambda: not row["ma_dvhc"] and row["dia_ban"] not in names,
        }[kind]()

    def culture_is_bad(kind: str, line: str) -> bool:
        try:
            record = json.loads(line)
        except json.JSONDecodeError:
            return kind == "not_json"
        return {
            "missing_inspection_id": lambda: "inspection_id" not in record,
            "missing_date": lambda: "inspected_at" not in record and "inspected_on" not in record,
            "unknown_area": lambda: (record.get("district") or record["establishment"]["area_name"]) not in names,
            "future_date": lambda: (record.get("inspected_on") or record.get("inspected_at"))[:10] > str(date.today()),
        }[kind]()

    kinds = defaultdict(set)
    for bad in delivered.bad_rows:
        agency, name = bad.file_name.split("/")
        kinds[agency].add(bad.kind)
        path = _path(delivered, bad.file_name)
        if agency == "police":
            row = dict(_police_rows(path))[bad.line_no]
            assert police_is_bad(bad.kind, row), (bad, row)
        elif agency == "labor":
            rows = dict(enumerate(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig"), newline="")), 2))
            assert labor_is_bad(bad.kind, rows[bad.line_no]), (bad, rows[bad.line_no])
        else:
            line = path.read_text(encoding="utf-8-sig").splitlines()[bad.line_no - 1]
            assert culture_is_bad(bad.kind, line), (bad, line)
    assert kinds == {"police": set(POLICE_BAD_ROWS), "culture": set(CULTURE_BAD_LINES), "labor": set(LABOR_BAD_ROWS)}


def test_every_kind_of_bad_file_is_there_and_the_rest_is_well_named(delivered):
    rejected = {(d.agency, d.what.removeprefix("bad: ")): d for d in delivered.deliveries if d.expected == "rejected"}
    assert set(rejected) >= set(BAD_FILES)
    for d in delivered.deliveries:
        matches = re.match(FILE_PATTERNS[d.agency], d.name) is not None
        assert matches != (d.what == "bad: misnamed"), d
        assert _path(delivered, d.file_name).exists()
    missing = _path(delivered, rejected[("police", "missing_column")].file_name)
    header = {_header_key(h) for h in missing.read_text(encoding="utf-8-sig").splitlines()[0].split(",")}
    assert _header_key("Ngày phát hiện") not in header and _header_key("Mã vụ việc") in header
    binary = _path(delivered, rejected[("police", "binary")].file_name).read_bytes()
    for encoding in ("utf-8", "cp1258"):
        with pytest.raises(UnicodeDecodeError):
            binary.decode(encoding)
    with pytest.raises(UnicodeDecodeError):
        _path(delivered, rejected[("labor", "not_utf8")].file_name).read_bytes().decode("utf-8")


def test_resends_are_byte_identical_copies(delivered):
    duplicates = [d for d in delivered.deliveries if d.expected == "duplicate"]
    assert duplicates
    for d in duplicates:
        original = d.what.removeprefix("resend of ")
        assert re.fullmatch(r"police_cases_\d{8}_\d\.csv", d.name) and d.name.startswith(original[:-4])
        assert _path(delivered, d.file_name).read_bytes() == (delivered.landing_dir / "police" / original).read_bytes()


# -- the truth is what the files say --------------------------------------------------------
def test_police_truth_is_the_latest_row_of_every_pair(delivered):
    skip = _bad_lines(delivered)
    latest: dict[tuple[str, str], tuple[datetime, dict]] = {}
    files_of = defaultdict(set)
    for path in _accepted(delivered, "police"):
        for line_no, row in _police_rows(path):
            if (f"police/{path.name}", line_no) in skip:
                continue
            key = (row["Mã vụ việc"], re.sub(r"\D", "", row["Số định danh"]))
            updated = datetime.strptime(row["Ngày cập nhật"], "%d/%m/%Y %H:%M")
            files_of[key].add((path.name, updated))
            if key not in latest or latest[key][0] <= updated:
                latest[key] = (updated, row)
    truth = delivered.truth.police
    assert latest.keys() == truth.keys()
    for key, (updated, row) in latest.items():
        expected = truth[key]
        fine = int(re.sub(r"\D", "", row["Số tiền phạt"])) if row["Số tiền phạt"] else None
        detected = datetime.strptime(row["Ngày phát hiện"], "%d/%m/%Y").date()
        assert (updated, detected, fine, int(row["Năm sinh"])) == (
            expected.updated_at, expected.detected_on, expected.fine_vnd, expected.birth_year), key
        assert {"Huỷ": "Hủy"}.get(row["Trạng thái"], row["Trạng thái"]) == expected.status, key

    # Revisions, cancellations, repeat offenders, out-of-order arrivals: all present.
    assert sum(len({u for _, u in f}) > 1 for f in files_of.values()) > 100
    cases = defaultdict(set)
    for (case_id, _), row in truth.items():
        cases[case_id].add(row.status)
    assert any(statuses == {"Hủy"} for statuses in cases.values())
    years = defaultdict(set)
    for row in truth.values():
        years[row.identity].add(row.detected_on.year)
    assert sum(len(y) > 1 for y in years.values()) > 50
    assert any(sorted(f)[-1][1] < max(u for _, u in f) for f in files_of.values())  # older version, later name
    assert {len(identity) for identity in years} == {9, 12}


def test_culture_truth_is_the_line_of_the_latest_file(delivered):
    skip = _bad_lines(delivered)
    final, ids_per_file, files_per_id = {}, defaultdict(list), defaultdict(set)
    offsets, schema = set(), defaultdict(int)
    for path in _accepted(delivered, "culture"):
        for line_no, line in enumerate(path.read_bytes().decode("utf-8-sig").splitlines(), start=1):
            if (f"culture/{path.name}", line_no) in skip:
                continue
            record = json.loads(line)
            if record.get("schema_version", 1) == 2:
                offsets.add(re.search(r"(Z|[+-]\d\d:\d\d)$", record["inspected_at"]).group(1))
                moment = datetime.fromisoformat(record["inspected_at"].replace("Z", "+00:00"))
                state = (moment.astimezone(HANOI).date(), tuple(f["code"] for f in record["findings"]),
                         record["license_action"], record["penalty_vnd"])
                schema["v2"] += 1
            else:
                penalty = record["penalty_vnd"]
                state = (date.fromisoformat(record["inspected_on"]), tuple(record["violations"]),
                         "revoked" if record["revoked"] else "none",
                         int(re.sub(r"\D", "", penalty)) if isinstance(penalty, str) else penalty)
                schema["v1 with version" if "schema_version" in record else "v1 without"] += 1
            final[record["inspection_id"]] = state  # files in date order, lines in order: the last one wins
            ids_per_file[path.name].append(record["inspection_id"])
            files_per_id[record["inspection_id"]].add(state)
    truth = delivered.truth.inspections
    assert final.keys() == truth.keys()
    for inspection_id, state in final.items():
        t = truth[inspection_id]
        assert state == (t.inspected_on, t.finding_codes, t.license_action, t.penalty_vnd), inspection_id
    assert {"+07:00", "Z", "+00:00"} < offsets and len(offsets) > 3
    assert set(schema) == {"v2", "v1 with version", "v1 without"}
    assert any(len(ids) != len(set(ids)) for ids in ids_per_file.values())  # the same id twice in a file
    assert any(len(states) > 1 for states in files_per_id.values())          # re-sent with changes
    dawn = [(record_id, at) for path in _accepted(delivered, "culture")
            for record_id, at in re.findall(r'"inspection_id": "([^"]+)", "inspected_at": "([^"]+T23:30:00Z)"',
                                            path.read_text(encoding="utf-8-sig"))]
    assert dawn  # 23:30 UTC: already the next day in Hanoi
    assert all(truth[i].inspected_on == date.fromisoformat(at[:10]) + timedelta(days=1) for i, at in dawn)
    assert {t.team for t in truth.values()} == {"LN178", "TTS"}
    assert {t.license_action for t in truth.values()} == {"none", "suspended", "revoked"}
    assert any(any(c.startswith("MD") for c in t.finding_codes) for t in truth.values())
    assert any(t.finding_codes and not any(c.startswith("MD") for c in t.finding_codes) for t in truth.values())


def test_labor_truth_is_the_row_of_the_latest_register_and_links_to_police(delivered):
    skip = _bad_lines(delivered)
    final, history = {}, defaultdict(list)
    for path in _accepted(delivered, "labor"):
        text = path.read_bytes().decode("utf-8-sig")
        reader = csv.DictReader(io.StringIO(text, newline=""))
        assert reader.fieldnames == list(LABOR_COLUMNS)
        for line_no, row in enumerate(reader, start=2):
            if (f"labor/{path.name}", line_no) in skip:
                continue
            final[row["ma_ho_so"]] = row  # files in date order: the latest register wins
            history[row["ma_ho_so"]].append(row["ket_qua_theo_doi"])
    truth = delivered.truth.labor
    assert final.keys() == truth.keys()
    for record_id, row in final.items():
        t = truth[record_id]
        assert (re.sub(r"\D", "", row["so_dinh_danh"]), row["gioi_tinh"], date.fromisoformat(row["ngay_ho_tro"]),
                row["ket_qua_theo_doi"] or None) == (t.identity, t.sex, t.started_on, t.followup_outcome), record_id
    assert any(h[0] == "" and h[-1] != "" for h in history.values())  # follow-up filled in later

    sanctioned = defaultdict(list)
    for row in delivered.truth.police_in_force:
        if row.role == "người bán dâm" and row.handling == "Xử phạt hành chính":
            sanctioned[row.identity].append(row.detected_on)
    gaps = [(t.started_on - min(sanctioned[t.identity])).days for t in truth.values() if t.identity in sanctioned]
    assert len(gaps) > 0.7 * len(truth) and len(gaps) < len(truth)  # most linked, some not
    assert min(gaps) < 0 and any(0 <= g <= 180 for g in gaps) and any(g > 180 for g in gaps)


def test_police_files_show_every_form_the_contract_allows(delivered):
    seen = defaultdict(set)
    old_ward_codes, tu_liem = set(), set()
    for path in _accepted(delivered, "police"):
        data = path.read_bytes()
        encoding, text = _decode(data)
        header = text.splitlines()[0]
        keys = [_header_key(h) for h in re.split("[;,]", header)]
        seen["encoding"].add(encoding)
        seen["delimiter"].add(";" if header.count(";") > header.count(",") else ",")
        seen["line end"].add("crlf" if b"\r\n" in data else "lf")
        seen["header"] |= {style for style, shown in (
            ("upper", "MÃ VỤ VIỆC" in _nfc(header)), ("lower", "mã vụ việc" in _nfc(header)),
            ("spaced", "  " in header), ("nfd", encoding != "cp1258" and header != _nfc(header)),
            ("extra columns", len(keys) > len(POLICE_COLUMNS)), ("other order", keys[0] != "mã vụ việc")) if shown}
        seen["decomposed values"].add(encoding != "cp1258" and text != _nfc(text))
        seen["padded identity"].add(re.search(r"[;,] \d{9,12} [;,]", text) is not None)
        for _, row in _police_rows(path):
            seen["area"].add(row["Địa bàn"])
            seen["money"].add(re.sub(r"\d", "9", row["Số tiền phạt"]))
            seen["identity"].add(re.sub(r"\d", "9", row["Số định danh"]))
            seen["date"].add(re.sub(r"\d", "9", row["Ngày phát hiện"]))
            seen["status"].add(row["Trạng thái"])
            seen["given code, name"].add((bool(row["Mã ĐVHC"]), bool(row["Địa bàn"])))
            year = int(row["Ngày phát hiện"][-4:])
            if len(row["Mã ĐVHC"]) == 5 and year < 2025:
                old_ward_codes.add(row["Mã ĐVHC"])
            if row["Mã ĐVHC"] == "019" and row["Địa bàn"]:
                tu_liem.add((year, row["Địa bàn"]))
    assert seen["encoding"] == {"utf-8-sig", "utf-8", "cp1258"} and seen["delimiter"] == {",", ";"}
    assert seen["line end"] == {"crlf", "lf"} and seen["decomposed values"] == {True, False}
    assert seen["header"] == {"upper", "lower", "spaced", "nfd", "extra columns", "other order"}
    assert {"Quận Đống Đa", "Q. Đống Đa", "Q.Đống Đa", "quan dong da", "Đống Đa", "Huyện Gia Lâm", "H. Gia Lâm",
            "Thị xã Sơn Tây", "TX Sơn Tây", "Phường Láng", "P. Láng"} <= seen["area"]
    assert {"9.999.999", "9 999 999", "9.999.999 đ", "9.999.999đ", "99.999.999 VNĐ", "9999999", ""} <= seen["money"]
    assert {"999999999999", "999.999.999.999", "999 999 999 999", "9999 9999 9999", "999.999 999999",
            "999999999", "999.999.999", "999 999 999"} <= seen["identity"] and True in seen["padded identity"]
    assert {"99/99/9999", "9/9/9999"} <= seen["date"]
    assert {"Hủy", "Huỷ", "Hiệu lực"} <= seen["status"]
    assert seen["given code, name"] == {(True, True), (True, False), (False, True)}
    assert len(old_ward_codes) > 20
    assert any(y <= 2013 and n == "Huyện Từ Liêm" for y, n in tu_liem)
    assert any(y >= 2014 and "Nam Từ Liêm" in n for y, n in tu_liem)
