"""The real command line, run in-process: `run_cli` gives (exit code, stdout, stderr); `lint_cli`
the parsed JSON report; `report_pins` a report's findings as (path, line, column, code)."""
from __future__ import annotations

import io
import json
import os
from contextlib import redirect_stderr, redirect_stdout

from pcelint.cli import main


def run_cli(args, cwd=None):
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


def lint_cli(args, cwd=None):
    """(exit code, report dict) of a json run."""
    code, out, err = run_cli([*args, "--format", "json", "--jobs", "1"], cwd)
    assert out, f"no report; stderr: {err}"
    return code, json.loads(out)


def report_pins(report, unsuppressed=True):
    """Sorted (path, line, column, code) of every finding."""
    return sorted((f["path"], f["line"], f["column"], f["code"]) for f in report["findings"]
                  if not (unsuppressed and f["suppressed"]))
