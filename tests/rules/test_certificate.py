"""PCE401-PCE409 on generated certificates (fixed dates, judged at certgen.NOW)."""
from __future__ import annotations

import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from cryptography.x509.oid import ExtendedKeyUsageOID
from helpers import certgen as cg
from helpers.pairkit import (
    CERT,
    KEY,
    PAIR,
    PCE_FQDN,
    VIP,
    at,
    both,
    engine_pins,
    lint_engine,
    write_pair,
)
from helpers.paths import ROOT

from pcelint import inputs
from pcelint.core.findings import Location
from pcelint.core.model import PairOptions, Placed
from pcelint.inputs.tls import parse as certs

ALL = ["pce-a.example.com", "pce-b.example.com", "pce.example.com"]


def good_files(dns=ALL, **kw):
    """A leaf issued by an intermediate, with the root in the CA bundle, and the leaf's key."""
    root, _, inter, inter_key = cg.pki()
    leaf = cg.issue("pce.example.com", dns, issuer=(inter, inter_key), **kw)
    return {"server.crt": cg.pem(leaf, inter), "server.key": cg.key_pem(cg.rsa_key(0)),
            "ca.pem": cg.pem(root)}


def findings(result, code):
    return [f for f in result.findings if f.code == code]


def test_clean_pair_passes_every_certificate_rule(tmp_path):
    result = lint_engine(tmp_path, write_pair(tmp_path, good_files()))
    assert engine_pins(result) == []
    assert result.skipped == []
    assert result.notifications == []


def test_wildcard_that_covers_all_three_names_passes(tmp_path):
    result = lint_engine(tmp_path, write_pair(tmp_path, good_files(["*.example.com"])))
    assert engine_pins(result) == []


def test_missing_standby_name_points_at_the_standby_pce_fqdn(tmp_path):
    spec = write_pair(tmp_path, good_files(["pce-a.example.com", "pce.example.com"]))
    result = lint_engine(tmp_path, spec)
    assert engine_pins(result) == [at("standby", "core0", PCE_FQDN, "PCE402")]
    finding = result.findings[0]
    assert "'pce-b.example.com', the standby PCE's 'pce_fqdn'" in finding.message
    assert "Add 'DNS:pce-b.example.com'" in finding.message
    assert "used by both PCEs" in finding.message
    assert [(r.path, r.span.line) for r in finding.related] == [(f"{PAIR}/tls/server.crt", 1)]


def test_each_missing_name_is_its_own_finding(tmp_path):
    result = lint_engine(tmp_path, write_pair(tmp_path, good_files(["other.example.net"])))
    assert engine_pins(result) == sorted([at("active", "core0", PCE_FQDN, "PCE402"),
                                   at("active", "core0", VIP, "PCE402"),
                                   at("standby", "core0", PCE_FQDN, "PCE402")])
    assert len({f.fingerprint for f in result.findings}) == 3


def test_name_only_in_the_cn_is_said(tmp_path):
    spec = write_pair(tmp_path, good_files(["pce-a.example.com", "pce-b.example.com"]))
    result = lint_engine(tmp_path, spec)
    assert engine_pins(result) == [at("active", "core0", VIP, "PCE402")]
    assert "only in the subject CN" in result.findings[0].message


def test_wildcard_covers_one_label_only(tmp_path):
    spec = write_pair(tmp_path, good_files(["*.example.com"]), active="pce-a.dc1.example.com",
                      standby="pce-b.dc2.example.com")
    result = lint_engine(tmp_path, spec)
    assert engine_pins(result) == sorted([at("active", "core0", PCE_FQDN, "PCE402"),
                                   at("standby", "core0", PCE_FQDN, "PCE402")])


def test_wildcard_does_not_cover_the_bare_parent(tmp_path):
    spec = write_pair(tmp_path, good_files(["*.example.com", "pce-a.example.com",
                                            "pce-b.example.com"]), vip="example.com")
    assert engine_pins(lint_engine(tmp_path, spec)) == [at("active", "core0", VIP, "PCE402")]


def test_case_and_trailing_dot_differences_pass(tmp_path):
    spec = write_pair(tmp_path, good_files(["PCE-A.example.COM", "pce-b.example.com",
                                            "pce.example.com"]),
                      active="pce-a.EXAMPLE.com.", standby="Pce-B.Example.Com", vip="pce.example.com.")
    assert engine_pins(lint_engine(tmp_path, spec)) == []


