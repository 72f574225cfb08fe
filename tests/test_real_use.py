"""Issue 13: real use (layouts, typos, habits) through the real command line.

Each test fails on the code before issue 13: the per-node-subfolder layout, typed values checked
before linting, the config found from the PATHs, the report always written, PCE201's majority,
grouped skips, metadata and wording, output files and help, progress."""
from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from helpers.cli import lint_cli, report_pins, run_cli
from helpers.gitrepo import git
from helpers.nodegen import NODES, node_text, sub, write_pair

ROOT = Path(__file__).resolve().parents[1]


def per_node_pair(root: Path, folder="prod", standby_apf="pce.example.com") -> Path:
    """One subfolder per node, every file called runtime_env.yml (the audit layout)."""
    d = root / folder
    for role, fqdn, apf in (("active", "pce-a.example.com", "pce.example.com"),
                            ("standby", "pce-b.example.com", standby_apf)):
        for node, node_type in NODES:
            path = d / role / node / "runtime_env.yml"
            path.parent.mkdir(parents=True)
            path.write_text(node_text(fqdn, node_type, apf))
    return d


def repo_at(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    git(path, "init", "-q", "-b", "main")
    return path


# -- 1. the per-node-subfolder layout ----------------------------------------------------------
def test_check_forms_the_pair_from_per_node_subfolders(tmp_path):
    repo = repo_at(tmp_path / "r")
    per_node_pair(repo, standby_apf="pce-dr.example.com")
    code, report = lint_cli(["check", "."], cwd=repo)
    assert code == 1
    assert ("prod/standby/core0/runtime_env.yml", 8, 20, "PCE302") in report_pins(report)
    assert report["summary"]["pairs"] == 1 and report["summary"]["files"] == 8
    assert {f["pair"] for f in report["findings"]} == {"prod"}


def test_a_file_of_a_per_node_pair_selects_the_pair(tmp_path):
    repo = repo_at(tmp_path / "r")
    per_node_pair(repo, standby_apf="pce-dr.example.com")
    code, report = lint_cli(["check", "prod/active/core1/runtime_env.yml"], cwd=repo)
    assert code == 1
    assert ("prod/standby/core0/runtime_env.yml", 8, 20, "PCE302") in report_pins(report)


def test_pair_accepts_per_node_subfolders(tmp_path):
    d = per_node_pair(tmp_path, standby_apf="pce-dr.example.com")
    code, report = lint_cli(["pair", "--active", d / "active", "--standby", d / "standby"], cwd=tmp_path)
    assert code == 1
    assert ("prod/standby/core0/runtime_env.yml", 8, 20, "PCE302") in report_pins(report)
    assert report["summary"]["files"] == 8


def test_pair_folder_without_node_files_names_the_accepted_layouts(tmp_path):
    (tmp_path / "a" / "core0").mkdir(parents=True)
    (tmp_path / "a" / "core0" / "notes.txt").write_text("x")
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "core0.yml").write_text(node_text())
    code, out, err = run_cli(["pair", "--active", "a", "--standby", "b"], cwd=tmp_path)
    assert code == 2 and out == ""
    assert "'a'" in err and "active/core0.yml" in err and "active/core0/runtime_env.yml" in err


