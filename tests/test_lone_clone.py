"""The repository as a user has it: cloned alone, with no `shared/` folder beside it.

A copy of the repository in an empty folder generates small sample deliveries and refreshes
(the `pcmd` commands of the copy, in their own processes). Then its published file is opened as
statisticians and BI tools open it: directly in DuckDB, and through SQLAlchemy with
duckdb-engine, the driver Superset uses; a new release is published while that engine is open.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
import sqlalchemy as sa
from sqlalchemy.pool import NullPool

from pipelines.publish.candidate import PUBLISHED_TABLES
from pipelines.publish.release import RELEASE_TABLE

REPO = Path(__file__).resolve().parents[1]
TABLES = sorted((*PUBLISHED_TABLES, RELEASE_TABLE))


def _repository_files() -> list[str]:
    """What a clone of the working tree holds: tracked files and new ones git does not ignore."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=REPO, capture_output=True, check=True,
    ).stdout.decode().split("\0")
    return [name for name in listed if name and (REPO / name).is_file()]


class Clone:
    def __init__(self, root: Path):
        self.repo = root / "repo"
        self.home = root / "home"
        for name in _repository_files():
            target = self.repo / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(REPO / name, target)
        # The clone's own code, not this checkout's: first on the path of every process it starts.
        self.env = {**os.environ, "PYTHONPATH": str(self.repo), "PCMD_HOME": str(self.home)}
        for name in ("PCMD_PSEUDONYM_KEY", "DAGSTER_HOME", "DBT_PROFILES_DIR", "PCMD_WAREHOUSE_DB"):
            self.env.pop(name, None)

    def run(self, *args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, *args], cwd=self.repo, env=self.env,
                              capture_output=True, text=True, timeout=900)

    def pcmd(self, *args: str) -> subprocess.CompletedProcess:
        return self.run("-m", "pipelines.cli", *args)

    @property
    def published_db(self) -> Path:
        return self.home / "published" / "marts.duckdb"


@pytest.fixture(scope="module")
def clone(tmp_path_factory) -> Clone:
    """A lone clone that generated deliveries for mid-2024 to mid-2025 and refreshed once."""
    clone = Clone(tmp_path_factory.mktemp("alone"))
    assert not (clone.repo.parent / "shared").exists()
    generated = clone.pcmd("generate", "--seed", "11", "--scale", "0.3", "--from", "2024-06-01", "--to", "2025-08-31")
    assert generated.returncode == 0, generated.stderr
    clone.first_refresh = clone.pcmd("refresh")
    return clone


def test_a_lone_clone_runs_its_own_code_and_publishes(clone):
    located = clone.run("-c", "import pipelines; print(pipelines.__file__)")
    assert Path(located.stdout.strip()).is_relative_to(clone.repo)
    refresh = clone.first_refresh
    assert refresh.returncode == 0, refresh.stdout[-3000:] + refresh.stderr[-3000:]
    assert re.search(r"^Release: \S+ published at ", refresh.stdout, flags=re.M), refresh.stdout
    assert clone.published_db.is_file()


def _release_files(clone: Clone) -> list[Path]:
    return [clone.published_db, *sorted((clone.home / "releases").glob("*/marts.duckdb"))]


def test_every_release_file_opens_directly_with_bare_and_qualified_names(clone):
    files = _release_files(clone)
    assert len(files) >= 2
    for path in files:
        with duckdb.connect(str(path), read_only=True) as con:
            for table in TABLES:
                bare = con.execute(f"select count(*) from {table}").fetchall()[0][0]
                qualified = con.execute(f"select count(*) from marts.{table}").fetchall()[0][0]
                assert bare == qualified > 0, (path, table)


def readme_queries() -> list[str]:
    """Every statement of the README's ```sql blocks."""
    text = (REPO / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```sql\n(.*?)```", text, flags=re.S)
    statements = [s.strip() for block in blocks for s in block.split(";")]
    statements = [s for s in statements if re.sub(r"--[^\n]*", "", s).strip()]
    assert statements, "the README shows no SQL query"
    return statements


def test_the_readme_queries_answer_in_duckdb(clone):
    with duckdb.connect(str(clone.published_db), read_only=True) as con:
        for sql in readme_queries():
            assert con.execute(sql).fetchall(), sql


def test_district_report_shows_counts_as_whole_numbers(clone):
    with duckdb.connect(str(clone.published_db), read_only=True) as con:
        types = dict(con.execute("select column_name, data_type from information_schema.columns "
                                 "where table_name = 'district_report'").fetchall())
        (cases, rate), = con.execute("select vio_cases, ins_md_finding_rate from district_report "
                                     "where area_id = '01' and vio_cases is not null limit 1").fetchall()
    assert types["vio_cases"] == types["vio_fines_vnd"] == "BIGINT"
    assert types["ins_md_finding_rate"] == "DOUBLE"
    assert isinstance(cases, int) and str(cases).isdigit()


def _engine(path: Path, **options) -> sa.Engine:
    """As the README tells BI users: the file's absolute path, read-only."""
    return sa.create_engine(f"duckdb:///{path.resolve()}", connect_args={"read_only": True}, **options)


def _release_id(con: sa.Connection) -> str:
    return con.execute(sa.text("select release_id from marts.release")).scalar_one()


def test_sqlalchemy_lists_every_table_with_its_columns_and_runs_the_readme_queries(clone):
    engine = _engine(clone.published_db)
    try:
        inspector = sa.inspect(engine)
        assert sorted(inspector.get_table_names()) == TABLES
        columns = {c["name"]: c["type"] for c in inspector.get_columns("district_report")}
        assert isinstance(columns["vio_cases"], sa.BigInteger)
        with engine.connect() as con:
            for sql in readme_queries():
                assert con.execute(sa.text(sql)).fetchall(), sql
            assert con.execute(sa.text("select count(*) from indicator_values")).scalar_one() == \
                con.execute(sa.text("select count(*) from marts.indicator_values")).scalar_one() > 0
    finally:
        engine.dispose()


def test_a_connection_opened_after_a_publish_sees_the_new_release(clone):
    """The engine stays open across a publish (no client restart), configured as the README says
    (and as Superset connects): a new connection per use, none kept idle in a pool.

    DuckDB keeps one database instance per file and process while any connection to it is open,
    so a connection held across the publish keeps its snapshot, and so would idle pooled ones."""
    engine = _engine(clone.published_db, poolclass=NullPool)
    try:
        held = engine.connect()
        before = _release_id(held)
        # New deliveries (a later month) and a second refresh publish a new release.
        generated = clone.pcmd("generate", "--seed", "12", "--scale", "0.3", "--from", "2025-09-01", "--to", "2025-09-30")
        assert generated.returncode == 0, generated.stderr
        refresh = clone.pcmd("refresh")
        assert refresh.returncode == 0, refresh.stdout[-3000:] + refresh.stderr[-3000:]
        published = re.search(r"^Release: (\S+) published at ", refresh.stdout, flags=re.M)
        assert published, refresh.stdout
        assert published[1] != before

        assert _release_id(held) == before  # a connection open across the publish keeps its snapshot
        held.close()
        with engine.connect() as con:
            assert _release_id(con) == published[1]
            assert con.execute(sa.text("select distinct release_id from indicator_values")).scalars().all() == \
                [published[1]]
    finally:
        engine.dispose()
