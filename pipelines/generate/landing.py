"""Where generated files go: landing/<agency>/, or nowhere when only the truth is wanted.

A file is written under landing/.generating/ and moved into landing/<agency>/ when it is
complete, as a sender's upload appears: a reader scanning landing/ never sees half a file.
"""

from __future__ import annotations

import io
import os
import shutil
from pathlib import Path
from typing import BinaryIO

_SCRATCH = ".generating"


class Landing:
    def __init__(self, root: Path | None):
        self.root = root
        self.failed = False  # set when the run breaks: unfinished files stay out of landing/

    def open(self, agency: str, name: str) -> BinaryIO:
        if self.root is None:
            return io.BufferedWriter(_Discard())
        (self.root / agency).mkdir(parents=True, exist_ok=True)
        (self.root / _SCRATCH).mkdir(exist_ok=True)
        return io.BufferedWriter(_Arriving(self, self.root / _SCRATCH / f"{agency}-{name}", self.root / agency / name))

    def write(self, agency: str, name: str, data: bytes) -> None:
        with self.open(agency, name) as f:
            f.write(data)

    def copy(self, agency: str, name: str, copy_name: str) -> None:
        """A resend: the same bytes under another name."""
        if self.root is not None:
            with open(self.root / agency / name, "rb") as source, self.open(agency, copy_name) as target:
                shutil.copyfileobj(source, target)

    def finish(self) -> None:
        scratch = self.root / _SCRATCH if self.root is not None else None
        if scratch and scratch.exists() and not any(scratch.iterdir()):
            scratch.rmdir()


class _Arriving(io.FileIO):
    """A file written aside, moved to its place on close."""

    def __init__(self, landing: Landing, scratch: Path, final: Path):
        super().__init__(scratch, "wb")
        self._landing, self._scratch, self._final = landing, scratch, final

    def close(self) -> None:
        if not self.closed:
            super().close()
            if not self._landing.failed:
                os.replace(self._scratch, self._final)


class _Discard(io.RawIOBase):
    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        return len(data)
