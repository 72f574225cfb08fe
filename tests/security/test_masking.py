"""Issue 11, case 3: secret values never leak, whatever their YAML style, through excerpts,
carets, end columns, messages, config errors, line hashes or PCE701's key excerpt."""
from __future__ import annotations

import json

import pytest
from helpers import certgen as cg
from helpers.untrusted import (
    ACTIVE,
    append,
    assert_absent,
    cli,
    commit_all,
    corpus,
    every_output,
    make_repo,
    report,
)

LEAK = "LEAK"  # every planted secret holds it (tests/fixtures/security/README.md)


def _secret_repo(tmp_path):
    repo = make_repo(tmp_path)
    text = corpus("secret-styles.yml").replace(
        "service_discovery_encryption_key: k1,LEAKcomma1\n",
        "service_discovery_encryption_key: k1,LEAKcomma1  # pcelint: disable=PCE102 -- test\n")
    append(repo / ACTIVE, text)
    commit_all(repo)
    return repo


# (line, column, end column, code) of every finding on the secret lines: each is on its KEY
SECRET_FINDINGS = [
    (13, 1, 33, "PCE101"),  # 'k1,...' is no valid key: the finding about the value is on its key
    (13, 41, 74, "PCE005"),  # the comment after the masked value: its column does not tell the length
    (14, 1, 13, "PCE102"), (15, 1, 11, "PCE102"), (16, 1, 22, "PCE102"), (17, 1, 14, "PCE102"),
    (18, 1, 14, "PCE102"), (20, 1, 12, "PCE102"), (23, 1, 13, "PCE102"), (24, 1, 15, "PCE102"),
    (25, 1, 7, "PCE102"),
]


def test_no_secret_in_any_output(tmp_path):
    repo = _secret_repo(tmp_path)
    codes, text = every_output(repo, "check", ".", "--include-suppressed")
    assert set(codes.values()) == {1}, codes  # PCE101 is an error, PCE005 a warning
    assert_absent(text, LEAK)
    data = report(repo, "check", ".")
    got = sorted((f["line"], f["column"], f["end_column"], f["code"]) for f in data["findings"])
    assert got == SECRET_FINDINGS


def test_text_excerpts_show_the_mask(tmp_path):
    repo = _secret_repo(tmp_path)
    code, out, err = cli(repo, "check", ".")
    lines = out.splitlines()
    for expected in ("   13 | service_discovery_encryption_key: ****  # pcelint: disable=PCE102 -- test",
                     "   14 | db_passwords: ****", "   15 | api_secret: ****",
                     '   16 | "pass\\x77ord_escaped": ****', "   17 | smtp_password: ****",
                     "   18 | ldap_password: ****", "   20 | cert_secret: ****",
                     "   23 | alias_source: ****", "   24 | admin_password: ****"):
        assert expected in lines, (expected, out)


def test_unparsed_file_never_shows_a_possibly_secret_line(tmp_path):
    """The value being read when parsing stopped is masked from its key to the end of the file;
    the finding about it points at the key."""
    repo = make_repo(tmp_path)
    (repo / "nodes/broken").mkdir()
    (repo / "nodes/broken/runtime_env.yml").write_text(corpus("unparsed-secret.yml"))
    commit_all(repo)
    codes, text = every_output(repo, "check", "nodes/broken")
    assert set(codes.values()) == {1}, codes
    assert_absent(text, LEAK)
    data = report(repo, "check", "nodes/broken")
    assert [(f["line"], f["column"], f["end_column"], f["code"]) for f in data["findings"]] == \
        [(3, 1, 33, "PCE001")]


def test_refused_secret_value_points_at_its_key(tmp_path):
    repo = make_repo(tmp_path)
    (repo / "nodes/tagged").mkdir()
    (repo / "nodes/tagged/runtime_env.yml").write_text(corpus("refused-secret.yml"))
    commit_all(repo)
    codes, text = every_output(repo, "check", "nodes/tagged")
    assert set(codes.values()) == {1}
    assert_absent(text, LEAK)
    data = report(repo, "check", "nodes/tagged")
    assert [(f["line"], f["column"], f["end_column"], f["code"]) for f in data["findings"]] == \
        [(3, 1, 33, "PCE001")]


def test_config_error_never_quotes_a_secret(tmp_path):
    repo = make_repo(tmp_path)
    (repo / ".pcelint.yml").write_text(corpus("config-secret.yml"))
    commit_all(repo)
    codes, text = every_output(repo, "check", ".")
    assert set(codes.values()) == {2}
    assert_absent(text, LEAK)
    assert ".pcelint.yml:5: unknown key 'smtp_password' in 'pairs[0]'" in text


@pytest.mark.parametrize("entry, key", [
    ("traffic_disk_gb: {smtp_password: LEAKconfig3}", "pairs[0].traffic_disk_gb"),  # oneOf
    ("wal: {rate_mb_per_hour: LEAKconfig4}", "pairs[0].wal.rate_mb_per_hour"),
])
def test_config_error_of_a_value_never_quotes_it(tmp_path, entry, key):
    """jsonschema's own message for `oneOf` quotes the value ({'smtp_password': '...'})."""
    repo = make_repo(tmp_path)
    (repo / ".pcelint.yml").write_text(
        "pairs:\n  - name: prod\n    active: [pces/prod/active/*.yml]\n"
        f"    standby: [pces/prod/standby/*.yml]\n    {entry}\n")
    code, out, err = cli(repo, "check", ".")
    assert code == 2 and LEAK not in out + err and f".pcelint.yml:5: '{key}'" in err, err


def _line_hash(repo, line):
    code, out, err = cli(repo, "check", ".", "--format", "sarif")
    results = json.loads(out)["runs"][0]["results"]
    [hit] = [r for r in results
             if r["locations"][0]["physicalLocation"]["region"]["startLine"] == line]
    return hit["partialFingerprints"]["primaryLocationLineHash"]


def test_line_hash_does_not_depend_on_the_secret(tmp_path):
    """GitHub's primaryLocationLineHash over the raw line would let a short secret be found by
    brute force; over the masked line it is the same for every value."""
    repo = make_repo(tmp_path)
    append(repo / ACTIVE, "smtp_password: LEAKa\n")
    first = _line_hash(repo, 13)
    (repo / ACTIVE).write_text((repo / ACTIVE).read_text().replace("LEAKa", "LEAKbbbbbbbb"))
    assert _line_hash(repo, 13) == first


def test_pce701_never_shows_key_material(tmp_path):
    """A committed key whose body starts on the BEGIN line, and one with no END line."""
    repo = make_repo(tmp_path)
    pem = cg.key_pem(cg.rsa_key(2)).decode()
    body = [line for line in pem.splitlines() if not line.startswith("-----")]
    (repo / "keys").mkdir()
    (repo / "keys/inline.key").write_text(pem.replace("-----\n", "-----", 1))
    (repo / "keys/truncated.pem").write_text("\n".join(pem.splitlines()[:-1]) + "\n")
    commit_all(repo)
    codes, text = every_output(repo, "check", ".")
    assert 1 in codes.values()
    material = "".join(body)[32:]  # past the ASN.1 header every RSA key shares (docs quote it)
    for start in range(0, len(material) - 16, 16):
        assert_absent(text, material[start:start + 16])
    data = report(repo, "check", ".")
    assert ("keys/inline.key", 1, 1, "PCE701") in [(f["path"], f["line"], f["column"], f["code"])
                                                    for f in data["findings"]]
