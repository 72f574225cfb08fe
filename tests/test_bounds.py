"""Bounded work on hostile input, round 2 (issue 12): each case through the real CLI in a
subprocess whose generous timeout is only a hang detector (no timing assertion), asserting the
exact finding or exit-2 message."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from helpers.gitrepo import git

ROOT = Path(__file__).resolve().parents[1]
TIMEOUT = 120  # a hang detector, not a timing assertion
NODE = "pce_fqdn: pce.example.com\nnode_type: core\n"


def cli(*args, cwd):
    """pcelint in a subprocess (this checkout first on the path): (exit code, report, stderr)."""
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]))
    env.pop("PCELINT_DEBUG", None)
    proc = subprocess.run([sys.executable, "-m", "pcelint", *map(str, args)], cwd=cwd, env=env,
                          capture_output=True, timeout=TIMEOUT)
    err = proc.stderr.decode("utf-8", "replace")
    assert "Traceback" not in err and "internal error" not in err, err
    out = proc.stdout.decode("utf-8")
    report = json.loads(out) if out.strip().startswith("{") else None
    return proc.returncode, report, err


def pins(report):
    return sorted((f["path"], f["line"], f["column"], f["code"]) for f in report["findings"]
                  if not f.get("suppressed"))


# -- item 1: the suppression comment is parsed in linear time -----------------------------------

def test_suppression_comment_with_long_runs_of_spaces(tmp_path):
    """`# pcelint: disable=A` + 4,800 spaces + `#` cost 329 s per line with the old pattern; 100
    such lines fit in a node file. Such a line holds no suppression (a '#' inside the rule list)."""
    hostile = "".join(f"x{i}: 1 # pcelint: disable=A{' ' * 4800}#\n" for i in range(100))
    with_reason = "y: 1 # pcelint: disable=PCE102 --" + " " * 4800 + "# reason\n"
    (tmp_path / "runtime_env.yml").write_text(NODE + hostile + with_reason +
                                              "z: 1  # pcelint: disable=PCE102\n")
    code, report, err = cli("check", "runtime_env.yml", "--format", "json", "--select",
                            "PCE004,PCE102", "--jobs", "1", cwd=tmp_path)
    assert report is not None, err
    got = pins(report)
    assert ("runtime_env.yml", 104, 7, "PCE004") in got  # the last line: no reason
    assert ("runtime_env.yml", 3, 1, "PCE102") in got  # x0: not suppressed (no comment there)
    assert ("runtime_env.yml", 103, 1, "PCE102") not in got  # y: suppressed, with its reason
    assert [f for f in got if f[3] == "PCE004"] == [("runtime_env.yml", 104, 7, "PCE004")]
    assert len(got) == 101 and code == 1


# -- item 2: per_file_ignores globs match in linear time ------------------------------------------

def _deep_node(tmp_path) -> str:
    folder = tmp_path
    for _ in range(12):
        folder = folder / ("d" * 80)
    folder.mkdir(parents=True)
    (folder / "runtime_env.yml").write_text(NODE + "unknown_key: 1\n")
    return (folder / "runtime_env.yml").relative_to(tmp_path).as_posix()


def test_per_file_ignores_glob_that_backtracked(tmp_path):
    """`***?*?*?*?*?*?*?*?*?X` against a long path was killed at 120 s; it matches nothing, so
    the finding stays, and a glob that matches still turns the rule off."""
    rel = _deep_node(tmp_path)
    (tmp_path / ".pcelint.yml").write_text('per_file_ignores: {"***?*?*?*?*?*?*?*?*?X": [PCE102]}\n')
    code, report, err = cli("check", rel, "--format", "json", "--select", "PCE102", "--fail-on", "note", cwd=tmp_path)
    assert report is not None, err
    assert (code, pins(report)) == (1, [(rel, 3, 1, "PCE102")])
    (tmp_path / ".pcelint.yml").write_text('per_file_ignores: {"**/d*/**/*_env.y?l": [PCE102]}\n')
    code, report, err = cli("check", rel, "--format", "json", "--select", "PCE102", "--fail-on", "note", cwd=tmp_path)
    assert (code, pins(report)) == (0, [])


def test_overlong_per_file_ignores_glob_is_a_config_error(tmp_path):
    (tmp_path / "runtime_env.yml").write_text(NODE)
    # an explicit key: YAML's implicit keys stop at 1024 characters
    (tmp_path / ".pcelint.yml").write_text("fail_on: error\nper_file_ignores:\n  ? \"" + "*?" * 600 +
                                           "\"\n  : [PCE102]\n")
    code, report, err = cli("check", "runtime_env.yml", "--format", "json", cwd=tmp_path)
    assert (code, report) == (2, None)
    assert err.strip() == (f"pcelint: error: {tmp_path / '.pcelint.yml'}:3: a 'per_file_ignores' "
                           "glob is longer than 1024 characters; shorten it.")


# -- item 5: reads bounded by max_bytes; PCE701 linear ---------------------------------------------

def test_baseline_that_is_a_device_is_refused_unread(tmp_path):
    (tmp_path / "runtime_env.yml").write_text(NODE)
    code, report, err = cli("check", "runtime_env.yml", "--format", "json", "--baseline",
                            "/dev/zero", cwd=tmp_path)
    assert (code, report) == (2, None)
    assert err.strip() == "pcelint: error: --baseline '/dev/zero' is not a regular file."


def test_baseline_larger_than_max_bytes_is_refused(tmp_path):
    (tmp_path / "runtime_env.yml").write_text(NODE)
    with open(tmp_path / "big.json", "wb") as handle:
        handle.write(b'{"version": 1, "findings": [')
        handle.truncate(100 * 1024 * 1024)  # sparse: no disk cost
    code, report, err = cli("check", "runtime_env.yml", "--format", "json", "--baseline",
                            "big.json", cwd=tmp_path)
    assert (code, report) == (2, None)
    assert err.strip() == ("pcelint: error: the baseline 'big.json' is larger than 1048576 bytes; "
                           "pcelint refuses it (raise the 'max_bytes' limit if it really is a "
                           "baseline).")
    (tmp_path / "deep.json").write_text("[" * 500_000 + "]" * 500_000)
    code, report, err = cli("check", "runtime_env.yml", "--format", "json", "--baseline",
                            "deep.json", cwd=tmp_path)
    assert (code, report) == (2, None)
    assert err.strip() == "pcelint: error: the baseline 'deep.json' is not JSON: it nests too deeply."


def test_sarif_line_hash_reads_at_most_max_bytes(tmp_path):
    """SARIF line hashes re-read the whole cited file (a 40 MB node file: 134 s); now at most
    max_bytes of it, as every other read."""
    path = tmp_path / "runtime_env.yml"
    with open(path, "wb") as handle:
        handle.write(NODE.encode())
        handle.truncate(100 * 1024 * 1024)
    code, report, err = cli("check", "runtime_env.yml", "--format", "sarif", "--select", "PCE003",
                            cwd=tmp_path)
    assert code == 1, err
    results = report["runs"][0]["results"]
    assert [(r["ruleId"], r["locations"][0]["physicalLocation"]["region"]["startLine"],
             r["locations"][0]["physicalLocation"]["region"]["startColumn"]) for r in results] == \
        [("PCE003", 1, 1)]
    assert results[0]["partialFingerprints"]["primaryLocationLineHash"]


def test_pce701_key_scan_is_linear(tmp_path):
    """40,000 BEGIN lines without an END took 106 s (each scanned to the end of the file); here
    18,000 of them and 400,000 empty lines (under max_bytes). The real key after them is still
    found, at its BEGIN line."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    key = ec.generate_private_key(ec.SECP256R1()).private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    repo = tmp_path / "repo"
    (repo / "tls").mkdir(parents=True)
    (repo / "runtime_env.yml").write_text(NODE)
    (repo / "tls" / "junk.pem").write_bytes(b"-----BEGIN PRIVATE KEY-----\n" * 18_000 +
                                                b"\n" * 400_000 + key)
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", "-A")
    code, report, err = cli("check", ".", "--format", "json", "--select", "PCE701", cwd=repo)
    assert (code, pins(report)) == (1, [("tls/junk.pem", 418_001, 1, "PCE701")]), err


