"""The release gate: a candidate is published only when every blocking check passed on it.

A check result is a dict (what the quality assets report):

    {"name": "marts_indicator_values", "passed": True, "blocking": True,
     "fingerprint": "<candidate_fingerprint() the check validated>", ...anything else}

`blocking` defaults to True. Other keys (suite, details, counts) are kept in the manifest.
A result counts only for the candidate whose fingerprint it carries: when the warehouse has
changed since, no later run, retry or manual call can publish the unchecked data.
"""

from __future__ import annotations

from typing import Collection, Iterable, TypedDict


class CheckResult(TypedDict, total=False):
    name: str
    passed: bool
    blocking: bool
    fingerprint: str


class PublishRefused(Exception):
    """The candidate may not be published; the previous release stays published."""


def _short(fingerprint: object) -> str:
    return str(fingerprint)[:12] if fingerprint else "none"


def refusals(
    checks: Iterable[CheckResult],
    fingerprint: str,
    *,
    candidate_id: str | None = None,
    required: Collection[str] = (),
) -> list[str]:
    """Why the candidate with `fingerprint` may not be published; empty when it may."""
    problems = []
    if candidate_id is not None and candidate_id != fingerprint:
        problems.append(
            f"the warehouse changed since candidate {_short(candidate_id)} was prepared "
            f"(it is now {_short(fingerprint)})"
        )
    blocking = [c for c in checks if c.get("blocking", True) or c.get("name") in required]
    if not blocking:
        problems.append("no blocking check result was given for this candidate")
    for name in sorted(set(required) - {c.get("name") for c in blocking}):
        problems.append(f"check {name}: no result")
    for check in blocking:
        name = check.get("name", "<unnamed>")
        if check.get("fingerprint") != fingerprint:
            problems.append(
                f"check {name}: validated candidate {_short(check.get('fingerprint'))}, "
                f"not the current {_short(fingerprint)}"
            )
        elif check.get("passed") is not True:
            problems.append(f"check {name}: failed")
    return problems


def verify_checks(
    checks: Iterable[CheckResult],
    fingerprint: str,
    *,
    candidate_id: str | None = None,
    required: Collection[str] = (),
) -> None:
    """Raise PublishRefused unless every blocking check passed on this exact candidate."""
    problems = refusals(checks, fingerprint, candidate_id=candidate_id, required=required)
    if problems:
        raise PublishRefused(
            "Release refused, the previous release stays published:\n  " + "\n  ".join(problems)
        )
