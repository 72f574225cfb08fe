"""Every rule's documented examples, run through pcelint: "Would fail" yields the rule, "Would pass"
does not (and the rule ran: a skipped rule proves nothing).

The convention the examples follow (what a fenced block means, the standard pair the harness fills
in, ```cert / ```pem / ```zone blocks, ```served blocks run as a live audit against TLS servers on
127.0.0.1, options in the label) is written for rule authors in docs/rules-examples.md; this module
is its executable definition.
"""
from __future__ import annotations

import re
import shlex
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from functools import lru_cache
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.x509.oid import ExtendedKeyUsageOID
from helpers.certgen import ca_cert, ec_key, issue, key_pem, pem, rsa_key, sha1_signed
from helpers.cli import lint_cli
from helpers.gitrepo import git
from helpers.tlsserver import Servers

from pcelint.rules import BUILTIN

NOW = "2024-06-01T00:00:00Z"  # --now of every example, unless its label gives another
LANGUAGES = ("yaml", "pem", "cert", "zone", "served")
PAIR_SCOPES = ("pce", "pair")
_PATH = r"(?:HEAD:)?[\w.-]+(?:/[\w.-]+)*\.(?:ya?ml|crt|cer|pem|key|zone)"
_NAMING = re.compile(rf"[#;]\s*(?P<first>{_PATH})(?P<more>(?:(?:\s*,\s*|\s+and\s+){_PATH})*)")
_ENDPOINT = r"[\w-]+(?:\.[\w-]+)*:\d+"  # name:port of a ```served block
_SERVING = re.compile(rf"#\s*(?P<first>{_ENDPOINT})(?P<more>(?:(?:\s*,\s*|\s+and\s+){_ENDPOINT})*)")
_FILE_CHAIN = re.compile(rf"^(?P<file>{_PATH})(?P<leaf>\s+without its intermediates?)?$")
TLS_TIMEOUT = "3"  # seconds, --tls-timeout of a live example (the servers are on 127.0.0.1)
_LABEL = re.compile(r"^Would (fail|pass)\b")
_FENCE = re.compile(r"^```(\w*)\s*$")


# --- the examples, as written in the docstrings ---------------------------------------------

@dataclass
class Block:
    lang: str
    text: str  # the block as shown, with its naming comment

    @property
    def names(self) -> list[str]:
        """The files the first-line comment names (`# active/core0.yml`), maybe with `HEAD:`."""
        if self.lang == "served":
            return []
        first = self.text.split("\n", 1)[0]
        match = _NAMING.match(first)
        if not match:
            return []
        return [match["first"]] + re.findall(_PATH, match["more"])

    @property
    def endpoints(self) -> list[str]:
        """The name:ports a ```served block's first line names (`# pce-b.example.com:8443`)."""
        if self.lang != "served":
            return []
        match = _SERVING.match(self.text.split("\n", 1)[0])
        if not match:
            return []
        return [match["first"]] + re.findall(_ENDPOINT, match["more"])

    @property
    def body(self) -> str:
        """The text without its naming comment (certificate descriptions)."""
        named = self.names or self.endpoints
        return (self.text.split("\n", 1) + [""])[1] if named else self.text


@dataclass
class Example:
    rule: object
    kind: str  # "fail" or "pass"
    number: int  # 1 for the first example of its kind in the rule's docstring
    label: str  # the text from "Would ..." to the first block
    blocks: list = field(default_factory=list)

    @property
    def id(self) -> str:
        return f"{self.rule.code}-{self.kind}" + (f"-{self.number}" if self.number > 1 else "")

    @property
    def options(self) -> list[str]:
        """Command-line options the label states in backticks: (with `--traffic-disk-gb 500`)."""
        return [arg for span in re.findall(r"`(--[^`]+)`", self.label) for arg in shlex.split(span)]

    @property
    def endpoints(self) -> set[str]:
        """The name:ports whose chain the example shows (```served blocks)."""
        return {e for block in self.blocks for e in block.endpoints}

    @property
    def live(self) -> bool:
        """Run as `pcelint pair --live` (the example shows what a name:port serves)."""
        return any(block.lang == "served" for block in self.blocks)

    @property
    def shown(self) -> set[str]:
        """The files the example shows (HEAD: versions count as the file)."""
        return {name.split(":", 1)[-1] for block in self.blocks
                for name in block.names or (["runtime_env.yml"] if block.lang == "yaml" else [])}


