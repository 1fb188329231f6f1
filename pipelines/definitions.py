"""Everything Dagster runs: the `defs` of every module in `pipelines.defs`, merged.

Each concern (ingestion, dbt, quality, publishing, schedules) keeps its assets, checks,
jobs and sensors in its own module; nobody lists them by hand here.
"""

import importlib
import pkgutil

import dagster as dg

from pipelines import defs as defs_package
from pipelines.defs.resources import PcmdResource
from pipelines.permissions import private_by_default

# Every Dagster process that loads these definitions (code server, run worker) writes private
# files, whatever the umask it was started with (pipelines.permissions).
private_by_default()


def _module_defs() -> list[dg.Definitions]:
    found = []
    for info in sorted(pkgutil.iter_modules(defs_package.__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{defs_package.__name__}.{info.name}")
        if isinstance(getattr(module, "defs", None), dg.Definitions):
            found.append(module.defs)
    return found


# DuckDB allows one writer per file, so every step of a run executes in one process, in order.
defs = dg.Definitions.merge(
    *_module_defs(),
    dg.Definitions(resources={"pcmd": PcmdResource()}, executor=dg.in_process_executor),
)
