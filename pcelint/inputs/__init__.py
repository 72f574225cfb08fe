"""Inputs the engine prepares for rules that declare `needs`: this is where I/O for rules happens.

A provider takes (unit, settings, cache) where unit is a Pair or a lone NodeFile, stores what it
reads in `unit.evidence[need]` (pairs) or on the node files, and returns a list of Notifications.
`cache` lives for one worker process, so a file named by many pairs is parsed once; what it holds
is bounded: the entries of `UNIT_KEYS` (the bytes and states of the files one unit read) are
dropped as soon as the unit's inputs are prepared, and parsed inputs that units share (a CA bundle,
a chain verdict) are kept in tables of a fixed size (pcelint.inputs.bounded). So a worker's memory
does not grow with the fleet.
"""
from __future__ import annotations


def _provide_served(unit, settings, cache) -> list:
    """`pcelint pair --live` only: no other run imports the TLS client (ssl, asyncio) or opens a
    socket."""
    if not getattr(settings, "live", False):
        return []
    from pcelint.inputs.tls.live import provide
    return provide(unit, settings, cache)


def _providers() -> dict:
    """need -> provider; the providers (and what they import) are loaded when a unit is linted,
    not by a run whose units all come from the result cache (or by `pcelint.inputs.safeio`)."""
    global PROVIDERS
    if PROVIDERS is None:
        from pcelint.inputs import digests, git
        from pcelint.inputs.dns.provider import provide_dns
        from pcelint.inputs.tls import provider as tls

        PROVIDERS = {
            tls.NEED: tls.provide,
            "dns": provide_dns,  # imports dnspython only when there is DNS evidence to read
            "git_base": git.provide_base,
            digests.NEED: digests.provide,
            "served": _provide_served,
        }
    return PROVIDERS


PROVIDERS: dict | None = None


# What providers import lazily, by need: the heavy imports a process pool makes in the parent
# before forking (`preload`), so that no worker imports them again.
HEAVY = {"certs": "pcelint.inputs.tls.parse"}  # cryptography (tls.views.NEED is "certs")


def preload(needs) -> None:
    """Import the providers, what the providers of `needs` import lazily, and the YAML loader
    (for a process pool, before the fork: each worker would import them on its first unit)."""
    import importlib

    import pcelint.core.loader  # noqa: F401  (PyYAML)

    _providers()
    for need in sorted(needs):
        if need in HEAVY:
            importlib.import_module(HEAVY[need])


# One unit's reads: what the evidence needs was taken from them when prepare returns.
UNIT_KEYS = ("certs.files", "certs.states", "certs.located", "certs.digests", "file_digests",
             "file_digests.states")


def prepare(unit, needs, settings, cache) -> list:
    notes = []
    providers = _providers()
    try:
        for need in sorted(needs):
            provider = providers.get(need)
            if provider is not None:
                notes.extend(provider(unit, settings, cache) or ())
    finally:
        release(cache)
    return notes


def release(cache: dict) -> None:
    """Drop one unit's reads from the process's input cache."""
    for key in UNIT_KEYS:
        cache.pop(key, None)
