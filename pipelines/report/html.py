"""The page: one self-contained HTML file (inline CSS and SVG, no script, no external URL), the
same tables as the workbook plus charts, in Vietnamese with an English toggle (pure CSS), A4
landscape when printed."""

from __future__ import annotations

from html import escape
from pathlib import Path

from pipelines.report import charts as C
from pipelines.report import tables as T
from pipelines.report.published import ReportData
from pipelines.report.words import DEPARTMENT_EN, ISSUING_AUTHORITY, ISSUING_AUTHORITY_EN, MOTTO, MOTTO_EN

CSS = """
:root { font-family: "Times New Roman", Times, serif; font-size: 14px; color: #111; }
body { margin: 0 auto; padding: 16px 24px; max-width: 1500px; }
input[name=lang] { display: none; }
#lang-vi:checked ~ [lang=en], #lang-en:checked ~ [lang=vi] { display: none; }
nav.toggle { text-align: right; font-size: 13px; }
nav.toggle label { cursor: pointer; padding: 2px 8px; border: 1px solid #8aa; border-radius: 3px; color: #245; }
#lang-vi:checked ~ nav label[for=lang-vi], #lang-en:checked ~ nav label[for=lang-en] { background: #245; color: #fff; }
.admin { display: flex; justify-content: space-between; text-align: center; margin-top: 8px; }
.admin > div:first-child { width: 40%; } .admin > div:last-child { width: 58%; }
.admin div { white-space: nowrap; }
.admin .dept, .admin .motto { font-weight: bold; text-decoration: underline; }
.admin .date { font-style: italic; margin-top: 8px; }
h1 { text-align: center; font-size: 20px; margin: 22px 0 2px; }
p.title { text-align: center; font-weight: bold; font-size: 17px; margin: 0; }
p.meta { text-align: center; font-style: italic; margin: 3px 0; }
p.meta.release { font-size: 12px; color: #444; }
h2 { font-size: 17px; margin: 28px 0 8px; border-bottom: 1px solid #99a; padding-bottom: 3px; }
h3 { font-size: 15px; margin: 18px 0 6px; }
table { border-collapse: collapse; margin: 4px 0; font-size: 13px; }
th, td { border: 1px solid #999; padding: 3px 6px; }
th { background: #E8EEF4; font-weight: bold; text-align: center; vertical-align: middle; }
td.n { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
td.c { text-align: center; }
tr.group td { background: #F3F3F3; font-weight: bold; }
tr.total td { font-weight: bold; }
table.wide { font-size: 12px; }
table.wide th.ind { min-width: 64px; max-width: 110px; font-size: 11px; }
.notes { font-size: 12px; font-style: italic; margin: 6px 0 0; padding-left: 18px; }
figure { margin: 12px 0 20px; break-inside: avoid; }
.charts { display: grid; grid-template-columns: repeat(auto-fill, minmax(520px, 1fr)); column-gap: 24px; }
table.wide + table.wide { margin-top: 16px; }
figure svg { max-width: 100%; height: auto; }
figcaption { font-size: 12px; font-style: italic; }
@page { size: A4 landscape; margin: 12mm 10mm; }
@media print {
  nav.toggle { display: none; }
  body { padding: 0; max-width: none; }
  :root { font-size: 11px; }
  table { font-size: 10px; } table.wide { font-size: 9px; } table.wide th.ind { font-size: 8.5px; }
  thead { display: table-header-group; }
  tr { break-inside: avoid; }
  h2 { break-after: avoid; }
  section { break-before: page; }
  section:first-of-type { break-before: auto; }
}
"""


def _cell(cell, lang: str) -> str:
    if isinstance(cell, T.Cell):
        return f'<td class="n">{escape(cell.text_in(lang))}</td>'
    return f"<td>{escape(cell)}</td>"


def _table(table: T.Table, columns: list[int] | None = None, wide: bool = False) -> str:
    """A table, or its label columns and `columns` only (the wide table by agency)."""
    keep = None if columns is None else set(range(table.label_columns)) | set(columns)
    head_rows = []
    for r, row in enumerate(table.header):
        cells = []
        for (hr, hc), head in T.header_positions(table.header).items():
            if hr != r:
                continue
            span = [i for i in range(hc, hc + head.cols) if keep is None or i in keep]
            if not span:
                continue
            attrs = ((f' colspan="{len(span)}"' if len(span) > 1 else "")
                     + (f' rowspan="{head.rows}"' if head.rows > 1 else ""))
            klass = ' class="ind"' if wide and hc >= table.label_columns else ""
            cells.append(f"<th{attrs}{klass}>{escape(head.text)}</th>")
        head_rows.append("<tr>" + "".join(cells) + "</tr>")
    body = []
    for row in table.rows:
        cells = [c for i, c in enumerate(row.cells) if keep is None or i in keep]
        if row.kind == "group":
            start = max((j for j, c in enumerate(cells) if c), default=0)
            lead = "".join(f'<td class="c">{escape(c)}</td>' for c in cells[:start])
            body.append(f'<tr class="group">{lead}<td colspan="{len(cells) - start}">{escape(cells[start])}</td></tr>')
            continue
        klass = ' class="total"' if row.kind == "total" else ""
        body.append(f"<tr{klass}>" + "".join(_cell(c, table.lang) for c in cells) + "</tr>")
    return (f'<table class="{"wide" if wide else ""}"><thead>{"".join(head_rows)}</thead>'
            f'<tbody>{"".join(body)}</tbody></table>')


