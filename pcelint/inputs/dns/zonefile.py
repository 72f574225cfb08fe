"""Zone files as DNS evidence: dnspython parses them (through `pcelint.inputs.dns.zonereader`, which notes
each record's line and written TTL as dnspython reads it).

dnspython is imported only when a zone file is actually read.
"""
from __future__ import annotations

import re
from pathlib import Path

from pcelint.core.keys import MAX_CNAME_CHAIN
from pcelint.inputs.dns.answers import Record, Resolution
from pcelint.inputs.safeio import read_regular

# dnspython ends a line at LF, CR LF and (outside quotes) a lone CR, as editors number lines.
_LINE_END = re.compile(r"\r\n|\r|\n")
# "300", "1h30m": each unit but the last ends in a letter, so a long digit run cannot be split in
# exponentially many ways (the old "(\d+[smhdw]?)+" backtracked for minutes; fuzz finding).
_TTL = re.compile(r"^(?:\d+[smhdw])*\d+[smhdw]?$", re.I)
_CLASSES = {"IN", "CH", "HS", "CS", "ANY"}
_WANTED = ("CNAME", "A", "AAAA")


class ZoneError(Exception):
    """A zone file that cannot be read or parsed; the message says where and why."""


class Zone:
    __slots__ = ("origin", "path", "display", "records", "names", "skipped")
    origin: str  # absolute, lower case, with the trailing dot
    path: str  # absolute
    display: str  # the path as reports show it
    records: dict  # (name, rdtype) -> Record
    names: set  # every owner name and its ancestors inside the zone
    skipped: list  # (line, rdtype, reason): records left out

    def __init__(self, origin: str, path: str, display: str, records: dict | None = None,
                 names: set | None = None, skipped: list | None = None):
        self.origin = origin
        self.path = path
        self.display = display
        self.records = {} if records is None else records
        self.names = set() if names is None else names
        self.skipped = [] if skipped is None else skipped

    def holds(self, name: str) -> bool:
        return name == self.origin or name.endswith("." + self.origin)


def absolute(name: str, origin: str) -> str:
    name = name.lower()
    if name == "@":
        return origin
    if name.endswith("."):
        return name
    return f"{name}.{origin}" if origin != "." else f"{name}."


def origin_from_file_name(path: str) -> str:
    """'corp.example.zone' and 'db.corp.example' both mean 'corp.example.'."""
    name = Path(path).name.lower()
    for suffix in (".zone", ".db", ".dns", ".hosts"):
        if name.endswith(suffix) and len(name) > len(suffix):
            name = name[: -len(suffix)]
            break
    if name.startswith("db.") and len(name) > 3:
        name = name[3:]
    return name.rstrip(".") + "."


def _strip_comment(line: str) -> str:
    quoted = escaped = False
    for index, char in enumerate(line):
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif char == '"':
            quoted = not quoted
        elif char == ";" and not quoted:
            return line[:index]
    return line


def _unquoted(body: str) -> str:
    """The line without its quoted strings (a '(' inside "..." opens nothing)."""
    out, quoted, escaped = [], False, False
    for char in body:
        if escaped:
            escaped = False
            out.append("x")
        elif char == "\\":
            escaped = True
            out.append("x")
        elif char == '"':
            quoted = not quoted
            out.append('"')
        else:
            out.append("x" if quoted else char)
    return "".join(out)


def _scan(text: str, origin: str):
    """Yield (line number, owner, rdtype) for each record, and the first `$ORIGIN` before any record."""
    current, last_owner, depth = origin, None, 0
    for number, raw in enumerate(_LINE_END.split(text), 1):
        body = _strip_comment(raw)
        opened = depth > 0
        bare = _unquoted(body)
        depth = max(depth + bare.count("(") - bare.count(")"), 0)
        tokens = body.replace("(", " ").replace(")", " ").split()
        if opened or not tokens:
            continue
        if not raw[:1].isspace():
            if tokens[0].startswith("$"):
                if tokens[0].upper() == "$ORIGIN" and len(tokens) > 1:
                    current = absolute(tokens[1], current)
                    yield number, current, "$ORIGIN"
                continue
            owner, rest = absolute(tokens[0], current), tokens[1:]
        else:
            owner, rest = last_owner, tokens
        last_owner = owner
        for token in rest:
            if _TTL.match(token) or token.upper() in _CLASSES:
                continue
            if owner is not None:
                yield number, owner, token.upper()
            break


def zone_origin(text: str, path: str, configured: str | None = None) -> str:
    """The `$ORIGIN` before the first record, else the configured origin, else the file name."""
    for _, owner, rdtype in _scan(text, "."):
        if rdtype == "$ORIGIN":
            return owner
        break
    if configured:
        return absolute(configured.rstrip(".") + ".", ".")
    return origin_from_file_name(path)