# -- item 4: one DNS deadline per run; zone discovery bounded -------------------------------------

def test_dns_deadline_bounds_an_endless_cname_chain(tmp_path):
    """A server that answers every name, slowly, with a CNAME to the next name: the chain alone
    would take 16 steps per name. At --dns-deadline the names not resolved are a notification and
    the DNS rules are skipped with the deadline as the reason."""
    from helpers.fakedns import FakeDns, cname_forever
    from helpers.nodegen import write_pair

    write_pair(tmp_path)
    with FakeDns(cname_forever, delay=0.3) as server:
        code, report, err = cli("check", "pair", "--select", "PCE6", "--nameserver", server.address,
                                "--dns-timeout", "2", "--dns-deadline", "1", "--format", "json",
                                cwd=tmp_path)
    assert report is not None, err
    assert (code, report["findings"]) == (0, [])
    assert [n["message"] for n in report["notifications"]] == [
        "The run's DNS deadline (1 s, --dns-deadline) passed before 3 names were resolved "
        "('pce-a.example.com.', 'pce-b.example.com.', 'pce.example.com.'); the DNS rules that "
        "needed them are listed as skipped. Raise --dns-deadline, or name a faster server with "
        "--nameserver."]
    late = "the run's DNS deadline (1 s, --dns-deadline) passed before '{}.' was resolved"
    assert sorted((s["code"], s["reason"]) for s in report["skipped"]) == [
        ("PCE601", "no DNS answer for the rest of the path of 'pce.example.com': " +
         late.format("pce.example.com")),
        *[("PCE602", f"no DNS answer for '{n}': " + late.format(n))
          for n in ("pce-a.example.com", "pce-b.example.com", "pce.example.com")],
        ("PCE603", "no DNS answer for 'pce.example.com': " + late.format("pce.example.com"))]


