"""Reading certificates and private keys, safely: every value a rule needs is read up front.

cryptography parses lazily: `.subject` or `.extensions` can raise `ValueError` long after loading,
and one malformed extension makes every extension unreadable. So each certificate is turned into a
`CertInfo` of plain values inside one guarded pass; whatever fails becomes the bundle's `error`
(PCE401), never an exception in a rule. Private keys keep only their public part: no key bytes,
no key object and no exception text (which could quote key material) are ever stored.

Files are read once per path and unit (pcelint.inputs.UNIT_KEYS: dropped once the unit's inputs
are ready) and parsed once per content hash (SHA-256) while the parse is among the last
`PARSED_BOUND` used in the process (pcelint.inputs.bounded): a CA bundle or intermediate that many
pairs share stays, a fleet's leaves do not pile up. This module imports cryptography; import it
only where a certificate rule runs (or in the parent before a process pool forks).
"""
from __future__ import annotations

import warnings
from datetime import datetime, timezone
from pathlib import Path

from cryptography import x509
from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import dsa, ec, ed448, ed25519, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

try:  # the Rust key loaders `serialization` re-exports: importing that package also imports its
    # SSH module, and with it dataclasses and inspect (~10 ms of a pre-commit run)
    from cryptography.hazmat.bindings._rust import openssl as _rust_openssl
    from cryptography.hazmat.primitives._serialization import Encoding, PublicFormat

    _load_pem_key = _rust_openssl.keys.load_pem_private_key
    _load_der_key = _rust_openssl.keys.load_der_private_key
except (ImportError, AttributeError):  # cryptography's internals laid out otherwise
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
    from cryptography.hazmat.primitives.serialization import (
        load_der_private_key as _load_der_key,
    )
    from cryptography.hazmat.primitives.serialization import (
        load_pem_private_key as _load_pem_key,
    )

from pcelint.core.findings import slots_repr
from pcelint.inputs import trace
from pcelint.inputs.bounded import Bounded, table
from pcelint.inputs.digests import unit_digest
from pcelint.inputs.pem import CERT_LABELS, is_encrypted, key_blocks
from pcelint.inputs.pem import blocks as pem_blocks
from pcelint.inputs.safeio import read_regular

SERVER_AUTH = ExtendedKeyUsageOID.SERVER_AUTH.dotted_string
CLIENT_AUTH = ExtendedKeyUsageOID.CLIENT_AUTH.dotted_string
_TIME_FORMAT = "%Y-%m-%d %H:%M:%S UTC"
PARSED_BOUND = 128  # parsed bundles, certificates (by PEM text) and keys kept, each


class CertInfo:
    """One certificate, every lazily parsed value already read."""

    __slots__ = ("obj", "index", "line", "sha256", "subject", "issuer", "common_names",
                 "dns_names", "ip_addresses", "has_san", "not_before", "not_after", "key_type",
                 "key_bits", "spki", "signature_hash", "is_ca", "eku")
    obj: object  # the cryptography Certificate (for signature checks and chain building)
    index: int  # 0 = the leaf
    line: int  # line of its `-----BEGIN CERTIFICATE-----` (1 for DER)
    sha256: str  # fingerprint of the DER encoding, hex
    subject: str
    issuer: str
    common_names: list[str]
    dns_names: list[str]  # subjectAltName dNSName entries, as written
    ip_addresses: list  # subjectAltName iPAddress entries
    has_san: bool
    not_before: datetime
    not_after: datetime
    key_type: str  # "RSA", "EC (secp256r1)", "Ed25519", ...
    key_bits: int | None
    spki: bytes  # DER SubjectPublicKeyInfo: compared with the private key's public part
    signature_hash: str | None  # "sha256", "sha1", "md5", ... ; None for Ed25519/Ed448
    is_ca: bool
    eku: list[str] | None  # dotted OIDs; None when the extension is absent

    def __init__(self, obj: object, index: int, line: int, sha256: str, subject: str, issuer: str,
                 common_names: list[str], dns_names: list[str], ip_addresses: list, has_san: bool,
                 not_before: datetime, not_after: datetime, key_type: str, key_bits: int | None,
                 spki: bytes, signature_hash: str | None, is_ca: bool, eku: list[str] | None):
        self.obj = obj
        self.index = index
        self.line = line
        self.sha256 = sha256
        self.subject = subject
        self.issuer = issuer
        self.common_names = common_names
        self.dns_names = dns_names
        self.ip_addresses = ip_addresses
        self.has_san = has_san
        self.not_before = not_before
        self.not_after = not_after
        self.key_type = key_type
        self.key_bits = key_bits
        self.spki = spki
        self.signature_hash = signature_hash
        self.is_ca = is_ca
        self.eku = eku