def examples_of(rule) -> list[Example]:
    found, current, fence = [], None, None
    for line in rule.section("Example").splitlines():
        if fence is not None:
            if line.strip() == "```":
                current.blocks.append(Block(fence[0], "\n".join(fence[1]) + "\n"))
                fence = None
            else:
                fence[1].append(line)
            continue
        label, opening = _LABEL.match(line), _FENCE.match(line)
        if label:
            kind = label.group(1)
            current = Example(rule, kind, 1 + sum(e.kind == kind for e in found), line)
            found.append(current)
        elif opening and current is not None:
            fence = (opening.group(1), [])
        elif current is not None and not current.blocks:
            current.label += " " + line.strip()
    return found


EXAMPLES = [example for rule in BUILTIN for example in examples_of(rule)]


# --- laying an example out on disk -----------------------------------------------------------

NODES = {"core0": "core", "core1": "core", "data0": "data0", "data1": "data1"}
NAMES = {"active": "pce-a.example.com", "standby": "pce-b.example.com"}
CERT_LINES = ("web_service_certificate: /var/lib/illumio-pce/cert/server.crt\n"
              "web_service_private_key: /var/lib/illumio-pce/cert/server.key\n"
              "trusted_ca_bundle: /var/lib/illumio-pce/cert/ca.pem\n")
LONE_NODE = "pce_fqdn: pce.example.com\nnode_type: snc0\n"


def standard_node(role: str, node: str, certificates: bool = False) -> str:
    """A node file of the standard pair (docs/rules-examples.md shows active/core0.yml)."""
    return (f"pce_fqdn: {NAMES[role]}\n"
            f"node_type: {NODES[node]}\n"
            + (CERT_LINES if certificates else "")
            + "active_standby_replication:\n"
            "  active_pce_fqdn: pce.example.com\n"
            "traffic_datastore:\n"
            "  max_disk_usage_gb: 300\n"
            "  wal_keep_segments: 5120\n")


def _date(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=timezone.utc)


_CA_VALIDITY = dict(not_before=_date("2020-01-01"), not_after=_date("2030-01-01"))


@lru_cache(maxsize=None)
def _authorities():
    """Example Root CA and Example Intermediate CA (issued by the root): (certificate, key) by subject."""
    root_key, inter_key = rsa_key(10), rsa_key(11)
    root = ca_cert("Example Root CA", root_key, **_CA_VALIDITY)
    inter = ca_cert("Example Intermediate CA", inter_key, issuer=(root, root_key), serial=2, **_CA_VALIDITY)
    return {"CN=Example Root CA": (root, root_key), "CN=Example Intermediate CA": (inter, inter_key)}


_EKU = {"serverAuth": ExtendedKeyUsageOID.SERVER_AUTH, "clientAuth": ExtendedKeyUsageOID.CLIENT_AUTH,
        "codeSigning": ExtendedKeyUsageOID.CODE_SIGNING}
CERT_FIELDS = ("subject", "issuer", "subjectAltName", "extendedKeyUsage", "basicConstraints", "key",
               "signature", "notBefore", "notAfter")


