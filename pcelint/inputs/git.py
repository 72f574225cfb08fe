"""Reading from git for the git-aware rules (PCE307, PCE701): base revisions and tracked keys.

One `git` process per unit (`cat-file --batch`) or per run (`grep --cached`), never one per file.
Git failing or missing is never a crash: the rules that needed it are skipped with the reason.
"""
from __future__ import annotations

import io
import os
from pathlib import Path

from pcelint.core import mask
from pcelint.core.findings import Span
from pcelint.inputs import trace
from pcelint.inputs.pem import key_blocks

GIT_TIMEOUT = 60

# The linted repository's .git/config is untrusted (a pull request cannot change it, but a linted
# checkout or a hostile archive can): every git pcelint runs turns off what it could make git run.
SAFE_CONFIG = ("-c", "core.fsmonitor=false", "-c", "core.hooksPath=/dev/null",
               "-c", "diff.external=", "-c", "core.untrackedCache=false")
SAFE_ENV = {"GIT_OPTIONAL_LOCKS": "0", "GIT_EXTERNAL_DIFF": "", "GIT_TERMINAL_PROMPT": "0"}


def git_argv(repo: Path, *args) -> list[str]:
    """The argv of a git command in `repo` with repository-configured helpers turned off."""
    return ["git", *SAFE_CONFIG, "-C", str(repo), *args]


def git_env() -> dict:
    return {**os.environ, **SAFE_ENV}


def _git(repo: Path, *args, data: bytes | None = None):
    """The CompletedProcess, or None when git cannot run."""
    import subprocess  # only runs that ask git something pay for it

    try:
        return subprocess.run(git_argv(repo, *args), input=data, capture_output=True,
                              timeout=GIT_TIMEOUT, env=git_env())
    except (OSError, subprocess.SubprocessError):
        return None


def cat_file_batch(repo: Path, objects: list[str], limit: int | None = None) -> list[bytes | None] | None:
    """The content of each object name (`REV:path`, `REV^{commit}`), None where git has none.
    None for the whole list when git cannot run. With `limit`, at most `limit + 1` bytes of each
    object are kept (the rest is read from git's pipe and dropped), so the caller can tell "larger
    than the limit" and memory stays bounded whatever the repository holds."""
    if not objects:
        return []
    if limit is None:
        proc = _git(repo, "cat-file", "--batch", data="".join(f"{o}\n" for o in objects).encode())
        if proc is None or proc.returncode != 0:
            return None
        return _parse_batch(io.BytesIO(proc.stdout), len(objects), None)
    return _stream_batch(repo, objects, limit)


def _parse_batch(out, count: int, limit: int | None) -> list[bytes | None]:
    found = []
    for _ in range(count):
        header = out.readline()
        if not header.endswith(b"\n"):
            raise EOFError("git cat-file stopped early")
        parts = header.split()
        if len(parts) == 3 and parts[2].isdigit():
            size = int(parts[2])
            keep = size if limit is None else min(size, limit + 1)
            data = out.read(keep)
            left = size - len(data)
            while left > 0:  # beyond the limit: read and drop
                chunk = out.read(min(left, 1 << 20))
                if not chunk:
                    raise EOFError("git cat-file stopped early")
                left -= len(chunk)
            out.read(1)  # the newline after the content
            found.append(data)
        else:  # "<name> missing" or "<name> ambiguous"
            found.append(None)
    return found


def _stream_batch(repo: Path, objects: list[str], limit: int) -> list[bytes | None] | None:
    import subprocess  # only runs that ask git something pay for these
    import threading

    try:
        proc = subprocess.Popen(git_argv(repo, "cat-file", "--batch"),
                                stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                stderr=subprocess.DEVNULL, env=git_env())
    except OSError:
        return None
    timer = threading.Timer(GIT_TIMEOUT, proc.kill)
    timer.start()

    def feed():
        try:
            proc.stdin.write("".join(f"{o}\n" for o in objects).encode())
            proc.stdin.close()
        except OSError:
            pass

    writer = threading.Thread(target=feed, daemon=True)
    writer.start()
    try:
        found = _parse_batch(proc.stdout, len(objects), limit)
    except (OSError, EOFError, ValueError):
        found = None
    finally:
        proc.stdout.close()
        proc.kill()
        proc.wait()
        timer.cancel()
        writer.join()
    return found


def commit_state(commit: bytes | None) -> str:
    import hashlib
    return "none" if commit is None else hashlib.sha256(commit).hexdigest()


def base_commit_state(repo: str, rev: str, limit: int) -> str | None:
    """The state `provide_base` records for REV, asked again (None when git cannot run)."""
    found = cat_file_batch(Path(repo), [f"{rev}^{{commit}}"], limit)
    return None if found is None else commit_state(found[0])


def repo_path(path: str, repo_root: str) -> str | None:
    return _repo_path(Path(path), Path(repo_root))


