"""The DNS answer model rules see (built from zone files or live queries; no I/O here)."""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Record:
    """One RRset on a resolution path: a CNAME link or the final A/AAAA set."""

    name: str  # absolute, lower case, with the trailing dot
    rdtype: str  # "CNAME", "A" or "AAAA"
    ttl: int
    values: tuple  # CNAME target, or the addresses
    source: str  # "zone file 'dns/corp.example.zone:12'" or "name server '127.0.0.1:53'"
    path: str | None = None  # the zone file's report path when the evidence is a zone file
    line: int | None = None
    line_text: str = ""
    authoritative: bool = True
    mixed_ttls: tuple = ()  # a zone file's set written with different TTLs: all of them, sorted


@dataclass
class Resolution:
    """What one name resolves to. status: ok, nxdomain, nodata or unknown (reason says why)."""

    name: str
    status: str
    chain: list = field(default_factory=list)  # CNAME Records, in order
    final: list = field(default_factory=list)  # A and AAAA Records of the last name
    reason: str = ""  # unknown: why there is no answer; nxdomain/nodata: where it was found

    @property
    def addresses(self) -> set:
        return {v for r in self.final for v in r.values}

    @property
    def path(self) -> list:
        return list(self.chain) + list(self.final)


@dataclass
class DnsEvidence:
    kind: str  # "zonefile" or "live"
    answers: dict = field(default_factory=dict)  # normalized name (no trailing dot) -> Resolution
    missing: str = ""  # when set, there is no DNS data at all: the skip reason