class Layout:
    """Writes one example into a folder: its blocks, the standard pair around them, git if asked."""

    def __init__(self, example: Example, root: Path):
        self.example, self.root = example, root
        self.files: dict[str, bytes] = {}  # path -> content of the working copy
        self.committed: dict[str, bytes] = {}  # path -> content at HEAD
        self.keys: dict[str, object] = {}  # key file path -> private key generated for `...`
        self.leaf_keys: dict[str, object] = {}  # certificate file path -> its leaf's key
        self.cas = _authorities()
        self.serial = 1000
        self.served: dict[str, tuple[bytes, bytes]] = {}  # name:port -> (chain PEM, key PEM)
        self.default_chain: tuple[bytes, bytes] | None = None  # what every other name:port serves
        rule = example.rule
        self.pair = rule.scope in PAIR_SCOPES or rule.paired_only or example.live or any(
            name.split(":", 1)[-1].startswith(("active/", "standby/"))
            for block in example.blocks for name in block.names)

    def write(self) -> list[str]:
        """Lays the example out; returns the extra command-line arguments (zone files)."""
        blocks = self.example.blocks
        assert blocks, "the example shows no fenced block"
        for block in blocks:
            assert block.lang in LANGUAGES, f"a block's language is '{block.lang}', not one of {LANGUAGES}"
            if block.lang == "served":
                assert block.endpoints, \
                    "a ```served block must name its name:port on its first line (# NAME:PORT)"
                continue
            assert block.names or block.lang == "yaml", \
                f"a ```{block.lang} block must name its file on its first line"
        files = [b for b in blocks if b.lang != "served"]
        for block in sorted(files, key=lambda b: b.lang == "cert"):  # keys before certificates
            for name in block.names or ["runtime_env.yml"]:
                rev, _, path = name.rpartition(":")
                content = self._content(block, path)
                if rev:  # the committed version; the working copy is the same unless shown
                    self.committed[path] = content
                    self.files.setdefault(path, content)
                else:
                    self.files[path] = content
        if self.pair:
            self._standard_pair(certificates=any(
                b.lang in ("pem", "cert", "served") or "web_service_certificate:" in b.text
                for b in blocks))
        elif not any(b.lang == "yaml" for b in blocks):
            self.files["runtime_env.yml"] = LONE_NODE.encode()
        if self.example.live:
            self._serve()
        if self.committed:
            self._put(self.committed)
            git(self.root, "init", "-q", "-b", "main")
            git(self.root, "add", "-A")
            git(self.root, "commit", "-q", "-m", "example")
        self._put(self.files)
        zones = sorted({n.split(":", 1)[-1] for b in blocks if b.lang == "zone" for n in b.names})
        return [arg for zone in zones for arg in ("--zone-file", zone)]

    def _put(self, files: dict):
        for path, content in files.items():
            target = self.root / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(content)

    def _standard_pair(self, certificates: bool):
        for role in NAMES:
            for node in NODES:
                path = f"{role}/{node}.yml"
                if path not in self.files:
                    self.files[path] = standard_node(role, node, certificates).encode()
        if certificates:
            if "tls/server.crt" not in self.files:
                self.files["tls/server.crt"] = self._certificates("tls/server.crt", "")
            if "tls/server.key" not in self.files:
                # the key of server.crt's leaf (the default key when the example wrote server.crt itself)
                self.files["tls/server.key"] = key_pem(self.leaf_keys.get("tls/server.crt", rsa_key(0)))
            if "tls/ca.pem" not in self.files:
                self.files["tls/ca.pem"] = pem(self.cas["CN=Example Root CA"][0])

    def _content(self, block: Block, path: str) -> bytes:
        if block.lang == "cert":
            return self._certificates(path, block.body)
        if block.lang == "pem":
            return self._pem(path, block.text)
        return block.text.encode()

    def _pem(self, path: str, text: str) -> bytes:
        """A `...` body of a private-key block becomes a newly generated key (never committed)."""
        def generate(match):
            label = match.group(1)
            assert "PRIVATE KEY" in label, f"'...' stands only for a private key, not a {label}"
            key = self.keys[path] = (ec_key(20) if label.startswith("EC ")
                                     else rsa_key(20 + len(self.keys)))
            if label == "ENCRYPTED PRIVATE KEY":
                return key_pem(key, b"example").decode().strip()
            fmt = serialization.PrivateFormat.TraditionalOpenSSL if label in (
                "RSA PRIVATE KEY", "EC PRIVATE KEY") else serialization.PrivateFormat.PKCS8
            return key.private_bytes(serialization.Encoding.PEM, fmt,
                                     serialization.NoEncryption()).decode().strip()
        return re.sub(r"-----BEGIN ([A-Z ]+)-----\n\.\.\.\n-----END \1-----", generate, text).encode()

    def _certificates(self, path: str, body: str) -> bytes:
        """Each paragraph of a ```cert block is one certificate of the file, in order."""
        certs = []
        for index, paragraph in enumerate(_paragraphs(body)):
            fields = self._fields(paragraph)
            if set(fields) == {"subject"} and fields["subject"] in self.cas:
                certs.append(self.cas[fields["subject"]][0])
                continue
            cert, key = self._leaf(fields)
            if index == 0:
                self.leaf_keys[path] = key
            certs.append(cert)
        return pem(*certs)

    @staticmethod
    def _fields(paragraph: str) -> dict:
        fields = {}
        for line in paragraph.splitlines():
            if line.strip() and not line.lstrip().startswith("#"):
                name, sep, value = line.partition("=")
                assert sep and name.strip() in CERT_FIELDS, \
                    f"'{line.strip()}' is not 'FIELD = value' with a FIELD of {CERT_FIELDS}"
                fields[name.strip()] = value.strip()
        return fields

    def _serve(self):
        """What each name:port serves: the ```served blocks', and tls/server.crt everywhere else."""
        self.default_chain = self._chain("tls/server.crt")
        for block in self.example.blocks:
            if block.lang == "served":
                chain = self._chain(block.body)
                for endpoint in block.endpoints:
                    assert endpoint not in self.served, f"'{endpoint}' is served by two blocks"
                    self.served[endpoint] = chain

    def _chain(self, body: str) -> tuple[bytes, bytes]:
        """A ```served block's body: (chain PEM, PEM of the key for its first certificate). Each
        paragraph is a certificate described as in a ```cert block, or the line `FILE` (the
        file's certificates) or `FILE without its intermediate(s)` (its first certificate alone)."""
        from cryptography import x509

        certs, keys = [], []
        for paragraph in _paragraphs(body):
            lines = [line.strip() for line in paragraph.splitlines()
                     if line.strip() and not line.lstrip().startswith("#")]
            named = _FILE_CHAIN.match(lines[0]) if len(lines) == 1 else None
            if named is None:
                fields = self._fields(paragraph)
                if set(fields) == {"subject"} and fields["subject"] in self.cas:
                    cert, key = self.cas[fields["subject"]]
                else:
                    cert, key = self._leaf(fields)
                certs.append(cert)
                keys.append(key)
                continue
            path = named["file"]
            assert path in self.files, f"'{path}' is not a file of the example, so it cannot be served"
            try:
                found = x509.load_pem_x509_certificates(self.files[path])
            except ValueError:
                raise AssertionError(f"'{path}' holds no certificate to serve") from None
            certs += found[:1] if named["leaf"] else found
            keys += [self.leaf_keys.get(path), *self.keys.values(),
                     *(key for _, key in self.cas.values())]
        assert certs, "a ```served block must describe the chain it serves"
        key = next((k for k in keys if k is not None and _public(k) == _public(certs[0])), None)
        assert key is not None, "the key of the served chain's first certificate is not in the example"
        return pem(*certs), key_pem(key)

    def _leaf(self, fields: dict):
        spec = fields.get("key", "RSA 2048")
        if spec in self.keys:
            key = self.keys[spec]
        elif spec == "EC P-256":
            key = ec_key(0)
        else:
            kind, _, bits = spec.partition(" ")
            assert kind == "RSA" and bits.isdigit(), \
                f"key = '{spec}' is not 'RSA BITS', 'EC P-256' or a key file of the example"
            key = rsa_key(0, int(bits))
        issuer = fields.get("issuer", "CN=Example Root CA")
        assert issuer == "self" or issuer in self.cas, \
            f"issuer = '{issuer}' is not 'self' or one of {list(self.cas)}"
        signer = None if issuer == "self" else self.cas[issuer]
        subject = fields.get("subject", "CN=pce.example.com")
        assert subject.startswith("CN="), f"subject = '{subject}' is not 'CN=NAME'"
        names = fields.get("subjectAltName",
                           "DNS:pce-a.example.com, DNS:pce-b.example.com, DNS:pce.example.com")
        entries = [] if names == "none" else [n.strip().partition(":") for n in names.split(",")]
        assert all(kind in ("DNS", "IP") for kind, _, _ in entries), f"subjectAltName = '{names}'"
        usage = fields.get("extendedKeyUsage", "serverAuth, clientAuth")
        assert usage == "none" or all(u.strip() in _EKU for u in usage.split(",")), \
            f"extendedKeyUsage = '{usage}' is not 'none' or a list of {list(_EKU)}"
        signature = fields.get("signature", "sha256")
        assert signature in ("sha256", "sha1"), f"signature = '{signature}' is not 'sha256' or 'sha1'"
        self.serial += 1
        cert = issue(subject[3:], [v for k, _, v in entries if k == "DNS"],
                     [v for k, _, v in entries if k == "IP"], key=key, issuer=signer,
                     not_before=_date(fields.get("notBefore", "2024-01-01")),
                     not_after=_date(fields.get("notAfter", "2025-01-01")),
                     eku=None if usage == "none" else [_EKU[u.strip()] for u in usage.split(",")],
                     ca=fields.get("basicConstraints", "CA:FALSE") == "CA:TRUE", serial=self.serial)
        if signature == "sha1":
            cert = sha1_signed(cert, signer[1] if signer else key)
        return cert, key