def test_extra_name_without_config_line_is_anchored_on_the_certificate_line(tmp_path):
    options = PairOptions(extra_names=[Placed("lb.example.com")])
    spec = write_pair(tmp_path, good_files(), options=options)
    result = lint_engine(tmp_path, spec)
    assert engine_pins(result) == [at("active", "core0", CERT, "PCE402")]
    assert "an extra name from --extra-name" in result.findings[0].message


def test_extra_name_from_config_is_anchored_on_the_config_line(tmp_path):
    from pcelint.core.findings import Span
    where = Location(".pcelint.yml", Span(6, 20, 6, 34), ("pairs", 0, "extra_names", 0))
    spec = write_pair(tmp_path, good_files(), options=PairOptions(
        extra_names=[Placed("lb.example.com", where)]))
    assert engine_pins(lint_engine(tmp_path, spec)) == [(".pcelint.yml", 6, 20, "PCE402")]


@pytest.mark.parametrize("not_before, not_after, level, words", [
    (datetime(2023, 1, 1, tzinfo=cg.UTC), datetime(2024, 1, 1, tzinfo=cg.UTC), "error", "expired on"),
    (datetime(2024, 7, 1, tzinfo=cg.UTC), datetime(2025, 7, 1, tzinfo=cg.UTC), "error", "not valid yet"),
    (datetime(2024, 1, 1, tzinfo=cg.UTC), cg.NOW + timedelta(days=10), "warning", "in 10 days"),
])
def test_validity_is_judged_at_now(tmp_path, not_before, not_after, level, words):
    spec = write_pair(tmp_path, good_files(not_before=not_before, not_after=not_after))
    result = lint_engine(tmp_path, spec)
    assert engine_pins(result) == both(CERT, "PCE404")
    assert {f.level for f in result.findings} == {level}
    assert all(words in f.message for f in result.findings)


def test_validity_options_warn_days_and_soon_level(tmp_path):
    spec = write_pair(tmp_path, good_files(not_after=cg.NOW + timedelta(days=40)))
    assert engine_pins(lint_engine(tmp_path, spec)) == []
    result = lint_engine(tmp_path, spec, rule_options={"PCE404": {"warn_days": 45, "soon_level": "note"}})
    assert engine_pins(result) == both(CERT, "PCE404")
    assert {f.level for f in result.findings} == {"note"}


def test_key_that_does_not_match(tmp_path):
    files = good_files()
    files["server.key"] = cg.key_pem(cg.rsa_key(1))
    result = lint_engine(tmp_path, write_pair(tmp_path, files))
    assert engine_pins(result) == both(KEY, "PCE405")
    assert "does not belong to the certificate" in result.findings[0].message
    assert (result.findings[0].related[0].path, result.findings[0].related[0].span.line) == \
        (f"{PAIR}/tls/server.key", 1)


def test_encrypted_key_outside_a_work_tree_is_a_finding(tmp_path):
    files = good_files()
    files["server.key"] = cg.key_pem(cg.rsa_key(0), b"s3cret-pass")
    result = lint_engine(tmp_path, write_pair(tmp_path, files))
    assert engine_pins(result) == both(KEY, "PCE405")
    assert "encrypted" in result.findings[0].message


def test_encrypted_key_inside_a_work_tree_skips_the_match(tmp_path):
    files = good_files()
    files["server.key"] = cg.key_pem(cg.rsa_key(0), b"s3cret-pass")
    result = lint_engine(tmp_path, write_pair(tmp_path, files), repo_root=tmp_path)
    assert engine_pins(result) == []
    assert [(s.code, "encrypted" in s.reason) for s in result.skipped] == [("PCE405", True)]


def test_unparseable_key_and_missing_key(tmp_path):
    files = good_files()
    files["server.key"] = b"-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n"
    result = lint_engine(tmp_path, write_pair(tmp_path, files))
    assert engine_pins(result) == both(KEY, "PCE405")
    assert "cannot be parsed" in result.findings[0].message
    del files["server.key"]
    other = tmp_path / "other"
    result = lint_engine(other, write_pair(other, files))
    assert engine_pins(result) == []
    assert [s.code for s in result.skipped] == ["PCE405", "PCE405"]  # one per PCE
    assert "was not found; looked in 'pces/prod/active/server.key'" in result.skipped[0].reason
    assert "was not found; looked in 'pces/prod/standby/server.key'" in result.skipped[1].reason


