"""Microsoft's SARIF Multitool (`npm install -g @microsoft/sarif-multitool`) as a validator.

The npm wrapper (`sarif-multitool`) runs the native binary through a shell, which splits
`--rule-kind "Gh;Sarif"` at the ';', so the native binary beside it is called directly. Its exit
code does not say whether the log was valid: the validator's own SARIF output is read instead.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from helpers.tools import unavailable

NATIVE = {"linux": "sarif-multitool-linux", "darwin": "sarif-multitool-darwin",
          "win32": "sarif-multitool-win32"}


def find_multitool() -> Path | None:
    if os.environ.get("SARIF_MULTITOOL"):
        return Path(os.environ["SARIF_MULTITOOL"])
    wrapper = shutil.which("sarif-multitool")
    roots = []
    if wrapper:
        roots.append(Path(os.path.realpath(wrapper)).parent)
    npm = shutil.which("npm")
    if npm:
        proc = subprocess.run([npm, "root", "-g"], capture_output=True, text=True)
        if proc.returncode == 0 and proc.stdout.strip():
            roots.append(Path(proc.stdout.strip()) / "@microsoft" / "sarif-multitool")
    name = "Sarif.Multitool.exe" if sys.platform == "win32" else "Sarif.Multitool"
    platform = NATIVE.get(sys.platform, "")
    for root in roots:  # nested under the wrapper, or hoisted beside it
        for native in (root / "node_modules" / "@microsoft" / platform / name,
                       root.parent / platform / name):
            if native.is_file():
                return native
    return None


def need_multitool() -> Path:
    tool = find_multitool()
    if tool is None:
        unavailable("the SARIF Multitool is not installed (npm install -g @microsoft/sarif-multitool)")
    return tool


def validate(tool: Path, sarif: Path, workdir: Path) -> list[dict]:
    """Every error and warning the Multitool reports for `sarif` with the GitHub and SARIF rules."""
    out = workdir / f"{sarif.stem}.validation.sarif"
    out.unlink(missing_ok=True)
    proc = subprocess.run([str(tool), "validate", "--rule-kind", "Gh;Sarif", "--output", str(out),
                           str(sarif)], capture_output=True, text=True, timeout=300, cwd=workdir)
    assert out.is_file(), f"the Multitool wrote no output: {proc.stdout}\n{proc.stderr}"
    log = json.loads(out.read_text(encoding="utf-8-sig"))
    problems = []
    for run in log.get("runs", []):
        for note in (run.get("invocations") or [{}])[0].get("toolExecutionNotifications", []):
            if note.get("level", "warning") in ("error", "warning"):
                problems.append({"ruleId": "tool", "message": note.get("message", {}).get("text")})
        for result in run.get("results", []):
            if result.get("level", "warning") in ("error", "warning"):
                problems.append({"ruleId": result.get("ruleId"),
                                 "message": result.get("message", {}).get("text")
                                 or result.get("message", {}).get("arguments")})
    return problems
