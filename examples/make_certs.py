"""Regenerate the example certificates (public parts only; private keys never leave memory).

    python examples/make_certs.py

prod: one leaf covering the active, the standby and active_pce_fqdn, issued by an example CA.
lab:  a leaf that forgets the standby's name (PCE402 shows it).
"""
from datetime import datetime, timezone
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

HERE = Path(__file__).parent / "pces"
START, END = datetime(2026, 1, 1, tzinfo=timezone.utc), datetime(2036, 1, 1, tzinfo=timezone.utc)


def name(cn):
    return x509.Name([x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Corp Example"),
                      x509.NameAttribute(NameOID.COMMON_NAME, cn)])


def build(subject, key, issuer, issuer_key, ca, dns=()):
    b = (x509.CertificateBuilder().subject_name(subject).issuer_name(issuer)
         .public_key(key.public_key()).serial_number(x509.random_serial_number())
         .not_valid_before(START).not_valid_after(END)
         .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True))
    if ca:
        b = b.add_extension(x509.KeyUsage(True, False, False, False, False, True, True, False, False),
                            critical=True)
    else:
        b = b.add_extension(x509.SubjectAlternativeName([x509.DNSName(d) for d in dns]), critical=False)
        b = b.add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH,
                                                   ExtendedKeyUsageOID.CLIENT_AUTH]), critical=False)
    return b.sign(issuer_key, hashes.SHA256())


def pem(*certs):
    return b"".join(c.public_bytes(serialization.Encoding.PEM) for c in certs)


def main():
    ca_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    ca = build(name("Corp Example Root CA"), ca_key, name("Corp Example Root CA"), ca_key, True)
    for pair, cn, names in (
        ("prod", "pce.corp.example", ["pce.corp.example", "pce-east.corp.example", "pce-west.corp.example"]),
        ("lab", "pce-lab.corp.example", ["pce-lab.corp.example", "pce-lab-a.corp.example"]),
    ):
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        leaf = build(name(cn), key, ca.subject, ca_key, False, names)
        tls = HERE / pair / "tls"
        tls.mkdir(parents=True, exist_ok=True)
        (tls / "server.crt").write_bytes(pem(leaf, ca))
        (tls / "ca-bundle.crt").write_bytes(pem(ca))


if __name__ == "__main__":
    main()