def _public(key_or_cert) -> bytes:
    return key_or_cert.public_key().public_bytes(serialization.Encoding.DER,
                                                 serialization.PublicFormat.SubjectPublicKeyInfo)


def _paragraphs(body: str) -> list[str]:
    return [p for p in re.split(r"\n\s*\n", body.strip()) if p.strip()] or [""]


@contextmanager
def serving(layout: Layout, folder: Path):
    """TLS servers on 127.0.0.1 for a live example: one per name:port a ```served block names,
    and one for every other name:port of the pair (tls/server.crt); yields the --connect options,
    then checks that pcelint connected to each name:port the example serves."""
    folder.mkdir()
    servers = Servers(folder)
    try:
        ports = {endpoint: servers.tls({endpoint.rpartition(":")[0]: chain})
                 for endpoint, chain in layout.served.items()}
        default = servers.tls({"": layout.default_chain})
        yield [arg for endpoint, port in ports.items()
               for arg in ("--connect", f"{endpoint}:127.0.0.1:{port}")] + \
              ["--connect", f"::127.0.0.1:{default}"]
        by_port = {server.port: server for server in servers.started}
        unused = [endpoint for endpoint, port in ports.items() if not by_port[port].conns]
        assert not unused, f"pcelint never connected to {unused}: not a name:port of the pair " \
                           "(its names on front_end_https_port and front_end_event_service_port)"
    finally:
        servers.close()


