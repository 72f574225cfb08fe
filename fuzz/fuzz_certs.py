"""Coverage-guided fuzzing of the certificate and private-key reader (atheris).

Contract: `load_bundle(bytes)` returns a `CertBundle` that either holds at least one parsed
certificate or an error reason; `load_key(bytes)` returns a `KeyInfo` whose state is ok, encrypted
or unparseable. Neither raises. Inputs are mutated raw bytes, PEM-wrapped bytes, and (seeded from
fuzz/corpus/certs) real certificates and keys.

    python fuzz/fuzz_certs.py -runs=1000000 -max_len=8192 fuzz/corpus/certs
"""
import base64
import sys

import atheris

with atheris.instrument_imports():
    from pcelint.inputs.tls.parse import CertBundle, KeyInfo, load_bundle, load_key

LIMIT_CHAIN = 50


def TestOneInput(data: bytes) -> None:
    if not data:
        return
    mode, body = data[0] % 3, data[1:]
    if mode == 1:  # wrap as PEM so mutations reach the DER parser through the PEM path
        body = (b"-----BEGIN CERTIFICATE-----\n" + base64.encodebytes(body)
                + b"-----END CERTIFICATE-----\n")
    elif mode == 2:
        body = (b"-----BEGIN PRIVATE KEY-----\n" + base64.encodebytes(body)
                + b"-----END PRIVATE KEY-----\n")
    bundle = load_bundle(body, {}, 10, 1000)
    assert isinstance(bundle, CertBundle)
    assert bundle.error is not None or bundle.certs, "neither certificates nor an error"
    assert bundle.error_line >= 1
    for cert in bundle.certs:
        assert cert.line >= 1
        assert isinstance(cert.dns_names, list)
    key = load_key(body, {})
    assert isinstance(key, KeyInfo)
    assert key.state in ("ok", "encrypted", "unparseable"), key.state
    assert key.line >= 1


if __name__ == "__main__":
    atheris.Setup(sys.argv, TestOneInput)
    atheris.Fuzz()
