"""dnspython's zone-file reader, with what pcelint needs from it: the line of every record, the TTL
each record was written with, a bound on `$GENERATE`, and records of types pcelint does not use
that dnspython cannot read left out instead of failing the whole file.

Lines are counted by dnspython's own tokenizer (so quoted parentheses, escaped owner names and
multi-line records are read exactly as the records are), not by a second scanner of pcelint's.
A record made by `$GENERATE` is placed on the directive's line. The `$GENERATE` limit counts the
records the directive's range produces, read by dnspython's own range parser before any record is
built, so neither parentheses nor CR line ends can hide one. Imported only when a zone file is read.
"""
from __future__ import annotations

import dns.exception
import dns.grange
import dns.name
import dns.rdataclass
import dns.rdatatype
import dns.tokenizer
import dns.zone
import dns.zonefile

# Types pcelint reads: a record of one of these that cannot be parsed stops the file.
NEEDED_TYPES = {"A", "AAAA", "CNAME", "SOA", "NS", "DNAME"}


class TooManyGenerated(Exception):
    def __init__(self, count: int, line: int):
        super().__init__(count, line)
        self.count, self.line = count, line


class BadRecord(Exception):
    """A record pcelint needs (or one whose type cannot be told) that dnspython cannot read."""

    def __init__(self, line: int, rdtype: str, reason: str):
        super().__init__(line, rdtype, reason)
        self.line, self.rdtype, self.reason = line, rdtype, reason


class Written:
    """What the file says about one record: where, and the TTL it was given."""

    __slots__ = ("line", "ttl", "generated")
    line: int
    ttl: int
    generated: bool

    def __init__(self, line: int, ttl: int, generated: bool = False):
        self.line = line
        self.ttl = ttl
        self.generated = generated


class ReadZone:
    __slots__ = ("zone", "written", "skipped")
    zone: object  # dns.zone.Zone
    written: dict  # (owner text, rdtype text) -> [Written]
    skipped: list  # (line, rdtype, reason) of records left out

    def __init__(self, zone: object, written: dict | None = None, skipped: list | None = None):
        self.zone = zone
        self.written = {} if written is None else written
        self.skipped = [] if skipped is None else skipped


class _Recorder:
    """Stands in for the zone transaction: every add is noted with the line it came from."""

    def __init__(self, txn, reader_ref: list, written: dict):
        self._txn, self._reader, self._written = txn, reader_ref, written

    def __getattr__(self, name):
        return getattr(self._txn, name)

    def add(self, *args):
        reader = self._reader[0]
        if len(args) == 3:
            name, ttl, rdata = args
            rdtype = dns.rdatatype.to_text(rdata.rdtype)
            key = (name.to_text().lower(), rdtype)
            self._written.setdefault(key, []).append(
                Written(reader.record_line, int(ttl), reader.generating))
        return self._txn.add(*args)


def _type_on_line(text: str) -> str:
    """The record type written on a zone file line ('' when it cannot be told)."""
    tokens = text.split(";", 1)[0].replace("(", " ").replace(")", " ").split()
    if tokens and not text[:1].isspace():
        tokens = tokens[1:]  # the owner
    for token in tokens:
        upper = token.upper()
        if upper in ("IN", "CH", "HS", "CS", "ANY") or upper[:1].isdigit():
            continue
        return upper[:20]
    return ""


def _make_reader(lines: list, max_generated: int | None):
    class Reader(dns.zonefile.Reader):
        record_line = 1
        generating = False
        generated = 0

        def _rr_line(self):
            self.record_line = self.tok.line_number
            try:
                return super()._rr_line()
            except dns.exception.SyntaxError as exc:
                start = self.record_line
                rdtype = _type_on_line(lines[start - 1] if start - 1 < len(lines) else "")
                if not rdtype or rdtype in NEEDED_TYPES:
                    raise BadRecord(start, rdtype, str(exc)) from None
                if self.tok.multiline or self.tok.line_number == start:
                    self._eat_line()  # the rest of the record, up to its end of line
                self.skipped.append((start, rdtype, str(exc)))
                return None

        def _generate_line(self):
            self.record_line = self.tok.line_number
            token = self.tok.get()
            self.tok.unget(token)
            try:
                start, stop, step = dns.grange.from_text(token.value)
            except Exception:  # noqa: BLE001 - dnspython reports the bad range itself
                pass
            else:
                count = (stop - start) // step + 1 if stop >= start and step > 0 else 0
                self.generated += count
                if max_generated is not None and self.generated > max_generated:
                    raise TooManyGenerated(self.generated, self.record_line)
            self.generating = True
            try:
                return super()._generate_line()
            finally:
                self.generating = False

    return Reader


def read_zone(text: str, origin: str, lines: list, display: str,
              max_generated: int | None = None) -> ReadZone:
    """Parse a zone file as `dns.zone.from_text` does (no origin check, no $INCLUDE), noting each
    record's line and TTL. Raises TooManyGenerated, BadRecord or dnspython's own errors."""
    result = ReadZone(None)
    zone = dns.zone.Zone(dns.name.from_text(origin), dns.rdataclass.IN, relativize=False)
    reader_ref: list = []
    Reader = _make_reader(lines, max_generated)
    with zone.writer(True) as txn:
        tok = dns.tokenizer.Tokenizer(text, display)
        reader = Reader(tok, dns.rdataclass.IN, _Recorder(txn, reader_ref, result.written),
                        allow_include=False)
        reader.skipped = result.skipped
        reader_ref.append(reader)
        reader.read()
    result.zone = zone
    return result
