"""For tests/security/: runs the real CLI (a subprocess: real stdout encoding, real exit codes) on a temporary git
repository built from tests/fixtures/gate-repo, in every output format, and checks that planted
strings never appear anywhere: stdout, stderr and the `--output` file."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"  # tests/fixtures
CORPUS = FIXTURES / "security"
FORMATS = ("text", "json", "sarif", "github")
HANG = 120  # a hang detector only: no test asserts on time
ENV_CANARY = "EnvCanaryLEAKtoken4242"  # in the environment of every run: /proc/self/environ holds it
OUTSIDE_CANARY = "OutsideFileLEAK777"  # in every file planted outside the linted tree
GIT_ENV = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.com",
           "GIT_CONFIG_NOSYSTEM": "1"}
ACTIVE = "pces/prod/active/snc0.yml"
STANDBY = "pces/prod/standby/snc0.yml"


def git(repo: Path, *args) -> str:
    env = {**os.environ, **GIT_ENV, "HOME": str(repo.parent)}
    proc = subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True, env=env)
    assert proc.returncode == 0, f"git {' '.join(args)}: {proc.stderr}"
    return proc.stdout


def make_repo(tmp_path: Path, commit: bool = True) -> Path:
    """A git work tree (a copy of gate-repo: one clean pair, one lone node) and, next to it, an
    `outside/` folder holding files the tree must never make pcelint read."""
    repo = tmp_path / "repo"
    shutil.copytree(FIXTURES / "gate-repo", repo)
    outside = tmp_path / "outside"
    outside.mkdir()
    for name in ("creds.yml", "server.crt", "secret.txt"):
        (outside / name).write_text(f"pce_fqdn: {OUTSIDE_CANARY}\nnode_type: core\n"
                                    f"token: {OUTSIDE_CANARY}\n")
    git(repo, "init", "-q", "-b", "main")
    if commit:
        commit_all(repo)
    return repo


def commit_all(repo: Path) -> None:
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "change", "--allow-empty")


def append(path: Path, text: str) -> None:
    path.write_text(path.read_text() + text)


def corpus(name: str) -> str:
    return (CORPUS / name).read_text()


def cli(cwd: Path, *args, env: dict | None = None) -> tuple[int, str, str]:
    """`python -m pcelint ARGS` in `cwd`: (exit code, stdout, stderr); both must be UTF-8."""
    full_env = {**os.environ, **GIT_ENV, "PCELINT_CANARY": ENV_CANARY, "NO_COLOR": "1",
                **(env or {})}
    full_env.pop("PCELINT_DEBUG", None)
    proc = subprocess.run([sys.executable, "-m", "pcelint", *map(str, args)], cwd=cwd,
                          env=full_env, capture_output=True, timeout=HANG)
    out, err = proc.stdout.decode("utf-8"), proc.stderr.decode("utf-8")
    assert "Traceback" not in err and "internal error" not in err, err
    return proc.returncode, out, err


def every_output(cwd: Path, *args, color: str = "always") -> tuple[dict, str]:
    """Runs ARGS once per format to stdout and once per format with `--output`: ({(format,
    to_file): exit code}, every byte of output joined)."""
    codes, texts = {}, []
    for fmt in FORMATS:
        code, out, err = cli(cwd, *args, "--format", fmt, "--color", color)
        codes[(fmt, False)] = code
        texts += [out, err]
        report = cwd / f".report.{fmt}"
        code, out, err = cli(cwd, *args, "--format", fmt, "--output", report)
        codes[(fmt, True)] = code
        texts += [out, err]
        if report.exists():
            texts.append(report.read_text(encoding="utf-8"))
            report.unlink()
    return codes, "\n".join(texts)


def assert_absent(text: str, *needles: str) -> None:
    for needle in needles:
        assert needle not in text, f"{needle!r} leaked:\n" + _around(text, needle)


def _around(text: str, needle: str) -> str:
    at = text.find(needle)
    return text[max(0, at - 300): at + 300]


def report(cwd: Path, *args) -> dict:
    code, out, err = cli(cwd, *args, "--format", "json")
    data = json.loads(out)
    assert data["summary"]["exit_code"] == code, err
    return data


def pins(data: dict) -> list:
    return sorted((f["path"], f["line"], f["column"], f["code"]) for f in data["findings"])
