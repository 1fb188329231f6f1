"""One refresh at a time: an OS file lock on $PCMD_HOME/refresh.lock.

DuckDB allows one writer per file, and a refresh writes the warehouse from its first step to
its last. Dagster's run queue (`max_concurrent_runs: 1`, see pipelines.runtime) keeps the runs
that the daemon and the UI launch apart, but `pcmd refresh` executes in its own process, outside
the queue. So every refresh, however it is started, holds this lock for its whole run:

- `pcmd refresh` (`pipelines.refresh.run_refresh`) takes it before anything else, and refuses
  at once (or after `--wait` seconds) when another refresh holds it;
- a run launched by the daemon or the UI takes it through the `refresh_lock` resource of the
  `refresh` job (`pipelines.defs.jobs`), waiting up to an hour for a `pcmd refresh` to end.

The lock is re-entrant within one process: `run_refresh` holds it, and the job it executes
in-process takes it again through the same resource without waiting for itself.

A `flock` lock belongs to the open file: the kernel drops it when its holder exits, however it
exits, so a crashed refresh never leaves a stale lock behind. The holder writes who it is into
the file (pid, host, start time, what started it) so that a refused refresh can name it.
"""

from __future__ import annotations

import fcntl
import json
import os
import socket
import time
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable, Iterator

from pipelines.config import Settings

_POLL_SECONDS = 0.5
# Paths this process holds, with how many times it took each (re-entrance).
_held: dict[Path, int] = {}


@dataclass(frozen=True)
class Holder:
    """Who holds the refresh lock."""

    by: str              # what started the refresh: "pcmd refresh", "dagster run 1a2b3c4d"
    pid: int
    host: str
    started_at: str      # ISO 8601, UTC

    def describe(self) -> str:
        since = datetime.fromisoformat(self.started_at).strftime("%Y-%m-%d %H:%M:%S UTC")
        return f"{self.by} (pid {self.pid} on {self.host}, running since {since})"


class RefreshBusy(Exception):
    """Another refresh holds the lock; the message names it."""

    def __init__(self, lock_file: Path, holder: Holder | None, waited: float):
        self.holder = holder
        who = holder.describe() if holder else "a process that has not said who it is yet"
        waited_text = f" (waited {waited:.0f} s)" if waited >= 1 else ""
        super().__init__(f"another refresh is running{waited_text}: {who}; lock {lock_file}")


def lock_file(settings: Settings) -> Path:
    return settings.home / "refresh.lock"


@contextmanager
def refresh_lock(
    settings: Settings,
    *,
    by: str,
    wait: float = 0,
    on_wait: Callable[[Holder | None], None] | None = None,
) -> Iterator[None]:
    """Hold the refresh lock for the body; RefreshBusy when another process still holds it
    after `wait` seconds. `on_wait` is told the holder once, when waiting starts."""
    path = lock_file(settings)
    if path in _held:
        _held[path] += 1
        try:
            yield
        finally:
            _held[path] -= 1
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    # O_RDWR without O_TRUNC: opening must not erase the holder's name.
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        _acquire(fd, path, wait, on_wait)
        me = Holder(by=by, pid=os.getpid(), host=socket.gethostname(),
                    started_at=datetime.now(timezone.utc).isoformat(timespec="seconds"))
        os.ftruncate(fd, 0)
        os.pwrite(fd, json.dumps(asdict(me)).encode(), 0)
        _held[path] = 1
        try:
            yield
        finally:
            del _held[path]
            os.ftruncate(fd, 0)  # nobody to name once we are done
    finally:
        os.close(fd)  # releases the lock


def _acquire(fd: int, path: Path, wait: float, on_wait: Callable[[Holder | None], None] | None) -> None:
    started = time.monotonic()
    told = False
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            pass
        waited = time.monotonic() - started
        holder = read_holder(path)
        if waited >= wait:
            raise RefreshBusy(path, holder, waited)
        if on_wait and not told:
            on_wait(holder)
            told = True
        time.sleep(min(_POLL_SECONDS, wait - waited))


def read_holder(path: Path) -> Holder | None:
    """The holder named in the lock file, or None (free, or the holder has not written yet)."""
    try:
        return Holder(**json.loads(path.read_text()))
    except (OSError, ValueError, TypeError):
        return None


def current_holder(settings: Settings) -> Holder | None:
    """The refresh running now, if any, for `pcmd status`.

    Only reads the file: probing the lock by taking it could make a refresh starting at that
    instant refuse. A holder that died without clearing the file is recognised by its pid."""
    holder = read_holder(lock_file(settings))
    if holder is None or holder.host != socket.gethostname():
        return holder
    try:
        os.kill(holder.pid, 0)
    except ProcessLookupError:
        return None
    except PermissionError:
        pass  # alive, another user's
    return holder
