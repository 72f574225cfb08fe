"""Certificate chains as real CAs build them (issue 14), generated here at fixed dates:
a serverAuth-only intermediate, an expired leaf with a good chain, a CA bundle with one garbage
certificate, a self-issued key-rollover intermediate; PCE404 on every certificate of the file with
the lifetime-relative window; PCE410 on keys that are not RSA."""
from __future__ import annotations

from datetime import datetime, timedelta

from cryptography.x509.oid import ExtendedKeyUsageOID
from helpers import certgen as cg
from helpers.pairkit import CERT, KEY, both, engine_pins, lint_engine, write_pair

ALL = ["pce-a.example.com", "pce-b.example.com", "pce.example.com"]
UTC = cg.UTC
LONG = {"not_before": datetime(2020, 1, 1, tzinfo=UTC), "not_after": datetime(2030, 1, 1, tzinfo=UTC)}


def _line_of(data: bytes, nth: int) -> int:
    """Line of the nth (0-based) PEM block of `data`."""
    index = -1
    for _ in range(nth + 1):
        index = data.index(b"-----BEGIN", index + 1)
    return data.count(b"\n", 0, index) + 1


def _files(leaf, *chain, ca=None):
    root = ca if ca is not None else cg.pki()[0]
    return {"server.crt": cg.pem(leaf, *chain), "server.key": cg.key_pem(cg.rsa_key(0)),
            "ca.pem": cg.pem(root) if not isinstance(root, bytes) else root}


def test_server_auth_only_intermediate_is_named_with_what_it_allows(tmp_path):
    """Like Microsoft's TLS G2 intermediates: the chain builds for a server, not for a client."""
    root, root_key, _, _ = cg.pki()
    inter_key = cg.rsa_key(11)
    inter = cg.issue("TLS G2 Issuing CA", key=inter_key, issuer=(root, root_key), ca=True,
                     eku=[ExtendedKeyUsageOID.SERVER_AUTH], serial=3, **LONG)
    leaf = cg.issue("pce.example.com", ALL, issuer=(inter, inter_key))
    files = _files(leaf, inter)
    result = lint_engine(tmp_path, write_pair(tmp_path, files))
    assert engine_pins(result) == both(CERT, "PCE407")
    finding = result.findings[0]
    line = _line_of(files["server.crt"], 1)
    assert (f"has a chain to the CA bundle 'pces/prod/tls/ca.pem': the intermediate "
            f"'CN=TLS G2 Issuing CA' (certificate 2, line {line}) has an extendedKeyUsage that allows "
            "only 'serverAuth', not 'clientAuth'") in finding.message
    assert "missing intermediates" not in finding.message
    assert finding.related[0].span.line == line


def test_expired_leaf_with_a_good_chain_is_pce404_only(tmp_path):
    """The intermediate was reissued after the leaf expired: no moment has all three valid."""
    root, root_key, _, _ = cg.pki()
    inter_key = cg.rsa_key(11)
    inter = cg.ca_cert("Test Intermediate CA", inter_key, issuer=(root, root_key), serial=7,
                       not_before=datetime(2024, 3, 1, tzinfo=UTC), not_after=datetime(2030, 1, 1, tzinfo=UTC))
    leaf = cg.issue("pce.example.com", ALL, issuer=(inter, inter_key),
                    not_before=datetime(2023, 1, 1, tzinfo=UTC), not_after=datetime(2024, 2, 1, tzinfo=UTC))
    result = lint_engine(tmp_path, write_pair(tmp_path, _files(leaf, inter)))
    assert engine_pins(result) == both(CERT, "PCE404")
    assert all("expired on '2024-02-01 00:00:00 UTC'" in f.message for f in result.findings)


def test_expired_leaf_issued_by_a_current_intermediate_is_pce404_only(tmp_path):
    root, _, inter, inter_key = cg.pki()
    leaf = cg.issue("pce.example.com", ALL, issuer=(inter, inter_key),
                    not_before=datetime(2023, 1, 1, tzinfo=UTC), not_after=datetime(2024, 1, 1, tzinfo=UTC))
    result = lint_engine(tmp_path, write_pair(tmp_path, _files(leaf, inter)))
    assert engine_pins(result) == both(CERT, "PCE404")


def test_ca_bundle_with_one_garbage_certificate_still_checks_the_chain(tmp_path):
    root, _, inter, inter_key = cg.pki()
    leaf = cg.issue("pce.example.com", ALL, issuer=(inter, inter_key))
    garbage = b"-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydGlmaWNhdGU=\n-----END CERTIFICATE-----\n"
    files = _files(leaf, inter, ca=garbage + cg.pem(root))
    result = lint_engine(tmp_path, write_pair(tmp_path, files))
    assert engine_pins(result) == [] and result.skipped == []
    assert [n.message for n in result.notifications] == [
        "The CA bundle 'pces/prod/tls/ca.pem' has a certificate that cannot be parsed (the PEM block "
        "at line 1 is not a valid certificate (bad base64 or DER)); it is left out of the chain "
        "check. Remove or replace it."]
    # and a chain that does not build is still reported
    other = cg.ca_cert("Another Root", cg.rsa_key(12))
    files["ca.pem"] = garbage + cg.pem(other)
    result = lint_engine(tmp_path / "again", write_pair(tmp_path / "again", files))
    assert engine_pins(result) == both(CERT, "PCE407")
    assert "the leaf certificate" not in repr(result.skipped) + repr(result.notifications)


