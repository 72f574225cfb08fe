"""Temporary git repositories built from fixtures, for the git-aware tests."""
from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from helpers.paths import FIXTURES

GIT_ENV = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.com",
           "GIT_CONFIG_NOSYSTEM": "1"}


def git(repo: Path, *args) -> str:
    env = {**os.environ, **GIT_ENV, "HOME": str(repo.parent)}
    proc = subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True, env=env)
    assert proc.returncode == 0, f"git {' '.join(args)}: {proc.stderr}"
    return proc.stdout


def make_repo(dest: Path, fixture: str = "gate-repo", commit: bool = True) -> Path:
    """A git work tree holding a copy of the fixture, committed unless told otherwise."""
    repo = dest / "config repo"  # a space on purpose: URIs must percent-encode it
    shutil.copytree(FIXTURES / fixture, repo)
    git(repo, "init", "-q", "-b", "main")
    if commit:
        git(repo, "add", "-A")
        git(repo, "commit", "-q", "-m", "initial")
    return repo


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1))


ACTIVE = "pces/prod/active/snc0.yml"
STANDBY = "pces/prod/standby/snc0.yml"
LONE = "nodes/lab/runtime_env.yml"
APF_LINES = "active_standby_replication:\n  active_pce_fqdn: pce.corp.example\n"
