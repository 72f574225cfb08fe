"""PCE307: a node file compared with its version at a base revision (`--base REV`). The base
version is read by the `git_base` input (`pcelint.gitio.provide_base`); the check does no I/O."""
from __future__ import annotations

from pcelint.findings import Problem, Skipped
from pcelint.rule import rule

APF = ("active_standby_replication", "active_pce_fqdn")

_BASE_SKIPS = {
    "no-base": "no base revision: pass --base REV (the pre-commit hook passes --base HEAD)",
    "no-repo": "'{rel}' is not inside a git work tree, so it has no base revision",
    "outside": "'{rel}' is outside the git work tree being linted, so it has no base revision",
    "git-failed": "git could not be run to read '{rel}' at '{rev}'",
    "bad-rev": "'{rev}' names no commit (a repository without commits yet?)",
    "new": "'{rel}' is new since '{rev}'",
}


@rule("PCE307", "active-pce-fqdn-removed", "error", "file",
      "active_pce_fqdn was in the file at the base revision (--base REV) and is gone now.",
      needs={"git_base"}, tags=("correctness",))
def active_pce_fqdn_removed(node, ctx):
    """
    ## What it does
    With `--base REV`, reads each node file as it was at that revision (`git show REV:path`) and
    reports a file whose base version had `active_standby_replication.active_pce_fqdn` while the
    current one no longer has it (or has it empty), in paired and lone node files alike. In the
    pre-commit hook (`--base HEAD`) this compares the staged content with the last commit. It is
    skipped, with the reason, without `--base`, outside a git work tree, or for a file new since REV.

    ## Why it matters
    The vendor: "never remove the setting active_pce_fqdn from runtime_env.yml ... Removing this
    entry will break VEN communications." A lone node file has no partner for PCE301 to compare
    with, so only its history shows the removal.

    ## Example
    Would fail (the base revision had the key, the working copy dropped it):
    ```yaml
    # HEAD:pces/prod/active/core0.yml   # working copy
    pce_fqdn: pce-a.example.com          pce_fqdn: pce-a.example.com
    node_type: core                      node_type: core
    active_standby_replication:
      active_pce_fqdn: pce.example.com
    ```
    Would pass:
    ```yaml
    pce_fqdn: pce-a.example.com
    node_type: core
    active_standby_replication:
      active_pce_fqdn: pce.example.com
    ```

    ## Fix
    Put `active_standby_replication.active_pce_fqdn` back, with the value it had.

    ## Options
    None. The base revision is `--base REV`.
    """
    if node.base is None:
        reason = _BASE_SKIPS.get(node.base_state, "the base revision could not be read")
        raise Skipped(reason.format(rel=node.rel, rev=ctx.settings.base))
    if node.base.data is None:
        raise Skipped(f"'{node.rel}' at '{ctx.settings.base}' could not be loaded as YAML")
    old = _value(node.base.data)
    if old in (None, "") or _value(node.data) not in (None, ""):
        return
    yield Problem(f"'active_standby_replication.active_pce_fqdn' was '{old}' at "
                  f"'{ctx.settings.base}' and has been removed; put it back: VENs pair with this "
                  "name and break without it.", node.loc(*APF))


def _value(data):
    section = data.get(APF[0]) if isinstance(data, dict) else None
    return section.get(APF[1]) if isinstance(section, dict) else None


RULES = (active_pce_fqdn_removed,)