def test_zone_discovery_asks_each_soa_once_and_walks_a_bounded_number_of_labels():
    """Without --nameserver the zone is found by asking SOA for the name and its parents. A server
    that answers NOERROR without a SOA made that one query per label (up to 127) per CNAME step;
    now each name is asked once per run and one lookup walks at most MAX_ZONE_WALK labels."""
    from helpers.fakedns import FakeDns, noerror_without_soa

    from pcelint.inputs.dns.live import MAX_ZONE_WALK, Server, resolve_names

    deep = ".".join(f"l{i}" for i in range(40)) + ".example.com"
    names = [f"x1.{deep}", f"x2.{deep}"]
    with FakeDns(noerror_without_soa) as server:
        answers, notes = resolve_names(names, [], 1, recursors=[Server("127.0.0.1", server.port)],
                                       ns_port=server.port, deadline=60)
        soa = [q for q in server.queries if q[1] == "SOA"]
    assert len(soa) == len(set(soa)) == MAX_ZONE_WALK + 1  # x2's walk shares x1's parents
    assert [(a.status, a.reason) for a in answers.values()] == [
        ("unknown", f"the zone of '{n}.' could not be found") for n in names]
    assert notes == []


# -- item 7: --nameserver values are checked before any linting ---------------------------------

NAMESERVERS = {
    "127.0.0.1:99999": "'127.0.0.1:99999' has the port '99999'; a port is a number from 1 to 65535",
    "127.0.0.1:abc": "'127.0.0.1:abc' has the port 'abc'; a port is a number from 1 to 65535",
    "127.0.0.1:0": "'127.0.0.1:0' has the port '0'; a port is a number from 1 to 65535",
    ":53": "':53' names no host; write HOST[:PORT]",
    "[nope]:53": "'[nope]:53' is not HOST[:PORT] or [IPV6]:PORT",
}


