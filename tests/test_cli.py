"""The command line contract (CLI.md): exit codes, selection, output, rules/explain, crashes."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import pytest
from helpers.cli import lint_cli, report_pins, run_cli
from helpers.paths import FIXTURES, copy_fixture
from helpers.paths import PAIR_MULTI_PINS as MULTI

import pcelint.core.registry
from pcelint import __version__
from pcelint.core.rule import rule


@pytest.fixture
def multi(tmp_path):
    repo = copy_fixture("pair-multi", tmp_path)
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    return repo


def test_multi_finding_pair_pins(multi):
    code, report = lint_cli(["check", "."], cwd=multi)
    assert (code, report_pins(report)) == (1, MULTI)


@pytest.mark.parametrize("args, code", [
    ([], 1),
    (["--fail-on", "error"], 1),
    (["--fail-on", "never"], 0),
    (["--select", "PCE306"], 0),
    (["--select", "pair-asymmetry,PCE1", "--fail-on", "error"], 1),
    (["--select", "PCE3", "--ignore", "PCE301,active-pce-fqdn-targets-node,port-mismatch"], 1),
    (["--select", "PCE2", "--ignore", "PCE201"], 0),
])
def test_exit_codes_follow_fail_on_and_selection(multi, args, code):
    assert run_cli(["check", ".", *args], cwd=multi)[0] == code


def test_fail_on_warning_counts_warnings_but_not_notes(tmp_path):
    (tmp_path / "runtime_env.yml").write_text("pce_fqdn: a.example.com\nnode_type: core\nnew_key: 1\n")
    assert run_cli(["check", "."], cwd=tmp_path)[0] == 0  # a note
    assert run_cli(["check", ".", "--fail-on", "note"], cwd=tmp_path)[0] == 1
    (tmp_path / "runtime_env.yml").write_text("pce_fqdn: a.example.com\nnode_type: core\nnode_typ: 1\n")
    assert run_cli(["check", "."], cwd=tmp_path)[0] == 1  # a warning
    assert run_cli(["check", ".", "--fail-on", "error"], cwd=tmp_path)[0] == 0


def test_select_by_code_name_and_prefix(multi):
    for token in ("PCE305", "port-mismatch", "PCE30"):
        _, report = lint_cli(["check", ".", "--select", token], cwd=multi)
        assert ("standby/core0.yml", 13, 23, "PCE305") in report_pins(report)
    _, report = lint_cli(["check", ".", "--select", "port-mismatch"], cwd=multi)
    assert {f["code"] for f in report["findings"]} == {"PCE305"}


@pytest.mark.parametrize("args", [["--select", "PCE999"], ["--ignore", "no-such-rule"],
                                  ["--now", "yesterday"], ["--jobs", "0"], ["--format", "xml"],
                                  ["--traffic-disk-gb", "big"]])
def test_usage_errors_exit_2(multi, args):
    assert run_cli(["check", ".", *args], cwd=multi)[0] == 2


def test_output_is_written_atomically_and_summary_goes_to_stderr(multi):
    code, out, err = run_cli(["check", ".", "--format", "json", "--output", "report.json"], cwd=multi)
    assert (code, out) == (1, "")
    assert "pcelint: " in err and " errors" in err
    assert json.loads((multi / "report.json").read_text())["summary"]["exit_code"] == 1
    assert [p.name for p in multi.iterdir() if p.name.startswith(".report")] == []


def test_unwritable_output_is_exit_2(multi):
    code, _, err = run_cli(["check", ".", "--output", "no/such/folder/report.txt"], cwd=multi)
    assert code == 2 and "cannot write the report" in err


def test_text_report_shows_location_caret_related_and_summary(multi):
    code, out, _ = run_cli(["check", ".", "--select", "PCE305", "--color", "never"], cwd=multi)
    assert out.splitlines() == [
        ".",
        "standby/core0.yml:13:23: PCE305 error: The standby's 'front_end_https_port' is '443' but the "
        "active's is '8443'; use the same port on both PCEs.",
        "   13 | front_end_https_port: 443",
        "      |                       ^^^",
        "      related: active/core0.yml:13:23: The active's 'front_end_https_port' is here.",
        "pcelint: 1 error, 0 warnings, 0 notes (0 suppressed) in 1 pair, 8 files.",
    ]


def test_color_always_and_no_color(multi):
    _, out, _ = run_cli(["check", ".", "--color", "always"], cwd=multi)
    assert "\x1b[31m" in out
    os.environ["NO_COLOR"] = "1"
    try:
        _, out, _ = run_cli(["check", ".", "--color", "auto"], cwd=multi)
    finally:
        del os.environ["NO_COLOR"]
    assert "\x1b[" not in out


def test_pair_command_audits_two_folders_copied_from_nodes(tmp_path):
    for role in ("active", "standby"):
        shutil.copytree(FIXTURES / "pair-multi" / role, tmp_path / "audit" / f"{role}-pce")
    code, report = lint_cli(["pair", "--active", "audit/active-pce", "--standby",
                         "audit/standby-pce/core0.yml", "audit/standby-pce/core1.yml",
                         "--select", "PCE3", "--name", "dc-audit"], cwd=tmp_path)
    assert code == 1
    assert ("audit/standby-pce/core0.yml", 13, 23, "PCE305") in report_pins(report)
    assert {f["pair"] for f in report["findings"]} == {"dc-audit"}
    assert report["summary"]["files"] == 6


def test_pair_command_with_missing_path_exits_2(tmp_path):
    assert run_cli(["pair", "--active", "a", "--standby", "b"], cwd=tmp_path)[0] == 2


def test_rules_formats_and_explain():
    code, out, _ = run_cli(["rules", "--format", "json"])
    rules = json.loads(out)
    assert code == 0 and {"code": "PCE302", "name": "active-pce-fqdn-mismatch", "level": "error"}.items() \
        <= next(r for r in rules if r["code"] == "PCE302").items()
    assert run_cli(["rules"])[1].startswith("PCE001  yaml-syntax")
    assert "| PCE201 | cluster-drift | error |" in run_cli(["rules", "--format", "markdown"])[1]
    for token in ("PCE303", "active-pce-fqdn-targets-node"):
        code, out, _ = run_cli(["explain", token])
        assert code == 0 and "## Why it matters" in out and "Would fail" in out
    assert run_cli(["explain", "PCE999"])[0] == 2


def test_version_and_python_m():
    out = subprocess.run([sys.executable, "-m", "pcelint", "--version"], capture_output=True,
                         text=True, check=True).stdout
    assert out.strip() == f"pcelint {__version__}"


def test_a_crashing_rule_is_a_notification_other_rules_run_and_exit_is_2(multi, monkeypatch,
                                                                         request):
    @rule("PCE998", "always-crashes", "error", "pair", "A test rule that raises.")
    def crashes(pair, ctx):
        """Raises."""
        raise KeyError("c2VjcmV0LWtleS0xMjM0NQ==")

    registry = pcelint.core.registry
    registry.all_rules.cache_clear()
    monkeypatch.setattr(registry, "_plugins", lambda taken: (crashes,))
    request.addfinalizer(registry.all_rules.cache_clear)
    for fmt in ("json", "sarif", "text", "github"):
        code, out, err = run_cli(["check", ".", "--format", fmt, "--jobs", "1"], cwd=multi)
        assert code == 2
        assert "c2VjcmV0LWtleS0xMjM0NQ==" not in out + err
        if fmt == "json":
            report = json.loads(out)
            assert ("standby/core0.yml", 13, 23, "PCE305") in report_pins(report)
            [note] = report["notifications"]
            assert note["code"] == "PCE998" and "crashed with KeyError" in note["message"]
        if fmt == "sarif":
            invocation = json.loads(out)["runs"][0]["invocations"][0]
            assert invocation["executionSuccessful"] is False


def test_malformed_inputs_never_produce_a_traceback(tmp_path):
    cases = {"binary.yml": bytes(range(256)), "runtime_env.yml": b"\xff\xfe" + "a: 1".encode("utf-16-le"),
             "bomb/runtime_env.yml": b"a: &a [" + b"x," * 50 + b"x]\n" + b"".join(
                 b"b%d: &b%d [" % (i, i) + b",".join([b"*a" if i == 0 else b"*b%d" % (i - 1)] * 50) + b"]\n"
                 for i in range(6)),
             "deep/runtime_env.yml": b"pce_fqdn: " + b"[" * 100000}
    for name, raw in cases.items():
        (tmp_path / name).parent.mkdir(exist_ok=True)
        (tmp_path / name).write_bytes(raw)
    proc = subprocess.run([sys.executable, "-m", "pcelint", "check", ".", "binary.yml", "--format", "json"],
                          cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert "Traceback" not in proc.stderr and proc.returncode == 1
    got = report_pins(json.loads(proc.stdout))
    assert ("runtime_env.yml", 1, 1, "PCE001") in got
    assert ("deep/runtime_env.yml", 1, 74, "PCE003") in got
    assert any(p[0] == "bomb/runtime_env.yml" and p[3] == "PCE003" for p in got)
