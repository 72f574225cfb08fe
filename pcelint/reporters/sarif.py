"""SARIF 2.1.0 for GitHub code scanning."""
from __future__ import annotations

import json
from urllib.parse import quote

from pcelint import __version__
from pcelint.reporters import visible

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
INFO_URI = "https://github.com/pcelint/pcelint"
_LEVEL = {"error": "error", "warning": "warning", "note": "note"}


def _region(span) -> dict:
    return {"startLine": span.line, "startColumn": span.column, "endLine": span.end_line,
            "endColumn": span.end_column}


def _physical(loc) -> dict:
    return {"artifactLocation": {"uri": quote(loc.path), "uriBaseId": "%SRCROOT%"},
            "region": _region(loc.span)}


def rule_descriptor(rule) -> dict:
    from pcelint.docs import markdown_doc, plain_doc

    return {
        "id": rule.code,
        "name": rule.pascal_name,
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": rule.section("What it does")[:1024] or rule.summary},
        "help": {"text": plain_doc(rule), "markdown": markdown_doc(rule)},
        "helpUri": f"{INFO_URI}/blob/main/docs/rules.md#{rule.code.lower()}",
        "defaultConfiguration": {"level": _LEVEL[rule.level]},
        "properties": {"tags": ["pcelint", *rule.tags], "precision": "very-high",
                       "problem.severity": {"error": "error", "warning": "warning",
                                            "note": "recommendation"}[rule.level]},
    }


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
            text += " See " + ", ".join(f"[{r.path}:{r.span.line}]({i + 1})"
                                        for i, r in enumerate(f.related)) + "."
        item = {"ruleId": f.code, "level": _LEVEL[f.level], "message": {"text": text},
                "locations": [{"physicalLocation": _physical(f.location)}],
                "partialFingerprints": {"pcelintFingerprint/v1": f.fingerprint}}
        if f.code in index:
            item["ruleIndex"] = index[f.code]
        if related:
            item["relatedLocations"] = related
        if f.suppressed:
            item["suppressions"] = [{"kind": "inSource",
                                     "justification": f.suppression_reason or ""}]
        results.append(item)
    run = {
        "tool": {"driver": {"name": "pcelint", "version": __version__,
                            "semanticVersion": __version__, "informationUri": INFO_URI,
                            "rules": [rule_descriptor(r) for r in rules]}},
        "automationDetails": {"id": "pcelint/"},
        "columnKind": "unicodeCodePoints",
        "results": results,
        "invocations": [{
            "executionSuccessful": not result.crashed,
            "toolExecutionNotifications": [
                {"level": _LEVEL.get(n.level, "warning"), "message": {"text": n.message},
                 **({"descriptor": {"id": n.code}} if n.code else {})}
                for n in result.notifications]}],
    }
    return json.dumps({"$schema": SCHEMA, "version": "2.1.0", "runs": [run]}, indent=2,
                      ensure_ascii=False) + "\n"
