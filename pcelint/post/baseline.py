"""Baselines: today's findings recorded by their line-independent fingerprint.

`pcelint baseline --output FILE` writes one; `pcelint check --baseline FILE` reports only findings
whose fingerprint is not in it and counts the entries that no longer occur.
"""
from __future__ import annotations

import json
from pathlib import Path

from pcelint.about import version
from pcelint.errors import BaselineError
from pcelint.inputs.safeio import read_regular
from pcelint.limits import Limits

VERSION = 1




def read(path: Path, max_bytes: int = Limits.max_bytes) -> frozenset:
    """The fingerprints of a baseline file, read through the bounded reader (`max_bytes`): a
    baseline that names a device or a huge file is an error, never an unbounded read."""
    try:
        raw = read_regular(path, max_bytes)
    except OSError as exc:
        raise BaselineError(f"cannot read the baseline '{path}': "
                            f"{exc.strerror or type(exc).__name__}.") from None
    if len(raw) > max_bytes:
        raise BaselineError(f"the baseline '{path}' is larger than {max_bytes} bytes; pcelint "
                            "refuses it (raise the 'max_bytes' limit if it really is a baseline).")
    try:
        doc = json.loads(raw.decode("utf-8"))
    except RecursionError:
        raise BaselineError(f"the baseline '{path}' is not JSON: it nests too deeply.") from None
    except ValueError as exc:
        raise BaselineError(f"the baseline '{path}' is not JSON: {exc}.") from None
    if not isinstance(doc, dict) or doc.get("version") != VERSION or \
            not isinstance(doc.get("findings"), list):
        raise BaselineError(f"'{path}' is not a pcelint baseline (version {VERSION}); write one "
                            "with 'pcelint baseline --output FILE'.")
    try:
        return frozenset(str(entry["fingerprint"]) for entry in doc["findings"])
    except (TypeError, KeyError):
        raise BaselineError(f"the baseline '{path}' has an entry without a 'fingerprint'.") from None


def render(result) -> str:
    """The baseline of a run: its unsuppressed findings (code, path and message are for people)."""
    entries, seen = [], set()
    for f in result.findings:
        if f.suppressed or f.fingerprint in seen:
            continue
        seen.add(f.fingerprint)
        entries.append({"fingerprint": f.fingerprint, "code": f.code, "path": f.location.path,
                        "pair": f.pair, "message": f.message})
    doc = {"version": VERSION, "tool": {"name": "pcelint", "version": version()},
           "findings": entries}
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


def apply_baseline(result, settings) -> None:
    known = settings.baseline
    if known is None:
        return
    present = {f.fingerprint for f in result.findings}
    result.findings = [f for f in result.findings if f.fingerprint not in known]
    result.baseline_gone = len(known - present)