# -- 2. every typed value is checked before linting --------------------------------------------
BAD_VALUES = [
    (["--key", "nope.key"], "--key 'nope.key'"),
    (["--cert", "nope.crt"], "--cert 'nope.crt'"),
    (["--ca-bundle", "nope.pem"], "--ca-bundle 'nope.pem'"),
    (["--zone-file", "nope.zone"], "--zone-file 'nope.zone'"),
    (["--ca-bundle", "pair"], "--ca-bundle 'pair'"),  # a folder, not a file
    (["--config", "nope.yml"], "--config 'nope.yml'"),
    (["--baseline", "nope.json"], "--baseline 'nope.json'"),
    (["--extra-name", "pce-lb.example.com:8443"], "--extra-name 'pce-lb.example.com:8443'"),
    (["--extra-name", "http://x"], "--extra-name 'http://x'"),
    (["--extra-name", "*.example.org"], "--extra-name '*.example.org'"),
    (["--extra-name", "bad name"], "--extra-name 'bad name'"),
    (["--max-ttl", "-1"], "--max-ttl"),
    (["--traffic-disk-gb", "inf"], "--traffic-disk-gb 'inf'"),
    (["--traffic-disk-gb", "500,-1"], "--traffic-disk-gb '500,-1'"),
    (["--wal-rate-mb-per-hour", "nan"], "--wal-rate-mb-per-hour"),
    (["--max-lag-hours", "-2"], "--max-lag-hours"),
    (["--dns-timeout", "inf"], "--dns-timeout"),
    (["--jobs", "0"], "--jobs"),
    (["--base", "origin/mian"], "--base 'origin/mian'"),
    (["--selec", "PCE1"], "--selec"),
]


@pytest.mark.parametrize("args,named", BAD_VALUES, ids=[" ".join(a) for a, _ in BAD_VALUES])
def test_a_bad_typed_value_is_a_usage_error_naming_it(tmp_path, args, named):
    repo = repo_at(tmp_path / "r")
    write_pair(repo)
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "init")
    code, out, err = run_cli(["check", ".", *args], cwd=repo)
    assert code == 2, err
    assert named in err and out == ""


def test_unreadable_key_is_a_usage_error(tmp_path):
    if os.geteuid() == 0:  # root reads any file; the next test needs no permissions
        pytest.skip("root reads any file (CI runs as root: see test_a_key_that_is_a_folder_...)")
    write_pair(tmp_path)
    key = tmp_path / "server.key"
    key.write_text("x")
    key.chmod(0)
    code, _, err = run_cli(["check", ".", "--key", key], cwd=tmp_path)
    assert code == 2 and "cannot be read" in err


def test_a_key_that_is_a_folder_is_a_usage_error(tmp_path):
    write_pair(tmp_path)
    (tmp_path / "server.key").mkdir()
    code, _, err = run_cli(["check", ".", "--key", tmp_path / "server.key"], cwd=tmp_path)
    assert code == 2 and f"--key '{tmp_path / 'server.key'}' is not a regular file." in err


def test_same_path_as_active_and_standby_is_a_usage_error(tmp_path):
    folder = write_pair(tmp_path)
    code, _, err = run_cli(["pair", "--active", folder / "active", "--standby", folder / "active"])
    assert code == 2 and "both --active and --standby" in err


def test_abbreviated_option_is_refused(tmp_path):
    folder = write_pair(tmp_path)
    code, _, err = run_cli(["pair", "--activ", folder / "active", "--standby", folder / "standby"])
    assert code == 2 and "--active" in err


def test_repeated_select_and_ignore_accumulate(tmp_path):
    folder = write_pair(tmp_path, standby={"core0": sub("pce.example.com", "pce-dr.example.com")})
    _, report = lint_cli(["check", folder, "--select", "PCE302", "--select", "PCE201"])
    assert {f["code"] for f in report["findings"]} == {"PCE302", "PCE201"}
    _, report = lint_cli(["check", folder, "--ignore", "PCE302", "--ignore", "PCE201"])
    assert not {f["code"] for f in report["findings"]} & {"PCE302", "PCE201"}


def test_base_head_without_commits_is_accepted(tmp_path):
    repo = repo_at(tmp_path / "r")
    write_pair(repo)
    code, _, err = run_cli(["check", ".", "--base", "HEAD", "--format", "json"], cwd=repo)
    assert code == 0, err


CONFIG_PAIR = "pairs:\n  - active: [pair/active/*.yml]\n    standby: [pair/standby/*.yml]\n"


