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

    The digits are normalised in polars (as `normalise_identity` does), and HMAC runs once
    per distinct digit string: a person repeats across rows, and one number written with
    dots or spaces is still one number.
    """
    digits = ids.str.replace_all(r"\D", "")
    digits = pl.select(
        pl.when(digits.str.len_chars().is_in(VALID_ID_LENGTHS)).then(digits)
    ).to_series()
    distinct = digits.unique().drop_nulls().to_list()
    base = hmac.new(key, digestmod=hashlib.sha256)  # keyed once; each copy hashes one number
    hashed = []
    for number in distinct:
        h = base.copy()
        h.update(number.encode("ascii"))
        hashed.append(h.hexdigest())
    return digits.replace_strict(distinct, hashed, default=None, return_dtype=pl.String).alias(ids.name)
