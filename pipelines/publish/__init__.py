"""Releases: build, keep and atomically publish the marts (docs/interface.md).

    $PCMD_HOME/releases/<release_id>/   marts.duckdb (schema marts only), <table>.parquet,
                                        manifest.json (id, time, code version, fingerprint,
                                        deliveries with sha256, row counts, quality results)
    $PCMD_HOME/published/marts.duckdb   the published release, replaced atomically
    $PCMD_HOME/published/RELEASE        its id

| module         | concern                                                          |
|----------------|------------------------------------------------------------------|
| `candidate.py` | the marts in the warehouse: what is published, its fingerprint    |
| `gate.py`      | the check results that allow a candidate to be published          |
| `release.py`   | writing one release folder                                        |
| `store.py`     | the folders on disk: atomic replace, lock, listing, retention     |
| `run.py`       | `publish`: the steps in order                                     |

Typical use (the Dagster assets and `pcmd` are thin wrappers over this):

    fingerprint = candidate_fingerprint(settings, code_version)    # the checks record it
    outcome = publish(settings, checks=results, deliveries=accepted_deliveries(settings),
                      code_version=code_version)
"""

from pipelines.publish.candidate import (
    PUBLISHED_TABLES, CandidateError, accepted_deliveries, candidate_fingerprint, current_code_version,
)
from pipelines.publish.gate import CheckResult, PublishRefused
from pipelines.publish.run import STAGES, PublishOutcome, publish
from pipelines.publish.store import PublishBusy, list_releases, prune_releases, published_release

__all__ = [
    "PUBLISHED_TABLES", "STAGES", "CandidateError", "CheckResult", "PublishBusy", "PublishOutcome",
    "PublishRefused", "accepted_deliveries", "candidate_fingerprint", "current_code_version",
    "list_releases", "prune_releases", "publish", "published_release",
]
