"""The "dns" input: answers for the pair's names from zone files, or live with --dns.

Without --dns/--nameserver no network call is made; dnspython is imported only when zone files
are given or live DNS is asked for.
"""
from __future__ import annotations

import os
import time
from pathlib import Path

from pcelint.core.findings import Notification
from pcelint.core.keys import APF
from pcelint.core.model import Pair
from pcelint.core.names import fqdn_problem, norm
from pcelint.inputs import trace
from pcelint.inputs.bounded import table
from pcelint.inputs.dns.answers import DnsEvidence

NO_DNS_DATA = "no DNS data: give --zone-file or --dns"
ZONES_BOUND = 16  # parsed zone files kept per process (usually a few, shared by every pair)
NAME_KEYS = (("active", APF),
             ("active", ("pce_fqdn",)), ("standby", ("pce_fqdn",)))


def pair_names(pair: Pair) -> list:
    """The valid host names the DNS rules ask about, normalized, in a stable order."""
    names = []
    for role, path in NAME_KEYS:
        pce = pair.active if role == "active" else pair.standby
        value = pce.first.get(*path)
        if isinstance(value, str) and value and fqdn_problem(value) is None and norm(value) not in names:
            names.append(norm(value))
    return names


def _zone_entries(options):
    """(path, configured origin) per zone file; the origin is the config's `dns.origin`."""
    origin = getattr(options, "zone_origin", None)
    for entry in options.zone_files:
        if isinstance(entry, dict):
            yield str(entry["path"]), entry.get("origin") or origin
        else:
            yield str(getattr(entry, "value", entry)), origin


def _zones(pair, settings, cache, notes):
    from pcelint.inputs.dns.zonefile import ZoneError, load_zone
    zones = []
    refused = getattr(pair.options, "refused", {})
    for path, origin in _zone_entries(pair.options):
        display = settings.rel(Path(path))
        if path in refused:  # outside the linted tree (check, baseline): never opened
            notes.append(Notification("warning", f"The zone file '{display}' is not read: "
                                      f"{refused[path]}. Its records are not used.", "PCE601"))
            continue
        trace.reread(path, settings.limits.max_zone_bytes)  # the result cache keys on its content
        try:
            key = ("zone", path, origin, display, os.stat(path).st_mtime_ns)
        except OSError:
            key = None
        parsed = table(cache, "dns.zones", ZONES_BOUND)
        try:
            zone = None if key is None else parsed.get(key)
            if zone is None:
                zone = load_zone(path, display, origin, settings.limits.max_zone_bytes,
                                 settings.limits.max_zone_generate)
                if key is not None:
                    parsed[key] = zone
        except ZoneError as exc:
            notes.append(Notification("warning", f"{exc} Its records are not used.", "PCE601"))
            continue
        for line, rdtype, _ in zone.skipped[:5]:  # dnspython's reason may quote the record: not shown
            notes.append(Notification(
                "warning", f"The {rdtype} record on line {line} of zone file '{display}' cannot be "
                "read by dnspython and is left out; the file's other records are used.", "PCE601"))
        zones.append(zone)
    return zones


def live_answers(names, settings, cache):
    servers = tuple(settings.nameservers)
    wanted = [n for n in names if ("dns-live", n, servers, settings.dns_timeout) not in cache]
    notes = []
    if wanted:
        from pcelint.inputs.dns.live import resolve_names

        # one deadline for the whole run (--dns-deadline): set by the first DNS work, and shared
        # with the worker processes through the seeded cache
        deadline = getattr(settings, "dns_deadline", None)
        deadline_at = cache.setdefault(("dns-deadline",), None if deadline is None else
                                       time.monotonic() + deadline)
        answers, notes = resolve_names(wanted, list(servers), settings.dns_timeout,
                                       deadline=deadline, deadline_at=deadline_at)
        for name, answer in answers.items():
            cache[("dns-live", name, servers, settings.dns_timeout)] = answer
    return {n: cache[("dns-live", n, servers, settings.dns_timeout)] for n in names}, notes


def provide_dns(unit, settings, cache) -> list:
    if not isinstance(unit, Pair):
        return []
    names = pair_names(unit)
    notes: list = []
    if settings.dns or settings.nameservers:
        answers, notes = live_answers(names, settings, cache)
        unit.evidence["dns"] = DnsEvidence("live", answers)
    elif unit.options.zone_files:
        zones = _zones(unit, settings, cache, notes)
        if not zones:
            unit.evidence["dns"] = DnsEvidence("zonefile", missing="no zone file given could be read")
        else:
            from pcelint.inputs.dns.zonefile import resolve_in_zones
            unit.evidence["dns"] = DnsEvidence(
                "zonefile", {n: resolve_in_zones(n, zones) for n in names})
    else:
        unit.evidence["dns"] = DnsEvidence("none", missing=NO_DNS_DATA)
    return notes
