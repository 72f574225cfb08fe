"""PCE004-PCE005: the `# pcelint: disable=...` comments themselves (see `pcelint.suppress`)."""
from __future__ import annotations

from pcelint.findings import Location, Problem
from pcelint.rule import rule
from pcelint.suppress import parse


@rule("PCE004", "suppression-without-reason", "warning", "file",
      "A '# pcelint: disable=...' comment gives no '-- reason'.", tags=("maintainability",))
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
    active_standby_replication:
      active_pce_fqdn: pce-b.example.com  # pcelint: disable=PCE303
    ```
    Would pass:
    ```yaml
    active_standby_replication:
      active_pce_fqdn: pce-b.example.com  # pcelint: disable=PCE303 -- failover window, CHG-1234
    ```

    ## Fix
    Add ` -- ` and the reason after the rule list.

    ## Options
    None.
    """
    for s in parse(node.rel, node.lines):
        if not s.reason:
            yield Problem(f"The suppression of '{', '.join(s.tokens)}' gives no reason; add "
                          "' -- ' and why the finding is acceptable.", Location(node.rel, s.span),
                          discriminator=s.text)


@rule("PCE005", "unused-suppression", "warning", "run",
      "A suppression comment matched no finding of a rule that ran.",
      needs={"suppressions"}, tags=("maintainability",))
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
    Would fail (the pair's two `active_pce_fqdn` values are equal, so PCE302 has nothing to hide):
    ```yaml
    active_standby_replication:
      active_pce_fqdn: pce.example.com  # pcelint: disable=PCE302 -- migration
    ```
    Would pass:
    ```yaml
    active_standby_replication:
      active_pce_fqdn: pce.example.com
    ```

    ## Fix
    Remove the comment, or the rules in it that no longer fire.

    ## Options
    None.
    """
    count: dict = {}
    for s, tokens in unused.items.items():
        n = count[(s.path, s.text)] = count.get((s.path, s.text), 0) + 1
        yield Problem(f"The suppression of '{', '.join(tokens)}' matched no finding; remove it "
                      "(or the rules in it that no longer fire).", Location(s.path, s.span),
                      discriminator=f"{s.text}#{n}")


RULES = (suppression_without_reason, unused_suppression)
