"""Personal data: pseudonyms for identity numbers, masks for quarantined raw content.

Identity numbers (12-digit CCCD or 9-digit CMND, written with spaces or dots) are
normalised to digits and replaced by HMAC-SHA-256 under the secret key, so the same
person gets the same pseudonym in every agency's data. Names are never kept.
"""

from __future__ import annotations

import hashlib
import hmac
import re

import polars as pl

MASK = "***"
VALID_ID_LENGTHS = (9, 12)
_NOT_DIGIT = re.compile(r"\D")


def normalise_identity(text: str | None) -> str | None:
    """Digits only; None when the result is not a 9- or 12-digit number."""
    if text is None:
        return None
    digits = _NOT_DIGIT.sub("", text)
    return digits if len(digits) in VALID_ID_LENGTHS else None


def pseudonym(digits: str, key: bytes) -> str:
    return hmac.new(key, digits.encode("ascii"), hashlib.sha256).hexdigest()


def pseudonymise_column(ids: pl.Series, key: bytes) -> pl.Series:
    """Pseudonyms for a column of raw identity numbers; null where the number is unreadable.

    HMAC runs once per distinct raw value (a person repeats across rows and files).
    """
    distinct = ids.unique().drop_nulls()
    mapping = {}
    for raw in distinct.to_list():
        digits = normalise_identity(raw)
        mapping[raw] = pseudonym(digits, key) if digits else None
    return ids.replace_strict(mapping, default=None, return_dtype=pl.String)