@pytest.mark.parametrize("extra,line,key", [
    ("    extra_names: [ok.example.com, 'http://secret-host.example']\n", 4,
     "pairs[0].extra_names[1]"),
    ("    extra_names: ['pce-lb.example.com:8443']\n", 4, "pairs[0].extra_names[0]"),
    ("    traffic_disk_gb: .inf\n", 4, "pairs[0].traffic_disk_gb"),
    ("    wal: {rate_mb_per_hour: .nan}\n", 4, "pairs[0].wal.rate_mb_per_hour"),
    ("    wal:\n      max_lag_hours: -7.25\n", 5, "pairs[0].wal.max_lag_hours"),
    ("    dns: {max_ttl: -1}\n", 4, "pairs[0].dns.max_ttl"),
    ("    traffic_disk_gb: '500'\n", 4, "pairs[0].traffic_disk_gb"),
])
def test_bad_config_values_name_file_line_and_key_without_the_value(tmp_path, extra, line, key):
    write_pair(tmp_path)
    (tmp_path / ".pcelint.yml").write_text(CONFIG_PAIR + extra)
    code, out, err = run_cli(["check", "."], cwd=tmp_path)
    assert code == 2 and out == ""
    assert f".pcelint.yml:{line}: '{key}'" in err
    for value in ("secret-host", "8443", "inf", "nan", "7.25", "-1", "500"):
        assert value not in err.split(".pcelint.yml:", 1)[1].split(": ", 1)[1], err
    assert "is not valid under any of the given schemas" not in err


# -- 3. the config is found from the PATHs, not the current folder -----------------------------
def test_same_paths_from_two_folders_give_identical_json(tmp_path):
    repo = repo_at(tmp_path / "repo")
    write_pair(repo, standby={"core1": sub("pce.example.com", "pce-x.example.com")})
    (repo / ".pcelint.yml").write_text("pairs:\n  - name: prod\n    active: [pair/active/*.yml]\n"
                                       "    standby: [pair/standby/*.yml]\n")
    (tmp_path / "elsewhere").mkdir()
    outputs = []
    for cwd in (repo, tmp_path / "elsewhere"):
        code, out, err = run_cli(["check", repo, "--format", "json", "--jobs", "1"], cwd=cwd)
        assert code == 1, err
        outputs.append(out)
    assert outputs[0] == outputs[1]
    assert {f["pair"] for f in json.loads(outputs[0])["findings"]} == {"prod"}


# -- 4. the report is always written -----------------------------------------------------------
@pytest.mark.parametrize("fmt", ["json", "sarif", "text", "github"])
def test_report_is_written_when_nothing_was_linted(tmp_path, fmt):
    (tmp_path / "ci.yml").write_text("on: push\n")
    report = tmp_path / f"r.{fmt}"
    code, out, err = run_cli(["check", "ci.yml", "--format", fmt, "--output", report], cwd=tmp_path)
    assert code == 0 and report.is_file(), err
    if fmt == "sarif":
        log = json.loads(report.read_text())
        assert log["runs"][0]["results"] == []


def test_empty_run_sarif_validates_with_the_multitool(tmp_path):
    from helpers.sarif_multitool import need_multitool, validate
    tool = need_multitool()
    (tmp_path / "ci.yml").write_text("on: push\n")
    code, _, _ = run_cli(["check", "ci.yml", "--format", "sarif", "--output", "r.sarif"], cwd=tmp_path)
    assert code == 0 and (tmp_path / "r.sarif").is_file()
    assert validate(tool, tmp_path / "r.sarif", tmp_path) == []


def test_output_dash_is_stdout(tmp_path):
    folder = write_pair(tmp_path)
    code, out, err = run_cli(["check", folder, "--format", "json", "--output", "-"], cwd=tmp_path)
    assert code == 0 and json.loads(out)["summary"]["pairs"] == 1
    assert not (tmp_path / "-").exists()


