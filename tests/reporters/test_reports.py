"""Report snapshots of a multi-finding pair (text, json, sarif) and the github format.

Regenerate after an intended change with PCELINT_UPDATE_SNAPSHOTS=1; review the diff."""
from __future__ import annotations

import json
import os
import subprocess

import pytest
from helpers.cli import run_cli
from helpers.paths import SNAPSHOTS, copy_fixture


@pytest.fixture
def multi(tmp_path):
    repo = copy_fixture("pair-multi", tmp_path)
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    return repo


@pytest.mark.parametrize("fmt", ["text", "json", "sarif", "github"])
def test_snapshot(multi, fmt):
    code, out, _ = run_cli(["check", ".", "--format", fmt, "--color", "never", "--jobs", "1"], cwd=multi)
    assert code == 1
    snapshot = SNAPSHOTS / f"pair-multi.{fmt}"
    if os.environ.get("PCELINT_UPDATE_SNAPSHOTS"):
        snapshot.write_text(out)
    assert out == snapshot.read_text()


def test_no_report_format_shows_the_encryption_key(multi):
    for fmt in ("text", "json", "sarif", "github"):
        out = run_cli(["check", ".", "--format", fmt, "--include-suppressed"], cwd=multi)[1]
        assert "c2VjcmV0LWtleS0xMjM0NQ==" not in out and "b3RoZXIta2V5LWRpZmZlcg==" not in out


def test_github_commands_escape_data_and_properties(tmp_path):
    (tmp_path / "a,b").mkdir()
    (tmp_path / "a,b" / "runtime_env.yml").write_text("pce_fqdn: 'x:1'\nnode_type: core\n")
    out = run_cli(["check", ".", "--format", "github", "--select", "PCE103"], cwd=tmp_path)[1]
    line = out.splitlines()[0]
    assert line.startswith("::error file=a%2Cb/runtime_env.yml,line=2,col=11,endLine=2,endColumn=16,"
                           "title=PCE103 invalid-fqdn::") or line.startswith(
        "::error file=a%2Cb/runtime_env.yml,line=1,col=11,endLine=1,endColumn=16,title=PCE103 invalid-fqdn::")


def test_json_fingerprints_do_not_depend_on_line_numbers(multi):
    before = json.loads(run_cli(["check", ".", "--format", "json"], cwd=multi)[1])
    for name in ("active/core1.yml", "standby/core0.yml", "standby/core1.yml", "standby/data1.yml"):
        path = multi / name
        path.write_text("# a comment that shifts every line\n\n" + path.read_text())
    after = json.loads(run_cli(["check", ".", "--format", "json"], cwd=multi)[1])
    key = lambda r: sorted((f["code"], f["fingerprint"]) for f in r["findings"])
    assert key(before) == key(after)
    moved = [(f["line"], g["line"]) for f, g in zip(before["findings"], after["findings"])]
    assert all(new == (1 if old == 1 else old + 2) for old, new in moved)  # line 1: absent section
