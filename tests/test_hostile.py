"""Hostile inputs (issue 6): every case ends in a documented finding or a clear exit 2, with no
traceback, in a subprocess whose generous timeout is only a hang detector.

Small cases are files in fixtures/hostile/; large ones are generated here in tmp_path.
"""
from __future__ import annotations

import json
import os
import random
import subprocess
import sys

import pytest
from helpers import certgen as cg
from helpers.pairkit import write_pair
from helpers.paths import FIXTURES, ROOT

HOSTILE = FIXTURES / "hostile"
TIMEOUT = 120  # a hang detector, not a timing assertion


def cli(*args, cwd):
    """pcelint in a subprocess (this checkout first on the path): (exit code, report, stderr)."""
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]))
    env.pop("PCELINT_DEBUG", None)
    proc = subprocess.run([sys.executable, "-m", "pcelint", *map(str, args)], cwd=cwd, env=env,
                          capture_output=True, timeout=TIMEOUT)
    err = proc.stderr.decode("utf-8", "replace")
    assert "Traceback" not in err, err
    out = proc.stdout.decode("utf-8")
    report = json.loads(out) if out.strip().startswith("{") else None
    return proc.returncode, report, err


def findings(report):
    return sorted((f["path"], f["line"], f["column"], f["code"]) for f in report["findings"])


def lint_node(tmp_path, raw: bytes, *extra):
    """Lint `raw` as a lone runtime_env.yml with the PCE0 rules: (code, [(line, col, code, message)])."""
    (tmp_path / "runtime_env.yml").write_bytes(raw)
    code, report, err = cli("check", "runtime_env.yml", "--format", "json", "--select", "PCE0",
                            "--jobs", "1", *extra, cwd=tmp_path)
    assert report is not None, err
    return code, [(f["line"], f["column"], f["code"], f["message"]) for f in report["findings"]]


# -- YAML -------------------------------------------------------------------------------------

SMALL = {  # fixture -> (line, column, code, start of the message)
    "python-object.yml": (3, 4, "PCE003", "The tag '!!python/object/apply:os.system' is not a standard YAML tag"),
    "custom-tag.yml": (3, 6, "PCE003", "The tag '!Ref' is not a standard YAML tag"),
    "recursive-alias.yml": (1, 15, "PCE003", "The alias '*a' refers to a node that contains it"),
    "comments-only.yml": (1, 1, "PCE001", "The top level of the file is empty"),
    "empty.yml": (1, 1, "PCE001", "The top level of the file is empty"),
    "top-level-list.yml": (1, 1, "PCE001", "The top level of the file is a list, not a mapping"),
    "multi-document.yml": (2, 1, "PCE001", "The file holds more than one YAML document"),
    "mapping-key.yml": (2, 1, "PCE001", "A mapping key is a mapping or a list"),
    "list-key.yml": (2, 3, "PCE001", "A mapping key is a mapping or a list"),
    "nul-byte.yml": (1, 14, "PCE001", "The file has a character YAML does not allow ('U+0000')"),
    "invalid-utf8.yml": (1, 14, "PCE001", "The file is not valid UTF-8: byte offset 13 holds '0xff'"),
    "utf16.yml": (1, 1, "PCE001", "The file is UTF-16, not UTF-8"),
    # found by fuzz/fuzz_loader.py: a bare '=' (PyYAML's '!!value') and an empty '!!int' raised
    "fuzz-bare-equals.yml": (2, 12, "PCE001", "The value cannot be read as '!!int'"),
    # found by fuzz/fuzz_loader.py: '\r' line ends and an error at the end of the text
    "fuzz-cr-line-ends.yml": (3, 3, "PCE001", "The file is not valid YAML"),
}


