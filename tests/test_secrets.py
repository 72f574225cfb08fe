"""Secrets never leave pcelint: every report format, on stdout and through --output, on a pair
whose node files hold service_discovery_encryption_key values (also where findings point at
them: a duplicate key, a tagged value that cannot be read, a wrong type) and whose key file holds
a private key. Neither value appears in stdout, stderr, the report file or any exception text."""
from __future__ import annotations

import re

import pytest
from helpers import certgen as cg
from helpers.cli import run_cli
from helpers.pairkit import write_pair

SECRETS = ["S3cr3tEncKeyCore0", "S3cr3tEncKeyDupFirst", "S3cr3tEncKeyDupSecond", "S3cr3tEncKeyTagged",
           "S3cr3tEncKeyInList", "S3cr3tPasswordValue"]
EXTRA = {  # node -> lines appended to its runtime_env file
    "core0": "service_discovery_encryption_key: S3cr3tEncKeyCore0\n",
    "core1": "service_discovery_encryption_key: S3cr3tEncKeyDupFirst\n"
             "service_discovery_encryption_key: S3cr3tEncKeyDupSecond\n",
    "data1": "service_discovery_encryption_key: [S3cr3tEncKeyInList]\n"
             "db_password: {S3cr3tPasswordValue: 1}\n",
}
FORMATS = ("text", "json", "sarif", "github")


@pytest.fixture
def leaky(tmp_path):
    key = cg.rsa_key(3)  # not the certificate's key: PCE405 reports the mismatch
    key_pem = cg.key_pem(key)
    cert = cg.pem(cg.issue(dns=["pce-a.example.com", "pce-b.example.com", "pce.example.com"]))
    write_pair(tmp_path, {"server.crt": cert, "server.key": key_pem, "ca.pem": cert})
    for role in ("active", "standby"):
        for node, extra in EXTRA.items():
            path = tmp_path / "pces/prod" / role / f"{node}.yml"
            path.write_text(path.read_text() + extra)
    # a value that cannot be read (PCE001) makes the file unloadable: a lone file, so the pair
    # rules still run on the pair
    (tmp_path / "lone").mkdir()
    (tmp_path / "lone/runtime_env.yml").write_text(
        "pce_fqdn: pce.example.com\nservice_discovery_encryption_key: !!int S3cr3tEncKeyTagged\n")
    # the private key also where a certificate is expected (PCE401 names it as a key)
    (tmp_path / "pces/prod/tls/wrong.crt").write_bytes(key_pem)
    body = [line for line in key_pem.decode().splitlines() if not line.startswith("-----")]
    return tmp_path, SECRETS + body


def _assert_clean(text: str, secrets) -> None:
    for secret in secrets:
        assert secret not in text, f"{secret[:12]}... leaked"
    # no run of base64 as long as a PEM line (64 characters) either
    assert not re.search(r"(?=[A-Za-z0-9+/]*[g-zG-Z+/])[A-Za-z0-9+/]{60,}", text)  # hex is fine


@pytest.mark.parametrize("fmt", FORMATS)
def test_no_format_shows_a_secret_or_key_material(leaky, fmt):
    root, secrets = leaky
    for extra in ([], ["--output", "report.out"], ["--include-suppressed", "--cert", "pces/prod/tls/wrong.crt"]):
        code, out, err = run_cli(["check", "pces/prod", "lone", "--format", fmt, "--now", "2024-06-01T00:00:00Z",
                              "--color", "always", "--jobs", "1", *extra], cwd=root)
        assert code == 1, err
        _assert_clean(out + err, secrets)
        if "--output" in extra:
            _assert_clean((root / "report.out").read_text(), secrets)
    # the findings that point at the secret lines are there (so the test is not vacuous)
    if fmt == "json":
        import json
        codes = {f["code"] for f in json.loads(run_cli(["check", "pces/prod", "lone", "--format", "json",
                                                    "--now", "2024-06-01T00:00:00Z"], cwd=root)[1])["findings"]}
        assert {"PCE001", "PCE002", "PCE101", "PCE405"} <= codes, codes


def test_exception_texts_hold_no_secret(leaky):
    """Every problem the loader and the key reader produce, and a crashing rule's notification."""
    from pcelint.core.loader import load_yaml
    from pcelint.inputs.tls import parse as certs

    root, secrets = leaky
    texts = []
    for path in [*(root / "pces/prod").rglob("*.yml"), root / "lone/runtime_env.yml"]:
        loaded = load_yaml(path.read_bytes())
        texts += [p.message for p in loaded.problems]
    key_bytes = (root / "pces/prod/tls/server.key").read_bytes()
    for data in (key_bytes, key_bytes[:200], key_bytes.replace(b"A", b"!")):
        info = certs.load_key(data, {})
        texts.append(repr(info))
        bundle = certs.load_bundle(data, {})
        texts.append(repr(bundle.error))
    _assert_clean("\n".join(texts), secrets)


def test_suppressions_and_the_baseline_keep_secrets(leaky, tmp_path):
    """A suppression comment on a secret's line, --include-suppressed in json and sarif, the
    baseline command's file and a run against that baseline: no secret anywhere."""
    import json

    root, secrets = leaky
    for role in ("active", "standby"):
        path = root / "pces/prod" / role / "core1.yml"
        path.write_text(path.read_text().replace(
            "service_discovery_encryption_key: S3cr3tEncKeyDupSecond\n",
            "service_discovery_encryption_key: S3cr3tEncKeyDupSecond  # pcelint: disable=PCE002 -- known\n"))
    texts = []
    for fmt in FORMATS:
        code, out, err = run_cli(["check", "pces/prod", "lone", "--format", fmt, "--include-suppressed",
                              "--now", "2024-06-01T00:00:00Z", "--color", "never"], cwd=root)
        assert code == 1, err
        texts.append(out + err)
        if fmt == "json":
            assert any(f["suppressed"] and f["code"] == "PCE002" for f in json.loads(out)["findings"])
    baseline = tmp_path / "baseline.json"
    code, out, err = run_cli(["baseline", "pces/prod", "lone", "--output", baseline,
                          "--now", "2024-06-01T00:00:00Z"], cwd=root)
    assert code == 0 and baseline.is_file(), err
    texts += [out + err, baseline.read_text()]
    for fmt in FORMATS:
        code, out, err = run_cli(["check", "pces/prod", "lone", "--format", fmt, "--baseline", baseline,
                              "--now", "2024-06-01T00:00:00Z"], cwd=root)
        texts.append(out + err)
    _assert_clean("\n".join(texts), secrets)