def test_bad_nameserver_is_a_usage_error_naming_the_argument(tmp_path):
    (tmp_path / "runtime_env.yml").write_text(NODE)
    for value, problem in NAMESERVERS.items():
        code, report, err = cli("check", "runtime_env.yml", "--format", "json", "--nameserver",
                                value, cwd=tmp_path)
        assert (code, report) == (2, None), value
        assert err.strip().splitlines()[-1] == f"pcelint check: error: argument --nameserver: {problem}"
    for value in ("127.0.0.1:5353", "[::1]:5353", "::1"):  # valid: linted (no DNS rule needs it)
        code, report, err = cli("check", "runtime_env.yml", "--format", "json", "--select", "PCE0",
                                "--nameserver", value, cwd=tmp_path)
        assert (code, report["findings"]) == (0, []), err


# -- item 7: rule options validated against each rule's declared types ---------------------------

RULE_OPTIONS = {  # config text -> (line, problem)
    "rules: {PCE404: {warn_days: {a: 1}}}\n":
        (1, "PCE404 option 'warn_days' must be an integer from 0 to 36500."),
    "rules:\n  PCE404:\n    soon_level: fatal\n":
        (3, "PCE404 option 'soon_level' must be one of 'error', 'warning', 'note'."),
    "rules:\n  cert-weak-crypto:\n    min_rsa_bits: -5\n":
        (3, "PCE408 option 'min_rsa_bits' must be an integer from 1 to 65536."),
    "rules:\n  PCE601: {max_ttl: '300'}\n":
        (2, "PCE601 option 'max_ttl' must be an integer from 0 to 2147483647."),
    "rules:\n  PCE102:\n    extra_keys: [a, [b]]\n":
        (3, "PCE102 option 'extra_keys' must be a list of strings."),
}


def test_rule_options_of_the_wrong_type_are_config_errors(tmp_path):
    (tmp_path / "runtime_env.yml").write_text(NODE)
    for text, (line, problem) in RULE_OPTIONS.items():
        (tmp_path / ".pcelint.yml").write_text(text)
        code, report, err = cli("check", "runtime_env.yml", "--format", "json", cwd=tmp_path)
        assert (code, report) == (2, None), text
        assert err.strip() == f"pcelint: error: {tmp_path / '.pcelint.yml'}:{line}: {problem}"
    (tmp_path / ".pcelint.yml").write_text("rules: {PCE404: {warn_days: 45, soon_level: note}}\n")
    code, report, err = cli("check", "runtime_env.yml", "--format", "json", "--select", "PCE0",
                            cwd=tmp_path)
    assert (code, report["findings"]) == (0, []), err


def test_every_rule_option_declares_a_type_its_default_has():
    import jsonschema

    from pcelint.core.options import split
    from pcelint.core.registry import all_rules

    for r in all_rules():
        assert set(r.option_schemas) == set(r.options), r.code
        for name, schema in r.option_schemas.items():
            assert schema.get("type"), (r.code, name)
            assert jsonschema.Draft202012Validator(schema).is_valid(r.options[name]), (r.code, name)
    # a third-party rule's plain default declares its own type
    assert split({"n": 3, "flag": True, "names": []}) == (
        {"n": 3, "flag": True, "names": []},
        {"n": {"type": "integer"}, "flag": {"type": "boolean"},
         "names": {"type": "array", "items": {"type": "string"}}})


# -- item 8: bounded amplification ----------------------------------------------------------------