# -- 5. deletions in a commit (in-process; the real pre-commit is in test_precommit.py) --------
def test_deleted_node_file_lints_its_pair_under_pre_commit(tmp_path, monkeypatch):
    repo = repo_at(tmp_path / "r")
    write_pair(repo)
    # a broken pair the commit does not touch: the hook lints only what the commit changes
    write_pair(repo / "other", standby={"core0": sub("pce.example.com", "pce-dr.example.com")})
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "init")
    git(repo, "rm", "-q", "pair/standby/data1.yml")
    monkeypatch.setenv("PRE_COMMIT", "1")
    code, report = lint_cli(["check", "--base", "HEAD"], cwd=repo)
    assert code == 1
    assert ("pair/standby/core0.yml", 4, 12, "PCE202") in report_pins(report)
    assert {f["pair"] for f in report["findings"]} == {"pair"}
    # a renamed file (its new name not passed, as a .bak does not match the hook's pattern)
    git(repo, "reset", "-q", "--hard")
    git(repo, "mv", "pair/active/data0.yml", "pair/active/data0.yml.bak")
    code, report = lint_cli(["check", "--base", "HEAD"], cwd=repo)
    assert code == 1
    assert ("pair/active/core0.yml", 4, 12, "PCE202") in report_pins(report)


def test_no_files_and_no_deletion_under_pre_commit_lints_nothing(tmp_path, monkeypatch):
    repo = repo_at(tmp_path / "r")
    write_pair(repo, standby={"core0": sub("pce.example.com", "pce-dr.example.com")})
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "init")
    monkeypatch.setenv("PRE_COMMIT", "1")
    code, out, err = run_cli(["check", "--base", "HEAD"], cwd=repo)
    assert code == 0 and "nothing to lint" in err


# -- 6. PCE201: the majority is the reference --------------------------------------------------
def test_pce201_flags_only_the_odd_node(tmp_path):
    folder = write_pair(tmp_path, standby={"core0": sub("pce.example.com", "pce-x.example.com")})
    _, report = lint_cli(["check", folder, "--select", "PCE201"], cwd=tmp_path)
    assert report_pins(report) == [("pair/standby/core0.yml", 8, 20, "PCE201")]
    (finding,) = report["findings"]
    assert finding["related"][0]["path"] == "pair/standby/core1.yml"


def test_pce201_tie_takes_the_first_core_nodes_value(tmp_path):
    change = sub("pce.example.com", "pce-x.example.com")
    folder = write_pair(tmp_path, standby={"data0": change, "data1": change})
    _, report = lint_cli(["check", folder, "--select", "PCE201"], cwd=tmp_path)
    assert report_pins(report) == [("pair/standby/data0.yml", 8, 20, "PCE201"),
                            ("pair/standby/data1.yml", 8, 20, "PCE201")]


def test_pce201_says_which_value_is_a_string(tmp_path):
    folder = write_pair(tmp_path, active={"core1": sub("front_end_https_port: 8443",
                                                       "front_end_https_port: '8443'")})
    _, report = lint_cli(["check", folder, "--select", "PCE201"], cwd=tmp_path)
    assert report_pins(report) == [("pair/active/core1.yml", 13, 23, "PCE201")]
    message = report["findings"][0]["message"]
    assert "'8443' (a string) here but '8443' (a number)" in message


def test_pce201_identical_certificate_content_is_not_drift(tmp_path):
    def cert_line(path):
        return lambda text: text + f"web_service_certificate: {path}\n"
    folder = write_pair(tmp_path, active={"core0": cert_line("/etc/a/server.crt"),
                                          "core1": cert_line("/etc/b/copy.crt"),
                                          "data0": cert_line("/etc/a/server.crt"),
                                          "data1": cert_line("/etc/c/other.crt")})
    (folder / "tls").mkdir()
    (folder / "tls" / "server.crt").write_text("same bytes\n")
    (folder / "tls" / "copy.crt").write_text("same bytes\n")
    (folder / "tls" / "other.crt").write_text("other bytes\n")
    _, report = lint_cli(["check", folder, "--select", "PCE201"], cwd=tmp_path)
    assert report_pins(report) == [("pair/active/data1.yml", 14, 26, "PCE201")]
    assert "different content" in report["findings"][0]["message"]


