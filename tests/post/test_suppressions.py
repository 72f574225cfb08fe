"""Inline suppressions, PCE004/PCE005 and per_file_ignores."""
from __future__ import annotations

import pytest
from helpers.cli import lint_cli, report_pins
from helpers.gitrepo import ACTIVE, STANDBY, edit, make_repo

MISMATCH = "  active_pce_fqdn: pce-dr.corp.example"  # standby line 8: PCE302 at column 20
SELECT = ["--select", "PCE0,PCE3"]


@pytest.fixture
def repo(tmp_path):
    repo = make_repo(tmp_path, commit=False)
    edit(repo / STANDBY, "  active_pce_fqdn: pce.corp.example", MISMATCH)
    return repo


def check(repo, *extra):
    """json keeps suppressed findings only with --include-suppressed: always pass it here."""
    return lint_cli(["check", ".", *SELECT, "--include-suppressed", *extra], cwd=repo)


def test_unsuppressed(repo):
    code, report = check(repo)
    assert code == 1 and report_pins(report) == [(STANDBY, 8, 20, "PCE302")]


@pytest.mark.parametrize("comment", [
    "  # pcelint: disable=PCE302 -- migrating to the new name, CHG-1",
    "  # pcelint: disable=active-pce-fqdn-mismatch -- migrating to the new name, CHG-1",
    "  #pcelint:disable=PCE3 -- migrating to the new name, CHG-1",
])
def test_end_of_line_comment_by_code_name_or_prefix(repo, comment):
    edit(repo / STANDBY, MISMATCH, MISMATCH + comment)
    code, report = check(repo)
    assert code == 0 and report_pins(report) == []
    assert report_pins(report, unsuppressed=False) == [(STANDBY, 8, 20, "PCE302")]
    finding = report["findings"][0]
    assert finding["suppressed"] and finding["suppression_reason"] == "migrating to the new name, CHG-1"
    assert report["summary"]["suppressed"] == 1


def test_comment_alone_on_the_line_above(repo):
    edit(repo / STANDBY, MISMATCH, "  # pcelint: disable=PCE302 -- migration\n" + MISMATCH)
    code, report = check(repo)
    assert code == 0 and report_pins(report, unsuppressed=False) == [(STANDBY, 9, 20, "PCE302")]


def test_comment_two_lines_above_does_not_apply(repo):
    edit(repo / STANDBY, "active_standby_replication:",
         "# pcelint: disable=PCE302 -- migration\nactive_standby_replication:")
    code, report = check(repo)
    assert code == 1
    assert report_pins(report) == [(STANDBY, 7, 1, "PCE005"), (STANDBY, 9, 20, "PCE302")]


def test_disable_file_anywhere(repo):
    text = (repo / STANDBY).read_text()
    (repo / STANDBY).write_text(text + "# pcelint: disable-file=PCE302 -- migration\n")
    code, report = check(repo)
    assert code == 0 and report_pins(report) == []


def test_missing_reason_still_suppresses_and_raises_pce004(repo):
    edit(repo / STANDBY, MISMATCH, MISMATCH + "  # pcelint: disable=PCE302")
    code, report = check(repo)
    assert report_pins(report) == [(STANDBY, 8, 41, "PCE004")]
    assert report_pins(report, unsuppressed=False) == [(STANDBY, 8, 20, "PCE302"), (STANDBY, 8, 41, "PCE004")]
    assert code == 1  # PCE004 is a warning and the default gate is warning
    finding = next(f for f in report["findings"] if f["code"] == "PCE004")
    assert (finding["end_line"], finding["end_column"]) == (8, 66)


def test_unused_suppression_is_pce005(repo):
    edit(repo / ACTIVE, "pce_fqdn: pce-east.corp.example",
         "pce_fqdn: pce-east.corp.example  # pcelint: disable=PCE303,no-such-rule -- old")
    code, report = check(repo)
    assert report_pins(report) == [(ACTIVE, 3, 34, "PCE005"), (STANDBY, 8, 20, "PCE302")]
    message = next(f["message"] for f in report["findings"] if f["code"] == "PCE005")
    assert "'PCE303, no-such-rule'" in message


def test_partly_used_suppression_reports_the_unused_token(repo):
    edit(repo / STANDBY, MISMATCH, MISMATCH + "  # pcelint: disable=PCE302,PCE304 -- migration")
    _, report = check(repo)
    assert report_pins(report) == [(STANDBY, 8, 41, "PCE005")]
    unused = next(f for f in report["findings"] if f["code"] == "PCE005")
    assert "'PCE304'" in unused["message"]


def test_suppression_of_a_rule_that_did_not_run_is_not_unused(repo):
    edit(repo / ACTIVE, "pce_fqdn: pce-east.corp.example",
         "pce_fqdn: pce-east.corp.example  # pcelint: disable=PCE402,PCE307 -- cert renewal")
    # PCE402 not selected; PCE307 selected but skipped (no --base)
    _, report = lint_cli(["check", ".", "--select", "PCE0,PCE3"], cwd=repo)
    assert report_pins(report) == [(STANDBY, 8, 20, "PCE302")]


def test_per_file_ignores(repo):
    (repo / ".pcelint.yml").write_text('per_file_ignores: {"pces/*/standby/*.yml": [PCE302]}\n')
    code, report = check(repo)
    assert code == 0 and report_pins(report, unsuppressed=False) == []
    # a suppression of a per-file-ignored rule is not unused either
    edit(repo / STANDBY, MISMATCH, MISMATCH + "  # pcelint: disable=PCE302 -- migration")
    assert report_pins(check(repo)[1]) == []


def test_include_suppressed_keeps_them_in_sarif(repo):
    import json

    from helpers.cli import run_cli

    edit(repo / STANDBY, MISMATCH, MISMATCH + "  # pcelint: disable=PCE302 -- migration")
    out = json.loads(run_cli(["check", ".", *SELECT, "--format", "sarif"], cwd=repo)[1])
    assert out["runs"][0]["results"] == []
    out = json.loads(run_cli(["check", ".", *SELECT, "--format", "sarif", "--include-suppressed"],
                         cwd=repo)[1])
    (result,) = out["runs"][0]["results"]
    assert result["ruleId"] == "PCE302"
    assert result["suppressions"] == [{"kind": "inSource", "status": "accepted",
                                       "justification": "migration"}]


def test_pce004_splits_no_lines_of_a_file_without_a_comment(monkeypatch):
    from pcelint.core.findings import Span
    from pcelint.core.loader import load_yaml
    from pcelint.core.model import NodeFile
    from pcelint.rules import file as file_rules

    calls = []
    real = file_rules.parse
    monkeypatch.setattr(file_rules, "parse", lambda rel, lines: calls.append(rel) or real(rel, lines))
    plain = NodeFile("a.yml", "a.yml", load_yaml(b"pce_fqdn: pce.example.com\n"))
    assert list(file_rules.suppression_without_reason.check(plain, None)) == [] and calls == []
    commented = NodeFile("b.yml", "b.yml", load_yaml(
        b"pce_fqdn: pce.example.com  # pcelint: disable=PCE101\n"))
    found = list(file_rules.suppression_without_reason.check(commented, None))
    assert calls == ["b.yml"] and [p.at.span for p in found] == [Span(1, 28, 1, 53)]
