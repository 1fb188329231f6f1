"""Results of a suite run: what passed, what failed and why, in the forms their readers need.

Nothing personal goes into a result: probes report keys, counts and masked text, and error
messages are redacted (a DuckDB error may quote a value).
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

import pandas as pd

SAMPLE_ROWS = 10  # offending rows kept per expectation

_DIGIT_RUN = re.compile(r"\d(?:[ .]?\d){8,}")


def redact(text: str) -> str:
    """Mask any run of 9 or more digits (what could be an identity number)."""
    return _DIGIT_RUN.sub(lambda m: "#" * len(m.group()), text)


def records(frame: pd.DataFrame, limit: int = SAMPLE_ROWS) -> list[dict[str, Any]]:
    """The first rows of a frame as JSON-ready dicts (dates in ISO form, NULL as None)."""
    return json.loads(frame.head(limit).to_json(orient="records", date_format="iso"))


@dataclass(frozen=True)
class ExpectationResult:
    name: str
    note: str
    passed: bool
    observed: int | None        # rows breaking the rule, or unexpected values among `checked`
    checked: int | None         # rows of the frame GX checked (None for a count of violations)
    sample: list[dict[str, Any]]  # a few offending rows: keys, counts, masked text
    error: str | None = None    # why the probe or the validation could not run

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class SuiteResult:
    name: str
    layer: str
    blocking: bool
    passed: bool
    fingerprint: str | None     # the candidate validated (marts); what publish's gate compares
    run_at: datetime
    expectations: tuple[ExpectationResult, ...]
    validation: dict[str, Any]  # the GX validation result (ExpectationSuiteValidationResult JSON)

    @property
    def failed(self) -> list[str]:
        return [e.name for e in self.expectations if not e.passed]

    def to_check_dict(self) -> dict[str, Any]:
        """What publish's gate reads (name, passed, blocking, fingerprint) and the manifest keeps."""
        return {
            "name": self.name,
            "passed": self.passed,
            "blocking": self.blocking,
            "fingerprint": self.fingerprint,
            "suite": self.name,
            "layer": self.layer,
            "run_at": self.run_at.isoformat(),
            "expectations": len(self.expectations),
            "failed": self.failed,
        }

    def to_dict(self) -> dict[str, Any]:
        """The readable summary (no GX JSON): what `write_results` puts in results.json."""
        return {**self.to_check_dict(), "expectations": [e.to_dict() for e in self.expectations]}

    def summary(self) -> str:
        verdict = "passed" if self.passed else ("FAILED" if self.blocking else "warning")
        line = f"{self.name}: {verdict} ({len(self.expectations) - len(self.failed)}/{len(self.expectations)})"
        return line + (f"; failed: {', '.join(self.failed)}" if self.failed else "")
