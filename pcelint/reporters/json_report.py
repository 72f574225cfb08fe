"""The json report: a versioned object (documented in the README)."""
from __future__ import annotations

from pcelint.about import version
from pcelint.reporters.common import counts, visible
from pcelint.reporters.escape import json_safe
from pcelint.reporters.jsontext import dumps

VERSION = 1


def _loc(loc) -> dict:
    s = loc.span
    return {"path": loc.path, "line": s.line, "column": s.column, "end_line": s.end_line,
            "end_column": s.end_column}


def render(result, settings) -> str:
    findings = []
    for f in visible(result, settings):
        item = {"code": f.code, "name": f.name, "level": f.level, "message": f.message,
                **_loc(f.location), "key_path": list(f.location.key_path), "pair": f.pair,
                "role": f.role,
                "related": [{**_loc(r), "message": r.message} for r in f.related],
                "fingerprint": f.fingerprint, "suppressed": f.suppressed}
        if f.suppressed and f.suppression_reason:
            item["suppression_reason"] = f.suppression_reason
        findings.append(item)
    c = counts(result)
    doc = {
        "version": VERSION,
        "tool": {"name": "pcelint", "version": version()},
        "findings": findings,
        "skipped": [{"code": s.code, "pair": s.pair, "reason": s.reason} for s in result.skipped],
        "notifications": [{"level": n.level, "message": n.message, "code": n.code}
                          for n in result.notifications],
        "summary": {"pairs": result.pairs, "files": result.files, "error": c["error"],
                    "warning": c["warning"], "note": c["note"], "suppressed": c["suppressed"],
                    "baseline_gone": result.baseline_gone, "exit_code": result.exit_code},
    }
    # Written into one buffer (json.dumps with an indent joins a list of every token: 4,000
    # pairs' skips, ~400,000 strings, ~25 MiB at once). A file name that is not UTF-8 holds lone
    # surrogates: shown escaped, never a broken report.
    return json_safe(dumps(doc)) + "\n"