class CertBundle:
    """A certificate file: all its certificates, leaf first, or why it cannot be used."""

    __slots__ = ("sha256", "certs", "fmt", "error", "error_line", "left_out")
    sha256: str
    certs: list[CertInfo]
    fmt: str
    error: str | None
    error_line: int
    left_out: list  # (line, why): CA bundles skip what they cannot parse

    def __init__(self, sha256: str, certs: list[CertInfo] | None = None, fmt: str = "PEM",
                 error: str | None = None, error_line: int = 1, left_out: list | None = None):
        self.sha256 = sha256
        self.certs = [] if certs is None else certs
        self.fmt = fmt
        self.error = error
        self.error_line = error_line
        self.left_out = [] if left_out is None else left_out

    @property
    def leaf(self) -> CertInfo | None:
        return self.certs[0] if self.certs and self.error is None else None


class KeyInfo:
    """The public side of a private-key file; `state` is ok, encrypted or unparseable."""

    __slots__ = ("sha256", "state", "line", "key_type", "spki", "reason")
    sha256: str
    state: str
    line: int  # the `-----BEGIN ... PRIVATE KEY-----` line (1 for DER)
    key_type: str
    spki: bytes
    reason: str

    def __init__(self, sha256: str, state: str, line: int = 1, key_type: str = "",
                 spki: bytes = b"", reason: str = ""):
        self.sha256 = sha256
        self.state = state
        self.line = line
        self.key_type = key_type
        self.spki = spki
        self.reason = reason

    __repr__ = slots_repr  # tests look into it for key material


def read_file(path: Path, cache: dict, limit: int) -> tuple[bytes | None, str | None]:
    """The bytes of `path` (read once per unit), or None and why not."""
    files = cache.setdefault("certs.files", {})
    key = str(path)
    if key not in files:
        try:
            data = read_regular(path, limit)
        except OSError as exc:
            files[key] = (None, f"it cannot be read ({exc.strerror or type(exc).__name__})")
            state = trace.error_state(exc)
        else:
            state = trace.data_state(data) if trace.ACTIVE is not None else None
            if len(data) > limit:
                files[key] = (None, f"it is larger than {limit} bytes")
            else:
                files[key] = (data, None)
        cache.setdefault("certs.states", {})[key] = state
    if trace.ACTIVE is not None:  # the result cache keys on what was read (core/cache.py)
        states = cache.setdefault("certs.states", {})
        if states.get(key) is None:  # read before the recording started
            states[key] = trace.read_state(path, limit)
        trace.read(path, limit, states[key])
    return files[key]


def load_bundle(data: bytes, cache: dict, max_certs: int | None = None,
                max_san_entries: int | None = None, skip_bad: bool = False) -> CertBundle:
    """Parse a certificate file (PEM bundle or DER), once per content and limits.

    `max_certs` (the 'max_chain_length' limit; None: no limit, as for CA bundles) and
    `max_san_entries` bound the work one hostile file can cause; beyond them the bundle's error
    says which limit it exceeds (PCE401). With `skip_bad` (CA bundles) a certificate block that
    cannot be parsed is left out (`left_out`) instead of making the whole file unusable."""
    parsed = table(cache, "certs.bundles", PARSED_BOUND)
    sha = unit_digest(data, cache)
    key = (sha, max_certs, max_san_entries, skip_bad)
    bundle = parsed.get(key)
    if bundle is None:
        with warnings.catch_warnings():  # e.g. "serial number not positive": not our report
            warnings.simplefilter("ignore")
            global _known_certs
            _known_certs = table(cache, "certs.blocks", PARSED_BOUND)
            try:
                bundle = parsed[key] = _parse_bundle(data, sha, max_certs, max_san_entries, skip_bad)
            finally:
                _known_certs = None
    return bundle


