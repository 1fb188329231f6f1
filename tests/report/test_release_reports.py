"""Every release carries its reports (the latest complete reporting half-year and year) and its
bilingual data dictionary; the refresh summary and `pcmd status` say where; a report that fails
leaves no release behind."""

from __future__ import annotations

import re
import shutil

import pytest

from pipelines.config import load_settings


def test_the_release_carries_its_reports_and_dictionary(published):
    from pipelines.publish import published_release

    settings, output = published
    release = settings.releases_dir / published_release(settings)["release_id"]
    # data through October 2025: the latest complete reporting half-year ends 14/06/2025, the year 14/12/2024
    assert sorted(p.name for p in (release / "reports").iterdir()) == [
        "bao-cao-R2024.html", "bao-cao-R2024.xlsx", "bao-cao-R2025-H1.html", "bao-cao-R2025-H1.xlsx"]
    assert (release / "dictionary.html").is_file()
    assert f"Reports: {release / 'reports'}/ (bao-cao-R2024.html" in output
    assert f"Data dictionary: {release / 'dictionary.html'}" in output


def test_status_says_where_the_reports_are(published, monkeypatch):
    from pipelines.status import status_report

    settings, _ = published
    text = status_report(settings)
    assert re.search(r"Reports: .*/reports/ \(bao-cao-R2024\.html", text) and "dictionary.html" in text


def test_the_dictionary_describes_every_published_column_in_both_languages(published, query):
    from pipelines.report.dictionary import registry, split_languages, table_docs

    settings, _ = published
    columns = query("select table_name, column_name from information_schema.columns "
                    "where table_catalog = current_database() and table_schema = current_schema()")
    assert {c["table_name"] for c in columns} >= {"dim_area", "dim_period", "dim_indicator", "indicator_values",
                                                   "district_report", "release"}
    for c in columns:
        description, docs = table_docs(c["table_name"])
        for text in (description, docs[c["column_name"]]):
            english, vietnamese = split_languages(text)
            assert english and vietnamese, f"{c['table_name']}.{c['column_name']}"
    from pipelines.publish import published_release

    page = (settings.releases_dir / published_release(settings)["release_id"] / "dictionary.html").read_text()
    for c in columns:
        assert f">{c['column_name']}<" in page
    for indicator in registry():
        assert indicator["indicator_code"] in page and indicator["name_vi"] in page and indicator["name_en"] in page
    assert "http://" not in page and "https://" not in page


def test_a_failing_report_leaves_no_release(published, tmp_path, monkeypatch):
    """A new release (another code version) whose reports fail: nothing of it stays."""
    from pipelines.publish import candidate_fingerprint, publish, published_release
    from pipelines.publish import run as publish_run

    settings, _ = published
    home = tmp_path / "home"
    shutil.copytree(settings.home, home, ignore=shutil.ignore_patterns("landing", "dagster", "logs"))
    copy = load_settings(home)
    before = sorted(p.name for p in copy.releases_dir.iterdir())
    checks = [{"name": "all", "passed": True, "blocking": True,
               "fingerprint": candidate_fingerprint(copy, "another-version")}]

    def broken(folder, release_db, manifest):
        (folder / "reports").mkdir()
        (folder / "reports" / "half.xlsx").write_bytes(b"PK")
        raise RuntimeError("report failed")

    monkeypatch.setattr(publish_run, "write_release_reports", broken)
    with pytest.raises(RuntimeError, match="report failed"):
        publish(copy, checks=checks, deliveries=[], code_version="another-version")
    assert sorted(p.name for p in copy.releases_dir.iterdir()) == before
    assert published_release(copy)["release_id"] == published_release(settings)["release_id"]
