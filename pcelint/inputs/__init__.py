"""Inputs the engine prepares for rules that declare `needs`: this is where I/O for rules happens.

A provider takes (unit, settings, cache) where unit is a Pair or a lone NodeFile, stores what it
reads in `unit.evidence[need]` (pairs) or on the node files, and returns a list of Notifications.
`cache` lives for one worker process, so a file named by many pairs is read and parsed once.
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


def prepare(unit, needs, settings, cache) -> list:
    notes = []
    providers = _providers()
    for need in sorted(needs):
        provider = providers.get(need)
        if provider is not None:
            notes.extend(provider(unit, settings, cache) or ())
    return notes
