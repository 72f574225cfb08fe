"""SARIF 2.1.0 for GitHub code scanning."""
from __future__ import annotations

from pcelint.about import version
from pcelint.reporters.common import visible
from pcelint.reporters.escape import json_safe, uri_path
from pcelint.reporters.jsontext import dumps
from pcelint.reporters.ruledocs import markdown_doc, plain_doc

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
INFO_URI = "https://github.com/pcelint/pcelint"
SRCROOT = "%SRCROOT%"
_SECURITY_SEVERITY = {"error": "8.0", "warning": "5.0", "note": "2.0"}
_LEVEL = {"error": "error", "warning": "warning", "note": "note"}


def _region(span) -> dict:
    return {"startLine": span.line, "startColumn": span.column, "endLine": span.end_line,
            "endColumn": span.end_column}


def _artifact(path: str) -> dict:
    if path.startswith("/"):  # a file outside the run's root (a one-off audit): a file URI
        return {"uri": "file://" + uri_path(path)}
    return {"uri": uri_path(path), "uriBaseId": SRCROOT}


def _physical(loc) -> dict:
    return {"artifactLocation": _artifact(loc.path), "region": _region(loc.span)}


def _link_text(text: str) -> str:
    """Text inside a SARIF message link: brackets escaped (SARIF 3.11.6)."""
    return text.replace("\\", "\\\\").replace("[", "\\[").replace("]", "\\]")


def _clip(text: str, limit: int = 1024) -> str:
    """At most `limit` characters, cut after the last whole sentence that fits."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text.rfind(". ", 0, limit - 1)
    return text[:cut + 1] if cut > 0 else text[:limit - 1].rstrip() + "…"


def rule_descriptor(rule) -> dict:

    return {
        "id": rule.code,
        "name": rule.pascal_name,
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": _clip(rule.section("What it does") or rule.summary)},
        "help": {"text": plain_doc(rule), "markdown": markdown_doc(rule)},
        "helpUri": f"{INFO_URI}/blob/main/docs/rules.md#{rule.code.lower()}",
        "defaultConfiguration": {"level": _LEVEL[rule.level]},
        "properties": _rule_properties(rule),
    }


def _rule_properties(rule) -> dict:
    props = {"tags": ["pcelint", *rule.tags], "precision": "very-high",
             "problem.severity": {"error": "error", "warning": "warning",
                                  "note": "recommendation"}[rule.level]}
    if "security" in rule.tags:
        props["security-severity"] = _SECURITY_SEVERITY[rule.level]
    return props


def _notifications(result, index) -> list:
    out = []
    for n in result.notifications:
        item = {"level": _LEVEL.get(n.level, "warning"), "message": {"text": n.message}}
        if n.code:
            item["associatedRule"] = _rule_ref(n.code, index)
        out.append(item)
    for s in result.skipped:
        where = f" for the pair '{s.pair}'" if s.pair else ""
        item = {"level": "note",
                "message": {"text": f"Rule {s.code} was skipped{where}: {s.reason.rstrip('.')}."},
                "associatedRule": _rule_ref(s.code, index)}
        out.append(item)
    return out


def _rule_ref(code, index) -> dict:
    return {"id": code, **({"index": index[code]} if code in index else {})}


def render(result, settings) -> str:
    rules = list(result.rules)
    index = {r.code: i for i, r in enumerate(rules)}
    results = []
    for f in visible(result, settings):
        related = [{"id": i + 1, "physicalLocation": _physical(r),
                    "message": {"text": r.message or "Related location."}}
                   for i, r in enumerate(f.related)]
        text = f.message
        if related:
            text += " See " + ", ".join(f"[{_link_text(r.path)}:{r.span.line}]({i + 1})"
                                        for i, r in enumerate(f.related)) + "."
        fingerprints = {"pcelintFingerprint/v1": f.fingerprint}
        line_hash = result.line_hashes.get((f.location.path, f.location.span.line))
        if line_hash:
            fingerprints["primaryLocationLineHash"] = line_hash
        item = {"ruleId": f.code, "level": _LEVEL[f.level], "message": {"text": text},
                "locations": [{"physicalLocation": _physical(f.location)}],
                "partialFingerprints": fingerprints}
        if f.code in index:
            item["ruleIndex"] = index[f.code]
        if related:
            item["relatedLocations"] = related
        if f.suppressed:
            suppression = {"kind": "inSource", "status": "accepted"}
            if f.suppression_reason:
                suppression["justification"] = f.suppression_reason
            item["suppressions"] = [suppression]
        results.append(item)
    run = {
        "tool": {"driver": {"name": "pcelint", "version": version(),
                            "semanticVersion": version(), "informationUri": INFO_URI,
                            "rules": [rule_descriptor(r) for r in rules]}},
        "automationDetails": {"id": "pcelint/"},
        "columnKind": "unicodeCodePoints",
        "results": results,
        "invocations": [{
            "executionSuccessful": not result.crashed,
            "toolExecutionNotifications": _notifications(result, index)}],
    }
    return json_safe(dumps({"$schema": SCHEMA, "version": "2.1.0", "runs": [run]})) + "\n"
