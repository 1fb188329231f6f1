"""Text clean-up every reader applies, as polars expressions (vectorised, no per-row Python)."""

from __future__ import annotations

import re
import unicodedata

import polars as pl

_SPACES = re.compile(r"\s+")


def clean_text(expr: pl.Expr) -> pl.Expr:
    """NFC, trimmed, inner whitespace (NBSP too) collapsed to one space; empty -> null."""
    cleaned = expr.str.normalize("NFC").str.replace_all(r"\s+", " ").str.strip_chars()
    # replace() (unlike when/then) keeps the input's name, so select(clean_text(pl.all())) works
    return cleaned.replace("", None)


def header_key(name: str) -> str:
    """How a header is compared with the contract's: NFC, case-folded, spacing ignored."""
    name = unicodedata.normalize("NFC", name.lstrip("\ufeff"))
    return _SPACES.sub(" ", name).strip().casefold()
