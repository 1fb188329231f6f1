"""The results on disk, for operators: GX validation JSON per suite, a summary, one HTML page.

    <folder>/index.html              what passed and what failed, with samples (self-contained)
    <folder>/results.json            the same as data (SuiteResult.to_dict of each suite)
    <folder>/validations/<suite>.json  GX's ExpectationSuiteValidationResult of each suite

GX's own data docs are not used: their pages load their style sheets and scripts from CDNs, so
offline (the warehouse has no route out) they render unstyled and try to reach the network.
This page needs nothing but itself.
"""

from __future__ import annotations

import json
from html import escape
from pathlib import Path
from typing import Any, Iterable

from pipelines.quality.result import ExpectationResult, SuiteResult

_STYLE = """
body { font: 14px/1.45 system-ui, sans-serif; margin: 2em auto; max-width: 75em; color: #222; }
table { border-collapse: collapse; margin: .5em 0 1.5em; width: 100%; }
th, td { border-bottom: 1px solid #ddd; padding: .3em .6em; text-align: left; vertical-align: top; }
th { background: #f4f4f4; }
table.sample { width: auto; font-size: 12px; margin: .3em 0; }
table.sample td, table.sample th { border: 1px solid #e3e3e3; padding: .1em .4em; }
.passed { color: #16794c; font-weight: 600; }
.failed { color: #b3261e; font-weight: 600; }
.warning { color: #a15c00; font-weight: 600; }
.note { color: #555; }
code { font-size: 12px; }
"""


def _verdict(suite: SuiteResult) -> tuple[str, str]:
    if suite.passed:
        return "passed", "passed"
    return ("failed", "FAILED (blocking)") if suite.blocking else ("warning", "warning (not blocking)")


def _observed(result: ExpectationResult) -> str:
    if result.error:
        return "could not run"
    if result.checked is None:
        return f"{result.observed} offending row{'s' if result.observed != 1 else ''}"
    return f"{result.observed} of {result.checked} unexpected"


def _sample_table(rows: list[dict[str, Any]]) -> str:
    if not rows:
        return ""
    columns = list(dict.fromkeys(key for row in rows for key in row))
    head = "".join(f"<th>{escape(c)}</th>" for c in columns)
    body = "".join(
        "<tr>" + "".join(f"<td>{escape('' if row.get(c) is None else str(row.get(c)))}</td>" for c in columns) + "</tr>"
        for row in rows
    )
    return f'<table class="sample"><tr>{head}</tr>{body}</table>'


def _suite_section(suite: SuiteResult) -> str:
    css, verdict = _verdict(suite)
    rows = []
    for result in suite.expectations:
        status = '<span class="passed">✔</span>' if result.passed else (
            '<span class="failed">✘</span>' if suite.blocking else '<span class="warning">!</span>')
        detail = escape(result.error) if result.error else _sample_table(result.sample)
        rows.append(
            f"<tr><td>{status}</td><td><code>{escape(result.name)}</code><div class=\"note\">{escape(result.note)}</div></td>"
            f"<td>{escape(_observed(result))}</td><td>{detail}</td></tr>"
        )
    return (
        f'<h2 id="{escape(suite.name)}">{escape(suite.name)} <span class="{css}">{escape(verdict)}</span></h2>'
        f"<p>Layer {escape(suite.layer)}; fingerprint <code>{escape(str(suite.fingerprint))}</code>; "
        f"run at {escape(suite.run_at.isoformat(timespec='seconds'))}. "
        f'GX result: <a href="validations/{escape(suite.name)}.json">validations/{escape(suite.name)}.json</a></p>'
        "<table><tr><th></th><th>expectation</th><th>observed</th><th>offending rows (sample)</th></tr>"
        + "".join(rows) + "</table>"
    )


def render_html(results: Iterable[SuiteResult]) -> str:
    results = list(results)
    summary = []
    for suite in results:
        css, verdict = _verdict(suite)
        passed = len(suite.expectations) - len(suite.failed)
        summary.append(
            f'<tr><td><a href="#{escape(suite.name)}">{escape(suite.name)}</a></td><td>{escape(suite.layer)}</td>'
            f'<td class="{css}">{escape(verdict)}</td><td>{passed}/{len(suite.expectations)}</td>'
            f"<td>{escape(', '.join(suite.failed))}</td></tr>"
        )
    blocking_failed = [s.name for s in results if s.blocking and not s.passed]
    headline = (
        f'<p class="failed">Blocking checks failed: {escape(", ".join(blocking_failed))}. The candidate is not published.</p>'
        if blocking_failed else '<p class="passed">Every blocking check passed.</p>'
    )
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>pcmd quality checks</title>'
        f"<style>{_STYLE}</style></head><body><h1>Quality checks</h1>{headline}"
        "<table><tr><th>suite</th><th>layer</th><th>result</th><th>expectations passed</th><th>failed</th></tr>"
        + "".join(summary) + "</table>" + "".join(_suite_section(s) for s in results) + "</body></html>\n"
    )


def write_results(results: Iterable[SuiteResult], folder: Path) -> list[Path]:
    """Write the GX validation JSON of each suite, results.json and index.html into `folder`."""
    results = list(results)
    folder = Path(folder)
    (folder / "validations").mkdir(parents=True, exist_ok=True)
    written = []
    for suite in results:
        path = folder / "validations" / f"{suite.name}.json"
        path.write_text(json.dumps(suite.validation, indent=2, ensure_ascii=False, default=str) + "\n", encoding="utf-8")
        written.append(path)
    summary = folder / "results.json"
    summary.write_text(json.dumps([s.to_dict() for s in results], indent=2, ensure_ascii=False, default=str) + "\n",
                       encoding="utf-8")
    page = folder / "index.html"
    page.write_text(render_html(results), encoding="utf-8")
    return [*written, summary, page]