# -- 7. grouped skips --------------------------------------------------------------------------
GROUPED = """\
pcelint: 0 errors, 0 warnings, 0 notes (0 suppressed) in 3 pairs, 25 files; 17 rules skipped.
  skipped PCE307 (3 pairs and 1 lone file): no base revision: the files are not in a git work tree (in one, pass --base REV)
  skipped PCE401 (3 pairs): the node files name no web_service_certificate and no 'certificate' (--cert) is configured
  skipped PCE402 (3 pairs): the node files name no web_service_certificate and no 'certificate' (--cert) is configured
  skipped PCE404 (3 pairs): the node files name no web_service_certificate and no 'certificate' (--cert) is configured
  skipped PCE405 (3 pairs): the node files name no web_service_certificate and no 'certificate' (--cert) is configured
  skipped PCE406 (3 pairs): the node files name no web_service_certificate and no 'certificate' (--cert) is configured
  skipped PCE407 (3 pairs): the node files name no web_service_certificate and no 'certificate' (--cert) is configured
  skipped PCE408 (3 pairs): the node files name no web_service_certificate and no 'certificate' (--cert) is configured
  skipped PCE409 (3 pairs): the node files name no web_service_certificate and no 'certificate' (--cert) is configured
  skipped PCE410 (3 pairs): the node files name no web_service_certificate and no 'certificate' (--cert) is configured
  skipped PCE501 (3 pairs): declare traffic_disk_gb (or --traffic-disk-gb) to check the WAL disk budget
  skipped PCE502 (3 pairs): declare wal.rate_mb_per_hour (or --wal-rate-mb-per-hour) to check the WAL retention window
  skipped PCE601 (3 pairs): no DNS data: give --zone-file or --dns
  skipped PCE602 (3 pairs): no DNS data: give --zone-file or --dns
  skipped PCE603 (3 pairs): no DNS data: give --zone-file or --dns
  skipped PCE604 (3 pairs): no DNS data: give --zone-file or --dns
  skipped PCE701: not inside a git work tree; only keys git tracks or has staged are checked
"""


def _fleet(tmp_path):
    for name in ("a", "b", "c"):
        write_pair(tmp_path / name)
    lone = tmp_path / "lab" / "runtime_env.yml"
    lone.parent.mkdir()
    lone.write_text(node_text(node_type="snc0"))
    return tmp_path


def test_grouped_skips_snapshot(tmp_path):
    fleet = _fleet(tmp_path)
    code, out, err = run_cli(["check", ".", "--color", "never", "--jobs", "1"], cwd=fleet)
    assert code == 0, err
    assert out == GROUPED
    assert "pre-commit" not in out  # outside git no hook is suggested


def test_show_skips_lists_every_pair(tmp_path):
    fleet = _fleet(tmp_path)
    code, out, _ = run_cli(["check", ".", "--show-skips", "--jobs", "1"], cwd=fleet)
    assert code == 0
    for name in ("a/pair", "b/pair", "c/pair"):
        assert f"  skipped PCE501 ({name}): " in out


def test_lone_files_pce307_skip_is_one_line(tmp_path):
    repo = repo_at(tmp_path / "r")
    for n in range(3):
        path = repo / f"n{n}" / "runtime_env.yml"
        path.parent.mkdir()
        path.write_text(node_text(node_type="snc0"))
    code, out, _ = run_cli(["check", ".", "--jobs", "1"], cwd=repo)
    assert code == 0
    lines = [line for line in out.splitlines() if "PCE307" in line]
    assert lines == ["  skipped PCE307 (3 lone files): no base revision: pass --base REV (the "
                     "pre-commit hook passes --base HEAD)"]
    # with a base, each file's own reason names it once
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "init")
    (repo / "n3").mkdir()
    (repo / "n3" / "runtime_env.yml").write_text(node_text(node_type="snc0"))
    code, out, _ = run_cli(["check", ".", "--base", "HEAD", "--jobs", "1"], cwd=repo)
    lines = [line for line in out.splitlines() if "PCE307" in line]
    assert lines == ["  skipped PCE307 (1 lone file): 'n3/runtime_env.yml' is new since 'HEAD'"]