def test_server_auth_only(tmp_path):
    spec = write_pair(tmp_path, good_files(eku=[ExtendedKeyUsageOID.SERVER_AUTH]))
    result = lint_engine(tmp_path, spec)
    assert engine_pins(result) == both(CERT, "PCE406")
    assert "without 'clientAuth'" in result.findings[0].message


def test_ca_true_leaf(tmp_path):
    result = lint_engine(tmp_path, write_pair(tmp_path, good_files(ca=True)))
    assert engine_pins(result) == both(CERT, "PCE406")
    assert "CA:TRUE" in result.findings[0].message


def test_out_of_order_bundle(tmp_path):
    root, _, inter, inter_key = cg.pki()
    leaf = cg.issue("pce", ALL, issuer=(inter, inter_key))
    files = good_files()
    files["server.crt"] = cg.pem(leaf, root, inter)
    result = lint_engine(tmp_path, write_pair(tmp_path, files))
    assert engine_pins(result) == both(CERT, "PCE407")
    finding = result.findings[0]
    assert "out of order: certificate 1" in finding.message
    assert finding.related[0].span.line == 1


def test_chain_that_does_not_build_to_the_ca_bundle(tmp_path):
    files = good_files()
    files["ca.pem"] = cg.pem(cg.ca_cert("Another Root", cg.rsa_key(12)))
    result = lint_engine(tmp_path, write_pair(tmp_path, files))
    assert engine_pins(result) == both(CERT, "PCE407")
    assert "does not build a chain to the CA bundle 'pces/prod/tls/ca.pem'" in result.findings[0].message
    line = files["server.crt"].count(b"\n", 0, files["server.crt"].rindex(b"-----BEGIN")) + 1
    assert (f"no certificate in the file or the CA bundle issued 'CN=Test Intermediate CA' "
            f"(certificate 2, line {line}): its issuer 'CN=Test Root CA' is missing. Add the "
            "certificate of 'CN=Test Root CA' to the CA bundle") in result.findings[0].message
    assert result.findings[0].related[0].span.line == line  # the intermediate's PEM block


def test_missing_ca_bundle_only_skips_the_chain_check(tmp_path):
    files = good_files()
    del files["ca.pem"]
    result = lint_engine(tmp_path, write_pair(tmp_path, files))
    assert engine_pins(result) == []
    assert [s.code for s in result.skipped] == ["PCE407", "PCE407"]  # one per PCE
    assert "the CA bundle of 'pces/prod/active/core0.yml' was not found" in result.skipped[0].reason


def test_rsa_1024(tmp_path):
    leaf = cg.issue("pce", ALL, key=cg.rsa_key(0, 1024))
    files = {"server.crt": cg.pem(leaf), "server.key": cg.key_pem(cg.rsa_key(0, 1024))}
    result = lint_engine(tmp_path, write_pair(tmp_path, files), select=["PCE408"])
    assert engine_pins(result) == both(CERT, "PCE408")
    assert "1024-bit RSA key" in result.findings[0].message


def test_ec_key_is_pce410_and_sha1_signature_pce408(tmp_path):
    ec_leaf = cg.issue("pce", ALL, key=cg.ec_key())
    sha1 = cg.sha1_signed(cg.issue("pce", ALL), cg.rsa_key(0))
    spec = write_pair(tmp_path, {"ec.crt": cg.pem(ec_leaf), "sha1.crt": cg.pem(sha1)},
                      node=lambda role, name: {"cert": "ec.crt" if role == "active" else "sha1.crt"})
    result = lint_engine(tmp_path, spec, select=["PCE408", "PCE410"])
    assert engine_pins(result) == [at("active", "core0", CERT, "PCE410"), at("standby", "core0", CERT, "PCE408")]
    by_code = {f.code: f.message for f in result.findings}
    assert "has an EC (secp256r1) key; the PCE needs an RSA key" in by_code["PCE410"]
    assert "signed with SHA1" in by_code["PCE408"]


def test_san_values_that_match_nothing(tmp_path):
    spec = write_pair(tmp_path, good_files(ALL + ["*.com", "f*o.example.com", "pce.example.com."]))
    result = lint_engine(tmp_path, spec)
    assert engine_pins(result) == sorted(both(CERT, "PCE409") * 3)
    assert sorted({f.message.split("'")[3] for f in result.findings}) == \
        ["*.com", "f*o.example.com", "pce.example.com."]


