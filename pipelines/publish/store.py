"""The releases on disk: `releases/<release_id>/`, `published/marts.duckdb`, `published/RELEASE`.

Every change is made so that a crash at any point leaves a consistent state:
- a release is built in `releases/<id>.tmp/` and renamed into place once complete and synced;
- `published/marts.duckdb` is replaced with `os.replace` from a synced copy in the same folder
  (readers holding the old file keep their snapshot; new connections see the new one);
- the published release is the one named inside `published/marts.duckdb` (`marts.release`);
  `published/RELEASE` is a convenience copy of its id, rewritten by every publish;
- anything ending in `.tmp` is a leftover of a crashed run, removed under the publish lock.
"""

from __future__ import annotations

import fcntl
import json
import os
import re
import shutil
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable, Iterator

import duckdb

from pipelines.config import Settings
from pipelines.permissions import make_public, public_dir

MANIFEST = "manifest.json"
RELEASE_DB = "marts.duckdb"
POINTER = "RELEASE"
TMP_SUFFIX = ".tmp"
LOCK_FILE = ".publish.lock"
# UTC time of publishing, sortable; a suffix -02, -03 ... when the second is taken.
RELEASE_ID = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{6}Z(-\d{2,})?$")


class PublishBusy(Exception):
    """Another publish holds the lock."""


def published_dir(settings: Settings) -> Path:
    return settings.published_db.parent


def release_dir(settings: Settings, release_id: str) -> Path:
    return settings.releases_dir / release_id


# -- durability -------------------------------------------------------------------------

def fsync_path(path: Path) -> None:
    """Flush a file's or a folder's (its entries') data to disk."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def replace_atomically(target: Path, write: Callable[[Path], None]) -> None:
    """`write` a synced temporary file beside `target`, then rename it over `target`, readable
    by everyone (it is published)."""
    staged = target.with_name(f".{target.name}{TMP_SUFFIX}")
    write(staged)
    make_public(staged)
    fsync_path(staged)
    os.replace(staged, target)
    fsync_path(target.parent)


@contextmanager
def publish_lock(settings: Settings) -> Iterator[None]:
    """One publish at a time. The kernel drops the lock when its process dies, however it dies."""
    public_dir(settings.releases_dir)
    with open(settings.releases_dir / LOCK_FILE, "w") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise PublishBusy(f"another publish is running (lock held on {lock.name})") from None
        yield


# -- reading ------------------------------------------------------------------------------

def release_ids(settings: Settings) -> list[str]:
    """Ids of the complete releases (a folder with its manifest), oldest first."""
    if not settings.releases_dir.exists():
        return []
    return sorted(
        entry.name for entry in settings.releases_dir.iterdir()
        if RELEASE_ID.match(entry.name) and (entry / MANIFEST).is_file()
    )


def read_manifest(settings: Settings, release_id: str) -> dict | None:
    path = release_dir(settings, release_id) / MANIFEST
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else None


def list_releases(settings: Settings) -> list[dict]:
    """The manifests of every kept release, oldest first."""
    return [m for m in (read_manifest(settings, i) for i in release_ids(settings)) if m is not None]


def open_release_db(path: Path) -> duckdb.DuckDBPyConnection:
    """A release file opened read-only, as statisticians and BI tools open it: directly, with the
    tables in its default schema, so `indicator_values` and `marts.indicator_values` both work.
    DuckDB shares one instance per file and process while a connection to it is open: close it
    promptly, or a later connection in the same process sees this release after a publish."""
    return duckdb.connect(str(path), read_only=True)


def published_release_id(settings: Settings) -> str | None:
    """The id recorded inside published/marts.duckdb: what readers actually see."""
    if not settings.published_db.exists():
        return None
    con = open_release_db(settings.published_db)
    try:
        rows = con.execute("select release_id from release").fetchall()
    finally:
        con.close()
    return rows[0][0] if rows else None


def published_release(settings: Settings) -> dict | None:
    """The manifest of the published release; None when nothing is published."""
    release_id = published_release_id(settings)
    return read_manifest(settings, release_id) if release_id else None


# -- writing ------------------------------------------------------------------------------

def new_release_id(now: datetime, taken: list[str]) -> str:
    """A new id after every id in `taken`, from the UTC time `now`."""
    stamp = now.astimezone(timezone.utc).strftime("%Y-%m-%dT%H%M%SZ")
    latest = max(taken, default="")
    stamp = max(stamp, latest[: len(stamp)])  # a clock set back must not sort a release before older ones
    candidate, n = stamp, 1
    while candidate <= latest:
        n += 1
        candidate = f"{stamp}-{n:02d}"
    return candidate


def begin_release(settings: Settings, release_id: str) -> Path:
    """The empty folder a release is built in; mkdir fails rather than reuse a folder."""
    staging = settings.releases_dir / f"{release_id}{TMP_SUFFIX}"
    staging.mkdir(parents=True)
    return staging


def commit_release(settings: Settings, staging: Path, release_id: str) -> Path:
    """Make the built release readable by everyone and sync every file of it (reports/ included),
    then rename its folder into place."""
    make_public(staging)
    for path in sorted(staging.rglob("*"), reverse=True):  # files before the folders holding them
        fsync_path(path)
    fsync_path(staging)
    final = release_dir(settings, release_id)
    os.rename(staging, final)
    fsync_path(settings.releases_dir)
    return final


def write_pointer(settings: Settings, release_id: str) -> None:
    """published/RELEASE, rewritten only when it does not already name `release_id`."""
    pointer = published_dir(settings) / POINTER
    text = f"{release_id}\n"
    if not (pointer.is_file() and pointer.read_text() == text):
        replace_atomically(pointer, lambda staged: staged.write_text(text))


def publish_release(settings: Settings, release_id: str, on_stage: Callable[[str], None]) -> None:
    """Make a committed release the published one: replace published/marts.duckdb, then RELEASE."""
    public_dir(published_dir(settings))
    source = release_dir(settings, release_id) / RELEASE_DB

    def copy(staged: Path) -> None:
        shutil.copyfile(source, staged)
        on_stage("published_db_staged")

    replace_atomically(settings.published_db, copy)
    on_stage("published_db_replaced")
    write_pointer(settings, release_id)


def clean_stale(settings: Settings) -> list[str]:
    """Remove what crashed runs left (`*.tmp` in releases/ and published/); call under the lock."""
    removed = []
    for folder in (settings.releases_dir, published_dir(settings)):
        if not folder.exists():
            continue
        for entry in folder.iterdir():
            if entry.name.endswith(TMP_SUFFIX):
                if entry.is_dir():
                    shutil.rmtree(entry)
                else:
                    entry.unlink()
                removed.append(str(entry.relative_to(settings.home)))
    return removed


def prune(settings: Settings) -> list[str]:
    """Keep the last `settings.keep_releases` releases, and always the published one; under the lock.

    A release is first renamed to `<id>.deleted.tmp`, so a crash mid-delete leaves no
    half-deleted folder that looks like a release.
    """
    ids = release_ids(settings)
    keep = set(ids[-max(settings.keep_releases, 1):]) | {published_release_id(settings)}
    removed = []
    for release_id in ids:
        if release_id in keep:
            continue
        doomed = settings.releases_dir / f"{release_id}.deleted{TMP_SUFFIX}"
        os.rename(release_dir(settings, release_id), doomed)
        shutil.rmtree(doomed)
        removed.append(release_id)
    return removed


def prune_releases(settings: Settings) -> list[str]:
    """Apply the retention now (publish does it after each release); the ids removed."""
    with publish_lock(settings):
        clean_stale(settings)
        return prune(settings)
