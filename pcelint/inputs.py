"""Inputs the engine prepares for rules that declare `needs`: this is where I/O for rules happens.

A provider takes (unit, settings, cache) where unit is a Pair or a lone NodeFile, stores what it
reads in `unit.evidence[need]` (pairs) or on the node files, and returns a list of Notifications.
`cache` lives for one worker process, so a file named by many pairs is read and parsed once.
"""
from __future__ import annotations

PROVIDERS: dict = {}


def prepare(unit, needs, settings, cache) -> list:
    notes = []
    for need in sorted(needs):
        provider = PROVIDERS.get(need)
        if provider is not None:
            notes.extend(provider(unit, settings, cache) or ())
    return notes


from pcelint import certinput, gitio  # noqa: E402 - providers register after PROVIDERS exists
from pcelint.dnsinput import provide_dns  # noqa: E402 (imports dnspython lazily)

PROVIDERS[certinput.NEED] = certinput.provide
PROVIDERS["dns"] = provide_dns
PROVIDERS["git_base"] = gitio.provide_base


def _provide_served(unit, settings, cache) -> list:
    """`pcelint pair --live` only: no other run imports the TLS code or opens a socket."""
    if not getattr(settings, "live", False):
        return []
    from pcelint.tlslive import provide
    return provide(unit, settings, cache)


PROVIDERS["served"] = _provide_served
