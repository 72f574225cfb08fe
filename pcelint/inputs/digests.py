"""The "file_digests" input: the content digest of the certificate and key each node file names
(located as the certificate rules locate them), so PCE201 can tell two different paths to one
identical file (not drift) from two different files. Only digests are kept, never content."""
from __future__ import annotations

import hashlib

from pcelint.inputs import trace
from pcelint.inputs.folders import of_run
from pcelint.inputs.safeio import read_regular
from pcelint.inputs.tls.locate import KINDS, located_once

NEED = "file_digests"


def provide(pair, settings, cache) -> list:
    if not hasattr(pair, "pces"):
        return []  # a lone node file has no pair folder to locate files in
    folders = of_run(cache)
    for node in pair.files:
        if node.data is None:
            continue
        for kind in ("cert", "key"):
            located = located_once(kind, node, pair, getattr(settings, "confine_root", None),
                                   folders, cache)
            if located.path is None:
                continue
            found = _digest(located.path, cache, settings.limits.max_bytes)
            if found is not None:
                node.file_digests[KINDS[kind][0]] = found
    return []


def _digest(path, cache: dict, limit: int) -> str | None:
    """sha256 of the file (once per unit: pcelint.inputs.UNIT_KEYS), None when it cannot be read
    whole. A file the certificate input has read whole in this unit (it runs first) is not read
    or hashed again."""
    digests = cache.setdefault("file_digests", {})
    states = cache.setdefault("file_digests.states", {})  # for the result cache (inputs/trace.py)
    key = str(path)
    if key not in digests:
        data = cache.get("certs.files", {}).get(key, (None,))[0]
        if data is not None:  # (its state: the same read's)
            states[key] = cache.get("certs.states", {}).get(key)
        else:
            try:
                data = read_regular(path, limit)
            except OSError as exc:
                data, states[key] = None, trace.error_state(exc)
            else:  # the content's state is hashed only while the result cache records the unit
                states[key] = trace.data_state(data) if trace.ACTIVE is not None else None
        digests[key] = unit_digest(data, cache) if data is not None and len(data) <= limit \
            else None
    if trace.ACTIVE is not None:
        if states.get(key) is None:  # read before the recording started
            states[key] = trace.read_state(path, limit)
        trace.read(path, limit, states[key])
    return digests[key]


def unit_digest(data: bytes, cache: dict) -> str:
    """sha256 of `data`, once per file a unit read: the node files of a pair name the same
    certificate, key and CA bundle (read once per unit: the same bytes object), and PCE201's
    digests are of the same files. Kept in the unit's part of the input cache
    (pcelint.inputs.UNIT_KEYS), with the bytes, so an id is never taken for another object's."""
    memo = cache.setdefault("certs.digests", {})
    entry = memo.get(id(data))
    if entry is None or entry[0] is not data:
        entry = memo[id(data)] = (data, hashlib.sha256(data).hexdigest())
    return entry[1]
