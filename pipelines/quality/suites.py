"""The suites: one Python file per suite under expectations/, each defining `SUITE`.

`expectations/` is not a package (it sits beside `pipelines/`, as the data flow reads: ingestion,
dbt, expectations); its files are loaded by path, once per process. Files starting with `_`
are helpers, not suites.
"""

from __future__ import annotations

import importlib.util
from functools import cache
from pathlib import Path

from pipelines.config import EXPECTATIONS_DIR
from pipelines.quality.session import QualityError
from pipelines.quality.spec import LAYERS, Suite


def _load_file(path: Path) -> Suite:
    spec = importlib.util.spec_from_file_location(f"pcmd_expectations.{path.stem}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    suite = getattr(module, "SUITE", None)
    if not isinstance(suite, Suite):
        raise QualityError(f"{path} defines no SUITE")
    if suite.name != path.stem:
        raise QualityError(f"{path} defines suite {suite.name!r}: a suite is named as its file")
    return suite


@cache
def _suites(folder: Path = EXPECTATIONS_DIR) -> dict[str, Suite]:
    paths = sorted(p for p in folder.glob("*.py") if not p.name.startswith("_"))
    return {path.stem: _load_file(path) for path in paths}


def list_suites(layer: str | None = None) -> list[Suite]:
    """Every suite (of one layer: raw or marts), in name order."""
    if layer is not None and layer not in LAYERS:
        raise QualityError(f"layer must be one of {LAYERS}, not {layer!r}")
    return [s for s in _suites().values() if layer is None or s.layer == layer]


def get_suite(name: str) -> Suite:
    try:
        return _suites()[name]
    except KeyError:
        raise QualityError(f"no suite {name!r}; known: {', '.join(_suites())}") from None
