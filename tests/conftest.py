"""Shared test helpers: run pcelint in-process and read findings as (path, line, column, code)."""
from __future__ import annotations

import io
import json
import os
import shutil
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import pytest

from pcelint.cli import main

FIXTURES = Path(__file__).parent / "fixtures"
IN_CI = os.environ.get("CI") == "true"

# Every finding of tests/fixtures/pair-multi (default rules), as (path, line, column, code).
PAIR_MULTI_PINS = sorted([
    ("active/core1.yml", 1, 1, "PCE301"),
    ("standby/core0.yml", 8, 20, "PCE302"),
    ("standby/core0.yml", 8, 20, "PCE303"),
    ("standby/core0.yml", 13, 23, "PCE305"),
    ("standby/core1.yml", 5, 1, "PCE201"),  # a secret value: anchored on its key
    ("standby/data1.yml", 10, 3, "PCE104"),
])


def unavailable(message: str):
    """A real tool a test needs is missing: skip on a laptop, fail when CI=true (never vacuous)."""
    pytest.fail(message + "; CI=true, so this is a failure") if IN_CI else pytest.skip(message + " (fails when CI=true)")


def need_tool(name: str, why: str) -> str:
    """The tool's path, or unavailable()."""
    path = shutil.which(name)
    if path is None:
        unavailable(f"'{name}' is not installed ({why})")
    return path


def run(args, cwd=None):
    """pcelint in-process: (exit code, stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    old = os.getcwd()
    if cwd is not None:
        os.chdir(cwd)
    try:
        with redirect_stdout(out), redirect_stderr(err):
            try:
                code = main([str(a) for a in args])
            except SystemExit as exc:  # argparse's usage errors
                code = exc.code
    finally:
        os.chdir(old)
    return code, out.getvalue(), err.getvalue()


def lint(args, cwd=None):
    """(exit code, report dict) of a json run."""
    code, out, err = run([*args, "--format", "json", "--jobs", "1"], cwd)
    assert out, f"no report; stderr: {err}"
    return code, json.loads(out)


def pins(report, unsuppressed=True):
    """Sorted (path, line, column, code) of every finding."""
    return sorted((f["path"], f["line"], f["column"], f["code"]) for f in report["findings"]
                  if not (unsuppressed and f["suppressed"]))


def copy_fixture(name: str, dest: Path) -> Path:
    target = dest / name
    shutil.copytree(FIXTURES / name, target)
    return target


@pytest.fixture
def nsd(tmp_path_factory):
    """nsd({zone name: zone file}) -> a running NSD on 127.0.0.1 (`.address` is '127.0.0.1:PORT').

    Skips when NSD is not installed, except in CI (CI=true), where a missing NSD is a failure.
    """
    from nsd import Nsd, nsd_binary
    binary = nsd_binary()
    if binary is None:
        unavailable("NSD is not installed (apt-get install -y nsd); the live DNS tests need it")
    servers = []

    def start(zones: dict):
        server = Nsd(binary, tmp_path_factory.mktemp("nsd"), zones).start()
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop()