def test_dns_answer_with_4000_addresses_makes_a_short_message(tmp_path):
    """A 4,000-address answer made a 111 KB PCE603 message; messages list at most 10 values and
    say how many more."""
    from helpers.nodegen import write_pair

    write_pair(tmp_path)
    records = "".join(f"pce 300 IN A 10.1.{i // 250}.{i % 250 + 1}\n" for i in range(4000))
    (tmp_path / "example.com.zone").write_text(
        "$ORIGIN example.com.\n$TTL 300\n@ IN SOA ns1 hostmaster 1 3600 600 86400 300\n"
        "pce-a IN A 10.0.0.1\npce-b IN A 10.0.1.1\n" + records)
    code, report, err = cli("check", "pair", "--select", "PCE6", "--zone-file", "example.com.zone",
                            "--format", "json", cwd=tmp_path)
    assert report is not None, err
    assert (code, pins(report)) == (1, [("pair/active/core0.yml", 8, 20, "PCE603")])
    first = sorted(f"10.1.{i // 250}.{i % 250 + 1}" for i in range(4000))[:10]
    shown = ", ".join(f"'{a}'" for a in first) + " and 3990 more"
    assert report["findings"][0]["message"] == (
        f"'active_pce_fqdn' 'pce.example.com' resolves to {shown} (from zone file "
        f"'example.com.zone:6'); {shown} are not the active PCE's (its pce_fqdn "
        "'pce-a.example.com' resolves to '10.0.0.1'). Point 'pce.example.com' at the active PCE.")


def test_many_unknown_keys_get_suggestions_for_the_first_hundred_only(tmp_path):
    """40,000 unknown keys cost 16 s of difflib; spellings are suggested for the first 100
    distinct unknown keys of a file, the rest are notes that say so."""
    keys = "".join(f"k{i:05}_abcdefgh: 1\n" for i in range(40_000))
    (tmp_path / "runtime_env.yml").write_text(NODE + "node_typo: core\n" + keys + "pce_fqdm: x\n")
    code, report, err = cli("check", "runtime_env.yml", "--format", "json", "--select", "PCE102",
                            cwd=tmp_path)
    assert report is not None, err
    found = {f["line"]: (f["column"], f["level"], f["message"]) for f in report["findings"]}
    assert len(found) == 40_002 and code == 1
    assert found[3] == (1, "warning", "The key 'node_typo' at the top level is not a known "
                        "runtime_env key; did you mean 'node_type'? The PCE ignores unknown keys.")
    assert found[4] == (1, "note", "The key 'k00000_abcdefgh' at the top level is not a known "
                        "runtime_env key; check it against your PCE release, or list it in "
                        "'extra_keys'.")
    assert found[40_004] == (1, "note", "The key 'pce_fqdm' at the top level is not a known "
                             "runtime_env key; check it against your PCE release, or list it in "
                             "'extra_keys' (pcelint suggests spellings for the first 100 unknown "
                             "keys of a file only).")


def test_25000_suppressed_findings(tmp_path):
    """25,000 suppressed findings cost 40 s (every finding compared with every comment of its
    file); now each (file, line, rule) is decided once. Messages list at most 10 rule tokens."""
    keys = "".join(f"k{i}: 1 #pcelint:disable=PCE1 -- x\n" for i in range(25_000))
    many = ", ".join(["PCE102"] + [f"X{i}" for i in range(12)])  # X...: tokens naming no rule
    (tmp_path / "runtime_env.yml").write_text(NODE + keys + f"z: 1  # pcelint: disable={many}\n")
    code, report, err = cli("check", "runtime_env.yml", "--format", "json", "--select",
                            "PCE004,PCE005,PCE102", "--include-suppressed", cwd=tmp_path)
    assert report is not None, err
    assert sum(f["suppressed"] for f in report["findings"]) == 25_001
    assert pins(report) == [("runtime_env.yml", 25_003, 7, "PCE004"),
                            ("runtime_env.yml", 25_003, 7, "PCE005")]
    messages = sorted(f["message"] for f in report["findings"] if not f["suppressed"])
    assert messages == [
        "The suppression of 'PCE102, X0, X1, X2, X3, X4, X5, X6, X7, X8' and 3 more gives no "
        "reason; add ' -- ' and why the finding is acceptable.",
        "The suppression of 'X0, X1, X2, X3, X4, X5, X6, X7, X8, X9' and 2 more matched no "
        "finding; remove it (or the rules in it that no longer fire)."]


