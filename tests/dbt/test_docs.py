"""`dbt docs generate` works, and the docs describe every fact, every mart and each of their
columns in Vietnamese and English."""

from __future__ import annotations

import json
import re

import pytest

from pipelines import transform

# Descriptions are written "English / Tiếng Việt" (the English may quote Vietnamese terms).
SEPARATOR = re.compile(r"\s/\s")
ENGLISH_WORD = re.compile(r"\b[A-Za-z]{2,}\b")
NON_ASCII_LETTER = re.compile(r"[^\W\d_a-zA-Z]")


def _bilingual(text: str) -> bool:
    *english, vietnamese = SEPARATOR.split(text)
    return bool(english) and len(ENGLISH_WORD.findall(" ".join(english))) >= 2 and bool(NON_ASCII_LETTER.search(vietnamese))


@pytest.fixture(scope="module")
def docs(built):
    settings, _ = built
    result = transform.docs_generate(settings)
    assert result.success, "\n".join(transform.failures(result))
    target = transform.target_path(settings)
    return (json.loads((target / "manifest.json").read_text()),
            json.loads((target / "catalog.json").read_text()))


def _published_nodes(manifest):
    return [node for node in manifest["nodes"].values()
            if node["resource_type"] == "model" and node["schema"] in ("core", "marts")]


def test_every_fact_and_mart_is_described_in_both_languages(docs):
    manifest, _ = docs
    nodes = _published_nodes(manifest)
    assert {node["name"] for node in nodes} >= {"fct_violation_persons", "indicator_values", "district_report"}
    for node in nodes:
        assert _bilingual(node["description"]), node["name"]


def test_every_column_of_them_is_described_in_both_languages(docs):
    manifest, catalog = docs
    for node in _published_nodes(manifest):
        columns = catalog["nodes"][node["unique_id"]]["columns"]
        described = {name.lower(): column["description"] for name, column in node["columns"].items()}
        for name in columns:
            description = described.get(name.lower(), "")
            assert _bilingual(description), f"{node['name']}.{name}"
