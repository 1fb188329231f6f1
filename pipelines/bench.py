"""`make bench`: the warehouse measured against the physical floor, in one run (issue 6).

    .venv/bin/python -m pipelines.bench --scale 2          # or: run_benchmark(BenchConfig(scale=2))

1. generate the deliveries once, cached by scale and seed under .bench/cache/;
2. a fresh data root .bench/run-<key>/ whose landing/ holds hard links to the cached files;
3. the floor: DuckDB alone reading the same files into tables, no transformation
   (see `floor` for how each format is read);
4. a full refresh (the real `refresh` job in-process), each stage's time from its step events;
5. an incremental refresh: one more police export of one day (`extra_police_delivery`);
6. query latency on the published file;
7. a table, then the last line, exactly:
   BENCH rows=.. floor_s=.. full_s=.. full_ratio=.. incr_s=.. incr_ratio=.. peak_rss_mb=.. q_report_ms=.. q_series_ms=..
         disclosure_s=.. suppressed_share=..

Peak RSS is that of the whole process tree (dbt runs as a subprocess of dagster-dbt),
sampled from /proc every 0.2 s, during the full refresh. A benchmark, not a test: nothing
here asserts a time.
"""

from __future__ import annotations

import argparse
import codecs
import csv
import json
import os
import shutil
import statistics
import sys
import threading
import time
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Callable

import polars as pl

from pipelines.config import REFERENCE_SEEDS_DIR, REPO_ROOT, Settings, load_settings
from pipelines.contract import POLICE_COLUMNS, POLICE_PERSONAL, LABOR_PERSONAL

DEFAULT_WORK_DIR = REPO_ROOT / ".bench"  # git-ignored
# Fifteen years of health report forms (2012-2026), as issue 6 asks; the generator's default end.
DEFAULT_FROM, DEFAULT_TO = date(2012, 1, 1), date(2026, 11, 30)
INCREMENT_SHARE = 0.001       # the new day's police rows, as a share of all police rows
QUERY_RUNS = 21
RSS_INTERVAL_S = 0.2
SERIES_INDICATOR = "VIO_CASES"
SAMPLE_SEED = 42

Echo = Callable[[str], None]


@dataclass(frozen=True)
class BenchConfig:
    scale: float = 1.0
    seed: int = 42
    date_from: date = DEFAULT_FROM
    date_to: date = DEFAULT_TO
    work_dir: Path = DEFAULT_WORK_DIR
    query_runs: int = QUERY_RUNS

    @property
    def key(self) -> str:
        span = "" if (self.date_from, self.date_to) == (DEFAULT_FROM, DEFAULT_TO) else \
            f"-{self.date_from:%Y%m%d}-{self.date_to:%Y%m%d}"
        return f"scale-{self.scale:g}-seed-{self.seed}{span}"


# -- 1. the data, generated once -----------------------------------------------------------------

def cached_landing(config: BenchConfig, echo: Echo) -> Path:
    """landing/ of the generated deliveries, generated on first use. A generation is written
    aside and renamed when complete, so an interrupted one is never taken for the cache."""
    from pipelines.generate import generate

    cache = config.work_dir / "cache" / config.key
    if not (cache / "generated.json").exists():
        partial = cache.with_name(cache.name + ".partial")
        shutil.rmtree(partial, ignore_errors=True)
        echo(f"generating {config.key} into {cache} (once) ...")
        started = time.perf_counter()
        summary = generate(partial / "landing", seed=config.seed, scale=config.scale,
                           date_from=config.date_from, date_to=config.date_to)
        (partial / "generated.json").write_text(json.dumps(
            {"seconds": round(time.perf_counter() - started, 1), "lines": summary.lines()}, ensure_ascii=False))
        shutil.rmtree(cache, ignore_errors=True)
        partial.rename(cache)
    return cache / "landing"


def fresh_home(config: BenchConfig, landing: Path) -> Settings:
    """A new data root whose landing/ links the cached files (delivered files are immutable,
    so a hard link costs nothing and the cache is never written to)."""
    from pipelines.runtime import prepare

    home = config.work_dir / f"run-{config.key}"
    shutil.rmtree(home, ignore_errors=True)
    home.mkdir(parents=True)
    shutil.copytree(landing, home / "landing", copy_function=_link)
    return prepare(load_settings(home))