_known_certs: Bounded | None = None  # the cache's PEM text -> CertInfo, while load_bundle runs


def _parse_bundle(data: bytes, sha: str, max_certs: int | None = None,
                  max_san_entries: int | None = None, skip_bad: bool = False) -> CertBundle:
    """Each PEM certificate is parsed once per text (`_known_certs`): bundles differ per pair
    (their leaves do) but mostly end in the same intermediates and root."""
    known_certs = _known_certs
    bundle = CertBundle(sha)
    if not data.strip():
        bundle.error = "the file is empty"
        return bundle
    if b"-----BEGIN" not in data:
        bundle.fmt = "DER"
        try:
            cert = x509.load_der_x509_certificate(data)
        except Exception:  # noqa: BLE001 - any parse failure is PCE401
            bundle.error = "it holds no PEM certificate block and is not a DER certificate either"
            return bundle
        return _add(bundle, cert, 1, max_san_entries, skip_bad)
    found = pem_blocks(data.decode("latin-1"))
    certs = [b for b in found if b.label in CERT_LABELS]
    if not certs:
        labels = sorted({b.label for b in found})
        what = f" (only {', '.join(repr(x) for x in labels)})" if labels else ""
        bundle.error = f"it holds no PEM certificate block{what}"
        if any("PRIVATE KEY" in label for label in labels):
            bundle.error += "; it looks like the private key, not the certificate"
        return bundle
    if max_certs is not None and len(certs) > max_certs:
        line = certs[max_certs].line
        bundle.error, bundle.error_line = (
            f"it holds {len(certs)} certificates, more than the {max_certs} pcelint reads (the "
            f"'max_chain_length' limit; certificate {max_certs + 1} is at line {line})", line)
        return bundle
    for pem in certs:
        line = pem.line
        block = pem.text.encode("latin-1")
        known = known_certs.get(block) if known_certs is not None else None
        if known is not None:
            moved = {n: getattr(known, n) for n in CertInfo.__slots__}
            bundle.certs.append(CertInfo(**{**moved, "index": len(bundle.certs), "line": line}))
            continue
        if not pem.closed:
            why = f"the PEM block at line {line} has no END line (the file is truncated)"
            if skip_bad:
                bundle.left_out.append((line, why))
                continue
            bundle.error, bundle.error_line = why, line
            return bundle
        try:
            cert = x509.load_pem_x509_certificate(block)
        except Exception:  # noqa: BLE001
            why = f"the PEM block at line {line} is not a valid certificate (bad base64 or DER)"
            if skip_bad:
                bundle.left_out.append((line, why))
                continue
            bundle.error, bundle.error_line = why, line
            return bundle
        count = len(bundle.certs)
        if _add(bundle, cert, line, max_san_entries, skip_bad).error:
            return bundle
        if len(bundle.certs) == count:  # left out
            continue
        if known_certs is not None:
            known_certs[block] = bundle.certs[-1]
    return bundle


