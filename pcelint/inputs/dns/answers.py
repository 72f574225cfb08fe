"""The DNS answer model rules see (built from zone files or live queries; no I/O here)."""
from __future__ import annotations


class Record:
    """One RRset on a resolution path: a CNAME link or the final A/AAAA set."""

    __slots__ = ("name", "rdtype", "ttl", "values", "source", "path", "line", "line_text",
                 "authoritative", "mixed_ttls")
    name: str  # absolute, lower case, with the trailing dot
    rdtype: str  # "CNAME", "A" or "AAAA"
    ttl: int
    values: tuple  # CNAME target, or the addresses
    source: str  # "zone file 'dns/corp.example.zone:12'" or "name server '127.0.0.1:53'"
    path: str | None  # the zone file's report path when the evidence is a zone file
    line: int | None
    line_text: str
    authoritative: bool
    mixed_ttls: tuple  # a zone file's set written with different TTLs: all of them, sorted

    def __init__(self, name: str, rdtype: str, ttl: int, values: tuple, source: str,
                 path: str | None = None, line: int | None = None, line_text: str = "",
                 authoritative: bool = True, mixed_ttls: tuple = ()):
        self.name = name
        self.rdtype = rdtype
        self.ttl = ttl
        self.values = values
        self.source = source
        self.path = path
        self.line = line
        self.line_text = line_text
        self.authoritative = authoritative
        self.mixed_ttls = mixed_ttls


class Resolution:
    """What one name resolves to. status: ok, nxdomain, nodata or unknown (reason says why)."""

    __slots__ = ("name", "status", "chain", "final", "reason")
    name: str
    status: str
    chain: list  # CNAME Records, in order
    final: list  # A and AAAA Records of the last name
    reason: str  # unknown: why there is no answer; nxdomain/nodata: where it was found

    def __init__(self, name: str, status: str, chain: list | None = None,
                 final: list | None = None, reason: str = ""):
        self.name = name
        self.status = status
        self.chain = [] if chain is None else chain
        self.final = [] if final is None else final
        self.reason = reason

    @property
    def addresses(self) -> set:
        return {v for r in self.final for v in r.values}

    @property
    def path(self) -> list:
        return list(self.chain) + list(self.final)


class DnsEvidence:
    __slots__ = ("kind", "answers", "missing")
    kind: str  # "zonefile" or "live"
    answers: dict  # normalized name (no trailing dot) -> Resolution
    missing: str  # when set, there is no DNS data at all: the skip reason

    def __init__(self, kind: str, answers: dict | None = None, missing: str = ""):
        self.kind = kind
        self.answers = {} if answers is None else answers
        self.missing = missing