@pytest.mark.parametrize("data, words", [
    (b"\x00\x01garbage\xff" * 20, "not a DER certificate either"),
    (b"", "the file is empty"),
    (None, "has no END line (the file is truncated)"),
    (b"-----BEGIN CERTIFICATE-----\nnot base64!\n-----END CERTIFICATE-----\n",
     "is not a valid certificate"),
    (b"broken", "not a DER certificate"),
    ("broken-extension", "cannot be parsed: its extensions"),
    ("key", "looks like the private key"),
])
def test_broken_certificate_files_are_pce401_never_a_traceback(tmp_path, data, words):
    if data is None:
        data = cg.pem(cg.issue("pce", ALL))[:300]
    elif data == "broken-extension":
        data = cg.pem(cg.issue("pce", (), extensions=[cg.broken_extension()]))
    elif data == "key":
        data = cg.key_pem(cg.rsa_key(0))
    files = good_files()
    files["server.crt"] = data
    result = lint_engine(tmp_path, write_pair(tmp_path, files), select=["PCE4"])
    assert engine_pins(result) == both(CERT, "PCE401")
    assert words in result.findings[0].message
    assert not result.crashed and result.notifications == []
    assert {s.code for s in result.skipped} == {"PCE402", "PCE404", "PCE405", "PCE406", "PCE407",
                                               "PCE408", "PCE409", "PCE410"}
    assert "BEGIN PRIVATE KEY" not in repr(result.findings)


def test_der_certificate_is_accepted(tmp_path):
    files = good_files()
    root, _, inter, inter_key = cg.pki()
    files["server.crt"] = cg.der(cg.issue("pce", ALL, issuer=(root, cg.rsa_key(10))))
    assert engine_pins(lint_engine(tmp_path, write_pair(tmp_path, files))) == []


def test_certificate_not_found_lists_every_place_looked(tmp_path):
    files = good_files()
    del files["server.crt"]
    result = lint_engine(tmp_path, write_pair(tmp_path, files))
    assert engine_pins(result) == both(CERT, "PCE401")
    message = result.findings[0].message
    for place in ("pces/prod/active/server.crt", "pces/prod/server.crt",
                  "pces/prod/certs/server.crt", "pces/prod/tls/server.crt",
                  "/var/lib/illumio-pce/cert/server.crt"):
        assert f"'{place}'" in message


def test_file_next_to_the_node_file_comes_before_the_pair_folder(tmp_path):
    spec = write_pair(tmp_path, good_files())
    expired = cg.issue("pce", ALL, not_after=datetime(2024, 2, 1, tzinfo=cg.UTC))
    (tmp_path / PAIR / "standby" / "server.crt").write_bytes(cg.pem(expired))
    result = lint_engine(tmp_path, spec)
    assert at("standby", "core0", CERT, "PCE404") in engine_pins(result)
    assert at("active", "core0", CERT, "PCE404") not in engine_pins(result)


def test_config_certificate_overrides_the_node_file(tmp_path):
    spec = write_pair(tmp_path, good_files())
    missing = tmp_path / "elsewhere.crt"
    spec.options = PairOptions(certificate=str(missing))
    result = lint_engine(tmp_path, spec)
    assert engine_pins(result) == both(CERT, "PCE401")
    assert "given by 'certificate' (--cert) does not exist" in result.findings[0].message


def test_two_nodes_of_one_pce_with_different_certificates(tmp_path):
    files = good_files()
    files["core1.crt"] = cg.pem(cg.issue("pce", ALL, serial=77))
    spec = write_pair(tmp_path, files, node=lambda role, name: {"cert": "core1.crt"}
                      if (role, name) == ("active", "core1") else {})
    result = lint_engine(tmp_path, spec, select=["PCE403"])
    assert engine_pins(result) == [at("active", "core1", CERT, "PCE403")]
    assert result.findings[0].related[0].path == f"{PAIR}/active/core0.yml"


def test_two_nodes_of_one_pce_with_different_keys(tmp_path):
    files = good_files()
    files["other.key"] = cg.key_pem(cg.rsa_key(1))
    spec = write_pair(tmp_path, files, node=lambda role, name: {"key": "other.key"}
                      if (role, name) == ("standby", "data1") else {})
    result = lint_engine(tmp_path, spec, select=["PCE403", "PCE405"])
    assert engine_pins(result) == [at("standby", "data1", KEY, "PCE403"),
                            at("standby", "data1", KEY, "PCE405")]


