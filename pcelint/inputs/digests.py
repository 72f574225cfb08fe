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
    whole."""
    digests = cache.setdefault("file_digests", {})
    states = cache.setdefault("file_digests.states", {})  # for the result cache (inputs/trace.py)
    key = str(path)
    if key not in digests:
        try:
            data = read_regular(path, limit)
        except OSError as exc:
            data, states[key] = None, trace.error_state(exc)
        else:  # the content's state is hashed only while the result cache records the unit
            states[key] = trace.data_state(data) if trace.ACTIVE is not None else None
        digests[key] = hashlib.sha256(data).hexdigest() if data is not None and \
            len(data) <= limit else None
    if trace.ACTIVE is not None:
        if states.get(key) is None:  # read before the recording started
            states[key] = trace.read_state(path, limit)
        trace.read(path, limit, states[key])
    return digests[key]
