"""The bilingual data dictionary of a release (`dictionary.html`): every published table and
column, every indicator, the flags, the calendars and the disclosure rules.

Generated from what already describes them, never retyped: the dbt project's model properties
and `{% docs %}` blocks (every description there is written "English / Tiếng Việt"), the
indicator registry seed, and the release file itself for which tables and columns it holds.
"""

from __future__ import annotations

import csv
import re
from functools import lru_cache
from html import escape
from pathlib import Path

import yaml

from pipelines.config import DBT_PROJECT_DIR, INDICATOR_REGISTRY_CSV
from pipelines.report.published import open_release
from pipelines.report.words import AGENCY_NAMES, DISCLOSURE, SYMBOLS

MODELS_DIR = DBT_PROJECT_DIR / "models"
_DOCS_BLOCK = re.compile(r"{%\s*docs\s+(\w+)\s*%}(.*?){%\s*enddocs\s*%}", re.S)
_DOC_CALL = re.compile(r"""{{\s*doc\(\s*['"](\w+)['"]\s*\)\s*}}""")
_SEPARATOR = re.compile(r"\s/\s")
UNDESCRIBED = "(no description) / (chưa có mô tả)"


@lru_cache(maxsize=1)
def doc_blocks() -> dict[str, str]:
    blocks = {}
    for path in sorted(MODELS_DIR.rglob("*.md")):
        for name, text in _DOCS_BLOCK.findall(path.read_text(encoding="utf-8")):
            blocks[name] = " ".join(text.split())
    return blocks


def resolve(text: str | None) -> str:
    """A description with its `{{ doc('...') }}` calls replaced by the blocks' text."""
    return " ".join(_DOC_CALL.sub(lambda m: doc_blocks().get(m.group(1), ""), text or "").split())


@lru_cache(maxsize=1)
def model_properties() -> dict[str, dict]:
    """name → {description, columns: {column: description}} of every dbt model."""
    models = {}
    for path in sorted(MODELS_DIR.rglob("*.yml")):
        for model in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("models", []) or []:
            models[model["name"]] = {
                "description": resolve(model.get("description")),
                "columns": {c["name"]: resolve(c.get("description")) for c in model.get("columns", []) or []},
            }
    return models


def table_docs(table: str) -> tuple[str, dict[str, str]]:
    """(description, {column: description}) of a published table: its dbt model's properties, or
    for a table written at publishing (`release`) the doc blocks `<table>_table` and
    `<table>_<column>`; a column without its own falls back on the doc block of its name."""
    blocks = doc_blocks()
    model = model_properties().get(table, {"description": blocks.get(f"{table}_table", ""), "columns": {}})

    def column(name: str) -> str:
        return model["columns"].get(name) or blocks.get(f"{table}_{name}") or blocks.get(name) or ""

    return model["description"], _Columns(column)


class _Columns(dict):
    def __init__(self, lookup):
        super().__init__()
        self.lookup = lookup

    def __missing__(self, name):
        return self.lookup(name)


def split_languages(text: str) -> tuple[str, str]:
    """("English", "Tiếng Việt") of a description written "English / Tiếng Việt"."""
    parts = _SEPARATOR.split(text or "")
    if len(parts) < 2:
        return text or "", ""
    return " / ".join(parts[:-1]), parts[-1]


def registry() -> list[dict]:
    with INDICATOR_REGISTRY_CSV.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def published_tables(release_db: Path) -> tuple[dict, dict[str, list[tuple[str, str]]], dict[str, dict]]:
    """(release row, {table: [(column, type)]}, {indicator_code: dim_indicator row}) of a release file."""
    with open_release(release_db) as con:
        rows = con.execute(
            "select table_name, column_name, data_type from information_schema.columns "
            "where table_catalog = current_database() and table_schema = current_schema() "
            "order by table_name, ordinal_position").fetchall()
        release = con.sql("select * from release").pl().to_dicts()[0]
        indicators = {r["indicator_code"]: r for r in con.sql("select * from dim_indicator").pl().to_dicts()}
    tables: dict[str, list[tuple[str, str]]] = {}
    for table, column, type_ in rows:
        tables.setdefault(table, []).append((column, type_))
    return release, tables, indicators


CSS = """
:root { font-family: "Times New Roman", Times, serif; font-size: 14px; color: #111; }
body { margin: 0 auto; padding: 16px 24px; max-width: 1400px; }
h1 { font-size: 22px; margin-bottom: 2px; } h2 { font-size: 18px; margin-top: 30px; border-bottom: 1px solid #99a; }
h3 { font-size: 15px; margin: 20px 0 4px; font-family: monospace; }
p.meta { color: #444; font-style: italic; margin-top: 0; }
table { border-collapse: collapse; width: 100%; font-size: 13px; margin: 6px 0; }
th, td { border: 1px solid #aaa; padding: 3px 6px; vertical-align: top; text-align: left; }
th { background: #E8EEF4; }
td code, td.code { font-family: monospace; font-size: 12px; white-space: nowrap; }
td.vi, p.vi, div.vi { color: #1d3b5c; }
.pair { display: grid; grid-template-columns: 1fr 1fr; gap: 16px; }
nav a { margin-right: 12px; }
table.indicators th:nth-child(2) { width: 17%; } table.indicators th:nth-child(3) { width: 13%; }
table.indicators th:nth-child(4), table.indicators th:nth-child(5) { width: 10%; }
table.indicators th:nth-last-child(2) { width: 8%; }
@page { size: A4 landscape; margin: 12mm 10mm; }
@media print { thead { display: table-header-group; } tr { break-inside: avoid; } }
"""


_CODE = re.compile(r"`([^`]+)`")


