"""Where a node file's certificate, private key or CA bundle is, in the order CLI.md gives.

1. the config or flag (`certificate`, `private_key`, `ca_bundle`; `--cert`, `--key`, `--ca-bundle`);
   when given it is the only candidate: an override that points nowhere is an error, not a hint;
2. a file with the same base name next to the node file;
3. one in the pair's folder D, or in D's `certs/` or `tls/`;
4. the path as written in the node file, if it exists (a one-off audit on a PCE node).
Pure path logic: nothing is read here.
"""
from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path, PurePosixPath

from pcelint.core.keys import CA_KEY, CERT_KEY, KEY_KEY
from pcelint.inputs import trace
from pcelint.inputs.confine import outside_listed
from pcelint.inputs.folders import FILE

# kind -> (node-file key, PairOptions attribute, config key / flag, for messages)
KINDS = {
    "cert": (CERT_KEY, "certificate", "'certificate' (--cert)"),
    "key": (KEY_KEY, "private_key", "'private_key' (--key)"),
    "ca": (CA_KEY, "ca_bundle", "'ca_bundle' (--ca-bundle)"),
}


class Located:
    __slots__ = ("kind", "written", "path", "looked_text", "override", "refused")
    kind: str  # "cert", "key" or "ca"
    written: str | None  # the node file's value, when it is a string
    path: Path | None  # the file found, or None
    looked_text: tuple  # every candidate, in order (strings: most runs never read them)
    override: bool  # the path came from the config or a flag
    refused: tuple  # (path as text, why it was not followed): candidates outside the tree

    def __init__(self, kind: str, written: str | None, path: Path | None, looked_text: tuple = (),
                 override: bool = False, refused: tuple = ()):
        self.kind = kind
        self.written = written
        self.path = path
        self.looked_text = looked_text
        self.override = override
        self.refused = refused

    @property
    def looked(self) -> list[Path]:
        return [Path(p) for p in self.looked_text]

    @property
    def named(self) -> bool:
        """Does anything (the node file, the config or a flag) name a file of this kind?"""
        return self.override or bool(self.written)


def _candidates(written: str | None, node_path, folder) -> tuple:
    """(path text, its folder, its name) of every candidate, in order; folder and name are None
    for the path as written (it is asked about as a whole)."""
    if not written:
        return ()
    return _candidates_of(written, str(node_path), str(folder))


@lru_cache(maxsize=1024)
def _candidates_of(written: str, node_text: str, folder_text: str) -> tuple:
    # Built from strings (pathlib joins and comparisons cost more than the stat calls do; so do
    # os.path.join and dirname, whose exact rules _join and _dirname follow for these strings);
    # the certificate and digest inputs ask for the same ones.
    out: dict = {}
    base = _base_name(written)
    if base and base not in (".", ".."):
        for where in _folders_of(node_text, folder_text):
            out.setdefault(_join(where, base), (where, base))
    if written.startswith("/"):
        out.setdefault(_as_written(written), (None, None))
    return tuple((text, where, name) for text, (where, name) in out.items())


@lru_cache(maxsize=256)
def _folders_of(node_text: str, folder_text: str) -> tuple:
    """The folders a node file's certificate, key and CA bundle are looked for in (asked once
    per kind)."""
    return (_dirname(node_text), folder_text, _join(folder_text, "certs"),
            _join(folder_text, "tls"))


def _join(head: str, name: str) -> str:
    """os.path.join(head, name) for a `name` that does not start with '/'."""
    if not head or head.endswith("/"):
        return head + name
    return head + "/" + name


def _dirname(path: str) -> str:
    """os.path.dirname(path), for text."""
    head = path[:path.rfind("/") + 1]
    if head and head != "/" * len(head):
        head = head.rstrip("/")
    return head


@lru_cache(maxsize=1024)
def _base_name(written: str) -> str:
    return PurePosixPath(written.replace("\\", "/")).name


@lru_cache(maxsize=1024)
def _path(found: str) -> Path:
    """The Path of a found candidate (immutable: the certificate and digest inputs share it)."""
    return Path(found)


@lru_cache(maxsize=1024)
def _as_written(written: str) -> str:
    """An absolute path as written, normalised as pathlib does (node files of a fleet repeat it)."""
    return str(Path(written))


def _is_file(path, folders=None) -> bool:
    try:
        found = os.path.isfile(path) if folders is None else folders.is_file(path)
    except (OSError, ValueError):  # permission denied on a parent folder, a NUL in the name, ...
        found = False
    trace.probe(path, found)  # the result cache keys on what was (not) found where
    return found


def locate(kind: str, node, pair, root=None, folders=None) -> Located:
    """With a confinement `root` (check, baseline), a candidate that leaves it is refused unread
    and without asking whether it exists (the reason is kept for the message). `folders` (a
    pcelint.inputs.folders.Folders of the run) answers the probes from folder listings."""
    key, option, _ = KINDS[kind]
    value = node.get(key)
    written = value if isinstance(value, str) and value.strip() else None
    override = getattr(pair.options, option, None)
    refused_override = getattr(pair.options, "refused", {}).get(option)
    if refused_override:
        return Located(kind, written, None, (), True, ((override, refused_override),))
    if override:
        path = Path(override)
        return Located(kind, written, path if _is_file(path, folders) else None, (str(path),), True)
    candidates = _candidates(written, node.path, pair.folder)
    checked, refused = [], []
    for candidate, where, name in candidates:
        # (the kind of the entry, when the folder's listing tells it and the path is inside)
        why, listed = (None, None) if root is None else outside_listed(
            candidate, where, name, root, folders)
        if why:
            refused.append((candidate, why))
        else:
            checked.append((candidate, listed))
    found = None
    tracing = trace.ACTIVE is not None
    for candidate, listed in checked:
        if listed is None:
            hit = _is_file(candidate, folders)
        else:  # what folders.is_file answers from the same listing
            hit = listed == FILE
            if tracing:
                trace.probe(candidate, hit)
        if hit:
            found = candidate
            break
    return Located(kind, written, None if found is None else _path(found),
                   tuple(c for c, _ in checked), refused=tuple(refused))


def located_once(kind: str, node, pair, root, folders, cache: dict) -> Located:
    """`locate`, asked once per (kind, node file) of a unit: the certificate input and PCE201's
    file digests look for the same files. The answers live in the unit's part of the input cache
    (`pcelint.inputs.UNIT_KEYS`), dropped when the unit's inputs are prepared."""
    memo = cache.setdefault("certs.located", {})
    key = (kind, id(node))
    if key not in memo:
        memo[key] = locate(kind, node, pair, root, folders)
    return memo[key]