def _notes(table: T.Table) -> str:
    if not table.notes:
        return ""
    return '<ul class="notes">' + "".join(f"<li>{escape(n)}</li>" for n in table.notes) + "</ul>"


def _by_agency(table: T.Table) -> str:
    """The wide table (one column per indicator) as one table per agency, so that it prints on A4."""
    parts, first = [], table.label_columns
    for head in table.header[0][table.label_columns:]:
        columns = list(range(first, first + head.cols))
        parts.append(_table(table, columns, wide=True))
        first += head.cols
    return "".join(parts)


def _figure(chart: C.Chart) -> str:
    caption = f"<figcaption>{escape(chart.caption)}</figcaption>" if chart.caption else ""
    return f"<figure><h3>{escape(chart.title)}</h3>{chart.svg}{caption}</figure>"


def _page(data: ReportData, lang: str, header: T.Header) -> str:
    t = T.Lang(lang)
    tables = T.all_tables(data, lang)
    summary, areas, submissions, revisions, notes = tables
    department = t(header.department, DEPARTMENT_EN.get(header.department, header.department))
    title = header.title_line[:1].upper() + header.title_line[1:]
    admin = (f'<div class="admin"><div><div>{escape(t(ISSUING_AUTHORITY, ISSUING_AUTHORITY_EN))}</div>'
             f'<div class="dept">{escape(department)}</div></div>'
             f'<div><div><b>{escape(t(MOTTO[0], MOTTO_EN[0]))}</b></div>'
             f'<div class="motto">{escape(t(MOTTO[1], MOTTO_EN[1]))}</div>'
             f'<div class="date">{escape(header.place_date)}</div></div></div>')
    heading = (f"<h1>{t('BÁO CÁO', 'REPORT')}</h1><p class=\"title\">{escape(title)}</p>"
               + (f'<p class="title">{escape(header.area_line)}</p>' if header.area_line else "")
               + f'<p class="meta">{escape(header.dates)}</p><p class="meta release">{escape(header.release)}</p>')
    if t.en:
        heading += ('<p class="meta release">The title, dates and area names are the report\'s own, '
                    'in Vietnamese.</p>')
    history = C.history(data, lang)
    area_charts = C.by_area(data, lang)
    sections = [
        f"<section><h2>{escape(summary.title)}</h2>{_table(summary)}{_notes(summary)}"
        + (f"<h2>{t('Biểu đồ', 'Charts')}</h2><div class=\"charts\">" + "".join(_figure(c) for c in history)
           + "</div>" if history else "")
        + "</section>",
        f"<section><h2>{escape(areas.title)}</h2>" + "".join(_figure(c) for c in area_charts)
        + f"{_by_agency(areas)}{_notes(areas)}</section>",
        f"<section><h2>{escape(submissions.title)}</h2>{_table(submissions)}{_notes(submissions)}</section>",
        f"<section><h2>{escape(revisions.title)}</h2>{_table(revisions)}{_notes(revisions)}</section>",
        f"<section><h2>{escape(notes.title)}</h2>{_table(notes)}</section>",
    ]
    return f'<div lang="{lang}">{admin}{heading}{"".join(sections)}</div>'


def render_html(data: ReportData) -> str:
    header = T.Header.of(data)
    title = f"Báo cáo {header.title_line}" + (f" - {header.area_line}" if header.area_line else "")
    return (
        '<!DOCTYPE html>\n<html lang="vi"><head><meta charset="utf-8">'
        f"<title>{escape(title)}</title><style>{CSS}</style></head><body>"
        '<input type="radio" name="lang" id="lang-vi" checked><input type="radio" name="lang" id="lang-en">'
        '<nav class="toggle"><label for="lang-vi">Tiếng Việt</label> <label for="lang-en">English</label></nav>'
        + _page(data, "vi", header) + _page(data, "en", header) + "</body></html>\n"
    )


def write_html(data: ReportData, path: Path) -> Path:
    Path(path).write_text(render_html(data), encoding="utf-8")
    return path