def _rollover():
    """A root re-keyed: the self-issued 'Test Root CA' with the new key, signed by the old one."""
    root, root_key, _, _ = cg.pki()
    new_root_key, inter_key = cg.rsa_key(12), cg.rsa_key(11)
    link = cg.ca_cert("Test Root CA", new_root_key, issuer=(root, root_key), serial=5, **LONG)
    inter = cg.ca_cert("Test Intermediate CA", inter_key, issuer=(link, new_root_key), serial=6, **LONG)
    leaf = cg.issue("pce.example.com", ALL, issuer=(inter, inter_key))
    return root, link, inter, leaf


def test_self_issued_key_rollover_intermediate_builds(tmp_path):
    root, link, inter, leaf = _rollover()
    result = lint_engine(tmp_path, write_pair(tmp_path, _files(leaf, inter, link, ca=root)))
    assert engine_pins(result) == [] and result.notifications == []


def test_missing_key_rollover_link_is_named_not_called_a_missing_name(tmp_path):
    root, _, inter, leaf = _rollover()
    files = _files(leaf, inter, ca=root)
    result = lint_engine(tmp_path, write_pair(tmp_path, files))
    assert engine_pins(result) == both(CERT, "PCE407")
    message = result.findings[0].message
    assert (f"'CN=Test Intermediate CA' (certificate 2, line {_line_of(files['server.crt'], 1)}) is "
            "issued by 'CN=Test Root CA', and a certificate of that name is in the file or the CA "
            "bundle, but its key did not sign it") in message
    assert "self-issued key-rollover certificate" in message
    assert "no certificate in the CA bundle is named" not in message


def test_expired_intermediate_is_pce404_on_its_own_line(tmp_path):
    root, root_key, _, _ = cg.pki()
    inter_key = cg.rsa_key(11)
    inter = cg.ca_cert("Old Intermediate CA", inter_key, issuer=(root, root_key), serial=8,
                       not_before=datetime(2020, 1, 1, tzinfo=UTC), not_after=datetime(2024, 5, 1, tzinfo=UTC))
    leaf = cg.issue("pce.example.com", ALL, issuer=(inter, inter_key))
    files = _files(leaf, inter)
    result = lint_engine(tmp_path, write_pair(tmp_path, files), select=["PCE404"])
    assert engine_pins(result) == both(CERT, "PCE404")
    finding = result.findings[0]
    assert finding.level == "error"
    assert finding.message.startswith(
        f"Certificate 2 in 'pces/prod/tls/server.crt' (line {_line_of(files['server.crt'], 1)}, "
        "'CN=Old Intermediate CA') expired on '2024-05-01 00:00:00 UTC'")
    assert finding.related[0].span.line == _line_of(files["server.crt"], 1)


def test_short_lived_certificate_warns_in_the_last_third_of_its_life(tmp_path):
    """47 days: a third is 15 2/3 days, shorter than warn_days (30)."""
    start = cg.NOW - timedelta(days=30)
    ok = cg.issue("pce.example.com", ALL, not_before=start, not_after=start + timedelta(days=47))
    result = lint_engine(tmp_path / "ok", write_pair(tmp_path / "ok", {"server.crt": cg.pem(ok)}), select=["PCE404"])
    assert engine_pins(result) == []  # 17 days left: inside warn_days, outside a third of the lifetime
    start = cg.NOW - timedelta(days=33)
    soon = cg.issue("pce.example.com", ALL, not_before=start, not_after=start + timedelta(days=47))
    result = lint_engine(tmp_path / "soon", write_pair(tmp_path / "soon", {"server.crt": cg.pem(soon)}),
                  select=["PCE404"])
    assert engine_pins(result) == both(CERT, "PCE404")
    assert {f.level for f in result.findings} == {"warning"}
    assert "in 14 days" in result.findings[0].message


def test_ec_certificate_and_key_are_one_pce410_per_pce(tmp_path):
    key = cg.ec_key()
    leaf = cg.issue("pce.example.com", ALL, key=key)
    result = lint_engine(tmp_path, write_pair(tmp_path, {"server.crt": cg.pem(leaf), "server.key": cg.key_pem(key)}),
                  select=["PCE405", "PCE408", "PCE410"])
    assert engine_pins(result) == both(CERT, "PCE410")


def test_ec_private_key_for_an_rsa_certificate_is_pce410_on_the_key(tmp_path):
    leaf = cg.issue("pce.example.com", ALL)
    spec = write_pair(tmp_path, {"server.crt": cg.pem(leaf), "server.key": cg.key_pem(cg.ec_key())})
    result = lint_engine(tmp_path, spec, select=["PCE410"])
    assert engine_pins(result) == both(KEY, "PCE410")
    assert "is an EC (secp256r1) key; the PCE needs an RSA key" in result.findings[0].message
    assert "PRIVATE KEY-----\n" not in repr(result.findings)