def _link(source: str, target: str) -> None:
    try:
        os.link(source, target)
    except OSError:  # another file system
        shutil.copy2(source, target)


# -- 2. the floor ---------------------------------------------------------------------------------

@dataclass
class Floor:
    seconds: float
    files: int
    rows: int
    unreadable: list[str]


def floor(settings: Settings, landing: Path, database: Path) -> Floor:
    """DuckDB alone reading every delivered file into a table of its own, as DuckDB can and
    with no transformation: CSVs with `read_csv` (sniffed, all VARCHAR, UTF-16 as UTF-16),
    JSON Lines with `read_json`, the health workbooks with fastexcel. DuckDB has no
    Windows-1258 decoder (and its latin-1 refuses bytes 0x80-0x9F), so those exports are
    transcoded to UTF-8 beforehand, untimed: the floor is DuckDB's read of the same rows.
    Names and identity numbers are left out: they may not be stored in clear, and the
    warehouse does not store them either. Planning (encoding, header) is not timed."""
    from pipelines.warehouse import connect

    scratch = database.parent / "floor-transcoded"
    shutil.rmtree(scratch, ignore_errors=True)
    scratch.mkdir(parents=True)
    plan = [_read_plan(path, scratch) for path in sorted(landing.rglob("*")) if path.is_file()]
    database.unlink(missing_ok=True)
    unreadable = []
    con = connect(settings, path=database)
    try:
        started = time.perf_counter()
        for n, (path, sql) in enumerate(plan):
            try:
                if sql is None:
                    frame = _excel_sheet(path)  # noqa: F841 (scanned by name below)
                    con.execute(f"create table f{n} as select * from frame")
                else:
                    con.execute(f"create table f{n} as {sql}", [str(path)])
            except Exception:  # a file DuckDB (or fastexcel) cannot read at all
                unreadable.append(path.name)
        con.execute("checkpoint")
        seconds = time.perf_counter() - started
        rows = con.execute("select coalesce(sum(estimated_size), 0) from duckdb_tables()").fetchall()[0][0]
    finally:
        con.close()
        shutil.rmtree(scratch, ignore_errors=True)
    return Floor(seconds, len(plan), int(rows), unreadable)


def _excel_sheet(path: Path) -> pl.DataFrame:
    import fastexcel

    return fastexcel.read_excel(str(path)).load_sheet(0, header_row=None, dtypes="string").to_polars()


def _read_plan(path: Path, scratch: Path) -> tuple[Path, str | None]:
    """The file DuckDB reads and the statement that reads it (parameter: its path); no
    statement for a workbook."""
    if path.suffix == ".xlsx":
        return path, None
    if path.suffix in (".jsonl", ".json"):
        return path, "select * from read_json(?, format = 'newline_delimited', ignore_errors = true)"
    encoding = file_encoding(path)
    if encoding == "cp1258":
        path, encoding = _transcoded(path, scratch / f"{path.parent.name}-{path.name}"), "utf-8"
    personal = [h for h in _header(path, encoding) if _normal(h) in _PERSONAL_HEADERS]
    exclude = f" exclude ({', '.join(_quoted(h) for h in personal)})" if personal else ""
    return path, (f"select *{exclude} from read_csv(?, encoding = '{encoding}', all_varchar = true, "
                  "strict_mode = false, ignore_errors = true)")


def _transcoded(source: Path, target: Path) -> Path:
    with source.open(encoding="cp1258", errors="replace", newline="") as f, \
            target.open("w", encoding="utf-8", newline="") as out:
        shutil.copyfileobj(f, out, 1 << 20)
    return target


_PERSONAL_HEADERS = {unicodedata.normalize("NFC", h).casefold() for h in (*POLICE_PERSONAL, *LABOR_PERSONAL)}


