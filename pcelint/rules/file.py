"""PCE0xx: the file itself: syntax, duplicate keys, unsafe input (the loader finds these), and the
`# pcelint: disable=...` comments (PCE004 here, PCE005 after the run: see `pcelint.post.suppress`)."""
from __future__ import annotations

from pcelint.core.comments import parse
from pcelint.core.findings import Location, Problem
from pcelint.core.listing import MAX_LISTED, clip
from pcelint.core.rule import rule


def _loader_problems(node, code):
    for p in node.loaded.problems:
        if p.code == code:
            related = (Location(node.rel, p.related, p.key_path, "The first occurrence is here."),) \
                if p.related else ()
            yield Problem(p.message, Location(node.rel, p.span, p.key_path), related)


@rule("PCE001", "yaml-syntax", "error", "file",
      "The file is not valid UTF-8 YAML holding one mapping.", on_unparsed=True,
      tags=("correctness",))
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
      "A mapping repeats a key; YAML loaders silently keep the last value.",
      on_unparsed=True, tags=("correctness",))
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
    node_type: core
    pce_fqdn: pce-b.example.com
    ```
    Would pass:
    ```yaml
    pce_fqdn: pce-a.example.com
    node_type: core
    ```

    ## Fix
    Keep one of the two keys, with the value you mean.

    ## Options
    None.
    """
    yield from _loader_problems(node, "PCE002")


@rule("PCE003", "unsafe-input", "error", "file",
      "The file was refused before building values: unknown tag, alias bomb, deep nesting or too large.",
      on_unparsed=True, tags=("security",))
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
    None of its own. The limits are `max_bytes` (default 1048576), `max_aliases` (100), `max_nodes`
    (100000, after expanding aliases), `max_depth` (64): `--limit NAME=N` raises or lowers one for a
    run, `limits:` in the config file may only lower one.
    """
    yield from _loader_problems(node, "PCE003")


def _tokens(tokens) -> str:
    """The rule tokens of a comment, at most MAX_LISTED of them (a comment may hold thousands)."""
    return "'" + ", ".join(clip(t) for t in tokens[:MAX_LISTED]) + "'" + \
        (f" and {len(tokens) - MAX_LISTED} more" if len(tokens) > MAX_LISTED else "")


@rule("PCE004", "suppression-without-reason", "warning", "file",
      "A '# pcelint: disable=...' comment gives no '-- reason'.", on_unparsed=True,
      tags=("maintainability",))
def suppression_without_reason(node, ctx):
    """
    ## What it does
    Reports a `# pcelint: disable=...` or `# pcelint: disable-file=...` comment that has no
    `-- reason` after the rule list. The suppression still works.

    ## Why it matters
    A suppression hides a broken requirement from every later reader and from CI; without the
    reason nobody can tell whether it is still needed (for example the failover window in which the
    new active carries its own name, PCE303).

    ## Example
    Would fail:
    ```yaml
    pce_fqdn: pce.example.com
    node_type: snc0
    insecure_tls_weak_ciphers_enabled: true  # pcelint: disable=PCE105
    ```
    Would pass:
    ```yaml
    pce_fqdn: pce.example.com
    node_type: snc0
    insecure_tls_weak_ciphers_enabled: true  # pcelint: disable=PCE105 -- legacy VENs, CHG-1234
    ```

    ## Fix
    Add ` -- ` and the reason after the rule list.

    ## Options
    None.
    """
    text = node.loaded.text
    if text is None or "pcelint" not in text:  # no line holds a comment: none is split
        return
    for s in parse(node.rel, node.lines):
        if not s.reason:
            yield Problem(f"The suppression of {_tokens(s.tokens)} gives no reason; add "
                          "' -- ' and why the finding is acceptable.", Location(node.rel, s.span),
                          discriminator=s.text)


@rule("PCE005", "unused-suppression", "warning", "post",
      "A suppression comment matched no finding of a rule that ran.", tags=("maintainability",))
def unused_suppression(unused, ctx):
    """
    ## What it does
    Reports a `# pcelint: disable=...` comment (or one rule named in it) that suppressed no finding
    in this run, and a rule token that names no rule. A suppression of a rule that was skipped or
    not selected in this run (`--select`, `--ignore`, `per_file_ignores`) is not unused: the rule
    did not get a chance to report.

    ## Why it matters
    A stale suppression silently hides the next real problem on that line.

    ## Example
    Would fail (PCE105 ran and found nothing to hide):
    ```yaml
    pce_fqdn: pce.example.com
    node_type: snc0
    insecure_tls_weak_ciphers_enabled: false  # pcelint: disable=PCE105 -- legacy VENs
    ```
    Would pass:
    ```yaml
    pce_fqdn: pce.example.com
    node_type: snc0
    insecure_tls_weak_ciphers_enabled: true  # pcelint: disable=PCE105 -- legacy VENs, CHG-1234
    ```

    ## Fix
    Remove the comment, or the rules in it that no longer fire.

    ## Options
    None.
    """
    count: dict = {}
    for s, tokens in unused.items.items():
        n = count[(s.path, s.text)] = count.get((s.path, s.text), 0) + 1
        yield Problem(f"The suppression of {_tokens(tokens)} matched no finding; remove it "
                      "(or the rules in it that no longer fire).", Location(s.path, s.span),
                      discriminator=f"{s.text}#{n}")


RULES = (yaml_syntax, duplicate_key, unsafe_input, suppression_without_reason, unused_suppression)
