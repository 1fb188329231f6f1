"""The page's charts, rendered offline to inline SVG (altair → Vega-Lite → vl-convert).

A chart's data hold only published numbers: suppressed, undefined and unreported cells are left
out (a gap, said in the caption), never drawn and never written into the SVG.
"""

from __future__ import annotations

from dataclasses import dataclass

import altair as alt
import polars as pl
import vl_convert

from pipelines.report.published import ReportData
from pipelines.report.tables import Lang, report_area
from pipelines.report.words import INCOMPLETE_MARK, LEVELS

# The indicators charted for each agency (city values are never suppressed).
MAIN_INDICATORS = {
    "police": ("VIO_CASES", "VIO_PERSONS"),
    "culture": ("INS_INSPECTIONS", "INS_WITH_MD_FINDING"),
    "health": ("HLT_REACHED", "HLT_HIV_TESTED"),
    "labor": ("SUP_RECORDS", "SUP_PERSONS"),
}
# d3's number locale for Vietnamese: 1.234.567 and 12,5%.
VI_NUMBERS = {"decimal": ",", "thousands": ".", "grouping": [3], "currency": ["", " đ"]}
COLOURS = {"complete": "#2F5F8A", "incomplete": "#A9C1D9"}
FONT = "Times New Roman, serif"
WHOLE = "datum.value % 1 ? '' : datum.label"  # counts: no tick label between whole numbers


@dataclass(frozen=True)
class Chart:
    title: str
    svg: str
    caption: str
    data: list[dict]     # exactly what was drawn (tests look for suppressed values here)


def _half_label(period: dict) -> str:
    half = "H1" if period["period_id"].endswith("H1") else "H2"
    return f"{half}/{period['end_date'].year}"


def _svg(chart: alt.TopLevelMixin) -> str:
    spec = chart.configure(font=FONT).configure_view(stroke=None).to_dict()
    svg = vl_convert.vegalite_to_svg(spec, format_locale=VI_NUMBERS)
    return svg[svg.index("<svg"):]


def _names(data: ReportData, t: Lang) -> dict[str, str]:
    return {i["indicator_code"]: t(i["name_vi"], i["name_en"]) for i in data.indicators.to_dicts()}


def _drawable(row: dict | None) -> bool:
    return row is not None and row["value"] is not None and row["flag"] not in ("suppressed", "undefined")


def history(data: ReportData, lang: str = "vi") -> list[Chart]:
    """Each agency's main indicators over the last six half-years, for the report's area."""
    t = Lang(lang)
    area, names, charts = report_area(data), _names(data, t), []
    for agency, codes in MAIN_INDICATORS.items():
        points, gaps = [], 0
        for code in codes:
            if code not in names:
                continue
            for period in data.history:
                row = data.value(code, area, period["period_id"])
                if not _drawable(row):
                    gaps += 1
                    continue
                incomplete = row["flag"] == "incomplete"
                points.append({"indicator": names[code], "period": _half_label(period), "value": row["value"],
                               "state": "incomplete" if incomplete else "complete"})
        if not points:
            continue
        order = [_half_label(p) for p in data.history]
        base = alt.Chart().encode(
            x=alt.X("period:N", sort=order, title=None, axis=alt.Axis(labelAngle=0)),
            y=alt.Y("value:Q", title=None, axis=alt.Axis(format=",~d", labelExpr=WHOLE)),
        )
        bars = base.mark_bar().encode(
            color=alt.Color("state:N", scale=alt.Scale(domain=list(COLOURS), range=list(COLOURS.values())),
                            legend=None),
            tooltip=[alt.Tooltip("value:Q", format=",~d"), alt.Tooltip("period:N"), alt.Tooltip("state:N"),
                     alt.Tooltip("indicator:N")],
        )
        labels = base.mark_text(dy=-6, fontSize=10, color="#222", aria=False).encode(
            text=alt.Text("value:Q", format=",~d"))
        chart = alt.layer(bars, labels, data=pl.DataFrame(points)).properties(width=250, height=150).facet(
            column=alt.Column("indicator:N", title=None, sort=[names[c] for c in codes if c in names],
                              header=alt.Header(labelFontSize=12, labelLimit=0)),
        ).resolve_scale(y="independent")
        caption = t("Cột nhạt: số liệu chưa đầy đủ (thiếu báo cáo tháng).",
                    "Light bars: incomplete (monthly reports missing).") if any(
            p["state"] == "incomplete" for p in points) else ""
        if gaps:
            caption += t(" Kỳ không có cột: chưa có số liệu, hoặc số liệu được ẩn.",
                         " A period without a bar: no data, or hidden.")
        heading = t("Sáu kỳ 6 tháng gần nhất", "The last six half-years")
        charts.append(Chart(f"{heading}: {_agency_name(agency, t)}", _svg(chart), caption.strip(), points))
    return charts


