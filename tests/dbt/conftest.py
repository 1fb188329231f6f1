"""One real dbt build (dbt-duckdb, DuckDB) on the hand-made raw rows of scenario.py, shared by
the dbt test modules: dbt takes seconds to start, and the build runs the seeds, every model,
the dbt unit tests and the data tests, with the disclosure step between the unsuppressed values
and the published marts, as a refresh runs it. The tests then read what it made."""

from __future__ import annotations

import os

import pytest

from pipelines import transform
from pipelines.config import load_settings
from pipelines.warehouse import connect, ensure_schema
from scenario import write_raw_rows


@pytest.fixture(scope="session")
def built(tmp_path_factory):
    """A warehouse with the scenario's raw rows, built once; yields (settings, results): dbt's
    result before the disclosure step and after it."""
    with pytest.MonkeyPatch.context() as env:
        env.setenv("PCMD_PSEUDONYM_KEY", "test-pseudonym-key-not-secret")
        settings = load_settings(home=tmp_path_factory.mktemp("dbt_home"))
        con = connect(settings)
        try:
            ensure_schema(con)
            write_raw_rows(con)
        finally:
            con.close()
        environment_before = dict(os.environ)
        results = transform.build_with_disclosure(settings)
        assert dict(os.environ) == environment_before, "dbt's environment leaked out of build()"
        yield settings, results


@pytest.fixture
def warehouse_db(built):
    """A read-only connection, closed after each test: dbt cannot open a file held open here."""
    settings, results = built
    for result in results:
        assert result.success, "\n".join(transform.failures(result))
    con = connect(settings, read_only=True)
    yield con
    con.close()


def rows(con, sql: str, *parameters) -> list[tuple]:
    return con.execute(sql, list(parameters)).fetchall()