def _text(text: str) -> str:
    """Escaped, with the docs' `code` spans as <code>."""
    return _CODE.sub(r"<code>\1</code>", escape(text))


def _pair(text: str) -> str:
    en, vi = split_languages(text)
    return f'<div class="pair"><div>{_text(en)}</div><div class="vi">{_text(vi)}</div></div>'


def _tables_section(tables: dict[str, list[tuple[str, str]]]) -> str:
    parts = []
    for table, columns in tables.items():
        description, docs = table_docs(table)
        rows = "".join(
            f'<tr><td class="code">{escape(name)}</td><td class="code">{escape(type_)}</td>'
            + "".join(f'<td class="{k}">{_text(t)}</td>'
                      for k, t in zip(("en", "vi"), split_languages(docs[name] or UNDESCRIBED)))
            + "</tr>" for name, type_ in columns)
        parts.append(f'<h3 id="t-{escape(table)}">{escape(table)}</h3>{_pair(description or UNDESCRIBED)}'
                     "<table><thead><tr><th>Column / Cột</th><th>Type / Kiểu</th><th>English</th>"
                     f"<th>Tiếng Việt</th></tr></thead><tbody>{rows}</tbody></table>")
    return "".join(parts)


_UNITS = {"count": ("count", "số đếm"), "vnd": ("đồng (VND)", "đồng"), "ratio": ("ratio", "tỷ lệ")}
_DISCLOSURE = {"public": ("public", "công khai"), "small_cell": ("small-cell rules", "bảo mật ô nhỏ")}
_SEX = {"T": ("total only", "chỉ tổng số"), "TFM": ("total, female, male", "tổng, nữ, nam")}


def _both(english: str, vietnamese: str) -> str:
    return f'{escape(english)}<br><span class="vi">{escape(vietnamese)}</span>'


def _indicators_section(indicators: dict[str, dict]) -> str:
    """The registry's indicators; `additive` once the release publishes it (dim_indicator, contract v2)."""
    with_additive = any("additive" in row for row in indicators.values())
    head = ["Code / Mã", "Name / Tên", "Unit / Đơn vị", "Agency / Cơ quan", "Disclosure / Công bố",
            *(["Additive / Cộng được"] if with_additive else []), "Sex / Giới tính",
            "Definition / Định nghĩa"]
    rows = []
    for r in registry():
        agencies = [AGENCY_NAMES[a] for a in r["agency"].split("+") if a in AGENCY_NAMES]
        ratio = f" = {r['numerator_code']} / {r['denominator_code']}" if r["unit"] == "ratio" else ""
        additive = indicators.get(r["indicator_code"], {}).get("additive")
        cells = [
            f'<code>{escape(r["indicator_code"])}</code>',
            _both(r["name_en"], r["name_vi"]),
            _both(_UNITS[r["unit"]][0] + ratio, _UNITS[r["unit"]][1]),
            _both(" + ".join(a[1] for a in agencies), " + ".join(a[0] for a in agencies)),
            _both(*_DISCLOSURE[r["disclosure"]]),
            *([_both(*(("yes", "có") if additive else ("no", "không")))] if with_additive else []),
            _both(*_SEX[r["sex_breakdown"]]),
            _both(r["definition_en"], r["definition_vi"]),
        ]
        rows.append("<tr>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>")
    return ('<table class="indicators"><thead><tr>' + "".join(f"<th>{h}</th>" for h in head)
            + f"</tr></thead><tbody>{''.join(rows)}</tbody></table>")


def render_dictionary(release_db: Path) -> str:
    release, tables, indicators = published_tables(release_db)
    blocks = doc_blocks()
    nav = "".join(f'<a href="#t-{escape(t)}">{escape(t)}</a>' for t in tables)
    symbols = "".join(f'<tr><td class="code">{escape(s)}</td><td>{escape(en)}</td><td class="vi">{escape(vi)}</td></tr>'
                      for s, vi, en in SYMBOLS)
    rules = "".join(f'<tr><td>{escape(en)}</td><td class="vi">{escape(vi)}</td></tr>' for vi, en in DISCLOSURE)
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>Data dictionary / Từ điển dữ liệu — {escape(release['release_id'])}</title>"
        f"<style>{CSS}</style></head><body>"
        "<h1>Data dictionary / Từ điển dữ liệu</h1>"
        f'<p class="meta">Release / Bản công bố {escape(release["release_id"])}, published / công bố '
        f'{release["published_at"]:%Y-%m-%d %H:%M %Z}</p>'
        f"<nav>{nav}</nav>"
        "<h2>Published tables / Các bảng công bố</h2>" + _tables_section(tables)
        + "<h2>Indicators / Chỉ tiêu</h2>" + _indicators_section(indicators)
        + "<h2>Flags / Ghi chú giá trị</h2>" + _pair(blocks.get("indicator_flag", ""))
        + "<h2>Calendars and periods / Lịch và kỳ báo cáo</h2>"
        + "".join(_pair(blocks.get(name, "")) for name in ("calendar", "period_id", "period_type", "label_vi"))
        + "<h2>Disclosure control / Bảo mật ô nhỏ</h2>" + _pair(blocks.get("indicator_disclosure", ""))
        + f"<table><tbody>{rules}</tbody></table>"
        + "<h2>Symbols in the reports / Ký hiệu trong báo cáo</h2>"
        + "<table><thead><tr><th>Symbol / Ký hiệu</th><th>English</th><th>Tiếng Việt</th></tr></thead>"
        + f"<tbody>{symbols}</tbody></table>"
        + "</body></html>\n")


def write_dictionary(release_db: Path, path: Path) -> Path:
    Path(path).write_text(render_dictionary(release_db), encoding="utf-8")
    return path
