"""What the certificate input found, and the views the PCE4xx rules share: node files grouped by
the leaf they name, once per pair. No I/O here: the provider (pcelint.inputs.tls.provider) reads."""
from __future__ import annotations

from pcelint.core.findings import Location, Skipped, Span
from pcelint.core.listing import listed
from pcelint.inputs.tls.locate import Located

NEED = "certs"


class Material:
    """One located file and what was made of it: a CertBundle (cert, ca) or a KeyInfo (key)."""

    __slots__ = ("located", "rel", "value", "error")
    located: Located
    rel: str | None  # report path of the file found
    value: object  # CertBundle / KeyInfo, when the file could be read
    error: str | None  # why it could not be read

    def __init__(self, located: Located, rel: str | None = None, value: object = None,
                 error: str | None = None):
        self.located = located
        self.rel = rel
        self.value = value
        self.error = error

    @property
    def found(self) -> bool:
        return self.located.path is not None


class NodeTls:
    __slots__ = ("node", "cert", "key", "ca")
    node: object  # NodeFile
    cert: Material
    key: Material
    ca: Material

    def __init__(self, node: object, cert: Material, key: Material, ca: Material):
        self.node = node
        self.cert = cert
        self.key = key
        self.ca = ca


class TlsEvidence:
    __slots__ = ("pces", "memo")
    pces: dict  # role -> [NodeTls], in the PCE's file order
    memo: dict  # groupings, computed once for the nine PCE4xx rules

    def __init__(self, pces: dict | None = None, memo: dict | None = None):
        self.pces = {} if pces is None else pces
        self.memo = {} if memo is None else memo


BEGIN_CERT = "-----BEGIN CERTIFICATE-----"


class Group:
    """Node files of one PCE that resolve to the same leaf (or the same unusable file)."""

    __slots__ = ("role", "entries")
    role: str
    entries: list  # [NodeTls], in file order

    def __init__(self, role: str, entries: list):
        self.role = role
        self.entries = entries

    @property
    def first(self) -> NodeTls:
        return self.entries[0]

    @property
    def cert(self) -> Material:
        return self.first.cert

    @property
    def bundle(self):
        return self.cert.value

    @property
    def leaf(self):
        bundle = self.bundle
        return bundle.leaf if bundle is not None and self.cert.error is None else None


def evidence(pair) -> TlsEvidence:

    found = pair.evidence.get(NEED)
    if found is None:
        raise Skipped("the certificate input was not prepared")
    return found


def _group_key(entry: NodeTls):
    cert = entry.cert
    if cert.value is not None and cert.value.leaf is not None:
        return ("leaf", cert.value.leaf.sha256)
    if cert.value is not None:
        return ("file", cert.value.sha256)
    if cert.found:
        return ("path", str(cert.located.path))
    return ("missing", tuple(map(str, cert.located.looked)), cert.located.written)


def groups(pair, role: str) -> tuple[list[Group], list[str]]:
    """The PCE's certificate groups, and skip reasons for node files that name no certificate."""
    memo = evidence(pair).memo
    if role not in memo:
        memo[role] = _groups(pair, role)
    return memo[role]


def _groups(pair, role: str) -> tuple[list[Group], list[str]]:
    out: dict = {}
    unnamed = []
    entries = evidence(pair).pces.get(role, [])
    for entry in entries:
        if not entry.cert.located.named:
            unnamed.append(entry.node.rel)
            continue
        out.setdefault(_group_key(entry), Group(role, [])).entries.append(entry)
    return list(out.values()), unnamed_reasons(unnamed, len(entries))


def unnamed_reasons(rels, total: int = 0) -> list[str]:
    """When no node file names a certificate, one reason that is the same for every pair (so a
    fleet's text report groups it into one line); else the files that name none."""
    if not rels:
        return []
    if len(rels) == total:
        return ["the node files name no web_service_certificate and no 'certificate' (--cert) is "
                "configured"]
    return [f"{_quoted(rels)} name{'s' if len(rels) == 1 else ''} no web_service_certificate and "
            "no 'certificate' (--cert) is configured"]


def _quoted(items) -> str:
    return listed(items, last=" and ", clip_at=None)  # at most MAX_LISTED, and how many more


def all_groups(pair):
    """(usable groups of both PCEs, skip reasons): a usable group has a parsed leaf."""
    memo = evidence(pair).memo
    if "all" not in memo:
        memo["all"] = _all_groups(pair)
    return memo["all"]


def _all_groups(pair):
    usable, reasons, broken, unnamed, total = [], [], [], [], 0
    for role in ("active", "standby"):
        found, _ = groups(pair, role)
        total += len(evidence(pair).pces.get(role, []))
        unnamed += [e.node.rel for e in evidence(pair).pces.get(role, [])
                    if not e.cert.located.named]
        for group in found:
            if group.leaf is not None:
                usable.append(group)
            else:
                broken.append(group.first.node.rel)
    reasons += unnamed_reasons(unnamed, total)
    if broken:
        reasons.append(f"the certificate named by {_quoted(broken)} cannot be used (see PCE401)")
    return usable, reasons


def file_location(material: Material, line: int = 1, message: str = "", marker: str = BEGIN_CERT):
    """A location in a certificate or key file: its PEM block's BEGIN line (line 1 for DER)."""

    width = len(marker) if material.value is not None and getattr(material.value, "fmt", "PEM") == "PEM" else 0
    return Location(material.rel or str(material.located.path), Span(line, 1, line, 1 + width), (),
                    message)
