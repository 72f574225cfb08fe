"""Write private-key seeds for fuzz_certs.py into fuzz/seeds/certs/ (git-ignored).

Keys are never committed; run this once before fuzzing the certificate reader:

    python fuzz/make_key_seeds.py
"""
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa

SEEDS = Path(__file__).parent / "seeds" / "certs"


def main():
    SEEDS.mkdir(parents=True, exist_ok=True)
    pem = serialization.Encoding.PEM
    plain = serialization.NoEncryption()
    (SEEDS / "ec.key").write_bytes(ec.generate_private_key(ec.SECP256R1()).private_bytes(
        pem, serialization.PrivateFormat.PKCS8, plain))
    (SEEDS / "rsa-encrypted.key").write_bytes(
        rsa.generate_private_key(public_exponent=65537, key_size=1024).private_bytes(
            pem, serialization.PrivateFormat.PKCS8,
            serialization.BestAvailableEncryption(b"fuzz-seed")))


if __name__ == "__main__":
    main()