def _add(bundle: CertBundle, cert, line: int, max_san_entries: int | None = None,
         skip_bad: bool = False) -> CertBundle:
    index = len(bundle.certs)
    if skip_bad:  # a CA bundle: it has no leaf
        which = f"the certificate at line {line}"
    else:
        which = "the leaf certificate" if index == 0 else f"certificate {index + 1} in the file"
    step = "its encoding"
    try:
        step = "its subject or issuer name"
        subject, issuer = cert.subject.rfc4514_string(), cert.issuer.rfc4514_string()
        common_names = [str(a.value) for a in cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)]
        step = "its validity dates"
        not_before, not_after = cert.not_valid_before_utc, cert.not_valid_after_utc
        step = "its extensions (one fails to decode)"
        dns, ips, has_san, is_ca, eku = _extensions(cert)
        if max_san_entries is not None and len(dns) + len(ips) > max_san_entries:
            bundle.error, bundle.error_line = (
                f"{which} (line {line}) has {len(dns) + len(ips)} subjectAltName entries, more "
                f"than the {max_san_entries} pcelint reads (the 'max_san_entries' limit)", line)
            return bundle
        step = "its public key"
        key_type, bits, spki = public_key_facts(cert.public_key())
        step = "its signature algorithm"
        sig = _signature_hash(cert)
        sha = cert.fingerprint(hashes.SHA256()).hex()
    except Exception:  # noqa: BLE001 - lazily parsed fields fail here, never in a rule
        if skip_bad:
            bundle.left_out.append((line, f"{which} cannot be parsed: {step}"))
            return bundle
        bundle.error, bundle.error_line = (f"{which} (line {line}) cannot be parsed: {step}", line)
        return bundle
    bundle.certs.append(CertInfo(cert, index, line, sha, subject, issuer, common_names, dns, ips,
                                 has_san, not_before, not_after, key_type, bits, spki, sig, is_ca,
                                 eku))
    return bundle


def _extensions(cert):
    exts = cert.extensions  # raises when any extension is malformed
    dns, ips, has_san, is_ca, eku = [], [], False, False, None
    for ext in exts:
        value = ext.value
        if isinstance(value, x509.SubjectAlternativeName):
            has_san = True
            dns = [str(v) for v in value.get_values_for_type(x509.DNSName)]
            ips = list(value.get_values_for_type(x509.IPAddress))
        elif isinstance(value, x509.BasicConstraints):
            is_ca = bool(value.ca)
        elif isinstance(value, x509.ExtendedKeyUsage):
            eku = [oid.dotted_string for oid in value]
    return dns, ips, has_san, is_ca, eku


def _signature_hash(cert) -> str | None:
    try:
        algorithm = cert.signature_hash_algorithm
    except UnsupportedAlgorithm:
        oid = cert.signature_algorithm_oid
        return getattr(oid, "_name", None) or oid.dotted_string
    return algorithm.name if algorithm is not None else None


def public_key_facts(key) -> tuple[str, int | None, bytes]:
    spki = key.public_bytes(Encoding.DER, PublicFormat.SubjectPublicKeyInfo)
    if isinstance(key, rsa.RSAPublicKey):
        return "RSA", key.key_size, spki
    if isinstance(key, ec.EllipticCurvePublicKey):
        return f"EC ({key.curve.name})", key.key_size, spki
    if isinstance(key, dsa.DSAPublicKey):
        return "DSA", key.key_size, spki
    if isinstance(key, ed25519.Ed25519PublicKey):
        return "Ed25519", None, spki
    if isinstance(key, ed448.Ed448PublicKey):
        return "Ed448", None, spki
    return type(key).__name__, None, spki


def load_key(data: bytes, cache: dict) -> KeyInfo:
    """The public side of a private-key file, once per content. Never stores key material."""
    parsed = table(cache, "certs.keys", PARSED_BOUND)
    sha = unit_digest(data, cache)
    info = parsed.get(sha)
    if info is None:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            info = parsed[sha] = _parse_key(data, sha)
    return info


def _parse_key(data: bytes, sha: str) -> KeyInfo:
    if b"-----BEGIN" in data:
        blocks = key_blocks(data.decode("latin-1"))
        if not blocks:
            return KeyInfo(sha, "unparseable", reason="it holds no PEM 'PRIVATE KEY' block")
        block = blocks[0]
        line = block.line
        if is_encrypted(block):
            return KeyInfo(sha, "encrypted", line)
        loader, blob = _load_pem_key, block.text.encode("latin-1")
    else:
        line, loader, blob = 1, _load_der_key, data
    try:
        key = loader(blob, password=None, unsafe_skip_rsa_key_validation=True)
    except TypeError:  # a password is needed
        return KeyInfo(sha, "encrypted", line)
    except Exception:  # noqa: BLE001 - the exception text may quote key bytes: never keep it
        return KeyInfo(sha, "unparseable", line, reason="it is not a valid private key")
    try:
        key_type, _, spki = public_key_facts(key.public_key())
    except Exception:  # noqa: BLE001
        return KeyInfo(sha, "unparseable", line, reason="its public part cannot be derived")
    finally:
        del key
    return KeyInfo(sha, "ok", line, key_type, spki)


