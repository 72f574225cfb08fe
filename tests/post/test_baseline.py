"""`pcelint baseline --output FILE` and `pcelint check --baseline FILE`."""
from __future__ import annotations

import json

import pytest
from helpers.cli import lint_cli, report_pins, run_cli
from helpers.gitrepo import LONE, STANDBY, edit, make_repo

SELECT = ["--select", "PCE0,PCE1,PCE3"]


@pytest.fixture
def repo(tmp_path):
    repo = make_repo(tmp_path, commit=False)
    edit(repo / STANDBY, "active_pce_fqdn: pce.corp.example", "active_pce_fqdn: pce-dr.corp.example")
    edit(repo / LONE, "node_type: snc0", "node_type: snc0\nemial_address: ops@corp.example")
    return repo


def write_baseline(repo):
    code, out, err = run_cli(["baseline", ".", *SELECT, "--output", "baseline.json"], cwd=repo)
    assert code == 0, err
    assert out == "" and "wrote the baseline 'baseline.json'" in err
    return json.loads((repo / "baseline.json").read_text())


def test_baseline_records_fingerprints_and_hides_known_findings(repo):
    before = lint_cli(["check", ".", *SELECT], cwd=repo)[1]
    assert report_pins(before) == [(LONE, 4, 1, "PCE102"), (STANDBY, 8, 20, "PCE302")]
    doc = write_baseline(repo)
    assert doc["version"] == 1
    assert sorted((e["code"], e["path"]) for e in doc["findings"]) == [
        ("PCE102", LONE), ("PCE302", STANDBY)]
    assert {e["fingerprint"] for e in doc["findings"]} == {f["fingerprint"] for f in before["findings"]}
    code, report = lint_cli(["check", ".", *SELECT, "--baseline", "baseline.json"], cwd=repo)
    assert code == 0 and report_pins(report) == [] and report["summary"]["baseline_gone"] == 0


def test_inserting_lines_above_does_not_resurface_a_finding(repo):
    write_baseline(repo)
    text = (repo / STANDBY).read_text()
    (repo / STANDBY).write_text("# moved down\n# by three\n# lines\n" + text)
    code, report = lint_cli(["check", ".", *SELECT, "--baseline", "baseline.json"], cwd=repo)
    assert code == 0 and report_pins(report) == []
    # without the baseline it is there, three lines lower
    assert (STANDBY, 11, 20, "PCE302") in report_pins(lint_cli(["check", ".", *SELECT], cwd=repo)[1])


def test_new_findings_are_reported_and_gone_entries_counted(repo):
    write_baseline(repo)
    edit(repo / LONE, "emial_address", "email_address")  # fixes a baselined finding
    edit(repo / STANDBY, "pce_fqdn: pce-west.corp.example", "pce_fqdn: pce-east.corp.example")
    code, out, err = run_cli(["check", ".", *SELECT, "--baseline", "baseline.json"], cwd=repo)
    assert code == 1
    assert "; 1 baseline entry no longer occurs" in out
    code, report = lint_cli(["check", ".", *SELECT, "--baseline", "baseline.json"], cwd=repo)
    assert report_pins(report) == [(STANDBY, 3, 11, "PCE304")]
    assert report["summary"]["baseline_gone"] == 1


@pytest.mark.parametrize("content", ["not json", '{"version": 99, "findings": []}', '[]'])
def test_a_bad_baseline_is_a_usage_error(repo, content):
    (repo / "baseline.json").write_text(content)
    code, out, err = run_cli(["check", ".", "--baseline", "baseline.json"], cwd=repo)
    assert code == 2 and out == "" and "baseline" in err


def test_missing_baseline_and_missing_output(repo):
    code, _, err = run_cli(["check", ".", "--baseline", "nope.json"], cwd=repo)
    assert code == 2 and "nope.json" in err
    code, _, err = run_cli(["baseline", "."], cwd=repo)
    assert code == 2 and "--output" in err
