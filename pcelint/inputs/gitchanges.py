"""What `--base REV` means for selection: does REV resolve, and which files did the staged change
delete or rename away (pre-commit passes no name for those, yet their pairs must be linted)."""
from __future__ import annotations

import os
from pathlib import Path

from pcelint.inputs.git import _git


def base_problem(repo: Path, rev: str) -> str | None:
    """Why `rev` cannot be the base revision, or None when it resolves to a commit (or it is HEAD
    in a repository with no commit yet: a first commit has no base, PCE307 says so)."""
    proc = _git(repo, "rev-parse", "--verify", "--quiet", "--end-of-options", f"{rev}^{{commit}}")
    if proc is None:
        return "git could not be run"
    if proc.returncode == 0:
        return None
    if rev == "HEAD":
        head = _git(repo, "rev-parse", "--verify", "--quiet", "HEAD")
        if head is not None and head.returncode != 0:
            return None  # no commit yet
    return "it names no commit in this repository"


def removed_paths(repo: Path, rev: str) -> list[Path]:
    """Files present at `rev` that the index no longer has under that name: deleted, or the old
    name of a rename (absolute paths in the work tree)."""
    proc = _git(repo, "-c", "diff.external=", "diff", "--cached", "--no-ext-diff", "--no-textconv",
                "--name-status", "-z", "-M", "--diff-filter=DR", rev, "--")
    if proc is None or proc.returncode != 0:
        return []
    fields = [os.fsdecode(f) for f in proc.stdout.split(b"\0") if f]
    found, i = [], 0
    while i < len(fields):
        status = fields[i]
        if status.startswith("R"):
            found.append(repo / fields[i + 1])
            i += 3
        else:
            found.append(repo / fields[i + 1])
            i += 2
    return found
