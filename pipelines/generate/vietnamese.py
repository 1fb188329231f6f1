"""How Vietnamese text arrives: composed or decomposed, either tone placement, with or
without accents, and the Windows-1258 way of spelling it."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# Marks that change the letter (â ê ô, ă, ơ ư): cp1258 has these letters precomposed.
_LETTER_MARKS = {"\u0302", "\u0306", "\u031b"}
_TONES = "\u0300\u0301\u0303\u0309\u0323"

# oa/oe/uy closing a syllable: the tone sits on the first vowel (hòa) or the second (hoà).
_TONE_ON_FIRST = re.compile(rf"(?<![qQ])([oOuU])([{_TONES}])([aAeEyY])(?!\w)")
_TONE_ON_SECOND = re.compile(rf"(?<![qQ])([oOuU])([aAeEyY])([{_TONES}])(?!\w)")


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


def other_tone_placement(text: str) -> str:
    """`Hòa` <-> `Hoà`, `Thủy` <-> `Thuỷ`, `Hủy` <-> `Huỷ`: the other of the two spellings."""
    decomposed = nfd(text)
    swapped = _TONE_ON_FIRST.sub(r"\1\3\2", decomposed)
    if swapped == decomposed:
        swapped = _TONE_ON_SECOND.sub(r"\1\3\2", decomposed)
    return nfc(swapped)


def without_accents(text: str) -> str:
    """`Đống Đa` -> `Dong Da`: what people type on a keyboard without Vietnamese input."""
    bare = "".join(ch for ch in nfd(text) if not unicodedata.combining(ch))
    return bare.replace("đ", "d").replace("Đ", "D")


@lru_cache(maxsize=8192)  # the same words (categories, places) come back on every row
def cp1258_spelling(text: str) -> str:
    """The text as Windows-1258 spells it: a letter with its tone precomposed when the
    code page has it, otherwise the base letter (â, ơ, ...) followed by a combining tone.

    `cp1258_spelling(t).encode("cp1258")` then succeeds, and decoding + NFC gives `t` back.
    """
    if text.isascii():
        return text
    out: list[str] = []
    cluster = ""
    for ch in nfd(text) + "\x00":
        if cluster and unicodedata.combining(ch):
            cluster += ch
            continue
        if cluster:
            out.append(_cp1258_cluster(cluster))
        cluster = ch
    return "".join(out)


@lru_cache(maxsize=1024)
def _cp1258_cluster(cluster: str) -> str:
    composed = nfc(cluster)
    if _encodable(composed):
        return composed
    letter = cluster[0] + "".join(m for m in cluster[1:] if m in _LETTER_MARKS)
    tones = "".join(m for m in cluster[1:] if m not in _LETTER_MARKS)
    return nfc(letter) + tones


def _encodable(text: str) -> bool:
    try:
        text.encode("cp1258")
    except UnicodeEncodeError:
        return False
    return True
