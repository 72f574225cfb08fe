"""The examples a new user runs first: the faulty pair's problems at the right lines, nothing for prod."""
from __future__ import annotations

from helpers.cli import lint_cli, report_pins
from helpers.paths import ROOT

LAB = "examples/pces/lab/"

EXPECTED = [
    (LAB + "active/core1.yml", 1, 1, "PCE301"),
    (LAB + "active/data1.yml", 21, 1, "PCE102"),
    (LAB + "active/data1.yml", 27, 1, "PCE104"),
    (LAB + "standby/core0.yml", 9, 11, "PCE402"),
    (LAB + "standby/core0.yml", 17, 23, "PCE305"),
    (LAB + "standby/core0.yml", 26, 20, "PCE302"),
    (LAB + "standby/core0.yml", 26, 20, "PCE303"),
    (LAB + "standby/core0.yml", 32, 22, "PCE306"),
    (LAB + "standby/core1.yml", 11, 35, "PCE201"),
]


CONFIG_EVIDENCE = [  # examples/.pcelint.yml declares WAL and DNS evidence for both pairs
    (LAB + "active/core0.yml", 25, 20, "PCE601"),
    (LAB + "standby/core0.yml", 32, 22, "PCE501"),
    (LAB + "standby/core0.yml", 32, 22, "PCE502"),
]


def test_quick_start_command(monkeypatch):
    # the config is found from the PATH (examples/.pcelint.yml), not from the current folder
    code, report = lint_cli(["check", "examples/", "--now", "2026-11-25T00:00:00Z"], cwd=ROOT)
    assert (code, report_pins(report)) == (1, sorted(EXPECTED + CONFIG_EVIDENCE))
    assert report["summary"]["pairs"] == 2
    assert {f["pair"] for f in report["findings"]} == {"lab"}


def test_examples_config_adds_wal_and_dns_evidence():
    code, report = lint_cli(["check", "--now", "2026-11-25T00:00:00Z"], cwd=ROOT / "examples")
    assert code == 1
    assert report_pins(report) == sorted(EXPECTED + CONFIG_EVIDENCE)
    assert {f["pair"] for f in report["findings"]} == {"lab"}
    [ttl] = [f for f in report["findings"] if f["code"] == "PCE601"]
    assert "86400 s" in ttl["message"] and "corp.example.zone:13" in ttl["message"]