def test_each_file_is_parsed_once_per_content(tmp_path, monkeypatch):
    calls = []
    real = certs._parse_bundle
    monkeypatch.setattr(certs, "_parse_bundle", lambda data, sha, *limits: calls.append(sha) or real(data, sha, *limits))
    cache = {}
    files = good_files()
    first, second = tmp_path / "one", tmp_path / "two"
    lint_engine(first, write_pair(first, files), cache=cache)
    lint_engine(second, write_pair(second, files), cache=cache)
    assert len(calls) == 2  # server.crt and ca.pem, each once for 16 node files in two pairs
    assert not set(inputs.UNIT_KEYS) & cache.keys()  # the bytes read: dropped after each unit


def _held_bytes(value, seen=None) -> list:
    """Every bytes object reachable from the cache's containers (not through parsed objects)."""
    seen = set() if seen is None else seen
    if id(value) in seen:
        return []
    seen.add(id(value))
    if isinstance(value, bytes):
        return [value]
    if isinstance(value, dict):
        return [b for k, v in value.items() for x in (k, v) for b in _held_bytes(x, seen)]
    if isinstance(value, (list, tuple)):
        return [b for x in value for b in _held_bytes(x, seen)]
    return []


def test_the_certificate_cache_keeps_nothing_of_a_unit_after_the_next_one(tmp_path, monkeypatch):
    """A worker lints thousands of units with one cache: it holds no file of unit N once unit
    N+1 is linted, parsed certificates stay within a fixed bound, and what every unit shares (the
    root CA bundle) is still parsed once. Findings are those of a fresh cache per unit."""
    cache, shared, units, fresh = {}, [], [], []
    for n in range(5):  # each pair its own leaf, one with a finding (PCE402), one CA bundle
        files = good_files(ALL if n != 2 else ALL[:2], serial=100 + n)
        root = tmp_path / f"fleet{n}"
        units.append((root, write_pair(root, files), files))
        fresh.append(lint_engine(root, units[-1][1], cache={}))
        shared = files["ca.pem"]
    monkeypatch.setattr(certs, "PARSED_BOUND", 3, raising=False)
    parsed = []
    real = certs._parse_bundle
    monkeypatch.setattr(certs, "_parse_bundle",
                        lambda data, sha, *limits: parsed.append(data) or real(data, sha, *limits))
    for n, (root, spec, files) in enumerate(units):
        with_cache, alone = lint_engine(root, spec, cache=cache), fresh[n]
        assert engine_pins(with_cache) == engine_pins(alone)
        assert [f.message for f in with_cache.findings] == [f.message for f in alone.findings]
        assert (with_cache.skipped, with_cache.notifications) == (alone.skipped, alone.notifications)
        if n:
            held = _held_bytes(cache)
            assert not [b for b in held for name in ("server.crt", "server.key")
                        if b == units[n - 1][2][name]]
        assert all(len(table) <= 3 for key, table in cache.items() if key.startswith("certs."))
    assert engine_pins(lint_engine(*units[2][:2], cache=cache)) == [
        at("active", "core0", VIP, "PCE402")]  # the vip is not covered: found with the cache too
    assert parsed.count(shared) == 1  # used by every unit: never the least recent one


def test_chain_verdicts_are_bounded_and_a_shared_one_stays(monkeypatch):
    from pcelint.inputs.bounded import Bounded

    verdicts = Bounded(2)
    monkeypatch.setattr(certs, "_VERIFIED", verdicts)
    computed = []
    for key in ("shared", "a", "shared", "b", "shared", "c"):  # e.g. one CA bundle, many leaves
        certs._memo(key, lambda key=key: computed.append(key) or key)
    assert computed == ["shared", "a", "b", "c"]  # the least recently used one goes
    verdicts.clear()
    root, _, inter, inter_key = cg.pki()
    ca = certs.load_bundle(cg.pem(root), {})
    for serial in range(1, 5):
        bundle = certs.load_bundle(cg.pem(cg.issue("pce", ALL, issuer=(inter, inter_key),
                                                   serial=serial), inter), {})
        assert certs.chain_problem(bundle, ca, cg.NOW) is None
    assert len(verdicts) == 2


def test_each_file_of_a_unit_is_read_and_hashed_once(tmp_path, monkeypatch):
    """Eight node files name the same three files: each is read and hashed once, by the
    certificate input; PCE201's file digests take the certificate and key from that read."""
    import hashlib
    from types import SimpleNamespace

    from pcelint.inputs import digests

    hashed, read = [], []
    real_sha, real_read = hashlib.sha256, certs.read_regular
    monkeypatch.setattr(digests, "hashlib", SimpleNamespace(
        sha256=lambda data: hashed.append(data) or real_sha(data)))
    for module in (certs, digests):
        monkeypatch.setattr(module, "read_regular", lambda path, limit: read.append(
            Path(path).name) or real_read(path, limit))
    files = good_files()
    cache: dict = {}
    result = lint_engine(tmp_path, write_pair(tmp_path, files), cache=cache,
                         select=("PCE4", "PCE201"))  # (PCE201: the file digests)
    assert engine_pins(result) == []
    assert sorted(hashed) == sorted(files.values())
    assert sorted(read) == sorted(files)
    assert not any(key.startswith("certs.digests") for key in cache)  # dropped with the unit


