"""Rule documentation for `pcelint rules`, `pcelint explain` and SARIF, from the docstrings."""
from __future__ import annotations

import json
import re

from pcelint.core.registry import all_rules, find_rule
from pcelint.errors import UsageError


def markdown_doc(rule) -> str:
    return f"# {rule.code} {rule.name} ({rule.level})\n\n{rule.summary}\n\n{rule.doc}\n"


def plain_doc(rule) -> str:
    text = re.sub(r"^## ", "", rule.doc, flags=re.M)
    return re.sub(r"^```\w*\n?", "", text, flags=re.M).strip()


def explain(token: str) -> str:
    rule = find_rule(token)
    if rule is None:
        raise UsageError(f"'{token}' names no rule; `pcelint rules` lists them.")
    return markdown_doc(rule)


def rule_table() -> str:
    rows = ["| code | name | level | summary |", "|---|---|---|---|"]
    rows += [f"| {r.code} | {r.name} | {r.level} | {r.summary} |" for r in all_rules()]
    return "\n".join(rows) + "\n"


def rules_document() -> str:
    """docs/rules.md: every rule's documentation, with the anchors SARIF's helpUri points at."""
    parts = ["# pcelint rules\n\nGenerated from the rules' docstrings by "
             "`python -c 'from pcelint.reporters.ruledocs import rules_document; print(rules_document(), end=\"\")' "
             "> docs/rules.md`; a test keeps it current.\n\n", rule_table()]
    for r in all_rules():
        body = re.sub(r"^## ", "### ", r.doc, flags=re.M)
        parts.append(f'\n<a id="{r.code.lower()}"></a>\n## {r.code} {r.name} ({r.level})\n\n'
                     f"{r.summary}\n\n{body}\n")
    return "".join(parts)


def render_rules(fmt: str) -> str:
    rules = all_rules()
    if fmt == "json":
        return json.dumps([{"code": r.code, "name": r.name, "level": r.level, "summary": r.summary,
                            "options": r.options} for r in rules], indent=2) + "\n"
    if fmt == "markdown":
        return rule_table()
    width = max(len(r.name) for r in rules)
    return "".join(f"{r.code}  {r.name:<{width}}  {r.level:<7}  {r.summary}\n" for r in rules)
