"""What one unit read, for the persistent result cache (pcelint.core.cache).

While the cache records a unit, `ACTIVE` is a list and the input functions append what they saw:
every file read (path, the limit it was read with, the state: content hash or the error), every
existence probe (`locate`'s candidates), and every certificate's validity period (the moments at
which a time-dependent verdict can change). Outside a recording these calls cost one comparison.
The same `read_state` / `probe_state` functions recompute a dependency's state on a cache hit, so
"same state" means exactly "the unit would read the same bytes and find the same files".
"""
from __future__ import annotations

import os

ACTIVE: list | None = None


def error_state(exc: BaseException) -> str:
    return f"e:{getattr(exc, 'errno', None)}:{getattr(exc, 'strerror', None)}:{type(exc).__name__}"


def data_state(data: bytes) -> str:
    import hashlib
    return "h:" + hashlib.sha256(data).hexdigest()


def read_state(path, limit: int) -> str:
    """The state of `path` as read by `safeio.read_regular(path, limit)`."""
    from pcelint.inputs.safeio import read_regular
    try:
        return data_state(read_regular(path, limit))
    except OSError as exc:
        return error_state(exc)
    except ValueError as exc:  # a NUL in the name
        return error_state(exc)


def probe_state(path) -> bool:
    """`os.path.isfile`, as `locate` probes candidates."""
    try:
        return os.path.isfile(path)
    except (OSError, ValueError):
        return False


def read(path, limit: int, state: str) -> None:
    if ACTIVE is not None:
        ACTIVE.append(("read", str(path), limit, state))


def reread(path, limit: int) -> None:
    """Record a file that is read elsewhere (e.g. once per process behind a cache)."""
    if ACTIVE is not None:
        ACTIVE.append(("read", str(path), limit, read_state(path, limit)))


def probe(path, found: bool) -> None:
    if ACTIVE is not None:
        ACTIVE.append(("isfile", str(path), bool(found)))


def uncacheable() -> None:
    """What the unit read cannot be keyed (e.g. git failed): its result is not stored."""
    if ACTIVE is not None:
        ACTIVE.append(("nocache",))


def git_base(repo, rev: str, commit: str, paths: list) -> None:
    """`--base REV` read from the repository: the commit's state and each node file's path in it."""
    if ACTIVE is not None:
        ACTIVE.append(("git", str(repo), rev, commit, tuple(tuple(p) for p in paths)))


def validity(judged: bool, cert) -> None:
    """A certificate (a parse.CertInfo) the unit's verdicts may depend on, judged at the run's
    moment; `judged`: a certificate of a certificate file (PCE404 judges each: its message quotes
    the moment outside its validity, and counts the days before its expiry)."""
    if ACTIVE is not None:
        ACTIVE.append(("valid", bool(judged), cert))
