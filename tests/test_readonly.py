"""Read-only and atomic: a run changes no input (every file hashed before and after, for every
format); --output goes through a temporary file and a rename, so a failing or interrupted run never
leaves a partial report or a temporary file; an unwritable output path is exit 2 with a clear
message."""
from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest
from helpers import certgen as cg
from helpers.cli import run_cli
from helpers.pairkit import write_pair

import pcelint.commands

FORMATS = ("text", "json", "sarif", "github")


def snapshot(root: Path) -> dict:
    """path -> (sha256, mode, mtime_ns) of every file and folder under root, .git and the result
    cache excluded."""
    out = {}
    for path in sorted(root.rglob("*")):
        if {".git", ".pcelint_cache"} & set(path.relative_to(root).parts):  # not inputs
            continue
        info = path.lstat()
        digest = hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else None
        out[str(path.relative_to(root))] = (digest, info.st_mode, info.st_mtime_ns)
    return out


@pytest.fixture
def tree(tmp_path):
    cert = cg.pem(cg.issue(dns=["pce-a.example.com", "pce-b.example.com", "pce.example.com"]))
    write_pair(tmp_path, {"server.crt": cert, "server.key": cg.key_pem(cg.rsa_key(0)), "ca.pem": cert})
    (tmp_path / "corp.zone").write_text("$ORIGIN example.com.\n@ 300 IN SOA ns1 h 1 2 3 4 5\n"
                                        "pce 300 IN A 192.0.2.1\n")
    (tmp_path / "lone").mkdir()
    (tmp_path / "lone/runtime_env.yml").write_text("pce_fqdn: [\n")
    (tmp_path / ".pcelint.yml").write_text("limits: {max_depth: 32}\n")
    for path in tmp_path.rglob("*"):  # old times: a rewrite with the same bytes still shows
        os.utime(path, ns=(1_000_000_000, 1_000_000_000))
    return tmp_path


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_run_changes_no_input(tree, fmt):
    before = snapshot(tree)
    code, out, _ = run_cli(["check", "pces/prod", "lone", "--format", fmt, "--zone-file", "corp.zone",
                        "--now", "2024-06-01T00:00:00Z", "--jobs", "2"], cwd=tree)
    assert code == 1 and out
    assert snapshot(tree) == before
    out_dir = tree.parent / f"{tree.name}-out"
    out_dir.mkdir()
    code, out, _ = run_cli(["check", "pces/prod", "lone", "--format", fmt, "--output",
                        out_dir / "report", "--zone-file", "corp.zone"], cwd=tree)
    assert code == 1 and out == ""
    assert snapshot(tree) == before
    assert [p.name for p in out_dir.iterdir()] == ["report"]


def test_output_replaces_the_old_report_whole(tree):
    report = tree / "report.json"
    report.write_text("old report\n")
    code, _, _ = run_cli(["check", "pces/prod", "--format", "json", "--output", report], cwd=tree)
    assert code == 1 and report.read_text().startswith("{")
    assert sorted(p.name for p in tree.iterdir() if p.name.startswith(".report")) == []


def test_a_failing_run_leaves_the_old_report_and_no_temporary_file(tree, monkeypatch):
    report = tree / "report.sarif"
    report.write_text("old report\n")
    # a usage error before any output
    code, _, err = run_cli(["check", "pces/prod", "--format", "sarif", "--output", report, "--now",
                        "yesterday"], cwd=tree)
    assert code == 2 and "--now 'yesterday' is not an ISO-8601 time" in err
    # a reporter that fails while rendering
    def broken(*args, **kwargs):
        raise RuntimeError("reporter broke")

    monkeypatch.setattr(pcelint.commands, "render", broken)
    code, _, err = run_cli(["check", "pces/prod", "--format", "sarif", "--output", report], cwd=tree)
    assert code == 2 and "internal error (RuntimeError)" in err
    monkeypatch.undo()
    # interrupted while writing: the rename never happens
    real_replace = os.replace

    def interrupted(src, dst):
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "replace", interrupted)
    code, _, err = run_cli(["check", "pces/prod", "--format", "sarif", "--output", report], cwd=tree)
    monkeypatch.setattr(os, "replace", real_replace)
    assert code == 130 and "interrupted" in err
    assert report.read_text() == "old report\n"
    assert [p.name for p in tree.iterdir() if p.name.startswith(".report.sarif")] == []


@pytest.mark.parametrize("target, reason", [
    ("missing-folder/report.json", "No such file or directory"),
    ("a-folder", "Is a directory"),
    ("a-file/report.json", "Not a directory"),  # refused to root too, unlike a read-only folder
])
def test_unwritable_output_is_exit_2_with_a_clear_message(tree, target, reason):
    (tree / "a-folder").mkdir()
    (tree / "a-file").write_text("not a folder\n")
    code, out, err = run_cli(["check", "pces/prod", "--format", "json", "--output", target], cwd=tree)
    assert code == 2 and out == ""
    assert err.strip().splitlines()[0] == f"pcelint: error: cannot write the report to '{target}': {reason}."
    assert [p.name for p in tree.rglob(".*.tmp")] == []


def test_baseline_command_and_baseline_runs_change_no_input(tree):
    before = snapshot(tree)
    baseline = tree.parent / f"{tree.name}-baseline" / "baseline.json"
    baseline.parent.mkdir()
    code, _, err = run_cli(["baseline", "pces/prod", "lone", "--output", baseline], cwd=tree)
    assert code == 0, err
    assert snapshot(tree) == before
    assert [p.name for p in baseline.parent.iterdir()] == ["baseline.json"]
    recorded = baseline.read_bytes()
    for fmt in FORMATS:
        code, _, err = run_cli(["check", "pces/prod", "lone", "--format", fmt, "--baseline", baseline],
                           cwd=tree)
        assert code == 0, err
    assert snapshot(tree) == before and baseline.read_bytes() == recorded
    # an unwritable baseline output is exit 2 with the same clear message
    code, _, err = run_cli(["baseline", "pces/prod", "--output", "missing/b.json"], cwd=tree)
    assert code == 2 and err.strip().splitlines()[0] == (
        "pcelint: error: cannot write the report to 'missing/b.json': No such file or directory.")