# -- 8. metadata and wording -------------------------------------------------------------------
def test_pce005_and_pce701_in_a_pairs_files_carry_pair_and_role(tmp_path):
    repo = repo_at(tmp_path / "r")
    folder = write_pair(repo, standby={"core0": lambda t: t + "# pcelint: disable-file=PCE306 -- x\n"})
    from helpers.certgen import key_pem, rsa_key
    (folder / "active" / "server.key").write_bytes(key_pem(rsa_key()))  # generated, never committed
    git(repo, "add", "-A")
    _, report = lint_cli(["check", "."], cwd=repo)
    found = {(f["code"], f["path"]): (f["pair"], f["role"]) for f in report["findings"]}
    assert found[("PCE005", "pair/standby/core0.yml")] == ("pair", "standby")
    assert found[("PCE701", "pair/active/server.key")] == ("pair", "active")
    code, out, _ = run_cli(["check", "."], cwd=repo)
    assert "lone node files" not in out


def test_booleans_are_shown_as_written_and_hidden_values_once(tmp_path):
    folder = write_pair(tmp_path, active={
        "core0": lambda t: t + "insecure_tls_weak_ciphers_enabled: True\n",
        "core1": sub("service_discovery_encryption_key: c2VjcmV0LWtleS0xMjM0NQ==",
                     "service_discovery_encryption_key: yes")})
    _, report = lint_cli(["check", folder, "--select", "PCE101,PCE105"], cwd=tmp_path)
    messages = {f["code"]: f["message"] for f in report["findings"]}
    assert "is 'True'" in messages["PCE105"]
    assert "((value hidden))" not in messages["PCE101"] and "(value hidden)" in messages["PCE101"]


def test_pair_command_names_the_pair_from_the_two_folders_or_name(tmp_path):
    folder = write_pair(tmp_path, standby={"core0": sub("pce.example.com", "pce-dr.example.com")})
    _, report = lint_cli(["pair", "--active", "active", "--standby", "standby"], cwd=folder)
    assert {f["pair"] for f in report["findings"]} == {"active + standby"}
    _, report = lint_cli(["pair", "--active", "active", "--standby", "standby", "--name", "prod"],
                     cwd=folder)
    assert {f["pair"] for f in report["findings"]} == {"prod"}


def test_empty_config_is_all_defaults(tmp_path):
    folder = write_pair(tmp_path)
    for text in ("", "# only a comment\n"):
        (tmp_path / ".pcelint.yml").write_text(text)
        code, out, err = run_cli(["check", folder], cwd=tmp_path)
        assert code == 0, err
        assert "runtime_env" not in err


def test_config_list_top_level_is_described_as_a_config(tmp_path):
    write_pair(tmp_path)
    (tmp_path / ".pcelint.yml").write_text("- select\n")
    code, _, err = run_cli(["check", "."], cwd=tmp_path)
    assert code == 2 and ".pcelint.yml:1:" in err and "runtime_env" not in err


@pytest.mark.parametrize("text,line", [
    ("select: [PCE1, PCE999]\n", 1),
    ("ignore:\n  - PCE1\n  - nope\n", 3),
    ("per_file_ignores:\n  'pair/**': [PCE4]\n  'x/**': [PCE999]\n", 3),
])
def test_config_rule_tokens_that_name_no_rule_give_file_and_line(tmp_path, text, line):
    write_pair(tmp_path)
    (tmp_path / ".pcelint.yml").write_text(text)
    code, _, err = run_cli(["check", "."], cwd=tmp_path)
    assert code == 2 and f".pcelint.yml:{line}: " in err


