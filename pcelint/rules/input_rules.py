"""PCE0xx: the file itself (syntax, duplicate keys, unsafe input). The loader finds these."""
from __future__ import annotations

from pcelint.findings import Location, Problem
from pcelint.rule import rule


def _loader_problems(node, code):
    for p in node.loaded.problems:
        if p.code == code:
            related = (Location(node.rel, p.related, p.key_path, "The first occurrence is here."),) \
                if p.related else ()
            yield Problem(p.message, Location(node.rel, p.span, p.key_path), related)


@rule("PCE001", "yaml-syntax", "error", "file",
      "The file is not valid UTF-8 YAML holding one mapping.", tags=("correctness",))
def yaml_syntax(node, ctx):
    """
    ## What it does
    Reports a node file that is not valid YAML, not UTF-8, holds more than one document, or whose
    top level is not a mapping (an empty file included). Invalid UTF-8 is reported with its byte
    offset.

    ## Why it matters
    The PCE refuses to start with a runtime_env.yml it cannot read, and no other check can say
    anything about a file that does not parse.

    ## Example
    Would fail:
    ```yaml
    pce_fqdn: pce.example.com
    node_type: [core
    ```
    Would pass:
    ```yaml
    pce_fqdn: pce.example.com
    node_type: core
    ```

    ## Fix
    Correct the syntax at the reported position; save the file as UTF-8 with one document.

    ## Options
    None.
    """
    yield from _loader_problems(node, "PCE001")


@rule("PCE002", "duplicate-key", "error", "file",
      "A mapping repeats a key; YAML loaders silently keep the last value.", tags=("correctness",))
def duplicate_key(node, ctx):
    """
    ## What it does
    Reports every repeated key in a mapping, at any depth, pointing at the repeat with the first
    occurrence as the related location.

    ## Why it matters
    YAML loaders keep the last value without a word, so an edit to the first occurrence silently has
    no effect on the PCE.

    ## Example
    Would fail:
    ```yaml
    pce_fqdn: pce-a.example.com
    pce_fqdn: pce-b.example.com
    ```
    Would pass:
    ```yaml
    pce_fqdn: pce-a.example.com
    ```

    ## Fix
    Keep one of the two keys, with the value you mean.

    ## Options
    None.
    """
    yield from _loader_problems(node, "PCE002")


@rule("PCE003", "unsafe-input", "error", "file",
      "The file was refused before building values: unknown tag, alias bomb, deep nesting or too large.",
      tags=("security",))
def unsafe_input(node, ctx):
    """
    ## What it does
    Reports a file pcelint refused to build values from: an explicit tag other than the standard
    YAML 1.1 tags (for example `!!python/object`), more aliases or expanded nodes than the limits
    (an alias bomb), a recursive alias, nesting deeper than the limit, or a file larger than the size
    limit. Nothing in any input is ever executed.

    ## Why it matters
    A runtime_env.yml never needs any of these; a file that has them is broken or hostile, and
    expanding it could exhaust memory on every developer's machine and in CI.

    ## Example
    Would fail:
    ```yaml
    pce_fqdn: !!python/object/apply:os.system ["true"]
    node_type: core
    ```
    Would pass:
    ```yaml
    pce_fqdn: pce.example.com
    node_type: core
    ```

    ## Fix
    Write plain values: remove the tag, write aliased values out, flatten the nesting.

    ## Options
    None of its own. The limits are set under `limits:` in the config file: `max_bytes` (default 1048576),
    `max_aliases` (100), `max_nodes` (100000, after expanding aliases), `max_depth` (64).
    """
    yield from _loader_problems(node, "PCE003")


RULES = (yaml_syntax, duplicate_key, unsafe_input)