def _repo_path(path: Path, repo_root: Path) -> str | None:
    try:
        return path.resolve().relative_to(repo_root.resolve()).as_posix()
    except ValueError:
        return None


def provide_base(unit, settings, cache) -> list:
    """The `git_base` input: `node.base` is the node file at `--base REV` (`git show REV:path`), or
    `node.base_state` says why there is none."""
    files = unit.files if hasattr(unit, "files") else [unit]
    rev, repo = settings.base, settings.repo_root
    if rev is None or repo is None:
        state = ("no-base" if repo is not None else "no-base-no-repo") if rev is None else "no-repo"
        for node in files:
            node.base_state = state
        return []
    names = {node: _repo_path(node.path, repo) for node in files}
    inside = [n for n in files if names[n] is not None]
    for node in files:
        if names[node] is None:
            node.base_state = "outside"
    blobs = cat_file_batch(repo, [f"{rev}^{{commit}}"] + [f"{rev}:{names[n]}" for n in inside],
                           settings.limits.max_bytes)
    if blobs is None:
        for node in inside:
            node.base_state = "git-failed"
        trace.uncacheable()  # git failing may be transient
        return []
    commit, blobs = blobs[0], blobs[1:]
    # The result cache keys on the commit (its content names its tree: every blob at REV) and on
    # where each node file is in the repository.
    trace.git_base(repo, rev, commit_state(commit), [(str(n.path), names[n]) for n in files])
    for node, blob in zip(inside, blobs):
        if commit is None:
            node.base_state = "bad-rev"
        elif blob is None:
            node.base_state = "new"
        else:
            from pcelint.core.loader import load_yaml  # (not for PCE701 or a cache hit)

            node.base = load_yaml(blob, settings.limits)
            node.base_state = "read"
    return []


# -- private keys tracked or staged (PCE701) ----------------------------------------------------


class PemKeyBlock:
    """A `-----BEGIN ... PRIVATE KEY-----` block as git has it (index content)."""

    __slots__ = ("rel", "span", "label", "headers", "body")
    rel: str  # report path of the file
    span: Span  # the BEGIN marker
    label: str  # e.g. "RSA PRIVATE KEY", "ENCRYPTED PRIVATE KEY"
    headers: tuple  # RFC 1421 headers ("Proc-Type: 4,ENCRYPTED", ...)
    body: bytes  # the decoded base64 body (never shown anywhere)

    def __init__(self, rel: str, span: Span, label: str, headers: tuple = (), body: bytes = b""):
        self.rel = rel
        self.span = span
        self.label = label
        self.headers = headers
        self.body = body


class Repo:
    """The subject of run-scope rules: the git work tree being linted and what git holds in it."""

    __slots__ = ("root", "key_blocks", "key_lines", "error")
    root: Path | None  # None outside a work tree
    key_blocks: list[PemKeyBlock]
    key_lines: dict  # report path -> lines, key bodies masked
    error: str | None  # why git could not be read

    def __init__(self, root: Path | None, key_blocks: list[PemKeyBlock] | None = None,
                 key_lines: dict | None = None, error: str | None = None):
        self.root = root
        self.key_blocks = [] if key_blocks is None else key_blocks
        self.key_lines = {} if key_lines is None else key_lines
        self.error = error


def pem_key_blocks(rel: str, text: str) -> list[PemKeyBlock]:
    """The complete private-key blocks of a tracked file (`pcelint.inputs.pem` scans them)."""
    return [PemKeyBlock(rel, Span(b.line, b.start + 1, b.line, b.end + 1), b.label, b.headers, b.body)
            for b in key_blocks(text) if b.complete]


def tracked_key_blocks(repo_root: Path, settings) -> Repo:
    """Every private-key PEM block in a file git tracks or has staged, read from the index."""
    repo = Repo(repo_root)
    proc = _git(repo_root, "grep", "--cached", "--no-textconv", "--full-name", "-z", "-l", "-I", "-E",
                "-e", r"-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----")
    if proc is None or proc.returncode not in (0, 1):
        repo.error = "git could not list the tracked files"
        return repo
    paths = [os.fsdecode(p) for p in proc.stdout.split(b"\0") if p]
    # each file is scanned up to 'max_bytes' (a key at its start is still found)
    blobs = cat_file_batch(repo_root, [f":{p}" for p in paths], settings.limits.max_bytes) or \
        [None] * len(paths)
    for path, blob in zip(paths, blobs):
        if blob is None:
            continue
        rel = settings.rel(repo_root / path)
        text = blob[:settings.limits.max_bytes].decode("utf-8", errors="replace")
        found = pem_key_blocks(rel, text)
        if found:
            repo.key_blocks.extend(found)
            # only the PEM markers are kept: excerpts must never show key material
            # only the PEM markers are kept (no other line of the file is needed, and a comment
            # must not act as a suppression); key material on a marker's line is masked too
            repo.key_lines[rel] = [line if line.lstrip().startswith("-----") else mask.MASK
                                   for line in mask.mask_key_material(text.splitlines())]
    return repo
