"""Folder listings for one run: one `os.scandir` per folder instead of a stat call per path.

Discovery lays out each pair from its `active/` and `standby/` listings, and `locate` probes up to
four candidate paths for each certificate, key and CA bundle of each node file; the trust boundary
(`confine.outside`) resolves every one of them with `os.path.realpath` (an lstat per component).
A `Folders` object lists each folder once, keeps what kind each entry is (the scandir `d_type`, no
stat call), and answers from it:

- `is_file(path)` is `os.path.isfile(path)`;
- `is_dir(path)` is `os.path.isdir(path)`;
- `realpath(path)` is `os.path.realpath(path)`: the resolved folder joined with a last component
  that is no symlink, the folder resolved the same way (remembered), up to `/`;
- `is_symlink(path)` is `os.path.islink(path)`.

Anything a listing cannot answer exactly (a symlink as the last component, a folder that cannot be
listed or searched, one with more than MAX_ENTRIES entries, a relative or unnormalised path) is
asked of the operating system as before, so the answers are those of the stat calls on a tree that
does not change during the run. Case-insensitive file systems (macOS, Windows) match names the
listing spells otherwise: there every question goes to the operating system. A `Folders` object
lives for one run: discovery fills it (its walk hands over the listings it reads, `seed`) and the
lint run and the result cache's probes go on with it. It keeps at most MAX_FOLDERS listings
holding at most MAX_NAMES names in all (least recently used dropped): a fleet of 4,000 pairs fits.
"""
from __future__ import annotations

import os
import sys

MAX_ENTRIES = 4096  # a larger folder is not listed: its paths are asked one by one
MAX_FOLDERS = 32768  # listings kept at once
MAX_NAMES = 131072  # names kept in them, in all (a few MiB)
MAX_RESOLVED = 8192  # resolved paths kept (and as many confinement verdicts)
LINK, DIR, FILE, OTHER = "l", "d", "f", "o"
# Names are compared as the listing spells them: only where the file system is case-sensitive.
ENABLED = sys.platform.startswith("linux")


def _kinds(entries) -> dict | None:
    """name -> kind of scandir `entries` (the `d_type`: no stat call where the file system gives
    it); None beyond MAX_ENTRIES. Names are interned: a fleet's folders repeat the same few."""
    kinds = {}
    for entry in entries:
        if len(kinds) >= MAX_ENTRIES:
            return None
        if entry.is_symlink():
            kind = LINK
        elif entry.is_dir(follow_symlinks=False):
            kind = DIR
        elif entry.is_file(follow_symlinks=False):
            kind = FILE
        else:
            kind = OTHER
        kinds[sys.intern(entry.name)] = kind
    return kinds


def _searchable(folder: str, kinds: dict | None) -> dict | None:
    """`kinds` unless the folder can be read but not searched (stat calls on its entries fail)."""
    return kinds if not kinds or os.access(folder, os.X_OK) else None


def _scan(folder: str) -> dict | None:
    """name -> kind of every entry of `folder`; {} when it does not exist (or is no folder, as
    when a path names a file); None when it cannot be listed and searched, or is too large."""
    try:
        with os.scandir(folder) as it:
            kinds = _kinds(it)
    except (FileNotFoundError, NotADirectoryError):
        return {}
    except (OSError, ValueError):
        return None
    return _searchable(folder, kinds)


def _plain(path: str) -> bool:
    """An absolute, normalised path: `os.path.split` walks it up component by component."""
    return (path.startswith("/") and not path.startswith("//") and "\0" not in path
            and os.path.normpath(path) == path)


class Folders:
    __slots__ = ("_listings", "_names", "_resolved", "verdicts")

    def __init__(self):
        self._listings: dict = {}  # folder text -> listing (or None), least recently used first
        self._names = 0  # names in the listings kept
        self._resolved: dict = {}  # path text -> os.path.realpath(path)
        self.verdicts: dict = {}  # (path text, root text) -> confine.outside's answer

    def listing(self, folder: str) -> dict | None:
        listings = self._listings
        if folder in listings:
            found = listings.pop(folder)  # re-inserted: the most recently used
            listings[folder] = found
            return found
        found = _scan(folder)
        self._keep(folder, found)
        return found

    def seed(self, folder: str, entries) -> None:
        """Keep the listing of `folder` (absolute, normalised) made from its scandir `entries`,
        read by the caller (discovery's walk), unless one is kept already."""
        if folder in self._listings:
            return
        try:
            kinds = _kinds(entries)
        except OSError:  # no d_type and the stat call failed: listed again when asked
            return
        self._keep(folder, _searchable(folder, kinds))

    def _keep(self, folder: str, found) -> None:
        listings = self._listings
        self._names += len(found or ())
        while listings and (len(listings) >= MAX_FOLDERS or self._names > MAX_NAMES):
            self._names -= len(listings.pop(next(iter(listings))) or ())
        listings[folder] = found

    def _kind(self, path: str):
        """(True, kind or None when absent) from the listing of the path's folder, or (False,
        None) when the listing cannot answer."""
        if not ENABLED:
            return False, None
        folder, sep, name = path.rpartition("/")
        if not sep or not name or name in (".", "..") or "\0" in path:
            return False, None
        entries = self.listing(folder or "/")
        if entries is None:
            return False, None
        return True, entries.get(name)

    def is_file(self, path) -> bool:
        return self._is(str(path), FILE, os.path.isfile)

    def is_dir(self, path) -> bool:
        return self._is(str(path), DIR, os.path.isdir)

    def _is(self, text: str, wanted, system) -> bool:
        """Is `text` of kind `wanted`, following symlinks: from the listing unless it is a symlink
        or the listing cannot tell, else `system(text)`."""
        known, kind = self._kind(text)
        if known and kind != LINK:
            return kind == wanted
        return system(text)

    def is_symlink(self, path) -> bool:
        text = str(path)
        known, kind = self._kind(text)
        if known:
            return kind == LINK
        return os.path.islink(text)

    def realpath(self, path) -> str:
        text = os.fspath(path)
        resolved = self._resolved
        found = resolved.get(text)
        if found is not None:
            return found
        if not ENABLED or not _plain(text):
            return os.path.realpath(text)
        below = []  # (path, its last component) under `current`, deepest first: no symlinks
        current = text
        while True:
            base = resolved.get(current)
            if base is not None:
                break
            folder, _, name = current.rpartition("/")
            if not name:  # "/"
                base = os.path.realpath(current)
                break
            entries = self.listing(folder or "/")
            if entries is None or entries.get(name) == LINK:
                base = os.path.realpath(current)
                break
            below.append((current, name))
            current = folder or "/"
        if len(resolved) + len(below) + 1 > MAX_RESOLVED:
            resolved.clear()
        resolved[current] = base
        for current, name in reversed(below):
            base = base + "/" + name if base != "/" else "/" + name
            resolved[current] = base
        return base


def of_run(cache: dict) -> Folders:
    """The Folders of a run's input cache (one per run and process)."""
    folders = cache.get("folders")
    if folders is None:
        folders = cache["folders"] = Folders()
    return folders


__all__ = ["Folders", "of_run"]