def _cert_pair(tmp_path, key):
    from helpers.certgen import issue, pem
    lines = lambda t: t + "web_service_certificate: /x/server.crt\nweb_service_private_key: /x/server.key\n"
    folder = write_pair(tmp_path, active={n: lines for n, _ in NODES},
                        standby={n: lines for n, _ in NODES})
    (folder / "tls").mkdir()
    (folder / "tls" / "server.crt").write_bytes(pem(issue(
        dns=("pce-a.example.com", "pce-b.example.com", "pce.example.com"), key=key)))
    return folder


def test_extra_name_flag_is_attributed_to_the_flag(tmp_path):
    from helpers.certgen import rsa_key
    folder = _cert_pair(tmp_path, rsa_key())
    _, report = lint_cli(["check", folder, "--select", "PCE402", "--extra-name", "pce-lb.example.com",
                      "--now", "2024-06-01T00:00:00Z"], cwd=tmp_path)
    (finding,) = report["findings"]
    assert "--extra-name" in finding["message"] and "configuration" not in finding["message"]


def test_an_ec_key(tmp_path):
    from helpers.certgen import ec_key
    folder = _cert_pair(tmp_path, ec_key())
    _, report = lint_cli(["check", folder, "--select", "PCE410", "--now", "2024-06-01T00:00:00Z"],
                     cwd=tmp_path)
    messages = [f["message"] for f in report["findings"]]
    assert messages and all(" an EC" in m and " a EC" not in m for m in messages), messages


def test_name_server_warning_is_not_tagged_with_a_rule():
    from pcelint.inputs.dns.live import resolve_names
    _, notes = resolve_names(["pce.example.com"], ["no-such-host.invalid"], 0.5)
    assert notes and all(n.code is None for n in notes)


# -- 9. output files and help ------------------------------------------------------------------
def test_output_file_mode_is_0666_less_umask_and_an_existing_mode_is_kept(tmp_path):
    folder = write_pair(tmp_path)
    old = os.umask(0o022)
    try:
        code, _, _ = run_cli(["check", folder, "--format", "json", "--output", tmp_path / "new.json"])
        assert code == 0
        assert stat.S_IMODE((tmp_path / "new.json").stat().st_mode) == 0o644
        kept = tmp_path / "kept.json"
        kept.write_text("{}")
        kept.chmod(0o640)
        run_cli(["check", folder, "--format", "json", "--output", kept])
        assert stat.S_IMODE(kept.stat().st_mode) == 0o640 and kept.read_text() != "{}"
        base = tmp_path / "base.json"
        run_cli(["baseline", folder, "--output", base])
        assert stat.S_IMODE(base.stat().st_mode) == 0o644
    finally:
        os.umask(old)


def test_baseline_refuses_a_report_format(tmp_path):
    folder = write_pair(tmp_path)
    code, _, err = run_cli(["baseline", folder, "--format", "sarif", "--output", tmp_path / "b.json"])
    assert code == 2 and "--format 'sarif'" in err
    assert not (tmp_path / "b.json").exists()


def _help(*args):
    proc = subprocess.run([sys.executable, "-m", "pcelint", *args, "-h"], capture_output=True,
                          text=True, env={**os.environ, "COLUMNS": "200"}, cwd=ROOT)
    assert proc.returncode == 0
    return proc.stdout


def test_baseline_help_lists_only_what_applies():
    text = _help("baseline")
    for option in ("--format", "--fail-on", "--color", "--baseline ", "--include-suppressed",
                   "--show-skips"):
        assert option not in text, option
    assert "--output FILE" in text


def test_help_gives_text_and_defaults():
    check = _help("check")
    assert "report format (default: text)" in check
    assert "(default: warning)" in check
    assert "pairs linted in parallel, at most (default: number of CPUs" in check
    assert "fewer when there are few pairs to lint or the CPUs are busy)" in check
    pair = _help("pair")
    assert "one subfolder per node holding runtime_env.yml" in pair