# --- the tests --------------------------------------------------------------------------------

def run_example(example: Example, folder: Path):
    folder.mkdir()
    layout = Layout(example, folder)
    extra = layout.write()
    common = ["--now", NOW, "--include-suppressed", *extra, *example.options]
    if not example.live:
        code, report = lint_cli(["check", ".", *common], cwd=folder)
    else:
        with serving(layout, folder.parent / f"{folder.name}-served") as connect:
            code, report = lint_cli(["pair", "--active", "active", "--standby", "standby", "--live",
                                     "--tls-timeout", TLS_TIMEOUT, *connect, *common], cwd=folder)
    assert code in (0, 1), f"exit {code}: the example could not be linted"
    return report


def _where(finding) -> set[str]:
    return {finding["path"]} | {r["path"] for r in finding.get("related", [])}


def _names_a_shown_endpoint(finding, example: Example) -> bool:
    """A finding on what a name:port serves names it in its message ('pce-b.example.com:8443')."""
    return any(f"'{endpoint}'" in finding["message"] for endpoint in example.endpoints)


def check_example(example: Example, folder: Path):
    """Raises AssertionError unless the example does what its label says."""
    code = example.rule.code
    report = run_example(example, folder)
    mine = [f for f in report["findings"] if f["code"] == code]
    crashed = [n["message"] for n in report["notifications"] if n.get("code") == code]
    assert not crashed, crashed
    if example.kind == "fail":
        active = [f for f in mine if not f["suppressed"]]
        assert active, \
            f"{code} did not fire; findings: {[(f['path'], f['code']) for f in report['findings']]}"
        assert any(_where(f) & example.shown or _names_a_shown_endpoint(f, example)
                   for f in active), \
            f"{code} fired, but not in a file or on a name:port the example shows " \
            f"({sorted(example.shown | example.endpoints)}): " \
            f"{[(f['path'], f['line'], f['message']) for f in active]}"
    else:
        assert not mine, f"{code} fired: {[(f['path'], f['line'], f['message']) for f in mine]}"
        skipped = [s["reason"] for s in report["skipped"] if s["code"] == code]
        assert not skipped, f"{code} was skipped, so the example proves nothing: {skipped}"


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda e: e.id)
def test_documented_example(example, tmp_path):
    check_example(example, tmp_path / "example")