def _agency_name(agency: str, t: Lang) -> str:
    from pipelines.report.words import AGENCY_NAMES

    return t(*AGENCY_NAMES[agency])


def by_area(data: ReportData, lang: str = "vi") -> list[Chart]:
    """The first main indicator of each agency, by area, for the period (not for one area's report)."""
    if data.area_id is not None:
        return []
    t = Lang(lang)
    names = _names(data, t)
    period = data.period["period_id"]
    areas = data.areas.filter(pl.col("level") != "city").to_dicts()
    points, hidden = [], 0
    codes = [codes[0] for codes in MAIN_INDICATORS.values() if codes[0] in names]
    for code in codes:
        for area in areas:
            row = data.value(code, area["area_id"], period)
            if not _drawable(row):
                hidden += row is not None and row["flag"] == "suppressed"
                continue
            points.append({"indicator": names[code], "area": area["area_name"], "value": row["value"],
                           "state": "incomplete" if row["flag"] == "incomplete" else "complete",
                           "level": t(*LEVELS[area["level"]])})
    if not points:
        return []
    panels = []
    for level in ("district", "commune"):  # one block of rows per level (both for a period across 1 July 2025)
        names_of_level = [a["area_name"] for a in areas if a["level"] == level]
        drawn = [p for p in points if p["area"] in set(names_of_level)]
        if not names_of_level or not drawn:
            continue
        panels.append(alt.Chart(pl.DataFrame(drawn)).mark_bar().encode(
            y=alt.Y("area:N", sort=names_of_level, title=None,
                    scale=alt.Scale(domain=names_of_level, paddingInner=0.25),
                    axis=alt.Axis(labelLimit=180, labelFontSize=10)),
            x=alt.X("value:Q", title=None, axis=alt.Axis(format=",~d", labelExpr=WHOLE, orient="top")),
            color=alt.Color("state:N", scale=alt.Scale(domain=list(COLOURS), range=list(COLOURS.values())),
                            legend=None),
            tooltip=[alt.Tooltip("value:Q", format=",~d"), alt.Tooltip("area:N"), alt.Tooltip("state:N"),
                     alt.Tooltip("indicator:N")],
        ).properties(width=170, height=alt.Step(12)).facet(
            column=alt.Column("indicator:N", title=None, sort=[names[c] for c in codes],
                              header=alt.Header(labelFontSize=12, labelLimit=0)),
        ).resolve_scale(x="independent").properties(
            title=alt.Title(t(*LEVELS[level]), anchor="start", fontSize=13, offset=8)))
    chart = alt.vconcat(*panels, spacing=28)
    caption = t("Địa bàn không có cột: số liệu bằng 0, chưa có, hoặc được ẩn để bảo mật (x).",
                "An area without a bar: zero, no data, or hidden (x).")
    if any(p["state"] == "incomplete" for p in points):
        caption += t(f" Cột nhạt: chưa đầy đủ ({INCOMPLETE_MARK}).",
                     f" Light bars: incomplete ({INCOMPLETE_MARK}).")
    return [Chart(t("Theo địa bàn, kỳ báo cáo này", "By area, this period"), _svg(chart), caption, points)]