def _normal(header: str) -> str:
    return " ".join(unicodedata.normalize("NFC", header).replace("\ufeff", "").split()).casefold()


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def file_encoding(path: Path) -> str:
    """utf-8, utf-16 (by its byte-order mark) or cp1258 (anything that is not UTF-8)."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    with path.open("rb") as f:
        first = f.read(2)
        if first in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
            return "utf-16"
        try:
            decoder.decode(first)
            while chunk := f.read(1 << 20):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return "cp1258"
    return "utf-8"


def _header(path: Path, encoding: str) -> list[str]:
    """The header as DuckDB will name the columns (sniffed, as its reader does)."""
    import duckdb

    rows = duckdb.sql(f"describe select * from read_csv('{_sql_text(path)}', encoding = '{encoding}', "
                      "all_varchar = true, strict_mode = false, ignore_errors = true)")
    return [row[0] for row in rows.fetchall()]


def _sql_text(path: Path) -> str:
    return str(path).replace("'", "''")


# -- 3. one more day of deliveries ------------------------------------------------------------------

def extra_police_delivery(landing: Path, police_rows: int, *, today: date | None = None,
                          share: float = INCREMENT_SHARE) -> tuple[str, int]:
    """Write one police export of the day after the last one: about `share` of all police
    rows (default INCREMENT_SHARE), half of them revisions of existing (case, person) pairs
    taken evenly from every UTF-8 export (a later `Ngày cập nhật`; one in four cancelled), half new cases
    detected that day in the 2025 commune-level units. Returns (file name relative to
    landing/, rows). The file follows the contract: UTF-8 with BOM, comma, contract headers."""
    police = landing / "police"
    exports = sorted(p for p in police.glob("police_cases_*.csv") if file_encoding(p) == "utf-8")
    day = _next_day(police, today or date.today())
    wanted = max(2, round(police_rows * share))
    every = max(1, police_rows // wanted)
    samples = [frame for p in exports if (frame := _every_nth(p, every)) is not None]
    sample = pl.concat(samples, how="vertical").head(wanted)
    sample = sample.with_columns(
        pl.col("Số định danh").str.replace_all(r"\D", "").alias("_person"),
        pl.int_range(pl.len()).alias("_n"),
    ).unique(subset=["Mã vụ việc", "_person"], keep="first", maintain_order=True)
    communes = _communes()
    stamp = pl.lit(f"{day:%d/%m/%Y} ") + (8 + pl.col("_n") % 10).cast(pl.String).str.zfill(2) + pl.lit(":30")
    revised = sample.filter(pl.col("_n") % 2 == 0).with_columns(
        pl.when(pl.col("_n") % 8 == 0).then(pl.lit("Hủy")).otherwise(pl.lit("Hiệu lực")).alias("Trạng thái"),
        stamp.alias("Ngày cập nhật"),
    )
    new = sample.filter(pl.col("_n") % 2 == 1).with_columns(
        (pl.lit(f"CA-HN-{day.year}-B") + pl.col("_n").cast(pl.String).str.zfill(6)).alias("Mã vụ việc"),
        pl.lit(f"{day:%d/%m/%Y}").alias("Ngày phát hiện"),
        pl.col("_n").map_elements(lambda n: communes[n % len(communes)][0], return_dtype=pl.String).alias("Mã ĐVHC"),
        pl.col("_n").map_elements(lambda n: communes[n % len(communes)][1], return_dtype=pl.String).alias("Địa bàn"),
        pl.lit("Hiệu lực").alias("Trạng thái"),
        stamp.alias("Ngày cập nhật"),
    )
    rows = pl.concat([revised, new]).select(list(POLICE_COLUMNS))
    name = _free_name(police, day)
    rows.write_csv(police / name, include_bom=True)
    return f"police/{name}", rows.height


def _every_nth(path: Path, every: int) -> pl.DataFrame | None:
    """About one in `every` data rows of an export, with the contract's headers (streamed); None
    for an export that lacks a contract column (a rejected file)."""
    with path.open(encoding="utf-8-sig", newline="") as f:
        header = next(csv.reader([f.readline()], delimiter=_delimiter(path)))
    contract = {_normal(h): h for h in POLICE_COLUMNS}
    names = {h: contract[_normal(h)] for h in header if _normal(h) in contract}
    if len(set(names.values())) < len(POLICE_COLUMNS):
        return None
    return (pl.scan_csv(path, separator=_delimiter(path), infer_schema=False, encoding="utf8")
             .rename(names, strict=False)
             # a row-level hash picks ~1/every of the rows of any file, small or large
             .filter(pl.concat_str(["Mã vụ việc", "Số định danh", "Ngày cập nhật"], ignore_nulls=True)
                     .hash(SAMPLE_SEED) % every == 0)
             .select(list(POLICE_COLUMNS))
             .collect(engine="streaming"))


def _delimiter(path: Path) -> str:
    with path.open(encoding="utf-8-sig") as f:
        first = f.readline()
    return ";" if first.count(";") > first.count(",") else ","


def _communes() -> list[tuple[str, str]]:
    with (REFERENCE_SEEDS_DIR / "admin_units.csv").open(encoding="utf-8", newline="") as f:
        return [(row["gso_code"], row["name"])
                for row in csv.DictReader(f) if row["level"] == "commune"]


def _next_day(police: Path, today: date) -> date:
    """The day after the latest export, but never after today (rows dated later are quarantined)."""
    days = [datetime.strptime(p.name[13:21], "%Y%m%d").date() for p in police.glob("police_cases_*.csv")
            if p.name[13:21].isdigit()]
    return min(max(days, default=today) + timedelta(days=1), today)


def _free_name(police: Path, day: date) -> str:
    name, n = f"police_cases_{day:%Y%m%d}.csv", 1
    while (police / name).exists():
        n += 1
        name = f"police_cases_{day:%Y%m%d}_{n}.csv"
    return name


# -- 4. memory of the process tree ----------------------------------------------------------------

class TreeRss:
    """Peak resident memory of this process and all its descendants, sampled from /proc.

        with TreeRss() as rss:
            ...
        rss.peak_mb
    """

    def __init__(self, pid: int | None = None, interval: float = RSS_INTERVAL_S):
        self.pid, self.interval = pid or os.getpid(), interval
        self.peak_kb = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True, name="tree-rss")

    @property
    def peak_mb(self) -> float:
        return self.peak_kb / 1024

    def __enter__(self) -> "TreeRss":
        self._thread.start()
        return self

    def __exit__(self, *_exc) -> None:
        self._stop.set()
        self._thread.join()
        self.peak_kb = max(self.peak_kb, tree_rss_kb(self.pid))

    def _sample(self) -> None:
        while not self._stop.is_set():
            self.peak_kb = max(self.peak_kb, tree_rss_kb(self.pid))
            self._stop.wait(self.interval)


def tree_rss_kb(pid: int) -> int:
    """VmRSS of `pid` and every descendant, in KiB (processes that end meanwhile count 0)."""
    total, todo = 0, [pid]
    while todo:
        current = todo.pop()
        try:
            status = Path(f"/proc/{current}/status").read_text()
            total += next((int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS:")), 0)
            for task in Path(f"/proc/{current}/task").iterdir():
                todo += [int(child) for child in (task / "children").read_text().split()]
        except (FileNotFoundError, ProcessLookupError):
            continue
    return total


# -- 5. a refresh and its stages --------------------------------------------------------------------

STAGES = ("ingest", "dbt", "disclosure", "checks", "publish")


@dataclass
class Refresh:
    seconds: float
    success: bool
    steps: dict[str, float]                      # step key -> seconds
    slowest_models: list[tuple[str, float]] = field(default_factory=list)

    def stage(self, name: str) -> float:
        return sum(s for key, s in self.steps.items() if stage_of(key) == name)


def stage_of(step_key: str) -> str:
    """The stage a step of the refresh job belongs to."""
    if step_key.endswith("_delivered_within_cadence") or step_key.startswith("raw__"):
        return "ingest"
    if step_key in ("dbt_models", "dbt_published", "ops__quarantine"):  # quarantine: the bad rows dbt found
        return "dbt"
    if step_key.startswith("disclosure__"):
        return "disclosure"
    if step_key.endswith("_suites"):
        return "checks"
    return "publish" if step_key == "release" else "other"


def timed_refresh(settings: Settings, echo: Echo, job=None) -> Refresh:
    """The refresh job in-process (its progress lines indented), timed, with its step times."""
    from pipelines.refresh import run_refresh

    started = time.perf_counter()
    result = run_refresh(settings, echo=lambda line: echo(f"    {line}"), job=job)
    seconds = time.perf_counter() - started
    return Refresh(seconds, result.success, step_seconds(), slowest_models(settings))


def step_seconds() -> dict[str, float]:
    """Step key -> seconds, from the latest run in Dagster's instance (this process's)."""
    import dagster as dg

    with dg.DagsterInstance.get() as instance:
        [run] = instance.get_runs(limit=1)
        events = instance.all_logs(run.run_id, of_type={dg.DagsterEventType.STEP_SUCCESS,
                                                          dg.DagsterEventType.STEP_FAILURE})
    steps = {}
    for entry in events:
        data = entry.dagster_event.event_specific_data
        steps[entry.step_key] = (getattr(data, "duration_ms", None) or 0) / 1000
    return steps


def slowest_models(settings: Settings, n: int = 5) -> list[tuple[str, float]]:
    """The dbt nodes that took longest in the last build (dbt's run_results.json)."""
    from pipelines.transform import target_path

    path = target_path(settings) / "run_results.json"
    if not path.exists():
        return []
    results = json.loads(path.read_text())["results"]
    ranked = sorted(results, key=lambda r: -r["execution_time"])[:n]
    return [(r["unique_id"].split(".", 2)[-1], r["execution_time"]) for r in ranked]


# -- 6. queries on the published file ----------------------------------------------------------------

@dataclass(frozen=True)
class Queries:
    """Median milliseconds of the two queries: fetched as Arrow (columnar, as BI tools and data
    frames receive results) and, for comparison, as Python tuples (`fetchall`)."""

    report_ms: float
    series_ms: float
    report_tuples_ms: float
    series_tuples_ms: float


def query_latency(settings: Settings, runs: int = QUERY_RUNS) -> Queries:
    """`district_report` for the latest year period and `indicator_values` for one indicator
    over all areas and periods, on one read-only connection (as a BI tool keeps it), after
    one warm-up run each."""
    from pipelines.publish.store import open_release_db

    con = open_release_db(settings.published_db)
    try:
        period = con.execute(
            "select period_id from marts.district_report join marts.dim_period using (period_id) "
            "where period_type = 'year' order by end_date desc, period_id limit 1").fetchall()[0][0]
        codes = [row[0] for row in con.execute("select indicator_code from marts.dim_indicator").fetchall()]
        indicator = SERIES_INDICATOR if SERIES_INDICATOR in codes else codes[0]
        report = ("select * from marts.district_report where period_id = ?", period)
        series = ("select * from marts.indicator_values where indicator_code = ? "
                  "order by period_id, area_id, sex", indicator)
        return Queries(*(_median_ms(con, sql, parameter, runs, fetch)
                         for fetch in ("arrow", "tuples") for sql, parameter in (report, series)))
    finally:
        con.close()


def _median_ms(con, sql: str, parameter: str, runs: int, fetch: str) -> float:
    def run() -> None:
        if fetch == "arrow":
            con.sql(sql, params=[parameter]).to_arrow_table()
        else:
            con.execute(sql, [parameter]).fetchall()

    run()
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        run()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


# -- the run ------------------------------------------------------------------------------------------

@dataclass
class BenchResult:
    rows: int
    floor: Floor
    full: Refresh
    incremental: Refresh
    increment_rows: int
    peak_rss_mb: float
    queries: Queries
    setup_s: float
    suppressed_share: float | None = None   # small-cell rows below the city suppressed (full refresh)

    def line(self) -> str:
        return (f"BENCH rows={self.rows} floor_s={self.floor.seconds:.2f} full_s={self.full.seconds:.2f} "
                f"full_ratio={self.full.seconds / self.floor.seconds:.2f} incr_s={self.incremental.seconds:.2f} "
                f"incr_ratio={self.incremental.seconds / self.full.seconds:.3f} "
                f"peak_rss_mb={self.peak_rss_mb:.0f} q_report_ms={self.queries.report_ms:.2f} "
                f"q_series_ms={self.queries.series_ms:.2f} disclosure_s={self.full.stage('disclosure'):.2f} "
                f"suppressed_share={self.suppressed_share if self.suppressed_share is not None else float('nan'):.4f}")

    def table(self) -> str:
        lines = [f"{'measure':<34} {'full':>10} {'incremental':>12}",
                 f"{'floor (DuckDB reads the files)':<34} {self.floor.seconds:>10.2f}"]
        for stage in STAGES:
            lines.append(f"{'  ' + stage:<34} {self.full.stage(stage):>10.2f} {self.incremental.stage(stage):>12.2f}")
        overhead = [r.seconds - sum(r.steps.values()) for r in (self.full, self.incremental)]
        lines += [f"{'  orchestration (between steps)':<34} {overhead[0]:>10.2f} {overhead[1]:>12.2f}",
                  f"{'refresh, wall (s)':<34} {self.full.seconds:>10.2f} {self.incremental.seconds:>12.2f}",
                  f"{'refresh / floor':<34} {self.full.seconds / self.floor.seconds:>10.2f}",
                  f"{'incremental / full':<34} {'':>10} {self.incremental.seconds / self.full.seconds:>12.3f}",
                  f"{'police rows (raw after full)':<34} {self.rows:>10,} {self.increment_rows:>12,}",
                  f"{'floor: files, rows, unreadable':<34} {self.floor.files:>10,} {self.floor.rows:>12,}"
                  f" {len(self.floor.unreadable)}",
                  f"{'setup: import, dbt parse (s)':<34} {self.setup_s:>10.2f}",
                  f"{'peak RSS of the tree (MB)':<34} {self.peak_rss_mb:>10.0f}",
                  f"{'district_report, Arrow (ms)':<34} {self.queries.report_ms:>10.2f}"
                  f" {'(tuples':>8} {self.queries.report_tuples_ms:.2f})",
                  f"{'indicator_values series, Arrow (ms)':<34} {self.queries.series_ms:>10.2f}"
                  f" {'(tuples':>8} {self.queries.series_tuples_ms:.2f})"]
        for label, refresh in (("full", self.full), ("incremental", self.incremental)):
            if refresh.slowest_models:
                lines.append(f"slowest dbt nodes, {label}: " + ", ".join(
                    f"{name} {seconds:.1f} s" for name, seconds in refresh.slowest_models))
        return "\n".join(lines)


def run_benchmark(config: BenchConfig, echo: Echo,
                  refresh: Callable[[Settings, Echo], Refresh] = timed_refresh) -> BenchResult:
    """Everything `make bench` measures, in one run. `refresh` runs and times one refresh
    (default: the whole refresh job; a test passes a lighter real one)."""
    landing = cached_landing(config, echo)
    settings = fresh_home(config, landing)
    echo(f"data root {settings.home}")

    echo("floor: DuckDB reads every file ...")
    floor_result = floor(settings, settings.landing_dir, settings.work_dir / "floor.duckdb")
    (settings.work_dir / "floor.duckdb").unlink(missing_ok=True)

    # Loading the definitions parses the dbt project once for a new data root: a deployment
    # cost (the code server keeps them loaded), timed apart from the refresh.
    started = time.perf_counter()
    import pipelines.definitions  # noqa: F401

    setup_s = time.perf_counter() - started

    echo("full refresh ...")
    with TreeRss() as rss:
        full = refresh(settings, echo)
    rows = _police_rows(settings)
    share = suppressed_share(settings)

    name, increment_rows = extra_police_delivery(settings.landing_dir, rows)
    echo(f"incremental refresh: {name} ({increment_rows} rows) ...")
    incremental = refresh(settings, echo)

    queries = query_latency(settings, config.query_runs)
    return BenchResult(rows, floor_result, full, incremental, increment_rows, rss.peak_mb, queries,
                       setup_s, share)


def suppressed_share(settings: Settings) -> float | None:
    """The share of small-cell rows below the city that disclosure control suppressed, as the
    last check of the candidate recorded it (pipelines.disclosure.report)."""
    from pipelines.gate import disclosure_summary

    summary = disclosure_summary(settings)
    if not summary or not summary["share"]:
        return None
    return sum(r["suppressed"] for r in summary["share"]) / sum(r["rows"] for r in summary["share"])


def _police_rows(settings: Settings) -> int:
    from pipelines.warehouse import warehouse

    with warehouse(settings, read_only=True) as con:
        return con.execute("select count(*) from raw.police_case_persons").fetchall()[0][0]


def report(result: BenchResult, echo: Echo) -> None:
    """The table, then, last, the BENCH line."""
    echo(result.table())
    echo(result.line())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m pipelines.bench", description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=1.0, help="generator scale (1 is about 30,000 police rows over 2012-2026)")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--work-dir", type=Path, default=DEFAULT_WORK_DIR, help="cache and data root (.bench/)")
    parser.add_argument("--query-runs", type=int, default=QUERY_RUNS)
    args = parser.parse_args(argv)
    config = BenchConfig(scale=args.scale, seed=args.seed, work_dir=args.work_dir.resolve(),
                         query_runs=args.query_runs)
    out = sys.stdout  # the console: during a refresh, sys.stdout is Dagster's log file

    def echo(line: str) -> None:
        print(line, file=out, flush=True)

    result = run_benchmark(config, echo=echo)
    report(result, echo)
    return 0 if result.full.success and result.incremental.success else 1


if __name__ == "__main__":
    raise SystemExit(main())