def when(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).strftime(_TIME_FORMAT)


# Signature checks are the dearest part of PCE407, and a pair's two PCEs usually serve the same
# bundle: each distinct (bundle, CA bundle, moment) is verified once while it is among the last
# _VERIFIED_MAX verdicts used. Keyed by content hashes and certificate counts (a bundle's
# certificates depend on its bytes and the limits only).
_VERIFIED_MAX = 1024  # verdicts (a unit uses a few; those shared between units stay recent)
_VERIFIED = Bounded(_VERIFIED_MAX)


def _memo(key, compute):
    value = _VERIFIED.get(key, _VERIFIED)
    if value is _VERIFIED:
        value = _VERIFIED[key] = compute()
    return value


def _identity(bundle: CertBundle) -> tuple:
    return (bundle.sha256, len(bundle.certs), bundle.error, len(bundle.left_out))


def order_problem(bundle: CertBundle) -> tuple[CertInfo, CertInfo] | None:
    """The first certificate not issued by the next one in the file (each must be), or None."""
    return _memo(("order", _identity(bundle)), lambda: _order_problem(bundle))


def _order_problem(bundle: CertBundle) -> tuple[CertInfo, CertInfo] | None:
    for cert, issuer in zip(bundle.certs, bundle.certs[1:]):
        if signed_by(cert, issuer) in (NAME_DIFFERS, BAD_SIGNATURE):
            return cert, issuer
    return None


# `signed_by` verdicts: the issuer's name is not the certificate's issuer name; its key did not
# sign it; it did; or cryptography cannot check the signature (e.g. SHA-1: PCE408's concern).
NAME_DIFFERS, BAD_SIGNATURE, SIGNED, UNCHECKED = "name", "bad", "signed", "unchecked"


def signed_by(cert: CertInfo, issuer: CertInfo) -> str:
    """Did `issuer` sign `cert` (name and signature)? Once per distinct (certificate, issuer) DER
    pair while the verdict is among the last _VERIFIED_MAX used: a fleet's leaves share their
    intermediates, and the intermediate-to-root signature is checked once per run, not per pair;
    a pair's out-of-order check and chain walk ask about the same leaf."""
    return _memo(("signed", cert.sha256, issuer.sha256), lambda: _signature(cert, issuer))


def _signature(cert: CertInfo, issuer: CertInfo) -> str:
    from cryptography.exceptions import InvalidSignature

    if cert.obj.issuer != issuer.obj.subject:
        return NAME_DIFFERS
    try:
        cert.obj.verify_directly_issued_by(issuer.obj)
    except InvalidSignature:
        return BAD_SIGNATURE
    except Exception:  # noqa: BLE001 - an algorithm it cannot check (SHA-1: PCE408's concern)
        return UNCHECKED
    return SIGNED


ANY_EKU = "2.5.29.37.0"
_EKU_NAMES = {SERVER_AUTH: "serverAuth", CLIENT_AUTH: "clientAuth",
              ExtendedKeyUsageOID.CODE_SIGNING.dotted_string: "codeSigning",
              ExtendedKeyUsageOID.EMAIL_PROTECTION.dotted_string: "emailProtection",
              ExtendedKeyUsageOID.TIME_STAMPING.dotted_string: "timeStamping",
              ExtendedKeyUsageOID.OCSP_SIGNING.dotted_string: "OCSPSigning",
              ANY_EKU: "anyExtendedKeyUsage"}


