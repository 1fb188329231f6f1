"""The HTML page: self-contained (no external resource), charts as inline SVG whose data hold
only published numbers, the same figures as the release in Vietnamese formats, an English toggle."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from pipelines.report import write_report
from pipelines.report.words import number_text

PERIOD = "R2025-H2"
MARK = re.compile(r'aria-label="value: ([^;"]+); (area|period): ([^;"]+); state: (\w+); indicator: ([^"]+)"')


@pytest.fixture(scope="module")
def page(published, tmp_path_factory):
    settings, _ = published
    [path] = write_report(settings.published_db, PERIOD, formats=["html"], out=tmp_path_factory.mktemp("html"))
    return path.read_text(encoding="utf-8")


def vietnamese(page: str) -> str:
    return page[page.index('<div lang="vi">'):page.index('<div lang="en">')]


class Tables(HTMLParser):
    """Every table of a page: its rows, each a list of (tag, text)."""

    def __init__(self):
        super().__init__()
        self.tables, self.cell = [], None

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self.tables.append({"class": dict(attrs).get("class", ""), "rows": []})
        elif tag == "tr":
            self.tables[-1]["rows"].append([])
        elif tag in ("td", "th"):
            self.cell = [tag, ""]

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self.cell:
            self.tables[-1]["rows"][-1].append((self.cell[0], self.cell[1].strip()))
            self.cell = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell[1] += data


def expected_text(row: dict | None) -> str:
    if row is None:
        return "..."
    if row["flag"] == "suppressed":
        return "x"
    if row["flag"] == "undefined":
        return "-"
    return number_text(row["value"], row["unit"]) + ("*" if row["flag"] == "incomplete" else "")


def test_the_page_references_no_external_resource(page):
    # The only URLs allowed are XML namespace names (xmlns="http://www.w3.org/2000/svg"): they
    # identify a vocabulary and are never fetched.
    without_namespaces = re.sub(r'\sxmlns(:[\w-]+)?="[^"]*"', "", page)
    assert "http://" not in without_namespaces and "https://" not in without_namespaces
    assert not re.search(r"""(src|href|action)\s*=\s*["']?(?!#)""", without_namespaces)
    assert not re.search(r"<(script|link|img|iframe|object|embed)\b|@import|url\(", without_namespaces, re.I)


def test_the_charts_are_inline_svg(page):
    vi = vietnamese(page)
    assert vi.count("<figure>") == vi.count("<svg") >= 5  # four agencies over time, and by area
    assert len(MARK.findall(vi)) > 50


def test_the_charts_hold_only_published_numbers(page, values, query):
    names = {r["name_vi"]: r["indicator_code"] for r in query("select indicator_code, name_vi from dim_indicator")}
    areas = {}
    for r in query("select area_id, area_name from dim_area, dim_period p where p.period_id = ? and level <> 'city' "
                   "and valid_from <= p.end_date and coalesce(valid_to, p.end_date) >= p.start_date", [PERIOD]):
        assert r["area_name"] not in areas
        areas[r["area_name"]] = r["area_id"]
    halves = {f"H{p['period_id'][-1]}/{p['end_date'].year}": p["period_id"] for p in query(
        "select period_id, end_date from dim_period where calendar = 'reporting' and period_type = 'half'")}
    drawn = set()
    for value, kind, where, state, indicator in MARK.findall(vietnamese(page)):
        code = names[indicator]
        key = (code, areas[where], PERIOD) if kind == "area" else (code, "01", halves[where])
        row = values[key]
        assert row["flag"] not in ("suppressed", "undefined"), key
        assert float(value.replace(".", "").replace(",", ".")) == pytest.approx(row["value"]), key
        assert (state == "incomplete") == (row["flag"] == "incomplete"), key
        drawn.add(key)
    charted = {code for code, _, _ in drawn}
    hidden = {k for k, row in values.items() if k[0] in charted and k[2] == PERIOD and row["flag"] == "suppressed"}
    assert hidden, "a charted indicator was meant to have suppressed areas"
    assert not hidden & drawn


def test_the_tables_show_the_published_figures(page, values, query):
    parser = Tables()
    parser.feed(vietnamese(page))
    codes = {r["name_vi"]: r["indicator_code"] for r in query("select indicator_code, name_vi from dim_indicator")}
    wide = [t for t in parser.tables if t["class"] == "wide"]
    checked = set()
    for table in wide:
        names = [text for _, text in table["rows"][1]]
        for row in table["rows"][3:]:
            cells = [text for _, text in row]
            if len(cells) != 3 + len(names):
                continue  # a heading row (districts, communes)
            area = cells[1]
            for name, text in zip(names, cells[3:]):
                assert text == expected_text(values.get((codes[name], area, PERIOD))), (codes[name], area)
                checked.add(codes[name])
    assert checked == set(codes.values())
    summary = parser.tables[0]
    incomplete = [row for row in summary["rows"] if len(row) == 7 and row[3][1].endswith("*")]
    assert incomplete, "the incomplete health figures carry their mark"


def test_the_page_has_an_english_version(page, query):
    english = page[page.index('<div lang="en">'):]
    assert "Summary" in english and "Results by area" in english
    for r in query("select name_en from dim_indicator"):
        assert r["name_en"] in english
    assert 'id="lang-en"' in page and "#lang-en:checked" in page


def test_an_area_page_shows_that_area_only(published, values, tmp_path):
    settings, _ = published
    area = next(k[1] for k in values if k[2] == PERIOD and len(k[1]) == 5)
    [path] = write_report(settings.published_db, PERIOD, area_id=area, formats=["html"], out=tmp_path)
    parser = Tables()
    parser.feed(vietnamese(path.read_text(encoding="utf-8")))
    areas = {row[1][1] for t in parser.tables if t["class"] == "wide" for row in t["rows"][3:] if len(row) > 3}
    assert areas == {area}
