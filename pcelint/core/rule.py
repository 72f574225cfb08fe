"""The Rule type: a check function plus its metadata; its docstring is its documentation."""
from __future__ import annotations

import inspect
import re
from dataclasses import dataclass, field
from typing import Callable

from pcelint.core.options import Option, option, split

__all__ = ["Option", "Rule", "option", "rule"]

SCOPES = ("file", "pce", "pair", "run", "post")
SECTIONS = ("What it does", "Why it matters", "Example", "Fix", "Options")


@dataclass(frozen=True)
class Rule:
    code: str
    name: str
    level: str
    scope: str  # file: check(NodeFile, ctx); pce: check(Pce, ctx); pair: check(Pair, ctx);
    # run: check(Repo, ctx), once per run (repository-wide rules);
    # post: check(subject, ctx) from post-processing (PCE005 gets the unused suppressions)
    summary: str
    check: Callable
    doc: str
    options: dict = field(default_factory=dict)  # option name -> default
    needs: frozenset = frozenset()  # inputs the engine must prepare: "certs", "dns", "git_base", ...
    paired_only: bool = False  # file rules that only apply to node files of a pair
    on_unparsed: bool = False  # file rules that also run on a file that failed to load
    tags: tuple = ()
    option_schemas: dict = field(default_factory=dict)  # option name -> JSON Schema of a value

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
        return Rule(code, name, level, scope, summary, check, inspect.cleandoc(check.__doc__ or ""),
                    defaults, frozenset(needs), paired_only, on_unparsed, tuple(tags), schemas)

    return wrap
