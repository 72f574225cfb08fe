"""The hook in `.pre-commit-hooks.yaml`, run by the real pre-commit (`pre-commit try-repo`).

try-repo builds the hook's virtualenv from this project's git repository (HEAD plus uncommitted
changes to tracked files), so the project must be a git checkout; pip installs the dependencies.
"""
from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
import yaml
from helpers.gitrepo import ACTIVE, GIT_ENV, LONE, STANDBY, edit, git, make_repo
from helpers.paths import ROOT
from helpers.tools import need_tool, unavailable

PROJECT = ROOT
TIMEOUT = 900  # the first run builds a virtualenv and installs pcelint into it


def test_hook_definition():
    (hook,) = yaml.safe_load((PROJECT / ".pre-commit-hooks.yaml").read_text())
    assert hook["id"] == "pcelint" and hook["entry"] == "pcelint check --base HEAD"
    assert hook["language"] == "python" and hook["require_serial"] is True
    assert hook["always_run"] is True  # a deletion passes no file name, the hook must still run
    import re
    files = re.compile(hook["files"])
    for name in ("pces/a/active/core0.yml", "x.yaml", "tls/server.pem", "tls/server.crt",
                 "tls/server.cer", "tls/server.der", "tls/server.key", "dns/corp.example.zone",
                 "dns/db.corp.example", "TLS/SERVER.CRT"):
        assert files.search(name), name
    for name in ("README.md", "setup.py", "notes.txt"):
        assert not files.search(name), name


@pytest.fixture(scope="session")
def pre_commit_home(tmp_path_factory):
    need_tool("pre-commit", "the pre-commit hook is proven with the real pre-commit")
    if subprocess.run(["git", "-C", str(PROJECT), "rev-parse", "HEAD"],
                      capture_output=True).returncode != 0:
        unavailable(f"'{PROJECT}' is not a git checkout, so pre-commit try-repo cannot install it")
    return tmp_path_factory.mktemp("pre-commit-home")


def try_repo(repo: Path, home: Path, *files: str, staged: bool = False) -> tuple[int, str]:
    """`staged`: run on the staged files, as `git commit` does (no --files, no --all-files)."""
    selection = [] if staged else ["--files", *files] if files else ["--all-files"]
    env = {**os.environ, **GIT_ENV, "PRE_COMMIT_HOME": str(home), "NO_COLOR": "1"}
    env.pop("PYTHONPATH", None)  # the hook must run the pcelint installed in its own venv
    proc = subprocess.run(["pre-commit", "try-repo", str(PROJECT), "pcelint", *selection,
                           "--color", "never"], cwd=repo, env=env, capture_output=True,
                          text=True, timeout=TIMEOUT)
    return proc.returncode, proc.stdout + proc.stderr


def test_blocks_a_broken_pair_and_passes_once_fixed(tmp_path, pre_commit_home):
    repo = make_repo(tmp_path)
    edit(repo / STANDBY, "active_pce_fqdn: pce.corp.example", "active_pce_fqdn: pce-dr.corp.example")
    git(repo, "add", "-A")
    code, out = try_repo(repo, pre_commit_home)
    assert code == 1, out
    assert f"{STANDBY}:8:20: PCE302 error:" in out
    edit(repo / STANDBY, "active_pce_fqdn: pce-dr.corp.example", "active_pce_fqdn: pce.corp.example")
    git(repo, "add", "-A")
    code, out = try_repo(repo, pre_commit_home)
    assert code == 0, out
    assert "Passed" in out


def test_one_file_of_the_pair_still_lints_the_pair(tmp_path, pre_commit_home):
    repo = make_repo(tmp_path)
    edit(repo / STANDBY, "active_pce_fqdn: pce.corp.example", "active_pce_fqdn: pce-dr.corp.example")
    git(repo, "add", "-A")
    code, out = try_repo(repo, pre_commit_home, ACTIVE)  # only the active's file is passed
    assert code == 1, out
    assert f"{STANDBY}:8:20: PCE302 error:" in out


def test_removing_active_pce_fqdn_is_caught_before_the_commit(tmp_path, pre_commit_home):
    repo = make_repo(tmp_path)
    edit(repo / LONE, "  active_pce_fqdn: pce-lab-vip.corp.example\n", "")
    git(repo, "add", "-A")
    code, out = try_repo(repo, pre_commit_home, LONE)
    assert code == 1, out
    assert f"{LONE}:4:1: PCE307 error:" in out


def test_a_commit_that_deletes_a_node_file_lints_its_pair(tmp_path, pre_commit_home):
    from helpers.nodegen import write_pair
    repo = tmp_path / "repo"
    repo.mkdir()
    write_pair(repo)
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "initial")
    git(repo, "rm", "-q", "pair/standby/data1.yml")  # pre-commit gets no name for it
    code, out = try_repo(repo, pre_commit_home, staged=True)
    assert code == 1, out
    assert "pair/standby/core0.yml:4:12: PCE202 error:" in out
    git(repo, "reset", "-q", "--hard")
    git(repo, "mv", "pair/active/data0.yml", "pair/active/data0.yml.old")  # renamed away
    code, out = try_repo(repo, pre_commit_home, staged=True)
    assert code == 1, out
    assert "pair/active/core0.yml:4:12: PCE202 error:" in out
    git(repo, "reset", "-q", "--hard")
    (repo / "README.md").write_text("notes\n")  # a commit that touches no pair still passes
    git(repo, "add", "README.md")
    code, out = try_repo(repo, pre_commit_home, staged=True)
    assert code == 0, out


def test_unrelated_files_pass(tmp_path, pre_commit_home):
    repo = make_repo(tmp_path)
    (repo / "other.yml").write_text("just: data\n")
    git(repo, "add", "-A")
    code, out = try_repo(repo, pre_commit_home, "other.yml")
    assert code == 0, out