def test_config_larger_than_max_bytes_is_refused(tmp_path):
    (tmp_path / "runtime_env.yml").write_text(NODE)
    with open(tmp_path / ".pcelint.yml", "wb") as handle:
        handle.write(b"fail_on: error\n")
        handle.truncate(100 * 1024 * 1024)
    code, report, err = cli("check", "runtime_env.yml", "--format", "json", cwd=tmp_path)
    assert (code, report) == (2, None)
    assert err.strip() == (f"pcelint: error: {tmp_path / '.pcelint.yml'}: the config file is "
                           "larger than 1048576 bytes; pcelint refuses it.")


def test_node_type_listing_is_bounded(tmp_path):
    """A PCE without its data1 node and with 15 extra node files, each with its own node_type:
    PCE202 lists 10 kinds and says how many more."""
    from helpers.nodegen import node_text, write_pair

    folder = write_pair(tmp_path, active={"data1": None})
    for i in range(15):
        (folder / "active" / f"x{i:02}.yml").write_text(node_text(node_type=f"kind{i:02}"))
    code, report, err = cli("check", "pair", "--select", "PCE202", "--format", "json", cwd=tmp_path)
    assert report is not None, err
    assert (code, pins(report)) == (1, [("pair/active/core0.yml", 4, 12, "PCE202")])
    kinds = sorted(["core", "data0"] + [f"kind{i:02}" for i in range(15)])
    counts = {"core": 2}
    shown = ", ".join(f"{counts.get(k, 1)} x '{k}'" for k in kinds[:10])
    assert report["findings"][0]["message"].startswith(
        f"The active PCE's node files ({shown} and 7 more) are not a valid cluster: ")


# -- the linear rewrites mean what the patterns they replaced meant -------------------------------

OLD_COMMENT = r"""(?:^|(?<=\s))#\s*pcelint\s*:\s*(?P<kind>disable-file|disable)\s*=\s*(?P<rules>[^\s#-][^#]*?)\s*(?:--\s*(?P<reason>.*?))?\s*$"""
COMMENT_PARTS = ["#", " ", "\t", "pcelint", ":", "disable", "disable-file", "=", "-", "--", "PCE1",
                 ",", "x", "cert-chain", "\u00a0", "#pcelint:disable=", " # pcelint: disable="]


def test_comment_scanner_agrees_with_the_old_pattern_on_short_lines():
    import random
    import re

    from pcelint.core.comments import find_comment

    old = re.compile(OLD_COMMENT)
    rng = random.Random(12)
    for _ in range(50_000):
        line = "".join(rng.choice(COMMENT_PARTS) for _ in range(rng.randint(0, 14)))
        want, got = old.search(line), find_comment(line)
        assert (want is None) == (got is None), line
        if want:
            start, kind, rules, reason = got
            assert (start, kind) == (want.start(), want.group("kind")), line
            assert [t.strip() for t in rules.split(",") if t.strip()] == \
                [t.strip() for t in want.group("rules").split(",") if t.strip()], line
            assert (reason or "").strip() == (want.group("reason") or "").strip(), line


def _glob_reference(pattern):
    import re
    out, i = [], 0
    while i < len(pattern):
        if pattern.startswith("**/", i):
            out, i = out + ["(?:.*/)?"], i + 3
        elif pattern.startswith("**", i):
            out, i = out + [".*"], i + 2
        elif pattern[i] == "*":
            out, i = out + ["[^/]*"], i + 1
        elif pattern[i] == "?":
            out, i = out + ["[^/]"], i + 1
        else:
            out, i = out + [re.escape(pattern[i])], i + 1
    return re.compile("".join(out) + r"\Z", re.S)


def test_glob_matcher_agrees_with_the_old_translation_on_short_inputs():
    import random

    from pcelint.post.globmatch import Glob

    rng = random.Random(12)
    for _ in range(50_000):
        pattern = "".join(rng.choice("ab/*?.") for _ in range(rng.randint(0, 12)))
        path = "".join(rng.choice("ab/.") for _ in range(rng.randint(0, 12)))
        assert Glob(pattern).match(path) == bool(_glob_reference(pattern).match(path)), (pattern, path)
