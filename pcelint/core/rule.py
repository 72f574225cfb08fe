"""The Rule type: a check function plus its metadata; its docstring is its documentation."""
from __future__ import annotations

import re
import sys
from collections.abc import Callable

from pcelint.core.options import Option, option, split

__all__ = ["Option", "Rule", "option", "rule"]

SCOPES = ("file", "pce", "pair", "run", "post")
SECTIONS = ("What it does", "Why it matters", "Example", "Fix", "Options")


class Rule:
    __slots__ = ("code", "name", "level", "scope", "summary", "check", "doc", "options", "needs",
                 "paired_only", "on_unparsed", "tags", "option_schemas")
    code: str
    name: str
    level: str
    scope: str  # file: check(NodeFile, ctx); pce: check(Pce, ctx); pair: check(Pair, ctx);
    # run: check(Repo, ctx), once per run (repository-wide rules);
    # post: check(subject, ctx) from post-processing (PCE005 gets the unused suppressions)
    summary: str
    check: Callable
    doc: str
    options: dict  # option name -> default
    needs: frozenset  # inputs the engine must prepare: "certs", "dns", "git_base", ...
    paired_only: bool  # file rules that only apply to node files of a pair
    on_unparsed: bool  # file rules that also run on a file that failed to load
    tags: tuple
    option_schemas: dict  # option name -> JSON Schema of a value

    def __init__(self, code: str, name: str, level: str, scope: str, summary: str,
                 check: Callable, doc: str, options: dict | None = None,
                 needs: frozenset = frozenset(), paired_only: bool = False,
                 on_unparsed: bool = False, tags: tuple = (), option_schemas: dict | None = None):
        self.code = code
        self.name = name
        self.level = level
        self.scope = scope
        self.summary = summary
        self.check = check
        self.doc = doc
        self.options = {} if options is None else options
        self.needs = needs
        self.paired_only = paired_only
        self.on_unparsed = on_unparsed
        self.tags = tags
        self.option_schemas = {} if option_schemas is None else option_schemas

    @property
    def pascal_name(self) -> str:
        return "".join(part.capitalize() for part in self.name.split("-"))

    def section(self, title: str) -> str:
        match = re.search(rf"^## {re.escape(title)}\n(.*?)(?=^## |\Z)", self.doc, re.S | re.M)
        return match.group(1).strip() if match else ""


def rule(code: str, name: str, level: str, scope: str, summary: str, *, options=None, needs=(),
         paired_only: bool = False, on_unparsed: bool = False, tags=()) -> Callable[[Callable], Rule]:
    assert scope in SCOPES, scope

    defaults, schemas = split(options)  # options: {name: option(default, type, ...) or default}

    def wrap(check: Callable) -> Rule:
        return Rule(code, name, level, scope, summary, check, cleandoc(check.__doc__ or ""),
                    defaults, frozenset(needs), paired_only, on_unparsed, tuple(tags), schemas)

    return wrap


def cleandoc(doc: str) -> str:
    """`inspect.cleandoc`, without importing `inspect` (about 6 ms with what it imports): the
    indentation common to the second line onwards removed, and leading and trailing blank lines."""
    lines = doc.expandtabs().split("\n")
    margin = sys.maxsize
    for line in lines[1:]:
        content = len(line.lstrip())
        if content:
            margin = min(margin, len(line) - content)
    if lines:
        lines[0] = lines[0].lstrip()
    if margin < sys.maxsize:
        for i in range(1, len(lines)):
            lines[i] = lines[i][margin:]
    while lines and not lines[-1]:
        lines.pop()
    while lines and not lines[0]:
        lines.pop(0)
    return "\n".join(lines)