@pytest.mark.parametrize("name", sorted(SMALL))
def test_small_hostile_yaml(tmp_path, name):
    code, got = lint_node(tmp_path, (HOSTILE / name).read_bytes())
    line, column, rule, start = SMALL[name]
    assert code == 1
    assert [(g[0], g[1], g[2]) for g in got] == [(line, column, rule)], got
    assert got[0][3].startswith(start), got[0][3]
    assert not (tmp_path / "PWNED").exists()  # nothing in an input is ever executed


def test_every_small_fixture_has_a_pinned_outcome():
    assert sorted(p.name for p in HOSTILE.glob("*.yml")) == sorted(SMALL)


def _nested_bomb(levels=9, width=10) -> bytes:
    lines = [b'a0: &a0 ["lol"]']
    for i in range(1, levels + 1):
        lines.append(b"a%d: &a%d [" % (i, i) + b", ".join([b"*a%d" % (i - 1)] * width) + b"]")
    return b"\n".join(lines) + b"\n"


LARGE = {  # name -> (bytes factory, line, column, code, start of the message)
    "alias bomb, nested": (_nested_bomb, 6, 25, "PCE003", "The file expands to more than 100000 nodes"),
    "alias bomb, wide": (lambda: b"a: &a x\nb: [" + b", ".join([b"*a"] * 1000) + b"]\n",
                         2, 405, "PCE003", "The file uses more than 100 aliases"),
    "10,000-deep flow nesting": (lambda: b"a: " + b"[" * 10_000 + b"]" * 10_000 + b"\n",
                                 1, 67, "PCE003", "The file nests deeper than 64 levels"),
    "10,000-deep block nesting": (lambda: b"a:\n" + b"- " * 10_000 + b"x\n",
                                  2, 127, "PCE003", "The file nests deeper than 64 levels"),
    # indented block mappings grow quadratically: 1,000 levels are ~0.5 MB, under max_bytes
    "1,000-deep block mappings": (lambda: b"".join(b" " * i + b"k:\n" for i in range(1000)) + b" " * 1000 + b"x\n",
                                  65, 65, "PCE003", "The file nests deeper than 64 levels"),
    "1 MB single-line scalar": (lambda: b"pce_fqdn: " + b"a" * 1_000_000 + b"\n", None, None, None, None),
    "random bytes": (lambda: random.Random(6).randbytes(4096), 1, 1, "PCE001",
                     "The file is not valid UTF-8: byte offset 0 holds '0x"),
}


@pytest.mark.parametrize("name", sorted(LARGE))
def test_generated_hostile_yaml(tmp_path, name):
    factory, line, column, rule, start = LARGE[name]
    code, got = lint_node(tmp_path, factory())
    if rule is None:  # loads fine: no PCE0 finding
        assert (code, got) == (0, [])
        return
    assert code == 1
    assert [(g[0], g[1], g[2]) for g in got] == [(line, column, rule)], got
    assert got[0][3].startswith(start), got[0][3]


def test_one_mb_scalar_is_reported_briefly(tmp_path):
    (tmp_path / "runtime_env.yml").write_bytes(b"pce_fqdn: " + b"a" * 1_000_000 + b"\nnode_type: core\n")
    code, report, _ = cli("check", ".", "--format", "json", "--select", "PCE103", cwd=tmp_path)
    assert code == 1 and findings(report) == [("runtime_env.yml", 1, 11, "PCE103")]
    assert len(report["findings"][0]["message"]) < 400


def test_hundred_megabyte_file_is_refused_unread(tmp_path):
    path = tmp_path / "runtime_env.yml"
    with open(path, "wb") as handle:
        handle.write(b"pce_fqdn: pce.example.com\n")
        handle.truncate(100 * 1024 * 1024)
    code, got = lint_node(tmp_path, path.read_bytes())
    assert code == 1 and [(g[0], g[1], g[2]) for g in got] == [(1, 1, "PCE003")]
    assert got[0][3] == ("The file is larger than 1048576 bytes; pcelint refuses it (raise the "
                         "'max_bytes' limit if it really is a runtime_env file).")