@pytest.mark.parametrize("rule", BUILTIN, ids=lambda r: r.code)
def test_every_rule_documents_a_failing_and_a_passing_example(rule):
    found = examples_of(rule)
    assert {e.kind for e in found} == {"fail", "pass"}, \
        f"{rule.code}: its '## Example' needs a 'Would fail' and a 'Would pass' example"
    for example in found:
        assert example.blocks, f"{example.id}: no fenced block follows '{example.label}'"
        for block in example.blocks:
            assert block.lang in LANGUAGES, \
                f"{example.id}: a block without a language the harness runs ({', '.join(LANGUAGES)})"
        if rule.summary.startswith("(--live)"):  # without a live run it yields nothing, unskipped
            assert example.live, f"{example.id}: a rule of the live audit needs a ```served block"


def _rule(code: str):
    return next(r for r in BUILTIN if r.code == code)


def _example(code: str, kind: str, label: str, *blocks: tuple[str, str]) -> Example:
    return Example(_rule(code), kind, 1, label, [Block(lang, text) for lang, text in blocks])


def test_the_standard_pair_is_clean(tmp_path):
    """What the harness fills in around an example raises nothing, and the certificate and DNS
    rules run on it: a pass example must not pass because its surroundings are broken."""
    report = run_example(_example(
        "PCE402", "pass", "Would pass",
        ("cert", "# tls/server.crt\nsubject = CN=pce.example.com\n"),
        ("zone", "; example.com.zone\n$TTL 300\npce IN CNAME pce-a\npce-a IN A 10.0.0.1\n"
                 "pce-b IN A 10.0.1.1\n")), tmp_path / "example")
    assert [(f["path"], f["code"]) for f in report["findings"]] == []
    skipped = {s["code"] for s in report["skipped"]}
    assert not skipped & {*(f"PCE40{n}" for n in range(1, 10)), "PCE601", "PCE602", "PCE603"}, skipped


@pytest.mark.parametrize("example, why", [
    (_example("PCE105", "pass", "Would pass", ("yaml", "insecure_tls_weak_ciphers_enabled: true\n")),
     "PCE105 fired"),
    (_example("PCE105", "fail", "Would fail", ("yaml", "insecure_tls_weak_ciphers_enabled: false\n")),
     "PCE105 did not fire"),
    (_example("PCE202", "fail", "Would fail", ("yaml", "# active/data1.yml\nnode_type: data0\n")),
     "not in a file or on a name:port the example shows"),  # PCE202 reports on active/core0.yml
    (_example("PCE501", "pass", "Would pass (no disk size declared)",
              ("yaml", "# active/core0.yml\ntraffic_datastore: {max_disk_usage_gb: 300}\n")),
     "PCE501 was skipped"),
    (_example("PCE404", "fail", "Would fail (with `--now 2025-06-01T00:00:00Z`)",
              ("cert", "# tls/server.crt\nsubject = CN=pce.example.com\n")), None),
    (_example("PCE411", "pass", "Would pass",  # a newly issued certificate is not the file's
              ("served", "# pce-b.example.com:8444\nsubject = CN=pce.example.com\n")),
     "PCE411 fired"),
    (_example("PCE412", "fail", "Would fail",  # the file's whole chain: nothing lacks
              ("cert", "# tls/server.crt\nissuer = CN=Example Intermediate CA\n\n"
                       "subject = CN=Example Intermediate CA\n"),
              ("served", "# pce-a.example.com:8443\ntls/server.crt\n")),
     "PCE412 did not fire"),
    (_example("PCE411", "fail", "Would fail",  # the pair has no such name: nobody connects to it
              ("served", "# pce-c.example.com:8443\nnotBefore = 2024-04-01\n")),
     "pcelint never connected to"),
], ids=["pass-that-fires", "fail-that-does-not", "fail-elsewhere", "pass-by-skipping", "label-options",
        "served-pass-that-fires", "served-fail-that-does-not", "served-elsewhere"])
def test_the_harness_rejects_a_wrong_example(example, why, tmp_path):
    """The harness is not vacuous: each wrong example fails for its reason (and the right one,
    label-options, shows that options in the label reach the run)."""
    if why is None:
        check_example(example, tmp_path / "example")
        return
    with pytest.raises(AssertionError, match=why):
        check_example(example, tmp_path / "example")


def test_the_documented_standard_node_file_is_the_one_the_harness_writes():
    docs = (Path(__file__).parents[2] / "docs" / "rules-examples.md").read_text()
    shown = re.search(r"^```yaml\n(# active/core0.yml\n.*?)^```$", docs, re.S | re.M).group(1)
    assert shown == "# active/core0.yml\n" + standard_node("active", "core0")