class ChainProblem:
    """Why a chain fails (`reason`) and what to change (`fix`); `kind` keeps findings apart."""

    __slots__ = ("kind", "reason", "fix", "cert")
    kind: str  # "issuer", "eku" or "verifier"
    reason: str
    fix: str
    cert: CertInfo | None  # the certificate of the file concerned, when there is one

    def __init__(self, kind: str, reason: str, fix: str, cert: CertInfo | None = None):
        self.kind = kind
        self.reason = reason
        self.fix = fix
        self.cert = cert


def _issued(cert: CertInfo, issuer: CertInfo) -> bool:
    """Did `issuer` sign `cert` (name and signature)?"""
    return signed_by(cert, issuer) in (SIGNED, UNCHECKED)


def _which(cert: CertInfo) -> str:
    return "the leaf" if cert.index == 0 else f"certificate {cert.index + 1}, line {cert.line}"


def chain_problems(bundle: CertBundle, ca: CertBundle, at: datetime) -> list[ChainProblem]:
    """`_chain_problems`, once per distinct (bundle, CA bundle, moment) and process."""
    return list(_memo(("chain", _identity(bundle), _identity(ca), at),
                      lambda: tuple(_chain_problems(bundle, ca, at))))


def _chain_problems(bundle: CertBundle, ca: CertBundle, at: datetime) -> list[ChainProblem]:
    """Why the bundle does not build to a root in the CA bundle, each with what to change.

    The path is followed by signature first (so a missing issuer, or a re-keyed CA whose
    self-issued link is missing, is named); intermediates whose extendedKeyUsage excludes
    serverAuth or clientAuth are named with what they allow; then cryptography's verifier judges
    the rest at a time when every certificate of the file is valid (validity is PCE404's)."""
    problems = []
    # The verifier first: a chain it builds has had each of its signatures checked, which the
    # issuer walk below and the order check (PCE407) then need not check again (_seed_signed).
    reason = _verifier_problem(bundle, ca, at)
    missing = _missing_issuer(bundle, ca)
    if missing:
        problems.append(missing)
    for cert in bundle.certs[1:]:
        if cert.eku is None or ANY_EKU in cert.eku:
            continue
        lacking = [n for oid, n in ((SERVER_AUTH, "serverAuth"), (CLIENT_AUTH, "clientAuth"))
                   if oid not in cert.eku]
        if lacking:
            allows = ", ".join(f"'{_EKU_NAMES.get(oid, oid)}'" for oid in cert.eku) or "nothing"
            problems.append(ChainProblem(
                "eku",
                f"the intermediate '{cert.subject}' ({_which(cert)}) has an extendedKeyUsage that "
                f"allows only {allows}, not {' and '.join(repr(n) for n in lacking)}; the PCE also "
                "authenticates as a client with this certificate (to the other PCE and between its "
                "nodes), and a client certificate's chain must allow clientAuth",
                "have the certificate issued under an intermediate whose extendedKeyUsage allows both "
                "serverAuth and clientAuth (or has none), e.g. from a private or enterprise CA", cert))
    if missing:
        return problems  # (the verifier's reason would only repeat it)
    if reason:
        problems.append(ChainProblem(
            "verifier", reason, "correct the chain in the certificate file or the CA bundle"))
    return problems


