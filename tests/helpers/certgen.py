"""Test certificates and keys, built with cryptography's builders at fixed dates.

Nothing here is committed as PEM: every certificate and key is generated when a test runs.
RSA keys are generated once per session and reused, by index.
"""
from __future__ import annotations

import ipaddress
from datetime import datetime, timezone
from functools import lru_cache

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, ExtensionOID, NameOID

UTC = timezone.utc
NOT_BEFORE = datetime(2024, 1, 1, tzinfo=UTC)
NOT_AFTER = datetime(2025, 1, 1, tzinfo=UTC)
NOW = datetime(2024, 6, 1, tzinfo=UTC)
SERVER_CLIENT = (ExtendedKeyUsageOID.SERVER_AUTH, ExtendedKeyUsageOID.CLIENT_AUTH)


@lru_cache(maxsize=None)
def rsa_key(index: int = 0, bits: int = 2048):
    return rsa.generate_private_key(public_exponent=65537, key_size=bits)


@lru_cache(maxsize=None)
def ec_key(index: int = 0):
    return ec.generate_private_key(ec.SECP256R1())


def _name(cn: str | None) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)] if cn else [])


def issue(cn: str | None = "pce", dns=(), ips=(), *, key=None, issuer=None,
          not_before=NOT_BEFORE, not_after=NOT_AFTER, eku=SERVER_CLIENT, ca=False,
          hash_alg=None, extensions=(), serial=1000):
    """A certificate for `key` (default rsa_key(0)); self-signed unless issuer=(cert, key)."""
    key = key or rsa_key(0)
    issuer_cert, issuer_key = issuer if issuer else (None, key)
    builder = (x509.CertificateBuilder()
               .subject_name(_name(cn))
               .issuer_name(issuer_cert.subject if issuer_cert else _name(cn))
               .public_key(key.public_key())
               .serial_number(serial)
               .not_valid_before(not_before)
               .not_valid_after(not_after))
    names = [x509.DNSName(d) for d in dns] + [x509.IPAddress(ipaddress.ip_address(i)) for i in ips]
    if names:
        builder = builder.add_extension(x509.SubjectAlternativeName(names), critical=False)
    if eku is not None:
        builder = builder.add_extension(x509.ExtendedKeyUsage(list(eku)), critical=False)
    builder = builder.add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
    if ca:
        builder = builder.add_extension(
            x509.KeyUsage(digital_signature=True, content_commitment=False, key_encipherment=False,
                          data_encipherment=False, key_agreement=False, key_cert_sign=True,
                          crl_sign=True, encipher_only=False, decipher_only=False), critical=True)
    builder = builder.add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()),
                                    critical=False)
    if issuer_cert is not None:
        builder = builder.add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer_key.public_key()),
            critical=False)
    for ext in extensions:
        builder = builder.add_extension(ext, critical=False)
    return builder.sign(issuer_key, hash_alg or hashes.SHA256())


def ca_cert(cn: str, key, issuer=None, **kw):
    return issue(cn, key=key, issuer=issuer, ca=True, eku=None, serial=kw.pop("serial", 1), **kw)


def pki():
    """(root, root_key, intermediate, intermediate_key)."""
    root_key, inter_key = rsa_key(10), rsa_key(11)
    root = ca_cert("Test Root CA", root_key, not_before=datetime(2020, 1, 1, tzinfo=UTC),
                   not_after=datetime(2030, 1, 1, tzinfo=UTC))
    inter = ca_cert("Test Intermediate CA", inter_key, issuer=(root, root_key), serial=2,
                    not_before=datetime(2020, 1, 1, tzinfo=UTC),
                    not_after=datetime(2030, 1, 1, tzinfo=UTC))
    return root, root_key, inter, inter_key


def root_ca():
    """(certificate, key) of a self-signed root valid 2024-2030 (the CA bundle of `pair_files`)."""
    key = rsa_key(1)
    return issue("Test Root", key=key, ca=True, not_before=NOT_BEFORE,
                 not_after=datetime(2030, 1, 1, tzinfo=UTC), eku=None), key


PAIR_NAMES = ("pce.example.com", "pce-a.example.com", "pce-b.example.com")


def pair_files() -> dict:
    """A pair's `server.crt` (a leaf for the pair's three names, issued by `root_ca`),
    `server.key` and `ca.pem`, as config repositories hold them."""
    ca, ca_key = root_ca()
    leaf = issue("pce.example.com", dns=list(PAIR_NAMES), issuer=(ca, ca_key))
    return {"server.crt": pem(leaf), "server.key": key_pem(rsa_key(0)), "ca.pem": pem(ca)}


def pem(*certs) -> bytes:
    return b"".join(c.public_bytes(serialization.Encoding.PEM) for c in certs)


def der(cert) -> bytes:
    return cert.public_bytes(serialization.Encoding.DER)


def key_pem(key, password: bytes | None = None) -> bytes:
    algorithm = (serialization.BestAvailableEncryption(password) if password
                 else serialization.NoEncryption())
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, algorithm)


def broken_extension():
    """An extension that claims to be a subjectAltName but holds malformed DER."""
    return x509.UnrecognizedExtension(ExtensionOID.SUBJECT_ALTERNATIVE_NAME, b"\x30\x05\x82\x07ab")


_SHA256_RSA = bytes.fromhex("06092a864886f70d01010b")
_SHA1_RSA = bytes.fromhex("06092a864886f70d010105")


def _der_len(n: int) -> bytes:
    if n < 0x80:
        return bytes([n])
    body = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes([0x80 | len(body)]) + body


def sha1_signed(cert, issuer_key):
    """`cert` re-signed with SHA-1 (the builder refuses SHA-1, so the DER is assembled here)."""
    from cryptography.hazmat.primitives.asymmetric import padding

    tbs = cert.tbs_certificate_bytes.replace(_SHA256_RSA, _SHA1_RSA)
    signature = issuer_key.sign(tbs, padding.PKCS1v15(), hashes.SHA1())
    algorithm = b"\x30\x0d" + _SHA1_RSA + b"\x05\x00"
    bits = b"\x03" + _der_len(len(signature) + 1) + b"\x00" + signature
    body = tbs + algorithm + bits
    return x509.load_der_x509_certificate(b"\x30" + _der_len(len(body)) + body)
