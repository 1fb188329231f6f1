"""Who may read what under $PCMD_HOME: the one home of that policy.

- **Public**: `published/` and `releases/` hold only disclosure-controlled aggregates, meant
  for others: files 0644, folders 0755, whatever the umask. The home itself is created 0755,
  since it leads to them.
- **Landing**: `landing/<agency>/` holds the agencies' files (names, identity numbers in clear).
  The warehouse never changes them; `pcmd status` warns when one is readable by every user.
- **Private** to the warehouse's account, everything else: files 0600, folders 0700 (the
  internal warehouse and its WAL and spill files, dbt/, dagster/, logs/, work/, secrets/).
  With PCMD_INTERNAL_GROUP, the internal warehouse file is also readable by that group (0640).

How: every process of the warehouse runs with the umask 0o077 (`private_by_default`, called
where a process prepares itself), so whatever DuckDB, dbt, Dagster's sqlite storage or a log
writes is private from birth, in this process and in the processes it starts. Publishing makes
its files public explicitly (`make_public`) before renaming them into place, and
`tighten_home` brings a home written by an earlier version to the policy.
"""

from __future__ import annotations

import grp
import os
import stat
from pathlib import Path

from pipelines.config import Settings

PRIVATE_UMASK = 0o077
PUBLIC_FILE, PUBLIC_DIR = 0o644, 0o755
GROUP_READ = stat.S_IRGRP
_OPEN_TO_OTHERS = 0o077  # the group and others bits


def private_by_default() -> None:
    """Everything this process and its children create is private to the account."""
    os.umask(PRIVATE_UMASK)


def public_roots(settings: Settings) -> tuple[Path, Path]:
    return settings.published_db.parent, settings.releases_dir


# -- public -----------------------------------------------------------------------------------

def public_dir(path: Path) -> Path:
    """`path` readable by everyone; created if needed, with the missing folders leading to it."""
    missing = [folder for folder in (path, *path.parents) if not folder.exists()]
    for folder in reversed(missing):
        folder.mkdir(exist_ok=True)
        os.chmod(folder, PUBLIC_DIR)
    os.chmod(path, PUBLIC_DIR)
    return path


def make_public(path: Path) -> None:
    """`path`, and everything in it if a folder, readable by everyone (0644 / 0755)."""
    os.chmod(path, PUBLIC_DIR if path.is_dir() else PUBLIC_FILE)
    if path.is_dir():
        for folder, dirs, files in os.walk(path):
            for name in dirs:
                os.chmod(os.path.join(folder, name), PUBLIC_DIR)
            for name in files:
                os.chmod(os.path.join(folder, name), PUBLIC_FILE)


# -- private ----------------------------------------------------------------------------------

def internal_group_id(settings: Settings) -> int | None:
    """The gid of PCMD_INTERNAL_GROUP (a name or a number); None when not set."""
    name = settings.internal_group
    if not name:
        return None
    try:
        return grp.getgrgid(int(name)).gr_gid if name.isdigit() else grp.getgrnam(name).gr_gid
    except KeyError:
        raise ValueError(f"PCMD_INTERNAL_GROUP={name}: no such group on this machine") from None


def make_private(settings: Settings, path: Path) -> bool:
    """`path` private to the account (the owner's bits only); the internal warehouse file
    readable by PCMD_INTERNAL_GROUP too, when one is set. True when it changed something."""
    info = path.lstat()
    if stat.S_ISLNK(info.st_mode):
        return False
    mode = stat.S_IMODE(info.st_mode)
    gid = internal_group_id(settings) if path == settings.warehouse_db else None
    wanted = (mode & ~_OPEN_TO_OTHERS) | (GROUP_READ if gid is not None else 0)
    regroup = gid is not None and info.st_gid != gid
    if wanted != mode:
        os.chmod(path, wanted)
    if regroup:
        os.chown(path, -1, gid)
    return wanted != mode or regroup


def tighten_home(settings: Settings) -> list[str]:
    """Make private what an earlier version left open under the home (all but landing/,
    published/, releases/); the top-level names it changed, folders ending with `/`."""
    skipped = {settings.landing_dir, *public_roots(settings)}
    changed: set[str] = set()

    def tighten(path: Path, top: str) -> None:
        try:
            if make_private(settings, path):
                changed.add(top)
        except FileNotFoundError:  # a file of Dagster's storage gone meanwhile
            return
        except PermissionError:
            raise PermissionError(f"{path} cannot be made private: it belongs to another account; "
                                  "chown it to this one") from None

    if not settings.home.is_dir():
        return []
    for entry in sorted(settings.home.iterdir()):
        if entry in skipped:
            continue
        top = entry.name + ("/" if entry.is_dir() and not entry.is_symlink() else "")
        tighten(entry, top)
        if top.endswith("/"):
            for folder, dirs, files in os.walk(entry):
                for name in (*dirs, *files):
                    tighten(Path(folder, name), top)
    return sorted(changed)


def describe_tightened(changed: list[str]) -> str:
    """The line a refresh shows when it tightened a home ('' when it did not)."""
    if not changed:
        return ""
    return ("Permissions: made private to the warehouse's account (see docs/operations.md, "
            f"'Who may read what'): {', '.join(changed)}")


# -- landing ----------------------------------------------------------------------------------

def world_readable_landing(settings: Settings) -> list[str]:
    """Files of landing/ that every user of the machine can read (the file readable by others,
    and every folder from landing/ down to it open to them), relative to landing/."""
    found = []
    if not settings.landing_dir.is_dir():
        return found
    for folder, dirs, files in os.walk(settings.landing_dir):
        if not os.stat(folder).st_mode & stat.S_IXOTH:
            dirs.clear()  # nobody else gets through this folder
            continue
        for name in files:
            path = Path(folder, name)
            try:
                if path.stat().st_mode & stat.S_IROTH:
                    found.append(str(path.relative_to(settings.landing_dir)))
            except FileNotFoundError:
                continue
    return sorted(found)