def _verifier_problem(bundle: CertBundle, ca: CertBundle, at: datetime) -> str | None:
    from cryptography.x509.verification import (
        Criticality,
        ExtensionPolicy,
        PolicyBuilder,
        Store,
        VerificationError,
    )

    leaf = bundle.leaf
    # Judge the chain at a time when every certificate of the file is valid (validity is PCE404's
    # business), else inside the leaf's own validity.
    low, high = max(c.not_before for c in bundle.certs), min(c.not_after for c in bundle.certs)
    moments = [min(max(at, low), high)] if low <= high else []
    moments.append(min(max(at, leaf.not_before), leaf.not_after))
    # The intermediates' extendedKeyUsage is judged above, with a message that names them.
    ca_policy = ExtensionPolicy.webpki_defaults_ca().may_be_present(
        x509.ExtendedKeyUsage, Criticality.AGNOSTIC, None)
    reason = None
    for moment in moments:
        try:
            builder = (PolicyBuilder().store(Store([c.obj for c in ca.certs])).time(moment)
                       .extension_policies(ca_policy=ca_policy,
                                           ee_policy=ExtensionPolicy.permit_all()))
            verified = builder.build_client_verifier().verify(
                leaf.obj, [c.obj for c in bundle.certs[1:]])
        except VerificationError as exc:
            reason = str(exc) or "no chain to a trusted root"
            continue
        except Exception as exc:  # noqa: BLE001 - certificate-only text, never key material
            return f"{type(exc).__name__}: {exc}"[:300]
        _seed_signed(verified.chain)
        return None
    if reason and "not valid at validation time" in reason:
        return None  # no moment where all of it is valid: PCE404 reports the dates
    return reason


def _seed_signed(chain) -> None:
    """A chain the verifier built (leaf first): each certificate in it was signed by the next,
    names and signature checked, so `signed_by` is SIGNED for each such pair (what
    verify_directly_issued_by would say, without a second RSA or ECDSA verification per pair).
    Keyed by the certificates' SHA-256 fingerprints, as CertInfo.sha256 is (a CA bundle's size
    does not matter)."""
    prints = [c.fingerprint(hashes.SHA256()).hex() for c in chain]
    for cert, issuer, a, b in zip(chain, chain[1:], prints, prints[1:]):
        if cert.issuer == issuer.subject:
            key = ("signed", a, b)
            if _VERIFIED.get(key) is None:
                _VERIFIED[key] = SIGNED


def _missing_issuer(bundle: CertBundle, ca: CertBundle) -> ChainProblem | None:
    """Follow the file's certificates by signature from the leaf; None when one of them is signed
    by a certificate of the CA bundle, else which issuer is missing (by name, or by key when a
    certificate of that name exists but did not sign it: a re-keyed, self-issued CA)."""
    current, used = bundle.certs[0], {0}
    while True:
        if any(_issued(current, root) for root in ca.certs if root.obj.subject == current.obj.issuer):
            return None
        following = next((c for c in bundle.certs if c.index not in used and _issued(current, c)),
                         None)
        if following is None:
            break
        used.add(following.index)
        current = following
    named = [c for c in list(ca.certs) + list(bundle.certs)
             if c.obj.subject == current.obj.issuer and c is not current]
    who = f"'{current.subject}' ({_which(current)})"
    if named:
        return ChainProblem(
            "issuer",
            f"{who} is issued by '{current.issuer}', and a certificate of that name is in the file "
            "or the CA bundle, but its key did not sign it (a re-keyed CA: the self-issued "
            "certificate that links the new key to the old one is missing)",
            f"add the certificate of '{current.issuer}' whose key signed {who}: the self-issued "
            "key-rollover certificate after the intermediates in the certificate file, or the new "
            "root to the CA bundle", current)
    where = ("the intermediate that issued the leaf to the certificate file (after the leaf)"
             if current.index == 0 else
             f"the certificate of '{current.issuer}' to the CA bundle (or, if it is an "
             "intermediate, to the certificate file)")
    return ChainProblem(
        "issuer", f"no certificate in the file or the CA bundle issued {who}: its issuer "
        f"'{current.issuer}' is missing", f"add {where}", current)


def validity_window(cert: CertInfo, warn_days: float) -> float:
    """Seconds before expiry from which a still-valid certificate is 'expiring soon': `warn_days`
    or a third of its whole lifetime, whichever is shorter (a 47-day certificate: 15 2/3 days)."""
    lifetime = (cert.not_after - cert.not_before).total_seconds()
    return min(warn_days * 86400, max(lifetime, 0) / 3)


def chain_problem(bundle: CertBundle, ca: CertBundle, at: datetime) -> str | None:
    """The reasons of `chain_problems`, joined (None when the chain builds)."""
    problems = chain_problems(bundle, ca, at)
    return "; ".join(p.reason for p in problems) or None
