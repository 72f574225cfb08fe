"""Issue 11, cases 5, 6 and 7: `--` ends the options (the pre-commit hook passes names after it),
the config may only lower limits (`--limit` raises them), and git runs with the linted
repository's helpers turned off."""
from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from helpers.tools import need_tool, unavailable
from helpers.untrusted import (
    ACTIVE,
    GIT_ENV,
    cli,
    commit_all,
    corpus,
    git,
    make_repo,
    pins,
    report,
)

PROJECT = Path(__file__).resolve().parents[2]


def _bomb_repo(tmp_path):
    repo = make_repo(tmp_path)
    (repo / "nodes/bomb").mkdir()
    (repo / "nodes/bomb/runtime_env.yml").write_text(corpus("alias-bomb.yml"))
    (repo / ".pcelint.yml").write_text(corpus("config-raise-limits.yml"))
    commit_all(repo)
    return repo


def test_config_cannot_raise_a_limit(tmp_path):
    """`limits: {max_aliases: 1000000, max_nodes: 1000000000000}` in the tree: the alias bomb is
    still PCE003, and stderr says the values are not used."""
    repo = _bomb_repo(tmp_path)
    code, out, err = cli(repo, "check", "nodes/bomb", "--format", "json")
    assert code == 1
    assert ("the config's 'limits.max_aliases' (1000000) is above 100 and is not used" in err)
    assert ("the config's 'limits.max_nodes' (1000000000000) is above 100000 and is not used" in err)
    assert [(p[1], p[3]) for p in pins(report(repo, "check", "nodes/bomb"))] == [(7, "PCE003")]


def test_config_can_lower_a_limit(tmp_path):
    repo = make_repo(tmp_path)
    (repo / ".pcelint.yml").write_text("limits: {max_bytes: 100}\n")
    commit_all(repo)
    assert pins(report(repo, "check", "nodes")) == [("nodes/lab/runtime_env.yml", 1, 1, "PCE003")]


def test_command_line_limit_raises_and_lowers(tmp_path):
    repo = _bomb_repo(tmp_path)
    raised = report(repo, "check", "nodes/bomb", "--limit", "max_aliases=1000",
                    "--limit", "max_nodes=10000000")
    assert "PCE003" not in [p[3] for p in pins(raised)]
    lowered = report(repo, "check", "nodes/lab", "--limit", "max_bytes=100")
    assert pins(lowered) == [("nodes/lab/runtime_env.yml", 1, 1, "PCE003")]


@pytest.mark.parametrize("value, words", [
    ("max_aliases", "is not NAME=N"), ("bogus=1", "is not NAME=N"),
    ("max_aliases=-1", "must not be negative"), ("max_aliases=x", "is not a whole number"),
])
def test_bad_limit_is_a_usage_error(tmp_path, value, words):
    repo = make_repo(tmp_path, commit=False)
    code, out, err = cli(repo, "check", ".", "--limit", value)
    assert code == 2 and words in err and out == ""


def test_double_dash_makes_option_like_names_paths(tmp_path):
    """`pcelint check -- --output=important.yml`: a file name, never the option."""
    repo = make_repo(tmp_path)
    (repo / "important.yml").write_text("keep: me\n")
    shutil.copy(repo / ACTIVE, repo / "--output=important.yml")
    commit_all(repo)
    code, out, err = cli(repo, "check", "--base", "HEAD", "--", "--output=important.yml")
    assert (repo / "important.yml").read_text() == "keep: me\n"
    assert code == 0 and "in 0 pairs, 1 file" in err + out, err
    code, out, err = cli(repo, "pair", "--active", ACTIVE, "--standby", ACTIVE, "--", "x")
    assert code == 2 and "takes no PATH after '--'" in err


def test_git_runs_without_the_repositorys_fsmonitor(tmp_path):
    """`.git/config` sets core.fsmonitor to a command: pcelint's git calls (check-ignore in the
    walk, grep and cat-file for PCE701/PCE307) never run it."""
    repo = make_repo(tmp_path)
    marker = tmp_path / "fsmonitor-ran"
    git(repo, "config", "core.fsmonitor", f"touch '{marker}'; false")
    git(repo, "config", "core.hooksPath", str(tmp_path / "hooks"))
    code, out, err = cli(repo, "check", ".", "--base", "HEAD")
    assert code == 0, err
    assert not marker.exists()
    # the hook would have run under plain git: the test is not vacuous
    subprocess.run(["git", "-C", str(repo), "check-ignore", "--stdin"], input=b"",
                   capture_output=True, env={**os.environ, **GIT_ENV})
    assert marker.exists()


def test_hook_passes_names_after_double_dash(tmp_path):
    """The real pre-commit: a staged file named `--output=important.yml` is linted as a file;
    `important.yml` is not overwritten with the report (nor `--config=`, `--baseline=` used)."""
    need_tool("pre-commit", "the hook is proven with the real pre-commit")
    if subprocess.run(["git", "-C", str(PROJECT), "rev-parse", "HEAD"],
                      capture_output=True).returncode != 0:
        unavailable(f"'{PROJECT}' is not a git checkout, so pre-commit try-repo cannot install it")
    repo = make_repo(tmp_path)
    (repo / "important.yml").write_text("keep: me\n")
    for name in ("--output=important.yml", "--config=important.yml", "--baseline=important.yml"):
        shutil.copy(repo / ACTIVE, repo / name)
    git(repo, "add", "-A")
    env = {**os.environ, **GIT_ENV, "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home"),
           "NO_COLOR": "1"}
    env.pop("PYTHONPATH", None)
    proc = subprocess.run(["pre-commit", "try-repo", str(PROJECT), "pcelint", "--all-files",
                           "--color", "never"], cwd=repo, env=env, capture_output=True,
                          text=True, timeout=900)
    out = proc.stdout + proc.stderr
    assert (repo / "important.yml").read_text() == "keep: me\n", out
    assert proc.returncode == 0 and "Passed" in out, out