def test_file_digests_hash_the_state_only_while_recording(tmp_path, monkeypatch):
    from pcelint.inputs import trace

    states = []
    real = trace.data_state
    monkeypatch.setattr(trace, "data_state", lambda data: states.append(data) or real(data))
    files = good_files()
    spec = write_pair(tmp_path, files)
    lint_engine(tmp_path, spec, select=["PCE201"])
    assert states == []  # no result cache: nothing to record, nothing hashed for it
    monkeypatch.setattr(trace, "ACTIVE", [])
    lint_engine(tmp_path, spec, select=["PCE201"])
    reads = {(path.rsplit("/", 1)[1], state) for kind, path, _, state, *_ in
             (r + (None,) * 3 for r in trace.ACTIVE) if kind == "read" and "/tls/" in path}
    assert reads == {(name, real(files[name])) for name in ("server.crt", "server.key")}


def test_each_signature_is_checked_once_per_certificate_and_issuer(monkeypatch):
    from pcelint.inputs.bounded import Bounded

    monkeypatch.setattr(certs, "_VERIFIED", Bounded(64))
    real, checked = certs._signature, []
    monkeypatch.setattr(certs, "_signature", lambda cert, issuer: checked.append(
        (cert.subject, issuer.subject)) or real(cert, issuer))
    root, _, inter, inter_key = cg.pki()
    ca = certs.load_bundle(cg.pem(root), {})
    leaves = []
    for serial in (1, 2):  # a fleet: leaves of their own under one intermediate and root
        bundle = certs.load_bundle(cg.pem(cg.issue(f"pce{serial}", ALL, issuer=(inter, inter_key),
                                                   serial=serial), inter), {})
        leaves.append(bundle)
        assert certs.order_problem(bundle) is None  # leaf -> intermediate, in file order
        assert certs.chain_problem(bundle, ca, cg.NOW) is None  # the verifier: the same, -> root
    # the order checks verified each leaf -> intermediate; the verifier's chain gave
    # intermediate -> root (it checked each signature of the chain it built)
    assert checked == [("CN=pce1", "CN=Test Intermediate CA"),
                       ("CN=pce2", "CN=Test Intermediate CA")]
    assert certs.signed_by(leaves[0].certs[1], ca.certs[0]) == certs.SIGNED
    checked.clear()
    for serial in (3, 4):  # as PCE407 asks: the chain first, then the order
        bundle = certs.load_bundle(cg.pem(cg.issue(f"pce{serial}", ALL, issuer=(inter, inter_key),
                                                   serial=serial), inter), {})
        assert certs.chain_problem(bundle, ca, cg.NOW) is None
        assert certs.order_problem(bundle) is None
        assert certs.signed_by(bundle.certs[0], bundle.certs[1]) == certs.SIGNED
    assert checked == []  # every signature the order check needs came from the verifier's chain
    wrong = certs.load_bundle(cg.pem(inter, leaves[0].certs[0].obj), {})  # out of order
    assert certs.order_problem(wrong) == (wrong.certs[0], wrong.certs[1])
    assert certs.signed_by(wrong.certs[0], wrong.certs[1]) == certs.NAME_DIFFERS
    forged = cg.issue("pce1", ALL, issuer=(inter, cg.rsa_key(12)), serial=1)  # wrong key
    bad = certs.load_bundle(cg.pem(forged, inter), {})
    assert certs.signed_by(bad.certs[0], bad.certs[1]) == certs.BAD_SIGNATURE
    assert certs.order_problem(bad) == (bad.certs[0], bad.certs[1])


def test_private_key_material_never_appears(tmp_path):
    files = good_files()
    key = files["server.key"] = cg.key_pem(cg.rsa_key(1))
    result = lint_engine(tmp_path, write_pair(tmp_path, files))
    body = key.decode().splitlines()[1][:20]
    assert body not in repr(result.findings) + repr(result.skipped)