# -- 11. progress ------------------------------------------------------------------------------
class _Tty:
    def __init__(self):
        self.written = []

    def isatty(self):
        return True

    def write(self, text):
        self.written.append(text)

    def flush(self):
        pass


def test_progress_is_drawn_on_a_terminal(monkeypatch):
    import threading

    from pcelint import progress
    monkeypatch.setattr(progress, "DELAY", 0.0)
    stream = _Tty()
    drawn = threading.Event()
    stream.write = lambda text, _w=stream.written: (_w.append(text), drawn.set())
    p = progress.Progress(10, stream=stream)
    p.advance(3)
    assert drawn.wait(60)  # a hang detector, not a timing assertion
    p.close()
    assert any("/10 pairs and files linted" in t for t in stream.written)


def test_no_progress_when_stderr_is_not_a_terminal(tmp_path, monkeypatch):
    from pcelint import progress
    monkeypatch.setattr(progress, "DELAY", 0.0)
    folder = write_pair(tmp_path)
    code, _, err = run_cli(["check", folder, "--jobs", "1"])
    assert code == 0 and "\r" not in err and "linted" not in err
    assert progress.Progress.for_run(5).enabled is False


def test_pce201_same_path_with_one_nodes_copy_missing_is_not_drift(tmp_path):
    """Per-node layout: only core0's folder holds a copy of the certificate; the others name the
    same path on the node, so there is no drift."""
    d = per_node_pair(tmp_path)
    for node, _ in NODES:
        path = d / "active" / node / "runtime_env.yml"
        path.write_text(path.read_text() + "web_service_certificate: /etc/pce/server.crt\n")
    (d / "active" / "core0" / "server.crt").write_text("copied from core0\n")
    _, report = lint_cli(["check", d, "--select", "PCE201"], cwd=tmp_path)
    assert report_pins(report) == []


def test_skips_that_quote_each_pairs_paths_are_grouped(tmp_path):
    from helpers.certgen import rsa_key
    key = rsa_key()
    for name in ("east", "west"):
        (tmp_path / name).mkdir()
        _cert_pair(tmp_path / name, key)  # names a private key that is in neither pair
    code, out, err = run_cli(["check", ".", "--select", "PCE405", "--color", "never", "--jobs", "1",
                          "--now", "2024-06-01T00:00:00Z"], cwd=tmp_path)
    assert code == 0, err
    lines = [line for line in out.splitlines() if line.startswith("  skipped")]
    assert lines == [
        "  skipped PCE405 (2 pairs): the private key of 'active/core0.yml' was not found; looked in "
        "'active/server.key', 'server.key', 'certs/server.key', 'tls/server.key', '/x/server.key' "
        "(not read: it is outside the linted tree) (paths relative to each pair's folder)",
        "  skipped PCE405 (2 pairs): the private key of 'standby/core0.yml' was not found; looked in "
        "'standby/server.key', 'server.key', 'certs/server.key', 'tls/server.key', '/x/server.key' "
        "(not read: it is outside the linted tree) (paths relative to each pair's folder)"]


def test_progress_through_the_cli_on_a_terminal(tmp_path, monkeypatch):
    import io
    from contextlib import redirect_stderr, redirect_stdout

    from pcelint import progress
    from pcelint.cli import main

    class TtyErr(io.StringIO):
        def isatty(self):
            return True

    monkeypatch.setattr(progress, "DELAY", 0.0)  # as if the run had taken more than two seconds
    folder = write_pair(tmp_path)
    out, err = io.StringIO(), TtyErr()
    with redirect_stdout(out), redirect_stderr(err):
        code = main(["check", str(folder), "--jobs", "1", "--format", "json"])
    assert code == 0
    assert "/1 pairs and files linted" in err.getvalue()
    assert "linted" not in out.getvalue()  # stdout carries only the report