def load_zone(path: str, display: str, configured_origin: str | None = None,
              limit: int | None = None, max_generated: int | None = None) -> Zone:
    """Parse one zone file; keep every CNAME, A and AAAA set with the line it was written on.
    A file larger than `limit` bytes (the 'max_zone_bytes' limit) is refused unread; one whose
    `$GENERATE` ranges produce more than `max_generated` records is refused before they are built.
    Records of types pcelint does not read that dnspython cannot parse are left out
    (`Zone.skipped`); a CNAME, A or AAAA record (or SOA/NS) that cannot be parsed stops the file,
    and the error names its line."""
    try:
        raw = read_regular(path, limit if limit is not None else 1 << 62)
        if limit is not None and len(raw) > limit:
            raise ZoneError(f"The zone file '{display}' is larger than {limit} bytes (the "
                            "'max_zone_bytes' limit).")
        text = raw.decode("utf-8")
    except OSError as exc:
        raise ZoneError(f"The zone file '{display}' cannot be read: {exc.strerror or exc}.") from None
    except UnicodeDecodeError as exc:
        raise ZoneError(f"The zone file '{display}' is not UTF-8 (byte {exc.start}).") from None
    origin = zone_origin(text, path, configured_origin)
    import dns.exception
    import dns.rdatatype

    from pcelint.inputs.dns.zonereader import BadRecord, TooManyGenerated, read_zone
    lines = _LINE_END.split(text)
    try:
        read = read_zone(text, origin, lines, display, max_generated)
    except TooManyGenerated as exc:
        raise ZoneError(f"The zone file '{display}' generates more than {max_generated} records with "
                        f"$GENERATE (the 'max_zone_generate' limit), counted up to the directive on "
                        f"line {exc.line}.") from None
    except BadRecord as exc:
        what = f"the {exc.rdtype} record" if exc.rdtype else "the record"
        raise ZoneError(f"The zone file '{display}' cannot be parsed: {what} on line {exc.line} "
                        f"cannot be read ({exc.reason}).") from None
    except dns.exception.DNSException as exc:
        raise ZoneError(f"The zone file '{display}' cannot be parsed: {exc}.") from None
    except (ValueError, TypeError, AttributeError, IndexError, KeyError) as exc:
        # dnspython raises plain ValueError for some inputs ("add() has non-origin SOA").
        raise ZoneError(f"The zone file '{display}' cannot be parsed: {exc or type(exc).__name__}.") from None
    parsed = read.zone
    zone = Zone(origin, path, display, skipped=read.skipped)
    for name, rdataset in parsed.iterate_rdatasets():
        owner = name.to_text().lower()
        zone.names.add(owner)
        rdtype = dns.rdatatype.to_text(rdataset.rdtype)
        if rdtype not in _WANTED:
            continue
        values = tuple(sorted(r.to_text().lower() if rdtype == "CNAME" else r.to_text()
                              for r in rdataset))
        written = read.written.get((owner, rdtype), [])
        number = written[0].line if written else None
        ttls = sorted({w.ttl for w in written})
        # dnspython keeps the smallest TTL of a set; name servers serve one TTL per set (BIND the
        # first one written): the largest is what a client may keep, so it counts.
        ttl = max(ttls) if ttls else int(rdataset.ttl)
        where = f"zone file '{display}:{number}'" if number else f"zone file '{display}'"
        zone.records[(owner, rdtype)] = Record(
            owner, rdtype, ttl, values, where, display, number,
            lines[number - 1].rstrip() if number and number <= len(lines) else "",
            mixed_ttls=tuple(ttls) if len(ttls) > 1 else ())
    for owner in list(zone.names):
        while owner != zone.origin and "." in owner[:-1]:
            owner = owner.split(".", 1)[1]
            if not zone.holds(owner):
                break
            zone.names.add(owner)
    return zone


def _lookup(zone: Zone, name: str, rdtype: str) -> Record | None:
    record = zone.records.get((name, rdtype))
    if record is not None or name in zone.names:
        return record
    encloser = name
    while encloser != zone.origin:  # a wildcard answers only below the closest encloser
        encloser = encloser.split(".", 1)[1]
        if encloser in zone.names:
            wild = zone.records.get((f"*.{encloser}", rdtype))
            if wild is None:
                return None
            return Record(name, rdtype, wild.ttl, wild.values, wild.source, wild.path, wild.line,
                          wild.line_text, mixed_ttls=wild.mixed_ttls)
    return None


def _exists(zone: Zone, name: str) -> bool:
    if name in zone.names:
        return True
    encloser = name
    while encloser != zone.origin:
        encloser = encloser.split(".", 1)[1]
        if encloser in zone.names:
            return f"*.{encloser}" in zone.names
    return False


def resolve_in_zones(name: str, zones: list) -> Resolution:
    """Follow `name` through the zone files: CNAME links, then the A and AAAA sets."""
    asked = absolute(name.rstrip(".") + ".", ".")
    current, chain = asked, []
    for _ in range(MAX_CNAME_CHAIN):
        holding = [z for z in zones if z.holds(current)]
        if not holding:
            if chain:
                return Resolution(asked, "unknown", chain, reason=(
                    f"the CNAME target '{current}' is outside every zone file given"))
            return Resolution(asked, "unknown", reason=f"'{asked}' is outside every zone file given")
        zone = max(holding, key=lambda z: len(z.origin))
        link = _lookup(zone, current, "CNAME")
        if link is not None:
            chain.append(link)
            current = link.values[0]
            continue
        final = [r for r in (_lookup(zone, current, t) for t in ("A", "AAAA")) if r is not None]
        if final:
            return Resolution(asked, "ok", chain, final)
        if _exists(zone, current):
            return Resolution(asked, "nodata", chain, reason=(
                f"'{current}' has no A or AAAA record in zone file '{zone.display}'"))
        return Resolution(asked, "nxdomain", chain, reason=(
            f"'{current}' does not exist in zone file '{zone.display}'"))
    return Resolution(asked, "unknown", chain, reason=f"the CNAME chain from '{asked}' is longer "
                      f"than {MAX_CNAME_CHAIN} links or loops")