def test_cryptography_is_imported_only_when_a_certificate_rule_runs(tmp_path):
    write_pair(tmp_path, good_files())
    code = ("import sys, pcelint.rules, pcelint.inputs\n"
            "from pcelint.cli import main\n"
            "main(['check', '.', '--select', 'PCE1,PCE2,PCE3', '--jobs', '1', '--format', 'json'])\n"
            "print('cryptography' in sys.modules, file=sys.stderr)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path,
                         env={**__import__("os").environ, "PYTHONPATH": str(ROOT)})
    assert out.stderr.strip().splitlines()[-1] == "False", out.stderr


def test_every_certificate_rule_documents_itself():
    from pcelint.rules import certificate
    for r in certificate.RULES:
        for section in ("What it does", "Why it matters", "Example", "Fix", "Options"):
            assert r.section(section), (r.code, section)
        assert "Would fail" in r.section("Example") and "Would pass" in r.section("Example")
        for option in r.options:
            assert f"`{option}`" in r.section("Options"), (r.code, option)


def test_mutated_certificates_never_raise(tmp_path):
    import random
    rng = random.Random(9525)
    good = bytearray(cg.der(cg.issue("pce", ALL, issuer=cg.pki()[2:])))
    outcomes = set()
    for _ in range(300):
        data = bytearray(good)
        for _ in range(rng.randint(1, 4)):
            data[rng.randrange(len(data))] = rng.randrange(256)
        bundle = certs.load_bundle(bytes(data), {})  # must not raise
        outcomes.add(bundle.error is None)
        if bundle.leaf is not None:
            certs.order_problem(bundle)
            certs.chain_problem(bundle, certs.load_bundle(cg.pem(cg.pki()[0]), {}), cg.NOW)
    assert outcomes == {True, False}
    data = bytearray(good)
    data[len(data) // 3] ^= 0xFF
    files = {"server.crt": bytes(data)}
    result = lint_engine(tmp_path, write_pair(tmp_path, files))
    assert not result.crashed and result.notifications == []


def test_node_files_that_name_no_certificate_skip_the_rules(tmp_path):
    spec = write_pair(tmp_path, good_files())
    for path in spec.active + spec.standby:
        path.write_text("\n".join(l for l in path.read_text().splitlines()
                                  if not l.startswith("web_service_certificate")) + "\n")
    result = lint_engine(tmp_path, spec, select=["PCE401", "PCE402"])
    assert engine_pins(result) == []
    assert {s.code for s in result.skipped} == {"PCE401", "PCE402"}
    assert all("no web_service_certificate" in s.reason for s in result.skipped)


def test_supercluster_fqdn_must_be_covered(tmp_path):
    spec = write_pair(tmp_path, good_files())
    first = spec.active[0]
    first.write_text(first.read_text() + "supercluster_fqdn: sc.example.org\n")
    result = lint_engine(tmp_path, spec)
    assert engine_pins(result) == [at("active", "core0", (8, 20), "PCE402")]
    assert "the active PCE's 'supercluster_fqdn'" in result.findings[0].message


# --- end to end, through the command line ----------------------------------------------------

def run_cli(monkeypatch, capsys, root, *argv):
    from pcelint.cli import main
    monkeypatch.chdir(root)
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def json_pins(out: str) -> list[tuple]:
    import json
    return sorted((f["path"], f["line"], f["column"], f["code"]) for f in json.loads(out)["findings"])


def test_cli_check_says_which_name_is_missing_where_and_what_to_add(tmp_path, monkeypatch, capsys):
    write_pair(tmp_path, good_files(["pce-a.example.com", "pce.example.com"]))
    code, out, err = run_cli(monkeypatch, capsys, tmp_path, "check", ".", "--now",
                             "2024-06-01T00:00:00Z", "--color", "never")
    assert code == 1
    assert ("pces/prod/standby/core0.yml:1:11: PCE402 error: The certificate "
            "'pces/prod/tls/server.crt' used by both PCEs does not cover 'pce-b.example.com', the "
            "standby PCE's 'pce_fqdn'") in out
    assert "Add 'DNS:pce-b.example.com'" in out
    assert "related: pces/prod/tls/server.crt:1:1" in out


def test_cli_check_clean_wildcard_pair_passes(tmp_path, monkeypatch, capsys):
    write_pair(tmp_path, good_files(["*.example.com"]))
    code, out, err = run_cli(monkeypatch, capsys, tmp_path, "check", ".", "--now",
                             "2024-06-01T00:00:00Z", "--format", "json", "--select", "PCE4")
    assert json_pins(out) == []
    assert code == 0, err


@pytest.mark.parametrize("data", [b"\x30\x82\xff\xff" + b"\x00" * 64, b"-----BEGIN CERTIFICATE-----\nMII",
                                  "broken-extension"])
def test_cli_broken_certificate_is_a_finding_never_a_traceback(tmp_path, monkeypatch, capsys, data):
    if data == "broken-extension":
        data = cg.pem(cg.issue("pce", (), extensions=[cg.broken_extension()]))
    files = good_files()
    files["server.crt"] = data
    write_pair(tmp_path, files)
    code, out, err = run_cli(monkeypatch, capsys, tmp_path, "check", ".", "--now",
                             "2024-06-01T00:00:00Z", "--format", "json", "--select", "PCE4")
    assert json_pins(out) == both(CERT, "PCE401")
    assert code == 1
    assert "Traceback" not in err and "internal error" not in err


def test_cli_pair_with_cert_key_and_extra_name_flags(tmp_path, monkeypatch, capsys):
    write_pair(tmp_path, {})
    files = good_files()
    (tmp_path / "audit").mkdir()
    for name, data in files.items():
        (tmp_path / "audit" / name).write_bytes(data)
    code, out, err = run_cli(
        monkeypatch, capsys, tmp_path, "pair", "--active", "pces/prod/active", "--standby",
        "pces/prod/standby", "--cert", "audit/server.crt", "--key", "audit/server.key",
        "--ca-bundle", "audit/ca.pem", "--extra-name", "lb.example.com", "--now",
        "2024-06-01T00:00:00Z", "--format", "json", "--select", "PCE4")
    assert json_pins(out) == [at("active", "core0", CERT, "PCE402")]
    assert code == 1


def test_cli_config_extra_name_is_anchored_on_its_config_line(tmp_path, monkeypatch, capsys):
    write_pair(tmp_path, good_files())
    (tmp_path / ".pcelint.yml").write_text(
        "pairs:\n"
        "  - name: prod\n"
        "    active: ['pces/prod/active/*.yml']\n"
        "    standby: ['pces/prod/standby/*.yml']\n"
        "    extra_names: [lb.example.com]\n", encoding="utf-8")
    code, out, err = run_cli(monkeypatch, capsys, tmp_path, "check", "--now",
                             "2024-06-01T00:00:00Z", "--format", "json", "--select", "PCE4")
    assert json_pins(out) == [(".pcelint.yml", 5, 19, "PCE402")], err


def test_active_and_standby_with_different_certificates_are_each_checked(tmp_path):
    files = good_files()
    files["standby.crt"] = cg.pem(cg.issue("pce", ["pce-a.example.com", "pce-b.example.com"]))
    spec = write_pair(tmp_path, files, node=lambda role, name: {"cert": "standby.crt"}
                      if role == "standby" else {})
    result = lint_engine(tmp_path, spec, select=["PCE402"])
    assert engine_pins(result) == [at("active", "core0", VIP, "PCE402")]
    assert "'pces/prod/tls/standby.crt' used by the standby PCE" in result.findings[0].message


def test_unreadable_certificate_file_is_pce401(tmp_path):
    spec = write_pair(tmp_path, good_files())
    path = tmp_path / PAIR / "tls" / "server.crt"
    path.write_bytes(b"x" * (2 * 1024 * 1024))
    result = lint_engine(tmp_path, spec, select=["PCE401"])
    assert engine_pins(result) == both(CERT, "PCE401")
    assert "larger than 1048576 bytes" in result.findings[0].message


def test_each_file_is_located_once_per_node_and_kind(tmp_path, monkeypatch):
    """The certificate input and PCE201's file digests ask where the same files are: each (kind,
    node file) of a unit is located once, and the answers are gone when the unit's inputs are
    prepared."""
    from pcelint.inputs.tls import locate as where

    calls = []
    real = where.locate
    monkeypatch.setattr(where, "locate", lambda kind, node, *a, **k: calls.append(
        (kind, node.rel)) or real(kind, node, *a, **k))
    cache: dict = {}
    result = lint_engine(tmp_path, write_pair(tmp_path, good_files()), select=("PCE4", "PCE201"),
                         cache=cache)
    assert engine_pins(result) == []
    nodes = {rel for _, rel in calls}
    expected = sorted((kind, node) for kind in ("cert", "key", "ca") for node in nodes)
    assert len(nodes) >= 2 and sorted(calls) == expected, calls
    assert "certs.located" not in cache