def test_binary_file_with_a_yml_name(tmp_path):
    (tmp_path / "data.yml").write_bytes(random.Random(1).randbytes(65536))
    code, report, err = cli("check", "data.yml", "--format", "json", cwd=tmp_path)
    assert (code, report["findings"]) == (0, [])  # not a node file: ignored, as CLI.md says
    assert err.strip() == "pcelint: no node file among the given files; nothing to lint."
    code, report, err = cli("check", ".", "--format", "json", cwd=tmp_path)
    assert code == 2 and "no node file found under" in err


# -- certificates -------------------------------------------------------------------------------

def _truncated_pem():
    data = cg.pem(cg.issue(dns=["pce-a.example.com"]))
    return data[: len(data) // 2]


def _broken_base64():
    lines = cg.pem(cg.issue(dns=["pce-a.example.com"])).split(b"\n")
    lines[3] = b"!!!!" + lines[3][4:]
    return b"\n".join(lines)


def _chain(n):
    key = cg.rsa_key(0)
    return b"".join(cg.pem(cg.issue(f"c{i}", dns=["pce-a.example.com"], key=key, serial=i + 1))
                    for i in range(n))


CERTS = {  # name -> (factory, start of the reason in the PCE401 message)
    "random bytes": (lambda: random.Random(4).randbytes(2048),
                     "it holds no PEM certificate block and is not a DER certificate either"),
    "truncated PEM": (_truncated_pem, "the PEM block at line 1 has no END line (the file is truncated)"),
    "truncated DER": (lambda: cg.der(cg.issue(dns=["pce-a.example.com"]))[:300],
                      "it holds no PEM certificate block and is not a DER certificate either"),
    "PEM with a broken base64 body": (_broken_base64,
                                      "the PEM block at line 1 is not a valid certificate"),
    "extensions that fail to decode": (lambda: cg.pem(cg.issue(extensions=[cg.broken_extension()])),
                                       "the leaf certificate (line 1) cannot be parsed: its "
                                       "extensions (one fails to decode)"),
    "5,000-name SAN": (lambda: cg.pem(cg.issue(dns=[f"n{i}.example.com" for i in range(5000)])),
                       "the leaf certificate (line 1) has 5000 subjectAltName entries, more than "
                       "the 1000 pcelint reads (the 'max_san_entries' limit)"),
    "chain of 50 certificates": (lambda: _chain(50),
                                 "it holds 50 certificates, more than the 10 pcelint reads (the "
                                 "'max_chain_length' limit; certificate 11 is at line 191)"),
    "empty file": (lambda: b"", "the file is empty"),
}


@pytest.mark.parametrize("name", sorted(CERTS))
def test_hostile_certificate_is_pce401(tmp_path, name):
    factory, reason = CERTS[name]
    write_pair(tmp_path, {"server.crt": factory(), "server.key": cg.key_pem(cg.rsa_key(0))})
    code, report, _ = cli("check", "pces/prod", "--format", "json", "--select", "PCE401",
                          "--now", "2024-06-01T00:00:00Z", cwd=tmp_path)
    assert code == 1
    assert findings(report) == [("pces/prod/active/core0.yml", 3, 26, "PCE401"),
                                ("pces/prod/standby/core0.yml", 3, 26, "PCE401")]
    message = report["findings"][0]["message"]
    assert message.startswith("The certificate file 'pces/prod/tls/server.crt' named by "
                              "'pces/prod/active/core0.yml' cannot "), message
    assert reason in message, message


def test_certificate_limits_are_overridable_in_the_config(tmp_path):
    """The config lowers a limit; only --limit raises one (a config raise is not used)."""
    three = cg.pem(cg.issue(dns=["pce-a.example.com", "pce-b.example.com", "pce.example.com"]))
    cases = [(_chain(12), "", (), "'max_chain_length' limit"),
             (_chain(12), "limits: {max_chain_length: 12}\n", (), "'max_chain_length' limit"),
             (_chain(12), "", ("--limit", "max_chain_length=12"), None),
             (three, "", (), None),
             (three, "limits: {max_san_entries: 2}\n", (), "'max_san_entries' limit")]
    for n, (cert, config, extra, limit) in enumerate(cases):
        root = tmp_path / str(n)
        write_pair(root, {"server.crt": cert, "server.key": cg.key_pem(cg.rsa_key(0))})
        (root / ".pcelint.yml").write_text(config or "{}\n")
        code, report, _ = cli("check", "pces/prod", "--format", "json", "--select", "PCE401",
                              "--now", "2024-06-01T00:00:00Z", *extra, cwd=root)
        if limit is None:
            assert (code, findings(report)) == (0, []), report
        else:
            assert code == 1 and len(report["findings"]) == 2
            assert all(limit in f["message"] for f in report["findings"])


# -- discovery ----------------------------------------------------------------------------------

NODE = b"pce_fqdn: pce.example.com\nnode_type: core\n"


def test_symlink_loop_is_not_followed(tmp_path):
    (tmp_path / "d" / "sub").mkdir(parents=True)
    (tmp_path / "d" / "runtime_env.yml").write_bytes(NODE)
    (tmp_path / "d" / "sub" / "loop").symlink_to(tmp_path / "d", target_is_directory=True)
    (tmp_path / "d" / "self.yml").symlink_to(tmp_path / "d" / "self.yml")  # a file loop
    code, report, _ = cli("check", "d", "--format", "json", "--select", "PCE0", cwd=tmp_path)
    assert code == 0 and report["summary"]["files"] == 1


def test_symlink_pointing_outside_the_tree_is_not_read(tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "runtime_env.yml").write_bytes(b"pce_fqdn: [\nsecret outside the tree\n")
    tree = tmp_path / "tree"
    tree.mkdir()
    (tree / "runtime_env.yml").symlink_to(outside / "runtime_env.yml")
    (tree / "ok").mkdir()
    (tree / "ok" / "runtime_env.yml").write_bytes(NODE)
    code, report, err = cli("check", "tree", "--format", "json", "--select", "PCE0", cwd=tmp_path)
    assert code == 0 and report["summary"]["files"] == 1
    assert "secret outside" not in json.dumps(report) + err


def test_folder_with_ten_thousand_files(tmp_path):
    folder = tmp_path / "many"
    folder.mkdir()
    for i in range(10_000):
        (folder / f"f{i:05}.txt").write_bytes(b"x")
    (folder / "runtime_env.yml").write_bytes(NODE)
    code, report, _ = cli("check", "many", "--format", "json", "--select", "PCE0", cwd=tmp_path)
    assert code == 0 and report["summary"]["files"] == 1
    (tmp_path / ".pcelint.yml").write_text("limits: {max_files: 5000}\n")
    code, report, err = cli("check", "many", "--format", "json", cwd=tmp_path)
    assert (code, report) == (2, None)
    assert err.strip() == (f"pcelint: error: '{folder}' holds more than 5000 files; lint a smaller "
                           "folder or raise the 'max_files' limit.")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_fifo_is_never_opened(tmp_path):
    os.mkfifo(tmp_path / "pipe.yml")
    code, report, err = cli("check", "pipe.yml", "--format", "json", cwd=tmp_path)
    assert (code, report) == (2, None)
    assert err.strip() == f"pcelint: error: '{tmp_path / 'pipe.yml'}' is neither a regular file nor a folder."
    # a FIFO named like a node file, met in a folder walk, is skipped unopened
    (tmp_path / "d").mkdir()
    os.mkfifo(tmp_path / "d" / "runtime_env.yml")
    (tmp_path / "d" / "x").mkdir()
    (tmp_path / "d" / "x" / "runtime_env.yml").write_bytes(NODE)
    code, report, _ = cli("check", "d", "--format", "json", "--select", "PCE0", cwd=tmp_path)
    assert code == 0 and report["summary"]["files"] == 1
    # a FIFO as a certificate is "not found" (only regular files are candidates); as a zone file
    # it is a notification, never a blocking read
    write_pair(tmp_path / "p", {"server.key": cg.key_pem(cg.rsa_key(0))})
    os.mkfifo(tmp_path / "p" / "pces/prod/tls/server.crt")
    os.mkfifo(tmp_path / "p" / "corp.zone")
    code, report, err = cli("check", "pces/prod", "--format", "json", "--select", "PCE401,PCE6",
                            "--zone-file", "corp.zone", cwd=tmp_path / "p")
    assert (code, report) == (2, None)  # a typed value is checked first, unopened (CLI.md)
    assert "--zone-file 'corp.zone' is not a regular file" in err
    (tmp_path / "p" / ".pcelint.yml").write_text(
        "pairs:\n  - active: [pces/prod/active/*.yml]\n    standby: [pces/prod/standby/*.yml]\n"
        "    dns: {zone_files: [corp.zone]}\n")
    code, report, _ = cli("check", "pces/prod", "--format", "json", "--select", "PCE401,PCE6",
                          cwd=tmp_path / "p")
    assert code == 1
    assert findings(report) == [("pces/prod/active/core0.yml", 3, 26, "PCE401"),
                                ("pces/prod/standby/core0.yml", 3, 26, "PCE401")]
    assert "cannot be found" in report["findings"][0]["message"]
    assert [n["message"] for n in report["notifications"]] == [
        "The zone file 'corp.zone' cannot be read: not a regular file. Its records are not used."]


def test_zone_file_limit(tmp_path):
    from pcelint.inputs.dns.zonefile import ZoneError, load_zone

    zone = tmp_path / "corp.example.zone"
    zone.write_bytes(b"@ 300 IN A 192.0.2.1\n" * 1000)
    with pytest.raises(ZoneError, match=r"larger than 100 bytes \(the 'max_zone_bytes' limit\)"):
        load_zone(str(zone), "corp.example.zone", None, 100)
    assert load_zone(str(zone), "corp.example.zone", None, 10**6).records


@pytest.mark.parametrize("text", ["(\n", "$\x1d(\x1d\x00\n", "@ 300 IN SOA ns1 h 1 2 3 4 5\nx IN SOA ns1 h 1 2 3 4 5\n",
                                  "$TTL 300\n@t IN SOA ns1 hostmaster 1 3600 600 86400 300\n"])
def test_zone_reader_fuzz_regressions(tmp_path, text):
    """Found by fuzz/fuzz_zones.py: a line of only '(' (IndexError), dnspython's ValueError for a
    non-origin SOA; both must be a ZoneError (a notification), nothing else."""
    from pcelint.inputs.dns.zonefile import Zone, ZoneError, load_zone

    zone = tmp_path / "corp.example.zone"
    zone.write_text(text)
    try:
        assert isinstance(load_zone(str(zone), "z.zone"), Zone)
    except ZoneError as exc:
        assert str(exc).startswith("The zone file 'z.zone' cannot be parsed")


def test_zone_generate_bomb_is_a_notification(tmp_path):
    """Found by fuzz/fuzz_zones.py: `$GENERATE 1-4000000000` made dnspython build records for
    minutes. Beyond 'max_zone_generate' (default 10,000) the zone file is refused unread."""
    write_pair(tmp_path, {})
    (tmp_path / "corp.zone").write_text("$ORIGIN example.com.\n@ 300 IN SOA ns1 h 1 2 3 4 5\n"
                                        "$GENERATE 1-4000000000 host$ 300 IN A 192.0.2.1\n")
    code, report, _ = cli("check", "pces/prod", "--format", "json", "--select", "PCE6",
                          "--zone-file", "corp.zone", cwd=tmp_path)
    assert code == 0 and report["findings"] == []
    assert [n["message"] for n in report["notifications"]] == [
        "The zone file 'corp.zone' generates more than 10000 records with $GENERATE (the "
        "'max_zone_generate' limit), counted up to the directive on line 3. Its records are not "
        "used."]


def test_every_limit_is_in_the_schema_and_documented():
    from pcelint.limits import Limits

    schema = json.loads((ROOT / "schemas" / "pcelint-config.schema.json").read_text())
    in_schema = set(schema["properties"]["limits"]["properties"])
    doc = (ROOT / "docs" / "limits.md").read_text()
    for name in Limits.NAMES:
        default = getattr(Limits, name)
        assert name in in_schema, name
        assert f"| `{name}` | {default} |" in doc or f"| `{name}` | {default} (" in doc, name
    assert in_schema == set(Limits.NAMES)


def test_hostile_files_give_valid_reports_in_every_format(tmp_path):
    """All small hostile files at once, suppressions among them: json, github and text parse, and
    the SARIF passes Microsoft's validator."""
    from helpers.sarif_multitool import need_multitool, validate

    for n, name in enumerate(sorted(SMALL)):
        (tmp_path / f"h{n:02}").mkdir()
        (tmp_path / f"h{n:02}" / "runtime_env.yml").write_bytes((HOSTILE / name).read_bytes())
    (tmp_path / "s").mkdir()
    (tmp_path / "s" / "runtime_env.yml").write_text(
        "pce_fqdn: pce.example.com\nnode_type: core\npce_fqdn: x  # pcelint: disable=PCE002 -- known\n")
    code, report, _ = cli("check", ".", "--format", "json", "--include-suppressed", cwd=tmp_path)
    assert code == 1 and len(report["findings"]) >= len(SMALL)
    code, _, _ = cli("check", ".", "--format", "github", cwd=tmp_path)
    assert code == 1
    code, _, _ = cli("check", ".", "--format", "text", cwd=tmp_path)
    assert code == 1
    tool = need_multitool()
    code, _, _ = cli("check", ".", "--format", "sarif", "--include-suppressed", "--output",
                     "out.sarif", cwd=tmp_path)
    assert code == 1
    assert validate(tool, tmp_path / "out.sarif", tmp_path) == []


def test_zone_ttl_pattern_does_not_backtrack(tmp_path):
    """Found by fuzz/fuzz_zones.py: a 100-digit token followed by '%' made the TTL pattern
    "(\\d+[smhdw]?)+" backtrack for minutes. Now a ZoneError at once."""
    from pcelint.inputs.dns.zonefile import ZoneError, load_zone

    zone = tmp_path / "t.zone"
    zone.write_bytes(b"T\\\n$\n@ " + b"9" * 120 + b"%\n@$")
    with pytest.raises(ZoneError, match="cannot be parsed"):
        load_zone(str(zone), "t.zone")


@pytest.mark.parametrize("line", [b"a" * 1_000_000, b"x: " + b"a" * 1_000_000 + b"password: 1"],
                         ids=["scalar", "marker-at-the-end"])
def test_text_report_of_a_one_megabyte_line_is_short(tmp_path, line):
    """The text excerpt's secret masking was quadratic in the line's length (a 200 KB one-line
    file took minutes); excerpts are now cut at 300 characters and the caret stays on them."""
    (tmp_path / "runtime_env.yml").write_bytes(line + b"\n")
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    proc = subprocess.run([sys.executable, "-m", "pcelint", "check", "runtime_env.yml", "--color",
                           "never"], cwd=tmp_path, env=env, capture_output=True, timeout=TIMEOUT)
    assert proc.returncode == 1 and b"Traceback" not in proc.stderr
    out = proc.stdout.decode()
    assert "runtime_env.yml:1:" in out and " PCE001 error: " in out
    assert len(out) < 3000
